"""Collect students' exported answers and show where the class struggled.

    python -m govmig.collect FOLDER        # prints one row per exercise

A student's export is one JSON file per chapter (``govmig.exercises.export`` in
Jupyter, the "Export my answers" button in the book). Files that are not such an
export are reported by name and skipped; nothing else is lost.
"""

from __future__ import annotations

import json
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import altair as alt
import pandas as pd

FORMAT = "governing-migration-answers"
STATUSES = ("correct", "partial", "wrong", "draft", "submitted")  # the last two: written tasks
DONE = ("correct", "submitted")  # a written task is not marked: a full-length draft counts as done


@dataclass
class Collection:
    answers: pd.DataFrame                       # one row per file and exercise
    skipped: list[tuple[str, str]] = field(default_factory=list)   # (file, reason)

    def summary(self) -> pd.DataFrame:
        """Per exercise: students, how many right, mean attempts (struggle = not right).

        For a written task, "correct" counts the students who submitted a draft of the
        required length (it is not marked); read the drafts themselves with `drafts()`."""
        if self.answers.empty:
            return pd.DataFrame(columns=["chapter", "exercise", "students", "correct", "share_correct", "mean_attempts"])
        g = self.answers.groupby(["chapter", "exercise"])
        out = g.agg(students=("file", "nunique"), correct=("status", lambda s: int(s.isin(DONE).sum())),
                    mean_attempts=("attempts", "mean")).reset_index()
        out["share_correct"] = (out["correct"] / out["students"]).round(2)
        out["mean_attempts"] = out["mean_attempts"].round(1)
        return out[["chapter", "exercise", "students", "correct", "share_correct", "mean_attempts"]]

    def drafts(self) -> pd.DataFrame:
        """The written tasks' drafts, one row per student file and task, to read and comment on."""
        cols = ["file", "chapter", "exercise", "status", "text"]
        if self.answers.empty or "text" not in self.answers:
            return pd.DataFrame(columns=cols)
        return self.answers.loc[self.answers["text"].notna(), cols].reset_index(drop=True)

    def chart(self) -> alt.Chart:
        """Share of students right per exercise; exercises the class struggled with first."""
        data = self.summary()
        return alt.Chart(data).mark_bar().encode(
            x=alt.X("share_correct:Q", title="Students with the right answer (share)", scale=alt.Scale(domain=[0, 1])),
            y=alt.Y("exercise:N", title=None, sort="x"),
            tooltip=["exercise:N", "students:Q", "correct:Q", "mean_attempts:Q"],
        ).properties(
            title="Where the class struggled",
            description="Bar chart, one bar per exercise, of the share of students whose latest answer was right; "
                        "the shortest bars, at the top, are the exercises the class struggled with most.",
        )


def _rows(doc: Any) -> list[dict[str, Any]]:
    """The rows of one export; ValueError with a reason if it is not one."""
    if not isinstance(doc, dict) or doc.get("format") != FORMAT:
        raise ValueError("not a Governing Migration answer export")
    if not isinstance(doc.get("answers"), dict) or not isinstance(doc.get("chapter"), str):
        raise ValueError("export without a chapter or answers")
    rows = []
    for exercise, entry in doc["answers"].items():
        if not isinstance(entry, dict) or entry.get("status") not in STATUSES:
            raise ValueError(f"answer to {exercise!r} is malformed")
        attempts = entry.get("attempts")
        rows.append({"chapter": doc["chapter"], "exercise": exercise, "status": entry["status"],
                     "attempts": attempts if isinstance(attempts, int) and attempts >= 0 else None,
                     "exported": doc.get("exported"),
                     "text": entry["response"] if entry["status"] in ("draft", "submitted")
                     and isinstance(entry.get("response"), str) else None})
    return rows


def read_folder(folder: str | Path) -> Collection:
    """Read every file in `folder`; skip (and name) what is not a valid export."""
    rows, skipped = [], []
    for path in sorted(Path(folder).iterdir()):
        if not path.is_file() or path.name.startswith("."):
            continue
        try:
            file_rows = _rows(json.loads(path.read_text("utf-8")))
        except (UnicodeDecodeError, json.JSONDecodeError):
            skipped.append((path.name, "not JSON"))
            continue
        except ValueError as exc:
            skipped.append((path.name, str(exc)))
            continue
        rows += [{"file": path.name, **row} for row in file_rows]
    columns = ["file", "chapter", "exercise", "status", "attempts", "exported", "text"]
    answers = pd.DataFrame(rows, columns=columns)
    answers["attempts"] = answers["attempts"].astype("Int64")
    return Collection(answers, skipped)


def main(argv: list[str]) -> int:
    if len(argv) != 1 or not Path(argv[0]).is_dir():
        print("usage: python -m govmig.collect FOLDER", file=sys.stderr)
        return 2
    collection = read_folder(argv[0])
    for name, reason in collection.skipped:
        print(f"skipped {name}: {reason}", file=sys.stderr)
    print(collection.summary().to_string(index=False))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
