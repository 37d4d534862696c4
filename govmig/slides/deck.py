"""Write a chapter's deck with python-pptx: real text boxes a lecturer can edit, the book's
house style, sizes and contrast for the back of a lecture hall, alternative text on every
picture, a unique title on every slide, reading order title first.

Sizes (ROUND-NOTES, "Slides"): body text 28 pt (never under 24), captions and the footer
18 pt (nothing under 18). Colours: the book's blue #1a4f7a on white (8.6:1) for titles,
near-black #1f1f1f on white (16:1) for text, white on the blue (8.6:1) for the title slide.
Text that does not fit its box goes on to a next slide ("(2 of 2)"): nothing is shrunk.
"""

from __future__ import annotations

import io
import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from pptx import Presentation
from pptx.dml.color import RGBColor
from pptx.enum.text import MSO_ANCHOR, MSO_AUTO_SIZE, PP_ALIGN
from pptx.util import Emu, Inches, Pt

from .book import Chapter, Chart, Exercise
from . import charts as chart_png

BOOK = "Governing Migration"
FONT = "Arial"                       # Liberation Sans where Arial is missing: same metrics
BLUE, INK, WHITE, PALE = "1A4F7A", "1F1F1F", "FFFFFF", "EEF3F8"
SIZES = {"title": 36, "cover": 44, "body": 28, "small": 24, "caption": 18, "footer": 18}
MIN_BODY, MIN_ANY = 24, 18
W, H = Inches(13.333), Inches(7.5)
MARGIN = Inches(0.6)
TITLE_TOP, TITLE_H = Inches(0.35), Inches(1.15)
BODY_TOP = Inches(1.6)
FOOTER_H = Inches(0.45)
BODY_H = H - BODY_TOP - FOOTER_H - Inches(0.25)
INSET = Inches(0.1)
LINE = 1.2                           # line height, times the font size (LibreOffice and PowerPoint: ~1.17)


@dataclass
class Para:
    text: str
    size: int = SIZES["body"]
    bullet: str = ""                 # "•", "1." ... written into the text, so it edits as text
    bold: bool = False
    colour: str = INK


# --- measuring ------------------------------------------------------------------------

@lru_cache(maxsize=8)
def _font(size: int, bold: bool):
    from PIL import ImageFont
    names = ["LiberationSans-Bold.ttf" if bold else "LiberationSans-Regular.ttf"]
    for folder in ("/usr/share/fonts/truetype/liberation", "/usr/share/fonts/truetype/liberation2"):
        for name in names:
            if Path(folder, name).exists():
                return ImageFont.truetype(str(Path(folder, name)), size * 10)
    return ImageFont.load_default(size * 10)


def lines_of(text: str, size: int, width_pt: float, bold: bool = False) -> list[str]:
    """Greedy word wrap at the font's real advance widths (Liberation Sans = Arial), with
    5% to spare for a renderer that sets text a little wider."""
    font = _font(size, bold)
    limit = width_pt * 10 / 1.05
    out, line = [], ""
    for word in text.split():
        trial = f"{line} {word}" if line else word
        if line and font.getlength(trial) > limit:
            out.append(line)
            line = word
        else:
            line = trial
    return out + [line] if line else out or [""]


def height_of(paras: list[Para], width_pt: float) -> float:
    """Height in points of paragraphs in a box `width_pt` wide (space after each: 0.4 line)."""
    total = 0.0
    for p in paras:
        n = len(lines_of(f"{p.bullet} {p.text}".strip(), p.size, width_pt, p.bold))
        total += n * p.size * LINE + p.size * 0.4
    return total


def paginate(paras: list[Para], width: int, height: int) -> list[list[Para]]:
    """Paragraphs in pages that fit a box; a paragraph taller than a box is cut at a sentence
    (else at a word) and goes on in the next."""
    width_pt, height_pt = (width - 2 * INSET) / 12700, (height - 2 * INSET) / 12700
    pages: list[list[Para]] = [[]]
    queue = list(paras)
    while queue:
        p = queue.pop(0)
        if height_of(pages[-1] + [p], width_pt) <= height_pt:
            pages[-1].append(p)
            continue
        room = height_pt - height_of(pages[-1], width_pt)
        if pages[-1] and height_of([p], width_pt) <= height_pt:
            # a list item is not split between slides when it fits on one
            head, tail = _cut(p, width_pt, room, words=False) if room > 3 * p.size * LINE and not p.bullet \
                else (None, p)
            if head is not None:         # fill the slide with whole sentences, go on in the next
                pages[-1].append(head)
                pages.append([])
                queue.insert(0, tail)
            else:
                pages.append([p])
            continue
        head, tail = _cut(p, width_pt, height_pt - height_of(pages[-1], width_pt), words=not pages[-1])
        if head is None:
            if not pages[-1]:
                raise ValueError(f"cannot fit a single word: {p.text[:40]!r}")
            pages.append([])
            queue.insert(0, p)
            continue
        pages[-1].append(head)
        pages.append([])
        queue.insert(0, tail)
    return [page for page in pages if page]


def _cut(p: Para, width_pt: float, room: float, words: bool) -> tuple[Para | None, Para]:
    """The longest run of whole sentences of `p` that fits `room` (of words, when `words`)."""
    sentences = re.split(r"(?<=[.!?])\s+(?=[A-Z0-9“\"(])", p.text)
    for n in range(len(sentences) - 1, 0, -1):
        head = Para(" ".join(sentences[:n]), p.size, p.bullet, p.bold, p.colour)
        if height_of([head], width_pt) <= room:
            return head, Para(" ".join(sentences[n:]), p.size, "", p.bold, p.colour)
    return _cut_words(p, width_pt, room) if words else (None, p)


def _cut_words(p: Para, width_pt: float, room: float) -> tuple[Para | None, Para]:
    words = p.text.split()
    for n in range(len(words) - 1, 0, -1):
        head = Para(" ".join(words[:n]), p.size, p.bullet, p.bold, p.colour)
        if height_of([head], width_pt) <= room:
            return head, Para(" ".join(words[n:]), p.size, "", p.bold, p.colour)
    return None, p


# --- writing --------------------------------------------------------------------------

class Deck:
    def __init__(self, chapter: Chapter, edition: str) -> None:
        self.ch, self.edition = chapter, edition
        self.prs = Presentation()
        self.prs.slide_width, self.prs.slide_height = W, H
        self.prs.core_properties.title = f"{BOOK}: {chapter.title}"
        self.prs.core_properties.subject = f"Chapter {chapter.number} lecture slides ({edition} deck)"
        self.prs.core_properties.author = BOOK
        self.prs.core_properties.language = "en-GB"
        self.titles: set[str] = set()
        self.layout = self.prs.slide_layouts[5]        # "Title Only": a real title placeholder

    # every slide -----------------------------------------------------------------------
    def _unique(self, title: str) -> str:
        base, n = title, 2
        while title.lower() in self.titles:
            title = f"{base} ({n})"
            n += 1
        self.titles.add(title.lower())
        return title

    def slide(self, title: str, notes: list[str] | None = None, *, cover: bool = False):
        s = self.prs.slides.add_slide(self.layout)
        title = self._unique(title)
        ph = s.shapes.title
        ph.left, ph.width = MARGIN, W - 2 * MARGIN
        ph.top, ph.height = (Inches(2.2), Inches(2.0)) if cover else (TITLE_TOP, TITLE_H)
        size = SIZES["cover"] if cover else SIZES["title"]
        colour = WHITE if cover else BLUE
        lines = lines_of(title, size, (ph.width - 2 * INSET) / 12700, bold=True)
        if len(lines) * size * LINE > (ph.height - 2 * INSET) / 12700:   # a long title: one size down, still >= 28
            size = max(28, size - 8)
        self._fill(ph.text_frame, [Para(title, size, bold=True, colour=colour)], anchor=MSO_ANCHOR.BOTTOM if not cover else MSO_ANCHOR.MIDDLE)
        if cover:
            self._background(s, BLUE)
        else:
            # filled empty text boxes, not autoshapes: an autoshape's theme style draws a
            # shadow in LibreOffice whatever its own effects say
            bar = s.shapes.add_textbox(MARGIN, TITLE_TOP + TITLE_H + Inches(0.02), Inches(1.6), Inches(0.08))
            bar.fill.solid(); bar.fill.fore_color.rgb = RGBColor.from_string(BLUE)
            bar.name = "Decoration"
            self._decorative(bar)
            self._footer(s)
        if notes and self.edition == "instructor":
            s.notes_slide.notes_text_frame.text = "\n\n".join(n for n in notes if n)
        return s

    def _background(self, s, colour: str) -> None:
        fill = s.background.fill
        fill.solid()
        fill.fore_color.rgb = RGBColor.from_string(colour)

    def _decorative(self, shape) -> None:
        shape._element.nvSpPr.cNvPr.set("descr", "")   # empty alternative text: decoration

    def _footer(self, s) -> None:
        label = f"{BOOK} · Chapter {self.ch.number}: {self.ch.title}" if self.ch.number else f"{BOOK} · {self.ch.title}"
        width = W - 2 * MARGIN
        while len(lines_of(label, SIZES["footer"], (width - 2 * INSET) / 12700)) > 1:
            label = label.rsplit(" ", 1)[0].rstrip(":,·") + "…"
        box = s.shapes.add_textbox(MARGIN, H - FOOTER_H - Inches(0.1), width, FOOTER_H)
        box.name = "Footer"
        self._fill(box.text_frame, [Para(label, SIZES["footer"], colour="404040")])   # 10:1 on white

    def _fill(self, tf, paras: list[Para], anchor=MSO_ANCHOR.TOP) -> None:
        tf.word_wrap = True
        tf.auto_size = MSO_AUTO_SIZE.NONE
        tf.vertical_anchor = anchor
        for side in ("left", "right", "top", "bottom"):
            setattr(tf, f"margin_{side}", INSET)
        for i, p in enumerate(paras):
            para = tf.paragraphs[0] if i == 0 else tf.add_paragraph()
            para.alignment = PP_ALIGN.LEFT
            para.line_spacing = 1.0
            para.space_after = Pt(round(p.size * 0.4))
            run = para.add_run()
            run.text = f"{p.bullet} {p.text}".strip() if p.bullet else p.text
            f = run.font
            f.name, f.size, f.bold = FONT, Pt(p.size), p.bold
            f.color.rgb = RGBColor.from_string(p.colour)

    def text_slides(self, title: str, paras: list[Para], notes: list[str] | None = None,
                    *, top=BODY_TOP, height=BODY_H, background: str | None = None) -> None:
        """One slide, or as many as the text needs ("Title (2 of 3)"); notes on the first."""
        width = W - 2 * MARGIN
        pages = paginate(paras, width, height) or [[]]
        if len(pages) > 1:               # one size down (never under 24 pt) if that saves a slide
            smaller = [Para(p.text, min(p.size, MIN_BODY), p.bullet, p.bold, p.colour) for p in paras]
            fewer = paginate(smaller, width, height)
            if len(fewer) < len(pages):
                pages = fewer
        for i, page in enumerate(pages):
            t = title if len(pages) == 1 else f"{title} ({i + 1} of {len(pages)})"
            s = self.slide(t, notes if i == 0 else None)
            if background:
                panel = s.shapes.add_textbox(MARGIN - Inches(0.1), top - Inches(0.1),
                                             width + Inches(0.2), height + Inches(0.2))
                panel.fill.solid(); panel.fill.fore_color.rgb = RGBColor.from_string(background)
                panel.name = "Panel"
                self._decorative(panel)
                # the panel sits behind the text: move it just after the title
                tree = s.shapes._spTree
                tree.remove(panel._element); tree.insert(3, panel._element)
            box = s.shapes.add_textbox(MARGIN, top, width, height)
            box.name = "Text"
            self._fill(box.text_frame, page)
            self._reading_order(s)

    def _reading_order(self, s) -> None:
        """Title first, then the slide's text and pictures, the footer last (the order of the
        shapes in the slide is the order a screen reader reads them)."""
        tree = s.shapes._spTree
        shapes = list(s.shapes)
        order = sorted(shapes, key=lambda sh: (0 if sh.is_placeholder else 3 if sh.name == "Footer"
                                                else 1 if sh.name in ("Decoration", "Panel") else 2))
        for sh in order:
            tree.remove(sh._element)
            tree.append(sh._element)

    def _caption(self, caption: str, width: int, height: int) -> tuple[list[Para], int]:
        """The caption at 18 pt in a box `width` wide: all of it if it fits `height`, else
        its first words and "…" (the book's figure keeps the whole caption)."""
        if not caption:
            return [], 0
        wpt, hpt = (width - 2 * INSET) / 12700, (height - 2 * INSET) / 12700
        paras = [Para(caption, SIZES["caption"])]
        words = caption.split()
        while height_of(paras, wpt) > hpt and len(words) > 3:
            words = words[: max(3, len(words) - max(1, len(words) // 10))]
            paras = [Para(" ".join(words).rstrip(",;:") + " …", SIZES["caption"])]
        return paras, int(height_of(paras, wpt) * 12700) + 2 * INSET

    def chart_slide(self, chart: Chart) -> None:
        """The chart as large as the slide allows, its caption under it, or beside it when
        the chart is tall (whichever draws the chart larger)."""
        title = f"{chart.figure}: {chart.title}" if chart.figure else chart.title
        s = self.slide(title)
        width = W - 2 * MARGIN
        cap_below, cap_h = self._caption(chart.caption, width, Inches(1.25))
        room = (width / 12700, (BODY_H - cap_h - Inches(0.1)) / 12700)
        png, (pw, ph) = chart_png.png(chart, room)
        scale = min(room[0] / pw, room[1] / ph)
        side_w = Inches(3.9)
        side_room = ((width - side_w - Inches(0.2)) / 12700, BODY_H / 12700)
        if chart.caption and min(side_room[0] / pw, side_room[1] / ph) > scale * 1.15:
            png, (pw, ph) = chart_png.png(chart, side_room)
            scale = min(side_room[0] / pw, side_room[1] / ph)
            pic_w, pic_h = int(pw * scale * 12700), int(ph * scale * 12700)
            pic = s.shapes.add_picture(io.BytesIO(png), MARGIN, BODY_TOP, pic_w, pic_h)
            paras, _ = self._caption(chart.caption, side_w, BODY_H)
            box = s.shapes.add_textbox(MARGIN + width - side_w, BODY_TOP, side_w, BODY_H)
        else:
            pic_w, pic_h = int(pw * scale * 12700), int(ph * scale * 12700)
            pic = s.shapes.add_picture(io.BytesIO(png), MARGIN + (width - pic_w) // 2, BODY_TOP, pic_w, pic_h)
            paras = cap_below
            box = s.shapes.add_textbox(MARGIN, BODY_TOP + pic_h + Inches(0.1), width, cap_h) if paras else None
        pic.name = f"Chart: {chart.title}"[:250]
        pic._element.nvPicPr.cNvPr.set("descr", chart.description or chart.title)
        if box is not None:
            box.name = "Caption"
            self._fill(box.text_frame, paras)
        self._reading_order(s)

    def save(self, path: Path) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        self.prs.save(str(path))


def bullets(texts: list[str], size: int = SIZES["body"], numbered: bool = False) -> list[Para]:
    return [Para(t, size, f"{i}." if numbered else "•") for i, t in enumerate(texts, 1)]


def exercise_paras(ex: Exercise) -> list[Para]:
    paras = [Para(ex.prompt, SIZES["body"])]
    paras += [Para(item, SIZES["small"], bullet="" if re.match(r"^\d+\.", item) else "•") for item in ex.items]
    if ex.options and not all(o.strip().isdigit() for o in ex.options):   # an order's positions say nothing
        paras.append(Para("Options: " + "; ".join(ex.options), SIZES["small"], bold=False))
    return paras


def answer_notes(ex: Exercise) -> list[str]:
    notes = [f"{ex.title} ({ex.id})"]
    notes += ex.solution                 # "Answer: ...", the explanation, the source
    notes += [f"Teaching note: {n}" for n in ex.notes]
    return notes


def build_deck(ch: Chapter, edition: str) -> Deck:
    d = Deck(ch, edition)
    cover = d.slide(ch.title, cover=True)
    sub = cover.shapes.add_textbox(MARGIN, Inches(4.4), W - 2 * MARGIN, Inches(1.5))
    sub.name = "Subtitle"
    label = f"Chapter {ch.number} · {BOOK}" if ch.number else BOOK
    d._fill(sub.text_frame, [Para(label, SIZES["body"], colour=WHITE)] +
            ([Para("Instructor deck: teaching notes and answers in the speaker notes", SIZES["small"], colour=WHITE)]
             if edition == "instructor" else []))
    d._reading_order(cover)

    if ch.case:
        d.text_slides(ch.case_title or "Case", [Para(p) for p in ch.case], background=PALE)
    if ch.objectives:
        d.text_slides("In this chapter", bullets(ch.objectives))

    leads = ch.summary_leads or [("", t) for t, _ in ch.summary]
    # The Summary drives the body when its items say what they are about (a section they
    # link to, or their own bold opening words): one slide (two if long) per item, in its
    # order, each followed by the charts and the in-class exercise of its sections.
    structured = bool(ch.summary) and all(ids or leads[i][0] for i, (_, ids) in enumerate(ch.summary))
    if not structured:                   # no usable Summary yet: each page's headings, then the Summary
        for page, page_title in ch.pages:
            heads = [s.title for s in ch.sections if s.page == page]
            if heads:
                d.text_slides(f"Sections: {page_title}", bullets(heads, SIZES["small"]))
        if ch.summary:
            d.text_slides("Summary", [Para(t) for t, _ in ch.summary])
    used: set[str] = set()
    done: set[str] = set()

    def section_extras(sid: str) -> None:
        if sid in done:
            return
        done.add(sid)
        for chart in (c for c in ch.charts if c.section == sid):
            d.chart_slide(chart)
        ex = _in_class(ch, sid, used)
        if ex is not None:
            used.add(ex.id)
            d.text_slides(f"In class: {ex.title}", exercise_paras(ex), answer_notes(ex))

    if structured:
        titles = {s.id: s.title for s in ch.sections}
        for i, (t, ids) in enumerate(ch.summary):
            lead, rest = leads[i]
            title = lead or titles[ids[0]]
            # a block that opens with its section's name ("Soft law: ...") loses it: the title says it
            d.text_slides(title, [Para(rest if lead else _without_name(t, title))])
            for sid in ids:
                section_extras(sid)
    for sec in ch.sections:              # sections no Summary item speaks for
        section_extras(sec.id)
    for chart in (c for c in ch.charts if not any(c.section == s.id for s in ch.sections)):
        d.chart_slide(chart)

    if ch.key_terms:
        d.text_slides("Key terms", bullets(ch.key_terms))
    if ch.review:
        notes = []
        for i, (q, ids) in enumerate(ch.review, 1):
            for ex_id in ids:
                ex = ch.exercises[ex_id]
                notes.append(f"Question {i}, practised by " + "\n".join(answer_notes(ex)))
        d.text_slides("Review questions", bullets([q for q, _ in ch.review], numbered=True), notes)
    return d


def _without_name(text: str, name: str) -> str:
    if not text.lower().startswith(name.lower()) or len(text) < len(name) + 20:
        return text
    rest = text[len(name):].lstrip(" :.–—").strip()
    return rest[:1].upper() + rest[1:]


LEVELS = {"apply": 0, "analyse": 1, "evaluate": 2, "recall": 3, "": 4}


def _in_class(ch: Chapter, section: str, used: set[str]) -> Exercise | None:
    candidates = [e for e in ch.exercises.values() if e.section and ch.section_of(e.section) == section
                  and e.id not in used]
    return min(candidates, key=lambda e: LEVELS.get(e.level, 4), default=None)
