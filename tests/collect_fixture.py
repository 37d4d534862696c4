"""A small book of exercises (its own spec folder) and helpers to write exports for it,
so that the collector's tests do not depend on the chapters' specs."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from govmig.exercises import store
from govmig.exercises.catalogue import book_version

SPEC = """\
chapter: tb
title: "Test book"
retired: [tb-old]
exercises:
  - id: tb-pick
    kind: choice
    title: "Pick"
    prompt: "Pick a."
    options: [{id: a, text: "A"}, {id: b, text: "B"}]
    answer: a
    explanation: "A is right."
  - id: tb-count
    kind: number
    title: "Count"
    prompt: "How many?"
    answer: 89
    decimals: 0
    explanation: "89."
  - id: tb-order
    kind: order
    title: "Order"
    prompt: "Order them."
    items: [{id: x, text: "X"}, {id: y, text: "Y"}]
    answer: [y, x]
    explanation: "Y first."
  - id: tb-essay
    kind: text
    title: "Essay"
    prompt: "Write."
    min_words: 3
    max_words: 50
    model_answer: "A model."
    rubric: ["One point."]
    explanation: "Compare."
"""
OTHER = SPEC.replace("chapter: tb", "chapter: tc").replace("id: tb-", "id: tc-").replace("retired: [tb-old]\n", "")

RIGHT = {"tb-pick": "a", "tb-count": "89", "tb-order": {"x": "2", "y": "1"}, "tb-essay": "We call on states."}
WRONG = {"tb-pick": "b", "tb-count": "90", "tb-order": {"x": "1", "y": "2"}, "tb-essay": "Short."}
STATUS_RIGHT = {"tb-pick": "correct", "tb-count": "correct", "tb-order": "correct", "tb-essay": "submitted"}
STATUS_WRONG = {"tb-pick": "wrong", "tb-count": "wrong", "tb-order": "partial", "tb-essay": "draft"}


def make_specs(folder: Path) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "tb.yaml").write_text(SPEC, "utf-8")
    (folder / "tc.yaml").write_text(OTHER, "utf-8")
    return folder


def export(specs: Path, right: set[str], *, name: str = "Student", stamp: str = "2026-12-01T10:00:00+00:00",
           chapter: str = "tb") -> dict[str, Any]:
    answers = {ex: {"chapter": chapter, "response": (RIGHT if ex in right else WRONG)[ex],
                    "status": (STATUS_RIGHT if ex in right else STATUS_WRONG)[ex], "attempts": 1, "updated": stamp}
               for ex in RIGHT}
    return store.export_doc(chapter, answers, name=name, book=book_version(specs))


def write(folder: Path, name: str, doc: Any) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / name
    path.write_text(doc if isinstance(doc, str) else json.dumps(doc), "utf-8")
    return path
