"""Checks that guard the scholarship (REVISION-GUIDE, section 6).

1. Every quotation in a prose page or notebook that cites one of the five source
   documents is found verbatim in that source (after normalising quotation marks,
   dashes, line-break hyphenation, ellipses and bracketed insertions). A failure names
   the page, the line and the closest passage of the source.
2. No run of 12 or more words of a source appears outside quotation marks in the
   book's prose (titles and proper names excepted by a short, reviewed allow-list).
3. Every chapter has a "Since the sources" part that carries a "Last reviewed" date,
   and every web record in references.bib has a URL and a reading date.
4. Every narrative page meets the guide's readability figures.
"""

from __future__ import annotations

import difflib
import importlib.util
import json
import re
import sys
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
SOURCES = Path(ROOT.parent / "shared" / "sources")
SOURCE_FILES = {
    "dupeyron2016": "dupeyron-2016-iom-compassionate-mercenary-business.txt",
    "kunz2013": "kunz-2013-partnership-in-international-migration-governance.txt",
    "lavenexpanizzon2013": "lavenex-panizzon-2013-multilayered-migration-governance.txt",
    "tardis2019": "tardis-2019-global-compact-for-migration.txt",
    "fes2022": "fes-2022-imrf-civil-society-interview.txt",
}
RUN = 12          # words: the longest run of a source allowed outside quotation marks
MIN_QUOTE = 4     # words: shorter quoted phrases are terms or scare quotes, not quotations

# Proper names of 12+ words that may stand unquoted (each reviewed): they are taken out
# of the prose before runs are counted, so a copied sentence around them still counts.
PROPER_NAMES = [
    "International Convention on the Protection of the Rights of All Migrant Workers and Members of Their Families",
    "Provisional Intergovernmental Committee for the Movement of Migrants from Europe",
    "Migration Dialogue for Southern Africa",
    "Migration Dialogue for Western Africa",
    "High-Level Dialogue on International Migration and Development",
    "Regional Guidelines for Special Protection in Cases of Repatriation of Child Victims of Trafficking",
    "Global Compact for Safe, Orderly and Regular Migration",
]
# Quotations known to run across a page break or footnote of the source text.
ACROSS_A_BREAK = {
    "sharing information concerning migratory practices and procedures by authorities on both sides of the border",
}

# Web-record entries whose data were read from a pinned repository commit (recorded in
# data/README.md), not from the web page their url names: no reading date applies.
READ_VIA_REPOSITORY = {"unceb2024", "voetendataverse"}

pytestmark = pytest.mark.skipif(not SOURCES.is_dir(), reason="../shared/sources is not beside the book")


# --------------------------------------------------------------------------- text
def normalise(text: str) -> str:
    """Quotation marks, dashes, hyphenation and spacing made uniform; case folded."""
    t = text.replace("\u00ad", "")
    # Single and double marks are one character: a quotation inside a quotation swaps them.
    t = re.sub(r"[\u2018\u2019\u201a\u201b\u2032`´\u201c\u201d\u201e\u201f\u2033«»\"]", "'", t)
    t = re.sub(r"[\u2010-\u2015\u2212]", "-", t)
    t = re.sub(r"(\w)-\s*\n\s*(\w)", r"\1\2", t)          # line-break hyphenation
    t = t.replace("\u2026", "...")
    t = re.sub(r"\s+", " ", t)
    return t.strip().casefold()


def words(text: str) -> list[str]:
    return re.findall(r"[a-z0-9\u00c0-\u024f]+(?:'[a-z]+)?", normalise(text))


@lru_cache(maxsize=None)
def source_text(key: str) -> str:
    raw = (SOURCES / SOURCE_FILES[key]).read_text(encoding="utf-8")
    # Both readings of a hyphen at a line end: joined word and kept hyphen.
    return normalise(raw) + " \u0000 " + normalise(re.sub(r"-\s*\n\s*", "-", raw))


@lru_cache(maxsize=None)
def source_ngrams(key: str) -> frozenset[tuple[str, ...]]:
    ws = words((SOURCES / SOURCE_FILES[key]).read_text(encoding="utf-8"))
    return frozenset(tuple(ws[i:i + RUN]) for i in range(len(ws) - RUN + 1))


def fragments(quote: str) -> list[str]:
    """The parts of a quotation that must be verbatim: split at ellipses and [insertions]."""
    parts = re.split(r"\s*(?:\.\s?\.\s?\.|\u2026|\[[^\]]*\])\s*", quote)
    return [p.strip(" ,;:.!?'\"") for p in parts if len(p.split()) >= 2]


def closest(quote: str, key: str) -> str:
    src = source_text(key)
    q = normalise(quote)
    m = difflib.SequenceMatcher(None, src, q, autojunk=False).find_longest_match(0, len(src), 0, len(q))
    start = max(0, m.a - m.b - 20)
    return src[start:start + len(q) + 60]


# --------------------------------------------------------------------------- pages
@dataclass(frozen=True)
class Paragraph:
    page: str
    line: int
    text: str


CODE_FENCE = re.compile(r"^(`{3,}|~{3,})\s*(\{(code-cell|code|code-block|literalinclude|raw|math|glue:figure)\}|[a-z]*$)")


def _markdown_paragraphs(text: str, page: str) -> list[Paragraph]:
    """Prose paragraphs with their first line; code blocks skipped, directive bodies kept."""
    out: list[Paragraph] = []
    block: list[str] = []
    start = 0
    code_fence = None

    def flush() -> None:
        if block:
            out.append(Paragraph(page, start + 1, " ".join(block)))
            block.clear()

    for i, line in enumerate(text.split("\n")):
        stripped = line.strip()
        if code_fence:
            if stripped.startswith(code_fence):
                code_fence = None
            continue
        m = CODE_FENCE.match(stripped)
        if m:
            flush()
            code_fence = m.group(1)
            continue
        if (not stripped or stripped.startswith(("#", ":::", "```", "~~~", "|", "$$"))
                or re.match(r"^\(.*\)=$", stripped) or re.match(r"^:[a-z-]+:", stripped)):
            flush()
            continue
        if re.match(r"^([-*+]|\d+\.)\s", stripped):
            flush()                                  # each list item is its own paragraph
        if not block:
            start = i
        block.append(stripped)
    flush()
    return out


def prose_pages() -> list[Path]:
    pages = [*sorted((ROOT / "chapters").rglob("*.md")), *sorted((ROOT / "chapters").rglob("*.ipynb")),
             *sorted((ROOT / "instructor").glob("*.md")), ROOT / "glossary.md", ROOT / "intro.md"]
    return [p for p in pages if ".ipynb_checkpoints" not in p.parts]


@lru_cache(maxsize=None)
def paragraphs(path: Path) -> tuple[Paragraph, ...]:
    rel = path.relative_to(ROOT).as_posix()
    if path.suffix == ".ipynb":
        nb = json.loads(path.read_text(encoding="utf-8"))
        out: list[Paragraph] = []
        for n, cell in enumerate(nb["cells"], 1):
            if cell["cell_type"] == "markdown":
                out += _markdown_paragraphs("".join(cell["source"]), f"{rel} (cell {n})")
        return tuple(out)
    return tuple(_markdown_paragraphs(path.read_text(encoding="utf-8"), rel))


QUOTE = re.compile(r'"([^"]+)"|\u201c([^\u201d]+)\u201d')
# A quoted section heading (a locator) or a quoted title after a year is not a quotation.
NOT_A_QUOTATION = re.compile(r"(\b(sections?|chapter|part|titled|entitled|heading)|\b(1[89]|20)\d\d[a-z]?\)?[.,:])\s*$", re.I)
# A reference-list entry ("Surname, F. (2010). Title ..."): titles, not prose.
REFERENCE_ENTRY = re.compile(r"^([-*+]\s+)?[A-ZÀ-Ý][\w'’-]+(,| and| et al\.)[^.]{0,120}\b(1[89]|20)\d\d[a-z]?\b")
CITE = re.compile(r"\{cite:[a-z]+\}`([^`]+)`")


def quotations(par: Paragraph) -> list[tuple[str, list[str]]]:
    """Each quotation with the citation keys that attribute it (next citation, else last)."""
    cites = [(m.start(), [k.strip() for k in m.group(1).split(",")]) for m in CITE.finditer(par.text)]
    out = []
    for m in QUOTE.finditer(par.text):
        quote = m.group(1) or m.group(2)
        if NOT_A_QUOTATION.search(par.text[max(0, m.start() - 40):m.start()]) or REFERENCE_ENTRY.match(par.text):
            continue
        if len(quote.split()) < MIN_QUOTE or any(normalise(a) in normalise(quote) for a in ACROSS_A_BREAK):
            continue
        after = [keys for pos, keys in cites if pos > m.end()]
        before = [keys for pos, keys in cites if pos < m.start()]
        out.append((quote, after[0] if after else (before[-1] if before else [])))
    return out


def _found(quote: str, key: str) -> bool:
    src = source_text(key)
    return all(normalise(f) in src for f in fragments(quote)) if fragments(quote) else True


# --------------------------------------------------------------------------- tests
def test_the_checks_can_fail():
    """The normaliser accepts typographic variants and refuses a changed word."""
    key = "dupeyron2016"
    text = normalise((SOURCES / SOURCE_FILES[key]).read_text(encoding="utf-8"))
    passage = next(m.group(0) for m in re.finditer(r"(?:[a-z]+ ){14}[a-z]+", text))
    assert _found(passage, key)
    assert _found(passage.replace(" ", " [...] ", 1), key)
    assert not _found(passage + " invented", key)
    assert not _found("the organisation was a humanitarian agency from its first day", key)
    par = Paragraph("x.md", 1, f'As she writes, "{passage}" {{cite:p}}`{key}`.')
    assert quotations(par) == [(passage, [key])]


@pytest.mark.parametrize("page", prose_pages(), ids=lambda p: p.relative_to(ROOT).as_posix())
def test_quotations_of_the_sources_are_verbatim(page):
    problems = []
    for par in paragraphs(page):
        for quote, keys in quotations(par):
            cited = [k for k in keys if k in SOURCE_FILES]
            if not cited or any(_found(quote, k) for k in SOURCE_FILES):
                continue
            problems.append(f'{par.page}, line {par.line}: "{quote[:90]}" is not in {cited[0]}; '
                            f'closest passage: "{closest(quote, cited[0])}"')
    assert not problems, "\n".join(problems)


def _unquoted(text: str) -> str:
    t = text
    for name in PROPER_NAMES:
        t = re.sub(re.escape(name).replace("\\ ", r"\s+"), " \u0000 ", t, flags=re.I)
    t = QUOTE.sub(" \u0000 ", t)
    t = re.sub(r"(?<![*\w])\*[^*\n]+\*(?!\*)", " \u0000 ", t)        # *Titles* in italics
    t = CITE.sub(" \u0000 ", t)
    return re.sub(r"`[^`]*`", " \u0000 ", t)


@pytest.mark.parametrize("page", prose_pages(), ids=lambda p: p.relative_to(ROOT).as_posix())
def test_no_long_unquoted_runs_of_a_source(page):
    problems = []
    for par in paragraphs(page):
        if REFERENCE_ENTRY.match(par.text):
            continue
        for chunk in _unquoted(par.text).split("\u0000"):
            ws = words(chunk)
            for key in SOURCE_FILES:
                grams = source_ngrams(key)
                hits = [i for i in range(len(ws) - RUN + 1) if tuple(ws[i:i + RUN]) in grams]
                if hits:
                    run = " ".join(ws[hits[0]:hits[-1] + RUN])
                    problems.append(f"{par.page}, line {par.line}: {RUN}+ words of {key} "
                                    f"outside quotation marks: \"{run}\"")
    assert not problems, "\n".join(problems)


LAST_REVIEWED = re.compile(r"^Last reviewed: (January|February|March|April|May|June|July|August|"
                           r"September|October|November|December) 20\d\d\.?$")


@pytest.mark.parametrize("chapter", sorted(p.name for p in (ROOT / "chapters").iterdir() if p.is_dir()))
def test_each_chapter_has_a_dated_since_the_sources_part(chapter):
    found = []
    for page in sorted((ROOT / "chapters" / chapter).glob("*.md")):
        lines = page.read_text(encoding="utf-8").split("\n")
        for i, line in enumerate(lines):
            if re.match(r"^#+ Since the sources", line):
                following = [x.strip() for x in lines[i + 1:i + 8] if x.strip() and not x.startswith("(")]
                found.append((page.name, bool(following) and bool(LAST_REVIEWED.match(following[0]))))
    assert found, (f"chapters/{chapter} has no heading starting 'Since the sources' (a section or "
                   "a page title, e.g. '# Since the sources: ...')")
    assert all(ok for _, ok in found), (
        f"chapters/{chapter}: the first line after each 'Since the sources' heading must be "
        f"'Last reviewed: <Month> <Year>.' ({found})")


def _bib_entries() -> dict[str, str]:
    text = (ROOT / "references.bib").read_text(encoding="utf-8")
    return {m.group(2).strip(): m.group(3) for m in re.finditer(r"^@(\w+)\{([^,]+),(.*?)^\}", text, re.S | re.M)}


def test_web_records_have_a_url_and_a_reading_date():
    entries = _bib_entries()
    assert len(entries) > 50
    problems = []
    for key, body in entries.items():
        has_url = re.search(r"^\s*url\s*=", body, re.M)
        urldate = re.search(r"^\s*urldate\s*=\s*\{(\d{4}-\d\d-\d\d)\}", body, re.M)
        if has_url and not urldate and key not in READ_VIA_REPOSITORY:
            problems.append(f"{key}: url without urldate = {{YYYY-MM-DD}}")
        if re.search(r"^\s*urldate\s*=", body, re.M) and not has_url:
            problems.append(f"{key}: urldate without url")
        if urldate and not "2013-01-01" <= urldate.group(1) <= "2026-12-31":
            problems.append(f"{key}: implausible reading date {urldate.group(1)}")
    assert not problems, "\n".join(problems)


@lru_cache(maxsize=None)
def _readability():
    spec = importlib.util.spec_from_file_location("govmig_readability", ROOT / "scripts" / "readability.py")
    mod = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = mod          # dataclasses look their module up
    spec.loader.exec_module(mod)
    return mod


# The readability limits are tested in tests/test_textbook.py (TEXTBOOK-GUIDE §10).
