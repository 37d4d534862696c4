"""The book's own list of exercises, live and retired, and the book's version.

The collector accepts an exported answer only for an id in this list. A retired id
(listed under ``retired:`` in a spec file) is known, so an old export still reads,
but it is flagged as retired rather than counted with the live exercises.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from pathlib import Path

from .spec import load_file, spec_dir


@dataclass(frozen=True)
class Known:
    """One id the book knows: its chapter, and whether it is still live."""

    id: str
    chapter: str
    kind: str | None  # None for a retired exercise (its spec is gone)
    retired: bool = False


@dataclass(frozen=True)
class Catalogue:
    exercises: dict[str, Known]
    chapters: frozenset[str]
    version: str  # content hash of the spec files

    def get(self, exercise_id: str) -> Known | None:
        return self.exercises.get(exercise_id)


def spec_files(folder: str | Path | None = None) -> list[Path]:
    return sorted(Path(folder or spec_dir()).glob("*.yaml"))


# What decides a verdict (ROUND-NOTES, "Versions and ids"): an exercise's kind, its items'
# and options' ids, its key and the rules that judge an answer. Titles, prompts, hints,
# explanations, sources, levels and sections may change without orphaning a student's export.
DECISIVE = ("id", "kind", "answer", "decimals", "agreement", "min_words", "max_words")


def verdict_form(ex: dict) -> dict:
    """The part of an exercise that decides whether an answer is right."""
    form = {key: ex[key] for key in DECISIVE if key in ex}
    for part in ("items", "options"):
        if part in ex:
            form[part] = sorted(entry["id"] for entry in ex[part])   # the order shown decides nothing
    return form


def book_version(folder: str | Path | None = None) -> str:
    """A hash of what decides the verdicts of exercises/specs/*.yaml (16 hex digits): each
    file's chapter, its exercises' verdict forms and its retired ids. A new hint, level or
    wording keeps the version; a changed key, item or rule changes it."""
    import json

    h = hashlib.sha256()
    for path in spec_files(folder):
        doc = load_file(path)
        form = {"chapter": doc["chapter"], "exercises": [verdict_form(ex) for ex in doc["exercises"]],
                "retired": sorted(doc.get("retired", []))}
        h.update(path.name.encode("utf-8") + b"\0" + json.dumps(form, sort_keys=True).encode("utf-8") + b"\0")
    return h.hexdigest()[:16]


def catalogue(folder: str | Path | None = None) -> Catalogue:
    """Every exercise id of the book, from the validated spec files."""
    known: dict[str, Known] = {}
    chapters = set()
    for path in spec_files(folder):
        doc = load_file(path)
        chapter = doc["chapter"]
        chapters.add(chapter)
        for ex in doc["exercises"]:
            known[ex["id"]] = Known(ex["id"], chapter, ex["kind"])
        for exercise_id in doc.get("retired", []):
            known.setdefault(exercise_id, Known(exercise_id, chapter, None, retired=True))
    return Catalogue(known, frozenset(chapters), book_version(folder))
