"""Readability of the book's narrative pages (REVISION-GUIDE, section 3).

    .venv/bin/python scripts/readability.py [PAGE.md ...]   (default: chapters/*/*.md)

Measured on each page's prose paragraphs only: code, tables, headings, labels,
directives' option lines, lists and citation roles are left out. The grade is the
Flesch–Kincaid grade level with a standard heuristic syllable count (the same as the
pre-stop hook's), so figures are comparable from one revision to the next; they are
rough, not a substitute for reading the page. The guide's limits: grade at most 12,
sentences of at most 20 words on average, at most two paragraphs over 150 words.
"""

from __future__ import annotations

import re
import sys
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
MAX_GRADE, MAX_WORDS_PER_SENTENCE, MAX_LONG_PARAGRAPHS, LONG_PARAGRAPH = 12.0, 20.0, 2, 150


@dataclass(frozen=True)
class Readability:
    page: str
    grade: float
    words: int
    sentences: int
    long_paragraphs: int

    @property
    def words_per_sentence(self) -> float:
        return self.words / self.sentences if self.sentences else 0.0

    @property
    def ok(self) -> bool:
        return (self.grade <= MAX_GRADE and self.words_per_sentence <= MAX_WORDS_PER_SENTENCE
                and self.long_paragraphs <= MAX_LONG_PARAGRAPHS)

    def line(self) -> str:
        flag = "" if self.ok else "   <- above the guide's limits"
        return (f"{self.page}: grade {self.grade:.1f}, {self.words_per_sentence:.1f} words/sentence, "
                f"{self.long_paragraphs} paragraphs over {LONG_PARAGRAPH} words, {self.words} words{flag}")


def syllables(word: str) -> int:
    w = re.sub(r"[^a-z]", "", word.lower())
    if not w:
        return 0
    if len(w) <= 3:
        return 1
    w = re.sub(r"(?:[^laeiouy]es|ed|[^laeiouy]e)$", "", w)
    w = re.sub(r"^y", "", w)
    return max(1, len(re.findall(r"[aeiouy]{1,2}", w)))


def prose_paragraphs(text: str) -> list[str]:
    """The page's running prose, one string per paragraph."""
    t = re.sub(r"^(```|~~~).*?^\1\s*$", "", text, flags=re.S | re.M)      # fenced blocks
    t = re.sub(r"^---\n.*?\n---\n", "", t, flags=re.S)                      # front matter
    t = re.sub(r"^(:::.*|\|.*|#+ .*|\(.*\)=|:[a-z-]+:.*)$", "", t, flags=re.M)
    t = re.sub(r"\{cite:[a-z]+\}`[^`]*`", "", t)
    t = re.sub(r"\{(term|ref|doc|numref|glue:text|glue)\}`([^`<]*)(<[^>]*>)?`", r"\2", t)
    paras = [re.sub(r"\s+", " ", p).strip() for p in re.split(r"\n\s*\n", t)]
    return [p for p in paras if len(p.split()) > 5 and not re.match(r"^([-*+]|\d+\.)\s", p)]


def measure(path: Path) -> Readability:
    paras = prose_paragraphs(path.read_text(encoding="utf-8"))
    words = [w for p in paras for w in re.findall(r"[A-Za-z][A-Za-z'’-]*", p)]
    sents = [s for p in paras for s in re.split(r"(?<=[.!?])\s+(?=[A-Z\"“(‘])", p) if len(s.split()) > 2]
    rel = path.resolve().relative_to(ROOT).as_posix() if path.resolve().is_relative_to(ROOT) else str(path)
    if not words or not sents:
        return Readability(rel, 0.0, len(words), len(sents), 0)
    grade = 0.39 * len(words) / len(sents) + 11.8 * sum(map(syllables, words)) / len(words) - 15.59
    long_ = sum(len(p.split()) > LONG_PARAGRAPH for p in paras)
    return Readability(rel, round(grade, 2), len(words), len(sents), long_)


def narrative_pages() -> list[Path]:
    return sorted((ROOT / "chapters").glob("*/*.md"))


def main(args: list[str]) -> int:
    pages = [Path(a) for a in args] or narrative_pages()
    results = [measure(p) for p in pages]
    for r in results:
        print(r.line())
    return 0 if all(r.ok for r in results) else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
