"""config-inited: the edition, the launch buttons, the package's static files and
templates, and the checks that the vendored JavaScript is installed."""

from __future__ import annotations

import os
from importlib import resources
from pathlib import Path
from typing import Any

from sphinx.application import Sphinx
from sphinx.errors import ExtensionError

from .. import RENDER_ENV, edition
from .assets import VENDOR, _node_modules
from .cache import _fingerprint, _refresh_execution_cache


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
