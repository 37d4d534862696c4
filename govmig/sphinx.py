"""Sphinx extension of the book (listed under `sphinx.extra_extensions` in _config.yml).

- Kernels started by the build render outputs for a page with no kernel
  (`GOVMIG_RENDER=static`): exercises as static HTML, charts as SVG drawn at build time.
- JavaScript the site needs (Vega, Vega-Lite, vega-embed, require.js, the widget
  manager, MathJax) is copied at build time from `node_modules/` (installed by
  `npm ci` from package-lock.json) into `_static/vendor/`: nothing is loaded
  from outside the site, and no minified copy is committed.
- Scripts are added only to the pages that use them (charts, exercises).
"""

from __future__ import annotations

import hashlib
from html import escape
import json
import os
import re
import shutil
import subprocess
from datetime import datetime, timezone
from functools import lru_cache
from importlib import resources
from pathlib import Path
from typing import Any

from sphinx.application import Sphinx
from sphinx.util import logging

logger = logging.getLogger(__name__)
from sphinx.errors import ExtensionError

from . import RENDER_ENV, __version__, buildspeed, edition, searchindex

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


def _launch_buttons(config: Any) -> None:
    """One setting, `repository.url` in _config.yml, turns the repository and launch
    buttons on; left empty, the book builds without them (the theme would crash)."""
    opts = dict(config.html_theme_options)
    if opts.get("repository_url"):
        opts["use_repository_button"] = True
    else:
        opts["launch_buttons"] = {}
        opts["use_repository_button"] = False
    config.html_theme_options = opts


def _on_config(app: Sphinx, config: Any) -> None:
    os.environ[RENDER_ENV] = "static"
    config.govmig_fingerprint = _fingerprint()
    _refresh_execution_cache(app, config.govmig_fingerprint)
    # The edition (GOVMIG_EDITION) is a Sphinx tag, for {only} instructor blocks, and a
    # config value, so that switching editions rewrites every page.
    config.govmig_edition = edition()
    app.tags.add(edition())
    if edition() == "instructor":
        config.html_title = f"{config.html_title or config.project} (instructor edition)"
    else:  # the instructor pages are not part of the student edition at all
        config.exclude_patterns = list(config.exclude_patterns) + ["instructor/*"]
    _launch_buttons(config)
    # pydata-sphinx-theme 0.17 adds a persistent search field to a top header unless
    # navbar_persistent is set by the user; sphinx-book-theme's own empty default is not
    # seen, so wide pages got a second header bar with a duplicate search button.
    config.html_theme_options.setdefault("navbar_persistent", [])
    static = str(resources.files("govmig").joinpath("static"))
    if not config.html_favicon:   # without one, every page's first visit logs a 404 for /favicon.ico
        config.html_favicon = str(Path(static) / "favicon.svg")
    config.html_static_path = list(config.html_static_path) + [static]
    config.templates_path = [str(resources.files("govmig").joinpath("templates"))] + list(config.templates_path)
    # MathJax 3 from the site's own copy (Sphinx adds it only to pages with math).
    config.mathjax_path = "vendor/mathjax/tex-chtml.js"
    missing = [src for src in VENDOR if not (_node_modules(app) / src).exists()]
    if missing:
        raise ExtensionError(f"JavaScript packages missing in {_node_modules(app)}: {', '.join(missing)}. "
                             "Run `npm ci` in the book folder (scripts/build.sh does).")


def _is_thebe(script: Any) -> bool:
    body = getattr(script, "attributes", {}).get("body", "") or ""
    return "sphinx-thebe" in str(getattr(script, "filename", script) or "") or "THEBE_JS_URL" in body


def _is_mathjax(script: Any) -> bool:
    body = getattr(script, "attributes", {}).get("body", "") or ""
    return "mathjax" in str(getattr(script, "filename", script) or "").lower() or "MathJax" in body


@lru_cache(maxsize=None)
def _commit_date(srcdir: str, source: str) -> str | None:
    """Date of the last commit that touched `source` (None outside git or if uncommitted)."""
    try:
        out = subprocess.run(["git", "-C", srcdir, "log", "-1", "--format=%ct", "--", source],
                             capture_output=True, text=True, timeout=30)
    except (OSError, subprocess.SubprocessError):
        return None
    if out.returncode != 0 or not out.stdout.strip():
        return None
    return datetime.fromtimestamp(int(out.stdout.strip()), timezone.utc).strftime("%d %B %Y").lstrip("0")


def _last_updated(app: Sphinx, pagename: str) -> str | None:
    """"Last updated" is the page's last commit date, never the build day (issue 12: two
    builds of one commit give the same HTML); pages outside git carry no date."""
    if pagename not in app.env.all_docs:
        return None
    return _commit_date(str(app.srcdir), str(app.env.doc2path(pagename)))


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


def _on_finished(app: Sphinx, exception: Exception | None) -> None:
    if exception is not None or app.builder.format != "html":
        return
    if edition() == "student":
        _strip_sources(app)
    _write_index_redirect(app)
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
    from .slim import TrimError, trim_site

    try:
        sizes = trim_site(Path(app.outdir), _node_modules(app))
    except TrimError as err:
        raise ExtensionError(str(err)) from err
    if sizes:
        before, after = (sum(s[i] for s in sizes.values()) // 1024 for i in (0, 1))
        logger.info(f"[govmig] theme style sheets and icon font trimmed: {before} KB -> {after} KB")


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


def _refresh_execution_cache(app: Sphinx, fingerprint: str) -> None:
    """Notebooks import this package, but myst-nb's cache is keyed on their code cells
    only: when the package changes, drop the cache so that every notebook runs again."""
    build = Path(app.outdir).parent
    cache, stamp = build / ".jupyter_cache", build / ".govmig-fingerprint"
    old = stamp.read_text("utf-8") if stamp.is_file() else None
    if old != fingerprint:
        if cache.is_dir():
            logger.info("govmig changed since the last build: notebooks will run again")
            shutil.rmtree(cache)
        build.mkdir(parents=True, exist_ok=True)
        stamp.write_text(fingerprint, "utf-8")


def _fingerprint() -> str:
    """Version plus a hash of this package's code and assets. It is kept in the config
    value `govmig_fingerprint` (rebuild "env"): when the package changes, Sphinx re-reads
    every document, so notebooks run again with it (with "html" it only rewrote pages from
    their old doctrees, and charts kept the outputs of the previous package)."""
    digest = hashlib.sha256()
    package = Path(__file__).parent
    for path in sorted(package.rglob("*")):
        if path.suffix in (".py", ".js", ".css", ".html", ".json") and "__pycache__" not in path.parts:
            digest.update(path.relative_to(package).as_posix().encode() + path.read_bytes())
    return f"{__version__}+{digest.hexdigest()[:10]}"


ONLY_INSTRUCTOR = re.compile(r"^(?P<fence>`{3,}|:{3,})\{only\}[ \t]*instructor[^\n]*\n.*?^(?P=fence)[ \t]*\n?",
                             re.M | re.S)


def strip_instructor_blocks(text: str) -> str:
    """Remove ```{only} instructor``` blocks from a MyST source."""
    return ONLY_INSTRUCTOR.sub("", text)


def _strip_sources(app: Sphinx) -> None:
    """The student edition's downloadable sources (_sources/) keep no instructor block."""
    for path in (Path(app.outdir) / "_sources").rglob("*"):
        if path.suffix == ".ipynb":
            nb = json.loads(path.read_text("utf-8"))
            for cell in nb.get("cells", []):
                if cell.get("cell_type") == "markdown":
                    source = "".join(cell["source"]) if isinstance(cell["source"], list) else cell["source"]
                    cell["source"] = strip_instructor_blocks(source)
            path.write_text(json.dumps(nb, indent=1, ensure_ascii=False), "utf-8")
        elif path.is_file() and path.suffix in (".md", ".txt"):
            path.write_text(strip_instructor_blocks(path.read_text("utf-8")), "utf-8")


EXERCISE_CALL = re.compile(r"""\s*exercises\[\s*(["'])[^"'\n]+\1\s*\]\s*;?\s*""")


def _hide_exercise_source(app: Sphinx, doctree: Any) -> None:
    """A code cell that only shows an exercise (`exercises["id"]`) shows the exercise, not
    the code, in the book (the source stays in the notebook for JupyterLab)."""
    from docutils import nodes

    for cell in list(doctree.findall(nodes.container)):
        if cell.get("nb_element") != "cell_code":
            continue
        for part in list(cell.children):
            if isinstance(part, nodes.container) and part.get("nb_element") == "cell_code_source" \
                    and EXERCISE_CALL.fullmatch(part.astext()):
                cell.remove(part)
                if cell.get("hide_mode") == "input":
                    del cell["hide_mode"]


def _renumber_sub_pages(env: Any) -> list[str]:
    """Number a chapter's sub-pages by their position in it (1.1, 1.2, ...), not after the
    chapter page's own sections (1.17, 1.18, ...); the chapter page's own sections are then
    unnumbered. Figures stay numbered by chapter. Same rule in both editions."""
    from docutils import nodes
    from sphinx import addnodes

    numbers = env.toc_secnumbers
    changed = set()
    for doc in list(numbers):
        top = numbers[doc].get("")
        toc = env.tocs.get(doc)
        if not top or len(top) != 1 or toc is None:
            continue
        subs = [ref for tree in toc.findall(addnodes.toctree) for _title, ref in tree["entries"]
                if ref in numbers and numbers[ref].get("")]
        if not subs:
            continue
        for anchor in [a for a in numbers[doc] if a]:      # the chapter page's own sections
            del numbers[doc][anchor]
        for ref in toc.findall(nodes.reference):
            if ref.get("anchorname"):
                ref["secnumber"] = None
        changed.add(doc)
        for position, sub in enumerate(subs, start=1):
            old = numbers[sub][""]
            new = {a: top + (position,) + n[len(old):] if n else n for a, n in numbers[sub].items()}
            numbers[sub] = new
            for ref in env.tocs[sub].findall(nodes.reference):
                if ref.get("anchorname") in new:
                    ref["secnumber"] = list(new[ref["anchorname"]] or []) or None
            if sub in env.titles:
                env.titles[sub]["secnumber"] = list(new[""])
            changed.add(sub)
    return sorted(changed)


def _wrap_section_numbering(app: Sphinx) -> None:
    from sphinx.environment.collectors.toctree import TocTreeCollector

    original = TocTreeCollector.assign_section_numbers
    if getattr(original, "govmig", False):
        return

    def assign_section_numbers(self, env):
        before = {doc: dict(n) for doc, n in env.toc_secnumbers.items()}
        original(self, env)
        _renumber_sub_pages(env)
        return [doc for doc in env.toc_secnumbers.keys() | before.keys()
                if env.toc_secnumbers.get(doc) != before.get(doc)]
    assign_section_numbers.govmig = True
    TocTreeCollector.assign_section_numbers = assign_section_numbers


def setup(app: Sphinx) -> dict[str, Any]:
    buildspeed.connect(app)   # notebooks side by side, pages written in parallel
    searchindex.connect(app)  # glossary terms stay in the search index on rebuilds
    app.connect("builder-inited", _wrap_section_numbering)
    app.connect("doctree-read", _hide_exercise_source)
    app.add_config_value("govmig_node_modules", "", "env")
    app.add_config_value("govmig_fingerprint", "", "env")   # re-read (and re-run) every page
    app.add_config_value("govmig_edition", "student", "env")
    app.connect("config-inited", _on_config)
    app.connect("html-page-context", _on_page, priority=900)
    app.connect("build-finished", _on_finished)
    app.connect("build-finished", _trim, priority=900)
    app.add_css_file("govmig.css")
    return {"version": __version__, "parallel_read_safe": True, "parallel_write_safe": True}
