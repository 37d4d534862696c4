"""nbgrader's own command-line workflow on a two-chapter assignment, as a lecturer runs it:
quickstart, generate_assignment, autograde of a blank and of a fully correct submission,
generate_feedback, export. Scores and maxima add up; feedback holds no hidden test, mark
scheme or model answer; autograde of an untouched release prints no warning of the book's."""

from __future__ import annotations

import csv
import os
import re
import shutil
import subprocess
import sys

import nbformat
import pytest

from conftest import ROOT

sys.path.insert(0, str(ROOT / "scripts"))
import make_student_versions  # noqa: E402

pytestmark = pytest.mark.slow
CHAPTERS = ("iom", "gcm")
NOTEBOOKS = [f"{c}-seminar" for c in CHAPTERS]
REGION = re.compile(r"### BEGIN (SOLUTION|HIDDEN TESTS)\n(.*?)### END \1", re.S)
SCHEME = re.compile(r"=== BEGIN MARK SCHEME ===\n(.*?)=== END MARK SCHEME ===", re.S)
# nbgrader's and its libraries' own warnings (instructor/guide.md, "Warnings you can ignore").
UPSTREAM = (re.compile(r"Attribute 'checksum' for cell [\w-]+ has changed!"),   # jupyter/nbgrader#1961
            re.compile(r"SAWarning|not in session, add operation along"),        # SQLAlchemy 2 in nbgrader's gradebook
            re.compile(r"MissingIDFieldWarning|header\.ipynb"),                   # quickstart's own header notebook
            re.compile(r"running over TCP without encryption"))                   # ipykernel's log
INSECURE = re.compile(r"warn|error|traceback|exception", re.I)


# nbgrader runs `alembic` and `jupyter` from PATH: those of this environment.
ENV = {**os.environ, "PATH": f"{os.path.dirname(sys.executable)}{os.pathsep}{os.environ.get('PATH', '')}"}


def nbgrader(course, *args, timeout=300):
    out = subprocess.run([sys.executable, "-m", "nbgrader", *args], cwd=course, capture_output=True,
                         text=True, timeout=timeout, env=ENV)
    assert out.returncode == 0, f"nbgrader {' '.join(args)}:\n{out.stdout[-2000:]}\n{out.stderr[-4000:]}"
    return out.stdout + out.stderr


def regions(source, kind: str) -> list[str]:
    """Lines (over 12 characters) of a notebook's solution, hidden-test or mark-scheme regions."""
    found = []
    for cell in nbformat.read(source, as_version=4).cells:
        blocks = [m[1] for m in REGION.findall(cell.source) if m[0] == kind] if kind != "SCHEME" else SCHEME.findall(cell.source)
        found += [line.strip() for block in blocks for line in block.splitlines() if len(line.strip()) > 12]
    return found


def correct_submission(source, release, target):
    """The release with each solution cell answered by the instructor's solution."""
    solutions = {c.metadata["nbgrader"]["grade_id"]: c.source
                 for c in nbformat.read(source, as_version=4).cells
                 if c.metadata.get("nbgrader", {}).get("solution")}
    nb = nbformat.read(release, as_version=4)
    for cell in nb.cells:
        gid = cell.metadata.get("nbgrader", {}).get("grade_id")
        if gid in solutions and cell.cell_type == "code":
            cell.source = re.sub(r"### (BEGIN|END) SOLUTION\n?", "", solutions[gid])
        elif cell.metadata.get("nbgrader", {}).get("solution"):
            cell.source = "IOM grew, but growth in members and money says little about whom it serves."
    nbformat.write(nb, target)


@pytest.fixture(scope="module")
def course(tmp_path_factory):
    base = tmp_path_factory.mktemp("nbgrader")
    nbgrader(base, "quickstart", "course")
    course = base / "course"
    shutil.rmtree(course / "source" / "ps1")
    # What `bash scripts/seminar.sh --assignment ps1 iom gcm` writes, without the five zips.
    shutil.copytree(make_student_versions.nbgrader_source("ps1", list(CHAPTERS), base / "seminar"),
                    course / "source" / "ps1")
    config = course / "nbgrader_config.py"
    config.write_text(config.read_text("utf-8") + "\n"
                      + make_student_versions.NBGRADER_CONFIG.replace("c = get_config()", "# c = get_config()"), "utf-8")
    logs = {"generate": nbgrader(course, "generate_assignment", "ps1", "--create")}
    release = course / "release" / "ps1"
    for student in ("blank", "correct"):
        folder = course / "submitted" / student / "ps1"
        shutil.copytree(release, folder)
        if student == "correct":
            for name in NOTEBOOKS:
                correct_submission(course / "source" / "ps1" / f"{name}.ipynb", release / f"{name}.ipynb",
                                   folder / f"{name}.ipynb")
        logs[student] = nbgrader(course, "autograde", "ps1", "--create", "--student", student)
    logs["feedback"] = nbgrader(course, "generate_feedback", "ps1")
    logs["export"] = nbgrader(course, "export")
    return course, logs


def test_release_holds_each_chapters_checks_and_the_data(course):
    release = course[0] / "release" / "ps1"
    for name in NOTEBOOKS:
        assert (release / f"{name}.ipynb").is_file() and (release / f"checks-{name}.json").is_file()
    assert (release / "data" / "datapackage.json").is_file()


def test_scores_and_maximum_add_up(course):
    rows = {r["student_id"]: r for r in csv.DictReader((course[0] / "grades.csv").open())}
    # iom: 6 automatic + 4 written; gcm: 7 automatic + 4 written (instructor/guide.md's table).
    assert float(rows["blank"]["max_score"]) == 21.0
    assert float(rows["blank"]["score"]) == 0.0
    assert float(rows["correct"]["score"]) == 13.0        # every automatic point; the written task awaits you
    assert float(rows["correct"]["max_score"]) == 21.0


def test_autograde_of_the_untouched_release_prints_no_warning_of_the_books(course):
    log = course[1]["blank"]
    ours = [line for line in log.splitlines()
            if INSECURE.search(line) and not any(p.search(line) for p in UPSTREAM)]
    assert ours == []


def test_feedback_gives_no_answer_away(course):
    root = course[0]
    for name in NOTEBOOKS:
        source = root / "source" / "ps1" / f"{name}.ipynb"
        hidden, scheme, solutions = regions(source, "HIDDEN TESTS"), regions(source, "SCHEME"), regions(source, "SOLUTION")
        assert hidden and scheme and solutions
        for student in ("blank", "correct"):
            html = (root / "feedback" / student / "ps1" / f"{name}.html").read_text("utf-8")
            text = re.sub(r"<[^>]+>", "", html).replace("&quot;", '"').replace("&#39;", "'").replace("&gt;", ">").replace("&lt;", "<").replace("&amp;", "&")
            assert [line for line in hidden if line in text] == [], (student, name)
            assert [line for line in scheme if line in text] == [], (student, name)
            assert "BEGIN HIDDEN TESTS" not in text and "MARK SCHEME" not in text
            if student == "blank":
                assert [line for line in solutions if line in text] == [], name
                assert "Its test code is not shown" in text


def test_autograded_tracebacks_are_minimal(course):
    """nbgrader_config.py's Execute.extra_arguments reach the kernel: no traceback shows code."""
    nb = nbformat.read(course[0] / "autograded" / "blank" / "ps1" / "iom-seminar.ipynb", as_version=4)
    errors = [o for c in nb.cells if c.cell_type == "code" for o in c.outputs if o.output_type == "error"]
    assert errors
    for error in errors:
        plain = re.sub(r"\x1b\[[0-9;]*m", "", "\n".join(error.traceback))
        assert "---->" not in plain, plain
