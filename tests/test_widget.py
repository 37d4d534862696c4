"""The live (kernel) rendering: same feedback as the checker, answers survive a reload."""

from __future__ import annotations

import json
import os

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
    ex = load("iom", ROOT / "exercises" / "specs")["iom-phases-order"]
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
    # the book page keeps the working form; a notebook not yet run says what to do
    assert static["text/html"] == ex.html() and "<form" in static["text/html"]
    assert "Run this cell to check your answer here" in live["text/html"]
    assert "<form" not in live["text/html"] and "data-gm-exercise" not in live["text/html"]
    assert "needs JavaScript" not in live["text/html"]


def test_export_button_fallbacks_and_name(monkeypatch, tmp_path):
    exercises = load("iom", ROOT / "exercises" / "specs")
    button = exercises.export_button()
    monkeypatch.delenv("GOVMIG_RENDER", raising=False)
    assert "Run this cell to export" in button._repr_mimebundle_()["text/html"]
    monkeypatch.setenv("GOVMIG_RENDER", "static")
    html = button._repr_mimebundle_()["text/html"]
    assert 'class="gm-export-name"' in html and f'data-gm-book="{exercises.book}"' in html
    monkeypatch.chdir(tmp_path)
    box = button.widget()
    box.button.click()
    assert "Type your name first" in box.status.value and not list(tmp_path.glob("*.json"))
    box.name_input.value = "Ada"
    box.button.click()
    (path,) = tmp_path.glob("governing-migration-iom-answers-*.json")
    doc = json.loads(path.read_text())
    assert doc["name"] == "Ada" and doc["book"] == exercises.book
    assert "hand in that file" in box.status.value and "Download" not in box.status.value
    with pytest.raises(ValueError):
        exercises.export("  ", tmp_path)
    assert json.loads(exercises.export("Bo", tmp_path).read_text())["name"] == "Bo"


@pytest.mark.parametrize("variable", ["JUPYTERHUB_USER", "BINDER_LAUNCH_HOST", "BINDER_REQUEST"])
def test_export_message_on_a_hosted_hub_says_to_download(monkeypatch, tmp_path, variable):
    for key in list(os.environ):
        if key.startswith(("JUPYTERHUB_", "BINDER_")):
            monkeypatch.delenv(key)
    monkeypatch.setenv(variable, "x")
    monkeypatch.chdir(tmp_path)
    box = load("iom", ROOT / "exercises" / "specs").export_button().widget()
    box.name_input.value = "Ada"
    box.button.click()
    assert "right-click the file \u25b8 Download" in box.status.value
    assert "Binder sessions are temporary" in box.status.value
