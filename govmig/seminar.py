"""Feedback for seminar notebooks: ``check("iom-seminar-q1", answer)``.

Checks use the same hashed public forms as the book's exercises, so a student
notebook (and its zip) never contains the answers. They are looked up in
``checks.json`` next to the notebook (what scripts/seminar.sh ships), else compiled
from the repository's ``exercises/specs/<chapter>.yaml``.
"""

from __future__ import annotations

import json
from functools import lru_cache
from pathlib import Path
from typing import Any

from .exercises import load
from .exercises.check import Feedback
from .exercises.check import check as check_public

CHECKS_FILE = "checks.json"


@lru_cache(maxsize=None)
def _public_forms(spec_chapter: str) -> dict[str, dict[str, Any]]:
    local = Path.cwd() / CHECKS_FILE
    if local.is_file():
        forms = json.loads(local.read_text("utf-8"))
        if any(k.startswith(spec_chapter + "-") for k in forms):
            return forms
    return {ex.id: ex.public for ex in load(spec_chapter)}


def _as_response(public: dict[str, Any], value: Any) -> Any:
    """Accept what a notebook naturally computes (numpy or pandas scalars too)."""
    if public["kind"] == "number" and hasattr(value, "item") and not isinstance(value, (str, bytes)):
        try:
            value = value.item()
        except (TypeError, ValueError):
            pass
    if public["kind"] == "number" and isinstance(value, (int, float)) and not isinstance(value, bool):
        return repr(float(value)) if isinstance(value, float) else str(value)
    return value


def check(question_id: str, value: Any, *, quiet: bool = False) -> bool:
    """Print feedback on `value` for one question; True if it is right.

    Says what is wrong (empty, not a number, not yet right, with a hint) without
    giving the answer. Never raises for a bad answer.
    """
    chapter = question_id.rsplit("-q", 1)[0]
    try:
        public = _public_forms(chapter)[question_id]
    except (KeyError, FileNotFoundError):
        if not quiet:
            print(f"No check called {question_id!r}: is the question id spelt as in the notebook?")
        return False
    if value is None or value is ...:
        feedback = Feedback("empty", "No answer yet: replace the placeholder with your code, run it, then check.")
    else:
        feedback = check_public(public, _as_response(public, value))
    done = feedback.correct or feedback.status == "submitted"  # written tasks are not marked
    if not quiet:
        print(("✔ " if done else "✎ " if feedback.status == "draft" else "✖ ") + feedback.message)
        if feedback.model_answer:
            print("\nModel answer:\n" + feedback.model_answer + "\n\nRubric:")
            print("\n".join(f"- {point}" for point in feedback.rubric or []))
        if feedback.explanation:
            print(feedback.explanation)
    return done
