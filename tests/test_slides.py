"""Lecture slides (govmig.slides, issue 32): one deck per chapter, student and instructor,
drawn from the built book and checked in a real client.

Two sets of decks: the fixture chapter in tests/slides_fixture/ (every part of the chapter
anatomy, so every kind of slide is checked whatever state the chapters are in), and the
real book's five chapters from _build/html and _build/instructor/html (skipped when the
editions are not built: bash scripts/build.sh --slides or scripts/test.sh builds them).
LibreOffice Impress opens every deck once, headless, in ONE call that converts them all
to PDF; the checks on its rendering read that PDF back with pdftotext -bbox.
Budget: about a minute on an idle 2-core machine (the one LibreOffice call is most of it).
"""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import pytest

pptx = pytest.importorskip("pptx", reason="python-pptx: requirements-slides.txt")
from pptx import Presentation  # noqa: E402
from pptx.util import Pt  # noqa: E402

from conftest import INSTRUCTOR_SITE, ROOT, SITE  # noqa: E402
from govmig.slides import EDITIONS, deck_name, read_book, report, to_pdf, write_decks  # noqa: E402
from govmig.slides.book import SCREEN_ONLY, read_chapter  # noqa: E402

FIXTURE = ROOT / "tests" / "slides_fixture"
EMU_PER_PT = 12700
WHITE, BLUE, PALE = "FFFFFF", "1A4F7A", "EEF3F8"

needs_lo = pytest.mark.skipif(not (shutil.which("soffice") and shutil.which("pdftotext")),
                              reason="LibreOffice Impress and poppler-utils: apt-get install libreoffice-impress poppler-utils")


# --- building ---------------------------------------------------------------------------

def fixture_book(root: Path):
    return read_book(root, root / "html", root / "instructor" / "html", root / "_toc.yml")


@pytest.fixture(scope="module")
def built_fixture(tmp_path_factory):
    """{'decks': {'fixture': [(chapter, edition, pptx path), ...]}}: the fixture's decks."""
    out = tmp_path_factory.mktemp("slides")
    paths = write_decks(chs := fixture_book(FIXTURE), out / "fixture")
    report(chs, out / "fixture")
    return {"decks": {"fixture": [(chs[0], e, p) for e, p in zip(EDITIONS, paths)]}, "out": out}


@pytest.fixture(scope="module")
def built(built_fixture):
    """{'decks': {'fixture': [...], 'book': [...]}}: (chapter, edition, pptx path) of every deck."""
    out = built_fixture["out"]
    decks = {"fixture": built_fixture["decks"]["fixture"], "book": []}
    chapters = {}
    if (SITE / "index.html").exists() and (INSTRUCTOR_SITE / "index.html").exists():
        chapters["book"] = read_book(ROOT, SITE, INSTRUCTOR_SITE)
    for name, chs in chapters.items():
        paths = write_decks(chs, out / name)
        it = iter(paths)
        for ch in chs:
            for edition in EDITIONS:
                decks[name].append((ch, edition, next(it)))
        report(chs, out / name)
    # A negative control for the overflow check, converted in the same call: the fixture's
    # case slide with its text box cut to a sixth of its height.
    prs = Presentation(str(decks["fixture"][0][2]))
    box = next(sh for sh in prs.slides[1].shapes if sh.name == "Text")
    box.height = box.height // 6
    prs.save(str(out / "bad.pptx"))
    return {"decks": decks, "out": out}


@pytest.fixture(scope="module")
def pdfs(built):
    """{'<set>--<deck>': PDF} of every deck, from ONE LibreOffice Impress call."""
    out = built["out"]
    every = [p for items in built["decks"].values() for _, _, p in items] + [out / "bad.pptx"]
    flat = out / "pdf"
    flat.mkdir(exist_ok=True)
    for p in every:                      # one folder, one call; names kept apart by a prefix
        shutil.copy(p, flat / f"{p.parent.name}--{p.name}")
    return {pdf.stem: pdf for pdf in to_pdf(sorted(flat.glob("*.pptx")), flat, timeout=900)}


def all_decks(built):
    return [(kind, *d) for kind, items in built["decks"].items() for d in items]


def titles(path: Path) -> list[str]:
    return [s.shapes.title.text_frame.text for s in Presentation(str(path)).slides]


def deck_text(path: Path) -> str:
    words = []
    for s in Presentation(str(path)).slides:
        for sh in s.shapes:
            if sh.has_text_frame:
                words.append(sh.text_frame.text)
        if s.has_notes_slide:
            words.append(s.notes_slide.notes_text_frame.text)
    return " ".join(" ".join(words).split())


# --- what the decks hold ------------------------------------------------------------------

FIXTURE_TITLES = [
    "The demo forum as an example",
    "Case: Ruritania, 3 March 2020",
    "In this chapter",
    "Why states meet",
    "In class: Exercise 1: why meet at all?",
    "What the forum produces (1 of 2)",
    "What the forum produces (2 of 2)",
    "In class: Exercise 3: texts or effects?",
    "Counting",
    "Fig. 9.1: Meetings of the demo forum",
    "In class: Exercise 2: the busiest year",
    "Back to the case",
    "Key terms",
    "Review questions",
]


def test_fixture_deck_has_every_part_in_the_chapters_order(built_fixture):
    for ch, edition, path in built_fixture["decks"]["fixture"]:
        assert titles(path) == FIXTURE_TITLES, edition
    ch = built_fixture["decks"]["fixture"][0][0]
    assert ch.missing == []


def test_slides_carry_the_books_text(built_fixture):
    ch, _, path = built_fixture["decks"]["fixture"][0]
    slides = {s.shapes.title.text_frame.text: " ".join(
        sh.text_frame.text for sh in s.shapes if sh.has_text_frame and not sh.is_placeholder
        and sh.text_frame.text.strip() and sh.name != "Footer")
        for s in Presentation(str(path)).slides}
    assert "delegates of twelve invented states met in a hall by the river" in slides["Case: Ruritania, 3 March 2020"]
    assert "• judge whether a forum soft law text changes what states do;" in slides["In this chapter"]
    # the Summary's sentence for the section, without the section's name the title says
    assert slides["Why states meet"] == "States meet because a forum costs little and binds nobody, so leaving it is always possible."
    assert "1. A national law passed after the meeting" in slides["In class: Exercise 3: texts or effects?"]
    assert "Options: A text of the forum; An effect on states" in slides["In class: Exercise 3: texts or effects?"]
    assert "• soft law" in slides["Key terms"] and "• peer review" in slides["Key terms"]
    assert "2. In which year did the forum meet most often? (Exercise 2)" in slides["Review questions"]
    assert "Source: invented for the tests." in slides["Fig. 9.1: Meetings of the demo forum"]
    assert "buttons" not in slides["Fig. 9.1: Meetings of the demo forum"]     # the screen-only line
    # a summary item's bold opening words title its slide; the links after them are left out
    assert slides["Counting"] == "The forum met eleven times in four years, most often in 2022."
    # the recall exercise of the same section is not the in-class one
    assert "In class: Exercise 4: the date" not in slides


def test_a_chapter_without_the_anatomy_still_builds_and_says_what_is_missing(tmp_path, capsys):
    root = tmp_path / "book"
    shutil.copytree(FIXTURE, root)
    intro = root / "html" / "chapters" / "demo" / "demo-intro.html"
    html = intro.read_text("utf-8")
    html = re.sub(r'<div class="admonition (case|objectives)">.*?</div>\n', "", html, flags=re.S)
    intro.write_text(html, "utf-8")
    closing = root / "html" / "chapters" / "demo" / "demo-closing.html"
    closing.write_text(re.sub(r'<section id="(summary|key-terms|review-questions)">.*?</section>\n', "",
                              closing.read_text("utf-8"), flags=re.S), "utf-8")
    (root / "instructor" / "html" / "instructor" / "demo-exercise-notes.html").unlink()
    chapters = fixture_book(root)
    missing = report(chapters, tmp_path)
    assert missing["demo"] == ["case", "objectives", "summary", "key terms", "review questions",
                               "teaching notes keyed by exercise id"]
    err = capsys.readouterr().err
    assert "chapter 9 (demo) has no case, no objectives, no summary, no key terms, no review questions" in err
    path = write_decks(chapters, tmp_path / "decks")[0]
    assert titles(path)[:4] == ["The demo forum as an example", "Sections: The demo forum as an example",
                                "Sections: The forum in numbers", "Sections: What the forum leaves behind"]
    assert "Fig. 9.1: Meetings of the demo forum" in titles(path)


def test_every_chapter_of_the_book_has_a_deck_in_each_edition(built):
    decks = built["decks"]["book"]
    if not decks:
        pytest.skip("the book is not built: bash scripts/build.sh --slides")
    chapters = {ch.slug for ch, _, _ in decks}
    assert chapters == {"iom", "partnership", "rcps", "gcm", "imrf"}
    for ch, edition, path in decks:
        t = titles(path)
        assert t[0] == ch.title and len(t) >= 4, (ch.slug, t[:3])
        assert path.name == deck_name(ch, edition, 0) + ".pptx"
        charts = [c for c in ch.charts]
        assert sum(1 for x in t if x.startswith("Fig. ")) == sum(1 for c in charts if c.figure), ch.slug
    by = {(ch.slug, e): titles(p) for ch, e, p in decks}
    for slug in chapters:                # the two editions show the same slides
        assert by[(slug, "student")] == by[(slug, "instructor")]


def test_titles_are_unique_and_every_slide_has_one(built):
    for kind, ch, edition, path in all_decks(built):
        t = titles(path)
        assert all(x.strip() for x in t), (path.name, t)
        assert len({x.lower() for x in t}) == len(t), (path.name, [x for x in t if t.count(x) > 1])


def test_reading_order_title_first_footer_last(built):
    for kind, ch, edition, path in all_decks(built):
        for i, s in enumerate(Presentation(str(path)).slides, 1):
            shapes = list(s.shapes)
            assert shapes[0].is_placeholder and shapes[0] == s.shapes.title, (path.name, i)
            if i > 1:
                assert shapes[-1].name == "Footer", (path.name, i, [x.name for x in shapes])


def test_text_is_in_text_boxes_and_every_picture_is_a_chart_with_alt_text(built):
    for kind, ch, edition, path in all_decks(built):
        described = {c.description for c in ch.charts}
        for i, s in enumerate(Presentation(str(path)).slides, 1):
            for sh in s.shapes:
                if sh.shape_type == 13:  # a picture
                    descr = sh._element.nvPicPr.cNvPr.get("descr", "")
                    assert descr.strip() and descr in described, (path.name, i, descr[:60])
                    assert not SCREEN_ONLY.search(descr), (path.name, i, descr)
                    assert sh.image.size[0] == 1920, (path.name, i, sh.image.size)
                    assert s.shapes.title.text_frame.text.startswith("Fig. ") or not any(c.figure for c in ch.charts)
    ch, _, path = built["decks"]["fixture"][0]
    pics = [sh for s in Presentation(str(path)).slides for sh in s.shapes if sh.shape_type == 13]
    assert len(pics) == 1
    assert pics[0]._element.nvPicPr.cNvPr.get("descr") == (
        "Bar chart of the demo forum's meetings per year, 2019 to 2022: 3 in 2019, 1 in 2020, 2 in 2021 and 5 in 2022.")


def _luminance(hex_colour: str) -> float:
    def channel(c):
        c = c / 255
        return c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4
    r, g, b = (int(hex_colour[i:i + 2], 16) for i in (0, 2, 4))
    return 0.2126 * channel(r) + 0.7152 * channel(g) + 0.0722 * channel(b)


def contrast(a: str, b: str) -> float:
    hi, lo = sorted((_luminance(a), _luminance(b)), reverse=True)
    return (hi + 0.05) / (lo + 0.05)


def test_type_sizes_and_contrast_for_a_lecture_hall(built):
    assert contrast("1F1F1F", WHITE) >= 7 and round(contrast(BLUE, WHITE), 1) == 8.6
    for kind, ch, edition, path in all_decks(built):
        for i, s in enumerate(Presentation(str(path)).slides, 1):
            fill = s.background.fill
            slide_bg = str(fill.fore_color.rgb) if fill.type == 1 else WHITE
            panels = [str(sh.fill.fore_color.rgb) for sh in s.shapes if sh.name == "Panel"]
            for sh in s.shapes:
                if not sh.has_text_frame or not sh.text_frame.text.strip():
                    continue
                for p in sh.text_frame.paragraphs:
                    for r in p.runs:
                        size = r.font.size
                        assert size is not None and size >= Pt(18), (path.name, i, sh.name, r.text[:30])
                        if sh.name == "Text":
                            assert size >= Pt(24), (path.name, i, r.text[:30])
                        if sh.is_placeholder:
                            assert size >= Pt(28), (path.name, i, r.text[:30])
                        colour = str(r.font.color.rgb)
                        behind = panels[0] if panels and sh.name == "Text" else slide_bg
                        assert contrast(colour, behind) >= 7, (path.name, i, colour, behind)


def test_student_decks_carry_no_answer_or_teaching_note(built):
    for kind, items in built["decks"].items():
        for ch, edition, path in items:
            if edition != "student":
                continue
            prs = Presentation(str(path))
            assert not any(s.has_notes_slide for s in prs.slides), path.name
            text = deck_text(path)
            for ex in ch.exercises.values():
                for secret in ex.solution[1:] + ex.notes:   # [0] is "Answer: ..." (short; checked below)
                    assert " ".join(secret.split()) not in text, (path.name, ex.id, secret[:60])
                if ex.solution:
                    assert ex.solution[0] not in text, (path.name, ex.id)


def test_instructor_notes_carry_answers_and_notes_keyed_by_exercise_id(built_fixture):
    inst = next(p for ch, e, p in built_fixture["decks"]["fixture"] if e == "instructor")
    notes = {s.shapes.title.text_frame.text: s.notes_slide.notes_text_frame.text
             for s in Presentation(str(inst)).slides if s.has_notes_slide}
    one = notes["In class: Exercise 1: why meet at all?"]
    assert "Answer: Meeting costs little and binds nobody" in one
    assert "low cost and the freedom to leave explain attendance" in one
    assert "works best in pairs" in one
    three = notes["In class: Exercise 3: texts or effects?"]
    assert "most students get wrong at first" in three          # linked as #ex-demo-produces-match
    two = notes["In class: Exercise 2: the busiest year"]
    assert "Answer: 2022" in two and "keyed by number only" not in " ".join(notes.values())
    review = notes["Review questions"]
    assert "Question 1" in review and "Answer: Meeting costs little" in review and "Answer: 2022" in review


# --- LibreOffice's rendering ----------------------------------------------------------------

def _pdf_words(pdf: Path) -> list[list[tuple[float, float, float, float, str]]]:
    html = subprocess.run(["pdftotext", "-bbox", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
    pages = []
    for page in re.findall(r"<page[^>]*>(.*?)</page>", html, re.S):
        pages.append([(float(a), float(b), float(c), float(d), w) for a, b, c, d, w in re.findall(
            r'<word xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" yMax="([\d.]+)">([^<]*)</word>', page)])
    return pages


@needs_lo
def test_libreoffice_opens_every_deck_and_no_text_runs_outside_its_box(built, pdfs):
    """Every deck converts; the PDF has one page a slide; every word LibreOffice drew lies
    inside a text box of its slide (1 pt of slack), and every box's words were all drawn."""
    for kind, ch, edition, path in all_decks(built):
        pdf = pdfs.get(f"{kind}--{path.stem}")
        assert pdf is not None and pdf.stat().st_size > 1000, (kind, path.name)
        prs = Presentation(str(path))
        pages = _pdf_words(pdf)
        assert len(pages) == len(prs.slides), (path.name, len(pages), len(prs.slides))
        for i, (s, words) in enumerate(zip(prs.slides, pages), 1):
            boxes = [(sh.left / EMU_PER_PT, sh.top / EMU_PER_PT, (sh.left + sh.width) / EMU_PER_PT,
                      (sh.top + sh.height) / EMU_PER_PT) for sh in s.shapes if sh.has_text_frame and sh.text_frame.text.strip()]
            for x0, y0, x1, y1, w in words:
                assert any(x0 >= b[0] - 1 and y0 >= b[1] - 1 and x1 <= b[2] + 1 and y1 <= b[3] + 1 for b in boxes), (
                    path.name, i, w, (x0, y0, x1, y1), boxes)
            drawn = len(words)
            written = sum(len(sh.text_frame.text.split()) for sh in s.shapes if sh.has_text_frame)
            assert drawn >= written * 0.95, (path.name, i, drawn, written)


@needs_lo
def test_a_box_too_small_for_its_text_is_caught(built, pdfs):
    """The check above fails on overflowing text: the control deck's case text runs out of
    its shrunken box in LibreOffice's rendering."""
    bad = built["out"] / "bad.pptx"
    box = next(sh for sh in Presentation(str(bad)).slides[1].shapes if sh.name == "Text")
    words = _pdf_words(pdfs[f"{bad.parent.name}--bad"])[1]
    bottom = (box.top + box.height) / EMU_PER_PT
    assert any(y1 > bottom + 1 for _, _, _, y1, _ in words)


def test_a_summary_not_keyed_to_every_section_is_shown_whole(tmp_path):
    """One summary paragraph that names no section: no per-section slides, the whole
    Summary on its own slides (nothing of it is dropped), and the build says so."""
    root = tmp_path / "book"
    shutil.copytree(FIXTURE, root)
    closing = root / "html" / "chapters" / "demo" / "demo-closing.html"
    html = closing.read_text("utf-8").replace(
        '<p><a class="reference internal" href="#demo-back"><span class="std std-ref">Back to the case</span></a>: ',
        "<p>In the end: ")
    closing.write_text(html, "utf-8")
    ch = fixture_book(root)[0]
    assert ch.missing == ["summary keyed to sections (1 of 4 items name no section or page)"]
    path = write_decks([ch], tmp_path / "decks")[0]
    t = titles(path)
    assert "Sections: The forum in numbers" in t and "Why states meet" not in t
    summary = " ".join(deck_text(path).split())
    assert "In the end: the meeting by the river was a success by the forum's own measure." in summary
    assert "Counting (How often it met). The forum met eleven times in four years" in summary


def test_two_sections_of_one_name_get_two_titles():
    """Pages may repeat a heading ("The UN Network on Migration" in two pages of chapter 4):
    the second slide's title is told apart."""
    from govmig.slides.book import Chapter, Section
    from govmig.slides.deck import build_deck

    ch = Chapter(slug="x", number="1", title="A chapter",
                 sections=[Section("a", "The Network", "p1"), Section("b", "The Network", "p2")],
                 summary=[("The Network: first page, a sentence long enough.", ["a"]),
                          ("The Network: second page, a sentence long enough.", ["b"])])
    t = [s.shapes.title.text_frame.text for s in build_deck(ch, "student").prs.slides]
    assert t == ["A chapter", "The Network", "The Network (2)"]


def test_a_summary_item_named_by_its_pages_title_brings_that_pages_chart(tmp_path):
    """Bold opening words that are a page's title (or its first words) key a Summary item
    to that page, so its chart and in-class exercise follow the item's slide."""
    root = tmp_path / "book"
    shutil.copytree(FIXTURE, root)
    closing = root / "html" / "chapters" / "demo" / "demo-closing.html"
    html = closing.read_text("utf-8").replace(
        '<p><strong>Counting</strong> (<a class="reference internal" href="demo-data.html#demo-how-often">'
        '<span class="std std-ref">How often it met</span></a>). ', "<p><strong>The forum in numbers.</strong> ")
    assert "<strong>The forum in numbers.</strong>" in html
    closing.write_text(html, "utf-8")
    ch = fixture_book(root)[0]
    assert ch.missing == []
    t = titles(write_decks([ch], tmp_path / "decks")[0])
    i = t.index("The forum in numbers")
    assert t[i + 1:i + 3] == ["Fig. 9.1: Meetings of the demo forum", "In class: Exercise 2: the busiest year"]
