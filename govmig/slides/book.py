"""Read a chapter from the BUILT book: the student and instructor HTML and the chart specs
the build writes. Nothing here holds text of its own: every sentence a deck shows comes
from a built page, so a deck changes with the next build of its chapter.

The chapter anatomy (CONTRACT.md) is what this reads:
- the first page opens with an admonition of class ``case`` and one of class ``objectives``;
- the last narrative page ends with ``## Summary``, ``## Key terms``, ``## Review questions``
  (items link to exercises) and ``## Further reading``;
- exercises are ``form.gm-exercise`` elements on the chapter's exercise page, whose
  instructor edition adds ``details.gm-solution``; each spec names its ``section:``;
- teaching notes are the blocks of ``instructor/<chapter>-exercise-notes`` that link to an
  exercise (keyed by the exercise's id, never by its number);
- charts are ``div.gm-chart`` elements with a text description, whose spec the build writes
  to ``_static/chart-specs/<key>.js`` (the drawing itself when there is no spec).
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Iterable

import yaml
from bs4 import BeautifulSoup, NavigableString, Tag

#: Headings that close a chapter (end matter), not sections to summarise.
END_MATTER = {"summary", "key terms", "review questions", "further reading", "discussion questions"}
#: Parts of the anatomy a deck is made of, in the order the build reports them.
PARTS = ("case", "objectives", "summary", "key terms", "review questions", "in-class exercises",
         "teaching notes")
#: Screen-only instructions that slides, print and alternative text leave out (ROUND-NOTES,
#: "Charts in JupyterLab"): a sentence naming one of these is not part of the description.
SCREEN_ONLY = re.compile(r"\b(hover\w*|slider\w*|click\w*|tap\w*|zoom\w*|drag\w*|mouse\w*|scroll\w*|"
                         r"pointer|tooltip\w*|use the (?:menu|buttons?|controls?))\b", re.I)


@dataclass
class Section:
    id: str                    # the h2 section's element id
    title: str
    page: str                  # page name, e.g. "gcm-soft-law"
    anchors: set[str] = field(default_factory=set)   # every id inside (labels of h3s too)


@dataclass
class Chart:
    title: str
    figure: str                # "Fig. 4.1" (empty when the chart has no numbered caption)
    caption: str
    description: str           # alternative text: describes the data, no screen-only lines
    section: str               # id of the h2 section the chart sits in
    spec: dict[str, Any] | None
    svg: str | None


@dataclass
class Exercise:
    id: str
    title: str                 # "Exercise 1: hard law or soft law?"
    prompt: str
    items: list[str]
    options: list[str]
    level: str = ""
    section: str = ""          # the label the spec names (`section:`)
    solution: list[str] = field(default_factory=list)   # instructor edition only
    notes: list[str] = field(default_factory=list)      # teaching notes keyed by its id


@dataclass
class Chapter:
    slug: str
    number: str                # "4"
    title: str
    case_title: str = ""
    case: list[str] = field(default_factory=list)
    objectives: list[str] = field(default_factory=list)
    sections: list[Section] = field(default_factory=list)
    summary: list[tuple[str, list[str]]] = field(default_factory=list)   # (text, section ids)
    summary_leads: list[tuple[str, str]] = field(default_factory=list)   # (bold opening words, the rest)

    key_terms: list[str] = field(default_factory=list)
    review: list[tuple[str, list[str]]] = field(default_factory=list)    # (text, exercise ids)
    charts: list[Chart] = field(default_factory=list)
    pages: list[tuple[str, str]] = field(default_factory=list)          # (page, its title)
    exercises: dict[str, Exercise] = field(default_factory=dict)
    missing: list[str] = field(default_factory=list)

    def section_of(self, anchor: str) -> str:
        """The h2 section holding an element id (a label), or ''."""
        for s in self.sections:
            if anchor == s.id or anchor in s.anchors:
                return s.id
        return ""


# --- text ----------------------------------------------------------------------------

def text(node: Tag | NavigableString | None) -> str:
    """What a reader sees, as one line: no heading links, no "Show code" labels."""
    if node is None:
        return ""
    if isinstance(node, NavigableString):
        return " ".join(str(node).split())
    node = _copy(node)
    for junk in node.select("a.headerlink, span.section-number, a.footnote-reference, summary, "
                            "script, style, .gm-chart, .cell_input, button, .screen-only, .gm-chart-screen"):
        junk.decompose()
    return " ".join(node.get_text(" ").split()).replace(" ,", ",").replace(" .", ".").replace("( ", "(") \
        .replace(" )", ")").replace(" ;", ";").replace(" :", ":").replace(" ’", "’").replace(" ?", "?")


def _copy(node: Tag) -> Tag:
    return BeautifulSoup(str(node), "html.parser")


def blocks(node: Tag) -> list[Tag]:
    """A section's text blocks in order: its list items and its paragraphs (not nested ones,
    not the heading, not admonition titles)."""
    out = []
    for child in node.children:
        if not isinstance(child, Tag) or child.name in ("h1", "h2", "h3", "h4", "span"):
            continue
        if child.name in ("ul", "ol"):
            out += child.find_all("li", recursive=False)
        elif child.name == "p":
            out.append(child)
        elif child.name in ("div", "blockquote", "section"):
            out += blocks(child)
    return out


def screen_free(description: str) -> str:
    """A chart's description without its screen-only sentences ("Hovering over ...")."""
    sentences = re.split(r"(?<=[.!?])\s+(?=[A-Z])", description.strip())
    return " ".join(s for s in sentences if not SCREEN_ONLY.search(s)).strip()


def _fragment(href: str) -> tuple[str, str]:
    """(page stem, fragment) of a link."""
    path, _, frag = href.partition("#")
    return Path(path).stem, frag


# --- the table of contents ------------------------------------------------------------

def chapters_in_toc(toc: Path) -> list[tuple[str, list[str]]]:
    """(slug, page paths) for each numbered part: its first page, then its sections."""
    data = yaml.safe_load(toc.read_text("utf-8"))
    out = []
    for part in data.get("parts", []):
        if not part.get("numbered"):
            continue
        for chapter in part.get("chapters", []):
            pages = [chapter["file"]] + [s["file"] for s in chapter.get("sections", [])]
            out.append((Path(chapter["file"]).parent.name, pages))
    return out


# --- reading a chapter ----------------------------------------------------------------

def _article(path: Path) -> Tag | None:
    if not path.exists():
        return None
    soup = BeautifulSoup(path.read_text("utf-8"), "lxml")
    return soup.find("article") or soup.find("main") or soup.body


def _page_h1(article: Tag) -> tuple[str, str]:
    h1 = article.find("h1")
    number = ""
    if h1 is not None and (n := h1.find("span", class_="section-number")):
        number = n.get_text().strip().rstrip(".").split(".")[0]
    return text(h1), number


def _end_section(articles: Iterable[tuple[str, Tag]], name: str) -> Tag | None:
    found = None
    for _, article in articles:
        for h2 in article.find_all("h2"):
            if text(h2).strip().lower() == name:
                found = h2.parent          # the last page that has it wins (the closing page)
    return found


def read_chapter(slug: str, pages: list[str], html: Path, instructor_html: Path | None,
                 specs_dir: Path | None = None, root: Path | None = None) -> Chapter:
    """A chapter from its built pages (`pages`: paths as in the table of contents); `root`
    is the book's folder, whose exercise specs give each exercise's level and section."""
    articles: list[tuple[str, Tag]] = []
    exercise_page = None
    for page in pages:
        art = _article(html / f"{page}.html")
        if art is None:
            continue
        if Path(page).stem.endswith("-exercises"):
            exercise_page = (page, art)
        else:
            articles.append((Path(page).stem, art))
    if not articles:
        raise FileNotFoundError(f"{slug}: no built page under {html} (build the book first)")
    title, number = _page_h1(articles[0][1])
    ch = Chapter(slug=slug, number=number, title=title)
    first = articles[0][1]

    case = first.find(class_="case")
    if case is not None:
        ch.case_title = text(case.find(class_="admonition-title"))
        ch.case = [text(b) for b in blocks(case) if "admonition-title" not in (b.get("class") or [])]
    objectives = first.find(class_="objectives")
    if objectives is not None:
        ch.objectives = [text(li) for li in objectives.find_all("li")]

    for page, art in articles:
        ch.pages.append((page, text(art.find("h1"))))
        for h2 in art.find_all("h2"):
            name = text(h2)
            if name.strip().lower() in END_MATTER:
                continue
            sec = h2.parent
            anchors = {t["id"] for t in sec.find_all(id=True)}
            ch.sections.append(Section(id=sec.get("id", ""), title=name, page=page, anchors=anchors))
        # A page's own label (at its top) belongs to its first section.
        h1 = art.find("h1")
        page_ids = {t["id"] for t in h1.parent.find_all(id=True, recursive=False)} | {h1.parent.get("id", "")} \
            if h1 is not None else set()
        page_sections = [s for s in ch.sections if s.page == page]
        if page_sections:
            page_sections[0].anchors |= {i for i in page_ids if i}
            page_sections[0].anchors.add(f"{page}.html")

    summary = _end_section(articles, "summary")
    if summary is not None:
        for b in blocks(summary):
            ch.summary.append((text(b), _summary_sections(ch, b)))
            ch.summary_leads.append(_lead(b))
    terms = _end_section(articles, "key terms")
    if terms is not None:
        ch.key_terms = [text(li) for li in terms.find_all("li")] or \
            [text(t) for t in terms.select(".std-term")]

    _read_exercises(ch, exercise_page, instructor_html, slug, root)
    review = _end_section(articles, "review questions")
    if review is not None:
        for li in review.find_all("li"):
            ids = [frag for a in li.find_all("a", href=True)
                   for frag in [_exercise_id(ch, _fragment(a["href"])[1])] if frag]
            ch.review.append((text(li), ids))

    for page, art in articles + ([exercise_page] if exercise_page else []):
        for div in art.select("div.gm-chart"):
            ch.charts.append(_chart(div, page, art, html, specs_dir, ch))

    _missing(ch)
    return ch


def _lead(block: Tag) -> tuple[str, str]:
    """A summary item that opens with words in bold ("**Marrakesh** (link). The states ...")
    gives those words as its slide's title, and the rest, without the links in brackets
    that follow the bold words, as its text."""
    full = text(block)
    strong = block.find(["strong", "b"])
    if strong is None or not text(strong) or not full.startswith(text(strong)):
        return "", full
    lead = text(strong).strip(" .:")
    rest = full[len(text(strong)):].lstrip(" .:")
    if rest.startswith("(") and ")" in rest:
        rest = rest[rest.index(")") + 1:].lstrip(" .:")
    if not lead or len(rest) < 20:
        return "", full
    return lead, rest[:1].upper() + rest[1:]


def _summary_sections(ch: Chapter, block: Tag) -> list[str]:
    """The sections a summary block speaks for: those it links to, or the one whose heading
    it opens with in bold."""
    ids = []
    for a in block.find_all("a", href=True):
        page, frag = _fragment(a["href"])
        sid = ch.section_of(frag) if frag else ch.section_of(f"{page}.html")
        if sid and sid not in ids:
            ids.append(sid)
    lead = block.find(["strong", "b"])
    if not ids and lead is not None and block.get_text().strip().startswith(lead.get_text().strip()):
        name = _plain(text(lead))
        # the bold words name a section, or a page (whose first section stands for it), in
        # full or by the opening words of its heading ("Whose agenda?": "Whose agenda do ...")
        for exact in (True, False):
            for s in ch.sections:
                page_title = dict(ch.pages).get(s.page, "")
                for heading in (s.title, page_title if s is _first_of(ch, s.page) else ""):
                    h = _plain(heading)
                    if h and (h == name if exact else len(name.split()) >= 2 and h.startswith(name + " ")):
                        return [s.id]
    return ids


def _plain(heading: str) -> str:
    return " ".join(re.sub(r"[^\w\s]", " ", heading.lower()).split())


def _first_of(ch: Chapter, page: str) -> Section | None:
    return next((s for s in ch.sections if s.page == page), None)


def _exercise_id(ch: Chapter, frag: str) -> str:
    for candidate in (frag, frag.removeprefix("ex-")):
        if candidate in ch.exercises:
            return candidate
    return ""


def _read_exercises(ch: Chapter, exercise_page, instructor_html: Path | None, slug: str,
                    root: Path | None) -> None:
    if exercise_page is None:
        return
    page, art = exercise_page
    meta = _spec_metadata(slug, root)
    for form in art.select("form.gm-exercise"):
        ex_id = form.get("id", "")
        data = json.loads(form.get("data-gm-exercise") or "{}")
        options = [text(o) for o in form.select(".gm-option label")]
        if not options and (select := form.find("select")) is not None:
            options = [text(o) for o in select.find_all("option") if o.get("value")]
        items = [text(i.find("label") or i) for i in form.select(".gm-item")]
        ch.exercises[ex_id] = Exercise(
            id=ex_id, title=text(form.find("legend")), prompt=text(form.select_one(".gm-prompt")),
            items=items, options=options,
            level=data.get("level") or meta.get(ex_id, {}).get("level", ""),
            section=data.get("section") or meta.get(ex_id, {}).get("section", ""))
    if instructor_html is None:
        return
    inst = _article(instructor_html / f"{page}.html")
    if inst is not None:
        for form in inst.select("form.gm-exercise"):
            sol = form.find_next("details", class_="gm-solution")
            if form.get("id") in ch.exercises and sol is not None:
                ch.exercises[form["id"]].solution = [text(p) for p in sol.find_all("p")]
    notes = _article(instructor_html / "instructor" / f"{slug}-exercise-notes.html")
    if notes is not None:
        for block in blocks(notes.find("section") or notes):
            keyed = {_exercise_id(ch, _fragment(a["href"])[1]) for a in block.find_all("a", href=True)}
            for anchor in [block] + list(block.parents):
                if isinstance(anchor, Tag) and anchor.name == "section":
                    keyed |= {_exercise_id(ch, i) for i in [anchor.get("id", "")] +
                              [t["id"] for t in anchor.find_all("span", id=True, recursive=False)]}
            for ex_id in sorted(k for k in keyed if k):
                ch.exercises[ex_id].notes.append(text(block))


def _spec_metadata(slug: str, root: Path | None) -> dict[str, dict[str, str]]:
    """`level:` and `section:` of each exercise: metadata the pages need not show, from
    the book's exercises/specs/<chapter>.yaml."""
    from govmig.exercises.spec import load_file, spec_dir

    folder = root / "exercises" / "specs" if root is not None else Path(spec_dir())
    path = folder / f"{slug}.yaml"
    if not path.exists():
        return {}
    spec = load_file(path)
    return {e["id"]: {"level": e.get("level", ""), "section": e.get("section", "")}
            for e in spec.get("exercises", [])}


def _chart(div: Tag, page: str, art: Tag, html: Path, specs_dir: Path | None, ch: Chapter) -> Chart:
    desc_id = div.get("aria-describedby", "")
    desc = art.find(id=desc_id) if desc_id else None
    body = desc.find("div") if desc is not None else None
    description = screen_free(text(body))
    figure = div.find_parent("figure")
    fig_no, caption = "", ""
    if figure is not None and (cap := figure.find("figcaption")) is not None:
        fig_no = " ".join(cap.select_one(".caption-number").get_text().split()) if cap.select_one(".caption-number") else ""
        caption = text(cap.select_one(".caption-text") or cap)
    img = div.find(["img", "svg"])
    title = (img.get("alt") or img.get("aria-label") or "") if img is not None else ""
    spec = None
    script = art.find("script", id=f"{div.get('id')}-spec")
    if script is not None:
        key = script.get("data-gm-spec")
        folder = specs_dir or html / "_static" / "chart-specs"
        if key and (folder / f"{key}.js").exists():
            js = (folder / f"{key}.js").read_text("utf-8")
            spec = json.loads(js[js.index("=", js.index("]")) + 1:].strip().rstrip(";"))
        elif script.string and script.string.strip():
            spec = json.loads(script.string)
    svg = None
    if spec is None:
        wide = div.select_one(".gm-chart-wide svg") or div.find("svg")
        svg = str(wide) if wide is not None else None
        if svg is None and (pic := div.select_one(".gm-chart-wide img") or div.find("img")) is not None:
            svg = _svg_file(html, art, pic.get("src", ""))
    parent = div
    section = ""
    while parent is not None:
        parent = parent.find_parent("section")
        if parent is not None and parent.find("h2", recursive=False) is not None:
            section = parent.get("id", "")
            break
    if not section:
        section = next((s.id for s in ch.sections if s.page == page), "")
    return Chart(title=title or caption or "Chart", figure=fig_no.rstrip(" :"), caption=caption,
                 description=description, section=section, spec=spec, svg=svg)


def _svg_file(html: Path, art: Tag, src: str) -> str | None:
    name = Path(src).name
    for candidate in html.rglob(name) if name else []:
        return candidate.read_text("utf-8")
    return None


def _missing(ch: Chapter) -> None:
    if not ch.case:
        ch.missing.append("case")
    if not ch.objectives:
        ch.missing.append("objectives")
    if not ch.summary:
        ch.missing.append("summary")
    elif not all(ids for _, ids in ch.summary):
        loose = sum(1 for _, ids in ch.summary if not ids)
        ch.missing.append(f"summary keyed to sections ({loose} of {len(ch.summary)} items name no section or page)")
    if not ch.key_terms:
        ch.missing.append("key terms")
    if not ch.review:
        ch.missing.append("review questions")
    elif not any(ids for _, ids in ch.review):
        ch.missing.append("review questions linked to exercises")
    if not any(ch.section_of(e.section) for e in ch.exercises.values() if e.section):
        ch.missing.append("in-class exercises (no exercise names a section of this chapter)")
    if ch.exercises and not any(e.notes for e in ch.exercises.values()):
        ch.missing.append("teaching notes keyed by exercise id")
