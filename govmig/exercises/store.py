"""Where live (kernel) answers are kept, so that they survive a notebook reload.

Answers go to one JSON file: $GOVMIG_ANSWERS if set, else
~/.governing-migration/answers.json. The static book keeps the same structure
in the browser's localStorage under the key "govmig:answers".
"""

from __future__ import annotations

import json
import os
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

from .check import LIMITS

VERSION = 1


def path() -> Path:
    env = os.environ.get("GOVMIG_ANSWERS")
    return Path(env) if env else Path.home() / ".governing-migration" / "answers.json"


def read() -> dict[str, Any]:
    """All saved answers; an unreadable file counts as empty (never raises)."""
    try:
        doc = json.loads(path().read_text("utf-8"))
    except Exception:  # noqa: BLE001 - unreadable, not JSON, nested too deeply (RecursionError), ...
        return {}
    answers = doc.get("answers") if isinstance(doc, dict) else None
    return answers if isinstance(answers, dict) else {}


def get(exercise_id: str) -> dict[str, Any] | None:
    entry = read().get(exercise_id)
    return entry if isinstance(entry, dict) else None


def save(exercise_id: str, chapter: str, response: Any, status: str, tried: list[str]) -> None:
    """Record one checked answer. Failure to write is not the student's problem: ignore it."""
    answers = read()
    answers[exercise_id] = {
        "chapter": chapter,
        "response": response,
        "status": status,
        "attempts": len(tried),
        "tried": tried,
        "updated": datetime.now(timezone.utc).isoformat(timespec="seconds"),
    }
    target = path()
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        tmp = target.with_suffix(".tmp")
        tmp.write_text(json.dumps({"version": VERSION, "answers": answers}, indent=1, ensure_ascii=False), "utf-8")
        tmp.replace(target)
    except OSError:
        pass


FORMAT = "governing-migration-answers"
EXPORT_VERSION = 2  # 2 adds "book" (the version of the exercises) and "name" (the student's)


def _book() -> str | None:
    from .catalogue import book_version

    try:
        return book_version()
    except OSError:  # no exercises/specs/ above the working directory
        return None


def name_problem(name: str) -> str | None:
    """Why a name cannot go into an export (the collector's limit), or None."""
    if len(name.strip()) > LIMITS["name"]:
        return (f"Your name is longer than {LIMITS['name']} characters, the most an export can carry: "
                "shorten it, then export again.")
    return None


def export_doc(chapter: str, answers: dict[str, Any] | None = None, *, name: str = "",
               book: str | None = None) -> dict[str, Any]:
    """One chapter's saved answers, in the file format instructors collect
    (govmig/exercises/export-schema.json). `book` defaults to the version of the
    exercise specs found above the working directory."""
    answers = read() if answers is None else answers
    doc: dict[str, Any] = {
        "format": FORMAT,
        "version": EXPORT_VERSION,
        "chapter": chapter,
        "name": name.strip(),
        "exported": datetime.now(timezone.utc).isoformat(timespec="seconds"),
        "answers": {k: {f: v[f] for f in ("response", "status", "attempts", "updated") if f in v}
                    for k, v in answers.items() if isinstance(v, dict) and v.get("chapter") == chapter},
    }
    book = book or _book()
    if book:
        doc["book"] = book
    return doc


def export(chapter: str, folder: str | Path = ".", *, name: str = "", book: str | None = None) -> Path:
    """Write governing-migration-<chapter>-answers-<timestamp>.json and return its path."""
    problem = name_problem(name)
    if problem:
        raise ValueError(problem)
    doc = export_doc(chapter, name=name, book=book)
    stamp = doc["exported"].replace(":", "").replace("-", "").replace("+0000", "Z")
    target = Path(folder) / f"governing-migration-{chapter}-answers-{stamp}.json"
    target.write_text(json.dumps(doc, indent=1, ensure_ascii=False), "utf-8")
    return target
