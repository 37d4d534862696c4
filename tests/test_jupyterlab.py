"""A student in JupyterLab, offline: JupyterLab from the student environment (the one
Binder makes, tests/test_binder_env.py) on 127.0.0.1, a chapter notebook with charts
run top to bottom in headless Chromium with every request to another host blocked.
Charts draw, no request leaves the machine, and MyST markup reads as prose.

Charts as a student first meets them (issue 25 M1, M2): the copy's outputs are made by the
book's own run (scripts/run-notebooks.py), then the notebook is opened fresh, untrusted, as
on Binder: every chart shows as a drawing with its description before any run, and again
after Run All, a save and a reopen (no "Error displaying widget")."""

from __future__ import annotations

import os
import re
import shutil
import socket
import subprocess
import time
import urllib.request
from pathlib import Path
from urllib.parse import urlparse

import nbformat
import pytest

from conftest import ROOT
from test_binder_env import student_env

pytestmark = [pytest.mark.slow, pytest.mark.browser]
NOTEBOOK = "chapters/iom/iom-in-numbers.ipynb"
CONFIG = """\
c.ServerApp.ip = "127.0.0.1"
c.ServerApp.port = {port}
c.ServerApp.open_browser = False
c.ServerApp.allow_root = True
c.IdentityProvider.token = ""
c.PasswordIdentityProvider.hashed_password = ""
c.ServerApp.disable_check_xsrf = True
c.ServerApp.root_dir = {root!r}
c.LabApp.expose_app_in_browser = True
c.LabApp.news_url = None
c.LabApp.check_for_updates_class = "jupyterlab.NeverCheckForUpdate"
"""


def expected_charts(path) -> int:
    """Charts the notebook shows: outputs the book's renderer made (stored by run-notebooks)."""
    nb = nbformat.read(path, as_version=4)
    return sum(1 for c in nb.cells if c.cell_type == "code" for o in c.get("outputs", [])
               if 'class="gm-chart"' in "".join(o.get("data", {}).get("text/html", "")))


def rerun_as_the_book_does(path: Path) -> None:
    """Store the notebook's outputs as scripts/run-notebooks.py does (live rendering)."""
    import sys

    sys.path.insert(0, str(ROOT / "scripts"))
    import importlib
    runner = importlib.import_module("run-notebooks")
    saved = os.environ.pop("GOVMIG_RENDER", None)
    runner.ROOT = path.parents[2]          # it names the notebook relative to the book it is in
    try:
        runner.run(path)
    finally:
        if saved is not None:
            os.environ["GOVMIG_RENDER"] = saved


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def lab(tmp_path_factory):
    """JupyterLab on 127.0.0.1, serving a copy of the notebook's chapter with the book's data."""
    target = os.environ.get("GOVMIG_STUDENT_VENV")
    python = student_env(Path(target) if target else tmp_path_factory.getbasetemp() / "binder-venv")
    work = tmp_path_factory.mktemp("lab")
    root, home = work / "book", work / "home"
    (root / "chapters").mkdir(parents=True)
    home.mkdir()
    shutil.copytree(ROOT / os.path.dirname(NOTEBOOK), root / os.path.dirname(NOTEBOOK),
                    ignore=shutil.ignore_patterns(".ipynb_checkpoints", "_build"))
    (root / "data").symlink_to(ROOT / "data")
    (root / "exercises").mkdir()
    (root / "exercises" / "specs").symlink_to(ROOT / "exercises" / "specs")
    rerun_as_the_book_does(root / NOTEBOOK)
    port = free_port()
    config = work / "config"
    config.mkdir()
    (config / "jupyter_lab_config.py").write_text(CONFIG.format(port=port, root=str(root)))
    env = {k: v for k, v in os.environ.items() if not k.startswith(("GOVMIG_RENDER", "VIRTUAL_ENV", "JUPYTER"))}
    env.update(HOME=str(home), JUPYTER_CONFIG_DIR=str(config), PATH=f"{python.parent}:{env.get('PATH', '')}",
               GOVMIG_ANSWERS=str(work / "answers.json"))
    log = (work / "lab.log").open("w")
    server = subprocess.Popen([str(python.parent / "jupyter"), "lab"], cwd=root, env=env, stdout=log,
                              stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}"
    try:
        for _ in range(240):
            try:
                urllib.request.urlopen(f"{url}/api/status", timeout=2)
                break
            except OSError:
                if server.poll() is not None:
                    pytest.fail("JupyterLab exited:\n" + (work / "lab.log").read_text()[-3000:])
                time.sleep(0.5)
        else:
            pytest.fail("JupyterLab did not answer on 127.0.0.1 within 2 minutes")
        yield url, root
    finally:
        server.terminate()
        try:
            server.wait(timeout=20)
        except subprocess.TimeoutExpired:
            server.kill()
        log.close()


@pytest.fixture(scope="module")
def ran(lab, browser):
    """The notebook opened and run (Run All) with every other host blocked."""
    url, root = lab
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    outside, errors = [], []

    def route(r):
        host = urlparse(r.request.url).hostname
        if host in ("127.0.0.1", "localhost") or r.request.url.startswith(("data:", "blob:")):
            return r.continue_()
        outside.append(r.request.url)
        return r.abort("internetdisconnected")

    context.route("**/*", route)
    page = context.new_page()
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.goto(f"{url}/lab/tree/{NOTEBOOK}?reset", wait_until="domcontentloaded", timeout=120_000)
    page.wait_for_function("""() => {
        const w = window.jupyterapp && window.jupyterapp.shell.currentWidget;
        const k = w && w.sessionContext && w.sessionContext.session && w.sessionContext.session.kernel;
        return k && k.status === 'idle' && w.content && w.content.widgets.length > 0;
    }""", timeout=120_000)
    started = time.monotonic()
    page.evaluate("() => window.jupyterapp.commands.execute('notebook:run-all-cells')")
    page.wait_for_function("""() => {
        const w = window.jupyterapp.shell.currentWidget;
        const cells = w.content.widgets.filter(c => c.model.type === 'code');
        return cells.every(c => c.model.executionCount !== null)
            && w.sessionContext.session.kernel.status === 'idle';
    }""", timeout=120_000)
    # Let widgets and lazily drawn outputs settle, then visit every cell so that each renders.
    page.evaluate("""async () => {
        const w = window.jupyterapp.shell.currentWidget;
        for (const cell of w.content.widgets) { cell.node.scrollIntoView(); await new Promise(r => setTimeout(r, 50)); }
    }""")
    page.wait_for_timeout(3000)
    yield page, outside, errors, time.monotonic() - started
    context.close()


def drawn_charts(page) -> list[dict]:
    """Each chart output, scrolled into view: its drawing (the SVG as an image, or a live
    view's SVG), whether it loaded, its width and its marks."""
    return page.evaluate("""async () => {
        // Cell by cell: JupyterLab attaches a cell's outputs only while the cell is in view.
        const w = window.jupyterapp.shell.currentWidget;
        const outs = [];
        for (const cell of w.content.widgets) {
            if (cell.model.type !== 'code') continue;
            cell.node.scrollIntoView();
            await new Promise(r => setTimeout(r, 300));
            outs.push(...[...cell.node.querySelectorAll('.jp-OutputArea-output')]
                .filter(o => o.querySelector('.gm-chart, .vega-embed')));
        }
        const marksIn = (svg) => svg.querySelectorAll('g[class*="mark-"] > path, g[class*="mark-"] > rect,'
            + ' g[class*="mark-"] > circle, g[class*="mark-"] > line, g[class*="mark-"] > text').length;
        const found = [];
        for (const out of outs) {
            out.scrollIntoView();
            await new Promise(r => setTimeout(r, 500));
            const imgs = [...out.querySelectorAll('img[src^="data:image/svg+xml"]')];
            const svgs = [...out.querySelectorAll('svg')].filter(s => s.querySelector('g[class*="mark-"]'));
            let marks = svgs.reduce((n, s) => n + marksIn(s), 0);
            for (const img of imgs) {
                const doc = new DOMParser().parseFromString(atob(img.src.split(',')[1]), 'image/svg+xml');
                marks += marksIn(doc);
            }
            found.push({
                svgs: svgs.length + imgs.filter(i => i.complete && i.naturalWidth > 0).length,
                widths: [...svgs, ...imgs].map(s => s.getBoundingClientRect().width),
                marks,
                label: (out.querySelector('img[alt], [aria-label]') || out).getAttribute('alt')
                    || (out.querySelector('[aria-label]') || out).getAttribute('aria-label') || '',
                description: (out.querySelector('.gm-chart-description') || {textContent: ''}).textContent,
            });
        }
        return found;
    }""")


def charts_shown(page, want: int, tries: int = 3) -> list[dict]:
    """drawn_charts, again while fewer than `want` are attached (JupyterLab renders lazily)."""
    charts = []
    for _ in range(tries):
        charts = drawn_charts(page)
        if len(charts) >= want:
            break
        page.wait_for_timeout(2000)
    return charts


def open_notebook(browser, url, outside):
    """A fresh page with the notebook open (kernel idle), other hosts blocked."""
    context = browser.new_context(viewport={"width": 1280, "height": 900})

    def route(r):
        host = urlparse(r.request.url).hostname
        if host in ("127.0.0.1", "localhost") or r.request.url.startswith(("data:", "blob:")):
            return r.continue_()
        outside.append(r.request.url)
        return r.abort("internetdisconnected")

    context.route("**/*", route)
    page = context.new_page()
    page.goto(f"{url}/lab/tree/{NOTEBOOK}?reset", wait_until="domcontentloaded", timeout=120_000)
    page.wait_for_function("""() => {
        const w = window.jupyterapp && window.jupyterapp.shell.currentWidget;
        return w && w.content && w.content.widgets.length > 0 && w.context && w.context.isReady;
    }""", timeout=120_000)
    page.wait_for_timeout(1500)
    # JupyterLab lays out only the cells in view: visit each so that every output renders.
    page.evaluate("""async () => {
        const w = window.jupyterapp.shell.currentWidget;
        for (const cell of w.content.widgets) { cell.node.scrollIntoView(); await new Promise(r => setTimeout(r, 80)); }
    }""")
    page.wait_for_timeout(1500)
    return context, page


def test_stored_charts_show_untrusted_before_any_run(lab, browser):
    """Opened fresh (untrusted, as on Binder): each stored chart is a drawing, not its axis
    labels run together; its description is there; no widget error."""
    url, root = lab
    outside = []
    context, page = open_notebook(browser, url, outside)
    try:
        assert page.evaluate("() => window.jupyterapp.shell.currentWidget.content.model.cells.get(0) !== undefined")
        trusted = page.evaluate("""() => { const m = window.jupyterapp.shell.currentWidget.content.model;
            return [...Array(m.cells.length).keys()].map(i => m.cells.get(i)).filter(c => c.type === 'code')
                   .every(c => c.trusted); }""")
        assert trusted is False                       # as a student first opens it
        charts = charts_shown(page, expected_charts(root / NOTEBOOK))
        assert len(charts) == expected_charts(root / NOTEBOOK) >= 1, charts
        assert all(c["svgs"] >= 1 and c["marks"] >= 5 and min(c["widths"]) > 100 for c in charts), charts
        assert all(len(c["description"]) > 40 for c in charts), charts
        assert "Error displaying widget" not in page.inner_text(".jp-Notebook")
        assert outside == []
    finally:
        context.close()


def test_charts_draw_offline(ran):
    page, outside, errors, seconds = ran
    charts = drawn_charts(page)
    want = expected_charts(ROOT / NOTEBOOK)
    assert want >= 1
    assert len(charts) == want, charts
    assert all(c["svgs"] >= 1 and c["marks"] >= 5 for c in charts), charts
    shown = page.inner_text(".jp-Notebook")
    assert "Error loading script" not in shown and "Error displaying widget" not in shown


def test_every_chart_is_visible(ran):
    page = ran[0]
    charts = drawn_charts(page)
    assert charts and all(min(c["widths"] or [0]) > 100 for c in charts), charts


def test_no_request_leaves_the_machine(ran):
    page, outside, errors, seconds = ran
    assert outside == []
    # Errors about loading (scripts, modules, fetches); JupyterLab's own UI races are not ours.
    assert [e for e in errors if re.search(r"load|fetch|script|import|vega|http", e, re.I)] == []


def test_myst_reads_as_prose(ran):
    page, outside, errors, seconds = ran
    # jupyterlab-myst renders each Markdown cell into a .myst widget (textContent: cells
    # out of view are not laid out, so innerText would be empty).
    prose = page.evaluate("() => [...document.querySelectorAll('.jp-MarkdownCell .myst')].map(e => e.textContent).join('\\n')")
    cells = sum(1 for c in nbformat.read(ROOT / NOTEBOOK, as_version=4).cells if c.cell_type == "markdown")
    assert page.evaluate("() => document.querySelectorAll('.jp-MarkdownCell .myst').length") == cells
    assert "IOM" in prose
    # jupyterlab-myst has no {glue:text}: it shows the glued name, not the number (see the guide).
    for raw in ("(iom-in-numbers)=", "{cite:p}", "{numref}", "{ref}", "{glue:text}", "```{"):
        assert raw not in prose, raw


def test_charts_survive_a_save_and_reopen(ran, lab, browser):
    """After Run All and a save, the reopened notebook shows drawings, not "model not found"."""
    page = ran[0]
    page.evaluate("() => window.jupyterapp.commands.execute('docmanager:save')")
    page.wait_for_timeout(2000)
    url, root = lab
    stored = nbformat.read(root / NOTEBOOK, as_version=4)
    views = [o for c in stored.cells if c.cell_type == "code" for o in c.outputs
             if "application/vnd.jupyter.widget-view+json" in o.get("data", {})]
    assert views == []                                # nothing in the saved file needs a live kernel
    outside = []
    context, again = open_notebook(browser, url, outside)
    try:
        charts = charts_shown(again, expected_charts(ROOT / NOTEBOOK))
        assert len(charts) == expected_charts(ROOT / NOTEBOOK), charts
        assert all(c["svgs"] >= 1 and c["marks"] >= 5 for c in charts), charts
        assert "Error displaying widget" not in again.inner_text(".jp-Notebook")
    finally:
        context.close()


def test_the_interactive_chart_comes_when_asked(ran):
    """govmig.charts.live() in a new cell gives the last chart as a live, offline widget."""
    page, outside, errors, seconds = ran
    page.evaluate("""async () => {
        const app = window.jupyterapp, w = app.shell.currentWidget;
        w.content.activeCellIndex = w.content.widgets.length - 1;
        await app.commands.execute('notebook:insert-cell-below');
        w.content.activeCell.model.sharedModel.setSource('import govmig.charts\\ngovmig.charts.live()');
        await app.commands.execute('notebook:run-cell');
    }""")
    page.wait_for_function("""() => {
        const cell = window.jupyterapp.shell.currentWidget.content.widgets.at(-1);
        const svg = cell && cell.node.querySelector('.vega-embed svg');
        return svg && svg.querySelectorAll('g[class*="mark-"] > *').length > 5;
    }""", timeout=60_000)
    assert outside == []
