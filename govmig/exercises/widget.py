"""The live rendering: ipywidgets with the same checks and messages as the static page."""

from __future__ import annotations

from html import escape
from typing import TYPE_CHECKING, Any

import ipywidgets as w

from . import store
from .check import LIMITS, MESSAGES, Feedback
from .static import paragraphs

if TYPE_CHECKING:
    from . import Exercise

_STATUS_CLASS = {"correct": "gm-ok", "partial": "gm-partial", "wrong": "gm-wrong", "empty": "gm-info", "invalid": "gm-info",
                 "draft": "gm-info", "submitted": "gm-ok"}
_ICON = {"correct": "\u2714 ", "partial": "\u25d1 ", "wrong": "\u2716 ", "empty": "\u2139 ", "invalid": "\u2139 ",
         "draft": "\u270e ", "submitted": "\u2714 "}


def feedback_html(fb: Feedback | None, note: str = "") -> str:
    """Feedback as HTML; the icon and words carry the meaning, not colour alone."""
    if fb is None:
        body = escape(note)
    else:
        body = f"<strong>{_ICON[fb.status]}</strong>{escape(fb.message)}"
        if fb.model_answer:
            body += "<p><strong>Model answer</strong></p>" + "".join(
                f"<p>{escape(p)}</p>" for p in paragraphs(fb.model_answer))
        if fb.rubric:
            body += "<p><strong>Rubric: check your draft against each point</strong></p><ul>" + "".join(
                f"<li>{escape(r)}</li>" for r in fb.rubric) + "</ul>"
        if fb.explanation:
            body += f"<br>{escape(fb.explanation)}"
    return f'<div role="status" aria-live="polite" class="gm-feedback">{body}</div>'


def readable(kind: str, response: Any) -> bool:
    """Whether a saved response has the shape of this kind's answers (the same rule as
    readable() in govmig-exercises.js)."""
    if response is None:
        return True
    if kind in ("choice", "text"):
        return isinstance(response, str)
    if kind == "number":
        return isinstance(response, (str, int, float)) and not isinstance(response, bool)
    return isinstance(response, dict) and all(
        v is None or (isinstance(v, (str, int, float)) and not isinstance(v, bool)) for v in response.values())


class ExerciseWidget(w.VBox):
    """One exercise as a widget: prompt, inputs, Check/Clear buttons, feedback."""

    def __init__(self, exercise: Exercise) -> None:
        self.exercise = exercise
        pub = exercise.public
        self.tried: list[str] = []
        self.inputs: dict[str, w.Widget] = {}
        wide = w.Layout(width="auto")
        rows: list[w.Widget] = [w.HTML(f"<strong>{escape(pub['title'])}</strong><br>{escape(pub['prompt'])}")]
        if pub["kind"] == "choice":
            radio = w.RadioButtons(options=[(o["text"], o["id"]) for o in pub["options"]], value=None,
                                   layout=wide, description="Answer:")
            self.inputs["value"] = radio
            rows.append(radio)
        elif pub["kind"] == "text":
            low, high = pub["min_words"], pub.get("max_words")
            words = f"{low} to {high} words" if high else f"at least {low} words"
            area = w.Textarea(placeholder=f"Your draft ({words}; at most {LIMITS['text']:,} characters)",
                              layout=w.Layout(width="100%", height="12em"))
            self.inputs["value"] = area
            rows.append(area)
        elif pub["kind"] == "number":
            unit = f" ({pub['unit']})" if pub.get("unit") else ""
            box = w.Text(description=f"Your answer{unit}:", style={"description_width": "initial"})
            self.inputs["value"] = box
            rows.append(box)
        else:
            word = "position" if pub["kind"] == "order" else "answer"
            for n, item in enumerate(pub["items"], start=1):
                dd = w.Dropdown(options=[(f"Choose {word}\u2026", "")] + [(o["text"], o["id"]) for o in pub["options"]],
                                value="", description=f"Item {n}:", layout=wide)
                self.inputs[item["id"]] = dd
                rows += [w.HTML(f"{n}. {escape(item['text'])}"), dd]
        check = w.Button(description="Check", button_style="primary", tooltip="Check your answer")
        clear = w.Button(description="Clear", tooltip="Clear your answer")
        check.on_click(lambda _: self.check())
        clear.on_click(lambda _: self.clear())
        self.feedback = w.HTML(feedback_html(None))
        super().__init__(rows + [w.HBox([check, clear]), self.feedback])
        self.add_class("gm-exercise-widget")
        self._restore()

    def response(self) -> Any:
        kind = self.exercise.public["kind"]
        if kind in ("choice", "number", "text"):
            return self.inputs["value"].value
        return {item: dd.value for item, dd in self.inputs.items()}

    def set_response(self, response: Any) -> None:
        """Show `response` in the inputs; anything not of this kind's shape shows as no answer."""
        kind = self.exercise.public["kind"]
        if not readable(kind, response):
            response = None
        if kind == "choice":
            ids = [o["id"] for o in self.exercise.public["options"]]
            self.inputs["value"].value = response if response in ids else None
        elif kind in ("number", "text"):
            self.inputs["value"].value = "" if response is None else str(response)
        else:
            allowed = {o["id"] for o in self.exercise.public["options"]}
            for item, dd in self.inputs.items():
                value = (response or {}).get(item, "")
                value = str(value) if isinstance(value, (int, float)) and not isinstance(value, bool) else value
                dd.value = value if isinstance(value, str) and value in allowed else ""

    def check(self) -> Feedback:
        fb = self.exercise.check(self.response(), self.tried)
        self.feedback.value = feedback_html(fb)
        if fb.status not in ("empty", "invalid"):
            store.save(self.exercise.id, self.exercise.chapter, self.response(), fb.status, self.tried)
        return fb

    def clear(self) -> None:
        self.set_response(None)
        self.feedback.value = feedback_html(None)

    def _restore(self) -> None:
        """Show the saved answer and say whether it was right; a saved answer that cannot
        be read (a damaged or foreign answers.json) is set aside, and the exercise still shows."""
        try:
            saved = store.get(self.exercise.id)
            if not saved:
                return
            if not readable(self.exercise.public["kind"], saved.get("response")):
                self.feedback.value = feedback_html(None, MESSAGES["restore_damaged"])
                return
            self.set_response(saved.get("response"))
            tried = saved.get("tried")
            self.tried = [t for t in tried if isinstance(t, str)] if isinstance(tried, list) else []
            fb = self.exercise.check(self.response(), [])  # as the checker reads it now, not "repeated"
            fb.message = f"{MESSAGES['restored']} {fb.message}"
            self.feedback.value = feedback_html(fb)
        except Exception:  # noqa: BLE001 - a damaged file must never stop the exercise showing
            self.set_response(None)
            self.tried = []
            self.feedback.value = feedback_html(None, MESSAGES["restore_damaged"])
