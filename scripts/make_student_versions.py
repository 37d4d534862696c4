"""Generate student versions of the seminar notebooks with nbgrader's own preprocessors.

    .venv/bin/python scripts/make_student_versions.py [--out _build/seminar]
    .venv/bin/python scripts/make_student_versions.py --assignment seminar1 iom gcm

For each instructor source exercises/<chapter>-seminar.ipynb (nbgrader format) this
writes _build/seminar/<chapter>-seminar/ with the student notebook (solutions, hidden
tests, mark schemes and outputs removed by nbgrader), checks-<chapter>-seminar.json (the
hashed checks that `check()` uses: no answers in plain text), the data package and a
README, and zips the folder to _build/seminar/<chapter>-seminar.zip for handing out or
uploading to an LMS.

It also writes _build/seminar/nbgrader/nbgrader_config.py (feedback without hidden tests,
mark schemes or model answers) and, with --assignment NAME CHAPTER..., an nbgrader
source folder _build/seminar/nbgrader/source/NAME/ holding the chosen chapters'
instructor sources, each chapter's checks file and data/: copy it to your course's
source/ folder. Each chapter has its own checks file, so any set of chapters can share
one assignment.
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
from govmig.seminar import checks_file  # noqa: E402

PREPROCESSORS = (ClearSolutions, ClearHiddenTests, ClearMarkScheme, ClearOutput)

README = """# {title}

Student version, generated from the Governing Migration book.

1. Open `{notebook}` in Jupyter (JupyterLab, Binder, your JupyterHub or VS Code) from
   this folder, with the book's Python packages installed (in the book's repository,
   `pip install -r requirements.txt -c requirements-lock.txt -e .`; or the course's
   JupyterHub).
2. Replace each `raise NotImplementedError()` with your code, run it, then run the
   `check(...)` cell below it: it says what is wrong without giving the answer.
3. Write the short task at the end, save, and hand in the notebook.

`{checks}` holds the checks (as hashes: no answer is written in it in plain text);
`data/` holds the tables the notebook loads, with their sources and licences in
`data/README.md`. Keep both next to the notebook.
"""

NBGRADER_CONFIG = '''\
# nbgrader settings for the Governing Migration seminar notebooks (written by
# scripts/seminar.sh). Put these lines in your course's nbgrader_config.py; nbgrader
# (autograde, generate_feedback and formgrader) must run where the book's package is
# installed (pip install -e BOOK), since the settings name govmig.nbgrader_safe.
c = get_config()  # noqa: F821 (nbgrader provides get_config)

# Feedback: nbgrader's default preprocessors; one that replaces what graded test cells
# printed by "passed" or "failed" and hides any output that holds a hidden test (it must
# come before ClearHiddenTests); two that remove the hidden tests and the mark schemes
# (with the model answers); and one that makes every output safe to show.
# Student answers never run as script in the feedback or in formgrader: Markdown and
# HTML go through an allow-list (links only to http, https and mailto addresses), and
# the pages load no MathJax from a CDN (instructor/guide.md, "Feedback").
import govmig.nbgrader_safe as govmig_safe  # noqa: E402
c.GenerateFeedback.preprocessors = [
    "nbgrader.preprocessors.GetGrades",
    "nbconvert.preprocessors.CSSHTMLHeaderPreprocessor",
    "govmig.nbgrader_safe.HideHiddenTests",
    "nbgrader.preprocessors.ClearHiddenTests",
    "nbgrader.preprocessors.ClearMarkScheme",
    "govmig.nbgrader_safe.SafeAnswers",
]
c.HTMLExporter.preprocessors = ["govmig.nbgrader_safe.SafeAnswers"]
c.HTMLExporter.filters = {"markdown2html": "govmig.nbgrader_safe.markdown2html"}
c.HTMLExporter.extra_template_basedirs = govmig_safe.template_basedirs()

# Tracebacks in autograded notebooks show only their last line, so no failed cell can
# print test code (govmig.seminar does the same for cells with hidden tests).
c.Execute.extra_arguments = ["--InteractiveShell.xmode=Minimal"]
'''


def student_notebook(source: Path) -> nbformat.NotebookNode:
    nb = nbformat.read(source, as_version=4)
    resources: dict = {}
    for preprocessor in PREPROCESSORS:
        nb, resources = preprocessor().preprocess(nb, resources)
    nb.metadata.pop("widgets", None)
    return nb


def write_checks(chapter: str, folder: Path) -> Path:
    """checks-<chapter>.json: the public (hashed) form of each of the chapter's checks."""
    checks = {ex.id: ex.public for ex in load(chapter, ROOT / "exercises" / "specs")}
    path = folder / checks_file(chapter)
    path.write_text(json.dumps(checks, indent=1, sort_keys=True, ensure_ascii=False) + "\n", "utf-8")
    return path


def copy_data(folder: Path) -> None:
    shutil.copytree(ROOT / "data", folder / "data", dirs_exist_ok=True,
                    ignore=shutil.ignore_patterns("__pycache__", ".ipynb_checkpoints"))


def build(source: Path, out: Path) -> Path:
    name = source.stem                       # e.g. iom-seminar
    folder = out / name
    shutil.rmtree(folder, ignore_errors=True)
    folder.mkdir(parents=True)
    nbformat.write(student_notebook(source), folder / source.name)
    write_checks(name, folder)
    copy_data(folder)
    title = nbformat.read(source, as_version=4).cells[0].source.splitlines()[0].lstrip("# ")
    (folder / "README.md").write_text(README.format(title=title, notebook=source.name,
                                                    checks=checks_file(name)), "utf-8")
    archive = shutil.make_archive(str(out / name), "zip", root_dir=out, base_dir=name)
    return Path(archive)


def nbgrader_source(assignment: str, chapters: list[str], out: Path) -> Path:
    """An nbgrader source/<assignment>/ folder with several chapters' seminar notebooks."""
    folder = out / "nbgrader" / "source" / assignment
    shutil.rmtree(folder, ignore_errors=True)
    folder.mkdir(parents=True)
    for chapter in chapters:
        name = chapter if chapter.endswith("-seminar") else f"{chapter}-seminar"
        source = ROOT / "exercises" / f"{name}.ipynb"
        if not source.is_file():
            known = ", ".join(p.stem.removesuffix("-seminar") for p in sorted((ROOT / "exercises").glob("*-seminar.ipynb")))
            sys.exit(f"no seminar notebook for chapter {chapter!r} (chapters: {known})")
        shutil.copy2(source, folder / source.name)
        write_checks(name, folder)
    copy_data(folder)
    return folder


def main(argv: list[str] | None = None) -> list[Path]:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=ROOT / "_build" / "seminar")
    parser.add_argument("--assignment", nargs="+", metavar=("NAME", "CHAPTER"),
                        help="also write nbgrader/source/NAME/ with these chapters, e.g. seminar1 iom gcm")
    args = parser.parse_args(argv)
    sources = sorted((ROOT / "exercises").glob("*-seminar.ipynb"))
    if not sources:
        sys.exit("no instructor sources exercises/*-seminar.ipynb")
    written = [build(src, args.out) for src in sources]
    config = args.out / "nbgrader" / "nbgrader_config.py"
    config.parent.mkdir(parents=True, exist_ok=True)
    config.write_text(NBGRADER_CONFIG, "utf-8")
    written.append(config)
    if args.assignment:
        if len(args.assignment) < 2:
            parser.error("--assignment needs a name and at least one chapter, e.g. --assignment seminar1 iom gcm")
        written.append(nbgrader_source(args.assignment[0], args.assignment[1:], args.out))
    for path in written:
        print(f"wrote {path.relative_to(ROOT) if path.is_relative_to(ROOT) else path}")
    return written


if __name__ == "__main__":
    main()
