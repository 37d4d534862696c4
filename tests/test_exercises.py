"""Exercise logic, for every kind: right, wrong, partial, empty, invalid and repeated
answers; the schema; and the static page carrying no answer."""

from __future__ import annotations

import copy
import json

import pytest

from govmig.exercises import Exercise, SpecError, load
from govmig.exercises.spec import canonical_answer, validate

from conftest import ROOT

SPECS = sorted((ROOT / "exercises" / "specs").glob("*.yaml"))
CHAPTERS = [p.stem for p in SPECS]


def right_answer(ex: Exercise):
    """For a written task: a draft of the right length (the model answer, trimmed to length)."""
    spec = ex.spec
    if spec["kind"] == "text":
        words = (spec["model_answer"].split() * spec["min_words"])[: spec.get("max_words", spec["min_words"])]
        return " ".join(words)
    if spec["kind"] == "choice":
        return spec["answer"]
    if spec["kind"] == "number":
        return str(spec["answer"])
    if spec["kind"] == "order":
        return {item: str(n) for n, item in enumerate(spec["answer"], start=1)}
    return dict(spec["answer"])


def wrong_answer(ex: Exercise):
    """For a written task: a draft that is too short."""
    spec = ex.spec
    if spec["kind"] == "text":
        return " ".join(["migrants"] * (spec["min_words"] - 1))
    if spec["kind"] == "choice":
        return next(o["id"] for o in spec["options"] if o["id"] != spec["answer"])
    if spec["kind"] == "number":
        return str(spec["answer"] + 10 ** (1 - spec["decimals"]) * 7)
    if spec["kind"] == "order":  # swap the first two
        order = list(spec["answer"])
        order[0], order[1] = order[1], order[0]
        return {item: str(n) for n, item in enumerate(order, start=1)}
    ans = dict(spec["answer"])
    first = spec["items"][0]["id"]
    ans[first] = next(o["id"] for o in spec["options"] if o["id"] != ans[first])
    return ans


def all_exercises():
    return [ex for chapter in CHAPTERS for ex in load(chapter, ROOT / "exercises" / "specs")]


EXERCISES = all_exercises()
IDS = [ex.id for ex in EXERCISES]


def test_there_are_exercises_of_several_kinds():
    assert SPECS, "no exercise specs found"
    iom = load("iom", ROOT / "exercises" / "specs")
    assert len(iom) >= 6 and len({ex.spec["kind"] for ex in iom}) >= 3


# A written task that does not depend on any chapter's spec, so that these tests always run.
TEXT_FIXTURE = Exercise(validate({"chapter": "t", "exercises": [{
    "id": "t-statement", "kind": "text", "title": "Draft", "prompt": "Draft a short statement.",
    "min_words": 12, "max_words": 40, "hint": "Name one demand.", "explanation": "Compare the two drafts.",
    "model_answer": "First paragraph of the model statement, with a demand.\n\nSecond paragraph: who we speak for.",
    "rubric": ["Names one demand.", "Says who speaks."]}]})["exercises"][0], "t")
MARKED = [ex for ex in EXERCISES if ex.spec["kind"] != "text"]
WRITTEN = [TEXT_FIXTURE] + [ex for ex in EXERCISES if ex.spec["kind"] == "text"]


@pytest.mark.parametrize("ex", MARKED, ids=[ex.id for ex in MARKED])
def test_right_answer_is_correct_and_explained(ex):
    fb = ex.check(right_answer(ex))
    assert fb.status == "correct" and fb.message.startswith("Correct.")
    assert fb.message == "Correct." or ex.spec.get("agreement") and "kappa 1.00" in fb.message
    assert fb.explanation == ex.spec["explanation"]


@pytest.mark.parametrize("ex", WRITTEN, ids=[ex.id for ex in WRITTEN])
def test_written_task_reveals_model_and_rubric_only_for_a_full_draft(ex):
    spec = ex.spec
    short = ex.check(wrong_answer(ex))
    assert short.status == "draft" and f"{spec['min_words'] - 1} words" in short.message
    assert short.model_answer is None and short.rubric is None and short.explanation is None
    done = ex.check(right_answer(ex))
    assert done.status == "submitted" and not done.correct
    assert (done.model_answer, done.rubric, done.explanation) == (spec["model_answer"], spec["rubric"], spec["explanation"])
    if spec.get("max_words"):
        long = ex.check(" ".join(["word"] * (spec["max_words"] + 1)))
        assert long.status == "draft" and long.model_answer is None
    public, html = json.dumps(ex.public, ensure_ascii=False), ex.html()
    for text in [spec["model_answer"], *spec["rubric"]]:
        assert text not in public and text not in html


def test_written_task_spec_rules():
    doc = {"chapter": "t", "exercises": [{"id": "t-w", "kind": "text", "title": "T", "prompt": "P", "explanation": "E",
                                          "min_words": 50, "max_words": 20, "model_answer": "M", "rubric": ["R"]}]}
    with pytest.raises(SpecError, match="max_words"):
        validate(copy.deepcopy(doc))
    doc["exercises"][0].update(max_words=80, answer="x")
    with pytest.raises(SpecError):
        validate(copy.deepcopy(doc))
    del doc["exercises"][0]["answer"]
    del doc["exercises"][0]["rubric"]
    with pytest.raises(SpecError):
        validate(doc)


@pytest.mark.parametrize("ex", MARKED, ids=[ex.id for ex in MARKED])
def test_wrong_answer_gets_feedback_not_the_answer(ex):
    fb = ex.check(wrong_answer(ex))
    assert fb.status in ("wrong", "partial")
    assert fb.explanation is None
    if ex.spec.get("hint"):
        assert ex.spec["hint"] in fb.message
    if ex.spec["kind"] in ("order", "match"):
        assert fb.status == "partial" and fb.wrong_items


@pytest.mark.parametrize("ex", EXERCISES, ids=IDS)
@pytest.mark.parametrize("empty", [None, "", {}])
def test_empty_answer_is_prompted(ex, empty):
    fb = ex.check(empty)
    assert fb.status == "empty" and fb.message


@pytest.mark.parametrize("ex", MARKED, ids=[ex.id for ex in MARKED])
def test_repeated_answer_is_pointed_out(ex):
    tried: list[str] = []
    first = ex.check(wrong_answer(ex), tried)
    again = ex.check(wrong_answer(ex), tried)
    assert not first.repeated and again.repeated
    assert again.message.startswith("You have tried this answer before.")
    assert len(tried) == 1
    assert ex.check(right_answer(ex), tried).status == "correct"


@pytest.mark.parametrize("junk", ["abc", "1.2.3", "--4", "12e", "🙂", "1 000,5,3"])
def test_unreadable_number_is_feedback_not_an_exception(junk):
    ex = load("gcm", ROOT / "exercises" / "specs")["gcm-yes-share"]
    fb = ex.check(junk)
    assert fb.status == "invalid" and junk.strip() in fb.message


@pytest.mark.parametrize("typed", ["89.9", "89.94", "89,9", " 89.92 ", "+89.9"])
def test_number_accepts_rounding_and_decimal_comma(typed):
    ex = load("gcm", ROOT / "exercises" / "specs")["gcm-yes-share"]
    assert ex.check(typed).correct


def test_thousands_separator():
    spec = {"chapter": "t", "exercises": [{"id": "t-n", "kind": "number", "title": "T", "prompt": "P",
                                           "explanation": "E", "answer": 1300, "decimals": 0}]}
    ex = Exercise(validate(spec)["exercises"][0], "t")
    assert ex.check("1,300").correct and ex.check("1 300").correct and not ex.check("1,301").correct


def test_duplicate_positions_in_an_order_exercise():
    ex = load("iom", ROOT / "exercises" / "specs")["iom-phases-order"]
    fb = ex.check({"logistics": "1", "opportunistic": "1", "expansion": "3", "growth": "4", "postneo": "5"})
    assert fb.status == "invalid" and "position 1" in fb.message


def test_foreign_values_do_not_raise():
    ex = load("iom", ROOT / "exercises" / "specs")["iom-readings-match"]
    assert ex.check({"kalm": "no-such-option", "albania": 3, "mantra": None}).status == "empty"
    full = {i["id"]: "no-such-option" for i in ex.spec["items"]}
    assert ex.check(full).status == "invalid"  # not one of the listed options (same in the page's JS)
    assert load("iom", ROOT / "exercises" / "specs")["iom-ghosh"].check("zzz").status == "wrong"


@pytest.mark.parametrize("ex", EXERCISES, ids=IDS)
def test_public_form_and_html_hold_no_answer(ex):
    public = json.dumps(ex.public)
    html = ex.html()
    assert ex.spec["explanation"] not in public and ex.spec["explanation"] not in html
    assert '"answer"' not in public
    texts = {k: v for k, v in ex.public.items() if k not in ("key", "salt", "explanation", "items")}
    texts["items"] = [{k: v for k, v in i.items() if k != "key"} for i in ex.public.get("items", [])]
    if ex.spec["kind"] == "number":
        assert str(ex.spec["answer"]) not in json.dumps(texts)
    if ex.spec["kind"] in ("order", "match"):
        assert canonical_answer(ex.spec) not in public
    assert html == ex.html(), "static HTML must be deterministic for nbval"


@pytest.mark.parametrize("path", SPECS, ids=CHAPTERS)
def test_spec_files_follow_the_schema(path):
    from govmig.exercises.spec import load_file
    load_file(path)


BASE = {"chapter": "t", "exercises": [{"id": "t-c", "kind": "choice", "title": "T", "prompt": "P",
                                       "explanation": "E", "answer": "a",
                                       "options": [{"id": "a", "text": "A"}, {"id": "b", "text": "B"}]}]}


@pytest.mark.parametrize("change, words", [
    (lambda d: d["exercises"][0].pop("explanation"), "explanation"),
    (lambda d: d["exercises"][0].update(answer="z"), "not an option id"),
    (lambda d: d["exercises"][0].update(id="other-c"), "chapter slug"),
    (lambda d: d["exercises"][0].update(kind="essay"), "kind"),
    (lambda d: d["exercises"][0]["options"].append({"id": "a", "text": "again"}), "duplicate option"),
])
def test_bad_specs_are_rejected_with_a_reason(change, words):
    doc = copy.deepcopy(BASE)
    change(doc)
    with pytest.raises(SpecError) as err:
        validate(doc)
    assert words in str(err.value) or "exercises/0" in str(err.value)
