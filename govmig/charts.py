"""The book's chart theme and renderer.

``import govmig.charts`` (or ``govmig.charts.enable()``) registers one house theme and
a renderer that (a) gives every chart a deterministic element id, so stored outputs
can be compared by nbval, (b) requires and exposes a text description, and (c) draws
every chart as SVG with vl-convert-python, in the book build and in a kernel alike, so
charts need no browser script and no network. Interactive charts add, in the book, a
spec that the site's own copy of Vega draws when the reader asks for it.

In Jupyter a chart's output is a drawing only: the SVG (``image/svg+xml``) and an HTML
figure whose image is the same SVG as a ``data:`` address, with the text description under it. JupyterLab
shows it in an untrusted notebook (as on Binder, where inline SVG in HTML is stripped)
and after a save and reopen (no widget, so no "model not found"). The interactive
version is made only when asked: ``govmig.charts.live()`` returns an offline
``altair.JupyterChart`` widget (its Vega from the vl-convert wheel) of the last chart
shown, or of the chart given.

A chart's description (``.properties(description=...)``) describes the data. What only
makes sense on a screen ("hover over a point", "use the slider") goes in
``usermeta={"govmig": {"screen": "..."}}``: the book shows it as a separate line that
print and PDFs leave out, and it is never part of the description or the alternative
text.
"""

from __future__ import annotations

import hashlib
import json
import re
import textwrap
from html import escape
from typing import Any

import altair as alt

from . import render_mode

# Okabe & Ito's colour-blind-safe palette; charts also use shape, dash or labels.
PALETTE = ["#0072B2", "#D55E00", "#009E73", "#CC79A7", "#E69F00", "#56B4E9", "#F0E442", "#000000"]
FONT = "Arial, 'Liberation Sans', Helvetica, sans-serif"  # metric-compatible: the build's SVG layout holds in every browser
EMBED_OPTIONS = {"actions": False, "renderer": "svg"}
_seen: dict[str, int] = {}


def theme() -> alt.theme.ThemeConfig:
    return {
        "config": {
            "font": FONT,
            "view": {"continuousWidth": 320, "continuousHeight": 240, "stroke": None},
            "range": {"category": PALETTE},
            "axis": {"labelFontSize": 12, "titleFontSize": 13, "titleFontWeight": "normal", "labelLimit": 180,
                     "gridColor": "#e5e5e5", "domainColor": "#666", "tickColor": "#666"},
            # Legends under the chart, one entry a line and stacked: in a row they run off a phone.
            "legend": {"labelFontSize": 12, "titleFontSize": 13, "orient": "bottom", "direction": "vertical",
                       "layout": {"bottom": {"anchor": "start", "direction": "vertical"}}},
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


def interactive(spec: Any) -> bool:
    """Does the chart do anything a picture cannot: selections, bound inputs, tooltips?"""
    if isinstance(spec, dict):
        if "params" in spec and any(isinstance(p, dict) and ("select" in p or "bind" in p) for p in spec["params"]):
            return True
        if "tooltip" in spec.get("encoding", {}) or (isinstance(spec.get("mark"), dict) and spec["mark"].get("tooltip")):
            return True
        return any(interactive(v) for k, v in spec.items() if k not in ("data", "datasets", "config"))
    if isinstance(spec, list):
        return any(interactive(v) for v in spec)
    return False


# The two widths an SVG is drawn at: a phone's column and a laptop's. Charts whose width
# follows their container ("container") get each; charts with a set width are drawn once.
WIDTHS = {"narrow": 340, "wide": 620}


def _at_width(spec: dict[str, Any], width: int) -> dict[str, Any]:
    """A container-wide view drawn `width` pixels wide (axes and legend included)."""
    if spec.get("width") != "container":
        return spec
    return {**spec, "width": width, "autosize": {"type": "fit-x", "contains": "padding"}}


def _narrowed(spec: dict[str, Any], view_width: int) -> dict[str, Any]:
    """Views (alone or stacked) set wider than `view_width` are drawn at that width; a
    map's view keeps its shape (the projection fills the narrower view, instead of a small
    world floating in the height it had at full width)."""
    if isinstance(spec.get("width"), (int, float)) and spec["width"] > view_width:
        if "projection" in spec and isinstance(spec.get("height"), (int, float)):
            return {**spec, "width": view_width, "height": round(spec["height"] * view_width / spec["width"])}
        return {**spec, "width": view_width}
    if isinstance(spec.get("vconcat"), list):
        return {**spec, "vconcat": [_narrowed(view, view_width) for view in spec["vconcat"]]}
    return spec


def _too_wide_for_a_phone(spec: dict[str, Any]) -> bool:
    return spec.get("width") == "container" or _narrowed(spec, WIDTHS["narrow"]) != spec


def _svg_width(drawing: str) -> float:
    m = re.search(r'<svg[^>]*\swidth="([\d.]+)"', drawing)
    return float(m.group(1)) if m else 0.0


def _phone_svg(spec: dict[str, Any], prefix: str, label: str) -> str:
    """The phone's drawing: container-wide views fill its width; views set wider are
    narrowed until the whole drawing, axes and labels included, fits (two tries)."""
    phone = WIDTHS["narrow"]
    if spec.get("width") == "container":
        return svg(_at_width(spec, phone), prefix, label)
    view = phone
    drawn = svg(_narrowed(spec, view), prefix, label)
    for _ in range(2):
        excess = _svg_width(drawn) - phone
        if excess <= 8 or view - excess < 160:
            break
        view = int(view - excess)
        drawn = svg(_narrowed(spec, view), prefix, label)
    return drawn


def _vl_version() -> str:
    return ".".join(alt.VEGALITE_VERSION.split(".")[:2])


_DECIMALS = re.compile(r"\d+\.\d{2,}")
_REPEATED = re.compile(r"(L-?[\d.]+,-?[\d.]+)(?:\1)+")
_POLYGON = re.compile(r"(?:[MLZ][-\d.,]*)+")
_COMMAND = re.compile(r"([MLZ])([-\d.]*),?([-\d.]*)")


def _tenths(value: int) -> str:
    """A length in tenths of a pixel, written as short as SVG allows: 12, 1.5, -.5."""
    text = str(value // 10) if value % 10 == 0 else f"{value / 10:.1f}"
    return text.replace("0.", ".", 1) if text.lstrip("-").startswith("0.") else text


def _relative(d: str) -> str:
    """An outline of straight lines (M, L and Z only, absolute, as Vega writes them), with
    each point written as its step from the one before ("l3,-1 2,0"): the same points to
    the tenth of a pixel, in about half the characters. Anything else is left as it is."""
    if not _POLYGON.fullmatch(d):
        return d
    out, x, y, previous = [], 0, 0, ""
    for command, xs, ys in _COMMAND.findall(d):
        if command == "Z":
            out.append("Z")
            previous = "Z"
            continue
        nx, ny = round(float(xs) * 10), round(float(ys) * 10)
        if command == "M":
            out.append(f"M{_tenths(nx)},{_tenths(ny)}")
            previous = "M"
        else:
            step = f"{_tenths(nx - x)},{_tenths(ny - y)}"
            out.append(("l" if previous != "l" else (" " if not step.startswith("-") else "")) + step)
            previous = "l"
        x, y = nx, ny
    return "".join(out)


def _path(d: str) -> str:
    """Path coordinates to a tenth of a pixel (Vega writes thousandths); long outlines (a
    map's countries) to whole pixels, dropping repeated points; outlines of straight lines
    as steps from point to point. Invisible on screen and in print; a map's drawing shrinks
    by about three quarters."""
    body = d
    if len(body) > 500:
        body = _REPEATED.sub(r"\1", re.sub(r"\d+\.\d+", lambda n: str(round(float(n.group(0)))), body))
    else:
        body = _DECIMALS.sub(lambda n: f"{float(n.group(0)):.1f}", body)
    return _relative(body)


# Vega labels every mark for screen readers (a map: one "State: null; Lists: null" per
# country). The drawing as a whole is one image (role="img", named by its label, described
# beside it), whose parts assistive technology does not read: the marks' labels only
# weigh on the page. So do transforms that move nothing.
_MARK_ARIA = re.compile(r'\s(?:aria-label|aria-roledescription|role)="[^"]*"|\stransform="translate\(0,0\)"')


# Characters XML cannot hold: vl-convert aborts the whole process on one (a NUL in a label
# killed the kernel or the build), so they are refused first with a clear error.
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff\ud800-\udfff]")


def drawable(spec: Any) -> None:
    """Raise ValueError naming where a chart's spec (titles, labels, data) holds a control
    character that cannot be drawn; walks the spec without recursion."""
    stack: list[tuple[str, Any]] = [("", spec)]
    while stack:
        where, value = stack.pop()
        if isinstance(value, str):
            bad = _NOT_XML.search(value)
            if bad:
                raise ValueError(
                    f"this chart cannot be drawn: the text at {where or '(the spec)'} holds the control character "
                    f"U+{ord(bad.group()):04X}, which no drawing can show. Remove it from the data or title "
                    "first (for example df[column].str.replace('\\x00', ''))")
        elif isinstance(value, dict):
            stack += [(f"{where}/{k}", v) for k, v in value.items()] + [(f"{where}/(key)", k) for k in value]
        elif isinstance(value, (list, tuple)):
            stack += [(f"{where}/{n}", v) for n, v in enumerate(value)]


def svg(spec: dict[str, Any], prefix: str, label: str = "") -> str:
    """The chart drawn as SVG by vl-convert (no browser, no network): what a reader without
    JavaScript, a printer, a PDF and a Jupyter kernel without internet see. Ids inside the
    drawing are prefixed so that several charts can share a page."""
    import vl_convert

    drawable(spec)
    drawing = vl_convert.vegalite_to_svg(spec, vl_version=_vl_version()).replace("\n", " ")
    drawing = re.sub(r'(\sd=")([^"]*)"', lambda m: f'{m.group(1)}{_path(m.group(2))}"', drawing)
    drawing = _MARK_ARIA.sub("", drawing)
    ids = set(re.findall(r'\sid="([^"]+)"', drawing))
    for old in sorted(ids, key=len, reverse=True):
        new = f"{prefix}-{old}"
        drawing = (drawing.replace(f'id="{old}"', f'id="{new}"').replace(f"url(#{old})", f"url(#{new})")
                   .replace(f'href="#{old}"', f'href="#{new}"'))
    attrs = f' role="img" aria-label="{escape(label, quote=True)}"' if label else ' aria-hidden="true"'
    return drawing.replace("<svg ", f"<svg{attrs} ", 1)


def screen_note(spec: dict[str, Any]) -> str:
    """The chart's screen-only instruction (``usermeta.govmig.screen``), if any."""
    meta = spec.get("usermeta")
    own = meta.get("govmig") if isinstance(meta, dict) else None
    return str(own.get("screen") or "").strip() if isinstance(own, dict) else ""


def _screen_html(spec: dict[str, Any]) -> str:
    note = screen_note(spec)
    return f'<p class="gm-chart-screen screen-only">{escape(note)}</p>' if note else ""


def figure_html(spec: dict[str, Any], div_id: str, live_spec: bool) -> str:
    """The chart as SVG (one per width), its text description and, for interactive charts
    in the book, the spec that govmig-charts.js hands to Vega when the reader asks."""
    desc = description(spec)
    label = _title_text(spec) or "Chart"
    desc_id = f"{div_id}-description"
    drawings = []
    widths = WIDTHS if _too_wide_for_a_phone(spec) else {"only": None}
    for name, width in widths.items():
        prefix = f"{div_id}-{name}"
        drawn = (_phone_svg(spec, prefix, label) if name == "narrow"
                 else svg(_at_width(spec, width) if width else spec, prefix, label))
        drawings.append(f'<div class="gm-chart-svg gm-chart-{name}">{drawn}</div>')
    attrs = f'class="gm-chart" id="{div_id}" aria-describedby="{desc_id}"'
    extra = ""
    if live_spec and interactive(spec):
        attrs += f' data-gm-chart="{div_id}-spec"'
        extra = f'<script type="application/json" id="{div_id}-spec">{safe_json(spec)}</script>'
    return (
        f'<div {attrs}>{"".join(drawings)}</div>{extra}{_screen_html(spec)}'
        f'<details class="gm-chart-description" id="{desc_id}"><summary>Text description of this chart</summary>'
        f'<div>{escape(desc)}</div></details>'
    )


def _title_text(spec: dict[str, Any]) -> str:
    title = spec.get("title")
    text = title.get("text") if isinstance(title, dict) else title
    return " ".join(text) if isinstance(text, list) else str(text or "")


def static_html(spec: dict[str, Any], div_id: str) -> str:
    """The book's chart: SVG first; Vega only for interactive charts, on demand."""
    return figure_html(spec, div_id, live_spec=True)


class _Spec(alt.Chart):
    """A chart that is its finished spec: altair.JupyterChart wants a chart object, and a
    renderer only receives the dict. Python-side params are not mirrored (none needed)."""

    def __init__(self, spec: dict[str, Any]) -> None:
        super().__init__()
        object.__setattr__(self, "_gm_spec", spec)

    def to_dict(self, *args: Any, **kwargs: Any) -> dict[str, Any]:
        return self._gm_spec


_last: dict[str, Any] = {}


def live(chart: Any = None) -> Any:
    """The interactive version of a chart, made when asked: an offline Jupyter widget.

    ``govmig.charts.live()`` gives the last chart this kernel showed; ``live(chart)`` any
    Altair chart (or its spec). Its Vega comes from the vl-convert wheel (no CDN). The
    widget lives only as long as the kernel: a saved notebook keeps the drawing.
    """
    if chart is None:
        if "spec" not in _last:
            raise ValueError("no chart shown yet in this kernel: run the chart's cell first, or pass the chart")
        spec = _last["spec"]
    else:
        spec = chart if isinstance(chart, dict) else chart.to_dict()
        spec = _wrap_title(_responsive(spec))
    alt.JupyterChart.enable_offline()
    return alt.JupyterChart(_Spec(_at_width(spec, WIDTHS["wide"])), embed_options=EMBED_OPTIONS)


def _wide(spec: dict[str, Any]) -> dict[str, Any]:
    return _at_width(spec, WIDTHS["wide"]) if spec.get("width") == "container" else spec


def live_html(spec: dict[str, Any], div_id: str, drawing: str) -> str:
    """Jupyter's figure: the SVG as an image (a data: address, which JupyterLab keeps in an
    untrusted notebook), its text description, and a screen line saying how to get the
    interactive version."""
    import base64

    label = _title_text(spec) or "Chart"
    width = _svg_width(drawing)
    source = "data:image/svg+xml;base64," + base64.b64encode(drawing.encode("utf-8")).decode("ascii")
    lines = [note for note in (screen_note(spec),) if note]
    if interactive(spec):
        lines.append("For the interactive version, run govmig.charts.live() in a new cell.")
    screen = "".join(f'<p class="gm-chart-screen">{escape(line)}</p>' for line in lines)
    size = f' width="{round(width)}"' if width else ""
    return (f'<figure class="gm-chart" id="{div_id}"><img src="{source}" alt="{escape(label, quote=True)}"{size}>'
            f'<figcaption><details class="gm-chart-description"><summary>Text description of this chart</summary>'
            f'<div>{escape(description(spec))}</div></details>{screen}</figcaption></figure>')


def render(spec: dict[str, Any], **metadata: Any) -> dict[str, Any]:
    spec = _wrap_title(_responsive(spec))
    div_id = chart_id(spec)
    desc = description(spec)
    if render_mode() == "static":
        if not desc:
            raise ValueError("every chart in the book needs a text description: use .properties(description=...)")
        return {"text/html": static_html(spec, div_id), "text/plain": desc}
    # In Jupyter: a drawing only (no widget view, which would show "model not found" after
    # a reopen): HTML with the SVG as an image (what JupyterLab shows, trusted or not) and
    # the SVG itself for front ends without HTML; live() makes the widget when asked.
    _last["spec"] = spec
    drawing = svg(_wide(spec), div_id, _title_text(spec) or "Chart")
    return {"text/html": live_html(spec, div_id, drawing), "image/svg+xml": drawing,
            "text/plain": desc or "Altair chart (no description)"}


def enable() -> None:
    """Register and switch on the house theme and renderer (idempotent)."""
    alt.theme.register("govmig", enable=True)(theme)
    alt.renderers.register("govmig", render)
    alt.renderers.enable("govmig")


enable()
