"""govmig.buildspeed (issue 19): notebooks side by side, pages written in parallel, and
look-ups remembered, without changing a page."""

from __future__ import annotations

import filecmp
import os
import shutil
import subprocess
from pathlib import Path
from types import SimpleNamespace

import nbformat
import pytest

from govmig import buildspeed
from test_build_strict import JB, mini_book


def test_jobs_is_one_more_than_the_cores_unless_set(monkeypatch):
    monkeypatch.delenv("GOVMIG_JOBS", raising=False)
    assert buildspeed.jobs() == (os.cpu_count() or 1) + 1
    monkeypatch.setenv("GOVMIG_JOBS", "1")
    assert buildspeed.jobs() == 1
    monkeypatch.setenv("GOVMIG_JOBS", "0")
    assert buildspeed.jobs() == 1


def _config(**overrides):
    values = dict(nb_execution_mode="cache", nb_execution_cache_path="", nb_execution_excludepatterns=[],
                  nb_execution_timeout=30, nb_execution_allow_errors=False, exclude_patterns=["_build", "skip/*"],
                  templates_path=[], html_static_path=[], html_extra_path=[], include_patterns=["**"])
    values.update(overrides)
    return SimpleNamespace(**values)


def _notebook(path: Path, cells: int) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    nbformat.write(nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(f"x = {i}") for i in range(cells)]), path)


def test_the_notebooks_are_those_sphinx_finds(tmp_path):
    for name in ("a.ipynb", "sub/b.ipynb", "_build/c.ipynb", "skip/d.ipynb", "slow/e.ipynb"):
        _notebook(tmp_path / name, 1)
    (tmp_path / "page.md").write_text("# Page\n")
    app = SimpleNamespace(srcdir=str(tmp_path))
    found = buildspeed._notebooks(app, _config(nb_execution_excludepatterns=["slow/*"]))
    assert found == {str(tmp_path / "a.ipynb"): "a", str(tmp_path / "sub" / "b.ipynb"): "sub/b"}


class FakePool:
    def __init__(self, max_workers):
        self.max_workers, self.submitted = max_workers, []

    def submit(self, fn, path, *args):
        self.submitted.append(path)
        return SimpleNamespace(path=path)


def test_notebooks_start_largest_first_and_are_read_last_in_that_order(tmp_path, monkeypatch):
    import concurrent.futures

    monkeypatch.setattr(concurrent.futures, "ProcessPoolExecutor", FakePool)
    monkeypatch.setenv("GOVMIG_JOBS", "3")
    _notebook(tmp_path / "small.ipynb", 1)
    _notebook(tmp_path / "large.ipynb", 40)
    _notebook(tmp_path / "middle.ipynb", 10)
    app = SimpleNamespace(srcdir=str(tmp_path), outdir=str(tmp_path / "_build" / "html"), parallel=1)
    buildspeed.start_notebooks(app, _config())
    pool = app.govmig_running["pool"]
    assert pool.max_workers == 3
    assert [Path(p).stem for p in pool.submitted] == ["large", "middle", "small"]
    docnames = ["intro", "large", "middle", "other", "small"]
    buildspeed.order_reading(app, None, docnames)
    assert docnames == ["intro", "other", "large", "middle", "small"]


def test_nothing_runs_beside_sphinx_when_it_reads_in_forks_or_with_one_job(tmp_path, monkeypatch):
    import concurrent.futures

    monkeypatch.setattr(concurrent.futures, "ProcessPoolExecutor", FakePool)
    _notebook(tmp_path / "a.ipynb", 1)
    _notebook(tmp_path / "b.ipynb", 1)
    for parallel, jobs in ((2, "3"), (1, "1")):
        monkeypatch.setenv("GOVMIG_JOBS", jobs)
        app = SimpleNamespace(srcdir=str(tmp_path), outdir=str(tmp_path / "_build" / "html"), parallel=parallel)
        buildspeed.start_notebooks(app, _config())
        assert app.govmig_running is None
        docnames = ["b", "a"]
        buildspeed.order_reading(app, None, docnames)
        assert docnames == ["b", "a"]


def test_pages_are_written_in_parallel_once_read(monkeypatch):
    monkeypatch.setenv("GOVMIG_JOBS", "3")
    app = SimpleNamespace(parallel=1)
    buildspeed.write_in_parallel(app, None)
    assert app.parallel == 3
    monkeypatch.setenv("GOVMIG_JOBS", "1")
    app = SimpleNamespace(parallel=1)
    buildspeed.write_in_parallel(app, None)
    assert app.parallel == 1


def test_pybtex_plugins_are_looked_up_once_per_build():
    """sphinxcontrib-bibtex asks for its style plugins on every citation; pybtex read all
    installed entry points each time (a fifth of a clean build)."""
    import pybtex.plugin

    buildspeed.remember_pybtex_plugins()
    buildspeed.remember_pybtex_plugins()   # idempotent: never wrapped twice
    before = pybtex.plugin.entry_points.cache_info()
    found = {pybtex.plugin.find_plugin("pybtex.style.formatting", "plain") for _ in range(5)}
    after = pybtex.plugin.entry_points.cache_info()
    assert len(found) == 1 and found.pop().__name__ == "Style"
    assert after.hits - before.hits >= 4 and after.misses - before.misses <= 1
    pybtex.plugin.register_plugin("pybtex.style.formatting", "govmig-test", pybtex.plugin.find_plugin("pybtex.style.formatting", "plain"))
    assert pybtex.plugin.find_plugin("pybtex.style.formatting", "govmig-test") is not None, "run-time plugins still found"


def test_each_bibliography_entry_is_formatted_once_per_style():
    """The list and the tooltips ask the same style object for the same entry: the second
    answer is the first; another label, entry or style is formatted anew."""
    from pybtex.database import Entry, Person
    from pybtex.plugin import find_plugin

    buildspeed.remember_formatted_entries()
    buildspeed.remember_formatted_entries()   # idempotent: never wrapped twice
    plain = find_plugin("pybtex.style.formatting", "plain")
    formatted = []

    class Counting(plain):
        def get_book_template(self, e):
            formatted.append(e.key)
            return super().get_book_template(e)

    def book(title):
        made = Entry("book", fields={"title": title, "publisher": "P", "year": "2020"})
        made.persons["author"] = [Person("Author, A.")]
        made.key = title.lower()
        return made

    style, other_style = Counting(), Counting()
    first, second = book("Governing Migration"), book("Partnership")
    listed, tooltip = style.format_entry("1", first), style.format_entry("1", first)
    assert tooltip.text.render_as("text") == listed.text.render_as("text")
    assert "Governing Migration" in listed.text.render_as("text") and listed.label == "1"
    assert formatted == ["governing migration"]
    style.format_entry("2", first)
    style.format_entry("1", second)
    other_style.format_entry("1", first)
    assert formatted == ["governing migration", "governing migration", "partnership", "governing migration"]
    assert plain().format_entry("1", first).text.render_as("text") == listed.text.render_as("text")


def test_the_garbage_collector_runs_less_often_in_the_build():
    import gc

    before = gc.get_threshold()
    try:
        gc.set_threshold(700, 10, 10)
        buildspeed.collect_garbage_less_often()
        assert gc.get_threshold() == (50_000, 10, 10)
        gc.set_threshold(100_000, 10, 10)
        buildspeed.collect_garbage_less_often()   # never lowered
        assert gc.get_threshold() == (100_000, 10, 10)
    finally:
        gc.set_threshold(*before)


WORDS = ("Migration migrations migrating governed governance Governing partnership partnerships "
         "consultative processes process regularisation detention détention IOM's 2018 "
         "the the the compacts compact").split()


def test_search_stems_are_sphinx_s_own_and_each_word_is_stemmed_once(monkeypatch):
    from sphinx.search.en import SearchEnglish

    remembering = buildspeed.remembering_english()(None)
    plain = SearchEnglish(None)
    assert [remembering.stem(w) for w in WORDS] == [plain.stem(w) for w in WORDS]
    calls = []
    stem_word = remembering.stemmer.stemWord
    monkeypatch.setattr(remembering.stemmer, "stemWord", lambda w: calls.append(w) or stem_word(w))
    remembering.stems.clear()
    for _ in range(3):
        for w in WORDS:
            remembering.stem(w)
    assert len(calls) == len(set(WORDS))


def test_the_book_registers_the_remembering_stemmer():
    registered = []
    app = SimpleNamespace(add_search_language=registered.append, connect=lambda *a, **k: None)
    buildspeed.connect(app)
    assert [cls.__name__ for cls in registered] == ["RememberingEnglish"]
    assert registered[0].lang == "en"


@pytest.mark.slow
def test_a_mini_book_is_the_same_built_either_way(tmp_path):
    """Side by side and in parallel (three jobs) against one at a time: the same files,
    byte for byte; and the log says the fast path was taken."""
    (tmp_path / "source").mkdir()
    source = mini_book(tmp_path / "source", "print('first notebook ran')", "See {cite:p}`known`.")
    config = source / "_config.yml"
    config.write_text(config.read_text().replace("execute_notebooks: force", "execute_notebooks: cache"))
    for n in (2, 3):
        nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_markdown_cell(f"# Notebook {n}"),
                                             nbformat.v4.new_code_cell(f"print('notebook {n} ran')")])
        nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
        nbformat.write(nb, source / f"nb{n}.ipynb")
    (source / "page.md").write_text("# A page\n\nGoverning migration, governed migrations.\n")
    (source / "_toc.yml").write_text("format: jb-book\nroot: intro\nchapters:\n  - file: nb\n"
                                     "  - file: page\n  - file: nb2\n  - file: nb3\n")
    sites = {}
    for jobs in ("1", "3"):
        book = shutil.copytree(source, tmp_path / f"jobs{jobs}")   # the same files, cell ids included
        out = subprocess.run([str(JB), "build", str(book), "-W", "-n", "--keep-going"], capture_output=True,
                             text=True, timeout=300, env={**os.environ, "GOVMIG_JOBS": jobs})
        assert out.returncode == 0, out.stdout[-2000:] + out.stderr[-2000:]
        fast = "[govmig] running 3 notebooks, 3 at a time" in out.stdout
        parallel = "[govmig] writing pages in 2 processes" in out.stdout
        assert (fast, parallel) == ((jobs == "3"),) * 2, out.stdout[-3000:]
        sites[jobs] = book / "_build" / "html"
    one, three = sites["1"], sites["3"]
    files = sorted(p.relative_to(one) for p in one.rglob("*") if p.is_file() and ".doctrees" not in p.parts)
    assert files == sorted(p.relative_to(three) for p in three.rglob("*") if p.is_file() and ".doctrees" not in p.parts)
    assert any(f.name == "searchindex.js" for f in files) and any(f.name == "nb3.html" for f in files)
    differ = [str(f) for f in files if not filecmp.cmp(one / f, three / f, shallow=False)]
    assert differ == []


# --- L11 of the third hostile review (issue 33): a signal to the build alone ---------------

SIGNALLED = r"""
import os, subprocess, sys, time
from concurrent.futures import ProcessPoolExecutor
from govmig import buildspeed

def work(_):
    kernel = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(300)"])  # stands in for a kernel
    time.sleep(300)

if __name__ == "__main__":
    pool = ProcessPoolExecutor(max_workers=2)
    futures = [pool.submit(work, n) for n in range(2)]
    if sys.argv[1] == "fixed":
        buildspeed.stop_children_on_signals()
    time.sleep(3)
    print(" ".join(map(str, buildspeed.descendants(os.getpid()))), flush=True)
    time.sleep(300)
"""


@pytest.mark.parametrize("signum", ["SIGTERM", "SIGINT"])
def test_a_signal_to_the_build_alone_stops_its_notebooks(tmp_path, signum):
    import signal
    import subprocess
    import sys
    import time

    script = tmp_path / "build.py"
    script.write_text(SIGNALLED, "utf-8")
    main = subprocess.Popen([sys.executable, str(script), "fixed"], stdout=subprocess.PIPE, text=True,
                            start_new_session=True)
    children = [int(p) for p in main.stdout.readline().split()]
    assert len(children) >= 4, children   # two workers, two "kernels"
    try:
        main.send_signal(getattr(signal, signum))
        main.wait(timeout=30)
        deadline = time.monotonic() + 10
        alive = children
        while alive and time.monotonic() < deadline:
            alive = [p for p in children if os.path.exists(f"/proc/{p}") and
                     "Z" not in open(f"/proc/{p}/stat").read().split(")")[-1].split()[0]]
            time.sleep(0.2)
        assert alive == [], f"left running after {signum}: {alive}"
    finally:
        os.killpg(main.pid, signal.SIGKILL)
