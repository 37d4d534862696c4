"""The static rendering: an accessible HTML form checked by govmig-exercises.js."""

from __future__ import annotations

import json
import re
from html import escape
from typing import Any


def _select(public: dict[str, Any], item: dict[str, Any], n: int) -> str:
    ex_id = public["id"]
    ctl = f"{ex_id}-{item['id']}"
    choose = "position" if public["kind"] == "order" else "answer"
    options = "".join(
        f'<option value="{escape(o["id"])}">{escape(o["text"])}</option>' for o in public["options"]
    )
    return (
        f'<div class="gm-item"><label for="{ctl}"><span class="gm-item-n">{n}.</span> {escape(item["text"])}</label>'
        f'<select id="{ctl}" name="{escape(item["id"])}"><option value="">Choose {choose}\u2026</option>{options}</select></div>'
    )


def _controls(public: dict[str, Any]) -> str:
    ex_id = public["id"]
    kind = public["kind"]
    if kind == "choice":
        return "".join(
            f'<div class="gm-option"><input type="radio" id="{ex_id}-{o["id"]}" name="{ex_id}" value="{escape(o["id"])}">'
            f'<label for="{ex_id}-{o["id"]}">{escape(o["text"])}</label></div>'
            for o in public["options"]
        )
    if kind == "number":
        unit = f' <span class="gm-unit">({escape(public["unit"])})</span>' if public.get("unit") else ""
        return (
            f'<div class="gm-number"><label for="{ex_id}-value">Your answer{unit}</label>'
            f'<input type="text" inputmode="decimal" autocomplete="off" id="{ex_id}-value" name="value"></div>'
        )
    if kind == "text":
        return (
            f'<div class="gm-text"><label for="{ex_id}-value">Your draft ({_length(public)})</label>'
            f'<textarea id="{ex_id}-value" name="value" rows="8" spellcheck="true"></textarea></div>'
        )
    return "".join(_select(public, item, n) for n, item in enumerate(public["items"], start=1))


def _length(public: dict[str, Any]) -> str:
    low, high = public["min_words"], public.get("max_words")
    return f"{low} to {high} words" if high else f"at least {low} words"


def render(public: dict[str, Any]) -> str:
    """HTML for one exercise; deterministic, so nbval can compare it."""
    ex_id = public["id"]
    data = escape(json.dumps(public, sort_keys=True, ensure_ascii=False), quote=True)
    return (
        f'<form class="gm-exercise" id="{ex_id}" data-gm-exercise="{data}" novalidate>'
        f'<fieldset aria-describedby="{ex_id}-prompt"><legend>{escape(public["title"])}</legend>'
        f'<p class="gm-prompt" id="{ex_id}-prompt">{escape(public["prompt"])}</p>'
        f"{_controls(public)}</fieldset>"
        f'<div class="gm-actions"><button type="submit" class="gm-check">Check</button>'
        f'<button type="button" class="gm-clear">Clear</button></div>'
        f'<div class="gm-feedback" role="status" aria-live="polite"></div>'
        f'<noscript><p class="gm-noscript">Checking this exercise needs JavaScript; '
        f"in Jupyter it runs as a widget.</p></noscript></form>"
    )


def paragraphs(text: str) -> list[str]:
    """A plain text's paragraphs (a blank line separates them)."""
    return [p.strip() for p in re.split(r"\n\s*\n", text) if p.strip()]


def solution_text(spec: dict[str, Any]) -> str:
    """The right answer in words (instructor edition only)."""
    if spec["kind"] == "text":
        return spec["model_answer"]
    kind, ans = spec["kind"], spec["answer"]
    if kind == "choice":
        return next(o["text"] for o in spec["options"] if o["id"] == ans)
    if kind == "number":
        return f"{ans} {spec.get('unit', '')}".strip()
    texts = {i["id"]: i.get("label", i["text"]) for i in spec["items"]}
    if kind == "order":
        return "; ".join(f"{n}. {texts[i]}" for n, i in enumerate(ans, start=1))
    options = {o["id"]: o["text"] for o in spec["options"]}
    return "; ".join(f"{texts[i['id']]}: {options[ans[i['id']]]}" for i in spec["items"])


def render_solution(spec: dict[str, Any]) -> str:
    if spec["kind"] == "text":
        return (
            '<details class="gm-solution"><summary>Model answer and rubric (instructor edition)</summary>'
            + "".join(f"<p>{escape(p)}</p>" for p in paragraphs(spec["model_answer"]))
            + "<p><strong>Rubric:</strong></p><ul>" + "".join(f"<li>{escape(r)}</li>" for r in spec["rubric"]) + "</ul>"
            + f"<p>{escape(spec['explanation'])}</p>"
            + (f'<p class="gm-source">Source: {escape(spec["source"])}</p>' if spec.get("source") else "")
            + "</details>"
        )
    return (
        '<details class="gm-solution"><summary>Solution (instructor edition)</summary>'
        f"<p><strong>Answer:</strong> {escape(solution_text(spec))}</p>"
        f"<p>{escape(spec['explanation'])}</p>"
        + (f'<p class="gm-source">Source: {escape(spec["source"])}</p>' if spec.get("source") else "")
        + "</details>"
    )
