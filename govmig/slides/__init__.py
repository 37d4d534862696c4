"""Lecture slides drawn from the built book: one deck per chapter, student and instructor.

    python -m govmig.slides                      # after both editions are built
    bash scripts/build.sh --slides               # builds both editions, then the decks

Reads ``_build/html`` (student) and ``_build/instructor/html`` (solutions, teaching notes)
and writes ``_build/slides/NN-<chapter>.pptx`` and ``NN-<chapter>-instructor.pptx``, with a
PDF of each made by LibreOffice Impress (headless). The build's output names, chapter by
chapter, the parts of the anatomy a chapter does not have yet (they are left out of its
deck) and writes the same list to ``_build/slides/missing.json``.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from .book import Chapter, chapters_in_toc, read_chapter
from .deck import build_deck

EDITIONS = ("student", "instructor")


def deck_name(ch: Chapter, edition: str, index: int) -> str:
    number = ch.number if ch.number.isdigit() else str(index)
    return f"{int(number):02d}-{ch.slug}" + ("-instructor" if edition == "instructor" else "")


def read_book(root: Path, html: Path, instructor_html: Path | None, toc: Path | None = None) -> list[Chapter]:
    toc = toc or root / "_toc.yml"
    return [read_chapter(slug, pages, html, instructor_html, root=root) for slug, pages in chapters_in_toc(toc)]


def write_decks(chapters: list[Chapter], out: Path) -> list[Path]:
    out.mkdir(parents=True, exist_ok=True)
    written = []
    for i, ch in enumerate(chapters, 1):
        for edition in EDITIONS:
            path = out / f"{deck_name(ch, edition, i)}.pptx"
            build_deck(ch, edition).save(path)
            written.append(path)
    return written


def soffice() -> str:
    for name in ("soffice", "libreoffice"):
        if found := shutil.which(name):
            return found
    raise FileNotFoundError("LibreOffice is not installed (Debian: apt-get install libreoffice-impress)")


def to_pdf(decks: list[Path], out: Path, timeout: int = 600) -> list[Path]:
    """Every deck to PDF in ONE LibreOffice Impress call (headless, own throwaway profile,
    so it neither waits for nor disturbs a LibreOffice the user has open)."""
    if not decks:
        return []
    with tempfile.TemporaryDirectory(prefix="govmig-lo-") as profile:
        cmd = [soffice(), f"-env:UserInstallation=file://{profile}", "--headless", "--norestore",
               "--convert-to", "pdf:impress_pdf_Export", "--outdir", str(out)] + [str(d) for d in decks]
        run = subprocess.run(cmd, capture_output=True, text=True, timeout=timeout)
    pdfs = [out / f"{d.stem}.pdf" for d in decks]
    lost = [p.name for p in pdfs if not p.exists()]
    if run.returncode or lost:
        raise RuntimeError(f"LibreOffice did not convert {lost or 'every deck'}: {run.stderr.strip()[-800:]}")
    return pdfs


def report(chapters: list[Chapter], out: Path) -> dict[str, list[str]]:
    missing = {ch.slug: ch.missing for ch in chapters}
    (out / "missing.json").write_text(json.dumps(missing, indent=1) + "\n", "utf-8")
    for ch in chapters:
        if ch.missing:
            print(f"slides: chapter {ch.number} ({ch.slug}) has no {', no '.join(ch.missing)} "
                  f"in the built book: its deck leaves them out", file=sys.stderr)
        else:
            print(f"slides: chapter {ch.number} ({ch.slug}): every part of the anatomy found", file=sys.stderr)
    return missing


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m govmig.slides", description=__doc__.split("\n\n")[0])
    ap.add_argument("--root", type=Path, default=Path.cwd(), help="the book's folder (default: here)")
    ap.add_argument("--html", type=Path, help="built student edition (default: ROOT/_build/html)")
    ap.add_argument("--instructor-html", type=Path, help="built instructor edition (default: ROOT/_build/instructor/html)")
    ap.add_argument("--toc", type=Path, help="table of contents (default: ROOT/_toc.yml)")
    ap.add_argument("--out", type=Path, help="where the decks go (default: ROOT/_build/slides)")
    ap.add_argument("--no-pdf", action="store_true", help="write the .pptx decks only")
    args = ap.parse_args(argv)
    root = args.root.resolve()
    html = args.html or root / "_build" / "html"
    inst = args.instructor_html or root / "_build" / "instructor" / "html"
    out = args.out or root / "_build" / "slides"
    started = time.perf_counter()
    chapters = read_book(root, html, inst if inst.exists() else None, args.toc)
    if not inst.exists():
        print(f"slides: no instructor edition at {inst}: instructor decks carry no answers", file=sys.stderr)
    if out.exists():
        for old in list(out.glob("*.pptx")) + list(out.glob("*.pdf")):
            old.unlink()
    decks = write_decks(chapters, out)
    report(chapters, out)
    pdfs = [] if args.no_pdf else to_pdf(decks, out)
    took = time.perf_counter() - started
    size = sum(p.stat().st_size for p in decks + pdfs)
    print(f"slides: {len(decks)} decks and {len(pdfs)} PDFs in {out} ({size / 1e6:.1f} MB, {took:.1f} s)",
          file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
