"""Seminar notebooks: nbgrader-format instructor sources, generated student versions."""

from __future__ import annotations

import json
import re
import sys
import zipfile

import nbformat
import pytest
from nbclient import NotebookClient

from conftest import ROOT

sys.path.insert(0, str(ROOT / "scripts"))
import make_student_versions  # noqa: E402

SOURCES = sorted((ROOT / "exercises").glob("*-seminar.ipynb"))
REGION = re.compile(r"### BEGIN (SOLUTION|HIDDEN TESTS)\n(.*?)### END \1", re.S)
SCHEME = re.compile(r"=== BEGIN MARK SCHEME ===\n(.*?)=== END MARK SCHEME ===", re.S)


def secrets(source) -> list[str]:
    """Every non-trivial line of solution, hidden-test and mark-scheme regions."""
    nb = nbformat.read(source, as_version=4)
    found = []
    for cell in nb.cells:
        for block in [m[1] for m in REGION.findall(cell.source)] + SCHEME.findall(cell.source):
            found += [line.strip() for line in block.splitlines() if len(line.strip()) > 12]
    return found


@pytest.fixture(scope="module")
def generated(tmp_path_factory):
    out = tmp_path_factory.mktemp("seminar")
    make_student_versions.main(["--out", str(out)])
    return out


def test_every_chapter_source_is_in_nbgrader_format():
    assert SOURCES, "no exercises/*-seminar.ipynb"
    for source in SOURCES:
        cells = nbformat.read(source, as_version=4).cells
        meta = [c.metadata.get("nbgrader", {}) for c in cells]
        assert any(m.get("solution") for m in meta), "no solution cells"
        assert any(m.get("grade") and not m.get("solution") and m.get("points") for m in meta), "no graded tests"
        assert any(m.get("task") and m.get("points") for m in meta), "no task cell with points"
        # nbgrader's "manually graded task" is task without grade: with both, it counts twice.
        assert not any(m.get("task") and m.get("grade") for m in meta), "a task cell is also a grade cell"
        assert any("### BEGIN HIDDEN TESTS" in c.source for c in cells), "no hidden tests"
        assert all(m.get("grade_id") for m in meta if m), "nbgrader cells need grade ids"
        assert len({m["grade_id"] for m in meta if m}) == len([m for m in meta if m]), "grade ids must be unique"


@pytest.mark.parametrize("source", SOURCES, ids=lambda p: p.stem)
def test_instructor_source_passes_its_own_tests(source, tmp_path):
    nb = nbformat.read(source, as_version=4)
    NotebookClient(nb, timeout=120, kernel_name="python3", resources={"metadata": {"path": str(source.parent)}}).execute()
    errors = [o for c in nb.cells if c.cell_type == "code" for o in c.outputs if o.output_type == "error"]
    assert errors == []


@pytest.mark.parametrize("source", SOURCES, ids=lambda p: p.stem)
def test_student_version_has_no_solution_text(generated, source):
    folder = generated / source.stem
    checks = (folder / f"checks-{source.stem}.json").read_text("utf-8")
    text = (folder / source.name).read_text("utf-8") + checks
    leaked = [line for line in secrets(source) if line in text]
    assert secrets(source) and leaked == []
    assert "BEGIN SOLUTION" not in text and "MARK SCHEME" not in text and "HIDDEN TESTS" not in text
    assert '"answer"' not in checks


@pytest.mark.parametrize("source", SOURCES, ids=lambda p: p.stem)
def test_student_version_runs_and_fails_its_checks_until_answered(generated, source):
    path = generated / source.stem / source.name
    nb = nbformat.read(path, as_version=4)
    # Runs top to bottom: only cells tagged raises-exception may raise (nbclient honours the tag).
    NotebookClient(nb, timeout=120, kernel_name="python3", resources={"metadata": {"path": str(path.parent)}}).execute()
    tests = [c for c in nb.cells if c.metadata.get("nbgrader", {}).get("grade") and c.cell_type == "code"]
    for cell in tests:
        assert any(o.output_type == "error" for o in cell.outputs), f"{cell.metadata['nbgrader']['grade_id']} passed unanswered"
        printed = "".join(o.get("text", "") for o in cell.outputs if o.output_type == "stream")
        assert "No answer yet" in printed
    # Answered with the instructor's solutions, the visible checks pass.
    solutions = {c.metadata["nbgrader"]["grade_id"]: c.source for c in nbformat.read(source, as_version=4).cells
                 if c.metadata.get("nbgrader", {}).get("solution") and c.cell_type == "code"}
    for cell in nb.cells:
        gid = cell.metadata.get("nbgrader", {}).get("grade_id")
        if gid in solutions:
            cell.source = solutions[gid].replace("### BEGIN SOLUTION\n", "").replace("### END SOLUTION", "")
        if "### BEGIN HIDDEN TESTS" in cell.source:
            pytest.fail("hidden tests left in the student version")
    NotebookClient(nb, timeout=120, kernel_name="python3", resources={"metadata": {"path": str(path.parent)}}).execute()
    for cell in tests:
        printed = "".join(o.get("text", "") for o in cell.outputs if o.output_type == "stream")
        assert "✔ Correct." in printed and not any(o.output_type == "error" for o in cell.outputs)


def test_zip_holds_what_a_student_needs(generated):
    for source in SOURCES:
        with zipfile.ZipFile(generated / f"{source.stem}.zip") as archive:
            names = set(archive.namelist())
        for needed in (source.name, f"checks-{source.stem}.json", "README.md", "data/datapackage.json", "data/README.md"):
            assert f"{source.stem}/{needed}" in names


def test_check_gives_feedback_not_exceptions(capsys):
    from govmig.seminar import check
    assert check("iom-seminar-q1", 38)
    assert not check("iom-seminar-q1", 37) and "Hint" in capsys.readouterr().out
    assert not check("iom-seminar-q1", "thirty") and "not a number" in capsys.readouterr().out
    assert not check("iom-seminar-q1", None) and "No answer yet" in capsys.readouterr().out
    import numpy as np
    assert check("iom-seminar-q3", np.float64(2.8)) and check("iom-seminar-q4", np.int64(2004))


def test_guide_states_the_points_nbgrader_counts():
    """The guide's table of points per notebook is what nbgrader will count."""
    guide = (ROOT / "instructor" / "guide.md").read_text("utf-8")
    rows = {m[1]: (int(m[2]), int(m[3]), int(m[4]))
            for m in re.finditer(r"^\| chapter \d, `([\w-]+)\.ipynb` \| (\d+) \| (\d+) \| (\d+) \|$", guide, re.M)}
    assert sorted(rows) == [s.stem for s in SOURCES]
    for source in SOURCES:
        meta = [c.metadata.get("nbgrader", {}) for c in nbformat.read(source, as_version=4).cells]
        auto = sum(m.get("points", 0) for m in meta if m.get("grade"))
        manual = sum(m.get("points", 0) for m in meta if m.get("task"))
        assert rows[source.stem] == (auto, manual, auto + manual), source.stem


def test_a_mistyped_question_id_fails_loudly():
    from govmig.seminar import SeminarSetupError, check
    with pytest.raises(SeminarSetupError, match=r"no check called 'iom-seminar-q9'.*iom-seminar-q1"):
        check("iom-seminar-q9", 1)


def test_checks_of_several_chapters_share_one_folder(generated, tmp_path, monkeypatch):
    """Two chapters' zips unpacked into one folder (or one nbgrader assignment) both check."""
    from govmig.seminar import check
    for chapter in ("iom-seminar", "gcm-seminar"):
        for item in (generated / chapter).iterdir():
            if item.is_file():
                (tmp_path / item.name).write_bytes(item.read_bytes())
    (tmp_path / "data").symlink_to(generated / "iom-seminar" / "data")
    monkeypatch.chdir(tmp_path)
    assert check("iom-seminar-q1", 38, quiet=True)
    gcm = {e.id: e.spec["answer"] for e in __import__("govmig.exercises", fromlist=["load"]).load(
        "gcm-seminar", ROOT / "exercises" / "specs") if e.spec["kind"] == "number"}
    qid, answer = next(iter(gcm.items()))
    assert check(qid, answer, quiet=True)


def test_missing_checks_or_data_name_the_real_cause(generated, tmp_path, monkeypatch):
    from govmig.seminar import SeminarSetupError, check
    monkeypatch.chdir(tmp_path)                     # outside the repository: no specs, no data
    monkeypatch.delenv("GOVMIG_DATAPACKAGE", raising=False)
    with pytest.raises(SeminarSetupError, match=r"data/datapackage\.json.*Copy the data/ folder"):
        check("iom-seminar-q1", 38)
    (tmp_path / "data").symlink_to(generated / "iom-seminar" / "data")
    with pytest.raises(SeminarSetupError, match=r"checks-iom-seminar\.json is not in"):
        check("iom-seminar-q1", 38)
    (tmp_path / "checks-iom-seminar.json").write_text("{not json", "utf-8")
    with pytest.raises(SeminarSetupError, match=r"cannot be read as a checks file"):
        check("iom-seminar-q1", 38)


def test_failed_cells_with_hidden_tests_do_not_print_them(tmp_path):
    """In a kernel, a cell that holds hidden tests fails with its last line only."""
    nb = nbformat.v4.new_notebook()
    nb.cells = [nbformat.v4.new_code_cell("from govmig.seminar import check\nx = 37"),
                nbformat.v4.new_code_cell('assert check("iom-seminar-q1", x)\n### BEGIN HIDDEN TESTS\n'
                                          'assert x == 38\n### END HIDDEN TESTS'),
                nbformat.v4.new_code_cell("### BEGIN HIDDEN TESTS\nassert undefined_name == 38\n### END HIDDEN TESTS"),
                nbformat.v4.new_code_cell("y = 1 / 0")]
    NotebookClient(nb, timeout=120, kernel_name="python3", allow_errors=True,
                   resources={"metadata": {"path": str(ROOT / "exercises")}}).execute()
    errors = [[o for o in c.outputs if o.output_type == "error"] for c in nb.cells]
    assert [len(e) for e in errors] == [0, 1, 1, 1]        # still failures, as nbgrader needs
    for cell_errors in errors[1:3]:
        shown = "\n".join(cell_errors[0].traceback)
        assert "38" not in shown and "assert" not in shown and "Its test code is not shown" in shown
    plain = re.sub(r"\x1b\[[0-9;]*m", "", "\n".join(errors[3][0].traceback))
    assert "----> 1 y = 1 / 0" in plain                     # other cells keep the full traceback
