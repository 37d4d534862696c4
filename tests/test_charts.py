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


HOSTILE = "iom-x</script><img src=x onerror=window.__xss=1><!--"


@pytest.mark.parametrize("mode", ["live", "static"])
def test_markup_in_chart_data_cannot_end_the_script_element(monkeypatch, mode):
    """A student's exercise id reaches collect.chart(): it must stay inside the JSON."""
    if mode == "static":
        monkeypatch.setenv("GOVMIG_RENDER", "static")
    else:
        monkeypatch.delenv("GOVMIG_RENDER", raising=False)
    chart = alt.Chart(pd.DataFrame({"id": [HOSTILE], "n": [1]})).mark_bar().encode(
        x="n:Q", y="id:N").properties(description="One bar.")
    html = charts.render(chart.to_dict())["text/html"]
    assert "<img" not in html and "</script><img" not in html and "<!--" not in html
    assert "\\u003c/script\\u003e\\u003cimg" in html
