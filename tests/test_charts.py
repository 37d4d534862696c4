"""The house chart renderer: descriptions required, titles that fit a phone."""

from __future__ import annotations

import altair as alt
import pandas as pd
import pytest

from govmig import charts


def _chart(**props):
    return alt.Chart(pd.DataFrame({"x": [1, 2]})).mark_point().encode(x="x:Q").properties(**props)


def test_long_titles_and_subtitles_are_broken_into_lines():
    spec = charts._wrap_title(_chart(title=alt.Title(
        "The General Assembly vote on the Compact by region",
        subtitle=["UN General Assembly, resolution 73/195, 19 December 2018", "short line"])).to_dict())
    text, subtitle = spec["title"]["text"], spec["title"]["subtitle"]
    assert isinstance(text, list) and all(len(line) <= charts.TITLE_CHARS for line in text)
    assert " ".join(text) == "The General Assembly vote on the Compact by region"
    assert subtitle[-1] == "short line" and all(len(line) <= charts.SUBTITLE_CHARS for line in subtitle)


def test_short_titles_are_left_alone():
    spec = _chart(title="IOM spending").to_dict()
    assert charts._wrap_title(spec) == {**spec, "title": {"text": "IOM spending"}}


def test_a_static_chart_without_description_is_refused(monkeypatch):
    monkeypatch.setenv("GOVMIG_RENDER", "static")
    with pytest.raises(ValueError, match="text description"):
        charts.render(_chart(title="No description").to_dict())
    html = charts.render(_chart(title="Described", description="Two points.").to_dict())["text/html"]
    assert "Two points." in html and "data-gm-chart" in html
