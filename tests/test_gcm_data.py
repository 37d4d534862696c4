"""Chapter 4 data: the GA vote on the Global Compact, ICRMW status, countries, objectives.

Each check repeats a count that the data package, the notebooks or the source texts
rely on, so that a changed or corrupted CSV fails here first.
"""

from __future__ import annotations

import re

import pytest

from govmig.data import load

from conftest import ROOT, glued as _glued, markdown_text as _markdown

PACKAGE = ROOT / "data" / "datapackage.json"


@pytest.fixture(scope="module")
def tables():
    names = ["gcm_objectives", "gcm_vote", "gcm_vote_not_recorded", "icrmw_status",
             "icrmw_dates_2009", "countries", "un_member_states", "oecd_members"]
    return {name: load(name, PACKAGE) for name in names}


def test_ga_vote_is_152_yes_5_no_12_abstain(tables):
    counts = tables["gcm_vote"]["vote"].value_counts().to_dict()
    assert counts == {"yes": 152, "no": 5, "abstain": 12}
    assert set(tables["gcm_vote"]["rcid"]) == {6140}
    assert set(tables["gcm_vote"]["date"].dt.strftime("%Y-%m-%d")) == {"2018-12-19"}


def test_the_five_no_votes(tables):
    vote = tables["gcm_vote"]
    assert set(vote.loc[vote["vote"] == "no", "iso3"]) == {"CZE", "HUN", "ISR", "POL", "USA"}


def test_vote_and_not_recorded_cover_the_193_un_members(tables):
    voted = set(tables["gcm_vote"]["iso3"])
    not_recorded = set(tables["gcm_vote_not_recorded"]["iso3"])
    members = set(tables["un_member_states"]["iso3"])
    assert len(tables["gcm_vote"]) + len(tables["gcm_vote_not_recorded"]) == 193
    assert not voted & not_recorded
    assert voted | not_recorded == members and len(members) == 193
    assert (tables["un_member_states"]["un_member_since"] <= 2018).all()


def test_icrmw_54_parties_by_2018_and_24_by_2003(tables):
    status = tables["icrmw_status"]
    parties = status[status["status"] == "state party"]
    assert len(status) == 193 and set(status["iso3"]) == set(tables["un_member_states"]["iso3"])
    assert status["status"].value_counts().to_dict() == {"no action": 125, "state party": 57, "signatory state": 11}
    assert parties["year_ratification_or_accession"].notna().all()
    assert status.loc[status["status"] != "state party", "year_ratification_or_accession"].isna().all()
    assert (parties["year_ratification_or_accession"] <= 2018).sum() == 54
    assert (parties["year_ratification_or_accession"] <= 2003).sum() == 24


def test_icrmw_years_agree_with_the_2009_dates(tables):
    years = tables["icrmw_status"].set_index("iso3")["year_ratification_or_accession"]
    dated = tables["icrmw_dates_2009"].dropna(subset=["iso3", "ratification_accession_date"])
    assert len(dated) == 41
    assert (dated["ratification_accession_date"].dt.year.to_numpy() == years.loc[dated["iso3"]].to_numpy()).all()


def test_23_objectives_numbered_1_to_23_with_unique_titles(tables):
    objectives = tables["gcm_objectives"]
    assert sorted(objectives["objective"]) == list(range(1, 24))
    assert objectives["title"].is_unique and objectives["short_label_un_network"].is_unique
    assert objectives["title"].str.len().min() > 20


def test_every_objective_is_in_one_round_table(tables):
    objectives = tables["gcm_objectives"].set_index("objective")
    groups = objectives.groupby("imrf_round_table").groups
    assert {k: sorted(v) for k, v in groups.items()} == {
        1: [2, 5, 6, 12, 18], 2: [4, 8, 9, 10, 11, 13, 21], 3: [14, 15, 16, 19, 20, 22], 4: [1, 3, 7, 17, 23]}
    assert (objectives["theme"] == "IMRF round table " + objectives["imrf_round_table"].astype(str)).all()
    assert objectives.loc[objectives["imrf_round_table"] == 4, "theme_source"].str.startswith("derived").all()


@pytest.mark.parametrize("name", ["gcm_vote", "gcm_vote_not_recorded", "icrmw_status", "icrmw_dates_2009",
                                  "un_member_states", "oecd_members"])
def test_every_iso3_is_in_the_country_table(tables, name):
    known = set(tables["countries"]["iso3"])
    codes = set(tables[name]["iso3"].dropna())
    assert codes and codes <= known, codes - known


def test_country_table_regions(tables):
    countries = tables["countries"]
    assert countries["iso3"].is_unique and len(countries) == 249
    assert countries.set_index("iso3").loc["NAM", "iso2"] == "NA"  # Namibia, not a missing value
    members = countries[countries["iso3"].isin(tables["un_member_states"]["iso3"])]
    assert members["region"].notna().all()


def test_oecd_at_the_end_of_2018(tables):
    oecd = tables["oecd_members"]
    assert len(oecd) == 36 and oecd["iso3"].is_unique
    assert (oecd["member_as_of"].dt.year <= 2018).all()
    vote = tables["gcm_vote"]
    assert set(vote.loc[vote["vote"] == "no", "iso3"]) <= set(oecd["iso3"])


def test_an_unknown_iso3_breaks_the_package(tmp_path):
    import csv
    import shutil

    from frictionless import Package

    data = shutil.copytree(ROOT / "data", tmp_path / "data")
    rows = list(csv.reader((data / "gcm_vote.csv").open(encoding="utf-8")))
    rows[1][rows[0].index("iso3")] = "XXX"
    with (data / "gcm_vote.csv").open("w", newline="", encoding="utf-8") as fh:
        csv.writer(fh).writerows(rows)
    report = Package(str(data / "datapackage.json")).validate()
    assert any(e[1] == "foreign-key" for e in report.flatten(["rowNumber", "type"]))


# --- Who stayed out, and the Convention's later counts (chapter 4 revision, December 2026) ---

@pytest.fixture(scope="module")
def stay_out():
    return load("gcm_stay_out_events", PACKAGE)


@pytest.fixture(scope="module")
def party_counts():
    return load("icrmw_party_counts", PACKAGE)


def test_stay_out_events_run_from_the_us_exit_to_brazils_return(stay_out):
    first, last = stay_out.sort_values("date").iloc[[0, -1]].itertuples()
    assert (first.iso3, first.date.strftime("%Y-%m-%d"), first.date_is) == ("USA", "2017-12-03", "report")
    assert (last.iso3, last.date.strftime("%Y-%m-%d")) == ("BRA", "2023-01-05")
    brazil = stay_out[stay_out["iso3"] == "BRA"].sort_values("date")
    assert list(brazil["date"].dt.year) == [2019, 2023]
    assert stay_out["source_url"].str.match(r"^https?://").all()
    assert (stay_out["quote"].isna() | (stay_out["quote"].str.len() > 10)).all()


def test_stayed_out_before_marrakesh_includes_a_non_oecd_state(stay_out, tables):
    """Tardis: all who refused, bar the Dominican Republic, were OECD members. Bulgaria was not."""
    before = set(stay_out.loc[stay_out["date"] <= "2018-12-11", "iso3"])
    oecd = set(tables["oecd_members"]["iso3"])
    assert before - oecd == {"BGR"}
    eu_absent = {"AUT", "BGR", "CZE", "HUN", "ITA", "LVA", "POL", "SVK"}
    assert eu_absent <= before and len(eu_absent) == 8


def test_party_counts_agree_with_the_country_snapshot_and_only_grow(party_counts, tables):
    status = tables["icrmw_status"]
    years = status.loc[status["status"] == "state party", "year_ratification_or_accession"]
    by_year = party_counts.set_index(party_counts["as_of"].dt.strftime("%Y-%m"))["parties"]
    assert by_year["2018-12"] == (years <= 2018).sum() == 54
    assert by_year["2022-05"] == len(years) == 57
    assert by_year["2003-12"] == (years <= 2003).sum() == 24
    ordered = party_counts.sort_values("as_of")["parties"]
    assert ordered.is_monotonic_increasing and ordered.iloc[-1] == 60


# --- The vote notebook's prose against its data (REVISION-GUIDE section 4) ---

VOTE_NB = ROOT / "chapters" / "gcm" / "gcm-vote-ratification.ipynb"


def test_vote_notebook_glue_is_defined_and_matches_the_data(tables, stay_out, party_counts):
    import re
    g = _glued(VOTE_NB)
    text = _markdown(VOTE_NB)
    assert "{glue:text}" not in text          # jupyterlab-myst cannot render the role
    marked = re.findall(r"(\S+?)<!-- glue:([a-z0-9_]+) -->", text)
    used = {name for _, name in marked}
    assert used and used <= set(g), sorted(used - set(g))
    for before, name in marked:               # the literal number is the glued value
        assert before.endswith(g[name].split()[-1]), (name, before, g[name])
    status = tables["icrmw_status"]
    years = status.loc[status["status"] == "state party", "year_ratification_or_accession"]
    assert g["parties_2003"] == str((years <= 2003).sum()) == "24"
    assert g["parties_2018"] == str((years <= 2018).sum()) == "54"
    assert g["years_to_20th"] == "12.2" and g["years_to_force"] == "12.5"
    vote = tables["gcm_vote"]
    assert g["n_yes"] == str((vote["vote"] == "yes").sum())
    before = stay_out.loc[stay_out["date"] <= "2018-12-11"]
    assert g["n_stayed_out"] == str(before["iso3"].nunique())
    assert g["stayed_out_not_oecd"] == "Bulgaria"
    assert g["latest_parties"] == str(party_counts["parties"].max())


def test_vote_notebook_no_longer_repeats_the_reviewed_errors():
    text = _markdown(VOTE_NB).lower()
    assert "thirteen years" not in text
    assert "164 states signed" not in text
    assert "no marrakesh data in the package" not in VOTE_NB.read_text("utf-8").lower()


def test_chapter_page_keeps_the_review_corrections():
    """Review of December 2026, chapter 4: the errors repeated from Tardis stay flagged.

    The chapter's narrative runs over several pages since issue 30; the checks of the source
    live in "How we know" boxes (collapsed), and every one of them is kept."""
    pages = sorted((ROOT / "chapters" / "gcm").glob("*.md"))
    page = "\n".join(p.read_text("utf-8") for p in pages)
    for gone in ["signed the Global Compact", "signed what was", "signed at an intergovernmental",
                 "applied only to European refugees", "you may want to check it",
                 "Betts, Alexander (2018)", "a non-legally\nbinding co-operation framework",
                 "seed_fact_checks.csv", "Source check:", "Two of its three parts now exist",
                 "Two of its parts now exist"]:
        assert gone not in page, gone
    assert page.count(":::{admonition} How we know:") >= 12
    for key in ["abbottsnidal2000", "shafferpollack2010", "reliefweb2018gcr", "betts2008softlaw",
                "capone2020", "ungeneva2023cmw37", "ungeneva2025gc6", "unnetworkhub2021"]:
        assert key in page, key
    for box in re.findall(r":::\{admonition\} How we know:.*?\n(.*?)\n", page):
        assert box == ":class: dropdown how-we-know", box
    since = (ROOT / "chapters" / "gcm" / "gcm-since-2018.md").read_text("utf-8")
    assert "Last reviewed: December 2026." in since.split("\n")[:5]


def test_chapter_anatomy_and_modules():
    """Issue 30: case and objectives open the first page, the end matter closes the last
    narrative page, and no narrative page is longer than the guide allows."""
    first = (ROOT / "chapters" / "gcm" / "gcm-soft-law.md").read_text("utf-8")
    assert first.index(":class: case") < first.index(":class: objectives") < first.index("\n## ")
    last = (ROOT / "chapters" / "gcm" / "gcm-judging.md").read_text("utf-8")
    heads = [h for h in re.findall(r"^## (.+)$", last, re.M)]
    assert heads[-4:] == ["Summary", "Key terms", "Review questions", "Further reading"], heads
    assert "Back to the case" in heads
    for page in (ROOT / "chapters" / "gcm").glob("*.md"):
        text = page.read_text("utf-8")
        words = len(re.sub(r"^(```|~~~).*?^\1\s*$", "", text, flags=re.S | re.M).split())
        assert words < 4000, (page.name, words)
        if page.name != "gcm-soft-law.md":
            assert "This page assumes" in text.split("\n## ")[0], page.name
