"""Numbers in prose come from the data: ``glue("n_members", n)`` in a code cell, then
``{glue:text}`n_members``` in a Markdown cell (REVISION-GUIDE, section 4).

The same output format as ``myst_nb.glue`` (which the book build reads), without
importing myst-nb, so that the student environment need not carry Sphinx.
"""

from __future__ import annotations

from typing import Any

GLUE_PREFIX = "application/papermill.record/"


def glue(name: str, variable: Any, display: bool = True) -> None:
    """Store `variable`'s displayed value under `name` for the book's {glue} roles."""
    import IPython
    from IPython.display import display as ipy_display

    mimebundle, metadata = IPython.core.formatters.format_display_data(variable)
    prefix = "" if display else GLUE_PREFIX
    metadata["scrapbook"] = {"name": name, "mime_prefix": prefix}
    ipy_display({prefix + k: v for k, v in mimebundle.items()}, raw=True, metadata=metadata)
