"""Shared code of the Governing Migration book: data loading, chart theme, exercises."""

from __future__ import annotations

import os

__version__ = "0.1.0"

#: Set by the book's Sphinx extension for the kernels it starts, so outputs are
#: rendered for a page with no kernel (static HTML) instead of live widgets.
RENDER_ENV = "GOVMIG_RENDER"


def render_mode() -> str:
    """'static' inside a book build, 'live' in Jupyter."""
    return "static" if os.environ.get(RENDER_ENV) == "static" else "live"

#: "student" (default, the public book) or "instructor" (solutions, teaching notes,
#: seminar plans). Set by `scripts/build.sh --instructor`; kernels inherit it.
EDITION_ENV = "GOVMIG_EDITION"


def edition() -> str:
    return "instructor" if os.environ.get(EDITION_ENV) == "instructor" else "student"


def _display_options() -> None:
    """Tables show every character of a cell (pandas cuts text at 50 by default, with "…"):
    a codebook's definitions, a source's title. Every notebook imports govmig, so every
    table in JupyterLab, the book and its PDFs gets this (issue 25 M5)."""
    try:
        import pandas
    except ImportError:   # pragma: no cover (pandas is a dependency)
        return
    pandas.set_option("display.max_colwidth", None)


_display_options()
