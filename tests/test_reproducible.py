"""Reproducible builds (issue 12, section 7): two clean builds of the same commit, in two
fresh clones, give byte-identical HTML apart from the declared VOLATILE items; the
"Last updated" stamp is the page's commit date, never the day of the build."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import nbformat
import pytest

from conftest import ROOT

pytestmark = pytest.mark.slow
JB = Path(sys.executable).parent / "jupyter-book"
COMMIT_DATE = "2024-02-29T12:00:00+00:00"   # a day no build of this test runs on
SHOWN_DATE = "29 February 2024"

# Items allowed to differ between two builds of one commit, as (file glob, regex).
# Keep this list short and say why each item is volatile.
VOLATILE: list[tuple[str, str]] = [
    # Sphinx's build-info file hashes the whole configuration object, paths included.
    (".buildinfo", r".*"),
]

CHART = '''import altair as alt, pandas as pd
import govmig.charts  # noqa: F401
frame = pd.DataFrame({"year": [2016, 2018, 2020], "members": [165, 173, 173]})
alt.Chart(frame).mark_line(point=True).encode(x="year:O", y="members:Q").properties(
    description="Members by year: " + ", ".join(f"{y} {m}" for y, m in zip(frame.year, frame.members)))'''


def fixture_book(folder: Path) -> Path:
    """A small book with the parts of the real one that could vary: a numbered chapter
    with a sub-page, a notebook with a table and a chart, a glued value, a citation."""
    folder.mkdir(parents=True)
    (folder / "_config.yml").write_text(
        "title: t\nexecute: {execute_notebooks: cache}\nbibtex_bibfiles: [refs.bib]\n"
        "html: {use_multitoc_numbering: true}\n"
        "sphinx:\n  extra_extensions: [govmig.sphinx]\n"
        f"  config: {{govmig_node_modules: '{ROOT / 'node_modules'}', html_last_updated_fmt: ''}}\n")
    (folder / "_toc.yml").write_text(
        "format: jb-book\nroot: intro\nparts:\n  - caption: One\n    numbered: true\n    chapters:\n"
        "      - file: chapter\n        sections:\n          - file: nb\n")
    (folder / "intro.md").write_text("# Intro\n\nSee {cite:p}`known`.\n\n```{bibliography}\n```\n")
    (folder / "chapter.md").write_text("# Chapter\n\n## First\n\nText.\n\n## Second\n\nMore text.\n")
    (folder / "refs.bib").write_text("@misc{known, title={Known}, author={A. Author}, year={2020}}\n")
    nb = nbformat.v4.new_notebook(cells=[
        nbformat.v4.new_markdown_cell("# Notebook\n\nMembers in 2020: {glue:text}`members`."),
        nbformat.v4.new_code_cell("import pandas as pd\nfrom myst_nb import glue\n"
                                  "frame = pd.DataFrame({'a': [1, 2], 'b': ['x', 'y']})\n"
                                  "glue('members', 173, display=False)\nframe"),
        nbformat.v4.new_code_cell(CHART),
    ])
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    nbformat.write(nb, folder / "nb.ipynb")
    return folder


def git(folder: Path, *args: str) -> None:
    env = {**os.environ, "GIT_AUTHOR_DATE": COMMIT_DATE, "GIT_COMMITTER_DATE": COMMIT_DATE,
           "GIT_AUTHOR_NAME": "t", "GIT_AUTHOR_EMAIL": "t@example.org",
           "GIT_COMMITTER_NAME": "t", "GIT_COMMITTER_EMAIL": "t@example.org"}
    subprocess.run(["git", "-C", str(folder), *args], check=True, capture_output=True, env=env)


def build(folder: Path) -> Path:
    out = subprocess.run([str(JB), "build", str(folder), "-W", "-n", "--keep-going"],
                         capture_output=True, text=True, timeout=600)
    assert out.returncode == 0, out.stdout[-3000:] + out.stderr[-3000:]
    return folder / "_build" / "html"


def files(site: Path) -> dict[str, bytes]:
    return {p.relative_to(site).as_posix(): p.read_bytes() for p in sorted(site.rglob("*")) if p.is_file()}


def _volatile(name: str, a: bytes, b: bytes) -> bool:
    for glob, pattern in VOLATILE:
        if Path(name).match(glob):
            strip = re.compile(pattern.encode(), re.S)
            if strip.sub(b"", a) == strip.sub(b"", b):
                return True
    return False


@pytest.fixture(scope="module")
def two_builds(tmp_path_factory):
    """One commit, cloned twice; each clone built from scratch."""
    origin = fixture_book(tmp_path_factory.mktemp("repro") / "origin")
    git(origin, "init", "-q")
    git(origin, "add", ".")
    git(origin, "commit", "-q", "-m", "fixture")
    sites = []
    for name in ("clone-a", "clone-b"):
        clone = origin.parent / name
        subprocess.run(["git", "clone", "-q", str(origin), str(clone)], check=True)
        sites.append(build(clone))
    return sites


def test_two_builds_of_one_commit_are_byte_identical(two_builds):
    a, b = (files(site) for site in two_builds)
    assert sorted(a) == sorted(b), "the two builds wrote different files"
    differ = [name for name in a if a[name] != b[name] and not _volatile(name, a[name], b[name])]
    assert differ == [], f"files that differ between two builds of one commit: {differ}"


def test_last_updated_is_the_commit_date_not_the_build_day(two_builds):
    page = (two_builds[0] / "chapter.html").read_text("utf-8")
    assert f"Last updated on {SHOWN_DATE}" in page
    from datetime import date
    today = date.today().strftime("%d %B %Y").lstrip("0")
    assert today not in page and date.today().strftime("%b %d, %Y") not in page


def test_a_page_outside_git_has_no_date(tmp_path):
    site = build(fixture_book(tmp_path / "book"))
    page = (site / "chapter.html").read_text("utf-8")
    assert "Last updated" not in page and "docbuild:last-update" not in page
