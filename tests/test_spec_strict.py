"""Exercise specs are strict: every fault is a SpecError naming file, exercise and field."""

from __future__ import annotations

import pytest

from govmig.exercises import ExerciseSet, SpecError
from govmig.exercises.catalogue import catalogue
from govmig.exercises.spec import validate


def _doc(**extra):
    doc = {"chapter": "t", "exercises": [{
        "id": "t-one", "kind": "choice", "title": "One", "prompt": "Pick.", "explanation": "Because.",
        "options": [{"id": "a", "text": "A"}, {"id": "b", "text": "B"}], "answer": "a"}]}
    doc.update(extra)
    return doc


def test_retired_ids_are_accepted_and_kept():
    doc = validate(_doc(retired=["t-old", "t-older"]), "t.yaml")
    assert ExerciseSet(doc).retired == ["t-old", "t-older"]


@pytest.mark.parametrize("retired, needle", [
    (["t-one"], "also a live exercise id"),
    (["T-Old"], "retired/0"),
    (["t-old\n"], "retired/0"),
    (["t-old", "t-old"], "retired"),
    ("t-old", "retired"),
])
def test_bad_retired_lists_are_rejected(retired, needle):
    with pytest.raises(SpecError, match="t.yaml") as info:
        validate(_doc(retired=retired), "t.yaml")
    assert needle in str(info.value)


def test_catalogue_knows_retired_ids(tmp_path):
    (tmp_path / "t.yaml").write_text(
        "chapter: t\nretired: [t-gone]\nexercises:\n"
        "  - {id: t-one, kind: choice, title: One, prompt: Pick., explanation: Because.,\n"
        "     options: [{id: a, text: A}, {id: b, text: B}], answer: a}\n", "utf-8")
    cat = catalogue(tmp_path)
    assert cat.get("t-one").retired is False and cat.get("t-one").kind == "choice"
    assert cat.get("t-gone").retired is True and cat.get("t-gone").chapter == "t"
    assert cat.get("t-never") is None
    assert cat.chapters == {"t"} and len(cat.version) == 16
