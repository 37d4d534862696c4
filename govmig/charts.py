"""The book's chart theme and renderer.

``import govmig.charts`` (or ``govmig.charts.enable()``) registers one house theme and
a renderer that (a) gives every chart a deterministic element id, so stored outputs
can be compared by nbval, (b) requires and exposes a text description, and (c) in a
book build emits static HTML drawn by the site's own copy of Vega (no CDN).
"""

from __future__ import annotations

import hashlib
import json
import textwrap
from html import escape
from typing import Any

import altair as alt

from . import render_mode

# Okabe & Ito's colour-blind-safe palette; charts also use shape, dash or labels.
PALETTE = ["#0072B2", "#D55E00", "#009E73", "#CC79A7", "#E69F00", "#56B4E9", "#F0E442", "#000000"]
FONT = "system-ui, -apple-system, 'Segoe UI', Roboto, sans-serif"
EMBED_OPTIONS = {"actions": False, "renderer": "svg"}
_seen: dict[str, int] = {}
# What Altair's own "html" renderer passes (its default in Jupyter), minus the random id.
_LIVE = {"mode": "vega-lite", "template": "universal", "vega_version": alt.VEGA_VERSION,
         "vegalite_version": alt.VEGALITE_VERSION, "vegaembed_version": alt.VEGAEMBED_VERSION}


def theme() -> alt.theme.ThemeConfig:
    return {
        "config": {
            "font": FONT,
            "view": {"continuousWidth": 320, "continuousHeight": 240, "stroke": None},
            "range": {"category": PALETTE},
            "axis": {"labelFontSize": 12, "titleFontSize": 13, "titleFontWeight": "normal", "labelLimit": 180,
                     "gridColor": "#e5e5e5", "domainColor": "#666", "tickColor": "#666"},
            "legend": {"labelFontSize": 12, "titleFontSize": 13, "orient": "bottom", "direction": "horizontal"},
            "title": {"fontSize": 15, "anchor": "start", "subtitleFontSize": 12, "subtitleColor": "#444"},
            "point": {"size": 70, "filled": True},
            "line": {"strokeWidth": 2.5},
        }
    }


def description(spec: dict[str, Any]) -> str:
    return str(spec.get("description") or "").strip()


# Longest title and subtitle lines that fit a phone (about 340 px at the theme's sizes).
TITLE_CHARS, SUBTITLE_CHARS = 36, 46


def _lines(text: Any, width: int) -> Any:
    """Break a long title, or each line of one, at spaces (Vega draws a list as lines)."""
    if isinstance(text, list):
        lines = []
        for line in text:
            wrapped = _lines(line, width)
            lines += wrapped if isinstance(wrapped, list) else [wrapped]
        return lines if len(lines) != len(text) else text
    if not isinstance(text, str) or len(text) <= width:
        return text
    return textwrap.wrap(text, width, break_long_words=False) or text


def _wrap_title(spec: dict[str, Any]) -> dict[str, Any]:
    title = spec.get("title")
    if isinstance(title, str):
        title = {"text": title}
    if not isinstance(title, dict):
        return spec
    title = {**title, "text": _lines(title.get("text"), TITLE_CHARS)}
    if "subtitle" in title:
        title["subtitle"] = _lines(title["subtitle"], SUBTITLE_CHARS)
    return {**spec, "title": title}


def _responsive(spec: dict[str, Any]) -> dict[str, Any]:
    """Single views without a set width fill their container (readable on a phone)."""
    composite = any(k in spec for k in ("hconcat", "vconcat", "concat", "facet", "repeat"))
    if not composite and "width" not in spec:
        spec = {**spec, "width": "container"}
        spec.setdefault("autosize", {"type": "fit-x", "contains": "padding"})
    return spec


def chart_id(spec: dict[str, Any]) -> str:
    """Content hash plus an occurrence count: stable across runs, unique on a page."""
    digest = hashlib.sha256(json.dumps(spec, sort_keys=True).encode()).hexdigest()[:12]
    _seen[digest] = _seen.get(digest, 0) + 1
    return f"gm-chart-{digest}-{_seen[digest]}"


def safe_json(spec: dict[str, Any]) -> str:
    """JSON that cannot end the <script> element it is embedded in (nor open a comment)."""
    return json.dumps(spec, sort_keys=True).replace("<", "\\u003c").replace(">", "\\u003e")


def static_html(spec: dict[str, Any], div_id: str) -> str:
    """A placeholder, its spec and a text description; govmig-charts.js draws it."""
    payload = safe_json(spec)
    desc = escape(description(spec))
    return (
        f'<div class="gm-chart" id="{div_id}" data-gm-chart="{div_id}-spec"></div>'
        f'<script type="application/json" id="{div_id}-spec">{payload}</script>'
        f'<details class="gm-chart-description"><summary>Text description of this chart</summary><p>{desc}</p></details>'
    )


def render(spec: dict[str, Any], **metadata: Any) -> dict[str, str]:
    spec = _wrap_title(_responsive(spec))
    div_id = chart_id(spec)
    desc = description(spec)
    if render_mode() == "static":
        if not desc:
            raise ValueError("every chart in the book needs a text description: use .properties(description=...)")
        return {"text/html": static_html(spec, div_id), "text/plain": desc}
    # Altair's template puts json.dumps(spec) raw inside <script>: a "</script>" in the
    # data (for example a student's exercise id) would end it. Swap in escaped JSON.
    bundle = alt.utils.display.spec_to_mimebundle(
        spec, format="html", output_div=div_id, embed_options=EMBED_OPTIONS, **_LIVE
    )
    raw = json.dumps(spec)
    if raw not in bundle["text/html"]:
        raise RuntimeError("Altair's HTML template changed: cannot escape the embedded spec")
    bundle["text/html"] = bundle["text/html"].replace(raw, safe_json(spec))
    bundle["text/plain"] = desc or "Altair chart (no description)"
    return bundle


def enable() -> None:
    """Register and switch on the house theme and renderer (idempotent)."""
    alt.theme.register("govmig", enable=True)(theme)
    alt.renderers.register("govmig", render)
    alt.renderers.enable("govmig")


enable()
