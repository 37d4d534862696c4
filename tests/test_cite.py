"""The book's citation labels outside Sphinx (govmig.cite): notebooks' author–date text and
the exercise kits' "Source:" lines (issue 25 L12: kits printed "Source: dupeyron2016")."""

from __future__ import annotations

import re

import pytest

from conftest import ROOT

cite = pytest.importorskip("govmig.cite")


def test_labels_are_the_books():
    assert cite.parenthetical(["lavenexpanizzon2013"]) == "(Lavenex and Panizzon 2013)"
    assert cite.parenthetical(["tardis2019"], "sec. 3", "see") == "(see Tardis 2019, sec. 3)"
    assert cite.narrative(["tardis2019"]) == "Tardis (2019)"


def test_a_source_line_names_works_as_readers_see_them():
    assert cite.source_text("dupeyron2016, introduction") == "Dupeyron (2016), introduction"
    assert cite.source_text("rcps (established column); lavenexpanizzon2013, 'Partnership'") == (
        "rcps (established column); Lavenex and Panizzon (2013), 'Partnership'")
    assert cite.source_text("gcm_vote and oecd_members") == "gcm_vote and oecd_members"   # data tables stay


def test_the_seminar_kits_print_no_raw_key():
    """The exercise layer prints each solution's source through govmig.cite.source_text."""
    from govmig.exercises import load
    from govmig.exercises.static import render_solution

    keys = set(cite.labels())
    raw = []
    for spec_file in sorted((ROOT / "exercises" / "specs").glob("*.yaml")):
        for ex in load(spec_file.stem, ROOT / "exercises" / "specs"):
            spec = getattr(ex, "spec", None) or getattr(ex, "raw", None)
            if not isinstance(spec, dict) or not spec.get("source"):
                continue
            html = render_solution(spec)
            source = re.search(r'class="gm-source">Source: (.*?)</p>', html)
            raw += [f"{ex.id}: {k}" for k in keys if source and re.search(rf"(?<![\w-]){re.escape(k)}(?![\w-])", source[1])]
    assert raw == [], f"{len(raw)} raw citation keys in printed sources, e.g. {raw[:3]}"
