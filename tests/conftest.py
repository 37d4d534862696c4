"""Shared fixtures: paths, the built site served on 127.0.0.1, headless Chromium."""

from __future__ import annotations

import functools
import http.server
import os
import threading
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
# GOVMIG_SITE / GOVMIG_INSTRUCTOR_SITE: test a build made elsewhere (e.g. --path-output /tmp/x).
SITE = Path(os.environ.get("GOVMIG_SITE") or ROOT / "_build" / "html")


def toc_files(path: Path) -> set[str]:
    """Every `file:` entry of a jupyter-book table of contents."""
    import yaml

    def walk(node):
        if isinstance(node, dict):
            if "file" in node:
                yield node["file"]
            for value in node.values():
                yield from walk(value)
        elif isinstance(node, list):
            for value in node:
                yield from walk(value)
    return set(walk(yaml.safe_load(path.read_text("utf-8"))))

# --- Notebooks' stored outputs, for the tests that hold prose to the data (REVISION-GUIDE 4)
def glued(path: Path, strip_quotes: bool = True) -> dict[str, str]:
    """{name: stored text} for every glue output of a notebook."""
    import json

    values = {}
    for cell in json.loads(path.read_text("utf-8"))["cells"]:
        for out in cell.get("outputs", []):
            name = out.get("metadata", {}).get("scrapbook", {}).get("name")
            if name:
                text = out["data"]["application/papermill.record/text/plain"]
                values[name] = text.strip("'\"") if strip_quotes else text
    return values


def markdown_text(path: Path) -> str:
    """A notebook's Markdown cells, joined."""
    import json

    return "\n".join("".join(c["source"]) for c in json.loads(path.read_text("utf-8"))["cells"]
                     if c["cell_type"] == "markdown")


def outputs_text(path: Path) -> str:
    """Every stream and text/plain output of a notebook, joined."""
    import json

    texts = []
    for cell in json.loads(path.read_text("utf-8"))["cells"]:
        for out in cell.get("outputs", []):
            data = out.get("data", {})
            texts.append("".join(out.get("text", "")) + "".join(data.get("text/plain", "")))
    return "\n".join(texts)


CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync"]


@pytest.fixture(autouse=True)
def _answers_elsewhere(tmp_path, monkeypatch):
    """Never touch the developer's own saved answers."""
    monkeypatch.setenv("GOVMIG_ANSWERS", str(tmp_path / "answers.json"))


@pytest.fixture(scope="session")
def site() -> Path:
    if not (SITE / "index.html").is_file():
        pytest.fail("the book is not built: run scripts/build.sh (scripts/test.sh builds it first)")
    return SITE


class _Quiet(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args):
        pass


def _serve(directory: Path):
    handler = functools.partial(_Quiet, directory=str(directory))
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}"
    httpd.shutdown()


@pytest.fixture(scope="session")
def server(site):
    yield from _serve(site)


INSTRUCTOR_SITE = Path(os.environ.get("GOVMIG_INSTRUCTOR_SITE") or ROOT / "_build" / "instructor" / "html")


@pytest.fixture(scope="session")
def instructor_server():
    if not (INSTRUCTOR_SITE / "index.html").is_file():
        pytest.fail("instructor edition not built: scripts/test.sh builds it (scripts/build.sh --instructor)")
    yield from _serve(INSTRUCTOR_SITE)


@pytest.fixture(scope="session")
def browser():
    from playwright.sync_api import sync_playwright

    if not Path(CHROMIUM).exists():
        pytest.fail(f"{CHROMIUM} missing: scripts/test.sh installs Debian's chromium")
    with sync_playwright() as pw:
        chromium = pw.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()
