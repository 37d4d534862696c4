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
    assert "Two points." in html and "<svg" in html and "<script" not in html


HOSTILE = "iom-x</script><img src=x onerror=window.__xss=1><!--"


@pytest.mark.parametrize("mode", ["live", "static"])
def test_markup_in_chart_data_cannot_end_the_script_element(monkeypatch, mode):
    """A student's exercise id reaches collect.chart(): it must stay inside the JSON."""
    if mode == "static":
        monkeypatch.setenv("GOVMIG_RENDER", "static")
    else:
        monkeypatch.delenv("GOVMIG_RENDER", raising=False)
    chart = alt.Chart(pd.DataFrame({"id": [HOSTILE], "n": [1]})).mark_bar().encode(
        x="n:Q", y="id:N", tooltip=["id:N"]).properties(description="One bar.")
    bundle = charts.render(chart.to_dict())
    html = bundle["text/html"] if mode == "static" else bundle["image/svg+xml"]
    assert "<img" not in html and "</script><img" not in html and "<!--" not in html
    assert "&lt;img" in html                                   # drawn as text in the SVG
    if mode == "static":                                       # and kept escaped in the spec
        assert "\\u003c/script\\u003e\\u003cimg" in html
    else:                                                      # Jupyter: the SVG is an image
        assert bundle["text/html"].count("<img") == 1 and "onerror" not in bundle["text/html"]


def _interactive_chart():
    df = pd.DataFrame({"x": [1, 2, 3], "k": ["a", "b", "c"]})
    pick = alt.selection_point(fields=["k"], bind=alt.binding_select(options=["a", "b", "c"]), name="pick")
    return (alt.Chart(df).mark_point().encode(x="x:Q", opacity=alt.condition(pick, alt.value(1), alt.value(0.3)))
            .add_params(pick).properties(title="Three points", description="Three points, one chosen."))


@pytest.mark.parametrize("mode", ["live", "static"])
def test_every_chart_is_drawn_as_svg_with_no_external_script(monkeypatch, mode):
    monkeypatch.setenv("GOVMIG_RENDER", mode)
    bundle = charts.render(_chart(description="Two points.").to_dict())
    html = bundle["text/html"]
    if mode == "static":
        assert html.count("<svg") == 2                 # phone and laptop widths
        drawing = html
    else:
        assert "<svg" not in html and html.count('<img src="data:image/svg+xml;base64,') == 1
        drawing = bundle["image/svg+xml"]
    assert 'role="img" aria-label="Chart"' in drawing and "Two points." in html
    for text in (html, drawing):
        assert "<script" not in text and "http" not in text.replace("http://www.w3.org/", "")
        assert "cdn" not in text.lower()


def test_interactive_charts_carry_their_spec_in_the_book_only(monkeypatch):
    assert charts.interactive(_interactive_chart().to_dict())
    assert not charts.interactive(_chart(description="x").to_dict())
    monkeypatch.setenv("GOVMIG_RENDER", "static")
    html = charts.render(_interactive_chart().to_dict())["text/html"]
    assert 'data-gm-chart="' in html and '<script type="application/json"' in html and html.count("<svg") == 2
    monkeypatch.setenv("GOVMIG_RENDER", "live")
    bundle = charts.render(_interactive_chart().to_dict())
    assert "<script" not in bundle["text/html"] and "data:image/svg+xml;base64," in bundle["text/html"]


def test_jupyter_gets_a_drawing_and_the_widget_only_when_asked(monkeypatch):
    """Issue 25 M1/M2: no widget view in a stored output (it reads "model not found" after a
    reopen); a drawing JupyterLab shows in an untrusted notebook (its sanitiser strips inline
    SVG from HTML but keeps an image's data: address); the widget from charts.live()."""
    monkeypatch.setenv("GOVMIG_RENDER", "live")
    bundle = charts.render(_interactive_chart().to_dict())
    assert set(bundle) == {"text/html", "image/svg+xml", "text/plain"}
    assert "<svg" not in bundle["text/html"] and bundle["image/svg+xml"].startswith("<svg")
    assert "Three points, one chosen." in bundle["text/html"] and bundle["text/plain"] == "Three points, one chosen."
    assert "govmig.charts.live()" in bundle["text/html"]
    widget = charts.live()
    assert isinstance(widget, alt.JupyterChart) and alt.JupyterChart._is_offline
    assert isinstance(charts.live(_chart(description="x")), alt.JupyterChart)


def test_screen_only_instructions_stay_out_of_the_description_and_print(monkeypatch):
    """Issue 25 L7: "hover", "slider" lines go in usermeta, shown as their own screen-only line."""
    note = "Hover over a point to see its value."
    chart = _interactive_chart().properties(usermeta={"govmig": {"screen": note}})
    monkeypatch.setenv("GOVMIG_RENDER", "static")
    html = charts.render(chart.to_dict())["text/html"]
    assert f'<p class="gm-chart-screen screen-only">{note}</p>' in html
    description = html.split('class="gm-chart-description"', 1)[1]
    assert note not in description and note not in charts.description(chart.to_dict())
    import re
    assert all(note not in label for label in re.findall(r'aria-label="([^"]*)"', html))
    css = (charts.__file__.rsplit("/", 1)[0] + "/static/govmig.css")
    assert re.search(r"@media print\s*\{[^@]*\.screen-only\s*\{\s*display:\s*none", open(css).read())
    monkeypatch.setenv("GOVMIG_RENDER", "live")
    assert note in charts.render(chart.to_dict())["text/html"]


def test_the_live_interactive_chart_is_an_offline_widget(monkeypatch):
    monkeypatch.setenv("GOVMIG_RENDER", "live")
    charts.render(_interactive_chart().to_dict())
    charts.live()
    assert alt.JupyterChart._is_offline
    esm = alt.JupyterChart(charts._Spec(_interactive_chart().to_dict()))._esm
    assert "esm.sh" not in esm and "cdn.jsdelivr" not in esm and len(esm) > 100_000   # the bundled Vega


def test_ids_inside_drawings_are_unique_on_a_page(monkeypatch):
    monkeypatch.setenv("GOVMIG_RENDER", "static")
    df = pd.DataFrame({"x": [1, 2], "y": [1, 2]})
    chart = alt.Chart(df).mark_line(clip=True).encode(x="x:Q", y=alt.Y("y:Q", scale=alt.Scale(domain=[0, 1.5])))
    chart = chart.properties(description="A clipped line.")
    page = charts.render(chart.to_dict())["text/html"] + charts.render(chart.to_dict())["text/html"]
    import re
    ids = re.findall(r'\sid="([^"]+)"', page)
    assert ids and len(ids) == len(set(ids))
    for ref in re.findall(r"url\(#([^)]+)\)", page):
        assert ref in ids


def test_govmig_glue_writes_what_myst_nb_reads(capsys):
    """govmig.glue is myst_nb.glue without the Sphinx dependency: same display call."""
    from unittest import mock

    from govmig.glue import glue

    calls = {}
    for name, fn in (("govmig", glue), ("myst_nb", __import__("myst_nb").glue)):
        target = "IPython.display.display" if name == "govmig" else "myst_nb.ext.glue.ipy_display"
        with mock.patch(target) as display:
            fn("n_members", 175, display=False)
        calls[name] = display.call_args
    assert calls["govmig"] == calls["myst_nb"]
    assert calls["govmig"].kwargs["metadata"]["scrapbook"]["name"] == "n_members"


def test_a_changed_package_makes_the_build_rerun_every_notebook():
    """Charts are drawn in the build's kernels: when govmig changes, Sphinx must re-read
    every document (rebuild "env"), not only rewrite HTML from doctrees with old charts."""
    from govmig import sphinx as ext

    calls = {}

    class App:
        def add_config_value(self, name, default, rebuild, *a, **k):
            calls[name] = rebuild

        def __getattr__(self, name):
            return lambda *a, **k: None

    ext.setup(App())
    assert calls["govmig_fingerprint"] == "env"


def test_views_set_wider_than_a_phone_get_a_phone_drawing(monkeypatch):
    """A stacked chart set 600 px wide (the chapter 3 map and its bars) is drawn again at
    the phone's width, not shrunk to unreadable text."""
    monkeypatch.setenv("GOVMIG_RENDER", "static")
    df = pd.DataFrame({"x": [1, 2]})
    wide = alt.Chart(df).mark_bar().encode(x="x:Q").properties(width=600)
    stacked = alt.vconcat(wide, wide).properties(description="Two stacked bars.").to_dict()
    html = charts.render(stacked)["text/html"]
    assert html.count("<svg") == 2 and "gm-chart-narrow" in html
    import re
    narrow = re.search(r'gm-chart-narrow"><svg[^>]*\swidth="([\d.]+)"', html)
    assert float(narrow.group(1)) <= charts.WIDTHS["narrow"] + 8     # axes included
    small = alt.Chart(df).mark_bar().encode(x="x:Q").properties(width=200, description="Small.").to_dict()
    assert charts.render(small)["text/html"].count("<svg") == 1


def test_path_coordinates_are_rounded_to_a_tenth_of_a_pixel(monkeypatch):
    monkeypatch.setenv("GOVMIG_RENDER", "static")
    import re
    df = pd.DataFrame({"x": [1.23456, 2.98765, 3.5], "y": [3.33333, 1.11111, 2.71828]})
    html = charts.render(alt.Chart(df).mark_line().encode(x="x:Q", y="y:Q").properties(description="A line.").to_dict())["text/html"]
    paths = re.findall(r'\sd="([^"]*)"', html)
    assert any("l" in d.lower() for d in paths)
    assert not [d for d in paths if re.search(r"\d\.\d\d", d)]


def test_long_outlines_are_drawn_to_whole_pixels_without_repeated_points():
    d = "M0.4,0.4" + "L10.04,10.26L10.01,9.98" * 40 + "L20.6,3.3Z"
    out = charts._path(d)
    assert out == "M0,0l10,10 11,-7Z" and len(d) > 500
    assert charts._path("M1.234,5.678L2.345,6.789") == "M1.2,5.7l1.1,1.1"


def _absolute(d: str) -> list[tuple[str, int, int]]:
    """The points of an M/L/Z path, absolute or relative, in tenths of a pixel."""
    import re
    points, x, y = [], 0.0, 0.0
    for command, args in re.findall(r"([MmLlZz])([^MmLlZz]*)", d):
        if command in "Zz":
            points.append(("Z", 0, 0))
            continue
        numbers = [float(n) for n in re.findall(r"-?(?:\d+\.?\d*|\.\d+)", args)]
        for dx, dy in zip(numbers[::2], numbers[1::2]):
            x, y = (x + dx, y + dy) if command in "ml" else (dx, dy)
            points.append(("M" if command in "Mm" else "L", round(x * 10), round(y * 10)))
            command = {"M": "L", "m": "l"}.get(command, command)
    return points


def test_outlines_as_steps_keep_every_point():
    import random
    rng = random.Random(7)
    for _ in range(200):
        rings = []
        for _ in range(rng.randint(1, 3)):
            pts = [(rng.uniform(-50, 700), rng.uniform(-50, 400)) for _ in range(rng.randint(1, 30))]
            rings.append("M%.3f,%.3f" % pts[0] + "".join("L%.3f,%.3f" % p for p in pts[1:]) + "Z")
        d = "".join(rings)
        rounded = charts._DECIMALS.sub(lambda n: f"{float(n.group(0)):.1f}", d) if len(d) <= 500 else None
        out = charts._path(d)
        assert "L" not in out and len(out) < len(d)
        if rounded is not None:
            assert _absolute(out) == _absolute(rounded), d
    curve = "M0,0C1.5,2.5,3,4,5,6Z"
    assert charts._path(curve) == curve, "a path with curves is only rounded"


def test_the_drawing_is_one_named_image_without_per_mark_labels(monkeypatch):
    """Vega labels every mark; inside role="img" assistive technology never reads them,
    and on a map they were a third of the drawing."""
    monkeypatch.setenv("GOVMIG_RENDER", "static")
    import re
    df = pd.DataFrame({"x": ["a", "b"], "y": [1, 2]})
    html = charts.render(alt.Chart(df).mark_bar().encode(x="x:N", y="y:Q")
                         .properties(title="Two bars", description="Two bars, a and b.").to_dict())["text/html"]
    for drawing in re.findall(r"<svg.*?</svg>", html, re.S):
        assert drawing.startswith('<svg role="img" aria-label="Two bars"')
        inner = drawing[drawing.index(">"):]
        assert not re.search(r'\s(aria-label|aria-roledescription|role)=', inner)
        assert 'transform="translate(0,0)"' not in inner
        assert "<rect" in inner or "<path" in inner


def test_a_narrowed_map_keeps_its_shape():
    world = {"projection": {"type": "equalEarth"}, "width": 560, "height": 300, "mark": "geoshape"}
    bars = {"width": 560, "height": 200, "mark": "bar"}
    narrowed = charts._narrowed({"vconcat": [world, bars]}, 280)
    assert narrowed["vconcat"][0] == {**world, "width": 280, "height": 150}
    assert narrowed["vconcat"][1] == {**bars, "width": 280}, "other views keep their height"
