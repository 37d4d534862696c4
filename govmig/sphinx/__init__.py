"""Sphinx extension of the book (listed under `sphinx.extra_extensions` in _config.yml).

- Kernels started by the build render outputs for a page with no kernel
  (`GOVMIG_RENDER=static`): exercises as static HTML, charts as SVG drawn at build time.
- JavaScript the site needs (Vega, Vega-Lite, vega-embed, require.js, the widget
  manager, MathJax) is copied at build time from `node_modules/` (installed by
  `npm ci` from package-lock.json) into `_static/vendor/`: nothing is loaded
  from outside the site, and no minified copy is committed.
- Scripts are added only to the pages that use them (charts, exercises).

One module per concern; `setup()` below is the only place that wires them:

- `config`: the edition, launch buttons, static files, vendored JavaScript present;
- `assets`: vendored JavaScript copied, per-page pruning of theme assets, trimming;
- `pages`: rewrites of each page's HTML;
- `dates`: "Last updated" from git;
- `cache`: the execution cache follows the package;
- `editions`: instructor blocks stripped from the student edition;
- `notebooks`: exercise cells show the exercise, not the code;
- `numbering`: sub-page numbering;
- `components`: the textbook's boxes and the {exercise} role;
- `citations`: one author-date citation style, one visible label per work.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from sphinx.application import Sphinx

from .. import __version__, buildspeed, edition, searchindex
from . import citations, components
from .assets import *  # noqa: F401,F403  (names kept importable from govmig.sphinx)
from .assets import _asset_needed, _copy_if_changed, _is_mathjax, _is_thebe, _node_modules, _prune_assets, _trim, copy_vendor  # noqa: F401
from .cache import _fingerprint, _refresh_execution_cache  # noqa: F401
from .config import _launch_buttons, _on_config  # noqa: F401
from .dates import _commit_date, _last_updated  # noqa: F401
from .editions import ONLY_INSTRUCTOR, _strip_sources, strip_instructor_blocks  # noqa: F401
from .notebooks import EXERCISE_CALL, _hide_exercise_source  # noqa: F401
from .numbering import _renumber_sub_pages, _wrap_section_numbering  # noqa: F401
from .pages import *  # noqa: F401,F403
from .pages import _describe, _externalise_phone_drawings, _externalise_specs, _name_sidebar_toggles, _on_page, _write_index_redirect  # noqa: F401


def _on_finished(app: Sphinx, exception: Exception | None) -> None:
    if exception is not None or app.builder.format != "html":
        return
    if edition() == "student":
        _strip_sources(app)
    _write_index_redirect(app)
    copy_vendor(app)


def setup(app: Sphinx) -> dict[str, Any]:
    buildspeed.connect(app)   # notebooks side by side, pages written in parallel
    searchindex.connect(app)  # glossary terms stay in the search index on rebuilds
    citations.setup(app)      # one author-date style, one label per work
    components.setup(app)     # case, objectives, "How we know" boxes, {exercise} links
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
