"""Tables in notebooks, the book and its PDFs show whole cells (issue 25 M5): pandas cuts
text at 50 characters by default ("The statement presents migration, or its manag…")."""

from __future__ import annotations

import json
import re
import subprocess
import sys

import pytest

from conftest import ROOT

NOTEBOOKS = sorted(p for folder in ("chapters", "exercises") for p in (ROOT / folder).rglob("*.ipynb")
                   if ".ipynb_checkpoints" not in p.parts)


def test_importing_govmig_shows_whole_cells():
    code = ("import govmig.data, pandas as pd; "
            "print(pd.get_option('display.max_colwidth')); "
            "print(pd.DataFrame({'d': ['x' * 80]}).to_html())")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True, cwd=ROOT).stdout
    assert out.splitlines()[0] == "None"
    assert "x" * 80 in out and "..." not in out and "…" not in out


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.relative_to(ROOT).as_posix())
def test_no_stored_table_cell_is_cut(path):
    """Stored outputs (what JupyterLab shows and nbval compares) hold no cell cut at 50."""
    cut = []
    for cell in json.loads(path.read_text("utf-8"))["cells"]:
        for out in cell.get("outputs", []):
            html = "".join(out.get("data", {}).get("text/html", ""))
            cut += [c for c in re.findall(r"<td>([^<]*)</td>", html) if 45 <= len(c) <= 50 and c.endswith("...")]
    assert cut == [], f"{len(cut)} cut cell(s), e.g. {cut[0]!r}: re-run the notebook"
