"""Print edition (issue 20): PDFs made by Chromium's own print-to-PDF from the built HTML.

    .venv/bin/python scripts/pdf.py                 (after both editions are built;
                                                     `bash scripts/build.sh --pdf` does all)
    .venv/bin/python scripts/pdf.py --edition student --site /tmp/x/_build/html --out /tmp/pdf

Writes under _build/pdf/:
  student/governing-migration.pdf          the whole student edition
  student/<n>-<chapter>.pdf                one per chapter (narrative, notebooks, exercises)
  instructor/governing-migration-instructor.pdf   the whole instructor edition
  instructor/<n>-<chapter>-seminar-kit.pdf        seminar plan, exercise notes, exercises
                                                  with solutions

Same sources, same build as the HTML: each PDF is the built pages' article content, put
in one print document (ids prefixed per page, so links between its pages resolve inside
the PDF), with the site's own style sheets and their print rules (govmig.css). Charts are
the inline SVG drawn at build time, so they print as vector graphics. Code cells, buttons
and widgets are hidden in print. Nothing is downloaded: Chromium is Debian's, the fonts
are the system's and the theme's.

Book apparatus: the contents list gets page numbers in two printings (the first, with a
fixed-width placeholder, says on which page each document's target landed, read from the
PDF's named destinations; the second, of a freshly loaded page with the numbers filled in,
must leave each document on the page its entry names, else it is printed again, up to four
times, and then the script stops). A chart's text
description becomes its drawn SVG's accessible name, which Chromium's tagger writes as the
Figure's /Alt. Every table is numbered ("Table 3.2"; "I.n" on instructors' pages, "A.n" in
front and back matter) with one number per edition across all its PDFs, and captioned with
the book's own words: its caption if it has one, else the nearest heading above it and its
header row.
"""

from __future__ import annotations

import argparse
import functools
import html
import http.server
import re
import sys
import threading
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parent.parent
CHROMIUM = "/usr/bin/chromium"
PLACEHOLDER = "000"   # the contents' page numbers before they are known (same width: tabular figures)
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--no-first-run"]

EXTRACT = """({prefix, chapter, tables}) => {
  const art = document.querySelector('article.bd-article') || document.querySelector('main');
  const copy = art.cloneNode(true);
  const words = e => e.textContent.replace(/\\s+/g, ' ').trim();
  // Charts: the text description (the <details> the chart's aria-describedby names) becomes
  // the drawn SVG's accessible name, which Chromium's tagger writes as the Figure's /Alt.
  copy.querySelectorAll('.gm-chart[aria-describedby]').forEach(chart => {
    const description = copy.querySelector(`[id="${chart.getAttribute('aria-describedby')}"] > div`);
    if (!description) return;
    chart.querySelectorAll('svg').forEach(svg => {
      svg.setAttribute('role', 'img');
      svg.setAttribute('aria-label', words(description));
    });
    chart.querySelectorAll('img').forEach(img => { img.alt = words(description); });   // a phone drawing, if shown
  });
  copy.querySelectorAll('[id]').forEach(e => { if (!e.closest('svg')) e.id = prefix + '--' + e.id; });
  copy.querySelectorAll('[aria-describedby], [aria-labelledby]').forEach(e => {
    for (const attr of ['aria-describedby', 'aria-labelledby'])
      if (e.hasAttribute(attr) && !e.closest('svg'))
        e.setAttribute(attr, e.getAttribute(attr).split(/\\s+/).map(id => prefix + '--' + id).join(' '));
  });
  // A link inside an SVG has an SVGAnimatedString for its .href: resolve its attribute instead.
  copy.querySelectorAll('a[href]').forEach(a => a.setAttribute('href', typeof a.href === 'string' ? a.href
    : new URL(a.getAttribute('href'), document.baseURI).href));
  // Nothing of the page runs again in the print document: no script (an endless loop would
  // stop the printer), no meta refresh (it would navigate away from it).
  copy.querySelectorAll('script, meta, iframe, object, embed').forEach(e => e.remove());
  copy.querySelectorAll('img[src]').forEach(i => i.setAttribute('src', i.src));
  copy.querySelectorAll('details:not(.hide)').forEach(d => d.setAttribute('open', ''));  // solutions, chart descriptions
  // Tables: numbered per chapter ("Table 3.2"), captioned with the book's own words: an
  // existing caption, else the nearest heading above the table and its header row.
  const headings = [...copy.querySelectorAll('h1, h2, h3, h4, h5, h6')];
  const bare = h => { const c = h.cloneNode(true); c.querySelectorAll('.headerlink, .section-number').forEach(x => x.remove()); return words(c).replace(/#$/, '').trim(); };
  [...copy.querySelectorAll('table')].filter(t => !t.parentElement.closest('table')).forEach(table => {
    tables += 1;
    const label = `Table ${chapter}.${tables}`;
    let text;
    if (table.caption) {
      table.caption.querySelectorAll('.caption-number').forEach(x => x.remove());
      text = words(table.caption);
      table.caption.remove();
    } else {
      const above = headings.filter(h => h.compareDocumentPosition(table) & Node.DOCUMENT_POSITION_FOLLOWING).pop();
      const row = table.querySelector('thead tr') || table.querySelector('tr');
      const columns = row ? [...row.children].map(words).filter(Boolean) : [];
      text = (above ? bare(above) : '') + (columns.length ? ` (columns: ${columns.join(', ')})` : '');
    }
    const caption = table.createCaption();
    caption.className = 'gm-print-table-caption';
    caption.innerHTML = '<span class="gm-print-table-number"></span> ';
    caption.firstChild.textContent = label + '.';
    caption.append(text);
  });
  const styles = [...document.querySelectorAll('link[rel=stylesheet]')].map(l => l.href);
  return {html: copy.innerHTML, styles, title: document.title, tables};
}"""


def slug(path: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", path.removesuffix(".html").lower()).strip("-")


def unique_slugs(pages: list[str]) -> dict[str, str]:
    """Each page's slug; pages whose slugs would be the same (t/a_b and t/a-b) get -2, -3, ...
    so that each contents entry links to its own page."""
    out: dict[str, str] = {}
    taken: set[str] = set()
    for rel in pages:
        base = candidate = slug(rel)
        n = 1
        while candidate in taken:
            n += 1
            candidate = f"{base}-{n}"
        taken.add(candidate)
        out[rel] = candidate
    return out


# Only the book's own server is asked for anything while printing: an asset on another
# host, or one that never answers, cannot hold the printer (Playwright's page.pdf() and
# document.fonts.ready have no timeout of their own).
SERVED: set[str] = set()


_REFRESH = re.compile(r"<meta\b[^>]*http-equiv\s*=\s*[\"']?refresh[^>]*>", re.I)


def _local_only(route) -> None:
    url = route.request.url
    if not (url.startswith(("data:", "blob:", "about:")) or any(url.startswith(base + "/") for base in SERVED)):
        route.abort()
    elif route.request.resource_type == "document":
        # A page that refreshes itself (<meta http-equiv=refresh>) would leave before it is read.
        response = route.fetch()
        body = response.text()
        route.fulfill(response=response, body=_REFRESH.sub("", body))
    else:
        route.continue_()


class _Guarded:
    """The browser, each of whose new pages asks only the book's server for anything."""

    def __init__(self, browser) -> None:
        self._browser = browser

    def new_page(self, *args, **kwargs):
        page = self._browser.new_page(*args, **kwargs)
        page.route("**/*", _local_only)
        page.set_default_timeout(120_000)
        return page

    def __getattr__(self, name):
        return getattr(self._browser, name)


def edition_line() -> str:
    cff = yaml.safe_load((ROOT / "CITATION.cff").read_text("utf-8"))
    from datetime import date
    month = date.fromisoformat(str(cff["date-released"])).strftime("%B %Y")
    ordinal = {"1": "First", "2": "Second", "3": "Third"}.get(str(cff["version"]).split(".")[0], "")
    return f"{ordinal} edition (version {cff['version']}), {month}"


def toc(path: Path) -> dict:
    """Chapters (number, key, [files]) and the other parts' files, from a jupyter-book TOC."""
    data = yaml.safe_load(path.read_text("utf-8"))
    chapters, parts, number = [], {}, 0
    for part in data["parts"]:
        files = []
        for chapter in part["chapters"]:
            entry = [chapter["file"], *[s["file"] for s in chapter.get("sections", [])]]
            if part.get("numbered"):
                number += 1
                key = chapter["file"].split("/")[1]
                chapters.append((number, key, entry))
            files += entry
        parts[part["caption"]] = files
    return {"root": data["root"], "chapters": chapters, "parts": parts}


class _Quiet(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args):
        pass


def serve(site: Path):
    handler = functools.partial(_Quiet, directory=str(site))
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    httpd.handle_error = lambda *a: None   # a font request cut short when a page closes
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    SERVED.add(f"http://127.0.0.1:{httpd.server_address[1]}")
    return httpd, f"http://127.0.0.1:{httpd.server_address[1]}"


def chapter_of(rel: str, numbers: dict[str, int]) -> str:
    """What a page's tables are numbered in: its chapter's number for a chapter's page, "I"
    for the instructors' part, "A" for the front and back matter."""
    parts = rel.split("/")
    if parts[0] == "chapters" and parts[1] in numbers:
        return str(numbers[parts[1]])
    return "I" if parts[0] == "instructor" else "A"


def count_tables(page: str) -> int:
    """Tables (not counting tables inside tables) in a built page's article."""
    article = page.split('<article class="bd-article"', 1)[-1].split("</article>", 1)[0]
    count = depth = 0
    for closing in re.findall(r"<(/?)table\b", article):
        count += not closing and depth == 0
        depth += -1 if closing else 1
    return count


def table_numbering(site: Path, book: dict) -> dict[str, tuple[str, int]]:
    """Each page's table label ("3", "I", "A") and how many tables with that label come before
    the page in the edition's order, so a table has the same number in every PDF of an edition."""
    numbers = {key: number for number, key, _ in book["chapters"]}
    counts, numbering = {}, {}
    for rel in [f"{book['root']}.html"] + [f"{f}.html" for files in book["parts"].values() for f in files]:
        label = chapter_of(rel, numbers)
        numbering[rel] = (label, counts.get(label, 0))
        counts[label] = counts.get(label, 0) + count_tables((site / rel).read_text("utf-8"))
    return numbering


def compose(browser, base: str, pages: list[str], title: str, subtitle: str, numbering: dict) -> str:
    """One print document from the built pages' articles."""
    parts, styles, titles = [], [], {}
    included = unique_slugs(pages)
    page = browser.new_page()
    for rel in pages:
        page.goto(f"{base}/{rel}", wait_until="load")
        label, before = numbering[rel]
        got = page.evaluate(EXTRACT, {"prefix": included[rel], "chapter": label, "tables": before})
        titles[rel] = re.sub(r"\s+[-\u2014|]\s+Governing Migration.*$", "", got["title"]) or rel
        if got["tables"] - before != count_tables(page.content()):
            raise SystemExit(f"{rel}: {got['tables'] - before} tables numbered, {count_tables(page.content())} in the page")
        styles += [s for s in got["styles"] if s not in styles]
        parts.append((rel, got["html"]))
    page.close()

    def link(match: re.Match) -> str:
        url = match.group(1)
        path, _, anchor = url.removeprefix(base + "/").partition("#")
        if url.startswith(base) and path in included:
            return f'href="#{included[path]}--{anchor}"' if anchor else f'href="#doc-{included[path]}"'
        if url.startswith(base):   # a page not in this PDF: keep the words, drop the dead link
            return 'data-gm-elsewhere="true"'
        return match.group(0)

    body = []
    # Page numbers: a fixed-width placeholder, filled in by render() after a first printing.
    contents = "".join(f'<li><a href="#doc-{included[rel]}"><span class="gm-print-entry">{html.escape(heading(h) or titles[rel])}</span>'
                       f'<span class="gm-print-leader"></span><span class="gm-print-page" data-gm-target="doc-{included[rel]}">'
                       f'{PLACEHOLDER}</span></a></li>' for rel, h in parts)
    body.append(f'<section class="gm-print-title"><h1 class="gm-print-book">Governing Migration</h1>'
                f'<p class="gm-print-subtitle">{html.escape(title)}</p><p>{html.escape(subtitle)}</p>'
                f'<p>{html.escape(edition_line())}</p></section>'
                f'<nav class="gm-print-contents" aria-label="Contents"><h2>Contents</h2><ul>{contents}</ul></nav>')
    for rel, article in parts:
        article = re.sub(r'href="([^"]+)"', link, article)
        body.append(f'<section class="gm-print-doc" id="doc-{included[rel]}"><div class="bd-content">'
                    f'<article class="bd-article">{article}</article></div></section>')
    links = "".join(f'<link rel="stylesheet" href="{html.escape(s)}">' for s in styles)
    # The PDF's title (what a viewer's tab shows): the book's name and the part's own title.
    full = "Governing Migration" + ("" if title == "The whole book" else f" · {title}")
    return (f'<!DOCTYPE html><html lang="en" data-theme="light"><head><meta charset="utf-8">'
            f'<title>{html.escape(full)}</title><base href="{base}/">{links}</head>'
            f'<body class="gm-print">{"".join(body)}</body></html>')


def heading(article: str) -> str:
    """The first h1's words, without its "#" permalink (a "#" in the title itself stays)."""
    found = re.search(r"<h1[^>]*>(.*?)</h1>", article, re.S)
    inner = re.sub(r'<a\b[^>]*class="[^"]*\bheaderlink\b[^"]*"[^>]*>.*?</a>', "", found.group(1), flags=re.S) if found else ""
    text = re.sub(r"<[^>]+>", "", inner)
    return html.unescape(" ".join(text.split()))


def targets(pdf: bytes) -> dict[str, tuple[int, float]]:
    """Where each named destination (Chromium writes one per link target) landed: its page
    number as the footer prints it (1-based) and its height on the page."""
    import io

    import pypdf

    reader = pypdf.PdfReader(io.BytesIO(pdf))
    found = {}
    for name, dest in reader.named_destinations.items():
        number = reader.get_destination_page_number(dest)
        found[str(name).removeprefix("/")] = (number + 1, round(float(dest.top or 0), 1))
    return found


def render(browser, base: str, document: str, out: Path, running: str) -> None:
    """Print in two passes: the first says on which page each document begins, the contents'
    page numbers are filled in, and the second printing must leave every document on the
    page its entry names (if one moved, the numbers are filled in again and printed again,
    up to four printings, else the script stops). Each pass prints a freshly loaded page:
    printing the same page twice does not give the same layout (measured: every other
    printing of a seminar kit moved a heading and what follows it to the next page)."""
    import time

    style = "font-size:8px;font-family:sans-serif;color:#555;width:100%;padding:0 12mm;"
    options = dict(format="A4", print_background=True, outline=True, tagged=True,
                   display_header_footer=True,
                   header_template=f'<div style="{style}">{html.escape(running)}</div>',
                   footer_template=f'<div style="{style}text-align:right;"><span class="pageNumber"></span>'
                                   ' / <span class="totalPages"></span></div>',
                   margin={"top": "18mm", "bottom": "16mm", "left": "16mm", "right": "16mm"})

    def printed(doc: str) -> bytes:
        page = browser.new_page()
        # Served from the site's own address, not set_content (about:blank): web fonts, such
        # as the icon font of admonitions, load only from the page's own origin (CORS), and
        # without it every icon printed as an empty box (issue 25 M4).
        address = f"{base}/__govmig_print__.html"
        page.route(address, lambda route: route.fulfill(status=200, content_type="text/html; charset=utf-8", body=doc))
        page.goto(address, wait_until="load")
        page.emulate_media(media="print")
        page.evaluate("document.fonts.ready")
        pdf = page.pdf(**options)
        page.close()
        return pdf

    started = time.monotonic()
    entries = re.findall(rf'data-gm-target="(doc-[^"]+)">{PLACEHOLDER}<', document)
    at = targets(printed(document))
    for printing in range(2, 5):   # converges at the second printing; up to two more if a page moved
        missing = [name for name in entries if name not in at]
        if missing:
            raise SystemExit(f"{out.name}: no destination in the PDF for the contents entries {missing}")
        pages = {name: at[name][0] for name in entries}
        if any(len(str(n)) > len(PLACEHOLDER) for n in pages.values()):
            raise SystemExit(f"{out.name}: a page number is wider than the placeholder {PLACEHOLDER!r}")
        filled = re.sub(rf'data-gm-target="(doc-[^"]+)">{PLACEHOLDER}<',
                        lambda m: f'data-gm-target="{m.group(1)}">{pages[m.group(1)]}<', document)
        pdf = printed(filled)
        at = targets(pdf)
        if all(name in at and at[name][0] == pages[name] for name in entries):
            break
        print(f"  {out.name}: printing {printing} moved a document to another page; printing again")
    else:
        raise SystemExit(f"{out.name}: the contents' page numbers did not settle in four printings")
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_bytes(pdf)
    print(f"  {out.relative_to(out.parents[1])}: {len(pdf) / 1024:.0f} KB, "
          f"{printing} printings in {time.monotonic() - started:.1f} s")


def chapter_title(site: Path, files: list[str]) -> str:
    """A chapter's title: the heading of its first page."""
    first = site / f"{files[0]}.html"
    return heading(first.read_text("utf-8")) if first.is_file() else ""


def part_title(number: int, name: str, suffix: str = "") -> str:
    """"Chapter 1: The IOM in history" (plus a suffix), not just "Chapter 1" (issue 25 L11)."""
    return f"Chapter {number}" + (f": {name}" if name else "") + suffix


def student(browser, site: Path, out: Path) -> None:
    book = toc(ROOT / "_toc.yml")
    numbering = table_numbering(site, book)
    httpd, base = serve(site)
    try:
        for number, key, files in book["chapters"]:   # key words first; the glossary and bibliography its links lead to
            pages = ([p for p in ("keywords.html",) if (site / p).is_file()] + [f"{f}.html" for f in files]
                     + [p for p in ("glossary.html", "bibliography.html") if (site / p).is_file()])
            title = part_title(number, chapter_title(site, files))
            render(browser, base, compose(browser, base, pages, title, "Student edition", numbering),
                   out / "student" / f"{number}-{key}.pdf", f"Governing Migration · Chapter {number}")
        everything = [f"{book['root']}.html"] + [f"{f}.html" for files in book["parts"].values() for f in files]
        render(browser, base, compose(browser, base, everything, "The whole book", "Student edition", numbering),
               out / "student" / "governing-migration.pdf", "Governing Migration")
    finally:
        httpd.shutdown()


def instructor(browser, site: Path, out: Path) -> None:
    book = toc(ROOT / "_toc-instructor.yml")
    numbering = table_numbering(site, book)
    httpd, base = serve(site)
    try:
        for number, key, files in book["chapters"]:
            kit = [f"instructor/{key}-seminar-plan.html", f"instructor/{key}-exercise-notes.html",
                   f"chapters/{key}/{key}-exercises.html"]
            kit = [p for p in kit if (site / p).is_file()]
            title = part_title(number, chapter_title(site, files), " (seminar kit)")
            render(browser, base, compose(browser, base, kit, title, "Instructor edition", numbering),
                   out / "instructor" / f"{number}-{key}-seminar-kit.pdf", f"Governing Migration · Seminar kit {number}")
        everything = [f"{book['root']}.html"] + [f"{f}.html" for files in book["parts"].values() for f in files]
        render(browser, base, compose(browser, base, everything, "The whole book", "Instructor edition", numbering),
               out / "instructor" / "governing-migration-instructor.pdf", "Governing Migration · Instructor edition")
    finally:
        httpd.shutdown()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--edition", choices=["student", "instructor", "both"], default="both")
    parser.add_argument("--site", type=Path, default=ROOT / "_build" / "html")
    parser.add_argument("--instructor-site", type=Path, default=ROOT / "_build" / "instructor" / "html")
    parser.add_argument("--out", type=Path, default=ROOT / "_build" / "pdf")
    args = parser.parse_args()
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        browser = _Guarded(pw.chromium.launch(executable_path=CHROMIUM, args=ARGS))
        if args.edition in ("student", "both"):
            if not (args.site / "index.html").is_file():
                sys.exit(f"{args.site} is not built: bash scripts/build.sh")
            student(browser, args.site, args.out)
        if args.edition in ("instructor", "both"):
            if not (args.instructor_site / "index.html").is_file():
                sys.exit(f"{args.instructor_site} is not built: bash scripts/build.sh --instructor")
            instructor(browser, args.instructor_site, args.out)
        browser.close()


if __name__ == "__main__":
    main()
