"""Exercises: one plain-data definition, two renderings.

>>> from govmig.exercises import load
>>> ex = load("iom")            # exercises/specs/iom.yaml, validated
>>> ex["iom-names-order"]       # displays as a widget, or as static HTML in the book
"""

from __future__ import annotations

from pathlib import Path
from typing import Any, Iterator

from .. import render_mode
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
        return static.render(self.public)

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


def load(chapter: str, folder: str | Path | None = None) -> ExerciseSet:
    """Load and validate exercises/specs/<chapter>.yaml."""
    folder = Path(folder) if folder else spec_dir()
    return ExerciseSet(load_file(folder / f"{chapter}.yaml"))
