"""Site assets: JavaScript vendored from node_modules into _static/vendor/, and the
theme's scripts and styles pruned per page to what the page uses (issue 19)."""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from typing import Any

from sphinx.application import Sphinx
from sphinx.errors import ExtensionError
from sphinx.util import logging

logger = logging.getLogger(__name__)

# npm path -> path under _static/vendor/ (files, or folders copied whole)
VENDOR = {
    "vega/build/vega.min.js": "vega.min.js",
    "vega-lite/build/vega-lite.min.js": "vega-lite.min.js",
    "vega-embed/build/vega-embed.min.js": "vega-embed.min.js",
    "requirejs/require.js": "require.js",
    "@jupyter-widgets/html-manager/dist": "html-manager",
    "mathjax/es5": "mathjax",
}
LICENCES = ["vega", "vega-lite", "vega-embed", "requirejs", "@jupyter-widgets/html-manager", "mathjax"]
# Charts are SVG in the page; this small script loads Vega (from _static/vendor/) only
# when a reader asks for an interactive chart.
CHART_JS = "govmig-charts.js"


def _node_modules(app: Sphinx) -> Path:
    return Path(app.config.govmig_node_modules or Path(app.srcdir) / "node_modules")


def _is_thebe(script: Any) -> bool:
    body = getattr(script, "attributes", {}).get("body", "") or ""
    return "sphinx-thebe" in str(getattr(script, "filename", script) or "") or "THEBE_JS_URL" in body


def _is_mathjax(script: Any) -> bool:
    body = getattr(script, "attributes", {}).get("body", "") or ""
    return "mathjax" in str(getattr(script, "filename", script) or "").lower() or "MathJax" in body


# Theme and extension assets, and what a page's body must contain to need them (issue 19:
# nothing render-blocking that the page does not need). Sizes measured in December 2026.
NEEDS = {
    "sphinx-thebe.css": None,                      # 2 KB; no live code in this book
    "design-tabs.js": "sd-",                       # 7 KB; sphinx-design tabs
    "sphinx-design.min.css": "sd-",                # 55 KB
    "clipboard.min.js": 'class="highlight',       # 9 KB; copy buttons on code blocks
    "copybutton.js": 'class="highlight',          # 8 KB
    "copybutton.css": 'class="highlight',
    "pygments.css": 'class="highlight',           # 13 KB; code colours
    "togglebutton.js": ("toggle", "dropdown"),     # 10 KB; {toggle} and dropdown admonitions
    "togglebutton.css": ("toggle", "dropdown"),
    "mystnb.": ("cell", "output", "pasted"),       # 43 KB; notebook cells and glued values
}
# Scripts that wait for the DOM anyway: loaded with `defer`, so they never block rendering.
DEFER = ("doctools.js", "sphinx_highlight.js", "clipboard.min.js", "copybutton.js",
         "sphinx-book-theme.js", "togglebutton.js", "design-tabs.js", "govmig-exercises.js")
# Sphinx's doctools.js and sphinx_highlight.js (10 KB) only highlight the search words on
# a page opened from the search results (?highlight=...): loaded then, not on every visit.
ON_SEARCH_HIT = ("doctools.js", "sphinx_highlight.js")
SEARCH_HIT_LOADER = """if (/[?&]highlight=/.test(location.search)) { %s.forEach(function (src) {
  var s = document.createElement("script"); s.src = src; s.async = false; document.head.appendChild(s); }); }"""
TOGGLE_CONFIG = ("toggleHint", "toggleOpenOnPrint", "togglebuttonSelector")


def _asset_needed(name: str, body: str) -> bool:
    for key, needs in NEEDS.items():
        if key in name:
            if needs is None:
                return False
            return any(n in body for n in ((needs,) if isinstance(needs, str) else needs))
    return True


def _prune_assets(context: dict, body: str, pagename: str = "") -> None:
    """Drop the theme's scripts and styles a page does not use; defer the rest (not on
    the search page, whose inline search scripts need doctools.js at once)."""
    from sphinx.builders.html._assets import _JavaScript

    if "css_files" in context:
        context["css_files"][:] = [c for c in context["css_files"]
                                   if _asset_needed(str(getattr(c, "filename", c) or ""), body)]
    if "script_files" not in context:
        return
    keep, toggles = [], _asset_needed("togglebutton.js", body)
    on_demand = []
    for script in context["script_files"]:
        name = str(getattr(script, "filename", script) or "")
        if pagename != "search" and name.split("?")[0].endswith(ON_SEARCH_HIT):
            on_demand.append(name.split("?")[0])   # loaded by the inline loader below
            continue
        inline = getattr(script, "attributes", {}).get("body", "") or ""
        if not _asset_needed(name, body) or (not toggles and any(t in inline for t in TOGGLE_CONFIG)):
            continue
        if pagename != "search" and name and name.split("?")[0].endswith(DEFER) and isinstance(script, _JavaScript) \
                and "defer" not in script.attributes and "async" not in script.attributes:
            script = _JavaScript(script.filename, priority=script.priority, **{**script.attributes, "defer": "defer"})
        keep.append(script)
    if on_demand and "pathto" in context:
        urls = json.dumps([context["pathto"](name, 1) for name in on_demand])
        keep.append(_JavaScript(None, priority=800, body=SEARCH_HIT_LOADER % urls))
    context["script_files"][:] = keep


def _copy_if_changed(src: Path, dst: Path) -> None:
    if dst.exists() and dst.stat().st_size == src.stat().st_size and dst.stat().st_mtime >= src.stat().st_mtime:
        return
    dst.parent.mkdir(parents=True, exist_ok=True)
    shutil.copy2(src, dst)


def copy_vendor(app: Sphinx) -> None:
    """Copy the vendored JavaScript and its licences into _static/vendor/."""
    modules, vendor = _node_modules(app), Path(app.outdir) / "_static" / "vendor"
    for src, dst in VENDOR.items():
        source = modules / src
        files = [source] if source.is_file() else [p for p in source.rglob("*") if p.is_file() and not p.name.endswith(".map")]
        for path in files:
            rel = "" if source.is_file() else path.relative_to(source).as_posix()
            _copy_if_changed(path, vendor / dst / rel if rel else vendor / dst)
    for pkg in LICENCES:
        for name in ("LICENSE", "LICENSE.txt", "LICENSE.md"):
            if (modules / pkg / name).is_file():
                _copy_if_changed(modules / pkg / name, vendor / "licenses" / f"{pkg.replace('/', '_')}-{name}")


def _trim(app: Sphinx, exception: Exception | None) -> None:
    """Trim the theme's style sheets and icon font to what this site uses (govmig.slim).
    Runs last, after every extension has copied its files."""
    if exception is not None or app.builder.format != "html":
        return
    from ..slim import TrimError, trim_site

    try:
        sizes = trim_site(Path(app.outdir), _node_modules(app))
    except TrimError as err:
        raise ExtensionError(str(err)) from err
    if sizes:
        before, after = (sum(s[i] for s in sizes.values()) // 1024 for i in (0, 1))
        logger.info(f"[govmig] theme style sheets and icon font trimmed: {before} KB -> {after} KB")
