"""Collect students' exported answers and show where the class struggled.

    python -m govmig.collect FOLDER        # prints one row per exercise

A student's export is one JSON file per chapter ("Export my answers" in the book or
in Jupyter). The collector trusts nothing in a file:

- a file is read only if it matches ``govmig/exercises/export-schema.json`` and every
  exercise id, and the chapter, is one of the book's own (``exercises/specs/*.yaml``);
  anything else is skipped with a one-line reason, and never rendered;
- an answer is re-checked with the book's checker; the summary counts the re-checked
  status, and a status that does not match is flagged;
- files from another version of the book, duplicate hand-ins, chapters that disagree
  with the ids and answers to retired exercises are flagged;
- a student who hands in a chapter more than once (the same name, ignoring case and
  spaces) is counted once, from the latest export; the earlier files are flagged;
- every answer is judged in time linear in its length, within the limits of
  ``govmig/exercises/limits.json`` (the same as the book page's and Jupyter's).

One bad file never stops the run: every file is either read or skipped with a reason.
"""

from __future__ import annotations

import hashlib
import json
import math
import os
import re
import stat
import sys
import unicodedata
from dataclasses import dataclass, field
from functools import lru_cache
from importlib import resources
from pathlib import Path
from typing import Any

import altair as alt
import jsonschema
import pandas as pd

from .exercises.catalogue import Catalogue, catalogue
from .exercises.check import LIMITS

FORMAT = "governing-migration-answers"
STATUSES = ("correct", "partial", "wrong", "draft", "submitted")  # the last two: written tasks
DONE = ("correct", "submitted")  # a written task is not marked: a full-length draft counts as done
MAX_BYTES = 32 * 1024 * 1024  # a real export is a few kB; a long essay is well under 1 MB
MAX_CHART_BARS = 200
COLUMNS = ["file", "name", "chapter", "exercise", "status", "claimed", "attempts", "exported", "text", "retired"]


@lru_cache(maxsize=1)
def export_schema() -> dict[str, Any]:
    return json.loads(resources.files("govmig.exercises").joinpath("export-schema.json").read_text("utf-8"))


def printable(text: str, limit: int = 200) -> str:
    """A string safe for a terminal and for any output: control, format and surrogate
    characters are shown as escapes, and long strings are cut."""
    out = []
    for ch in text[:limit]:
        cat = unicodedata.category(ch)
        if cat in ("Cc", "Cf", "Cs", "Co", "Cn", "Zl", "Zp") and ch != "\t":
            out.append(f"\\x{ord(ch):02x}" if ord(ch) < 0x100 else f"\\u{ord(ch):04x}")
        else:
            out.append(ch)
    return "".join(out) + ("\u2026" if len(text) > limit else "")


_SURROGATE = re.compile("[\ud800-\udfff]")


def _clean(text: str) -> str:
    """A student's text with lone surrogates replaced (they cannot be written as UTF-8)."""
    return _SURROGATE.sub("\ufffd", text)


@dataclass
class Collection:
    answers: pd.DataFrame                                          # one row per file and exercise
    skipped: list[tuple[str, str]] = field(default_factory=list)   # (file, reason): not read
    flags: list[tuple[str, str]] = field(default_factory=list)     # (file, reason): read, but look at it
    version: str = ""                                              # the book version the files were checked against

    def _live(self) -> pd.DataFrame:
        return self.answers[~self.answers["retired"].astype(bool)] if not self.answers.empty else self.answers

    def summary(self) -> pd.DataFrame:
        """Per exercise: students, how many right, mean attempts (struggle = not right).

        "correct" counts the re-checked answers, not the status a file claims. For a
        written task it counts the students who submitted a draft of the required length
        (it is not marked); read the drafts themselves with `drafts()`. Answers to retired
        exercises are left out (see `flags`)."""
        cols = ["chapter", "exercise", "students", "correct", "share_correct", "mean_attempts"]
        live = self._live()
        if live.empty:
            return pd.DataFrame(columns=cols)
        live = live.assign(done=live["status"].isin(DONE).astype(int),
                           attempts=live["attempts"].astype("Float64"))
        out = live.groupby(["chapter", "exercise"]).agg(
            students=("file", "nunique"), correct=("done", "sum"), mean_attempts=("attempts", "mean")).reset_index()
        out["share_correct"] = (out["correct"] / out["students"]).round(2)
        out["mean_attempts"] = out["mean_attempts"].astype("Float64").round(1)
        return out[cols]

    def drafts(self) -> pd.DataFrame:
        """The written tasks' drafts, one row per student file and task, to read and comment on."""
        cols = ["file", "name", "chapter", "exercise", "status", "text"]
        if self.answers.empty:
            return pd.DataFrame(columns=cols)
        return self.answers.loc[self.answers["text"].notna(), cols].reset_index(drop=True)

    def report(self) -> pd.DataFrame:
        """Skipped and flagged files, one row each: show this table, never raw file contents."""
        rows = [("skipped", f, r) for f, r in self.skipped] + [("flagged", f, r) for f, r in self.flags]
        return pd.DataFrame(rows, columns=["what", "file", "reason"])

    def chart(self) -> alt.Chart:
        """Share of students right per exercise; exercises the class struggled with first."""
        summary = self.summary()
        data = summary.sort_values(["share_correct", "exercise"]).head(MAX_CHART_BARS)
        data = data.astype({"students": int, "correct": int, "share_correct": float, "mean_attempts": float})
        cut = len(summary) - len(data)
        more = f"; only the {MAX_CHART_BARS} exercises with the fewest right answers are drawn ({cut} more in the summary)" if cut else ""
        # One step of height per bar, so that labels never overlap however many exercises.
        return alt.Chart(data, height=alt.Step(22)).mark_bar().encode(
            x=alt.X("share_correct:Q", title="Students with the right answer (share)", scale=alt.Scale(domain=[0, 1])),
            y=alt.Y("exercise:N", title=None, sort="x"),
            tooltip=["exercise:N", "students:Q", "correct:Q", "mean_attempts:Q"],
        ).properties(
            title="Where the class struggled",
            description="Bar chart, one bar per exercise, of the share of students whose latest answer was right; "
                        "the shortest bars, at the top, are the exercises the class struggled with most" + more + ".",
        )


class _Skip(Exception):
    """This file is not read; the message is the one-line reason."""


def _reject_constant(name: str) -> Any:
    raise ValueError(f"{name} is not a JSON number")


def _finite_float(text: str) -> float:
    value = float(text)
    if not math.isfinite(value):
        raise ValueError("number out of range")
    return value


def _no_duplicate_keys(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    doc: dict[str, Any] = {}
    for key, value in pairs:
        if key in doc:
            raise ValueError(f"the key {printable(key, 40)!r} appears twice in one object")
        doc[key] = value
    return doc


def _parse(path: Path) -> Any:
    """The JSON document in `path`, or _Skip with the reason."""
    try:
        st = path.stat()
    except OSError as exc:  # dangling link, link loop, permission on the folder
        raise _Skip(f"cannot be opened ({exc.strerror or type(exc).__name__})") from None
    if stat.S_ISDIR(st.st_mode):
        raise _Skip("a folder (folders are not searched)")
    if not stat.S_ISREG(st.st_mode):
        raise _Skip("not a regular file")
    if st.st_size > MAX_BYTES:
        raise _Skip(f"larger than {MAX_BYTES // 2**20} MB: not an answer export")
    try:
        with path.open("rb") as handle:
            raw = handle.read(MAX_BYTES + 1)
    except OSError as exc:
        raise _Skip(f"cannot be read ({exc.strerror or type(exc).__name__})") from None
    try:
        text = raw.decode("utf-8-sig")  # a BOM, as Windows Notepad writes it, is fine
    except UnicodeDecodeError:
        raise _Skip("not JSON (not UTF-8 text)") from None
    try:
        return json.loads(text, parse_constant=_reject_constant, parse_float=_finite_float,
                          object_pairs_hook=_no_duplicate_keys)
    except RecursionError:
        raise _Skip("not JSON this collector reads (nested too deeply)") from None
    except ValueError as exc:  # JSONDecodeError, NaN/Infinity, ints longer than Python reads
        raise _Skip("not JSON" if isinstance(exc, json.JSONDecodeError) else f"not JSON this collector reads ({exc})") from None


def _schema_problem(doc: Any) -> str | None:
    if not isinstance(doc, dict) or doc.get("format") != FORMAT:
        return "not a Governing Migration answer export"
    error = jsonschema.exceptions.best_match(jsonschema.Draft202012Validator(export_schema()).iter_errors(doc))
    if error is None:
        return None
    where = "/".join(printable(str(p), 40) for p in error.absolute_path) or "(top level)"
    if "propertyNames" in error.absolute_schema_path:
        return f"{where}: a key that is not a valid exercise or item id"
    if error.validator == "maxLength":
        return (f"{where}: longer than {error.validator_value:,} characters, more than the book's page or "
                "notebook can export (govmig/exercises/limits.json)")
    return f"malformed export at {where} ({error.validator} check failed)"


def _cut_name(doc: Any) -> str | None:
    """A name longer than the limit is cut to it (a flag, not a skipped hand-in)."""
    if isinstance(doc, dict) and isinstance(doc.get("name"), str) and len(doc["name"]) > LIMITS["name"]:
        doc["name"] = doc["name"][:LIMITS["name"]]
        return f"the name is longer than {LIMITS['name']} characters: cut to its first {LIMITS['name']}"
    return None


def student_key(chapter: str, name: Any) -> tuple[str, str] | None:
    """Who handed in: the chapter and the name with case, spaces and Unicode forms
    ignored (None when the file has no name)."""
    if not isinstance(name, str):
        return None
    folded = " ".join(unicodedata.normalize("NFKC", _clean(name)).casefold().split())
    return (chapter, folded) if folded else None


def _exported_order(doc: dict[str, Any]) -> tuple[int, str]:
    """When a file was exported, for ordering one student's hand-ins (unreadable: first)."""
    from datetime import datetime, timezone

    try:
        when = datetime.fromisoformat(str(doc.get("exported")).replace("Z", "+00:00"))
    except ValueError:
        return (0, "")
    if when.tzinfo is None:
        when = when.replace(tzinfo=timezone.utc)
    return (1, when.astimezone(timezone.utc).isoformat())


def _fingerprint(doc: dict[str, Any]) -> str:
    payload = {k: doc.get(k) for k in ("chapter", "name", "answers")}
    return hashlib.sha256(json.dumps(payload, sort_keys=True, ensure_ascii=True).encode("ascii")).hexdigest()


def _recheck(exercises: dict[str, Any], exercise_id: str, entry: dict[str, Any]) -> str | None:
    """The status the book's checker gives the stored response (None: nothing to re-check)."""
    exercise = exercises.get(exercise_id)
    if exercise is None or "response" not in entry:
        return None
    return exercise.check(entry["response"]).status


@lru_cache(maxsize=2)
def _exercises(specs: str | None, version: str) -> dict[str, Any]:
    """Every live exercise of the book, by id (cached per book version)."""
    from .exercises import load

    found: dict[str, Any] = {}
    for chapter in sorted(catalogue(specs).chapters):
        found.update((ex.id, ex) for ex in load(chapter, specs))
    return found


def _read_export(doc: dict[str, Any], book: Catalogue, exercises: dict[str, Any]) -> tuple[list[dict[str, Any]], list[str]]:
    """Rows and flags of one well-formed export; _Skip if it is not the book's."""
    chapter = doc["chapter"]
    if chapter not in book.chapters:
        raise _Skip(f"chapter {chapter!r} is not a chapter of this book")
    flags: list[str] = []
    if doc.get("book") != book.version:
        flags.append("exported from another version of the book" if doc.get("book")
                     else "an older export without the book's version")
    if not isinstance(doc.get("name"), str) or not doc["name"].strip():
        flags.append("no student name in the file")
    if not doc["answers"]:
        flags.append("no answers in the file (an export made before any answer was checked?)")
    unknown = [k for k in doc["answers"] if book.get(k) is None]
    if unknown:
        flags.append(f"{len(unknown)} answer(s) to exercises this book does not have, left out: "
                     + ", ".join(unknown[:5]) + (", \u2026" if len(unknown) > 5 else ""))
    rows = []
    for exercise_id, entry in doc["answers"].items():
        known = book.get(exercise_id)
        if known is None:
            continue
        if known.chapter != chapter:
            flags.append(f"{exercise_id} belongs to chapter {known.chapter}, not {chapter}")
        status = entry["status"]
        if not known.retired:
            rechecked = _recheck(exercises, exercise_id, entry)
            if rechecked is None:
                flags.append(f"{exercise_id}: no stored answer to re-check; its status is not counted")
                status = "unchecked"
            elif rechecked != entry["status"]:
                flags.append(f"{exercise_id}: the file says {entry['status']}, the stored answer is {rechecked}")
                status = rechecked
        response = entry.get("response")
        rows.append({"chapter": known.chapter, "exercise": exercise_id, "status": status,
                     "claimed": entry["status"], "attempts": entry.get("attempts"),
                     "exported": doc.get("exported"), "retired": known.retired,
                     "name": _clean(doc["name"]) if isinstance(doc.get("name"), str) else None,
                     "text": _clean(response) if known.kind == "text" and isinstance(response, str) else None})
    retired = [r["exercise"] for r in rows if r["retired"]]
    if retired:
        flags.append(f"{len(retired)} answer(s) to retired exercises, not in the summary: " + ", ".join(retired[:5]))
    return rows, flags


def read_folder(folder: str | Path, specs: str | Path | None = None) -> Collection:
    """Read every file in `folder`; skip (and name) what is not a valid export of this book.

    `specs` is the book's exercises/specs/ folder (found upwards from the working
    directory if not given)."""
    specs = str(specs) if specs else None
    book = catalogue(specs)
    exercises = _exercises(specs, book.version)
    rows: list[dict[str, Any]] = []
    skipped: list[tuple[str, str]] = []
    flags: list[tuple[str, str]] = []
    seen: dict[str, str] = {}
    latest: dict[tuple[str, str], tuple[tuple[int, str], str]] = {}  # student -> (exported, file)
    students: dict[str, tuple[str, str]] = {}                         # file -> student
    try:
        entries = sorted(os.scandir(folder), key=lambda e: e.name)
    except OSError as exc:
        return Collection(pd.DataFrame(columns=COLUMNS), [(str(folder), f"cannot list the folder ({exc.strerror})")], [], book.version)
    for entry in entries:
        name = printable(entry.name)
        if entry.name.startswith("."):
            skipped.append((name, "a hidden file (its name starts with a dot): not read; if it is a hand-in, "
                                  "rename it without the dot"))
            continue
        try:
            doc = _parse(Path(entry.path))
            cut = _cut_name(doc)
            problem = _schema_problem(doc)
            if problem:
                raise _Skip(problem)
            fingerprint = _fingerprint(doc)
            if fingerprint in seen:
                raise _Skip(f"the same answers as {seen[fingerprint]} (a duplicate hand-in)")
            file_rows, file_flags = _read_export(doc, book, exercises)
            seen[fingerprint] = name
        except _Skip as why:
            skipped.append((name, str(why)))
            continue
        except Exception as exc:  # noqa: BLE001 - one bad file must never stop the run
            skipped.append((name, f"could not be read ({type(exc).__name__})"))
            continue
        if cut:
            file_flags.insert(0, cut)
        student = student_key(doc["chapter"], doc.get("name"))
        if student is not None:
            students[name] = student
            when = (_exported_order(doc), name)
            if student not in latest or when > latest[student]:
                latest[student] = when
        rows += [{"file": name, **row} for row in file_rows]
        flags += [(name, printable(f, 300)) for f in file_flags]
    # One student, one hand-in per chapter: the latest export counts, the others are flagged.
    superseded = {f: latest[s][1] for f, s in students.items() if latest[s][1] != f}
    if superseded:
        rows = [r for r in rows if r["file"] not in superseded]
        flags += [(f, f"an earlier hand-in by the same student as {later} (same name and chapter): "
                      "not counted, the later file is") for f, later in sorted(superseded.items())]
    answers = pd.DataFrame(rows, columns=COLUMNS)
    answers["attempts"] = answers["attempts"].astype("Int64")
    answers["retired"] = answers["retired"].astype(bool)
    return Collection(answers, skipped, flags, book.version)


def main(argv: list[str]) -> int:
    for stream in (sys.stdout, sys.stderr):
        if hasattr(stream, "reconfigure"):
            stream.reconfigure(errors="backslashreplace")
    if len(argv) != 1 or not Path(argv[0]).is_dir():
        print("usage: python -m govmig.collect FOLDER", file=sys.stderr)
        return 2
    collection = read_folder(argv[0])
    for name, reason in collection.skipped:
        print(printable(f"skipped {name}: {reason}", 400), file=sys.stderr)
    for name, reason in collection.flags:
        print(printable(f"flagged {name}: {reason}", 400), file=sys.stderr)
    print(f"{len(collection.answers['file'].unique())} file(s) read, {len(collection.skipped)} skipped, "
          f"{len(collection.flags)} flag(s); book version {collection.version}", file=sys.stderr)
    summary = collection.summary()
    print(summary.to_string(index=False) if len(summary) else "no answers read")  # only the book's own ids and chapters
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
