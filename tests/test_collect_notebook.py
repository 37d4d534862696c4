"""exercises/collect-answers.ipynb run in a real kernel on a folder of hostile hand-ins
(issue 12 section 1; the reliability report's D1): no unescaped markup reaches any output,
and in Chromium no injected element or script runs."""

from __future__ import annotations

import base64
import json
import re
from pathlib import Path

import nbformat
import pytest

from govmig.exercises import load, store
from govmig.exercises.catalogue import book_version

from conftest import ROOT

SPECS = ROOT / "exercises" / "specs"
NOTEBOOK = ROOT / "exercises" / "collect-answers.ipynb"
XSS = '</script><img src=x onerror=window.__xss=(window.__xss||0)+1><script>window.__xss=(window.__xss||0)+1</script>'
MARKUP = re.compile(r"<\s*(img|script|svg|iframe)\b", re.I)
DRAWING = re.compile(r'<img src="data:image/svg\+xml;base64,([A-Za-z0-9+/=]+)"')


def _valid(name: str = "Student") -> dict:
    """A genuine export of chapter 1's first choice exercise (answered right)."""
    ex = next(ex for ex in load("iom", SPECS) if ex.spec["kind"] == "choice")
    answers = {ex.id: {"chapter": "iom", "response": ex.spec["answer"], "status": "correct", "attempts": 1,
                       "updated": "2026-12-01T10:00:00+00:00"}}
    return store.export_doc("iom", answers, name=name, book=book_version(SPECS))


def hostile_folder(folder: Path) -> Path:
    folder.mkdir()
    d1 = {"format": "governing-migration-answers", "version": 1, "chapter": "iom",
          "answers": {"iom-x" + XSS: {"status": "wrong", "attempts": 1}}}
    (folder / "d1.json").write_text(json.dumps(d1))
    for field in ("chapter", "exported", "book", "format"):
        doc = _valid(field)
        doc[field] = "iom" + XSS
        (folder / f"{field}.json").write_text(json.dumps(doc))
    doc = _valid("status")
    next(iter(doc["answers"].values()))["status"] = XSS
    (folder / "status.json").write_text(json.dumps(doc))
    doc = _valid(XSS)  # a name full of markup: read, and shown escaped
    next(iter(doc["answers"].values()))["response"] = XSS
    (folder / "name.json").write_text(json.dumps(doc))
    (folder / ("file" + XSS.replace("/", "_") + ".json")).write_text(json.dumps(_valid("file name")))
    return folder


@pytest.fixture(scope="module")
def executed(tmp_path_factory) -> nbformat.NotebookNode:
    from nbclient import NotebookClient

    folder = hostile_folder(tmp_path_factory.mktemp("hand-in") / "in")
    nb = nbformat.read(NOTEBOOK, as_version=4)
    setup = next(c for c in nb.cells if c.cell_type == "code" and "FOLDER = None" in c.source)
    setup.source = setup.source.replace("FOLDER = None", f"FOLDER = Path({str(folder)!r})")
    NotebookClient(nb, timeout=180, kernel_name="python3",
                   resources={"metadata": {"path": str(NOTEBOOK.parent)}}).execute()
    return nb


def _outputs(nb):
    for cell in nb.cells:
        for out in cell.get("outputs", []):
            if out.output_type == "error":
                pytest.fail(f"the notebook raised: {out.ename}: {out.evalue}")
            texts = [out.get("text", "")] + [v if isinstance(v, str) else json.dumps(v) for v in out.get("data", {}).values()]
            yield cell.source, "\n".join(texts)


def test_notebook_shows_no_markup_from_the_files(executed):
    shown = list(_outputs(executed))
    assert any("d1.json" in text for _, text in shown), "the hostile file is reported by name"
    for source, text in shown:
        if "chart()" in source:  # the chart carries only the book's ids
            # Its one <img> is the chart's own drawing (a data: SVG, which JupyterLab shows
            # untrusted and a browser never runs script from); nothing from the files.
            drawings = DRAWING.findall(text)
            rest = DRAWING.sub("", text)
            assert "__xss" not in text and "<img" not in rest, source
            for encoded in drawings:
                svg = base64.b64decode(encoded).decode("utf-8")
                assert "__xss" not in svg and not re.search(r"<script|\son\w+=", svg, re.I), source
        else:
            assert not MARKUP.search(text), (source, text[:500])


@pytest.mark.browser
def test_injected_markup_does_not_run_in_chromium(executed, browser, tmp_path):
    """Every HTML output inserted as JupyterLab inserts a trusted output: as live DOM
    whose scripts run."""
    html = [text for cell in executed.cells for out in cell.get("outputs", [])
            for mime, text in out.get("data", {}).items() if mime == "text/html"]
    page_file = tmp_path / "collect.html"
    page_file.write_text("<!doctype html><meta charset=utf-8><body><div id=out></div><script>"
                         "const outs = " + json.dumps(html).replace("<", "\\u003c") + ";"
                         "for (const h of outs) { const d = document.createElement('div');"
                         " d.appendChild(document.createRange().createContextualFragment(h));"
                         " document.getElementById('out').appendChild(d); }</script></body>", "utf-8")
    context = browser.new_context()
    page = context.new_page()
    page.route("**/*", lambda r: r.continue_() if r.request.url.startswith("file://") else r.abort())
    page.goto(page_file.as_uri(), wait_until="load")
    page.wait_for_timeout(500)
    assert page.evaluate("document.querySelectorAll('#out table').length") >= 2, "the outputs were inserted"
    assert page.evaluate("window.__xss === undefined")
    # the chart's own drawing is the only image: a data: SVG, never a file's markup
    assert page.evaluate("document.querySelectorAll('img:not([src^=\"data:image/svg+xml;base64,\"]), [onerror]').length") == 0
    assert "d1.json" in page.inner_text("body")
    context.close()
