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

from conftest import INSTRUCTOR_SITE, ROOT, SITE

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


def title(doc: str, site: Path = SITE) -> str:
    """A page's title as the built HTML states it (its first h1, without the number)."""
    html = (site / f"{doc}.html").read_text("utf-8")
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


# --- Contents with page numbers -------------------------------------------------------

def slug(doc: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", doc.lower()).strip("-")


def docs_of(path: Path) -> tuple[list[str], Path]:
    """The documents a PDF holds, as scripts/pdf.py composes them, and the site they come from."""
    site = INSTRUCTOR_SITE if path.parent.name == "instructor" else SITE
    toc = yaml.safe_load((ROOT / ("_toc-instructor.yml" if site == INSTRUCTOR_SITE else "_toc.yml")).read_text("utf-8"))
    if path.name.startswith("governing-migration"):
        return [toc["root"]] + [f for part in toc["parts"] for ch in part["chapters"]
                                for f in [ch["file"], *[s["file"] for s in ch.get("sections", [])]]], site
    number = int(path.name.split("-")[0])
    key = CHAPTERS[number - 1][1]
    if site == INSTRUCTOR_SITE:   # a seminar kit
        kit = [f"instructor/{key}-seminar-plan", f"instructor/{key}-exercise-notes", f"chapters/{key}/{key}-exercises"]
        return [d for d in kit if (site / f"{d}.html").is_file()], site
    return ([d for d in ("keywords",) if (site / f"{d}.html").is_file()] + CHAPTERS[number - 1][2]
            + [d for d in ("glossary", "bibliography") if (site / f"{d}.html").is_file()]), site


def placed_text(page) -> list[tuple[str, float, float]]:
    """The page's text pieces with their positions (user space)."""
    pieces = []

    def visit(text, cm, tm, font, size):
        if text.strip():
            x = cm[0] * tm[4] + cm[2] * tm[5] + cm[4]
            y = cm[1] * tm[4] + cm[3] * tm[5] + cm[5]
            pieces.append((text.strip(), x, y))

    page.extract_text(visitor_text=visit)
    return pieces


def contents_entries(reader) -> list[tuple[str, str]]:
    """(destination, page number printed in its row) for each link of the contents pages."""
    entries, named = [], reader.named_destinations
    first = min(reader.get_destination_page_number(d) for n, d in named.items() if str(n).startswith("/doc-"))
    for page in reader.pages[1:first]:   # after the title page, before the first document
        links = [a.get_object() for a in page.get("/Annots") or []]
        links = [a for a in links if str(a.get("/Dest", "")).startswith("/doc-")]
        if not links:
            continue
        pieces = placed_text(page)
        for link in sorted(links, key=lambda a: -float(a["/Rect"][1])):
            x0, y0, x1, y1 = (float(v) for v in link["/Rect"])
            inside = [(x, t) for t, x, y in pieces if x0 - 1 <= x <= x1 + 1 and y0 - 1 <= y <= y1 + 1]
            numbers = [t for x, t in sorted(inside) if re.fullmatch(r"\d+", t)]
            entries.append((str(link["/Dest"]), numbers[-1] if numbers else ""))
    return entries


@pytest.mark.parametrize("path", all_pdfs(), ids=lambda p: p.relative_to(PDF).as_posix())
def test_contents_page_numbers_are_the_pages_the_documents_begin_on(path):
    reader = pypdf.PdfReader(str(path))
    named = reader.named_destinations
    entries = contents_entries(reader)
    docs, site = docs_of(path)
    assert [dest for dest, _ in entries] == [f"/doc-{slug(d)}" for d in docs], "contents and documents differ"
    for doc, (dest, printed) in zip(docs, entries):
        target = reader.get_destination_page_number(named[dest]) + 1   # the footer's number
        assert printed == str(target), f"{doc}: contents say page {printed!r}, the link goes to {target}"
        text = squash(reader.pages[target - 1].extract_text())
        head = squash(title(doc, site))
        # the page begins with the title (after at most a few labels pypdf reads first,
        # e.g. the bibliography's "[1][2]...")
        assert head in text[:len(head) + 80], f"{doc}: page {target} does not begin with its title"
        assert f"{target}/{len(reader.pages)}" in text.replace("\u2009", ""), f"{doc}: footer of page {target}"


# --- Charts: alternative text and drawing ----------------------------------------------

PAINT = {"S", "s", "f", "F", "f*", "B", "B*", "b", "b*", "sh"}


def figures(reader) -> list[dict]:
    """The tagged PDF's Figure structure elements."""
    found, seen = [], set()

    def walk(node):
        if hasattr(node, "idnum"):
            if node.idnum in seen:
                return
            seen.add(node.idnum)
        node = node.get_object() if hasattr(node, "get_object") else node
        if not isinstance(node, dict):
            return
        if node.get("/S") == "/Figure":
            found.append(node)
        kids = node.get("/K")
        for kid in kids if isinstance(kids, list) else [kids] if kids is not None else []:
            walk(kid)

    walk(reader.trailer["/Root"]["/StructTreeRoot"])
    return found


def marked(operations, mcid: int) -> list:
    """The operations inside the marked-content sequence with this MCID (BDC ... EMC)."""
    inside, depth = [], 0
    for operands, operator in operations:
        if depth:
            if operator in (b"BDC", b"BMC"):
                depth += 1
            elif operator == b"EMC":
                depth -= 1
                if not depth:
                    return inside
            inside.append((operands, operator))
        elif operator == b"BDC" and isinstance(operands[1], dict) and operands[1].get("/MCID") == mcid:
            depth = 1
    return inside


def paints(reader, operations, resources, depth: int = 0) -> int:
    """Path-painting operators and images among these operations, forms included."""
    count = 0
    for operands, operator in operations:
        op = operator.decode()
        if op in PAINT:
            count += 1
        elif op == "Do":
            xobject = resources["/XObject"][operands[0]].get_object()
            if xobject.get("/Subtype") == "/Image":
                count += 1
            elif depth < 8:
                form = pypdf.generic.ContentStream(xobject, reader)
                count += paints(reader, form.operations, xobject.get("/Resources") or resources, depth + 1)
    return count


def figure_drawing(reader, figure: dict) -> int:
    """How many painting operators a Figure's marked content holds (on its page or in the
    form XObjects its marked-content references name)."""
    count = 0
    kids = figure.get("/K")
    for kid in kids if isinstance(kids, list) else [kids]:
        kid = kid.get_object() if hasattr(kid, "get_object") else kid
        if isinstance(kid, int):
            page = reader.pages[reader.get_page_number(figure["/Pg"].get_object())]
            ops = pypdf.generic.ContentStream(page.get_contents(), reader).operations
            count += paints(reader, marked(ops, kid), page.get("/Resources") or {})
        elif isinstance(kid, dict) and kid.get("/Type") == "/MCR":
            stream = kid.get("/Stm")
            if stream is not None:
                owner = content = stream.get_object()
            else:
                owner = reader.pages[reader.get_page_number((kid.get("/Pg") or figure["/Pg"]).get_object())]
                content = owner.get_contents()
            ops = pypdf.generic.ContentStream(content, reader).operations
            count += paints(reader, marked(ops, kid["/MCID"]), owner.get("/Resources") or {})
        elif isinstance(kid, dict) and "/S" in kid:
            count += figure_drawing(reader, {**kid, "/Pg": kid.get("/Pg") or figure.get("/Pg")})
    return count


def chart_descriptions_in(fragment: str) -> list[str]:
    """The text descriptions of the charts in a piece of built HTML."""
    found = re.findall(r'<details class="gm-chart-description"[^>]*><summary>.*?</summary><div>(.*?)</div></details>',
                       fragment, re.S)
    return [" ".join(__import__("html").unescape(re.sub(r"<[^>]+>", "", d)).split()) for d in found]


def chart_descriptions(doc: str) -> list[str]:
    return chart_descriptions_in((SITE / f"{doc}.html").read_text("utf-8"))


@pytest.mark.parametrize("number,key,docs", CHAPTERS, ids=[c[1] for c in CHAPTERS])
def test_chart_descriptions_are_the_figures_alternative_text_and_figures_are_drawn(number, key, docs):
    reader = pypdf.PdfReader(str(chapter_pdf(number, key)))
    alts = {}
    for figure in figures(reader):
        if figure.get("/Alt"):
            alts.setdefault(squash(str(figure["/Alt"])), []).append(figure)
    descriptions = [d for doc in docs for d in chart_descriptions(doc)]
    assert descriptions, "no charts found in the chapter's pages"
    for description in descriptions:
        found = alts.get(squash(description))
        assert found, f"no Figure with the description as /Alt: {description[:80]}"
        assert all(figure_drawing(reader, f) > 0 for f in found), f"a blank figure: {description[:80]}"
    for alt, found in alts.items():   # every figure with alternative text is drawn
        assert all(figure_drawing(reader, f) > 0 for f in found), f"a blank figure: {alt[:80]}"


def synthetic_figures(contents: list[bytes], forms: list[bytes] = ()):
    """A PDF of one page whose marked-content sequences (MCID 0, 1, ...) are Figures, plus one
    Figure per form XObject in `forms`, referring to the form's MCID 0 by a marked-content
    reference (as Chromium writes its SVG drawings); the page shows each form (/Fm<i> Do)
    outside any marked content."""
    import io

    from pypdf.generic import (ArrayObject, DecodedStreamObject, DictionaryObject, NameObject,
                               NumberObject, TextStringObject)

    def name(text):
        return NameObject(text)

    writer = pypdf.PdfWriter()
    page = writer.add_blank_page(100, 100)
    xobjects, elements = DictionaryObject(), ArrayObject()
    for i, form in enumerate(forms):
        stream = DecodedStreamObject()
        stream.set_data(b"/Figure <</MCID 0>> BDC %s EMC" % form)
        stream.update({name("/Type"): name("/XObject"), name("/Subtype"): name("/Form"),
                       name("/BBox"): ArrayObject([NumberObject(0), NumberObject(0), NumberObject(100), NumberObject(100)])})
        xobjects[name(f"/Fm{i}")] = writer._add_object(stream)
    stream = DecodedStreamObject()
    stream.set_data(b"\n".join([b"/Figure <</MCID %d>> BDC %s EMC" % (i, c) for i, c in enumerate(contents)]
                               + [b"/Fm%d Do" % i for i in range(len(forms))]))
    page[name("/Contents")] = writer._add_object(stream)
    page[name("/Resources")] = DictionaryObject({name("/XObject"): xobjects})

    def figure(k):
        return writer._add_object(DictionaryObject({
            name("/Type"): name("/StructElem"), name("/S"): name("/Figure"),
            name("/Pg"): page.indirect_reference, name("/K"): k, name("/Alt"): TextStringObject("a figure")}))

    for i in range(len(contents)):
        elements.append(figure(NumberObject(i)))
    for i in range(len(forms)):
        elements.append(figure(ArrayObject([DictionaryObject({
            name("/Type"): name("/MCR"), name("/Stm"): xobjects[f"/Fm{i}"], name("/MCID"): NumberObject(0)})])))
    root = DictionaryObject({name("/Type"): name("/StructTreeRoot"), name("/K"): elements})
    writer._root_object[name("/StructTreeRoot")] = writer._add_object(root)
    out = io.BytesIO()
    writer.write(out)
    return pypdf.PdfReader(io.BytesIO(out.getvalue()))


def test_the_blank_figure_check_tells_a_blank_figure_from_a_drawn_one():
    reader = synthetic_figures([b"BT /F1 9 Tf (only text) Tj ET", b"0 0 10 10 re f", b"q Q", b"/Fm1 Do"],
                               forms=[b"q 1 0 0 RG Q", b"0 0 m 10 10 l S"])
    # text only: blank; a filled rectangle: drawn; nothing: blank; a form that strokes a
    # line: drawn; in forms (marked-content references), a blank and a drawn one
    assert [figure_drawing(reader, f) for f in figures(reader)] == [0, 1, 0, 1, 0, 1]


# --- Numbered tables --------------------------------------------------------------------

def tables(doc: str) -> int:
    """How many tables (not counting tables inside tables) a built page's article holds."""
    html = (SITE / f"{doc}.html").read_text("utf-8")
    article = html.split('<article class="bd-article"', 1)[-1].split("</article>", 1)[0]
    count = depth = 0
    for tag in re.findall(r"<(/?)table\b", article):
        if tag:
            depth -= 1
        else:
            count += depth == 0
            depth += 1
    return count


LABEL = re.compile(r"^(Table (\d+|[AI])\.(\d+)\. .*)$", re.M)


@lru_cache(maxsize=None)
def labels(path: Path) -> list[tuple[str, str, str]]:
    """(first line of the caption, prefix, number) of each table label in a PDF's text."""
    reader = pypdf.PdfReader(str(path))
    return LABEL.findall("\n".join(page.extract_text() for page in reader.pages))


@pytest.mark.parametrize("number,key,docs", CHAPTERS, ids=[c[1] for c in CHAPTERS])
def test_every_table_is_numbered_and_labelled_per_chapter(number, key, docs):
    reader = pypdf.PdfReader(str(chapter_pdf(number, key)))
    found = labels(chapter_pdf(number, key))
    chapter = sum(tables(doc) for doc in docs)
    back = sum(tables(doc) for doc in ("glossary", "bibliography") if (SITE / f"{doc}.html").is_file())
    assert chapter, "no tables in the chapter's pages"
    # every table of the chapter printed with its label, in order: Table N.1, N.2, ...
    assert [(p, n) for _, p, n in found if p == str(number)] == [(str(number), str(i)) for i in range(1, chapter + 1)]
    others = [int(n) for _, p, n in found if p != str(number)]   # the back matter's ("A"): in order
    assert len(others) == back and others == sorted(others) and len(set(others)) == back
    tagged = _elements(reader, "/Table")
    assert len(tagged) == chapter + back
    assert all(any(k.get_object().get("/S") == "/Caption" for k in _kids(t)) for t in tagged), "a table without a caption"
    # a table has the same number and caption in the whole book
    book = {squash(line) for line, _, _ in labels(PDF / "student" / "governing-migration.pdf")}
    assert [line for line, p, _ in found if p == str(number) and squash(line) not in book] == []


def _kids(node) -> list:
    kids = node.get("/K")
    return [k for k in (kids if isinstance(kids, list) else [kids]) if hasattr(k, "get_object")
            and isinstance(k.get_object(), dict) and "/S" in k.get_object()]


def _elements(reader, kind: str) -> list:
    found = []

    def walk(node):
        node = node.get_object()
        if node.get("/S") == kind:
            found.append(node)
        for kid in _kids(node):
            walk(kid)

    walk(reader.trailer["/Root"]["/StructTreeRoot"])
    return found


def charts_with_numbers(doc: str) -> list[tuple[str, str]]:
    """(text description, "Fig. N.M") of each numbered chart figure in a built page."""
    html = (SITE / f"{doc}.html").read_text("utf-8")
    pairs = []
    for figure in re.findall(r"<figure\b.*?</figure>", html, re.S):
        number = re.search(r'caption-number">(Fig\. [\d.]+)', figure)
        description = chart_descriptions_in(figure)
        if number and description:
            pairs.append((description[0], number.group(1)))
    return pairs


@pytest.mark.parametrize("number,key,docs", CHAPTERS, ids=[c[1] for c in CHAPTERS])
def test_a_chart_and_its_caption_share_a_page(number, key, docs):
    """Page breaks do not split a figure from its caption (issue 20)."""
    reader = pypdf.PdfReader(str(chapter_pdf(number, key)))
    pages = {}
    for figure in figures(reader):
        if figure.get("/Alt") and "/Pg" in figure:
            pages.setdefault(squash(str(figure["/Alt"])), set()).add(reader.get_page_number(figure["/Pg"].get_object()))
    pairs = [p for doc in docs for p in charts_with_numbers(doc)]
    assert pairs, "no numbered charts in the chapter's pages"
    for description, caption in pairs:
        on = pages.get(squash(description))
        assert on, f"{caption}: no Figure with its description"
        texts = [squash(reader.pages[i].extract_text()) for i in sorted(on)]
        assert any(squash(caption) in t for t in texts), f"{caption} is not on the page of its chart (pages {sorted(on)})"


def boxes(doc: str) -> list[tuple[str, str]]:
    """(kind, first words of the body) of each case, objectives and folded box on a page."""
    import html as h

    page = (SITE / f"{doc}.html").read_text("utf-8")
    found = []
    for kind, body in re.findall(r'<details class="admonition (how-we-know|how-it-works)">\s*<summary[^>]*>.*?</summary>(.*?)</details>',
                                 page, re.S):
        found.append((kind, h.unescape(re.sub(r"<[^>]+>", " ", body))))
    for kind, body in re.findall(r'<div class="(?:[^"]*\s)?(case|objectives)(?:\s[^"]*)?">\s*<p class="admonition-title">.*?</p>(.*?)</div>',
                                 page, re.S):
        found.append((kind, h.unescape(re.sub(r"<[^>]+>", " ", body))))
    return [(k, " ".join(b.split()[:12])) for k, b in found if b.split()]


@pytest.mark.parametrize("number,key,docs", CHAPTERS, ids=[c[1] for c in CHAPTERS])
def test_a_chapter_pdf_prints_its_case_and_every_folded_box_in_full(number, key, docs):
    """"How we know" and "How this notebook works" boxes are closed on the web and open on
    paper: the start of every box's body is in the chapter's PDF, as are the case and the
    objectives; and the key words come first."""
    _, text = read(chapter_pdf(number, key))
    missing = [(doc, kind, words) for doc in docs for kind, words in boxes(doc) if squash(words)[:50] not in text]
    assert not missing, missing[:5]
    assert "keywordsbeforeyoustart" in text[:20000]
