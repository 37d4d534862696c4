"""Notebook Markdown reads right in JupyterLab (issue 25 M6, L2; the contract's "In
notebooks" rule): no role that jupyterlab-myst cannot resolve ({cite}, {term}, {ref},
{doc}, {glue}); the number written before each <!-- glue:NAME --> marker is the glued
value; every link to a file of the book resolves; the bibliography page lists every work
a notebook cites. scripts/notebook_markup.py --fix converts the roles."""

from __future__ import annotations

import json
import re
import sys

import pytest

from conftest import ROOT

sys.path.insert(0, str(ROOT / "scripts"))
import notebook_markup  # noqa: E402

NOTEBOOKS = notebook_markup.notebooks([])
MARKER = re.compile(r"<!-- glue:(?P<name>[^\s:>]+)(?::(?P<fmt>[^\s>]*))? -->")
LINK = re.compile(r"\]\((?P<target>[^)\s]+)(?:\s+\"[^\"]*\")?\)")
CITATION = re.compile(r"\[(?P<text>[^\]]+)\]\((?:\.\./)*bibliography\.md\)")


def markdown(path) -> str:
    return "\n".join("".join(c["source"]) for c in json.loads(path.read_text("utf-8"))["cells"]
                     if c["cell_type"] == "markdown")


def ids(p):
    return p.relative_to(ROOT).as_posix()


def test_notebooks_were_found():
    assert len(NOTEBOOKS) >= 19


@pytest.mark.parametrize("path", NOTEBOOKS, ids=ids)
def test_no_role_jupyterlab_cannot_show(path):
    left = [m[0] for m in notebook_markup.ROLE.finditer(markdown(path))]
    assert left == [], f"{len(left)} role(s): run scripts/notebook_markup.py --fix {ids(path)}"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=ids)
def test_the_number_before_each_glue_marker_is_the_glued_value(path):
    text = markdown(path)
    values = notebook_markup.glued(path)
    for m in MARKER.finditer(text):
        assert m["name"] in values, f"<!-- glue:{m['name']} -->: no such glued value (run the notebook)"
        want = notebook_markup.glue_text(values[m["name"]], m["fmt"] or "")
        before = text[:m.start()]
        assert before.endswith(want), f"{m['name']}: the text says {before[-len(want) - 10:]!r}, the data {want!r}"
        start = len(before) - len(want)
        assert start == 0 or not (before[start - 1].isalnum() or before[start - 1] in ".,") or not want[:1].isdigit(), \
            f"{m['name']}: the number before the marker is longer than {want!r}"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=ids)
def test_links_to_the_books_files_resolve(path):
    for m in LINK.finditer(markdown(path)):
        target = m["target"]
        if re.match(r"[a-z][a-z0-9+.-]*:|#", target, re.I):
            continue
        file = (path.parent / target.split("#", 1)[0]).resolve()
        assert file.is_file(), f"{ids(path)}: link to {target} (no such file)"


def _cited_in_prose() -> set[str]:
    keys = set()
    role = re.compile(r"\{cite(?::\w+)?\}`(?:\{[^}]*\})?([^`{]*)")
    for page in ROOT.rglob("*.md"):
        if {"_build", ".venv", "node_modules"} & set(page.relative_to(ROOT).parts):
            continue
        for m in role.finditer(page.read_text("utf-8")):
            keys.update(k.strip() for k in m[1].split(",") if k.strip())
    return keys


def _work(part: str, by_label: dict[str, str]) -> str | None:
    """The key of one cited work: "see IOM 2019a, 12" or "Kunz (2013, sec. 2)" (authors may hold commas)."""
    part = re.sub(r"^(see|e\.g\.|cf\.)\s+", "", part)
    part = re.sub(r"\s*\(([^,)]*)(,[^)]*)?\)$", r" (\1)", part)        # narrative form's locator
    pieces = part.split(", ")
    for n in range(len(pieces), 0, -1):                               # longest first: drop a locator
        key = by_label.get(", ".join(pieces[:n]))
        if key:
            return key
    return None


def test_the_bibliography_lists_every_work_a_notebook_cites():
    from govmig import cite

    by_label = {}
    for key, (author, year) in cite.labels().items():
        by_label[f"{author} {year}"] = key
        by_label[f"{author} ({year})"] = key
    bibliography = (ROOT / "bibliography.md").read_text("utf-8")
    listed_all = ":all:" in bibliography
    in_prose = _cited_in_prose()
    unknown, unlisted = [], []
    for path in NOTEBOOKS:
        for m in CITATION.finditer(markdown(path)):
            for part in re.split(r";\s*", m["text"].strip("()")):
                if not re.search(r"\d{4}|n\.d\.", part):
                    continue                      # a link to the page itself ("the bibliography"), not a citation
                key = _work(part.strip(), by_label)
                if key is None:
                    unknown.append(f"{ids(path)}: {part}")
                elif not listed_all and key not in in_prose:
                    unlisted.append(f"{ids(path)}: {key}")
    assert unknown == [], "citations that match no work of references.bib"
    assert unlisted == [], ("works cited only in notebooks, so missing from the bibliography page "
                            "(cite them in a prose page, or list them with the bibliography's :filter:)")
