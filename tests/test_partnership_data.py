"""Chapter 2 data: the notebooks' prose takes its numbers from the data (REVISION-GUIDE 4).

Each glued value is recomputed here from the data package, independently of the notebook,
and compared with the value stored in the notebook. The prose may not hard-code numbers
or claims that the data contradict (the review of December 2026 found several).
"""

from __future__ import annotations

import json
import re

import pandas as pd
import pytest

from govmig.data import load

from conftest import ROOT, glued, markdown_text as _markdown, outputs_text as _code_outputs

PACKAGE = ROOT / "data" / "datapackage.json"
CHAPTER = ROOT / "chapters" / "partnership"
CORPUS = CHAPTER / "partnership-corpus.ipynb"
INSTRUMENTS = CHAPTER / "partnership-instruments.ipynb"
BOOK_SOURCES = ["kunz2013", "lavenexpanizzon2013", "tardis2019"]
ARENAS = ["international", "european", "north_american"]


def _glued(path):
    return glued(path, strip_quotes=False)


@pytest.fixture(scope="module")
def instruments():
    return load("partnership_instruments", PACKAGE)


@pytest.fixture(scope="module")
def coded():
    statements = load("partnership_statements", PACKAGE)
    coding = load("partnership_coding", PACKAGE)
    return statements.merge(coding, left_on="id", right_on="statement_id")


GLUE_MARKER = re.compile(r"(\S+)<!-- glue:([^ >]+) -->")


@pytest.mark.parametrize("path", [CORPUS, INSTRUMENTS], ids=lambda p: p.name)
def test_every_glue_reference_is_defined(path):
    """Notebook prose writes each number as text followed by <!-- glue:name --> (the
    contract's notebook rule: jupyterlab-myst renders no {glue} role); the text before each
    marker must be the glued value, and no {glue:text} role is left."""
    text = _markdown(path)
    assert "{glue:text}" not in text, f"{path.name} still uses a glue role"
    used = GLUE_MARKER.findall(text)
    assert used, f"{path.name} glues nothing"
    glued = _glued(path)
    missing = {name for _, name in used} - set(glued)
    assert not missing, f"{path.name}: undefined glue {sorted(missing)}"
    wrong = [(name, shown, glued[name]) for shown, name in used
             if shown.lstrip("(*") != glued[name].strip("'\"")]
    assert not wrong, f"{path.name}: text before a glue marker differs from its value: {wrong}"


def test_instrument_counts_match_the_data(instruments):
    g = _glued(INSTRUMENTS)
    dated = instruments.dropna(subset=["year"])
    book = instruments["source"].isin(BOOK_SOURCES) & instruments["year"].notna()
    undated = instruments["year"].isna()
    expected = {
        "n_instruments": len(instruments),
        "n_book_dated": int(book.sum()),
        "n_record_dated": int((~instruments["source"].isin(BOOK_SOURCES) & instruments["year"].notna()).sum()),
        "n_undated": int(undated.sum()),
        "n_undated_na": int((undated & (instruments["arena"] == "north_american")).sum()),
        "n_dated": len(dated),
        "first_year": int(dated["year"].min()),
        "last_year": int(dated["year"].max()),
        "n_recent": int((dated["year"] >= 2013).sum()),
    }
    for arena in ARENAS:
        rows = dated[dated["arena"] == arena]
        expected[f"n_{arena}"] = len(rows)
        expected[f"n_{arena}_before_2005"] = int((rows["year"] < 2005).sum())
        expected[f"n_{arena}_recent"] = int((rows["year"] >= 2013).sum())
        expected[f"first_{arena}"] = int(rows["year"].min())
    for name, value in expected.items():
        assert g.get(name) == str(value), (name, g.get(name), value)


def test_instrument_prose_claims_hold(instruments):
    """The claims the review found false, restated as they now read, against the data."""
    dated = instruments.dropna(subset=["year"])
    first = dated.groupby("arena")["year"].min()
    # "International processes come first ... The first North American instrument is the
    # Binational Commission meeting": the international row starts earliest, with the IGC.
    assert first.idxmin() == "international"
    assert dated.loc[dated["year"].idxmin(), "id"] == "igc"
    na = dated[dated["arena"] == "north_american"]
    assert na.loc[na["year"].idxmin(), "id"] == "bnc_1994"
    # "All ... undated instruments are North American"
    assert (instruments.loc[instruments["year"].isna(), "arena"] == "north_american").all()
    # The UN High-Level Dialogue is dated (Tardis: September 2006).
    hld = instruments.set_index("id").loc["un_hld"]
    assert hld["year"] == 2006 and hld["source"] == "tardis2019"
    # Mobility Partnerships as an instrument: 2007 from the Commission, Kunz's 2005 kept.
    concept = instruments.set_index("id").loc["eump_concept"]
    assert concept["year"] == 2007 and concept["source"] == "ec2007circular"
    assert concept["conflicting_year"] == 2005 and concept["conflicting_source"] == "kunz2013"
    # "the European ones start in 2005"
    assert first["european"] == 2005
    text = _markdown(INSTRUMENTS)
    for stale in ["North American instruments come first", "Six instruments have no date",
                  "does not choose between them", "Five of the six undated", "All {glue:text}`n_undated` undated",
                  "All 4<!-- glue:n_undated --> undated"]:
        assert stale not in text, stale


def test_rows_after_the_papers_name_a_record_not_a_paper(instruments):
    late = instruments[instruments["year"] > 2011]
    assert len(late) >= 15
    assert not late["source"].isin(["kunz2013", "lavenexpanizzon2013"]).any()
    bib = (ROOT / "references.bib").read_text("utf-8")
    for key in late["source"].unique():
        entry = re.search(r"@\w+\{" + re.escape(key) + r",(.*?)\n\}", bib, re.S)
        assert entry, f"{key} not in references.bib"
        assert "url" in entry.group(1) and "urldate" in entry.group(1), key


def test_instrument_chart_description_is_generated(instruments):
    cells = json.loads(INSTRUMENTS.read_text("utf-8"))["cells"]
    chart = [c for c in cells if "(links + hollow + marks)" in "".join(c["source"])]
    assert len(chart) == 1 and "description=description" in "".join(chart[0]["source"])
    dated = instruments.dropna(subset=["year"])
    out = _code_outputs(INSTRUMENTS)
    assert f"Timeline of {len(dated)} dated partnership instruments, {int(dated['year'].min())} to " \
           f"{int(dated['year'].max())}" in out


def test_corpus_counts_match_the_data(coded):
    g = _glued(CORPUS)
    order = list(load("partnership_codebook", PACKAGE)["code"])
    tags = (coded["main_code"] + ";" + coded["other_codes"].fillna("")).str.strip(";").str.split(";").explode()
    in_periods = coded[coded["year"] >= 1990]
    early = in_periods[in_periods["year"] <= 2004]
    by_arena = pd.crosstab(coded["main_code"], coded["arena"]).reindex(index=order, columns=ARENAS, fill_value=0)
    expected = {
        "n_statements": len(coded),
        "n_kunz": int((coded["source"] == "kunz2013").sum()),
        "n_lp": int((coded["source"] == "lavenexpanizzon2013").sum()),
        "n_undated": int(coded["year"].isna().sum()),
        "n_in_periods": len(in_periods),
        "first_year": int(in_periods["year"].min()),
        "last_year": int(coded["year"].max()),
        "first_capacity": int(in_periods.loc[in_periods["main_code"] == "capacity-building", "year"].min()),
    }
    for arena in ARENAS:
        expected[f"n_{arena}"] = int((coded["arena"] == arena).sum())
        expected[f"lead_n_{arena}"] = int(by_arena[arena].max())
        expected[f"codes_{arena}"] = int((by_arena[arena] > 0).sum())
    for code in order:
        expected[f"main_{code}"] = int((coded["main_code"] == code).sum())
        expected[f"any_{code}"] = int((tags == code).sum())
    for code in ["management", "dialogue-trust", "shared-responsibility"]:
        expected[f"early_{code}"] = int((early["main_code"] == code).sum())
    for name, value in expected.items():
        assert g.get(name) == str(value), (name, g.get(name), value)
    # The words the prose puts beside the glued numbers.
    assert by_arena["international"].idxmax() == "management"
    top_eu = by_arena["european"][by_arena["european"] == by_arena["european"].max()].index
    assert sorted(top_eu) == ["capacity-building", "shared-responsibility"]


def test_pearson_statement_is_not_counted_before_2005(coded):
    """Review N10: the 1969 statement (ps32) sat in 'before 2005' although the timeline left it out."""
    ps32 = coded.set_index("id").loc["ps32"]
    assert ps32["year"] == 1969
    cells = json.loads(CORPUS.read_text("utf-8"))["cells"]
    period = [c for c in cells if "".join(c["source"]).startswith("period_names")]
    assert len(period) == 1 and "bins=[1989," in "".join(period[0]["source"])
    assert "The five undated statements drop out." not in _markdown(CORPUS)


def test_corpus_chart_descriptions_are_generated():
    cells = json.loads(CORPUS.read_text("utf-8"))["cells"]
    sources = ["".join(c["source"]) for c in cells]
    assert any("description=heat_description" in s for s in sources)
    assert any("description=timeline_description" in s for s in sources)


def test_since_page_is_dated():
    lines = [x for x in (CHAPTER / "partnership-since-2011.md").read_text("utf-8").splitlines() if x.strip()]
    heading = next(i for i, x in enumerate(lines) if x.startswith("# Since the sources"))
    assert lines[heading + 1] == "Last reviewed: December 2026."


def test_later_statements_are_short_sourced_and_glued(coded):
    later = load("partnership_statements_later", PACKAGE)
    assert (later["excerpt"].str.split().str.len() <= 40).all()
    bib = (ROOT / "references.bib").read_text("utf-8")
    for key in later["source"].unique():
        entry = re.search(r"@\w+\{" + re.escape(key) + r",(.*?)\n\}", bib, re.S)
        assert entry and "urldate = {2026-12-01}" in entry.group(1), key
    g = _glued(CORPUS)
    tags = (later["main_code"] + ";" + later["other_codes"].fillna("")).str.strip(";").str.split(";").explode()
    expected = {"n_later": len(later), "later_first": int(later["year"].min()),
                "later_last": int(later["year"].max()),
                "later_any_security-control": int((tags == "security-control").sum())}
    for code in ["security-control", "rights", "shared-responsibility", "mutual-benefit"]:
        expected[f"later_main_{code}"] = int((later["main_code"] == code).sum())
    for name, value in expected.items():
        assert g.get(name) == str(value), (name, g.get(name), value)
    # "Rights, which never lead a statement in the papers' corpus, lead ... here."
    assert (coded["main_code"] == "rights").sum() == 0
