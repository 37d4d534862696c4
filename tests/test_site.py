"""The built site in real headless Chromium (Debian's), served on 127.0.0.1."""

from __future__ import annotations

from urllib.parse import urlparse

import pytest

from govmig.exercises import load
from govmig.exercises.check import MESSAGES

from conftest import INSTRUCTOR_SITE, ROOT, SITE
from test_exercises import right_answer, wrong_answer

pytestmark = pytest.mark.browser
AXE = ROOT / "node_modules" / "axe-core" / "axe.min.js"
PAGES = sorted(p.relative_to(SITE).as_posix() for p in SITE.rglob("*.html")
               if "_static" not in p.parts and "_sources" not in p.parts) if SITE.is_dir() else []


@pytest.fixture
def page_at(browser, server):
    """Open a page at phone width; record console errors and off-site requests."""
    opened = []

    def open_page(path: str, context=None, base: str | None = None):
        ctx = context or browser.new_context(viewport={"width": 390, "height": 844})
        page = ctx.new_page()
        page.errors, page.offsite = [], []
        page.on("console", lambda m: page.errors.append(m.text) if m.type == "error" else None)
        page.on("pageerror", lambda e: page.errors.append(str(e)))

        def route(r):
            if urlparse(r.request.url).hostname != "127.0.0.1":
                page.offsite.append(r.request.url)
                return r.abort()
            return r.continue_()
        page.route("**/*", route)
        page.goto(f"{base or server}/{path}", wait_until="networkidle")
        opened.append(ctx)
        return page

    yield open_page
    for ctx in opened:
        ctx.close()


def test_every_page_was_found():
    assert "chapters/iom/iom-history.html" in PAGES and "index.html" in PAGES


def _axe_problems(page) -> list[str]:
    page.add_script_tag(path=str(AXE))
    result = page.evaluate("axe.run(document, {resultTypes: ['violations']})")
    return [f"{v['id']} ({v['impact']}): {v['nodes'][0]['html'][:120]}"
            for v in result["violations"] if v["impact"] in ("serious", "critical")]


@pytest.mark.parametrize("path", PAGES)
def test_page_loads_offline_without_errors_and_passes_axe(page_at, path):
    """One page load: nothing from other hosts, no console error, no serious axe-core violation."""
    page = page_at(path)
    assert page.offsite == [], f"requests to other hosts: {page.offsite}"
    assert page.errors == [], f"console errors: {page.errors}"
    assert _axe_problems(page) == []


def test_one_search_field_and_no_empty_header_on_a_laptop(browser, page_at):
    """pydata-sphinx-theme 0.17 adds a second header bar with a duplicate search field
    unless navbar_persistent is set (govmig.sphinx sets it)."""
    page = page_at("intro.html", browser.new_context(viewport={"width": 1280, "height": 900}))
    visible = [b for b in page.query_selector_all(".search-button-field") if b.is_visible()]
    assert len(visible) == 1
    assert all(not h.is_visible() for h in page.query_selector_all("header.bd-header"))


# Charts (drawn, described, fitting a phone, with and without JavaScript): test_charts_site.py


# Pages that differ in the instructor edition: its own pages, and exercise pages with solutions.
INSTRUCTOR_PAGES = sorted(
    p.relative_to(INSTRUCTOR_SITE).as_posix() for p in INSTRUCTOR_SITE.glob("instructor/*.html")
) + [p.replace(".html", "") + ".html" for p in PAGES if p.endswith("-exercises.html")]


def test_instructor_pages_were_found():
    assert "instructor/guide.html" in INSTRUCTOR_PAGES and len(INSTRUCTOR_PAGES) >= 7


@pytest.mark.parametrize("path", INSTRUCTOR_PAGES)
def test_axe_on_instructor_pages(page_at, instructor_server, path):
    page = page_at(path, base=instructor_server)
    assert page.offsite == [] and page.errors == []
    assert _axe_problems(page) == []


EXERCISE_PAGE = "chapters/iom/iom-exercises.html"
CHAPTER_SPECS = [p.stem for p in sorted((ROOT / "exercises" / "specs").glob("*.yaml")) if not p.stem.endswith("-seminar")]
ALL_EXERCISES = [ex for chapter in CHAPTER_SPECS for ex in load(chapter, ROOT / "exercises" / "specs")]
EXERCISES = [ex for ex in ALL_EXERCISES if ex.chapter == "iom"]


def exercise_page(ex) -> str:
    """Each chapter's exercises are on chapters/<chapter>/<chapter>-exercises."""
    return f"chapters/{ex.chapter}/{ex.chapter}-exercises.html"


def answer(form, ex, response):
    kind = ex.spec["kind"]
    if kind == "choice":
        form.locator(f"input[value='{response}']").check()
    elif kind == "number":
        form.locator("input[name=value]").fill(response)
    elif kind == "text":
        form.locator("textarea[name=value]").fill(response)
    else:
        for item, value in response.items():
            form.locator(f"select[name='{item}']").select_option(value)
    form.locator("button.gm-check").click()
    return form.locator(".gm-feedback").inner_text()


def _first_round(form, ex) -> str:
    """Empty, wrong, then right: the page says what the checker says."""
    assert form.get_attribute("data-gm-ready") == "true", ex.id
    form.locator("button.gm-check").click()
    assert ex.check(None).message in form.locator(".gm-feedback").inner_text(), ex.id
    assert ex.check(wrong_answer(ex)).message in answer(form, ex, wrong_answer(ex)), ex.id
    text = answer(form, ex, right_answer(ex))
    done = "Submitted" if ex.spec["kind"] == "text" else "Correct."
    assert done in text and ex.spec["explanation"] in text, ex.id
    if ex.spec["kind"] == "text":
        assert ex.spec["rubric"][0] in text and ex.spec["model_answer"].split("\n\n")[0].strip() in text, ex.id
    return done


@pytest.mark.parametrize("chapter", CHAPTER_SPECS)
def test_static_exercises_answer_like_the_checker_and_persist(browser, page_at, chapter):
    """Every exercise of a chapter's page, on one page load: feedback, then a reload."""
    mine = [ex for ex in ALL_EXERCISES if ex.chapter == chapter]
    assert mine
    ctx = browser.new_context(viewport={"width": 390, "height": 844})
    page = page_at(exercise_page(mine[0]), ctx)
    page.locator(f"form#{mine[0].id}").wait_for(state="attached")
    done = {ex.id: _first_round(page.locator(f"form#{ex.id}"), ex) for ex in mine}
    page.reload(wait_until="networkidle")
    for ex in mine:
        form = page.locator(f"form#{ex.id}")
        assert MESSAGES["restored"] in form.locator(".gm-feedback").inner_text(), ex.id
        form.locator("button.gm-check").click()
        assert done[ex.id] in form.locator(".gm-feedback").inner_text(), ex.id
    assert page.errors == [] and page.offsite == []


def test_exercise_works_by_keyboard(page_at):
    page = page_at(EXERCISE_PAGE)
    box = page.locator("#iom-members-net-value")
    box.focus()
    page.keyboard.type("89")
    page.keyboard.press("Enter")
    feedback = page.locator("form#iom-members-net .gm-feedback")
    assert "Correct." in feedback.inner_text()
    assert feedback.get_attribute("role") == "status"
    radio = page.locator("#iom-ghosh-ghosh-1993")
    radio.focus()
    page.keyboard.press("Space")
    assert radio.is_checked()
    page.keyboard.press("Tab")  # leaves the radio group for the Check button
    assert page.evaluate("document.activeElement.textContent") == "Check"
    page.keyboard.press("Enter")
    assert "Correct." in page.locator("form#iom-ghosh .gm-feedback").inner_text()


def test_static_pages_carry_no_answer_or_explanation(site):
    html = "".join(p.read_text("utf-8") for p in site.rglob("*.html"))
    for ex in EXERCISES:
        assert ex.spec["explanation"] not in html, ex.id


def test_static_export_downloads_answers_the_collector_reads(browser, page_at, tmp_path):
    from govmig.collect import read_folder

    ctx = browser.new_context(viewport={"width": 390, "height": 844}, accept_downloads=True)
    page = page_at(EXERCISE_PAGE, ctx)
    ex = next(e for e in EXERCISES if e.id == "iom-ghosh")
    answer(page.locator("form#iom-ghosh"), ex, "sassen-1996")
    answer(page.locator("form#iom-members-net"), next(e for e in EXERCISES if e.id == "iom-members-net"), "89")
    with page.expect_download() as info:
        page.locator(".gm-export-button").click()
    download = info.value
    assert download.suggested_filename.startswith("governing-migration-iom-answers-")
    download.save_as(tmp_path / download.suggested_filename)
    summary = read_folder(tmp_path).summary().set_index("exercise")
    assert summary.loc["iom-ghosh", "correct"] == 0 and summary.loc["iom-members-net", "correct"] == 1
    assert "Downloaded 2 answer(s)" in page.locator(".gm-export-status").inner_text()


def test_theme_macros_copy_is_current():
    """govmig/templates/static/webpack-macros.html is the theme's file minus fontawesome.js."""
    import re
    from importlib import resources

    theme = (resources.files("pydata_sphinx_theme") / "theme" / "pydata_sphinx_theme" / "static"
             / "webpack-macros.html").read_text("utf-8")
    ours = (ROOT / "govmig" / "templates" / "static" / "webpack-macros.html").read_text("utf-8")
    assert "scripts/fontawesome.js" not in ours

    def code(text: str) -> list[str]:
        text = re.sub(r"<!--.*?-->", "", text, flags=re.S)
        return [line.strip() for line in text.splitlines() if line.strip() and "scripts/fontawesome.js" not in line]
    assert code(ours) == code(theme), "the theme's webpack-macros.html changed: copy it again without fontawesome.js"


def test_icons_draw_from_web_fonts_without_fontawesome_js(browser, page_at):
    """The header icons are drawn by the theme's CSS and Font Awesome's web font, with no
    1.5 MB fontawesome.js; no page loads that script."""
    page = page_at("intro.html", browser.new_context(viewport={"width": 1280, "height": 900}))
    assert page.locator("script[src*='fontawesome'], link[href*='fontawesome.js']").count() == 0
    page.wait_for_function("document.fonts.status === 'loaded'")
    icon = page.locator("i.fa-solid.fa-magnifying-glass:visible").first
    style = icon.evaluate("el => { const s = getComputedStyle(el, '::before');"
                          " return {content: s.content, font: s.fontFamily, width: el.getBoundingClientRect().width}; }")
    assert "Font Awesome" in style["font"] and style["content"] not in ("none", "normal", "") and style["width"] > 0
    assert page.evaluate("document.fonts.check('900 16px \"Font Awesome 6 Free\"')")
