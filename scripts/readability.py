"""Readability of the book's prose pages, measured as a student meets them
(TEXTBOOK-GUIDE §10, ROUND-NOTES "Readability, one measure").

    python3 scripts/readability.py [PAGE.md ...]      (default: chapters/*/*.md)

The one measure the book uses (the pre-stop hook calls it; tests/test_textbook.py applies
its limits). Standard library only.

- **What is read.** The rendered page (`_build/html/<page>.html`) when the book has been
  built since the page last changed: its paragraphs, list items and the paragraphs inside
  boxes ("How we know", case, footnotes), with citation labels as displayed ("(IOM 2019a;
  Kunz 2013)"). Code, tables, headings, box titles and figure captions are left out.
  Without a current build, the MyST source is read the same way, with each cited work
  counted as a two-word label ("Author 2000"): rougher, and said so in the output.
- **What is counted.** Every paragraph and every list item is a paragraph. The grade is
  the Flesch–Kincaid grade level with a standard heuristic syllable count.
- **The limits** (per prose page): grade at most 11, at most five sentences over 35
  words, no paragraph or list item over 150 words, at most 4,000 words.
"""

from __future__ import annotations

import re
import sys
from dataclasses import dataclass
from html.parser import HTMLParser
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BUILD = ROOT / "_build" / "html"
MAX_GRADE, MAX_LONG_SENTENCES, LONG_SENTENCE, LONG_PARAGRAPH, MAX_WORDS = 11.0, 5, 35, 150, 4000
WORD = re.compile(r"[A-Za-z0-9][A-Za-z0-9'’.,%-]*")
SENTENCE_END = re.compile(r"(?<=[.!?])[\"”’)]*\s+(?=[A-Z\"“(‘0-9])")


@dataclass(frozen=True)
class Readability:
    page: str
    grade: float
    words: int
    sentences: int
    long_sentences: int
    long_paragraphs: int
    source: str                      # "html" (the built page) or "source" (rough)

    @property
    def ok(self) -> bool:
        return (self.grade <= MAX_GRADE and self.long_sentences <= MAX_LONG_SENTENCES
                and self.long_paragraphs == 0 and self.words <= MAX_WORDS)

    def line(self) -> str:
        flag = "" if self.ok else "   <- above the guide's limits"
        rough = "" if self.source == "html" else " (from the source: rough)"
        return (f"{self.page}: grade {self.grade:.1f}, {self.words} words, "
                f"{self.long_sentences} sentences over {LONG_SENTENCE} words, "
                f"{self.long_paragraphs} paragraphs or items over {LONG_PARAGRAPH} words{rough}{flag}")


def syllables(word: str) -> int:
    w = re.sub(r"[^a-z]", "", word.lower())
    if not w:
        return 0
    if len(w) <= 3:
        return 1
    w = re.sub(r"(?:[^laeiouy]es|ed|[^laeiouy]e)$", "", w)
    w = re.sub(r"^y", "", w)
    return max(1, len(re.findall(r"[aeiouy]{1,2}", w)))


class _Blocks(HTMLParser):
    """The text of each paragraph and list item inside the page's article."""

    SKIP = {"table", "pre", "h1", "h2", "h3", "h4", "h5", "h6", "figcaption", "summary",
            "script", "style", "button", "nav", "form", "select", "textarea", "svg"}
    SKIP_CLASSES = {"admonition-title", "headerlink", "cell", "cell_output", "gm-exercise",
                    "gm-chart", "toctree-wrapper", "bd-toc", "sidebar"}
    BLOCKS = {"p", "li", "dd"}
    VOID = {"br", "img", "hr", "input", "meta", "link", "source", "wbr", "col", "area", "base", "embed", "track"}

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.stack: list[tuple[str, bool, bool]] = []   # (tag, skipped, is block)
        self.in_article = 0
        self.blocks: list[list[str]] = []
        self.open_blocks: list[list[str]] = []

    def handle_starttag(self, tag: str, attrs: list) -> None:
        if tag in self.VOID:
            return
        a = dict(attrs)
        classes = set((a.get("class") or "").split())
        if tag == "article" and "bd-article" in classes:
            self.in_article += 1
        skipped = tag in self.SKIP or bool(classes & self.SKIP_CLASSES) or (self.stack and self.stack[-1][1])
        block = tag in self.BLOCKS and not skipped
        if block:
            # a list item's own text is one block; paragraphs inside it are their own blocks
            self.open_blocks.append([])
        self.stack.append((tag, bool(skipped), block))

    def handle_endtag(self, tag: str) -> None:
        if tag in self.VOID:
            return
        while self.stack:
            name, _skipped, block = self.stack.pop()
            if block:
                text = " ".join(self.open_blocks.pop()).split()
                if text and self.in_article:
                    self.blocks.append(text)
            if name == "article" and self.in_article:
                self.in_article -= 1
            if name == tag:
                break

    def handle_data(self, data: str) -> None:
        if not self.in_article or not self.stack or self.stack[-1][1] or not self.open_blocks:
            return
        self.open_blocks[-1].append(data)


def html_blocks(html: str) -> list[str]:
    parser = _Blocks()
    parser.feed(html)
    return [" ".join(words) for words in parser.blocks]


def source_blocks(text: str) -> list[str]:
    """Rough: the MyST source's paragraphs and list items, citations as two-word labels."""
    t = re.sub(r"^(```|~~~).*?^\1\s*$", "", text, flags=re.S | re.M)      # fenced code
    t = re.sub(r"^---\n.*?\n---\n", "", t, flags=re.S)                      # front matter
    t = re.sub(r"^(:::.*|\|.*|#+ .*|\(.*\)=|:[a-z-]+:.*)$", "", t, flags=re.M)
    t = re.sub(r"\{cite:[a-z]+\}`([^`]*)`",
               lambda m: "(" + "; ".join("Author 2000" for _ in m.group(1).split(",")) + ")", t)
    t = re.sub(r"\{(term|ref|doc|numref|glue:text|glue|exercise)\}`([^`<]*)(<[^>]*>)?`", r"\2", t)
    blocks = []
    for para in re.split(r"\n\s*\n", t):
        blocks += re.split(r"\n(?=\s*(?:[-*+]|\d+\.)\s)", para)
    blocks = [re.sub(r"^\s*(?:[-*+]|\d+\.)\s+", "", re.sub(r"\s+", " ", b)).strip() for b in blocks]
    return [b for b in blocks if b]


def built_page(path: Path) -> Path | None:
    try:
        rel = path.resolve().relative_to(ROOT)
    except ValueError:
        return None
    html = BUILD / rel.with_suffix(".html")
    if html.is_file() and html.stat().st_mtime >= path.stat().st_mtime:
        return html
    return None


def measure_blocks(page: str, blocks: list[str], source: str) -> Readability:
    words = [w for b in blocks for w in WORD.findall(b) if re.search(r"[A-Za-z0-9]", w)]
    sentences = [s for b in blocks for s in SENTENCE_END.split(b) if len(s.split()) > 2]
    if not words or not sentences:
        return Readability(page, 0.0, len(words), len(sentences), 0, 0, source)
    letters = [w for w in words if re.search(r"[A-Za-z]", w)]
    grade = (0.39 * len(words) / len(sentences)
             + 11.8 * sum(map(syllables, letters)) / max(1, len(letters)) - 15.59)
    long_sentences = sum(len(s.split()) > LONG_SENTENCE for s in sentences)
    long_paragraphs = sum(len(b.split()) > LONG_PARAGRAPH for b in blocks)
    return Readability(page, round(grade, 2), len(words), len(sentences), long_sentences, long_paragraphs, source)


def measure(path: Path, html: Path | None = None) -> Readability:
    """Measure one prose page: from its built HTML (given, or current in _build/html), or
    roughly from its source."""
    path = Path(path)
    rel = path.resolve().relative_to(ROOT).as_posix() if path.resolve().is_relative_to(ROOT) else str(path)
    html = html or built_page(path)
    if html is not None:
        return measure_blocks(rel, html_blocks(html.read_text("utf-8")), "html")
    return measure_blocks(rel, source_blocks(path.read_text("utf-8")), "source")


def long_sentences(path: Path, html: Path | None = None) -> list[str]:
    """The sentences over the limit, for an author to rewrite."""
    html = html or built_page(Path(path))
    blocks = html_blocks(html.read_text("utf-8")) if html else source_blocks(Path(path).read_text("utf-8"))
    return [s for b in blocks for s in SENTENCE_END.split(b) if len(s.split()) > LONG_SENTENCE]


def narrative_pages() -> list[Path]:
    return sorted((ROOT / "chapters").glob("*/*.md"))


def main(args: list[str]) -> int:
    show = "--long" in args
    pages = [Path(a) for a in args if a != "--long"] or narrative_pages()
    results = [measure(p) for p in pages]
    for r, p in zip(results, pages):
        print(r.line())
        if show:
            for s in long_sentences(p):
                print(f"    {len(s.split())} words: {s[:160]}…")
    return 0 if all(r.ok for r in results) else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
