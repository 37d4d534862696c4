"""The live (kernel) rendering: same feedback as the checker, answers survive a reload."""

from __future__ import annotations

import json

import pytest

from govmig.exercises import load, store

from conftest import ROOT
from test_exercises import EXERCISES, TEXT_FIXTURE, right_answer, wrong_answer


def fill(widget, answer):
    widget.set_response(answer)


@pytest.mark.parametrize("ex", EXERCISES, ids=[e.id for e in EXERCISES])
def test_widget_checks_like_the_checker(ex):
    w = ex.widget()
    assert w.check().status == "empty" and "role=\"status\"" in w.feedback.value
    if ex.spec["kind"] == "text":
        return check_written(ex, w)
    fill(w, wrong_answer(ex))
    assert w.check().status in ("wrong", "partial")
    fill(w, right_answer(ex))
    fb = w.check()
    assert fb.correct and "Correct." in w.feedback.value


def check_written(ex, w):
    fill(w, wrong_answer(ex))
    assert w.check().status == "draft" and "Model answer" not in w.feedback.value
    fill(w, right_answer(ex))
    assert w.check().status == "submitted"
    assert "Model answer" in w.feedback.value and "Rubric" in w.feedback.value
    first = ex.spec["model_answer"].split("\n\n")[0]
    assert first.replace("'", "&#x27;").replace('"', "&quot;")[:40] in w.feedback.value


def test_written_task_widget_keeps_a_short_draft(tmp_path):
    w = TEXT_FIXTURE.widget()
    check_written(TEXT_FIXTURE, w)
    fill(w, "a first short draft")
    w.check()
    again = TEXT_FIXTURE.widget()
    assert again.response() == "a first short draft" and "restored" in again.feedback.value


def test_answers_survive_a_reload(tmp_path, monkeypatch):
    ex = load("iom", ROOT / "exercises" / "specs")["iom-names-order"]
    w = ex.widget()
    fill(w, wrong_answer(ex))
    w.check()
    saved = json.loads(store.path().read_text())
    assert saved["answers"][ex.id]["chapter"] == "iom" and saved["answers"][ex.id]["attempts"] == 1
    again = ex.widget()  # a new widget, as after re-running the cell
    assert again.response() == wrong_answer(ex)
    assert "restored" in again.feedback.value
    assert again.check().repeated


def test_corrupt_answer_file_is_ignored(tmp_path):
    store.path().write_text("{not json")
    ex = load("iom", ROOT / "exercises" / "specs")["iom-ghosh"]
    w = ex.widget()
    fill(w, "ghosh-1993")
    assert w.check().correct
    assert json.loads(store.path().read_text())["answers"]["iom-ghosh"]["status"] == "correct"


def test_mimebundle_has_widget_live_and_html_static(monkeypatch):
    ex = load("iom", ROOT / "exercises" / "specs")["iom-ghosh"]
    monkeypatch.delenv("GOVMIG_RENDER", raising=False)
    live = ex._repr_mimebundle_()
    assert "application/vnd.jupyter.widget-view+json" in live and "text/html" in live
    monkeypatch.setenv("GOVMIG_RENDER", "static")
    static = ex._repr_mimebundle_()
    assert "application/vnd.jupyter.widget-view+json" not in static
    assert static["text/html"] == live["text/html"]
