"""Generate student versions of the seminar notebooks with nbgrader's own preprocessors.

    .venv/bin/python scripts/make_student_versions.py [--out _build/seminar]

For each instructor source exercises/<chapter>-seminar.ipynb (nbgrader format) this
writes _build/seminar/<chapter>-seminar/ with the student notebook (solutions, hidden
tests, mark schemes and outputs removed by nbgrader), checks.json (the hashed checks
that `check()` uses: no answers), the data package and a README, and zips the folder
to _build/seminar/<chapter>-seminar.zip for handing out or uploading to an LMS.
"""

from __future__ import annotations

import argparse
import json
import shutil
import sys
from pathlib import Path

import nbformat
from nbgrader.preprocessors import ClearHiddenTests, ClearMarkScheme, ClearOutput, ClearSolutions

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
from govmig.exercises import load  # noqa: E402

PREPROCESSORS = (ClearSolutions, ClearHiddenTests, ClearMarkScheme, ClearOutput)

README = """# {title}

Student version, generated from the Governing Migration book.

1. Open `{notebook}` in Jupyter (JupyterLab, Binder, your JupyterHub or VS Code) from
   this folder, with the book's Python packages installed (`pip install -r
   requirements.txt` in the book's repository, or the course's JupyterHub).
2. Replace each `raise NotImplementedError()` with your code, run it, then run the
   `check(...)` cell below it: it says what is wrong without giving the answer.
3. Write the short task at the end, save, and hand in the notebook.

`checks.json` holds the checks (as hashes: it contains no answers); `data/` holds the
tables the notebook loads, with their sources and licences in `data/README.md`.
"""


def student_notebook(source: Path) -> nbformat.NotebookNode:
    nb = nbformat.read(source, as_version=4)
    resources: dict = {}
    for preprocessor in PREPROCESSORS:
        nb, resources = preprocessor().preprocess(nb, resources)
    nb.metadata.pop("widgets", None)
    return nb


def build(source: Path, out: Path) -> Path:
    name = source.stem                       # e.g. iom-seminar
    folder = out / name
    shutil.rmtree(folder, ignore_errors=True)
    folder.mkdir(parents=True)
    nbformat.write(student_notebook(source), folder / source.name)
    checks = {ex.id: ex.public for ex in load(name, ROOT / "exercises" / "specs")}
    (folder / "checks.json").write_text(json.dumps(checks, indent=1, sort_keys=True, ensure_ascii=False))
    shutil.copytree(ROOT / "data", folder / "data")
    title = nbformat.read(source, as_version=4).cells[0].source.splitlines()[0].lstrip("# ")
    (folder / "README.md").write_text(README.format(title=title, notebook=source.name))
    archive = shutil.make_archive(str(out / name), "zip", root_dir=out, base_dir=name)
    return Path(archive)


def main(argv: list[str] | None = None) -> list[Path]:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=ROOT / "_build" / "seminar")
    args = parser.parse_args(argv)
    sources = sorted((ROOT / "exercises").glob("*-seminar.ipynb"))
    if not sources:
        sys.exit("no instructor sources exercises/*-seminar.ipynb")
    archives = [build(src, args.out) for src in sources]
    for archive in archives:
        print(f"wrote {archive.relative_to(ROOT) if archive.is_relative_to(ROOT) else archive}")
    return archives


if __name__ == "__main__":
    main()
