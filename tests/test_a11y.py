"""Every page of both editions in headless Chromium, at phone and laptop width, in the
light and the dark theme (issue 19): nothing from other hosts, no console error, and no
serious or critical axe-core violation.

One browser; one context per (width, theme); each page loaded once per context."""

from __future__ import annotations

from urllib.parse import urlparse

import pytest
from playwright.sync_api import TimeoutError as PlaywrightTimeout

from conftest import INSTRUCTOR_SITE, ROOT, SITE, _serve

pytestmark = pytest.mark.browser
AXE = ROOT / "node_modules" / "axe-core" / "axe.min.js"
VIEWS = [(390, "light"), (390, "dark"), (1280, "light"), (1280, "dark")]


def pages(site):
    if not site.is_dir():
        return []
    return sorted(p.relative_to(site).as_posix() for p in site.rglob("*.html")
                  if "_static" not in p.parts and "_sources" not in p.parts)


CASES = [("student", p) for p in pages(SITE)] + [("instructor", p) for p in pages(INSTRUCTOR_SITE)]


def test_both_editions_were_found():
    editions = {e for e, _ in CASES}
    assert editions == {"student", "instructor"}, "build both editions first (scripts/test.sh does)"
    assert ("instructor", "instructor/guide.html") in CASES and ("student", "intro.html") in CASES


@pytest.fixture(scope="module")
def servers():
    student, instructor = _serve(SITE), _serve(INSTRUCTOR_SITE)
    yield {"student": next(student), "instructor": next(instructor)}
    for gen in (student, instructor):
        next(gen, None)


@pytest.fixture(scope="module")
def contexts(browser):
    made = {}
    for width, theme in VIEWS:
        ctx = browser.new_context(viewport={"width": width, "height": 900 if width > 400 else 844},
                                  color_scheme=theme)
        ctx.add_init_script(path=str(AXE))
        made[(width, theme)] = ctx
    yield made
    for ctx in made.values():
        ctx.close()


AXE_START = """() => { window.__govmigAxe = null;
  axe.run(document, {resultTypes: ['violations']}).then(r => { window.__govmigAxe = r; }); }"""


def start(ctx, url: str):
    """Load the page and start axe-core in it without waiting: the four views of a page
    are checked side by side (one renderer process each)."""
    page = ctx.new_page()
    page.problems_seen = {"errors": [], "offsite": []}
    page.on("console", lambda m: page.problems_seen["errors"].append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: page.problems_seen["errors"].append(str(e)))

    def route(r):
        if urlparse(r.request.url).hostname != "127.0.0.1":
            page.problems_seen["offsite"].append(r.request.url)
            return r.abort()
        return r.continue_()
    page.route("**/*", route)
    page.goto(url, wait_until="load")
    try:
        page.wait_for_load_state("networkidle", timeout=5000)
    except PlaywrightTimeout:  # a page still fetching after 5 s is checked as it is
        pass
    page.evaluate(AXE_START)
    return page


def finish(page, theme: str) -> list[str]:
    try:
        page.wait_for_function("window.__govmigAxe !== null", timeout=120000)
        shown = page.evaluate("document.documentElement.dataset.theme")
        result = page.evaluate("window.__govmigAxe")
        seen = page.problems_seen
    finally:
        page.close()
    problems = [f"requests to other hosts: {seen['offsite']}"] if seen["offsite"] else []
    problems += [f"console errors: {seen['errors']}"] if seen["errors"] else []
    problems += [f"theme is {shown!r}, not {theme!r}"] if shown != theme else []
    problems += [f"{v['id']} ({v['impact']}, {len(v['nodes'])}x): {v['nodes'][0]['html'][:160]}"
                 for v in result["violations"] if v["impact"] in ("serious", "critical")]
    return problems


def check(ctx, url: str, theme: str) -> list[str]:
    return finish(start(ctx, url), theme)


@pytest.mark.parametrize("edition,path", CASES, ids=[f"{e}:{p}" for e, p in CASES])
def test_page_is_offline_error_free_and_passes_axe_at_each_width_and_theme(contexts, servers, edition, path):
    started = {(w, t): start(contexts[(w, t)], f"{servers[edition]}/{path}") for w, t in VIEWS}
    found = {f"{w}px {t}": finish(page, t) for (w, t), page in started.items()}
    assert {view: p for view, p in found.items() if p} == {}
