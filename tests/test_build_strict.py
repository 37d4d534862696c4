"""The book build is strict: a notebook that raises, or a broken citation, fails it.

(The real book's successful build is done by scripts/test.sh before pytest.)"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import nbformat
import pytest

from conftest import ROOT

pytestmark = pytest.mark.slow
JB = Path(sys.executable).parent / "jupyter-book"


def mini_book(folder: Path, code: str, prose: str) -> Path:
    (folder / "_config.yml").write_text(
        "title: t\nexecute: {execute_notebooks: force}\nbibtex_bibfiles: [refs.bib]\n"
        "sphinx:\n  extra_extensions: [govmig.sphinx]\n"
        f"  config: {{govmig_node_modules: '{ROOT / 'node_modules'}'}}\n")
    (folder / "_toc.yml").write_text("format: jb-book\nroot: intro\nchapters:\n  - file: nb\n")
    (folder / "intro.md").write_text(f"# Intro\n\n{prose}\n\n```{{bibliography}}\n```\n")
    (folder / "refs.bib").write_text("@misc{known, title={Known}, author={A. Author}, year={2020}}\n")
    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_markdown_cell("# Notebook"),
                                         nbformat.v4.new_code_cell(code)])
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    nbformat.write(nb, folder / "nb.ipynb")
    return folder


def build(folder: Path) -> subprocess.CompletedProcess:
    return subprocess.run([str(JB), "build", str(folder), "-W", "-n", "--keep-going"],
                          capture_output=True, text=True, timeout=300)


def test_a_clean_mini_book_builds(tmp_path):
    out = build(mini_book(tmp_path, "1 + 1", "See {cite:p}`known`."))
    assert out.returncode == 0, out.stdout[-2000:] + out.stderr[-2000:]


def test_a_notebook_that_raises_fails_the_build(tmp_path):
    out = build(mini_book(tmp_path, "raise ValueError('boom in a cell')", "See {cite:p}`known`."))
    assert out.returncode != 0 and "Executing notebook failed" in out.stdout + out.stderr


def test_an_unknown_citation_fails_the_build(tmp_path):
    out = build(mini_book(tmp_path, "1 + 1", "See {cite:p}`no_such_key`."))
    assert out.returncode != 0 and "no_such_key" in out.stdout + out.stderr


def test_notebooks_run_side_by_side_and_a_failing_one_still_fails_the_build(tmp_path, monkeypatch):
    """govmig.sphinx runs the notebooks without cached outputs two at a time (issue 19:
    build time), into myst-nb's cache; a notebook that raises is left to myst-nb, which
    fails the build as before."""
    monkeypatch.setenv("GOVMIG_JOBS", "2")
    book = mini_book(tmp_path, "print('first notebook ran')", "See {cite:p}`known`.")
    (book / "_config.yml").write_text((book / "_config.yml").read_text().replace("execute_notebooks: force",
                                                                                 "execute_notebooks: cache"))
    second = nbformat.v4.new_notebook(cells=[nbformat.v4.new_markdown_cell("# Second"),
                                             nbformat.v4.new_code_cell("print('second notebook ran')")])
    second.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    nbformat.write(second, book / "nb2.ipynb")
    (book / "_toc.yml").write_text("format: jb-book\nroot: intro\nchapters:\n  - file: nb\n  - file: nb2\n")
    out = build(book)
    assert out.returncode == 0, out.stdout[-2000:] + out.stderr[-2000:]
    assert "[govmig] running 2 notebooks, 2 at a time" in out.stdout
    assert "Executing notebook" not in out.stdout          # myst-nb found both in its cache
    assert "second notebook ran" in (book / "_build" / "html" / "nb2.html").read_text("utf-8")
    nbformat.write(nbformat.v4.new_notebook(cells=[nbformat.v4.new_markdown_cell("# Second"),
                                                   nbformat.v4.new_code_cell("raise ValueError('boom')")],
                                            metadata=second.metadata), book / "nb2.ipynb")
    first = nbformat.read(book / "nb.ipynb", as_version=4)
    first.cells[1].source = "print('first notebook, changed')"
    nbformat.write(first, book / "nb.ipynb")
    out = build(book)                                       # both run side by side; nb2 fails there
    assert "[govmig] running 2 notebooks, 2 at a time" in out.stdout
    assert out.returncode != 0 and "Executing notebook failed" in out.stdout + out.stderr
