"""Every stored chart output reads in JupyterLab without a kernel, untrusted (issue 25 M1,
M2): a drawing as an image (the SVG as image/svg+xml, and in the HTML as an <img> with a
data: address, which JupyterLab's sanitiser keeps; inline SVG in HTML it strips, leaving
the axis labels run together), the text description beside it, no widget view. A cheap
static check of every notebook; tests/test_jupyterlab.py opens one in JupyterLab.

Stored outputs come from scripts/run-notebooks.py: after a change to govmig.charts, re-run
the notebooks."""

from __future__ import annotations

import json
import re

import pytest

from conftest import ROOT

NOTEBOOKS = sorted(p for folder in ("chapters", "exercises") for p in (ROOT / folder).rglob("*.ipynb")
                   if ".ipynb_checkpoints" not in p.parts)
WIDGET_VIEW = "application/vnd.jupyter.widget-view+json"


def chart_outputs(path):
    for cell in json.loads(path.read_text("utf-8"))["cells"]:
        for out in cell.get("outputs", []):
            html = "".join(out.get("data", {}).get("text/html", ""))
            if 'class="gm-chart' in html and "gm-chart-description" in html:
                yield out, html


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.relative_to(ROOT).as_posix())
def test_stored_charts_are_drawings_jupyterlab_shows_untrusted(path):
    for out, html in chart_outputs(path):
        data = out["data"]
        assert WIDGET_VIEW not in data, "a widget view: 'model not found' after a reopen (re-run the notebook)"
        assert "<svg" not in html, "inline SVG in HTML: JupyterLab strips it in an untrusted notebook (re-run the notebook)"
        assert re.search(r'<img src="data:image/svg\+xml;base64,[A-Za-z0-9+/=]+" alt="[^"]+"', html)
        assert "".join(data.get("image/svg+xml", "")).startswith("<svg"), "no image/svg+xml drawing"
        description = re.search(r'class="gm-chart-description">.*?<div>(.*?)</div>', html, re.S)
        assert description and len(description[1]) > 20, "no text description beside the drawing"
        assert "".join(data.get("text/plain", "")).strip() == description[1].replace("&amp;", "&").replace(
            "&lt;", "<").replace("&gt;", ">").replace("&quot;", '"').replace("&#x27;", "'").strip()


SCREEN_WORDS = re.compile(r"\b(hover\w*|slider|click\w*|tap\w*|mouse|scroll\w*|drag\w*|zoom\w*)\b", re.I)


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.relative_to(ROOT).as_posix())
def test_chart_descriptions_describe_the_data_not_the_screen(path):
    """Issue 25 L7: "hover", "slider", "click the legend" go in usermeta={"govmig": {"screen": ...}},
    a line of its own that print, PDF alternative text and slides leave out."""
    for out, html in chart_outputs(path):
        description = "".join(out["data"].get("text/plain", ""))
        assert not SCREEN_WORDS.search(description), (
            f"screen-only words in a chart's description: {SCREEN_WORDS.search(description)[0]!r} "
            "(move them to usermeta={'govmig': {'screen': ...}})")
