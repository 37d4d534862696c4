"""The theme's style sheets and icon font, trimmed to what the site uses (govmig.slim, issue 19)."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest

import pydata_sphinx_theme
from govmig import slim

ROOT = Path(__file__).resolve().parent.parent
NODE_MODULES = ROOT / "node_modules"
THEME_STATIC = Path(pydata_sphinx_theme.__file__).parent / "theme" / "pydata_sphinx_theme" / "static"
CLASSES = re.compile(r'class="([^"]*)"')


def _cmap(font: Path) -> set[int]:
    from fontTools.ttLib import TTFont

    return set(TTFont(str(font)).getBestCmap())


def _glyph_rules(css: str) -> dict[str, int]:
    """{icon class: code point} from rules like `.fa-bars:before,.fa-navicon:before{content:"\\f0c9"}`."""
    rules = {}
    for selectors, code in re.findall(r'([^{}]+)\{content:"\\(f[0-9a-f]{3})"\}', css):
        for selector in selectors.split(","):
            if m := re.fullmatch(r"\s*\.(fa-[a-z0-9-]+):(?::)?before\s*", selector):
                rules[m.group(1)] = int(code, 16)
    return rules


@pytest.fixture
def tiny_site(tmp_path: Path) -> Path:
    site = tmp_path / "html"
    (site / "_static" / "scripts").mkdir(parents=True)
    (site / "page.html").write_text('<html><body><p class="used">x</p></body></html>', "utf-8")
    (site / "_static" / "scripts" / "theme.js").write_text('el.classList.add("opened-by-script")', "utf-8")
    (site / "_static" / "basic.css").write_text(
        ".used{color:red}\n.unused{color:blue}\n.opened-by-script{display:block}\n"
        "html[data-theme=dark] .used{color:white}\n"
        "@media print{.used{color:black}.unused-in-print{color:gray}}\n", "utf-8")
    return site


def test_rules_no_page_uses_are_removed_and_the_rest_kept(tiny_site):
    sizes = slim.trim_css(tiny_site, NODE_MODULES)
    css = (tiny_site / "_static" / "basic.css").read_text("utf-8")
    assert set(sizes) == {"basic.css"} and sizes["basic.css"][1] < sizes["basic.css"][0] + len(slim.MARK)
    assert ".unused{" not in css and ".unused-in-print" not in css
    assert ".used{color:red}" in css
    assert ".opened-by-script" in css, "a class a script adds is kept"
    assert "html[data-theme=dark] .used" in css, "the dark theme is kept although no page carries data-theme"
    assert "@media print" in css and ".used{color:black}" in css


def test_a_trimmed_sheet_is_not_trimmed_twice(tiny_site):
    slim.trim_css(tiny_site, NODE_MODULES)
    once = (tiny_site / "_static" / "basic.css").read_text("utf-8")
    assert slim.trim_css(tiny_site, NODE_MODULES) == {}
    assert (tiny_site / "_static" / "basic.css").read_text("utf-8") == once


def test_a_variable_one_sheet_sets_and_another_uses_is_kept(tiny_site):
    """sphinx-book-theme sets the theme's colour variables that pydata-sphinx-theme's sheet
    uses; PurgeCSS drops variables it sees no use of, so the sheets are trimmed together
    (trimmed apart, the book theme's colours were lost)."""
    styles = tiny_site / "_static" / "styles"
    styles.mkdir()
    (styles / "pydata-sphinx-theme.css").write_text(   # the largest sheet, as it is in the book
        ".used{color:var(--pst-color-secondary)}\n" + ".unused-theme{margin:1px}\n" * 50, "utf-8")
    (styles / "sphinx-book-theme.css").write_text(
        "html{--pst-color-secondary:#e89217;--nobody-uses-this:1px}\n.unused-book{padding:1px}\n", "utf-8")
    sizes = slim.trim_css(tiny_site, NODE_MODULES)
    assert {"styles/pydata-sphinx-theme.css", "styles/sphinx-book-theme.css"} <= set(sizes)
    book = (styles / "sphinx-book-theme.css").read_text("utf-8")
    assert "--pst-color-secondary:#e89217" in book
    assert "--nobody-uses-this" not in book and "unused-book" not in book


def test_a_failing_purgecss_is_a_clear_error(tiny_site, tmp_path):
    tool = tmp_path / "node_modules" / ".bin" / "purgecss"
    tool.parent.mkdir(parents=True)
    tool.write_text("#!/bin/sh\necho 'cannot parse the style sheet' >&2\nexit 3\n")
    tool.chmod(0o755)
    with pytest.raises(slim.TrimError, match="purgecss failed: cannot parse the style sheet"):
        slim.trim_css(tiny_site, tmp_path / "node_modules")


def test_missing_purgecss_is_a_clear_error(tiny_site, tmp_path):
    with pytest.raises(slim.TrimError, match="npm ci"):
        slim.trim_css(tiny_site, tmp_path / "no-node-modules")


def _font_site(tmp_path, css: str):
    """A built site's static folder with the theme's solid icon font and a style sheet."""
    static = tmp_path / "html" / "_static"
    fonts = static / slim.FONTS
    fonts.mkdir(parents=True)
    (static / "styles").mkdir()
    shutil.copy(THEME_STATIC / "vendor" / "fontawesome" / "webfonts" / "fa-solid-900.woff2", fonts)
    (static / "styles" / "pydata-sphinx-theme.css").write_text(css, "utf-8")
    return fonts


def test_the_icon_font_keeps_exactly_the_glyphs_the_sheet_draws(tmp_path):
    fonts = _font_site(tmp_path, '.fa-sun:before{content:"\\f185"}.fa-moon:before{content:"\\f186"}')
    before = (fonts / "fa-solid-900.woff2").stat().st_size
    slim.trim_fonts(tmp_path / "html")
    font = fonts / "fa-solid-900.woff2"
    assert _cmap(font) == {0xF185, 0xF186}
    assert font.stat().st_size < before / 20
    assert font.stat().st_mode & 0o777 == 0o644, "readable by a web server, as Sphinx copied it"


def test_admonition_icons_drawn_through_the_themes_variables_keep_their_glyphs(tmp_path):
    """Issue 25 M4: the theme's admonitions draw var(--pst-icon-admonition-note), set to
    var(--pst-icon-info-circle), set to the glyph itself (U+F05A) or an escape."""
    fonts = _font_site(tmp_path,
        ':root{--pst-icon-info-circle:"\uf05a";--pst-icon-exclamation-triangle:"\\f071";'
        '--pst-icon-admonition-note:var(--pst-icon-info-circle)}'
        '.admonition>.admonition-title:after{content:var(--pst-icon-admonition-note)}')
    slim.trim_fonts(tmp_path / "html")
    assert {0xF05A, 0xF071} <= _cmap(fonts / "fa-solid-900.woff2")


def test_without_javascript_the_light_theme_applies():
    """Issue 25 L1: a page still "auto" (no script ran) gets the light theme's colours."""
    css = (THEME_STATIC / "styles" / "pydata-sphinx-theme.css").read_text("utf-8")
    added = slim.nojs_theme(css)
    assert added.count(slim.NOJS) == 3
    for variable in ("--pst-color-background:#fff", "--pst-color-link:var(--pst-color-primary)",
                     "--pst-color-text-base:#222832", "color-scheme:light"):
        assert variable in added


def test_the_built_site_is_trimmed(site):
    theme = site / "_static" / "styles" / "pydata-sphinx-theme.css"
    original = THEME_STATIC / "styles" / "pydata-sphinx-theme.css"
    assert theme.read_text("utf-8").startswith(slim.MARK)
    assert theme.stat().st_size < original.stat().st_size / 3
    solid = site / "_static" / slim.FONTS / "fa-solid-900.woff2"
    assert solid.stat().st_size < 10_000
    assert slim.NOJS in theme.read_text("utf-8")          # issue 25 L1


def test_every_icon_a_page_shows_keeps_its_rule_and_glyph(site):
    """A trimmed rule or glyph would show an empty box where a button's icon was."""
    original = (THEME_STATIC / "styles" / "pydata-sphinx-theme.css").read_text("utf-8")
    trimmed = (site / "_static" / "styles" / "pydata-sphinx-theme.css").read_text("utf-8")
    drawn, kept = _glyph_rules(original), _glyph_rules(trimmed)
    used = {name for page in site.rglob("*.html") if "_static" not in page.parts
            for classes in CLASSES.findall(page.read_text("utf-8")) for name in classes.split() if name in drawn}
    assert {"fa-magnifying-glass", "fa-bars", "fa-sun", "fa-moon"} <= used
    cmap = _cmap(site / "_static" / slim.FONTS / "fa-solid-900.woff2")
    for name in sorted(used):
        assert kept.get(name) == drawn[name], f"{name}: its rule was trimmed"
        assert drawn[name] in cmap, f"{name}: its glyph U+{drawn[name]:04X} was cut from the font"
