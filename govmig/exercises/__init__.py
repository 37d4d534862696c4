"""Exercises: one plain-data definition, two renderings.

>>> from govmig.exercises import load
>>> ex = load("iom")            # exercises/specs/iom.yaml, validated
>>> ex["iom-phases-order"]       # displays as a widget, or as static HTML in the book
"""

from __future__ import annotations

import json
import os
from html import escape
from pathlib import Path
from typing import Any, Iterator

from .. import edition, render_mode
from . import static
from .check import Feedback, check
from .catalogue import book_version
from .spec import SpecError, compile_public, load_file, spec_dir, validate

__all__ = ["Exercise", "ExerciseSet", "Feedback", "SpecError", "load"]


class Exercise:
    """One exercise. Display it in a notebook; call `check` to test an answer."""

    def __init__(self, spec: dict[str, Any], chapter: str) -> None:
        self.spec = spec
        self.chapter = chapter
        self.public = compile_public(spec, chapter)

    @property
    def id(self) -> str:
        return self.spec["id"]

    def check(self, response: Any, tried: list[str] | None = None) -> Feedback:
        """Feedback on a response (never raises for a bad answer)."""
        return check(self.public, response, tried)

    def html(self) -> str:
        """Static HTML; the instructor edition adds the solution below the form."""
        html = static.render(self.public)
        return html + static.render_solution(self.spec) if edition() == "instructor" else html

    def widget(self):
        from .widget import ExerciseWidget

        return ExerciseWidget(self)

    def _repr_mimebundle_(self, include=None, exclude=None) -> dict[str, Any]:
        bundle: dict[str, Any] = {"text/plain": f"{self.spec['title']}: {self.spec['prompt']}", "text/html": self.html()}
        if render_mode() == "live":
            bundle.update(self.widget()._repr_mimebundle_())
            # What a notebook shows before its cell is run (no widget yet): the exercise,
            # and what to do; the book page keeps the working static form.
            bundle["text/html"] = static.render_pending(self.public)
        return bundle


class ExerciseSet:
    """The exercises of one chapter, by id, in file order."""

    def __init__(self, doc: dict[str, Any], origin: str = "<spec>", book: str | None = None) -> None:
        self._setup(validate(doc, origin), book)  # whatever it is given: the HTML relies on valid ids

    @classmethod
    def _validated(cls, doc: dict[str, Any], book: str | None) -> ExerciseSet:
        """From a doc that load_file has just validated."""
        self = cls.__new__(cls)
        self._setup(doc, book)
        return self

    def _setup(self, doc: dict[str, Any], book: str | None) -> None:
        self.book = book  # the version of the book's exercises (catalogue.book_version)
        self.chapter = doc["chapter"]
        self.title = doc.get("title", self.chapter)
        self.retired: list[str] = list(doc.get("retired", []))  # ids removed from the book
        self._items = {ex["id"]: Exercise(ex, self.chapter) for ex in doc["exercises"]}

    def __getitem__(self, exercise_id: str) -> Exercise:
        try:
            return self._items[exercise_id]
        except KeyError:
            raise KeyError(f"no exercise {exercise_id!r} in chapter {self.chapter!r}; "
                           f"known: {', '.join(self._items)}") from None

    def __iter__(self) -> Iterator[Exercise]:
        return iter(self._items.values())

    def __len__(self) -> int:
        return len(self._items)

    def export_button(self) -> "ExportButton":
        """A button that saves this chapter's answers to one file to hand in."""
        return ExportButton(self.chapter, self.book)

    def export(self, name: str, folder: str | Path = ".") -> Path:
        """Save this chapter's answers to a file to hand in (Jupyter), under your name."""
        from . import store

        if not name.strip():
            raise ValueError("give your name, for example exercises.export('Ada Lovelace')")
        return store.export(self.chapter, folder, name=name, book=self.book)


HOSTED_ENV_PREFIXES = ("JUPYTERHUB_", "BINDER_")


def hosted() -> bool:
    """True on JupyterHub or Binder, where files stay on the server."""
    return any(k.startswith(HOSTED_ENV_PREFIXES) for k in os.environ)


def saved_message(n: int, filename: str) -> str:
    """What the student reads after a Jupyter export (HTML)."""
    where = f"Saved {n} answer(s) to <code>{escape(filename)}</code> in this notebook's folder"
    if not hosted():
        return where + ": hand in that file."
    return (where + ", on the server this notebook runs on. Download it to your computer to hand it in: "
            "in the file browser on the left, right-click the file ▸ Download. Binder sessions are "
            "temporary: download the file before you close this tab, or it is lost.")


class ExportButton:
    """Export a chapter's answers: a download in the book, a file in Jupyter."""

    def __init__(self, chapter: str, book: str | None = None) -> None:
        self.chapter = chapter
        self.book = book

    def html(self) -> str:
        return static.render_export(self.chapter, self.book)

    def widget(self):
        import ipywidgets as w

        from . import store

        name = w.Text(description="Your name:", placeholder=f"as your lecturer knows you (at most {store.LIMITS['name']} characters)",
                      style={"description_width": "initial"})
        button = w.Button(description="Export my answers", tooltip="Save your answers to a file to hand in")
        status = w.HTML('<div role="status" aria-live="polite"></div>')

        def save(_):
            if not name.value.strip():
                status.value = '<div role="status" aria-live="polite">Type your name first, then export.</div>'
                return
            if store.name_problem(name.value):
                status.value = f'<div role="status" aria-live="polite">{escape(store.name_problem(name.value))}</div>'
                return
            path = store.export(self.chapter, name=name.value, book=self.book)
            n = len(json.loads(path.read_text("utf-8"))["answers"])
            status.value = f'<div role="status" aria-live="polite">{saved_message(n, path.name)}</div>'

        button.on_click(save)
        box = w.VBox([name, button, status])
        box.name_input, box.button, box.status = name, button, status
        return box

    def _repr_mimebundle_(self, include=None, exclude=None) -> dict[str, Any]:
        bundle: dict[str, Any] = {"text/plain": f"Export my answers ({self.chapter})", "text/html": self.html()}
        if render_mode() == "live":
            bundle.update(self.widget()._repr_mimebundle_())
            bundle["text/html"] = static.render_export_pending()
        return bundle


def load(chapter: str, folder: str | Path | None = None) -> ExerciseSet:
    """Load and validate exercises/specs/<chapter>.yaml."""
    folder = Path(folder) if folder else spec_dir()
    path = folder / f"{chapter}.yaml"
    return ExerciseSet._validated(load_file(path), book_version(folder))
