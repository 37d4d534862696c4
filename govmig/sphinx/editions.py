"""The student edition keeps no instructor block, in its pages or its sources."""

from __future__ import annotations

import json
import re
from pathlib import Path

from sphinx.application import Sphinx


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
