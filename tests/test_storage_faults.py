"""The static exercises when browser storage fails (reliability report D2; issue 12 section 3):
checking still works, the page says answers will not be kept, and "Export my answers"
exports what was answered on the page, never an empty file.

The page is made here from govmig's own renderer and the working tree's
govmig-exercises.js (as the book's Sphinx extension includes them), so the test does
not depend on how recent the built site is."""

from __future__ import annotations

import json
import os
from html import escape
from pathlib import Path

import pytest

from govmig.collect import read_folder
from govmig.exercises import static

from collect_fixture import make_specs
from conftest import ROOT, SITE

pytestmark = pytest.mark.browser
JS = ROOT / "govmig" / "static" / "govmig-exercises.js"
MESSAGES = ROOT / "govmig" / "exercises" / "messages.json"

FAULTS = {
    "setItem throws": "Storage.prototype.setItem = function () { throw new DOMException('full', 'QuotaExceededError'); };",
    "getItem throws": "Storage.prototype.getItem = function () { throw new DOMException('no', 'SecurityError'); };",
    "localStorage getter throws": "Object.defineProperty(window, 'localStorage', "
                                  "{ get() { throw new DOMException('blocked', 'SecurityError'); } });",
    "quota really full": "if (!sessionStorage.getItem('filled')) { sessionStorage.setItem('filled', '1');"
                         " for (let size = 1 << 20; size >= 1; size >>= 1) {"
                         " try { for (let i = 0; ; i++) localStorage.setItem('fill-' + size + '-' + i, 'x'.repeat(size)); }"
                         " catch (e) {} } }",
    "stored answers are an array": "localStorage.setItem('govmig:answers', JSON.stringify({version: 1, answers: []}));",
}


@pytest.fixture
def book(tmp_path):
    from govmig.exercises import load

    specs = make_specs(tmp_path / "specs")
    exercises = load("tb", specs)
    body = "".join(ex.html() for ex in exercises) + static.render_export("tb", exercises.book)
    page = (f"<!doctype html><html lang=en><meta charset=utf-8><title>t</title>"
            f"<script>window.GOVMIG_MESSAGES = {MESSAGES.read_text('utf-8')};</script>"
            f"<script src='govmig-exercises.js'></script><main>{body}</main></html>")
    site = tmp_path / "site"
    site.mkdir()
    (site / "index.html").write_text(page, "utf-8")
    (site / "govmig-exercises.js").write_text(JS.read_text("utf-8"), "utf-8")
    return site, specs


@pytest.fixture
def serve(book):
    from conftest import _serve

    gen = _serve(book[0])
    yield next(gen)
    next(gen, None)


def _answer_two(page):
    page.check("form#tb-pick input[value=a]")
    page.click("form#tb-pick .gm-check")
    page.fill("form#tb-count input[name=value]", "90")
    page.click("form#tb-count .gm-check")


@pytest.mark.parametrize("fault", list(FAULTS))
def test_export_keeps_answers_when_storage_fails(browser, serve, book, tmp_path, fault):
    context = browser.new_context(accept_downloads=True)
    context.add_init_script(FAULTS[fault])
    page = context.new_page()
    errors = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.goto(serve + "/index.html")
    page.wait_for_selector(".gm-export[data-gm-ready=true]")
    _answer_two(page)
    assert "Correct." in page.inner_text("form#tb-pick .gm-feedback")
    assert "Not quite." in page.inner_text("form#tb-count .gm-feedback")
    warning = page.locator(".gm-storage-warning").first
    if fault != "stored answers are an array":
        assert warning.is_visible() and "kept only while this page is open" in warning.inner_text()
    page.fill(".gm-export-name", "Ada")
    with page.expect_download() as info:
        page.click(".gm-export-button")
    target = tmp_path / "in" / info.value.suggested_filename
    target.parent.mkdir()
    info.value.save_as(target)
    doc = json.loads(target.read_text("utf-8"))
    assert set(doc["answers"]) == {"tb-pick", "tb-count"} and doc["name"] == "Ada"
    assert "Downloaded 2 answer(s)" in page.inner_text(".gm-export-status")
    collection = read_folder(target.parent, book[1])
    assert collection.skipped == [] and collection.flags == []
    summary = collection.summary().set_index("exercise")
    assert summary.loc["tb-pick", "correct"] == 1 and summary.loc["tb-count", "correct"] == 0
    assert errors == []
    context.close()


def test_storage_that_works_shows_no_warning_and_survives_a_reload(browser, serve):
    context = browser.new_context()
    page = context.new_page()
    page.goto(serve + "/index.html")
    page.wait_for_selector(".gm-export[data-gm-ready=true]")
    _answer_two(page)
    assert not page.locator(".gm-storage-warning").first.is_visible()
    page.reload()
    page.wait_for_selector(".gm-export[data-gm-ready=true]")
    assert "restored" in page.inner_text("form#tb-pick .gm-feedback")
    context.close()


def test_export_asks_for_a_name_and_never_hands_in_an_empty_file(browser, serve):
    context = browser.new_context(accept_downloads=True)
    page = context.new_page()
    downloads = []
    page.on("download", lambda d: downloads.append(d))
    page.goto(serve + "/index.html")
    page.wait_for_selector(".gm-export[data-gm-ready=true]")
    page.fill(".gm-export-name", "Ada")
    page.click(".gm-export-button")
    assert "nothing to export" in page.inner_text(".gm-export-status")
    _answer_two(page)
    page.fill(".gm-export-name", "  ")
    page.click(".gm-export-button")
    assert "Type your name" in page.inner_text(".gm-export-status")
    assert page.evaluate("document.activeElement.className") == "gm-export-name"
    page.wait_for_timeout(200)
    assert downloads == []
    context.close()


def test_export_box_html_is_escaped():
    html = static.render_export('x"><img src=x>', 'y"><b>')
    assert "<img" not in html and "<b>" not in html and escape('x"><img src=x>') in html


BUILT = Path(os.environ.get("GOVMIG_TEST_SITE") or SITE)  # a fresh build elsewhere: GOVMIG_TEST_SITE=/tmp/.../html


@pytest.mark.parametrize("fault", ["setItem throws", "getItem throws", "localStorage getter throws"])
def test_the_built_exercise_page_keeps_answers_when_storage_fails(browser, tmp_path, fault):
    """The same on the book's own chapter 1 exercise page (theme scripts included)."""
    from conftest import _serve

    if not (BUILT / "chapters" / "iom" / "iom-exercises.html").is_file():
        pytest.fail(f"no built site at {BUILT}: build the book, or set GOVMIG_TEST_SITE")
    gen = _serve(BUILT)
    base = next(gen)
    context = browser.new_context(accept_downloads=True)
    context.add_init_script(FAULTS[fault])
    context.route("**/*", lambda r: r.continue_() if r.request.url.startswith(base) else r.abort())
    page = context.new_page()
    page.goto(base + "/chapters/iom/iom-exercises.html", wait_until="load")
    page.wait_for_selector(".gm-export[data-gm-ready=true]")
    forms = page.locator("form.gm-exercise:has(input[type=radio])")
    for n in range(2):
        forms.nth(n).locator("input[type=radio]").first.check()
        forms.nth(n).locator(".gm-check").click()
        assert forms.nth(n).locator(".gm-feedback").inner_text().strip()
    assert "kept only while this page is open" in page.locator(".gm-storage-warning").first.inner_text()
    page.fill(".gm-export-name", "Ada")
    with page.expect_download() as info:
        page.click(".gm-export-button")
    target = tmp_path / info.value.suggested_filename
    info.value.save_as(target)
    doc = json.loads(target.read_text("utf-8"))
    assert len(doc["answers"]) == 2 and doc["name"] == "Ada" and len(doc.get("book", "")) == 16
    context.close()
    next(gen, None)
