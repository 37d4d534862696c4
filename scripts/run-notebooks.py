"""Re-run notebooks top to bottom in fresh kernels and store their outputs.

    .venv/bin/python scripts/run-notebooks.py [NOTEBOOK ...]   (default: all in chapters/ and exercises/)

Outputs are what nbval compares, so run this after changing a notebook, its data or
the govmig package. Widget state is not stored: its model ids change on every run and
the book renders exercises from static HTML anyway; widget views (random model ids) and
per-cell execution timestamps are dropped, so a re-run changes only real outputs. Answers are kept out of your own
answer file (GOVMIG_ANSWERS points to a throwaway file).
"""

from __future__ import annotations

import os
import sys
import tempfile
from pathlib import Path

import nbformat
from nbclient import NotebookClient

ROOT = Path(__file__).resolve().parent.parent
WIDGET_VIEW = "application/vnd.jupyter.widget-view+json"


def run(path: Path) -> None:
    nb = nbformat.read(path, as_version=4)
    client = NotebookClient(nb, timeout=180, kernel_name="python3", store_widget_state=False,
                            resources={"metadata": {"path": str(path.parent)}})
    client.execute()
    nb.metadata.pop("widgets", None)
    for cell in nb.cells:
        # Execution timestamps and widget views (random model ids, dead without a kernel)
        # change on every run: keep neither, so that a re-run changes only real outputs.
        cell.metadata.pop("execution", None)
        for out in cell.get("outputs", []):
            if "data" in out:
                out["data"].pop(WIDGET_VIEW, None)
    nbformat.write(nb, path)
    print(f"ran {path.relative_to(ROOT)}")


def main(args: list[str]) -> None:
    os.environ.pop("GOVMIG_RENDER", None)  # live rendering, as a student sees it
    os.environ["GOVMIG_ANSWERS"] = str(Path(tempfile.mkdtemp()) / "answers.json")
    paths = [Path(a).resolve() for a in args] or sorted(
        p for folder in ("chapters", "exercises") for p in (ROOT / folder).rglob("*.ipynb")
        if ".ipynb_checkpoints" not in p.parts)
    for path in paths:
        run(path)


if __name__ == "__main__":
    main(sys.argv[1:])
