"""Benchmark the book side by side with the stock Jupyter Book template (not a test).

    .venv/bin/python scripts/benchmark.py          (after scripts/build.sh has set up .venv and npm)

What it does, all on this machine, in a scratch folder (never the book's own _build/):
1. `jupyter-book create` a template book with the same jupyter-book pin; builds it and the
   book (student edition) from scratch ("clean", notebooks executed) and again with nothing
   changed ("cached"), three times each, book and template in turns; the median seconds
   per page (every run is kept in latest.json).
2. Serves both sites from one local server, twice: plainly (like `python -m http.server`)
   and with gzip (like a static host).
3. Bytes per page: everything a first visit transfers, uncompressed (HTML, scripts,
   styles, fonts, images), for every page of both sites, in headless Chromium.
4. Lighthouse 12 (npm, mobile, offline, CHROME_PATH=/usr/bin/chromium) on the book's
   landing page, a narrative page, the heaviest chart page and an exercise page, and on
   the template's pages, on both servers: performance, accessibility, best practices, SEO.
5. What each file a first visit to the landing page and the heaviest chart page loads
   weighs, and what it is for.
6. The print edition (issue 20): the instructor edition built too, then scripts/pdf.py;
   seconds and the size of each PDF.
7. The lecture slides (issue 32): `python -m govmig.slides` on both built editions; seconds
   (decks, then LibreOffice's PDFs) and the size of each deck.
Writes benchmarks/latest.md and benchmarks/latest.json (issue 19's goals beside the figures).

    .venv/bin/python scripts/benchmark.py --slides-only   (after bash scripts/build.sh --slides)
measures step 7 alone on the editions already in _build/ and writes benchmarks/slides.md
and benchmarks/slides.json.
"""

from __future__ import annotations

import argparse
import functools
import gzip
import http.server
import json
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from datetime import datetime, timezone
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
JB = Path(sys.executable).parent / "jupyter-book"
LIGHTHOUSE = ROOT / "node_modules" / ".bin" / "lighthouse"
CHROMIUM = "/usr/bin/chromium"
COMPRESS = {".html", ".js", ".css", ".svg", ".json", ".txt", ".map", ".xml", ".ttf", ".eot", ".otf"}
CATEGORIES = ["performance", "accessibility", "best-practices", "seo"]


def run(cmd: list[str], check: bool = True, **kw) -> float:
    start = time.perf_counter()
    done = subprocess.run(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, **kw)
    if check and done.returncode != 0:
        raise subprocess.CalledProcessError(done.returncode, cmd)
    if done.returncode != 0:
        print(f"warning: {' '.join(cmd[:3])} ... exited {done.returncode} (pages are still written with --keep-going)")
    return time.perf_counter() - start


def pages_of(site: Path) -> list[str]:
    return sorted(p.relative_to(site).as_posix() for p in site.rglob("*.html")
                  if "_static" not in p.parts and "_sources" not in p.parts)


ROUNDS = 3   # clean and cached builds of each, book and template in turns; medians reported


def build_both(work: Path, rounds: int = ROUNDS) -> tuple[dict, dict]:
    """The template and the book, each built from scratch (build folder removed, notebooks
    executed) and again with nothing changed, `rounds` times, in turns, so that whatever
    else the machine is doing weighs on both alike. Every time is kept; the medians count."""
    template = work / "template"
    run([str(JB), "create", str(template)])
    out = work / "book"
    builds = {
        "template": ([str(JB), "build", str(template)], template / "_build", {}),
        "book": ([str(JB), "build", str(ROOT), "-W", "-n", "--keep-going", "--path-output", str(out)],
                 out / "_build", {"env": {**os.environ, "GOVMIG_EDITION": "student"}, "cwd": ROOT, "check": False}),
    }
    times: dict[str, dict[str, list[float]]] = {name: {"clean": [], "cached": []} for name in builds}
    for _ in range(rounds):
        for name, (cmd, folder, kw) in builds.items():
            shutil.rmtree(folder, ignore_errors=True)
            times[name]["clean"].append(run(cmd, **kw))
            times[name]["cached"].append(run(cmd, **kw))
    result = {}
    for name, (_, folder, _) in builds.items():
        site = folder / "html"
        result[name] = {"site": site, "pages": len(pages_of(site)),
                        "clean_s": statistics.median(times[name]["clean"]),
                        "cached_s": statistics.median(times[name]["cached"]),
                        "clean_runs": [round(t, 1) for t in times[name]["clean"]],
                        "cached_runs": [round(t, 1) for t in times[name]["cached"]]}
    return result["template"], result["book"]


def build_pdfs(work: Path, student_site: Path) -> dict:
    """The print edition (issue 20), not part of the default build: the instructor edition
    built too, then both printed by scripts/pdf.py; seconds and file sizes."""
    out = work / "instructor"
    env = {**os.environ, "GOVMIG_EDITION": "instructor"}
    run([str(JB), "build", str(ROOT), "-W", "-n", "--keep-going", "--toc", str(ROOT / "_toc-instructor.yml"),
         "--path-output", str(out)], check=False, env=env, cwd=ROOT)
    pdfs = work / "pdf"
    seconds = run([sys.executable, str(ROOT / "scripts" / "pdf.py"), "--site", str(student_site),
                   "--instructor-site", str(out / "_build" / "html"), "--out", str(pdfs)], cwd=ROOT)
    files = {p.relative_to(pdfs).as_posix(): p.stat().st_size for p in sorted(pdfs.rglob("*.pdf"))}
    return {"seconds": round(seconds, 1), "files": files}


def build_slides(student_site: Path, instructor_site: Path, out: Path) -> dict:
    """The lecture slides (issue 32): the decks from both built editions, then their PDFs in
    one LibreOffice call; seconds for each step and the size of every file."""
    sys.path.insert(0, str(ROOT))
    from govmig.slides import read_book, to_pdf, write_decks

    shutil.rmtree(out, ignore_errors=True)
    start = time.perf_counter()
    chapters = read_book(ROOT, student_site, instructor_site)
    decks = write_decks(chapters, out)
    decks_s = time.perf_counter() - start
    start = time.perf_counter()
    pdfs = to_pdf(decks, out)
    pdf_s = time.perf_counter() - start
    files = {p.name: p.stat().st_size for p in sorted(decks + pdfs)}
    return {"decks_s": round(decks_s, 1), "pdf_s": round(pdf_s, 1), "files": files,
            "sections": {c.slug: len(c.sections) for c in chapters}, "missing": {c.slug: c.missing for c in chapters}}


def slides_lines(slides: dict) -> list[str]:
    total = sum(slides["files"].values())
    lines = ["", "## Lecture slides (issue 32; `bash scripts/build.sh --slides`)", "",
             f"`python -m govmig.slides`, both editions already built: {slides['decks_s']} s to write "
             f"{sum(1 for f in slides['files'] if f.endswith('.pptx'))} decks, {slides['pdf_s']} s for LibreOffice "
             f"Impress to convert them to PDF (one call); {total / 1e6:.1f} MB in all.", "",
             "| file | KB |", "|---|---|"]
    lines += [f"| `{name}` | {size / 1024:.0f} |" for name, size in slides["files"].items()]
    missing = {k: v for k, v in slides["missing"].items() if v}
    if missing:
        lines += ["", "Parts of the chapter anatomy not yet in the built book (left out of the decks): " +
                  "; ".join(f"{k}: {', '.join(v)}" for k, v in missing.items()) + "."]
    return lines


def slides_only() -> None:
    work = Path(tempfile.mkdtemp(prefix="govmig-bench-slides-"))
    slides = build_slides(ROOT / "_build" / "html", ROOT / "_build" / "instructor" / "html", work / "slides")
    slides["date"] = datetime.now(timezone.utc).isoformat(timespec="seconds")
    slides["machine"] = (f"{platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}, "
                         f"load average {os.getloadavg()[0]:.1f} at the end")
    (ROOT / "benchmarks" / "slides.json").write_text(json.dumps(slides, indent=2) + "\n")
    lines = ["# Benchmark: the lecture slides", "", f"Measured {slides['date']} on {slides['machine']} by "
             "`scripts/benchmark.py --slides-only`. Other work on the machine slows both steps: the load "
             "average says how busy it was."] + slides_lines(slides) + [""]
    (ROOT / "benchmarks" / "slides.md").write_text("\n".join(lines))
    print("\n".join(lines))
    shutil.rmtree(work, ignore_errors=True)


def handler_for(roots: dict[str, Path], use_gzip: bool):
    """/book/... and /template/... from their folders; gzip when asked and accepted."""

    class Handler(http.server.SimpleHTTPRequestHandler):
        def log_message(self, *args):
            pass

        def translate_path(self, path):
            clean = path.split("?", 1)[0].split("#", 1)[0]
            prefix, _, rest = clean.lstrip("/").partition("/")
            if prefix not in roots:
                return str(Path(tempfile.gettempdir()) / "no-such-file")
            target = roots[prefix] / rest
            return str(target / "index.html" if target.is_dir() else target)

        def do_GET(self):
            path = Path(self.translate_path(self.path))
            if not (use_gzip and path.is_file() and path.suffix in COMPRESS
                    and "gzip" in self.headers.get("Accept-Encoding", "")):
                return super().do_GET()
            body = gzip.compress(path.read_bytes(), 6)
            self.send_response(200)
            self.send_header("Content-Type", self.guess_type(str(path)))
            self.send_header("Content-Encoding", "gzip")
            self.send_header("Content-Length", str(len(body)))
            self.send_header("Vary", "Accept-Encoding")
            self.end_headers()
            self.wfile.write(body)

    return Handler


def serve(roots: dict[str, Path], use_gzip: bool):
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler_for(roots, use_gzip))
    httpd.handle_error = lambda *args: None   # Lighthouse closing a connection mid-404 is not news
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    return httpd, f"http://127.0.0.1:{httpd.server_address[1]}"


# What each asset a first visit may load is for (issue 19: measure each asset you keep).
ASSET_ROLES = [
    ("pydata-sphinx-theme.css", "theme layout, Bootstrap and icon rules, trimmed to what the site uses (govmig.slim)"),
    ("sphinx-book-theme.css", "book theme: sidebars, header buttons (trimmed)"),
    ("basic.css", "Sphinx's base styles (trimmed)"),
    ("mystnb.", "notebook cells and outputs (trimmed; notebook pages only)"),
    ("pygments.css", "code colours (pages with code only)"),
    ("copybutton", "copy buttons on code cells (pages with code only)"),
    ("clipboard.min.js", "copy buttons on code cells (pages with code only)"),
    ("govmig.css", "the book's own styles: charts, exercises, print"),
    ("govmig-charts.js", "loads Vega when a reader asks for an interactive chart (chart pages only)"),
    ("govmig-exercises.js", "exercises in the page, without Jupyter (exercise pages only)"),
    ("bootstrap.js", "theme menus, dropdowns, tooltips (deferred)"),
    ("pydata-sphinx-theme.js", "theme switch, search dialog, contents highlighting (deferred)"),
    ("sphinx-book-theme.js", "sidebar toggles, full screen (deferred)"),
    ("documentation_options.js", "Sphinx settings links and search use"),
    ("fa-solid-900.woff2", "icons: the glyphs the site draws only (govmig.slim)"),
    ("/chart-svg/", "a chart's phone drawing (phones only, lazy)"),
    ("favicon.svg", "the tab icon"),
    (".html", "the page itself"),
]


def asset_role(url: str) -> str:
    return next((role for key, role in ASSET_ROLES if key in url), "")


def page_bytes(base: str, roots: dict[str, Path], assets: dict | None = None) -> dict[str, dict[str, int]]:
    """Uncompressed bytes of every local file a first visit loads, per page (and, in
    `assets`, per file for each page)."""
    from playwright.sync_api import sync_playwright

    sizes: dict[str, dict[str, int]] = {}
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM,
                                     args=["--no-sandbox", "--disable-gpu", "--disable-background-networking"])
        for name, site in roots.items():
            sizes[name] = {}
            for rel in pages_of(site):
                ctx = browser.new_context(viewport={"width": 390, "height": 844})
                page = ctx.new_page()
                loaded: set[str] = set()
                page.on("requestfinished", lambda r: loaded.add(r.url.split("#")[0]))
                page.goto(f"{base}/{name}/{rel}", wait_until="networkidle")
                total, files = 0, {}
                for url in loaded:
                    local = Path(handler_for(roots, False).translate_path(None, url.removeprefix(base)))
                    files[url.removeprefix(f"{base}/{name}/").split("?")[0]] = local.stat().st_size if local.is_file() else 0
                total = sum(files.values())
                sizes[name][rel] = total
                if assets is not None:
                    assets.setdefault(name, {})[rel] = files
                ctx.close()
        browser.close()
    return sizes


def lighthouse(url: str, out: Path) -> dict[str, int]:
    env = {**os.environ, "CHROME_PATH": CHROMIUM}
    flags = "--headless=new --no-sandbox --disable-gpu --disable-background-networking --no-first-run"
    subprocess.run([str(LIGHTHOUSE), url, "--quiet", "--output=json", f"--output-path={out}",
                    f"--only-categories={','.join(CATEGORIES)}", f"--chrome-flags={flags}",
                    "--max-wait-for-load=60000"], check=True, env=env, timeout=300,
                   stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    report = json.loads(out.read_text("utf-8"))
    return {c: round(100 * (report["categories"][c]["score"] or 0)) for c in CATEGORIES}


def lighthouse_pages(book: Path, book_sizes: dict[str, int]) -> dict[str, str]:
    charts = {p: n for p, n in book_sizes.items() if "data-gm-chart" in (book / p).read_text("utf-8")}
    heaviest_chart = max(charts, key=charts.get) if charts else max(book_sizes, key=book_sizes.get)
    return {"landing": "intro.html", "narrative": "chapters/iom/iom-history.html",
            "heaviest chart page": heaviest_chart, "exercise": "chapters/iom/iom-exercises.html"}


TEMPLATE_PAGES = {"landing": "intro.html", "narrative": "markdown.html",
                  "heaviest chart page": "notebooks.html", "exercise": "markdown-notebooks.html"}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--keep", help="scratch folder to use and keep (default: a new temporary one)")
    parser.add_argument("--slides-only", action="store_true",
                        help="measure only the slide build, on the editions in _build/ (benchmarks/slides.md)")
    args = parser.parse_args()
    if args.slides_only:
        slides_only()
        return
    work = Path(args.keep or tempfile.mkdtemp(prefix="govmig-bench-"))
    if work.exists() and args.keep:
        shutil.rmtree(work)
    work.mkdir(parents=True, exist_ok=True)

    template, book = build_both(work)
    pdf = build_pdfs(work, book["site"])
    slides = build_slides(book["site"], work / "instructor" / "_build" / "html", work / "slides")
    roots = {"book": book["site"], "template": template["site"]}
    plain, plain_base = serve(roots, use_gzip=False)
    zipped, gzip_base = serve(roots, use_gzip=True)
    assets: dict = {}
    sizes = page_bytes(plain_base, roots, assets)
    chosen = lighthouse_pages(book["site"], sizes["book"])
    scores: dict[str, dict[str, dict[str, dict[str, int]]]] = {"book": {}, "template": {}}
    for server, base in (("plain", plain_base), ("gzip", gzip_base)):
        for role in chosen:
            for name, rel in (("book", chosen[role]), ("template", TEMPLATE_PAGES[role])):
                scores[name].setdefault(role, {})[server] = lighthouse(
                    f"{base}/{name}/{rel}", work / f"lh-{name}-{server}-{role.replace(' ', '-')}.json")
    plain.shutdown()
    zipped.shutdown()

    t_median = statistics.median(sizes["template"].values())
    b_median = statistics.median(sizes["book"].values())
    b_max = max(sizes["book"].values())
    per_page = {n: {k: d[k] / d["pages"] for k in ("clean_s", "cached_s")} for n, d in (("book", book), ("template", template))}
    results = {
        "date": datetime.now(timezone.utc).isoformat(timespec="seconds"),
        "machine": f"{platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}, "
                   f"load average {os.getloadavg()[0]:.1f} at the end",
        "build": {n: {"pages": d["pages"], "clean_s": round(d["clean_s"], 1), "cached_s": round(d["cached_s"], 1),
                      "clean_runs": d["clean_runs"], "cached_runs": d["cached_runs"],
                      "clean_s_per_page": round(per_page[n]["clean_s"], 2),
                      "cached_s_per_page": round(per_page[n]["cached_s"], 2)}
                  for n, d in (("book", book), ("template", template))},
        "bytes_per_page": sizes,
        "assets": {role: assets["book"][rel] for role, rel in chosen.items()},
        "lighthouse_pages": {"book": chosen, "template": TEMPLATE_PAGES},
        "lighthouse": scores,
        "pdf": pdf,
        "slides": slides,
    }
    (ROOT / "benchmarks" / "latest.json").write_text(json.dumps(results, indent=2) + "\n")

    def ok(flag: bool) -> str:
        return "yes" if flag else "**no**"

    b, t = results["build"]["book"], results["build"]["template"]
    ratio = {k: per_page["book"][k] / per_page["template"][k] for k in ("clean_s", "cached_s")}
    lines = [
        "# Benchmark: the book beside the stock Jupyter Book template", "",
        f"Measured {results['date']} on {results['machine']} by `scripts/benchmark.py`: both built by the",
        "same jupyter-book pin, both served from one local server (plainly, and with gzip as a static",
        "host would), measured in one run. Lighthouse 12, mobile, offline. Other work on the machine",
        "slows builds and lowers Lighthouse performance scores: the load average above says how busy it was.", "",
        "## Goals (issue 19)", "",
        "| goal | book | template | ratio | target | met |", "|---|---|---|---|---|---|",
        f"| heaviest page, KB | {b_max / 1024:.0f} | median {t_median / 1024:.0f} | {b_max / t_median:.2f} | ≤ 0.5 | {ok(b_max <= 0.5 * t_median)} |",
        f"| median page, KB | {b_median / 1024:.0f} | {t_median / 1024:.0f} | {b_median / t_median:.2f} | ≤ 0.35 | {ok(b_median <= 0.35 * t_median)} |",
        f"| clean build, s per page | {b['clean_s_per_page']} ({b['clean_s']} s / {b['pages']}) | {t['clean_s_per_page']} ({t['clean_s']} s / {t['pages']}) "
        f"| {ratio['clean_s']:.2f} | ≤ 1.5 | {ok(ratio['clean_s'] <= 1.5)} |",
        f"| cached rebuild, s per page | {b['cached_s_per_page']} ({b['cached_s']} s) | {t['cached_s_per_page']} ({t['cached_s']} s) "
        f"| {ratio['cached_s']:.2f} | ≤ 2 | {ok(ratio['cached_s'] <= 2)} |",
        "",
        f"Build times are medians of {len(b['clean_runs'])} runs each, book and template in turns "
        f"(seconds; book clean {', '.join(map(str, b['clean_runs']))}, cached {', '.join(map(str, b['cached_runs']))}; "
        f"template clean {', '.join(map(str, t['clean_runs']))}, cached {', '.join(map(str, t['cached_runs']))}). "
        f"The book's notebooks run {os.cpu_count() + 1} at a time and its pages are written in parallel "
        "(govmig.buildspeed); the template's one notebook runs as jupyter-book runs it.",
        "",
        "## Lighthouse (mobile): performance / accessibility / best practices / SEO", "",
        "Targets: performance ≥ 90 with gzip, ≥ 75 plain; accessibility 100, best practices ≥ 95, SEO ≥ 90.", "",
        "| page | book page | book, plain | book, gzip | template, plain | template, gzip |", "|---|---|---|---|---|---|",
    ]
    for role in chosen:
        cell = lambda n, s: " / ".join(str(scores[n][role][s][c]) for c in CATEGORIES)  # noqa: E731
        lines.append(f"| {role} | `{chosen[role]}` | {cell('book', 'plain')} | {cell('book', 'gzip')} "
                     f"| {cell('template', 'plain')} | {cell('template', 'gzip')} |")
    for role in ("landing", "heaviest chart page"):
        rel = chosen[role]
        lines += ["", f"## What a first visit to the {role} (`{rel}`) loads, at phone width", "",
                  "| file | KB | what it is for |", "|---|---|---|"]
        files = assets["book"][rel]
        lines += [f"| `{f}` | {n / 1024:.1f} | {asset_role(f)} |" for f, n in sorted(files.items(), key=lambda kv: -kv[1])]
    lines += ["", "## Print edition (issue 20; not part of the default build)", "",
              f"`scripts/pdf.py`, both editions already built: {pdf['seconds']} s for {len(pdf['files'])} PDFs.", "",
              "| PDF | KB |", "|---|---|"]
    lines += [f"| `{name}` | {size / 1024:.0f} |" for name, size in pdf["files"].items()]
    lines += slides_lines(slides)
    lines += ["", "## Bytes per page (first visit, uncompressed: HTML, scripts, styles, fonts, images)", "",
              "| site | page | KB |", "|---|---|---|"]
    for name in ("book", "template"):
        lines += [f"| {name} | `{k}` | {v / 1024:.0f} |" for k, v in sizes[name].items()]
    lines.append("")
    (ROOT / "benchmarks" / "latest.md").write_text("\n".join(lines))
    print("\n".join(lines))
    if not args.keep:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
