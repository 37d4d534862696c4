"""Exercises: one plain-data definition, two renderings.

>>> from govmig.exercises import load
>>> ex = load("iom")            # exercises/specs/iom.yaml, validated
>>> ex["iom-names-order"]       # displays as a widget, or as static HTML in the book
"""

from __future__ import annotations

from pathlib import Path
from typing import Any, Iterator

from .. import edition, render_mode
from . import static
from .check import Feedback, check
from .spec import SpecError, compile_public, load_file, spec_dir

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
            bundle["text/html"] = self.html()  # the fallback where widgets cannot run
        return bundle


class ExerciseSet:
    """The exercises of one chapter, by id, in file order."""

    def __init__(self, doc: dict[str, Any]) -> None:
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
        return ExportButton(self.chapter)


class ExportButton:
    """Export a chapter's answers: a download in the book, a file in Jupyter."""

    def __init__(self, chapter: str) -> None:
        self.chapter = chapter

    def html(self) -> str:
        return (
            f'<div class="gm-export"><button type="button" class="gm-export-button" data-gm-chapter="{self.chapter}">'
            f"Export my answers</button>"
            f'<p class="gm-export-status" role="status" aria-live="polite"></p></div>'
        )

    def widget(self):
        import ipywidgets as w

        from . import store

        button = w.Button(description="Export my answers", tooltip="Save your answers to a file to hand in")
        status = w.HTML('<div role="status" aria-live="polite"></div>')

        def save(_):
            path = store.export(self.chapter)
            n = len(store.export_doc(self.chapter)["answers"])
            status.value = (f'<div role="status" aria-live="polite">Saved {n} answer(s) to '
                            f"<code>{path.name}</code> in this notebook's folder: hand in that file.</div>")

        button.on_click(save)
        return w.VBox([button, status])

    def _repr_mimebundle_(self, include=None, exclude=None) -> dict[str, Any]:
        bundle: dict[str, Any] = {"text/plain": f"Export my answers ({self.chapter})", "text/html": self.html()}
        if render_mode() == "live":
            bundle.update(self.widget()._repr_mimebundle_())
            bundle["text/html"] = self.html()
        return bundle


def load(chapter: str, folder: str | Path | None = None) -> ExerciseSet:
    """Load and validate exercises/specs/<chapter>.yaml."""
    folder = Path(folder) if folder else spec_dir()
    return ExerciseSet(load_file(folder / f"{chapter}.yaml"))
