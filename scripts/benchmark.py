"""Benchmark the book (not a test): clean build, cached rebuild, notebook execution,
bytes per page. Writes benchmarks/latest.md and benchmarks/latest.json.

    .venv/bin/python scripts/benchmark.py        (after scripts/build.sh has set up .venv)

Bytes per page are what a first visit transfers, uncompressed: the HTML plus every
script, stylesheet, image and font the page loads in headless Chromium.
"""

from __future__ import annotations

import functools
import http.server
import json
import os
import platform
import shutil
import subprocess
import sys
import threading
import time
from datetime import datetime, timezone
from pathlib import Path

import nbformat
from nbclient import NotebookClient

ROOT = Path(__file__).resolve().parent.parent
BUILD = ROOT / "_build"
JB = Path(sys.executable).parent / "jupyter-book"


def timed_build() -> float:
    start = time.perf_counter()
    subprocess.run([str(JB), "build", str(ROOT), "-W", "-n", "--keep-going"], check=True,
                   stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    return time.perf_counter() - start


def notebook_times() -> dict[str, float]:
    os.environ["GOVMIG_ANSWERS"] = str(BUILD / "bench-answers.json")
    times = {}
    for path in sorted((ROOT / "chapters").rglob("*.ipynb")) + sorted((ROOT / "exercises").rglob("*.ipynb")):
        nb = nbformat.read(path, as_version=4)
        start = time.perf_counter()
        NotebookClient(nb, timeout=300, kernel_name="python3",
                       resources={"metadata": {"path": str(path.parent)}}).execute()
        times[path.relative_to(ROOT).as_posix()] = time.perf_counter() - start
    return times


def page_bytes() -> dict[str, int]:
    from playwright.sync_api import sync_playwright

    site = BUILD / "html"
    handler = functools.partial(http.server.SimpleHTTPRequestHandler, directory=str(site))
    handler.log_message = lambda *a: None
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    base = f"http://127.0.0.1:{httpd.server_address[1]}/"
    pages = sorted(p.relative_to(site).as_posix() for p in site.rglob("*.html")
                   if "_static" not in p.parts and "_sources" not in p.parts)
    sizes = {}
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path="/usr/bin/chromium",
                                     args=["--no-sandbox", "--disable-gpu", "--disable-background-networking"])
        for rel in pages:
            page = browser.new_context().new_page()
            loaded: list[str] = []
            page.on("requestfinished", lambda r: loaded.append(r.url))
            page.goto(base + rel, wait_until="networkidle")
            total = 0
            for url in set(loaded):
                local = site / url.split("?")[0].removeprefix(base)
                total += local.stat().st_size if local.is_file() else 0
            sizes[rel] = total
            page.context.close()
        browser.close()
    httpd.shutdown()
    return sizes


def main() -> None:
    shutil.rmtree(BUILD, ignore_errors=True)
    clean = timed_build()
    cached = timed_build()
    results = {
        "date": datetime.now(timezone.utc).isoformat(timespec="seconds"),
        "machine": f"{platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}",
        "clean_build_s": round(clean, 1),
        "cached_rebuild_s": round(cached, 1),
        "notebook_execution_s": {k: round(v, 1) for k, v in notebook_times().items()},
        "bytes_per_page": page_bytes(),
    }
    (ROOT / "benchmarks" / "latest.json").write_text(json.dumps(results, indent=2) + "\n")
    lines = [
        "# Benchmark: latest numbers", "",
        f"Measured {results['date']} on {results['machine']} by `scripts/benchmark.py`.", "",
        "| measure | value |", "|---|---|",
        f"| clean build (`jupyter-book build . -W -n`, notebooks executed) | {clean:.1f} s |",
        f"| cached rebuild (nothing changed) | {cached:.1f} s |", "",
        "## Notebook execution (fresh kernel, live rendering)", "", "| notebook | seconds |", "|---|---|",
        *[f"| `{k}` | {v} |" for k, v in results["notebook_execution_s"].items()], "",
        "## Bytes per page (first visit, uncompressed: HTML, scripts, styles, fonts)", "",
        "| page | KB |", "|---|---|",
        *[f"| `{k}` | {v / 1024:.0f} |" for k, v in results["bytes_per_page"].items()], "",
    ]
    (ROOT / "benchmarks" / "latest.md").write_text("\n".join(lines))
    print("\n".join(lines))


if __name__ == "__main__":
    main()
