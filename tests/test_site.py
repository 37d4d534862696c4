"""The built site in real headless Chromium (Debian's), served on 127.0.0.1."""

from __future__ import annotations

from urllib.parse import urlparse

import pytest

from govmig.exercises import load
from govmig.exercises.check import MESSAGES

from conftest import INSTRUCTOR_SITE, ROOT, SITE, toc_files
from test_exercises import right_answer, wrong_answer

pytestmark = pytest.mark.browser
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


# Every page's offline, console-error and axe-core checks, at 390 and 1280 px, light and
# dark, in both editions: tests/test_a11y.py.


def test_one_search_field_and_no_empty_header_on_a_laptop(browser, page_at):
    """pydata-sphinx-theme 0.17 adds a second header bar with a duplicate search field
    unless navbar_persistent is set (govmig.sphinx sets it)."""
    page = page_at("intro.html", browser.new_context(viewport={"width": 1280, "height": 900}))
    visible = [b for b in page.query_selector_all(".search-button-field") if b.is_visible()]
    assert len(visible) == 1
    assert all(not h.is_visible() for h in page.query_selector_all("header.bd-header"))


# Charts (drawn, described, fitting a phone, with and without JavaScript): test_charts_site.py


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
    numbers = page_at("chapters/gcm/gcm-exercises.html")
    box = numbers.locator("#gcm-yes-share-value")
    box.focus()
    numbers.keyboard.type("89.9")
    numbers.keyboard.press("Enter")
    feedback = numbers.locator("form#gcm-yes-share .gm-feedback")
    assert "Correct." in feedback.inner_text()
    assert feedback.get_attribute("role") == "status"
    page = page_at(EXERCISE_PAGE)
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
    status = next(e for e in EXERCISES if e.id == "iom-un-status")
    answer(page.locator("form#iom-un-status"), status, right_answer(status))
    page.locator(".gm-export-button").click()              # no name yet: refused, nothing downloaded
    assert "name" in page.locator(".gm-export-status").inner_text().lower()
    page.locator(".gm-export-name").fill("Ada Lovelace")
    with page.expect_download() as info:
        page.locator(".gm-export-button").click()
    download = info.value
    assert download.suggested_filename.startswith("governing-migration-iom-answers-")
    download.save_as(tmp_path / download.suggested_filename)
    collection = read_folder(tmp_path)
    assert collection.skipped == [] and list(collection.answers["name"].unique()) == ["Ada Lovelace"]
    summary = collection.summary().set_index("exercise")
    assert summary.loc["iom-ghosh", "correct"] == 0 and summary.loc["iom-un-status", "correct"] == 1
    assert "Downloaded 2 answer(s)" in page.locator(".gm-export-status").inner_text()


def test_theme_macros_copy_is_current():
    """govmig/templates/static/webpack-macros.html is the theme's file minus fontawesome.js."""
    import re
    from importlib import resources

    theme = (resources.files("pydata_sphinx_theme") / "theme" / "pydata_sphinx_theme" / "static"
             / "webpack-macros.html").read_text("utf-8")
    ours = (ROOT / "govmig" / "templates" / "static" / "webpack-macros.html").read_text("utf-8")
    assert "scripts/fontawesome.js" not in ours
    # ours links basic.css directly; the theme's theme.css only @imports it
    ours = ours.replace("""<link href="{{ pathto('_static/basic.css', 1) }}" rel="stylesheet" />""",
                        """<link href="{{ pathto('_static/styles/theme.css', 1) }}?digest=55c26ed414f5f8a31ebb" rel="stylesheet" />""")
    assert "@import \"../basic.css\";" in (resources.files("pydata_sphinx_theme") / "theme" / "pydata_sphinx_theme"
                                           / "static" / "styles" / "theme.css").read_text("utf-8")

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


# --- Issue 19: what a page carries and how it reads (static checks of the built HTML) ---

import re  # noqa: E402

EDITIONS = [s for s in (SITE, INSTRUCTOR_SITE) if s.is_dir()]


def built_pages(site):
    return sorted(p for p in site.rglob("*.html") if "_static" not in p.parts and "_sources" not in p.parts)


def head(html: str) -> str:
    return html.split("</head>", 1)[0]


@pytest.mark.parametrize("site", EDITIONS, ids=lambda s: s.parent.parent.name if s != SITE else "student")
def test_exercise_pages_show_exercises_not_code(site):
    """No `exercises["..."]` source above an exercise: the cell's code stays in the notebook."""
    pages = sorted(site.glob("chapters/*/*-exercises.html"))
    assert len(pages) >= 5
    for page in pages:
        html = page.read_text("utf-8")
        assert "gm-exercise" in html, page.name
        assert not re.search(r"exercises(\[|<span class=\"p\">\[)(&quot;|<span class=\"s2\">&quot;|&#39;)", html), page.name
        assert 'exercises[&quot;' not in html and "exercises[\"" not in html, page.name


def _numbered_chapters(toc_path):
    import yaml

    toc = yaml.safe_load(toc_path.read_text("utf-8"))
    chapters = [c for part in toc["parts"] if part.get("numbered") for c in part["chapters"]]
    return [(n, c["file"], [s["file"] for s in c.get("sections", [])]) for n, c in enumerate(chapters, start=1)]


SECNUM_H1 = re.compile(r'<h1><span class="section-number">([\d.]+) </span>')


@pytest.mark.parametrize("site,toc", [(SITE, "_toc.yml"), (INSTRUCTOR_SITE, "_toc-instructor.yml")],
                         ids=["student", "instructor"])
def test_sub_pages_are_numbered_by_their_position_in_the_chapter(site, toc):
    """1.1, 1.2, ... for a chapter's sub-pages (not 1.17 after the chapter's own sections);
    the chapter page's own sections carry no number; the same in both editions."""
    if not site.is_dir():
        pytest.fail(f"{site} not built")
    for number, chapter, sections in _numbered_chapters(ROOT / toc):
        html = (site / f"{chapter}.html").read_text("utf-8")
        assert SECNUM_H1.findall(html) == [f"{number}."], chapter
        assert not re.search(r'<h[2-6]><span class="section-number">', html), chapter
        for position, sub in enumerate(sections, start=1):
            sub_html = (site / f"{sub}.html").read_text("utf-8")
            assert SECNUM_H1.findall(sub_html) == [f"{number}.{position}."], sub
            for h2 in re.findall(r'<h2><span class="section-number">([\d.]+) </span>', sub_html):
                assert h2.startswith(f"{number}.{position}."), (sub, h2)


@pytest.mark.parametrize("site", EDITIONS, ids=lambda s: "student" if s == SITE else "instructor")
def test_search_index_loads_only_on_the_search_page(site):
    """The 145 KB search index is loaded by search.html (where the search field leads),
    not by every page."""
    for page in built_pages(site):
        html = page.read_text("utf-8")
        loads = "searchindex.js" in html
        assert loads == (page.name == "search.html"), page.relative_to(site)
        if page.name != "search.html":
            assert "searchtools.js" not in html and "language_data.js" not in html, page.relative_to(site)


@pytest.mark.parametrize("site", EDITIONS, ids=lambda s: "student" if s == SITE else "instructor")
def test_no_page_needs_mathjax(site):
    """The book's arithmetic is written as text: no page loads MathJax (1.1 MB)."""
    for page in built_pages(site):
        html = page.read_text("utf-8")
        assert not re.search(r"<script[^>]*mathjax", html, re.I) and 'class="math' not in html, page.relative_to(site)


# Scripts in <head> that may block rendering: the tiny options object inline scripts read.
BLOCKING_ALLOWED = ("documentation_options.js",)
CHART_SCRIPTS = ("vendor/", "govmig-charts.js")   # the lead's chart loader: checked in test_charts.py


@pytest.mark.parametrize("site", EDITIONS, ids=lambda s: "student" if s == SITE else "instructor")
def test_head_loads_only_what_the_page_needs_and_defers_scripts(site):
    for page in built_pages(site):
        html = page.read_text("utf-8")
        top, body = head(html), html.split("</head>", 1)[1]
        for tag in re.findall(r"<script\b[^>]*>", top):
            src = re.search(r'src="([^"]+)"', tag)
            if not src or any(c in src.group(1) for c in CHART_SCRIPTS) or page.name == "search.html":
                continue  # the search page runs Sphinx's search scripts at once, as it must
            assert " defer" in tag or " async" in tag or src.group(1).split("?")[0].endswith(BLOCKING_ALLOWED), \
                f"{page.relative_to(site)}: render-blocking {tag}"
        assert "sphinx-thebe" not in top, page.relative_to(site)
        if 'class="highlight' not in body:
            assert "pygments.css" not in top and "copybutton" not in top, page.relative_to(site)
        if "sd-" not in body:
            assert "sphinx-design" not in top and "design-tabs" not in top, page.relative_to(site)


def test_layout_override_matches_the_theme_minus_search_scripts():
    """govmig/templates/layout.html copies pydata-sphinx-theme's `extrahead` block without
    its search scripts; this fails when the theme's block changes."""
    from importlib import resources

    theme = (resources.files("pydata_sphinx_theme") / "theme" / "pydata_sphinx_theme" / "layout.html").read_text("utf-8")
    ours = (ROOT / "govmig" / "templates" / "layout.html").read_text("utf-8")

    def block(text):
        body = text.split("block extrahead %}", 1)[1].split("endblock extrahead", 1)[0]
        body = re.sub(r"\{% if pagename == 'search' %\}.*?\{% endif %\}", "", body, flags=re.S)
        return [line.strip() for line in body.splitlines() if line.strip() and not line.strip().startswith("{%-")]
    assert block(ours) == block(theme)


def test_search_button_override_matches_the_theme_but_for_its_names():
    """govmig/templates/search-button-field.html is the theme's button without the
    aria-label that differs from its visible text; this fails when the theme's changes."""
    from importlib import resources

    theme = (resources.files("pydata_sphinx_theme") / "theme" / "pydata_sphinx_theme" / "components"
             / "search-button-field.html").read_text("utf-8")
    ours = (ROOT / "govmig" / "templates" / "search-button-field.html").read_text("utf-8")

    def code(text):
        text = re.sub(r"\{#.*?#\}", "", text, flags=re.S)
        text = re.sub(r' aria-label="[^"]*"| aria-hidden="true"', "", text)
        return [line.strip() for line in text.splitlines() if line.strip()]
    assert code(ours) == code(theme)
    assert "aria-label" not in ours.split("#}")[-1]


@pytest.mark.parametrize("site", EDITIONS, ids=lambda s: "student" if s == SITE else "instructor")
def test_every_page_has_a_description_and_an_icon(site):
    """Lighthouse SEO's meta-description; a favicon, so no first visit logs a 404."""
    for page in built_pages(site):
        top = head(page.read_text("utf-8"))
        if page.name == "index.html" and "http-equiv=\"refresh\"" in top:
            continue  # the redirect page
        found = re.search(r'<meta name="description" content="([^"]{40,170})"', top)
        assert found, page.relative_to(site)
        assert re.search(r'<link rel="icon" href="[^"]*favicon\.svg', top), page.relative_to(site)


@pytest.mark.parametrize("site", EDITIONS, ids=lambda s: "student" if s == SITE else "instructor")
def test_sidebar_toggles_have_a_name(site):
    """axe-core's summary-name at laptop width: the theme's icon-only <summary> elements."""
    for page in built_pages(site):
        assert '<summary><span class="toctree-toggle"' not in page.read_text("utf-8"), page.relative_to(site)


def test_search_words_are_highlighted_on_a_page_opened_from_the_results(page_at):
    """doctools.js and sphinx_highlight.js load only on a page opened from the search
    results (?highlight=...), and then mark the words as before."""
    plain = page_at("chapters/iom/iom-history.html")
    assert plain.locator("script[src*='sphinx_highlight'], script[src*='doctools']").count() == 0
    page = page_at("chapters/iom/iom-history.html?highlight=migration")
    page.wait_for_selector("article span.highlighted", state="attached", timeout=10000)
    assert page.errors == []
