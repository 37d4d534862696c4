"""Two editions from the same sources: the student edition (public) carries no solution,
teaching note or seminar plan, in its pages or its downloadable sources; the instructor
edition carries them all."""

from __future__ import annotations

import re

import pytest

from govmig.exercises import load
from govmig.exercises.static import solution_text

from conftest import ROOT, SITE, toc_files

INSTRUCTOR = ROOT / "_build" / "instructor" / "html"
ONLY = re.compile(r"^(`{3,}|:{3,})\{only\}[ \t]*instructor[^\n]*\n(.*?)^\1", re.M | re.S)
CHAPTERS = [p.stem for p in sorted((ROOT / "exercises" / "specs").glob("*.yaml")) if not p.stem.endswith("-seminar")]
EXERCISES = [ex for chapter in CHAPTERS for ex in load(chapter, ROOT / "exercises" / "specs")]


def instructor_blocks() -> list[str]:
    """Sentences of every {only} instructor block in the book's sources."""
    import nbformat
    texts = [p.read_text("utf-8") for p in ROOT.glob("chapters/**/*.md")]
    texts += ["\n".join(c.source for c in nbformat.read(p, 4).cells if c.cell_type == "markdown")
              for p in ROOT.glob("chapters/**/*.ipynb")]
    blocks = [m[1] for t in texts for m in ONLY.findall(t)]
    # Teaching notes moved out of the notebooks to instructor-only pages.
    blocks += [p.read_text("utf-8").split("\n", 1)[-1] for p in ROOT.glob("instructor/*-exercise-notes.md")]
    return [s.strip() for b in blocks for s in re.split(r"(?<=[.;:])\s+", b) if len(s.strip()) > 30]


def notebook_instructor_blocks() -> list[str]:
    """Notebooks (chapters/, exercises/) that hold an {only} instructor block."""
    import nbformat
    return [p.relative_to(ROOT).as_posix() for folder in ("chapters", "exercises")
            for p in sorted((ROOT / folder).rglob("*.ipynb")) if ".ipynb_checkpoints" not in p.parts
            and any(ONLY.search(c.source) for c in nbformat.read(p, 4).cells if c.cell_type == "markdown")]


def student_files():
    for path in SITE.rglob("*"):
        if path.is_file() and path.suffix in (".html", ".js", ".ipynb", ".md", ".txt", ".json") and "vendor" not in path.parts:
            yield path


@pytest.fixture(scope="module")
def student_text(site):
    return {p.relative_to(SITE).as_posix(): p.read_text("utf-8", errors="replace") for p in student_files()}


def test_there_is_instructor_only_material():
    assert instructor_blocks(), "no {only} instructor block found: the test would prove nothing"
    assert (ROOT / "instructor" / "guide.md").is_file()


def test_no_notebook_holds_teaching_notes():
    """Students open the notebooks in JupyterLab, which shows {only} instructor blocks:
    teaching notes belong on instructor/<chapter>-exercise-notes.md."""
    assert notebook_instructor_blocks() == []


def test_student_edition_and_downloads_hold_no_teaching_notes(student_text):
    leaks = [(name, s[:60]) for s in instructor_blocks() for name, text in student_text.items() if s in text]
    assert leaks == []
    assert any(name.startswith("_sources/") and name.endswith(".ipynb") for name in student_text)


def test_student_edition_holds_no_solutions_or_instructor_pages(student_text):
    everything = "\n".join(student_text.values())
    assert "gm-solution" not in everything and "instructor edition)" not in everything
    for ex in EXERCISES:
        assert ex.spec["explanation"] not in everything, ex.id
        if ex.spec["kind"] == "text":  # the model answer is revealed by the page's script only
            assert ex.spec["model_answer"][:60] not in everything, ex.id
    assert not (SITE / "instructor").exists()
    guide_words = (ROOT / "instructor" / "guide.md").read_text("utf-8").split("\n\n")[1][:60]
    assert guide_words not in everything


def test_instructor_edition_has_solutions_notes_and_plans():
    if not (INSTRUCTOR / "index.html").is_file():
        pytest.fail("instructor edition not built: scripts/test.sh builds it (scripts/build.sh --instructor)")
    for chapter in CHAPTERS:
        page = (INSTRUCTOR / "chapters" / chapter / f"{chapter}-exercises.html").read_text("utf-8")
        mine = [ex for ex in EXERCISES if ex.chapter == chapter]
        for ex in mine:
            assert ex.spec["explanation"].split(":")[0][:40].replace("'", "&#x27;") in page.replace("&#39;", "&#x27;"), ex.id
        assert page.count('class="gm-solution"') == len(mine), chapter
        notes = INSTRUCTOR / "instructor" / f"{chapter}-exercise-notes.html"
        assert "Teaching notes" in page or notes.is_file(), chapter
        assert (INSTRUCTOR / "instructor" / f"{chapter}-seminar-plan.html").is_file(), chapter
    assert (INSTRUCTOR / "instructor" / "guide.html").is_file()
    assert "(instructor edition)" in (INSTRUCTOR / "intro.html").read_text("utf-8")


def test_solution_text_names_the_answer():
    ex = next(e for e in EXERCISES if e.id == "iom-phases-order")
    assert solution_text(ex.spec).startswith("1. logistics agency; 2. opportunistic phase")


def test_instructor_toc_contains_the_student_toc():
    student = toc_files(ROOT / "_toc.yml")
    instructor = toc_files(ROOT / "_toc-instructor.yml")
    assert student < instructor
    assert all(f.startswith("instructor/") for f in instructor - student)


def plan_tables(text: str) -> dict[str, int]:
    """Total minutes of each timed table in a seminar plan, keyed by its section heading."""
    totals, heading = {}, None
    for line in text.splitlines():
        if line.startswith("#"):
            heading = line.lstrip("#").strip()
        elif (m := re.match(r"\|\s*(\d+)\s*\|", line)) and heading:
            totals[heading] = totals.get(heading, 0) + int(m[1])
    return totals


@pytest.mark.parametrize("plan", sorted((ROOT / "instructor").glob("*-seminar-plan.md")), ids=lambda p: p.stem)
def test_seminar_plan_timings_add_up(plan):
    totals = plan_tables(plan.read_text("utf-8"))
    assert totals.get("Timed plan") == 90, totals
    assert totals.get("A 60-minute version") == 60, totals


def test_plan_tables_are_summed_per_section():
    text = "## Timed plan\n| Minutes | A |\n|---|---|\n| 50 | x |\n| 30 | y |\n## A 60-minute version\n| 60 | z |\n"
    assert plan_tables(text) == {"Timed plan": 80, "A 60-minute version": 60}
