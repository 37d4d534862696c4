"""Notebook doctrees: a cell that only shows an exercise shows the exercise, not its code."""

from __future__ import annotations

import re
from typing import Any

from sphinx.application import Sphinx


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
