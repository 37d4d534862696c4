"""The static rendering: an accessible HTML form checked by govmig-exercises.js."""

from __future__ import annotations

import json
import re
from functools import lru_cache
from html import escape
from pathlib import Path
from typing import Any

from .check import LIMITS


def _attr(text: str) -> str:
    return escape(text, quote=True)


def letter(n: int) -> str:
    """A, B, ..., Z, AA, AB, ...: the printed name of the n-th option (from 0)."""
    out = ""
    n += 1
    while n:
        n, rest = divmod(n - 1, 26)
        out = chr(65 + rest) + out
    return out


def _select(public: dict[str, Any], item: dict[str, Any], n: int) -> str:
    ex_id = public["id"]
    ctl = _attr(f"{ex_id}-{item['id']}")
    order = public["kind"] == "order"
    choose = "position" if order else "answer"
    options = "".join(
        f'<option value="{escape(o["id"])}">{escape(o["text"])}</option>' for o in public["options"]
    )
    # On paper a closed <select> shows only "Choose ...": print a blank to write on instead.
    blank = "Position" if order else "Choice (letter)"
    return (
        f'<div class="gm-item"><label for="{ctl}"><span class="gm-item-n">{n}.</span> {escape(item["text"])}</label>'
        f'<select id="{ctl}" name="{escape(item["id"])}"><option value="">Choose {choose}\u2026</option>{options}</select>'
        f'<span class="gm-blank gm-print-only" aria-hidden="true">{blank}: ________</span></div>'
    )


def _legend(public: dict[str, Any]) -> str:
    """A match exercise's options, lettered, under its items: for print, where the
    closed controls do not show them."""
    entries = "".join(f"<li><strong>{letter(k)}.</strong> {escape(o['text'])}</li>" for k, o in enumerate(public["options"]))
    return (f'<div class="gm-legend gm-print-only" aria-hidden="true"><p>Choices: write the letter of one '
            f'for each statement above.</p><ol class="gm-legend-list">{entries}</ol></div>')


def _controls(public: dict[str, Any]) -> str:
    ex_id = _attr(public["id"])
    kind = public["kind"]
    if kind == "choice":
        return "".join(
            f'<div class="gm-option"><input type="radio" id="{ex_id}-{_attr(o["id"])}" name="{ex_id}" value="{_attr(o["id"])}">'
            f'<label for="{ex_id}-{_attr(o["id"])}">{escape(o["text"])}</label></div>'
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
            f'<div class="gm-text"><label for="{ex_id}-value">Your draft ({_length(public)}; '
            f'at most {LIMITS["text"]:,} characters)</label>'
            f'<textarea id="{ex_id}-value" name="value" rows="8" spellcheck="true" maxlength="{LIMITS["text"]}"></textarea></div>'
        )
    selects = "".join(_select(public, item, n) for n, item in enumerate(public["items"], start=1))
    return selects + (_legend(public) if kind == "match" else "")


def _length(public: dict[str, Any]) -> str:
    low, high = public["min_words"], public.get("max_words")
    return f"{low} to {high} words" if high else f"at least {low} words"


def render(public: dict[str, Any]) -> str:
    """HTML for one exercise; deterministic, so nbval can compare it."""
    ex_id = _attr(public["id"])
    data = escape(json.dumps(public, sort_keys=True, ensure_ascii=False), quote=True)
    return (
        f'<form class="gm-exercise" id="{ex_id}" data-gm-exercise="{data}" novalidate>'
        f'<fieldset aria-describedby="{ex_id}-prompt"><legend>{escape(public["title"])}</legend>'
        f'<p class="gm-prompt" id="{ex_id}-prompt">{escape(public["prompt"])}</p>'
        f"{_controls(public)}</fieldset>"
        # Disabled until govmig-exercises.js binds the form: without JavaScript they would
        # only pretend to work (a disabled default button also stops Enter submitting).
        f'<div class="gm-actions"><button type="submit" class="gm-check" disabled>Check</button>'
        f'<button type="button" class="gm-clear" disabled>Clear</button></div>'
        f'<div class="gm-feedback" role="status" aria-live="polite"></div>'
        f'<noscript><p class="gm-noscript">Checking this exercise needs JavaScript; '
        f"in Jupyter it runs as a widget.</p></noscript></form>"
    )


RUN_CELL = "Run this cell to check your answer here."


def render_pending(public: dict[str, Any]) -> str:
    """What a notebook shows for an exercise before its cell is run in a kernel: the
    exercise's text and what to do (a form here could not be checked). Carries no
    answer data."""
    return (
        f'<div class="gm-exercise gm-pending"><p><strong>{escape(public["title"])}</strong></p>'
        f'<p class="gm-prompt">{escape(public["prompt"])}</p>'
        f'<p class="gm-run-cell"><strong>\u25b6 {RUN_CELL}</strong> (Shift+Enter; or Run \u25b8 Run All Cells)</p></div>'
    )


def render_export(chapter: str, book: str | None) -> str:
    """The book page's export box: a name field, the button and a status line."""
    ctl = _attr(f"gm-export-name-{chapter}")
    version = f' data-gm-book="{_attr(book)}"' if book else ""
    return (
        f'<div class="gm-export"{version}>'
        f'<label for="{ctl}">Your name (as your lecturer knows you; at most {LIMITS["name"]} characters)</label> '
        f'<input type="text" id="{ctl}" class="gm-export-name" autocomplete="name" maxlength="{LIMITS["name"]}"> '
        f'<button type="button" class="gm-export-button" data-gm-chapter="{_attr(chapter)}" disabled>Export my answers</button>'
        f'<p class="gm-export-status" role="status" aria-live="polite"></p>'
        f'<noscript><p class="gm-noscript">Exporting your answers needs JavaScript; in Jupyter, '
        f"run the notebook's export cell.</p></noscript></div>"
    )


def render_export_pending() -> str:
    return ('<div class="gm-export gm-pending"><p class="gm-run-cell"><strong>\u25b6 Run this cell to export '
            "your answers here.</strong></p></div>")


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


BIBFILE = Path(__file__).resolve().parents[2] / "references.bib"


@lru_cache(maxsize=4)
def _bib_labels(bibfile: str, mtime: float) -> tuple[dict[str, tuple[str, str]], re.Pattern[str]]:
    from pybtex.database import parse_file

    from ..sphinx.citations import labels

    found = labels(dict(parse_file(bibfile).entries))
    keys = "|".join(re.escape(k) for k in sorted(found, key=len, reverse=True))
    return found, re.compile(rf"(?<![\w\-])({keys})(?![\w\-])")


def _local_source_text(text: str) -> str:
    """Every bibliography key in `text` as "Author (Year)", with the book's labels."""
    try:
        found, pattern = _bib_labels(str(BIBFILE), BIBFILE.stat().st_mtime)
    except (ImportError, OSError):  # a student environment: no pybtex, or no references.bib
        return text
    return pattern.sub(lambda m: "{} ({})".format(*found[m.group(1)]), text)


def source_text(text: str) -> str:
    """An exercise's `source:` as printed: bibliography keys as "Author (Year)" (issue 25:
    no raw keys such as "dupeyron2016" in the kits). Uses govmig.cite's formatter where
    it exists, else the same labels through govmig.sphinx.citations."""
    try:
        from ..cite import source_text as formatter  # type: ignore[import-not-found]
    except ImportError:
        formatter = _local_source_text
    return formatter(text)


def _source(spec: dict[str, Any]) -> str:
    return f'<p class="gm-source">Source: {escape(source_text(spec["source"]))}</p>' if spec.get("source") else ""


def render_solution(spec: dict[str, Any]) -> str:
    if spec["kind"] == "text":
        return (
            '<details class="gm-solution"><summary>Model answer and rubric (instructor edition)</summary>'
            + "".join(f"<p>{escape(p)}</p>" for p in paragraphs(spec["model_answer"]))
            + "<p><strong>Rubric:</strong></p><ul>" + "".join(f"<li>{escape(r)}</li>" for r in spec["rubric"]) + "</ul>"
            + f"<p>{escape(spec['explanation'])}</p>"
            + _source(spec)
            + "</details>"
        )
    return (
        '<details class="gm-solution"><summary>Solution (instructor edition)</summary>'
        f"<p><strong>Answer:</strong> {escape(solution_text(spec))}</p>"
        f"<p>{escape(spec['explanation'])}</p>"
        + _source(spec)
        + "</details>"
    )
