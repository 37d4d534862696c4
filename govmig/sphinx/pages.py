"""html-page-context: rewrites of each page's HTML (charts' specs and phone drawings
moved to files, invalid markup fixed, assets pruned, a meta description, named sidebar
toggles) and the index redirect."""

from __future__ import annotations

import hashlib
import json
import re
from html import escape
from importlib import resources
from pathlib import Path
from typing import Any

from sphinx.application import Sphinx

from .assets import CHART_JS, _is_mathjax, _is_thebe, _prune_assets
from .dates import _last_updated


def _on_page(app: Sphinx, pagename: str, templatename: str, context: dict, doctree: Any) -> None:
    context["last_updated"] = _last_updated(app, pagename)
    # The book has no live code (launch_buttons.thebe is false), but Jupyter Book always
    # loads sphinx-thebe, whose config script is emitted twice (a console SyntaxError)
    # and names an external host: drop its scripts.
    body = context.get("body", "")
    # myst-nb sets Sphinx's asset policy to "always", so MathJax (1.1 MB) would load on
    # every page: keep it only where the page has maths.
    needs_math = 'class="math' in body
    if "script_files" in context:  # filtered in place: later adds go to this same list
        context["script_files"][:] = [s for s in context["script_files"]
                                      if not _is_thebe(s) and (needs_math or not _is_mathjax(s))]
    if 'role="doc-biblioentry"' in body:
        # docutils puts doc-biblioentry items in a role="list": axe's aria-required-children.
        body = context["body"] = body.replace('role="doc-biblioentry"', 'role="listitem"')
    if '<summary aria-label="Toggle hidden content">' in body:
        # myst-nb's hide-input: the label hides the visible text ("Show code cell source")
        # from screen readers (axe's label-content-name-mismatch); let the text name it.
        body = context["body"] = body.replace('<summary aria-label="Toggle hidden content">', "<summary>")
    if '<p class="collapsed admonition-title">' in body:
        # myst-nb puts <p> in <summary> (invalid HTML, the Nu checker's error): spans, styled
        # as myst-nb styles the paragraphs (govmig.css).
        body = context["body"] = SUMMARY_P.sub(r'<span class="\1 admonition-title">\2</span>', body)
    if "data-gm-chart=" in body:
        app.add_js_file(CHART_JS, priority=150, loading_method="defer")
        body = context["body"] = _externalise_specs(app, context, body)
    if "gm-chart-narrow" in body:
        body = context["body"] = _externalise_phone_drawings(app, context, body)
    if "gm-exercise" in body or "gm-export" in body:
        messages = resources.files("govmig.exercises").joinpath("messages.json").read_text("utf-8")
        app.add_js_file(None, body=f"window.GOVMIG_MESSAGES = {json.dumps(json.loads(messages))};", priority=150)
        app.add_js_file("govmig-exercises.js", priority=151)
    if "<style scoped>" in body:
        # pandas puts <style scoped> in every table's output: invalid HTML in <body> (the Nu
        # checker's error); the same rules are in govmig.css.
        body = context["body"] = PANDAS_STYLE.sub("", body)
    _prune_assets(context, context.get("body", ""), pagename)
    _describe(context)
    _name_sidebar_toggles(context)


CHART_SPEC = re.compile(r'<script type="application/json" id="(gm-chart-[0-9a-f]{12}-\d+-spec)">(.*?)</script>', re.S)


def _externalise_specs(app: Sphinx, context: dict, body: str) -> str:
    """An interactive chart's spec (its data included) leaves the page for a small script
    file under _static/chart-specs/, named by its content, that govmig-charts.js loads
    only when a reader asks for the interactive chart: the page carries the SVG alone.
    A script file, not JSON, so that it also loads from a book opened as local files."""
    folder = Path(app.outdir) / "_static" / "chart-specs"

    def move(m: re.Match) -> str:
        element_id, payload = m.group(1), m.group(2)
        key = hashlib.sha256(payload.encode("utf-8")).hexdigest()[:16]
        path = folder / f"{key}.js"
        if not path.is_file():
            folder.mkdir(parents=True, exist_ok=True)
            path.write_text(f"(window.GOVMIG_SPECS = window.GOVMIG_SPECS || {{}})[{json.dumps(key)}] = {payload};\n",
                            "utf-8")
        src = context["pathto"](f"_static/chart-specs/{key}.js", 1)
        return (f'<script type="application/json" id="{element_id}" data-gm-spec="{key}" '
                f'data-gm-src="{escape(src, quote=True)}"></script>')

    return CHART_SPEC.sub(move, body)


PHONE_DRAWING = re.compile(r'<div class="gm-chart-svg gm-chart-narrow">(<svg\b[^>]*>.*?</svg>)</div>', re.S)
SVG_SIZE = re.compile(r'<svg\b[^>]*?\swidth="(\d+(?:\.\d+)?)"[^>]*?\sheight="(\d+(?:\.\d+)?)"')
SVG_LABEL = re.compile(r'<svg\b[^>]*?\saria-label="([^"]*)"')


def _externalise_phone_drawings(app: Sphinx, context: dict, body: str) -> str:
    """A chart too wide for a phone is drawn twice, for phones and for wider screens, and
    the page carried both. The phone drawing becomes a file of its own under
    _static/chart-svg/ (named by its content), shown by a lazy <img>: a phone loads the
    drawing it shows and nothing else, a laptop never loads it, and the page is about half
    as heavy. The wide drawing stays in the page (it is also what prints)."""
    folder = Path(app.outdir) / "_static" / "chart-svg"

    def move(m: re.Match) -> str:
        drawing = m.group(1)
        size, label = SVG_SIZE.match(drawing), SVG_LABEL.match(drawing)
        if size is None:
            return m.group(0)
        key = hashlib.sha256(drawing.encode("utf-8")).hexdigest()[:16]
        path = folder / f"{key}.svg"
        if not path.is_file():
            folder.mkdir(parents=True, exist_ok=True)
            path.write_text('<?xml version="1.0" encoding="utf-8"?>\n' + drawing + "\n", "utf-8")
        src = context["pathto"](f"_static/chart-svg/{key}.svg", 1)
        width, height = (round(float(v)) for v in size.groups())
        return (f'<div class="gm-chart-svg gm-chart-narrow"><img src="{escape(src, quote=True)}" '
                f'alt="{label.group(1) if label else "Chart"}" width="{width}" height="{height}" '
                f'loading="lazy" decoding="async"></div>')

    return PHONE_DRAWING.sub(move, body)


SUMMARY_P = re.compile(r'<p class="(collapsed|expanded) admonition-title">(.*?)</p>')
PANDAS_STYLE = re.compile(r"<style scoped>.*?</style>\s*", re.S)


FIRST_PARAGRAPH = re.compile(r"<p>(.*?)</p>", re.S)
TAG = re.compile(r"<[^>]+>")


def _describe(context: dict) -> None:
    """A <meta name="description"> for search engines and link previews: the page's first
    paragraph, shortened to about 160 characters (Lighthouse SEO's meta-description)."""
    if 'name="description"' in context.get("metatags", ""):
        return
    from html import escape, unescape

    text = ""
    for match in FIRST_PARAGRAPH.finditer(context.get("body", "")):
        text = " ".join(unescape(TAG.sub("", match.group(1))).split())
        if len(text) > 40:
            break
    if len(text) <= 40:
        text = f"{context.get('docstitle') or ''}: an open teaching book on how international migration is governed."
    if len(text) > 160:
        text = text[:157].rsplit(" ", 1)[0].rstrip(",;:") + "…"
    context["metatags"] = context.get("metatags", "") + f'\n<meta name="description" content="{escape(text, quote=True)}" />'


TOGGLE = '<summary><span class="toctree-toggle" role="presentation">'
TOGGLE_NAME = "Show or hide the sub-pages"


def _name_sidebar_toggles(context: dict) -> None:
    """The theme's sidebar opens a chapter's sub-pages with a <summary> holding only an
    icon: no accessible name (axe-core's summary-name at laptop width). Name it."""
    generate = context.get("generate_toctree_html")
    if generate is None or getattr(generate, "govmig", False):
        return

    def named(*args: Any, **kwargs: Any) -> Any:
        html = generate(*args, **kwargs)
        if isinstance(html, str):
            return type(html)(html.replace(TOGGLE, TOGGLE.replace("<summary>", f'<summary aria-label="{TOGGLE_NAME}">')))
        for summary in html.select("summary:has(> span.toctree-toggle)"):   # a BeautifulSoup tree
            summary["aria-label"] = TOGGLE_NAME
        return html
    named.govmig = True
    context["generate_toctree_html"] = named


def _write_index_redirect(app: Sphinx) -> None:
    """index.html sends readers to the root page. sphinx-external-toc writes a bare
    <meta> tag there (no doctype, no title: Nu checker errors); this is a valid page."""
    root = app.config.root_doc
    if root == "index":
        return
    title = app.config.html_title or app.config.project
    esc = lambda text: str(text).replace("&", "&amp;").replace("<", "&lt;").replace('"', "&quot;")  # noqa: E731
    (Path(app.outdir) / "index.html").write_text(
        '<!DOCTYPE html>\n<html lang="{lang}">\n<head>\n<meta charset="utf-8">\n'
        '<title>{title}</title>\n<meta http-equiv="refresh" content="0; url={root}.html">\n'
        '<link rel="canonical" href="{root}.html">\n</head>\n<body>\n'
        '<p><a href="{root}.html">{title}</a></p>\n</body>\n</html>\n'.format(
            lang=esc(app.config.language or "en"), title=esc(title), root=esc(root)), "utf-8")
