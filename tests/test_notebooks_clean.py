"""Committed notebooks carry what a re-run reproduces, nothing that changes every time:
no per-cell execution timestamps and no widget views with random model ids (issue 12,
reproducibility). scripts/run-notebooks.py strips both."""

from __future__ import annotations

import json

import pytest

from conftest import ROOT

NOTEBOOKS = sorted(p for folder in ("chapters", "exercises") for p in (ROOT / folder).rglob("*.ipynb")
                   if ".ipynb_checkpoints" not in p.parts)


def test_notebooks_were_found():
    assert len(NOTEBOOKS) >= 19


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.relative_to(ROOT).as_posix())
def test_no_timestamps_or_widget_ids_are_stored(path):
    nb = json.loads(path.read_text("utf-8"))
    stamped = [i for i, c in enumerate(nb["cells"]) if "execution" in c.get("metadata", {})]
    widgets = [i for i, c in enumerate(nb["cells"]) for o in c.get("outputs", [])
               if "application/vnd.jupyter.widget-view+json" in o.get("data", {})]
    assert not stamped, f"cells {stamped[:5]} carry execution timestamps: re-run with scripts/run-notebooks.py"
    assert not widgets, f"cells {widgets[:5]} store widget views (random model ids)"
    assert "widgets" not in nb.get("metadata", {})
