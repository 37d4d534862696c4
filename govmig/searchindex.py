"""Keep the search index whole across rebuilds (Sphinx 7.4, sphinx-doc/sphinx#12599).

The search index lists "index entries" (in this book, every glossary term) so that the
search page shows a term's definition first. Sphinx collects them while it writes pages,
and on a rebuild it reloads the index of the previous build but not its index entries:
after `scripts/build.sh` runs on a checkout that has built before, the published
search index keeps the terms only of the pages that changed. The bug is open upstream
(seen December 2026), and Sphinx 7.4 is the version jupyter-book 1.x uses.

Just before Sphinx writes the index (html-collect-pages, which runs first), the entries of
every page not rewritten in this build are taken back from the previous `searchindex.js`.
A page rewritten in this build keeps what it has now, and a page that has left the book
is not brought back.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from sphinx.application import Sphinx
from sphinx.util import logging

logger = logging.getLogger(__name__)


def _previous_entries(path: Path) -> dict[str, list[tuple[str, str, str]]]:
    """{docname: [(entry, anchor, "main" or "")]} from a searchindex.js, as Sphinx keeps
    them while building (it writes the entry lower-cased, and "main" as a flag)."""
    from sphinx.search import js_index

    try:
        frozen = js_index.loads(path.read_text("utf-8"))
        names = frozen["docnames"]
        entries = frozen.get("indexentries", {})
        if not isinstance(names, list) or not isinstance(entries, dict):
            return {}
        found: dict[str, list[tuple[str, str, str]]] = {}
        for entry, places in entries.items():
            if not isinstance(places, list):
                continue
            for place in places:
                # Only what Sphinx writes: [doc index, anchor, main]; anything else (a negative
                # or boolean index, a null anchor, ...) is left out, never put under a wrong page.
                if not (isinstance(place, list) and len(place) == 3 and type(place[0]) is int
                        and 0 <= place[0] < len(names) and isinstance(names[place[0]], str)
                        and isinstance(place[1], str) and isinstance(place[2], bool)):
                    continue
                doc, anchor, main = place
                found.setdefault(names[doc], []).append((entry, anchor, "main" if main else ""))
        return found
    except Exception:  # noqa: BLE001 - a damaged previous index (any shape, any depth) gives nothing back
        return {}


def restore_index_entries(app: Sphinx) -> list:
    """html-collect-pages: put back the index entries of the pages this build did not
    rewrite. Returns no pages."""
    indexer = getattr(app.builder, "indexer", None)
    entries = getattr(indexer, "_index_entries", None)
    titles = getattr(indexer, "_titles", None)
    if entries is None or titles is None:
        return []
    previous = _previous_entries(Path(app.outdir) / app.builder.searchindex_filename)
    restored = 0
    for docname, found in previous.items():
        # Sphinx sets the entries of every page it writes (an empty list if it has none).
        if docname not in entries and docname in titles and docname in app.env.all_docs:
            entries[docname] = sorted(found)  # only strings: validated above
            restored += 1
    if restored:
        logger.info(f"[govmig] search index: index entries of {restored} unchanged pages kept")
    return []


def connect(app: Sphinx) -> None:
    """Called from govmig.sphinx's setup."""
    app.connect("html-collect-pages", restore_index_entries)
