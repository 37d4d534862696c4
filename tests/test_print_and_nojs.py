"""Issue 25 on paper and without JavaScript, on the built site:

- without JavaScript (a phone, 390 px): the theme's light colours apply, the sticky header
  is solid, links keep their colour (L1);
- printed: screen-only lines are left out (L7), captions are set in a regular weight in
  the text's colour (L8), a written answer's box is tall (L9), headings keep room for
  what follows (L10);
- a PDF made by scripts/pdf.py from chapter 3's first page (its admonitions) and chapter
  2's corpus page (its codebook table): its title names the book and the chapter (L11),
  the icon font of the admonitions is embedded (M4), no thin ExtraLight face, no table
  cell cut at 50 characters (M5) (pdffonts, pdftotext)."""

from __future__ import annotations

import re
import shutil
import subprocess
import sys

import pytest

from conftest import ROOT

pytestmark = pytest.mark.browser
LONG_PAGE = "chapters/iom/iom-history.html"


def _rgb(value: str) -> tuple[float, ...]:
    return tuple(float(x) for x in re.findall(r"[\d.]+", value))


def test_without_javascript_the_theme_still_applies(server, browser):
    context = browser.new_context(java_script_enabled=False, viewport={"width": 390, "height": 844})
    page = context.new_page()
    page.goto(f"{server}/{LONG_PAGE}")
    assert page.evaluate("() => document.documentElement.dataset.theme") == "auto"   # no script ran
    style = page.evaluate("""() => {
        const css = (el, p) => el ? getComputedStyle(el)[p] : '';
        const link = document.querySelector('article.bd-article p a[href]');
        return {
            text: getComputedStyle(document.documentElement).getPropertyValue('--pst-color-text-base').trim(),
            header: css(document.querySelector('.bd-header-article') || document.querySelector('.bd-header'), 'backgroundColor'),
            link: css(link, 'color'), body: css(document.body, 'color'),
        };
    }""")
    context.close()
    assert style["text"] == "#222832", style
    header = _rgb(style["header"])
    assert len(header) == 3 or header[3] == 1, f"see-through header: {style['header']}"
    assert style["link"] and style["link"] != style["body"], style


def test_printed_pages_leave_screen_lines_out_and_keep_captions_boxes_and_headings(server, browser):
    page = browser.new_page()
    page.goto(f"{server}/chapters/imrf/imrf-exercises.html")
    page.emulate_media(media="print")
    found = page.evaluate("""() => {
        document.body.insertAdjacentHTML('beforeend',
            '<p class="screen-only" id="t-screen">Hover over a point.</p>'
            + '<figure><img alt=""><figcaption id="t-cap">Figure 1: a caption</figcaption></figure>');
        const px = (v) => parseFloat(v) || 0;
        const em = px(getComputedStyle(document.body).fontSize);
        const box = document.querySelector('.gm-text textarea');
        const h2 = document.querySelector('article h2');
        const cap = getComputedStyle(document.getElementById('t-cap'));
        return {
            screen: getComputedStyle(document.getElementById('t-screen')).display,
            capWeight: cap.fontWeight, capColor: cap.color,
            box: box ? px(getComputedStyle(box).minHeight) / em : null,
            after: h2 ? px(getComputedStyle(h2, '::after').height) / px(getComputedStyle(h2).fontSize) : null,
        };
    }""")
    page.close()
    assert found["screen"] == "none"
    assert int(found["capWeight"]) >= 400 and max(_rgb(found["capColor"])[:3]) < 0x40, found
    assert found["box"] is not None and found["box"] >= 20, found          # 80 to 250 words
    assert found["after"] is not None and found["after"] >= 5, found


@pytest.fixture(scope="module")
def chapter_pdf(site, browser, tmp_path_factory):
    sys.path.insert(0, str(ROOT / "scripts"))
    import pdf as printer

    book = printer.toc(ROOT / "_toc.yml")
    number, key, files = book["chapters"][2]
    numbering = printer.table_numbering(site, book)
    httpd, base = printer.serve(site)
    out = tmp_path_factory.mktemp("pdf") / f"{number}-{key}.pdf"
    try:
        title = printer.part_title(number, printer.chapter_title(site, files))
        pages = [f"{files[0]}.html", "chapters/partnership/partnership-corpus.html"]
        printer.render(browser, base, printer.compose(browser, base, pages, title, "Student edition", numbering),
                       out, f"Governing Migration · Chapter {number}")
    finally:
        httpd.shutdown()
    return out, printer.chapter_title(site, files)


@pytest.mark.slow
def test_a_chapter_pdf_is_titled_prints_its_icons_and_whole_cells(chapter_pdf):
    import pypdf

    path, name = chapter_pdf
    assert name
    assert pypdf.PdfReader(str(path)).metadata.title == f"Governing Migration · Chapter 3: {name}"
    if not shutil.which("pdffonts"):
        pytest.skip("poppler-utils (pdffonts, pdftotext) not installed")
    fonts = subprocess.run(["pdffonts", str(path)], capture_output=True, text=True, check=True).stdout
    assert re.search(r"Font ?Awesome|fa-solid", fonts, re.I), "no icon font: admonition icons print as boxes"
    assert "ExtraLight" not in fonts, "a thin face (captions) is printed"
    text = subprocess.run(["pdftotext", "-layout", str(path), "-"], capture_output=True, text=True, check=True).stdout
    assert "its manag..." not in text
    # The whole definition is printed: its words in order (a table prints its columns
    # side by side, so other cells' words may come between them), up to its last word.
    definition = ("The statement presents migration, or its management, as a task that several parties must "
                  "carry together, in particular countries of origin and transit (and sometimes migrants) as "
                  "well as countries of destination.")
    words, stream = definition.split(), iter(text.split())
    assert all(any(w == word for w in stream) for word in words), "a codebook definition is cut in print"


def test_without_javascript_no_header_button_pretends_to_work(server, browser):
    """Issue 25: ☰, the contents toggle and the download menu need a script; without one
    they are hidden, not left to do nothing when pressed."""
    context = browser.new_context(java_script_enabled=False, viewport={"width": 390, "height": 844})
    page = context.new_page()
    page.goto(f"{server}/{LONG_PAGE}")
    shown = page.evaluate("""() => [...document.querySelectorAll(
        'button.sidebar-toggle, .dropdown-download-buttons, #pst-back-to-top')]
        .filter(el => getComputedStyle(el).display !== 'none').map(el => el.className || el.id)""")
    context.close()
    assert shown == [], shown
