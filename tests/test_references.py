"""Every file the README or a page refers to exists; every page is in the TOC."""

from __future__ import annotations

import re

import pytest
import yaml

from conftest import ROOT, toc_files

DOCS = [ROOT / "README.md", ROOT / "intro.md", ROOT / "data" / "README.md", ROOT / "credits.md", ROOT / "CHANGES.md",
        *sorted((ROOT / "chapters").rglob("*.md"))]
LINK = re.compile(r"\]\((?!https?://|mailto:|#)([^)\s#]+)")
DOC_ROLE = re.compile(r"\{doc\}`(?:[^`<]*<)?([^`>]+)>?`")
# Paths of this repository named in code spans (placeholders such as <chapter> skipped).
CODE_PATH = re.compile(r"`((?:chapters|data|exercises|scripts|tests|govmig|benchmarks|\.ci)/[^`\s*<]+)`")


def _exists(base, target):
    return any((base / f"{target}{ext}").exists() for ext in ("", ".md", ".ipynb"))


@pytest.mark.parametrize("doc", DOCS, ids=lambda p: p.relative_to(ROOT).as_posix())
def test_referenced_files_exist(doc):
    text = doc.read_text("utf-8")
    missing = [t for t in LINK.findall(text) if not (doc.parent / t).exists()]
    missing += [t for t in DOC_ROLE.findall(text)
                if not _exists(ROOT if t.startswith("/") else doc.parent, t.lstrip("/"))]
    if doc.name == "README.md" and doc.parent == ROOT:  # the repository's README names files
        missing += [t for t in CODE_PATH.findall(text) if not (ROOT / t.rstrip("/")).exists()]
    assert missing == []


def test_toc_entries_exist_and_every_page_is_listed():
    toc = yaml.safe_load((ROOT / "_toc.yml").read_text())
    listed = {toc["root"], *toc_files(ROOT / "_toc.yml")}
    for entry in listed:
        assert any((ROOT / f"{entry}{ext}").exists() for ext in (".md", ".ipynb")), entry
    pages = {p.relative_to(ROOT).with_suffix("").as_posix()
             for p in (ROOT / "chapters").rglob("*") if p.suffix in (".md", ".ipynb")}
    assert pages <= listed, f"not in _toc.yml: {pages - listed}"


def test_edition_number_and_date_agree_in_citation_credits_and_footer():
    """The edition (issue 19) is stated in CITATION.cff, on the credits page and in every
    page's footer, and the Changes page has a section for it; all say the same."""
    cff = yaml.safe_load((ROOT / "CITATION.cff").read_text("utf-8"))
    version, released = str(cff["version"]), str(cff["date-released"])
    month = __import__("datetime").date.fromisoformat(released).strftime("%B %Y")
    ordinal = {"1": "First", "2": "Second", "3": "Third", "4": "Fourth"}[version.split(".")[0]]
    credits = (ROOT / "credits.md").read_text("utf-8")
    footer = yaml.safe_load((ROOT / "_config.yml").read_text("utf-8"))["html"]["extra_footer"]
    changes = (ROOT / "CHANGES.md").read_text("utf-8")
    assert f"{ordinal} edition (version {version}), {month}" in " ".join(credits.split())
    assert f"{ordinal} edition (version {version}), {month}" in footer
    assert f"## {ordinal} edition ({month})" in changes
    for toc in ("_toc.yml", "_toc-instructor.yml"):
        assert "CHANGES" in toc_files(ROOT / toc), toc
