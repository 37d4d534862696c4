"""scripts/pdf.py against hostile pages (L9 of the hostile review, issue 33): an asset that
never answers, a script or a meta refresh in the article, "#" in a title, page names that
differ only by "_" and "-", a link inside an SVG and a page without <h1>.

A small site is printed here with the real compose() and render(), so the test does not
need the built book."""

from __future__ import annotations

import importlib.util
import socket
import threading
import time

import pytest

from conftest import ROOT

pypdf = pytest.importorskip("pypdf")


def _pdf_module():
    spec = importlib.util.spec_from_file_location("govmig_pdf_script", ROOT / "scripts" / "pdf.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


PDF = _pdf_module()


def test_heading_keeps_a_hash_in_the_title_and_drops_the_permalink():
    h1 = '<h1>Objective #23 and C# notes<a class="headerlink" href="#x" title="Link to this heading">#</a></h1>'
    assert PDF.heading(h1) == "Objective #23 and C# notes"
    assert PDF.heading("<p>no heading</p>") == ""


def test_pages_whose_names_differ_by_underscore_or_dash_get_their_own_slugs():
    slugs = PDF.unique_slugs(["t/a_b.html", "t/a-b.html", "t/a.b.html", "t/other.html"])
    assert len(set(slugs.values())) == 4 and slugs["t/a_b.html"] == "t-a-b" and slugs["t/other.html"] == "t-other"


def _silent_server():
    """Accepts connections and never answers."""
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    sock.listen(16)
    held = []
    stop = threading.Event()

    def run():
        sock.settimeout(0.2)
        while not stop.is_set():
            try:
                held.append(sock.accept()[0])
            except OSError:
                pass

    threading.Thread(target=run, daemon=True).start()
    return sock.getsockname()[1], stop, sock


@pytest.mark.browser
@pytest.mark.slow
def test_hostile_pages_print_without_hanging(tmp_path, browser):
    port, stop, sock = _silent_server()
    site = tmp_path / "site"
    (site / "t").mkdir(parents=True)
    article = ('<article class="bd-article">{}</article>')
    pages = {
        "t/a_b.html": f'<h1>Objective #23 and C# notes<a class="headerlink" href="#o">#</a></h1>'
                      f'<img src="http://127.0.0.1:{port}/never.png" alt="never">'
                      # runs harmlessly on the page, for ever in a print document that kept it
                      "<script>if (document.body.classList.contains('gm-print')) for (;;) {}</script>",
        "t/a-b.html": '<h1>Second page</h1><meta http-equiv="refresh" content="0; url=https://example.org/">'
                      '<svg width="100" height="20"><a href="t/a_b.html"><text x="0" y="15">svg link</text></a></svg>',
        "t/notitle.html": "<p>A page without a heading.</p>",
    }
    for rel, body in pages.items():
        title = "No title page" if "notitle" in rel else "Page"
        (site / rel).write_text(f"<!doctype html><html><head><title>{title}</title></head><body>"
                                + article.format(body) + "</body></html>", "utf-8")
    httpd, base = PDF.serve(site)
    numbering = {rel: ("1", 0) for rel in pages}
    started = time.monotonic()
    try:
        guarded = PDF._Guarded(browser)   # as scripts/pdf.py's main() wraps the browser it launches
        document = PDF.compose(guarded, base, list(pages), "Chapter 1", "Test", numbering)
        out = tmp_path / "pdf" / "student" / "1-t.pdf"
        PDF.render(guarded, base, document, out, "Test")
    finally:
        httpd.shutdown()
        stop.set()
        sock.close()
    assert time.monotonic() - started < 90, "the printer waited for an asset that never answers"
    assert "<script" not in document and "http-equiv" not in document
    assert "SVGAnimatedString" not in document
    reader = pypdf.PdfReader(str(out))
    text = " ".join(p.extract_text() for p in reader.pages)
    assert "Objective #23 and C# notes" in text and "No title page" in text
    named = {str(n) for n in reader.named_destinations}
    assert {"/doc-t-a-b", "/doc-t-a-b-2", "/doc-t-notitle"} <= named
