"""The static exercise page under hostile use, in Chromium (issue 33; issue 25's
no-JavaScript and print items): linear time, two tabs, damaged storage, restored
answers, no JavaScript, and match exercises on paper.

The page is made here from govmig's renderer and the working tree's JavaScript and CSS
(as test_storage_faults does), so it does not depend on how recent the built site is."""

from __future__ import annotations

import json

import pytest

from govmig.exercises import load, static

from conftest import ROOT
from test_storage_faults import JS, MESSAGES, book, serve  # noqa: F401 - fixtures

pytestmark = pytest.mark.browser
CSS = ROOT / "govmig" / "static" / "govmig.css"


def _open(context, serve):  # noqa: F811
    page = context.new_page()
    page.goto(serve + "/index.html")
    page.wait_for_selector(".gm-export[data-gm-ready=true]")
    return page


# --- H1 in the page's JavaScript, in Chromium ----------------------------------------------

TIMING = """([pub, n]) => {
  function best(r) { let b = Infinity; for (let k = 0; k < 3; k++) { const t = performance.now();
    GovmigExercises.check(pub, r, []); b = Math.min(b, performance.now() - t); } return b; }
  const mk = m => pub.kind === 'text' ? 'word '.repeat(m) : '1' + ' '.repeat(m) + '1';
  return [best(mk(n)), best(mk(10 * n)), GovmigExercises.check(pub, mk(10 * n), []).message];
}"""


@pytest.mark.slow
def test_the_pages_checker_is_linear_in_chromium(browser, serve):  # noqa: F811
    """The review's reproduction froze a tab for 32 s with 256,000 spaces."""
    context = browser.new_context()
    page = _open(context, serve)
    public = json.loads(page.get_attribute("form#tb-count", "data-gm-exercise"))
    small, large, message = page.evaluate(TIMING, [public, 100_000])
    assert large <= 20 * max(small, 5.0), (small, large)  # milliseconds; 5 ms: the timer's noise
    assert "longer than 100 characters" in message
    text = json.loads(page.get_attribute("form#tb-essay", "data-gm-exercise"))
    small, large, message = page.evaluate(TIMING, [text, 100_000])
    assert large <= 20 * max(small, 5.0), (small, large)
    assert "longer than 5,000 characters" in message
    context.close()


# --- M1: two tabs --------------------------------------------------------------------------

def test_two_tabs_keep_each_others_answers(browser, serve):  # noqa: F811
    context = browser.new_context()
    one, two = _open(context, serve), _open(context, serve)
    two.fill("form#tb-count input[name=value]", "89")
    two.click("form#tb-count .gm-check")
    one.check("form#tb-pick input[value=a]")
    one.click("form#tb-pick .gm-check")
    stored = json.loads(one.evaluate("localStorage.getItem('govmig:answers')"))["answers"]
    assert set(stored) == {"tb-pick", "tb-count"}, "the first tab wrote back its old copy of the store"
    two.reload()
    two.wait_for_selector(".gm-export[data-gm-ready=true]")
    assert "Correct." in two.inner_text("form#tb-pick .gm-feedback")
    assert "Correct." in two.inner_text("form#tb-count .gm-feedback")
    context.close()


# --- L13 and M7 on the page ----------------------------------------------------------------

def test_a_restored_answer_says_whether_it_was_right(browser, serve):  # noqa: F811
    context = browser.new_context()
    page = _open(context, serve)
    page.check("form#tb-pick input[value=b]")
    page.click("form#tb-pick .gm-check")
    page.fill("form#tb-count input[name=value]", "89")
    page.click("form#tb-count .gm-check")
    page.reload()
    page.wait_for_selector(".gm-export[data-gm-ready=true]")
    assert page.inner_text("form#tb-pick .gm-feedback").startswith("\u2716 Your last answer was restored. Not quite.")
    assert page.inner_text("form#tb-count .gm-feedback").startswith("\u2714 Your last answer was restored. Correct.")
    context.close()


def test_a_damaged_saved_answer_is_set_aside_and_the_exercise_still_works(browser, serve):  # noqa: F811
    context = browser.new_context()
    context.add_init_script("localStorage.setItem('govmig:answers', JSON.stringify({version: 1, answers: {"
                            "'tb-order': {response: 'abc'}, 'tb-pick': {response: {x: 1}}, 'tb-count': {response: [1]}}}));")
    page = _open(context, serve)
    for form in ("tb-order", "tb-pick", "tb-count"):
        assert "set aside" in page.inner_text(f"form#{form} .gm-feedback"), form
    page.check("form#tb-pick input[value=a]")
    page.click("form#tb-pick .gm-check")
    assert "Correct." in page.inner_text("form#tb-pick .gm-feedback")
    context.close()


# --- M4: the page says the name limit and keeps to it --------------------------------------

def test_the_name_field_keeps_to_the_collectors_limit(browser, serve):  # noqa: F811
    context = browser.new_context()
    page = _open(context, serve)
    assert "at most 100 characters" in page.inner_text(".gm-export label")
    page.fill(".gm-export-name", "N" * 243)
    assert len(page.input_value(".gm-export-name")) == 100
    context.close()


# --- issue 25: without JavaScript the controls do not pretend to work --------------------

def test_without_javascript_check_and_export_are_disabled_and_nothing_submits(browser, serve):  # noqa: F811
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    page.goto(serve + "/index.html")
    for selector in ("form#tb-pick .gm-check", "form#tb-pick .gm-clear", ".gm-export-button"):
        assert page.is_disabled(selector), selector
    page.fill("form#tb-count input[name=value]", "89")
    page.press("form#tb-count input[name=value]", "Enter")  # implicit submission
    page.click("form#tb-count .gm-check", force=True)
    page.wait_for_timeout(300)
    assert page.url == serve + "/index.html", "the form was submitted and the page reloaded"
    assert "needs JavaScript" in page.inner_text(".gm-export")
    context.close()
    context = browser.new_context()
    page = _open(context, serve)
    assert not page.is_disabled("form#tb-pick .gm-check") and not page.is_disabled(".gm-export-button")
    context.close()


# --- issue 25 (H2): match exercises print their options, with a blank per item ------------

def test_match_exercises_print_their_options_and_a_blank_per_item(browser, tmp_path):
    ex = next(e for e in load("gcm") if e.public["kind"] == "match")
    page_html = (f"<!doctype html><html lang=en><meta charset=utf-8><title>t</title>"
                 f"<style>{CSS.read_text('utf-8')}</style><main>{static.render(ex.public)}</main></html>")
    context = browser.new_context()
    page = context.new_page()
    page.set_content(page_html)
    assert not page.is_visible(".gm-legend"), "on screen the drop-downs carry the options"
    page.emulate_media(media="print")
    legend = page.inner_text(".gm-legend")
    for n, option in enumerate(ex.public["options"]):
        assert f"{static.letter(n)}. {option['text']}" in legend
    assert page.locator(".gm-blank:visible").count() == len(ex.public["items"])
    assert page.locator("select:visible").count() == 0
    pdf = page.pdf()
    assert pdf.startswith(b"%PDF")
    context.close()
