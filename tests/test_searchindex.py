"""The search index keeps every page's index entries (the glossary terms) on a rebuild
that rewrites only some pages (govmig.searchindex; sphinx-doc/sphinx#12599)."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest

from govmig import searchindex
from test_build_strict import JB, mini_book

GLOSSARY = """# Glossary

```{glossary}
regularisation
  Granting legal status to migrants in an irregular situation.

soft law
  Norms that are not legally binding but shape what states do.
```
"""


def entries(site: Path) -> dict[str, list]:
    from sphinx.search import js_index

    frozen = js_index.loads((site / "searchindex.js").read_text("utf-8"))
    return {term: sorted(map(tuple, places)) for term, places in frozen["indexentries"].items()}


def build(book: Path) -> subprocess.CompletedProcess:
    return subprocess.run([str(JB), "build", str(book), "-W", "-n", "--keep-going"],
                          capture_output=True, text=True, timeout=300)


@pytest.mark.slow
def test_glossary_terms_stay_in_the_search_index_when_another_page_changes(tmp_path):
    book = mini_book(tmp_path, "1 + 1", "See {cite:p}`known` and {term}`soft law`.")
    (book / "glossary.md").write_text(GLOSSARY, "utf-8")
    (book / "page.md").write_text("# A page\n\nFirst words.\n", "utf-8")
    (book / "_toc.yml").write_text("format: jb-book\nroot: intro\nchapters:\n  - file: nb\n"
                                   "  - file: page\n  - file: glossary\n")
    site = book / "_build" / "html"
    out = build(book)
    assert out.returncode == 0, out.stdout[-2000:] + out.stderr[-2000:]
    clean = entries(site)
    assert set(clean) == {"regularisation", "soft law"}
    (book / "page.md").write_text("# A page\n\nOther words.\n", "utf-8")
    out = build(book)
    assert out.returncode == 0, out.stdout[-2000:] + out.stderr[-2000:]
    assert "1 changed" in out.stdout, "the rebuild should re-read only the changed page"
    assert "index entries of" in out.stdout and "unchanged pages kept" in out.stdout
    assert entries(site) == clean
    assert "Other words" in (site / "page.html").read_text("utf-8")


def test_entries_are_read_back_as_sphinx_keeps_them(tmp_path):
    index = tmp_path / "searchindex.js"
    index.write_text('Search.setIndex({"docnames": ["glossary", "intro"], "indexentries": '
                     '{"soft law": [[0, "term-soft-law", true]], "pact": [[1, "index-0", false], '
                     '[0, "term-pact", true]]}})', "utf-8")
    assert searchindex._previous_entries(index) == {
        "glossary": [("soft law", "term-soft-law", "main"), ("pact", "term-pact", "main")],
        "intro": [("pact", "index-0", "")]}


def test_a_missing_or_damaged_index_gives_nothing_back(tmp_path):
    assert searchindex._previous_entries(tmp_path / "none.js") == {}
    damaged = tmp_path / "searchindex.js"
    damaged.write_text("Search.setIndex({not json})", "utf-8")
    assert searchindex._previous_entries(damaged) == {}
    damaged.write_text('Search.setIndex({"docnames": [], "indexentries": {"x": [[5, "a", true]]}})', "utf-8")
    assert searchindex._previous_entries(damaged) == {}


def test_only_unchanged_pages_still_in_the_book_get_their_entries_back(tmp_path):
    from types import SimpleNamespace

    (tmp_path / "searchindex.js").write_text(
        'Search.setIndex({"docnames": ["glossary", "page", "gone"], "indexentries": '
        '{"soft law": [[0, "term-soft-law", true]], "old": [[1, "index-0", false]], '
        '"removed": [[2, "index-1", false]]}})', "utf-8")
    indexer = SimpleNamespace(_index_entries={"page": []}, _titles={"glossary": "G", "page": "P"})
    app = SimpleNamespace(builder=SimpleNamespace(indexer=indexer, searchindex_filename="searchindex.js"),
                          outdir=str(tmp_path), env=SimpleNamespace(all_docs={"glossary": 1, "page": 1}))
    assert searchindex.restore_index_entries(app) == []
    assert indexer._index_entries == {"page": [], "glossary": [("soft law", "term-soft-law", "main")]}


@pytest.mark.parametrize("places, kept", [
    ('[[0, null, false], [1, "index-0", false]]', {"intro": [("pact", "index-0", "")]}),   # the review's repro
    ('[[0, 7, false]]', {}), ('[[0, ["a"], true]]', {}), ('[[-1, "a", true]]', {}), ('[[true, "a", true]]', {}),
    ('[[0, "a"]]', {}), ('"x"', {}), ('[[0, "a", "yes"]]', {}),
])
def test_a_damaged_previous_index_never_breaks_the_build(tmp_path, places, kept):
    index = tmp_path / "searchindex.js"
    index.write_text('Search.setIndex({"docnames": ["glossary", "intro"], "indexentries": {"pact": ' + places + '}})',
                     "utf-8")
    assert searchindex._previous_entries(index) == kept


@pytest.mark.parametrize("text", ['Search.setIndex({"docnames": ["a"], "indexentries": []})',
                                  'Search.setIndex({"docnames": {"a": 1}, "indexentries": {}})',
                                  "Search.setIndex(" + "[" * 100_000 + "]" * 100_000 + ")"])
def test_an_index_of_the_wrong_shape_gives_nothing_back(tmp_path, text):
    index = tmp_path / "searchindex.js"
    index.write_text(text, "utf-8")
    assert searchindex._previous_entries(index) == {}
