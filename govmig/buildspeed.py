"""Build speed (issue 19): the book's clean build on all of the machine's cores.

A clean build is mostly its notebooks: 13 fresh kernels, each starting, importing pandas
and Altair and drawing its charts (about 20 CPU-seconds in all, measured December 2026),
beside about 8 CPU-seconds of Sphinx's own work. myst-nb runs the notebooks one after
another, and jupyter-book 1.x's command line offers no `-j`, so out of the box one core
does everything. Here:

- the notebooks without cached outputs start running as soon as the configuration is
  known, side by side, largest first, into myst-nb's own execution cache (which the
  build then reads as usual; a notebook that fails here is left to myst-nb, which runs it
  again and reports it);
- Sphinx reads the other pages meanwhile, then the notebooks in the order they started,
  waiting for one only when it reaches it;
- once every page is read, pages are written in forked processes, as `sphinx-build -j`
  does (reading stays serial: the notebooks have their own pool);
- pure work Sphinx repeats thousands of times is remembered: pybtex's style plugins, each
  bibliography entry's formatting (done once for the list and again for its tooltip) and
  the search index's word stems; and the garbage collector runs less often.

None of this changes a page: Sphinx writes pages in name order after reading them all, and
`tests/test_buildspeed.py` checks each piece, and that a mini book comes out the same
byte for byte either way. `GOVMIG_JOBS` sets the number of processes (1: notebooks run,
and pages are written, one at a time).
"""

from __future__ import annotations

import os
import signal
from functools import lru_cache
from pathlib import Path
from typing import Any

from sphinx.application import Sphinx
from sphinx.util import logging

logger = logging.getLogger(__name__)


def jobs() -> int:
    """Processes to run side by side: $GOVMIG_JOBS, else one more than the machine's cores
    (a kernel's start and stop are partly waits, which the extra process fills)."""
    return max(1, int(os.environ.get("GOVMIG_JOBS") or (os.cpu_count() or 1) + 1))


# -- notebooks ---------------------------------------------------------------------------

def _execute_one(path: str, timeout: int, allow_errors: bool) -> tuple[str, Any, float, str | None]:
    """Run one notebook in a fresh kernel (in a worker process); myst-nb's own function."""
    import nbformat
    from jupyter_cache.executors.utils import single_nb_execution

    nb = nbformat.read(path, as_version=4)
    result = single_nb_execution(nb, cwd=str(Path(path).parent), timeout=timeout,
                                 allow_errors=allow_errors, meta_override=True)
    return path, nb, result.time, (result.exc_string if result.err is not None else None)


def _notebooks(app: Sphinx, config: Any) -> dict[str, str]:
    """{path: docname} of the notebooks Sphinx will find, as it finds them (its Project,
    with the exclusions Sphinx applies), less those myst-nb is told not to execute."""
    from sphinx.project import Project

    project = Project(app.srcdir, {".ipynb": "jupyter_notebook"})
    excluded = [*config.exclude_patterns, *config.templates_path, *config.html_static_path,
                *config.html_extra_path]
    found = {}
    for doc in sorted(project.discover(excluded, config.include_patterns)):
        path = Path(project.doc2path(doc, absolute=True))
        if not any(path.match(p) for p in config.nb_execution_excludepatterns):
            found[str(path)] = doc
    return found


def _uncached(cache: Any, notebooks: dict[str, str]) -> dict[str, str]:
    import nbformat

    if not cache.list_cache_records():   # a clean build: nothing to compare
        return dict(notebooks)
    todo = {}
    for path, doc in notebooks.items():
        try:
            cache.match_cache_notebook(nbformat.read(path, as_version=4))
        except KeyError:
            todo[path] = doc
    return todo


def start_notebooks(app: Sphinx, config: Any) -> None:
    """config-inited (after govmig.sphinx has refreshed the cache): start the notebooks
    that have no cached outputs, largest first (size on disk stands in for running time,
    so that the long ones do not finish last)."""
    from concurrent.futures import ProcessPoolExecutor

    app.govmig_running = None
    if config.nb_execution_mode != "cache" or app.parallel > 1:   # sphinx-build -j reads in forks
        return
    from jupyter_cache import get_cache

    cache = get_cache(config.nb_execution_cache_path or Path(app.outdir).parent / ".jupyter_cache")
    todo = _uncached(cache, _notebooks(app, config))
    workers = min(len(todo), jobs())
    if workers < 2:
        return
    todo = dict(sorted(todo.items(), key=lambda item: (-Path(item[0]).stat().st_size, item[1])))
    logger.info(f"[govmig] running {len(todo)} notebooks, {workers} at a time")
    pool = ProcessPoolExecutor(max_workers=workers)
    stop_children_on_signals()
    app.govmig_running = {"cache": cache, "pool": pool, "docs": list(todo.values()), "futures": {
        path: pool.submit(_execute_one, path, config.nb_execution_timeout, config.nb_execution_allow_errors)
        for path in todo}}


def order_reading(app: Sphinx, env: Any, docnames: list[str]) -> None:
    """env-before-read-docs: the running notebooks last, in the order they started."""
    running = getattr(app, "govmig_running", None)
    if running:
        last = [doc for doc in running["docs"] if doc in docnames]
        started = set(last)
        docnames[:] = [doc for doc in docnames if doc not in started] + last


def collect_notebook(app: Sphinx, docname: str, source: list[str]) -> None:
    """source-read: before Sphinx reads a running notebook, wait for it and put its
    outputs in myst-nb's cache."""
    running = getattr(app, "govmig_running", None)
    if not running:
        return
    future = running["futures"].pop(str(Path(app.env.doc2path(docname))), None)
    if future is not None:
        _cache_result(running["cache"], future)
    if not running["futures"]:
        running["pool"].shutdown()
        app.govmig_running = None


def _cache_result(cache: Any, future: Any) -> None:
    from jupyter_cache.base import CacheBundleIn

    try:
        path, nb, seconds, error = future.result()
    except Exception as exc:  # noqa: BLE001  myst-nb runs it again and reports
        logger.info(f"[govmig] a notebook could not run in parallel: {exc}")
        return
    if error is None:
        cache.cache_notebook_bundle(CacheBundleIn(nb, path, data={"execution_seconds": seconds}),
                                    check_validity=False, overwrite=True)


def stop_running(app: Sphinx, *args: Any) -> None:
    """env-updated and build-finished: notebooks Sphinx never read (unchanged pages, or a
    failed build) are stopped or waited for; their outputs are not used."""
    running = getattr(app, "govmig_running", None)
    if running:
        for future in running["futures"].values():
            future.cancel()
        running["pool"].shutdown(wait=True, cancel_futures=True)
        app.govmig_running = None
    restore_signals()


# -- stopping: SIGTERM (a CI cancel, `timeout`) or SIGINT to the build process alone -----
# Without this, SIGTERM killed the build but left the pool's workers and their kernels
# running their notebooks, and SIGINT waited for every notebook to finish.

def descendants(pid: int) -> list[int]:
    """Every process below `pid` (from /proc; empty where there is none), children first."""
    found: list[int] = []
    stack = [pid]
    while stack:
        parent = stack.pop()
        try:
            tasks = os.listdir(f"/proc/{parent}/task")
        except OSError:
            continue
        for task in tasks:
            try:
                children = Path(f"/proc/{parent}/task/{task}/children").read_text().split()
            except OSError:
                continue
            for child in map(int, children):
                if child not in found:
                    found.append(child)
                    stack.append(child)
    return found


def stop_children(*_: Any) -> None:
    """Kill the notebooks' workers and their kernels (and anything they started)."""
    for pid in reversed(descendants(os.getpid())):
        try:
            os.kill(pid, signal.SIGKILL)
        except OSError:
            pass


_SAVED: dict[int, Any] = {}


def _on_signal(signum: int, frame: Any) -> None:
    stop_children()
    restore_signals()
    if signum == signal.SIGINT:
        raise KeyboardInterrupt
    os.kill(os.getpid(), signum)   # the default action, now that the children are gone


def stop_children_on_signals() -> None:
    """While notebooks run in the pool: SIGTERM and SIGINT stop them first (main thread only)."""
    import threading

    if threading.current_thread() is not threading.main_thread() or _SAVED:
        return
    for signum in (signal.SIGTERM, signal.SIGINT):
        _SAVED[signum] = signal.signal(signum, _on_signal)


def restore_signals() -> None:
    while _SAVED:
        signum, handler = _SAVED.popitem()
        signal.signal(signum, handler)


# -- writing -----------------------------------------------------------------------------

def write_in_parallel(app: Sphinx, env: Any) -> None:
    """env-updated: once every page is read, let Sphinx write them in forked processes
    (it resolves each page here and hands the HTML translation, the templates and the
    page handlers to the forks). Sphinx decides this after reading, from `app.parallel`,
    which jupyter-book leaves at 1; every extension of the book declares itself safe."""
    if app.parallel <= 1 and jobs() > 1:
        app.parallel = jobs()
        logger.info(f"[govmig] writing pages in {app.parallel - 1} processes beside this one")


# -- look-ups Sphinx repeats -------------------------------------------------------------

def remember_pybtex_plugins() -> None:
    """sphinxcontrib-bibtex asks pybtex for its style plugins on every citation (about
    1,100 in this book), and pybtex reads every installed package's entry points each time:
    about a fifth of a clean build. Entry points do not change while Sphinx runs, so the
    answers are remembered; plugins registered at run time are still looked up first."""
    import pybtex.plugin as plugin

    if getattr(plugin.entry_points, "govmig", False):
        return
    lookup = plugin.entry_points

    @lru_cache(maxsize=None)
    def remembered(group: str, name: str) -> tuple:
        return tuple(lookup(group=group, name=name))

    def entry_points(**kwargs: Any) -> Any:
        if set(kwargs) == {"group", "name"}:
            return remembered(kwargs["group"], kwargs["name"])
        return lookup(**kwargs)
    entry_points.govmig = True
    entry_points.cache_info = remembered.cache_info
    plugin.entry_points = entry_points


def remember_formatted_entries() -> None:
    """sphinxcontrib-bibtex formats each of the bibliography's entries twice with the same
    style object: once for the list, once for the tooltip of every citation of it (its
    `bibtex_tooltips_style` is unset, so the tooltip style is the list's style). pybtex's
    formatting is pure, so the second is the first, remembered on that style object (which
    lives for one bibliography): about 0.4 s of every build."""
    from pybtex.style.formatting import BaseStyle

    original = BaseStyle.format_entry
    if getattr(original, "govmig", False):
        return

    def format_entry(self: Any, label: str, entry: Any, bib_data: Any = None) -> Any:
        if bib_data is not None:
            return original(self, label, entry, bib_data=bib_data)
        remembered = self.__dict__.setdefault("_govmig_formatted", {})
        found = remembered.get((label, id(entry)))
        if found is None or found[0] is not entry:
            found = remembered[(label, id(entry))] = (entry, original(self, label, entry))
        return found[1]
    format_entry.govmig = True
    format_entry.original = original
    BaseStyle.format_entry = format_entry


def collect_garbage_less_often() -> None:
    """Sphinx keeps a large graph of long-lived objects (the environment, every page's
    doctree), and Python's cyclic garbage collector, run after every 700 new objects by
    default, walks it again and again (0.3 to 0.6 s of Sphinx's own 8 s here, measured in
    December 2026). It runs after every 50,000 instead, in the build's process only
    (notebooks' kernels are processes of their own)."""
    import gc

    first, *older = gc.get_threshold()
    if first < 50_000:
        gc.set_threshold(50_000, *older)


def remembering_english() -> type:
    """Sphinx's English search language, remembering each word's stem."""
    from sphinx.search.en import SearchEnglish

    class RememberingEnglish(SearchEnglish):
        """The search index stems every word of every page (about 32,000 here, most of
        them repeats); the Porter stemmer is pure, so each distinct word is stemmed once."""

        def init(self, options: dict[str, str]) -> None:
            super().init(options)
            self.stems: dict[str, str] = {}

        def stem(self, word: str) -> str:
            stem = self.stems.get(word)
            if stem is None:
                stem = self.stems[word] = super().stem(word)
            return stem

    return RememberingEnglish


def connect(app: Sphinx) -> None:
    """Called from govmig.sphinx's setup."""
    remember_pybtex_plugins()
    remember_formatted_entries()
    collect_garbage_less_often()
    app.add_search_language(remembering_english())
    app.connect("config-inited", start_notebooks, priority=900)
    app.connect("env-before-read-docs", order_reading)
    app.connect("source-read", collect_notebook)
    app.connect("env-updated", stop_running)
    app.connect("env-updated", write_in_parallel)
    app.connect("build-finished", stop_running)
