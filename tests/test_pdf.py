"""The print edition (issue 20): the PDFs scripts/pdf.py writes under _build/pdf/.

The PDF build is not part of the default build (`bash scripts/build.sh --pdf` makes it);
these tests skip when there are no PDFs, and need pypdf (requirements-test.txt)."""

from __future__ import annotations

import os
import re
from functools import lru_cache
from pathlib import Path

import pytest
import yaml

from conftest import ROOT, SITE

pypdf = pytest.importorskip("pypdf")
PDF = Path(os.environ.get("GOVMIG_PDF") or ROOT / "_build" / "pdf")
if not (PDF / "student" / "governing-migration.pdf").is_file():
    pytest.skip(f"no PDFs in {PDF}: bash scripts/build.sh --pdf", allow_module_level=True)

CHAPTERS = []
_number = 0
for _part in yaml.safe_load((ROOT / "_toc.yml").read_text("utf-8"))["parts"]:
    for _chapter in _part["chapters"]:
        if _part.get("numbered"):
            _number += 1
            CHAPTERS.append((_number, _chapter["file"].split("/")[1],
                             [_chapter["file"], *[s["file"] for s in _chapter.get("sections", [])]]))


def squash(text: str) -> str:
    """Compare text without spaces, soft hyphens or ligatures (fi, fl: Chromium's)."""
    import unicodedata

    return re.sub(r"\s+", "", unicodedata.normalize("NFKC", text)).replace("\u00ad", "").lower()


@lru_cache(maxsize=None)
def read(path: Path):
    reader = pypdf.PdfReader(str(path))
    return reader, squash(" ".join(page.extract_text() or "" for page in reader.pages))


def title(doc: str) -> str:
    """A page's title as the built HTML states it (its first h1, without the number)."""
    html = (SITE / f"{doc}.html").read_text("utf-8")
    h1 = re.search(r"<h1>(.*?)</h1>", html, re.S).group(1)
    h1 = re.sub(r'<span class="section-number">[^<]*</span>|<a class="headerlink".*?</a>|<[^>]+>', "", h1)
    return __import__("html").unescape(h1)


def captions(doc: str) -> list[str]:
    html = (SITE / f"{doc}.html").read_text("utf-8")
    found = re.findall(r'<span class="caption-text">(.*?)</span>', html.split('<main', 1)[-1], re.S)
    return [__import__("html").unescape(re.sub(r"<[^>]+>", "", c)) for c in found]


def chapter_pdf(number, key):
    return PDF / "student" / f"{number}-{key}.pdf"


@pytest.mark.parametrize("number,key,docs", CHAPTERS, ids=[c[1] for c in CHAPTERS])
def test_chapter_pdf_holds_its_pages_titles_and_figure_captions(number, key, docs):
    reader, text = read(chapter_pdf(number, key))
    assert 10 <= len(reader.pages) <= 250
    for doc in docs:
        assert squash(title(doc)) in text, doc
        for caption in captions(doc):
            assert squash(caption)[:60] in text, (doc, caption)


def test_whole_book_holds_every_chapter_and_is_longer_than_the_chapters():
    reader, text = read(PDF / "student" / "governing-migration.pdf")
    chapters = [len(read(chapter_pdf(n, k))[0].pages) for n, k, _ in CHAPTERS]
    assert max(chapters) < len(reader.pages) <= sum(chapters) + 200   # chapters each carry glossary and bibliography
    for _, _, docs in CHAPTERS:
        assert squash(title(docs[0])) in text
    assert "bibliography" in text and "glossary" in text


def all_pdfs():
    return sorted(PDF.rglob("*.pdf"))


@pytest.mark.parametrize("path", all_pdfs(), ids=lambda p: p.relative_to(PDF).as_posix())
def test_fonts_are_embedded_and_internal_links_resolve(path):
    reader = pypdf.PdfReader(str(path))
    pages = {page.indirect_reference.idnum for page in reader.pages}
    named = reader.named_destinations
    for page in reader.pages:
        fonts = (page.get("/Resources") or {}).get("/Font") or {}
        for name, ref in fonts.items():
            font = ref.get_object()
            if "/DescendantFonts" in font:
                font = font["/DescendantFonts"][0].get_object()
            descriptor = font.get("/FontDescriptor")
            if descriptor is None:   # the 14 standard fonts have none; Chromium never uses them
                pytest.fail(f"{path.name}: font {font.get('/BaseFont')} not embedded")
            assert any(k in descriptor.get_object() for k in ("/FontFile", "/FontFile2", "/FontFile3")), name
        for annot in page.get("/Annots") or []:
            annot = annot.get_object()
            if annot.get("/Subtype") != "/Link":
                continue
            dest = annot.get("/Dest")
            if dest is None and annot.get("/A", {}).get("/S") == "/GoTo":
                dest = annot["/A"]["/D"]
            if dest is None:
                continue   # an external link (URI)
            if isinstance(dest, (str, bytes)) or hasattr(dest, "original_bytes"):
                assert str(dest) in named, f"{path.name}: link to a missing destination {dest}"
            else:
                assert dest[0].idnum in pages, f"{path.name}: link to a page not in the file"


def explanations(chapter: str) -> list[str]:
    from govmig.exercises import load

    return [ex.spec["explanation"] for ex in load(chapter, ROOT / "exercises" / "specs")]


@pytest.mark.parametrize("number,key,docs", CHAPTERS, ids=[c[1] for c in CHAPTERS])
def test_no_solution_in_student_pdfs_and_solutions_in_the_seminar_kit(number, key, docs):
    _, student = read(chapter_pdf(number, key))
    _, book = read(PDF / "student" / "governing-migration.pdf")
    found = [e for e in explanations(key) if squash(e)[:80] in student or squash(e)[:80] in book]
    assert found == [], "solution text in a student PDF"
    kit = PDF / "instructor" / f"{number}-{key}-seminar-kit.pdf"
    _, instructor = read(kit)
    assert any(squash(e)[:80] in instructor for e in explanations(key)), "the seminar kit has no solutions"
    assert "seminar" in instructor
