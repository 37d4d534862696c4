"""Feedback for seminar notebooks: ``check("iom-seminar-q1", answer)``.

Checks use the same hashed public forms as the book's exercises, so a student
notebook (and its zip) never contains the answers in plain text. They are looked up in
``checks-<chapter>.json`` next to the notebook (one file per chapter, so that several
chapters' notebooks can share one folder or one nbgrader assignment), else in an older
zip's ``checks.json``, else compiled from the repository's ``exercises/specs/<chapter>.yaml``.

The hashes only keep answers out of sight: anyone can try every plausible answer
against them in a loop. Marks must come from nbgrader's hidden tests, never from
``check()``.

A folder that lacks the checks or the data raises `SeminarSetupError` naming what is
missing, so that ``nbgrader validate`` shows the real cause instead of a bare failure.

Importing this module in an IPython kernel also shortens the traceback of any error
raised in a cell that holds nbgrader hidden tests (``### BEGIN HIDDEN TESTS``) to its
last line, so that feedback generated from an autograded notebook cannot print the
hidden test code.
"""

from __future__ import annotations

import json
import linecache
from decimal import Decimal
from fractions import Fraction
from functools import lru_cache
from pathlib import Path
from typing import Any

from .exercises import load
from .exercises.check import Feedback
from .exercises.check import check as check_public
from .exercises.check import form_problem

LEGACY_CHECKS_FILE = "checks.json"   # zips made before checks were split by chapter
HIDDEN_MARK = "### BEGIN HIDDEN TESTS"


class SeminarSetupError(RuntimeError):
    """The notebook's folder lacks what the checks need: not a wrong answer."""


def checks_file(chapter: str) -> str:
    """The name of a chapter's checks file, e.g. checks-iom-seminar.json."""
    return f"checks-{chapter}.json"


@lru_cache(maxsize=32)
def _read(path: Path, mtime: float) -> dict[str, dict[str, Any]]:
    try:
        forms = json.loads(path.read_text("utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError, RecursionError) as exc:
        raise SeminarSetupError(f"{path} cannot be read as a checks file ({exc}): copy it again "
                                "from the chapter's zip (bash scripts/seminar.sh)") from None
    if not isinstance(forms, dict):
        raise SeminarSetupError(f"{path} is not a checks file (expected an object of checks by id)")
    return forms


def _public_forms(chapter: str) -> tuple[dict[str, dict[str, Any]], str]:
    """The chapter's checks and where they came from."""
    here = Path.cwd()
    own = here / checks_file(chapter)
    if own.is_file():
        return _read(own, own.stat().st_mtime), own.name
    legacy = here / LEGACY_CHECKS_FILE
    if legacy.is_file():
        forms = _read(legacy, legacy.stat().st_mtime)
        if any(k.startswith(chapter + "-") for k in forms):
            return forms, legacy.name
    try:
        return {ex.id: ex.public for ex in load(chapter)}, f"exercises/specs/{chapter}.yaml"
    except FileNotFoundError:
        raise SeminarSetupError(
            f"the checks for {chapter} are missing: {own.name} is not in {here}, and this folder is "
            f"not inside the book's repository (whose exercises/specs/{chapter}.yaml would do). "
            f"Copy {own.name} from the chapter's zip (made by bash scripts/seminar.sh) next to "
            "the notebook; for nbgrader, into source/<assignment>/.") from None


def _data_ready() -> None:
    from .data import package_path

    try:
        package_path()
    except FileNotFoundError:
        raise SeminarSetupError(
            f"the book's data is missing: no data/datapackage.json in {Path.cwd()} or a folder above "
            "it, so the notebook's first cell could not load its tables. Copy the data/ folder from "
            "the chapter's zip next to the notebook; for nbgrader, into source/<assignment>/.") from None


def _as_response(public: dict[str, Any], value: Any) -> Any:
    """Accept what a notebook naturally computes (numpy or pandas scalars too)."""
    if public["kind"] == "number" and isinstance(value, (Decimal, Fraction)):
        value = float(value)  # exact enough at the checks' six decimals at most
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
    giving the answer. Never raises for a bad answer; raises `SeminarSetupError` when
    the notebook's folder lacks the data or the checks, or the id is unknown.
    """
    chapter = question_id.rsplit("-q", 1)[0]
    _data_ready()
    forms, where = _public_forms(chapter)
    public = forms.get(question_id)
    problem = form_problem(public) if public is not None else None
    if problem:
        raise SeminarSetupError(f"the check {question_id!r} in {where} is damaged ({problem}): not your answer's "
                                "fault; copy the checks file again from the chapter's zip (bash scripts/seminar.sh)")
    if public is None:
        known = ", ".join(sorted(k for k in forms if k.startswith(chapter + "-"))) or "none"
        raise SeminarSetupError(f"no check called {question_id!r} in {where} (it has: {known}): "
                                "is the question id spelt as in the notebook?")
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


# --- exact values for hidden tests ------------------------------------------------------
# Hidden tests compare a student's value only after checking its type, so that an object
# whose == is always true (or a subclass of int) earns nothing. The types are taken when
# this module is imported, before any student code runs.

def _scalar_types() -> dict[type, type]:
    kinds: dict[type, type] = {int: int, float: float, str: str}
    try:
        import numpy
    except ImportError:   # pragma: no cover (numpy comes with pandas)
        return kinds
    for name in ("int8", "int16", "int32", "int64", "uint8", "uint16", "uint32", "uint64"):
        kinds[getattr(numpy, name)] = int
    for name in ("float16", "float32", "float64"):
        kinds[getattr(numpy, name)] = float
    kinds[numpy.str_] = str
    return kinds


_SCALARS = _scalar_types()
_SEQUENCES = (list, tuple, set, frozenset)
_builtin_set, _type = set, type


def plain(value: Any) -> int | float | str:
    """The plain int, float or str of an answer (numpy scalars included).

    Raises TypeError for anything else: bool, subclasses, objects with their own ``==``.
    """
    kind = _SCALARS.get(_type(value))
    if kind is None:
        raise TypeError(f"expected a number or a text, got {_type(value).__name__}")
    result = kind(value)
    if _type(result) is not kind:   # pragma: no cover (a numpy scalar always converts)
        raise TypeError("the answer did not convert to a plain value")
    return result


def plain_set(values: Any) -> set:
    """The set of plain values in a pandas Series or Index, list, tuple or set (see `plain`)."""
    import pandas

    if _type(values) in (pandas.Series, pandas.Index):
        items = values.tolist()
    elif _type(values) in _SEQUENCES:
        items = list(values)
    else:
        raise TypeError(f"expected a column or a list, got {_type(values).__name__}")
    return _builtin_set(plain(item) for item in items)


# --- tracebacks that cannot print hidden tests -------------------------------------------

def _runs_hidden_tests(tb) -> bool:
    """Whether any frame of the traceback is in code that holds nbgrader hidden tests."""
    while tb is not None:
        filename = tb.tb_frame.f_code.co_filename
        if filename != __file__ and any(line.lstrip().startswith(HIDDEN_MARK)
                                        for line in linecache.getlines(filename)):
            return True
        tb = tb.tb_next
    return False


def short_traceback(etype, value) -> list[str]:
    """What a failed graded cell shows instead of its code."""
    last = f"{etype.__name__}: {value}" if str(value) else etype.__name__
    return [last, "(This graded check failed. Its test code is not shown.)"]


def _guard(shell, etype, value, tb, tb_offset=None):
    # IPython's custom handlers must show the error themselves: an "error" output is
    # what tells nbgrader that the cell failed.
    if _runs_hidden_tests(tb):
        stb = short_traceback(etype, value)
        shell._showtraceback(etype, value, stb)
        return stb
    shell.showtraceback((etype, value, tb), tb_offset=tb_offset, running_compiled_code=True)
    return None


def install_traceback_guard() -> bool:
    """In an IPython kernel, shorten tracebacks of cells with hidden tests; True if installed."""
    try:
        from IPython import get_ipython
    except ImportError:
        return False
    shell = get_ipython()
    if shell is None:
        return False
    if getattr(shell, "_govmig_traceback_guard", False):
        return True
    shell.set_custom_exc((Exception,), _guard)
    shell._govmig_traceback_guard = True
    return True


install_traceback_guard()
