"""Every file the README or a page refers to exists; every page is in the TOC."""

from __future__ import annotations

import re

import pytest
import yaml

from conftest import ROOT, toc_files

DOCS = [ROOT / "README.md", ROOT / "intro.md", ROOT / "data" / "README.md", ROOT / "credits.md",
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
