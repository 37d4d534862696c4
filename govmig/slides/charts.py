"""A chart as a PNG 1920 pixels wide (python-pptx places no SVG), drawn by vl-convert from
the spec the book's build wrote, with the house theme's type enlarged for a lecture hall
and the chart's title left to the slide's (editable) title. A chart the build wrote no
spec for is drawn from the SVG on its page."""

from __future__ import annotations

import copy
import io
import json
import re
from typing import Any

from .book import Chart

PNG_WIDTH = 1920
VIEW_WIDTH = 880                      # a container-wide view's width on a slide, in Vega pixels
#: Type sizes in Vega pixels. A chart fills about 12 inches (864 pt) of a 13.3-inch slide,
#: so at ~900 px wide one pixel is about one point: labels at 20 px project at ~19 pt.
TYPE = {"label": 20, "title": 22, "text": 20}


def _vl_version() -> str:
    import altair as alt
    return ".".join(alt.VEGALITE_VERSION.split(".")[:2])


def for_slide(spec: dict[str, Any], grow: float = 1.0) -> dict[str, Any]:
    spec = copy.deepcopy(spec)
    spec.pop("title", None)
    spec.pop("$schema", None)
    if spec.get("width") == "container":
        spec["width"] = VIEW_WIDTH
    for key in ("vconcat", "hconcat", "concat"):
        for view in spec.get(key, []) if isinstance(spec.get(key), list) else []:
            if isinstance(view, dict) and view.get("width") == "container":
                view["width"] = VIEW_WIDTH if key == "vconcat" else VIEW_WIDTH // max(1, len(spec[key]))
    label, title, txt = (round(TYPE[k] * grow) for k in ("label", "title", "text"))
    # Bands (a bar or row per category) grow with the type, so that labels keep the room
    # they have in the book (the theme's labels are 12 px in 20-px bands).
    ratio = label / BOOK_LABEL
    _scale_steps(spec, ratio)
    view = spec.setdefault("config", {}).setdefault("view", {})
    view["discreteHeight"] = {"step": round(20 * ratio)}
    view["discreteWidth"] = {"step": round(20 * ratio)}
    config = spec.setdefault("config", {})
    config.setdefault("axis", {}).update(labelFontSize=label, titleFontSize=title, labelLimit=400)
    config.setdefault("legend", {}).update(labelFontSize=label, titleFontSize=title, labelLimit=600, titleLimit=800)
    config.setdefault("header", {}).update(labelFontSize=label, titleFontSize=title)
    config.setdefault("text", {}).update(fontSize=txt)
    config.setdefault("title", {}).update(fontSize=title + 4, subtitleFontSize=label)
    return spec


BOOK_LABEL = 12                       # the house theme's label size (govmig.charts.theme)


def _scale_steps(node: Any, ratio: float) -> None:
    """Every {"step": n} size in a spec (views, layers, concatenations) times `ratio`."""
    if isinstance(node, dict):
        for key in ("width", "height"):
            if isinstance(node.get(key), dict) and isinstance(node[key].get("step"), (int, float)):
                node[key] = {**node[key], "step": round(node[key]["step"] * ratio, 1)}
        for key, value in node.items():
            if key not in ("data", "datasets", "config", "width", "height"):
                _scale_steps(value, ratio)
    elif isinstance(node, list):
        for value in node:
            _scale_steps(value, ratio)


def _banded(spec: Any) -> bool:
    """Does the chart lay out a band per category, or several views? Its labels then keep
    their size relative to its bands: enlarging the type cannot make them larger on a slide."""
    text = json.dumps({k: v for k, v in spec.items() if k not in ("data", "datasets", "config")})
    return '"step"' in text or any(k in spec for k in ("vconcat", "hconcat", "concat", "facet", "repeat")) or \
        '"type": "nominal"' in text and '"y"' in text


def _size(svg: str) -> tuple[float, float]:
    w = re.search(r'<svg[^>]*\swidth="([\d.]+)"', svg)
    h = re.search(r'<svg[^>]*\sheight="([\d.]+)"', svg)
    return (float(w.group(1)) if w else 0.0, float(h.group(1)) if h else 0.0)


def svg_for(chart: Chart, room: tuple[float, float] = (864.0, 300.0)) -> str:
    """The chart's drawing for a slide area of `room` points (width, height): its type is
    enlarged until its labels, at the size the picture will have there, are about 18 pt
    or more (three tries, at most two and a half times the house size)."""
    import vl_convert

    if chart.spec is None:
        if not chart.svg:
            raise ValueError(f"chart {chart.title!r}: neither a spec nor a drawing in the built page")
        return chart.svg
    grow = 1.0
    svg = ""
    for _ in range(3):
        svg = vl_convert.vegalite_to_svg(for_slide(chart.spec, grow), vl_version=_vl_version())
        w, h = _size(svg)
        scale = min(room[0] / w, room[1] / h) if w and h else 1.0      # points per Vega pixel
        label_pt = TYPE["label"] * grow * scale
        if label_pt >= 18 or grow >= 2.5 or _banded(chart.spec):
            break
        grow = min(2.5, grow * 18.5 / label_pt)
    return svg


def png(chart: Chart, room: tuple[float, float] = (864.0, 300.0)) -> tuple[bytes, tuple[int, int]]:
    """The chart as PNG bytes exactly PNG_WIDTH pixels wide, and its size in pixels."""
    key = (json.dumps(chart.spec, sort_keys=True) if chart.spec else chart.svg or "", room)
    if key not in _PNGS:
        _PNGS[key] = _png(chart, room)
    return _PNGS[key]


_PNGS: dict = {}


def _png(chart: Chart, room: tuple[float, float]) -> tuple[bytes, tuple[int, int]]:
    import vl_convert
    from PIL import Image

    svg = svg_for(chart, room)
    w, _ = _size(svg)
    data = vl_convert.svg_to_png(svg, scale=PNG_WIDTH / w if w else 1.0)
    img = Image.open(io.BytesIO(data))
    if img.width != PNG_WIDTH:          # rounding: resample the last pixel or two
        img = img.resize((PNG_WIDTH, round(img.height * PNG_WIDTH / img.width)), Image.LANCZOS)
    if img.mode != "RGB":               # projectors and PowerPoint: no transparency surprises
        flat = Image.new("RGB", img.size, "white")
        flat.paste(img, mask=img.split()[-1] if img.mode in ("RGBA", "LA") else None)
        img = flat
    out = io.BytesIO()
    img.save(out, "PNG", optimize=True)
    return out.getvalue(), img.size
