"""Charts in the built book, in headless Chromium: drawn before any script runs (SVG from
the build), described, fitting a phone; Vega loaded only when a reader asks for it."""

from __future__ import annotations

import pytest

from conftest import SITE
from test_site import PAGES, page_at  # noqa: F401 (page_at is a fixture)

pytestmark = pytest.mark.browser
CHART_PAGES = [p for p in PAGES if 'class="gm-chart"' in (SITE / p).read_text("utf-8")]

# Per chart: the visible drawing's marks, its label, and any text that runs outside it.
# A phone's drawing is an <img> of a file under _static/chart-svg/ (govmig.sphinx): it is
# checked loaded and named, and its SVG is laid out in the chart's box to find cut text.
VISIBLE = """async () => {
  const out = [];
  for (const el of document.querySelectorAll('.gm-chart')) {
    const box = el.getBoundingClientRect();
    const shown = [...el.querySelectorAll('.gm-chart-svg svg, .gm-chart-svg img')].filter(s => s.getBoundingClientRect().width > 0);
    let svg = shown[0], label = null, role = null, probe = null, loaded = true, tooWide = true;
    if (svg) tooWide = svg.getBoundingClientRect().width > box.width + 1;
    if (svg && svg.tagName === 'IMG') {
      svg.scrollIntoView();
      await svg.decode().catch(() => { loaded = false; });
      loaded = loaded && svg.naturalWidth > 0;
      label = svg.getAttribute('alt'); role = 'img';
      probe = document.createElement('div');
      probe.className = 'gm-chart-svg';
      probe.innerHTML = await (await fetch(svg.currentSrc || svg.src)).text();
      el.appendChild(probe);
      svg = probe.querySelector('svg');
    } else if (svg) {
      label = svg.getAttribute('aria-label'); role = svg.getAttribute('role');
    }
    const cut = svg ? [...svg.querySelectorAll('text')].filter(t => {
      const r = t.getBoundingClientRect();
      return r.width > 0 && (r.right > box.right + 1 || r.left < box.left - 1);
    }).map(t => t.textContent) : [];
    const marks = svg ? svg.querySelectorAll('g[class^="mark-"] > *').length : 0;
    if (probe) probe.remove();
    const desc = document.getElementById(el.getAttribute('aria-describedby'));
    out.push({chart: el.id, visible: shown.length, marks: loaded ? marks : 0, label: label, role: role,
              description: desc ? desc.textContent.replace('Text description of this chart', '').trim() : '',
              cut: cut, too_wide: tooWide});
  }
  return out;
}"""


def test_chart_pages_were_found():
    assert len(CHART_PAGES) >= 8


def test_a_phone_loads_its_drawing_and_a_laptop_does_not(browser, server):
    """The phone drawing is a lazy <img>: fetched where it is shown, never on a laptop."""
    path = next(p for p in CHART_PAGES if "gm-chart-narrow" in (SITE / p).read_text("utf-8"))
    for width, expect in ((390, True), (1280, False)):
        ctx = browser.new_context(viewport={"width": width, "height": 900})
        try:
            page = ctx.new_page()
            fetched = []
            page.on("request", lambda r: fetched.append(r.url) if "/chart-svg/" in r.url else None)
            page.goto(f"{server}/{path}", wait_until="networkidle")
            page.locator(".gm-chart").last.scroll_into_view_if_needed()
            page.wait_for_timeout(500)
            assert bool(fetched) is expect, (width, fetched)
            assert "gm-chart-narrow\"><svg" not in page.content(), "the phone drawing is not in the page itself"
        finally:
            ctx.close()


def _check_drawings(page) -> list:
    problems = []
    for c in page.evaluate(VISIBLE):
        if c["visible"] != 1 or c["marks"] == 0 or c["role"] != "img" or not c["label"]:
            problems.append(f"{c['chart']}: {c['visible']} visible drawing(s), {c['marks']} marks, label {c['label']!r}")
        if len(c["description"]) < 20:
            problems.append(f"{c['chart']}: no text description")
        if c["cut"] or c["too_wide"]:
            problems.append(f"{c['chart']}: cut off: {c['cut']} (too wide: {c['too_wide']})")
    return problems


@pytest.mark.parametrize("width", [390, 1280])
@pytest.mark.parametrize("path", CHART_PAGES)
def test_charts_are_drawn_and_described_without_javascript(browser, server, path, width):
    """What a reader without JavaScript, a printer or a feed reader gets: the SVG."""
    ctx = browser.new_context(viewport={"width": width, "height": 900}, java_script_enabled=False)
    try:
        page = ctx.new_page()
        page.goto(f"{server}/{path}")
        assert page.locator(".gm-chart").count() > 0
        assert _check_drawings(page) == []
    finally:
        ctx.close()


@pytest.mark.parametrize("path", [p for p in CHART_PAGES if "data-gm-chart=" in (SITE / p).read_text("utf-8")])
def test_vega_loads_only_when_a_reader_asks(page_at, path):
    page = page_at(path)
    requested = []
    page.on("request", lambda r: requested.append(r.url))
    page.wait_for_timeout(300)
    assert not [u for u in requested if "vega" in u], "Vega loaded before anyone asked"
    assert _check_drawings(page) == []           # with JavaScript on, before interaction
    chart = page.locator(".gm-chart[data-gm-chart]").first
    button = page.locator(f".gm-chart-explore[data-for='{chart.get_attribute('id')}']")
    assert button.is_visible()
    button.click()
    page.wait_for_function("id => document.getElementById(id).getAttribute('data-gm-drawn') === 'true'",
                           arg=chart.get_attribute("id"), timeout=15000)
    assert [u for u in requested if "vega" in u], "Vega was not loaded on request"
    assert chart.locator('.gm-chart-live svg g[class^="mark-"] > *').count() > 0
    assert chart.locator(".gm-chart-live svg").get_attribute("aria-label")
    assert not chart.locator(".gm-chart-svg").first.is_visible()     # the live chart replaced it
    assert page.offsite == [] and page.errors == []


def test_chart_specs_leave_the_page_for_files_of_their_own():
    """An interactive chart's spec (its data included) is not in the page: the page has the
    SVG, and a small file under _static/chart-specs/ that loads only on request."""
    import re

    found = 0
    for path in CHART_PAGES:
        html = (SITE / path).read_text("utf-8")
        for m in re.finditer(r'<script type="application/json" id="gm-chart-[^"]+-spec"([^>]*)>(.*?)</script>', html, re.S):
            attrs, payload = m.groups()
            assert payload == "", f"{path}: a chart spec is still embedded"
            src = re.search(r'data-gm-src="([^"]+)"', attrs).group(1)
            assert (SITE / path).parent.joinpath(src).resolve().is_file(), f"{path}: {src} missing"
            found += 1
    assert found >= 10
