"""Chapter 3 data: the RCP table and the member lists agree with their sources and each other."""

from __future__ import annotations

import re

import pandas as pd
import pytest

from govmig.data import load, resource

from conftest import ROOT, glued as _glued, markdown_text as _markdown

PACKAGE = ROOT / "data" / "datapackage.json"
SOURCES = ROOT.parent / "shared" / "sources"


@pytest.fixture(scope="module")
def rcps():
    return load("rcps", PACKAGE).set_index("rcp_id")


@pytest.fixture(scope="module")
def members():
    return load("rcp_memberships", PACKAGE)


def test_thirteen_processes_eight_with_full_lists(rcps, members):
    assert len(rcps) == 13
    assert sorted(rcps.index[rcps["full_member_list"]]) == sorted(members["rcp_id"].unique())
    assert len(members) == 146 and members["iso3"].nunique() == 108


def test_rcm_has_eleven_members_as_kunz_says(rcps, members):
    assert rcps.loc["rcm", "n_states"] == 11 and rcps.loc["rcm", "source"] == "kunz2013"
    assert (members["rcp_id"] == "rcm").sum() == 11


def test_every_list_has_the_count_its_source_states(rcps, members):
    listed = members.groupby("rcp_id").size()
    for rcp_id, n in listed.items():
        assert rcps.loc[rcp_id, "n_states"] == n, rcp_id
        assert rcps.loc[rcp_id, "n_members_listed"] == n, rcp_id
    assert rcps.loc[~rcps["full_member_list"], "n_members_listed"].isna().all()


def test_memberships_name_their_process_consistently(rcps, members):
    assert (members["rcp"] == members["rcp_id"].map(rcps["label"])).all()
    assert not members.duplicated(["rcp_id", "iso3"]).any()
    one_source = members.groupby("rcp_id")[["source", "membership_as_of"]].nunique()
    assert (one_source == 1).all().all()


def test_every_iso3_is_in_the_country_table(members):
    countries = load("countries", PACKAGE)
    unknown = set(members["iso3"]) - set(countries["iso3"])
    assert not unknown, f"iso3 codes not in countries: {sorted(unknown)}"


def test_conflicts_are_kept_not_resolved(rcps):
    assert (rcps.loc["budapest", "established"], rcps.loc["budapest", "conflicting_established"]) == (1993, 1991)
    assert (rcps.loc["sacm", "established"], rcps.loc["sacm", "conflicting_established"]) == (2000, 1999)
    assert (rcps.loc["add", "n_states"], rcps.loc["add", "n_states_other"]) == (17, 18)
    for rcp_id in ["budapest", "sacm", "add"]:
        assert "CONFLICT" in rcps.loc[rcp_id, "notes"], rcp_id
    has_conflict = rcps["conflicting_established"].notna()
    assert has_conflict.sum() == 2 and rcps.loc[has_conflict, "conflicting_established_source"].notna().all()


def test_founding_years_in_range_and_conflicts_differ(rcps):
    assert rcps["established"].between(1985, 2014).all()
    assert rcps["established"].min() == 1985 and rcps.loc["igc", "established"] == 1985
    both = rcps.dropna(subset=["conflicting_established"])
    assert (both["established"] != both["conflicting_established"]).all()


def test_gaps_stay_blank_and_are_explained(rcps):
    assert pd.isna(rcps.loc["bali", "n_states"]) and pd.isna(rcps.loc["bali", "region_group"])
    assert "49 members including" in rcps.loc["bali", "states_stated"]
    blank_type = rcps["iom_type"].isna()
    assert sorted(rcps.index[blank_type]) == ["add", "bali", "rabat"]
    assert rcps.loc[blank_type, "scope"].isna().all() and rcps.loc[blank_type, "package_note"].notna().all()


def test_themes_only_where_a_source_states_them(rcps):
    themed = rcps.dropna(subset=["themes_as_stated"])
    assert list(themed.index) == ["rcm"] and (themed["themes_source"] == "kunz2013").all()


def test_every_source_key_is_in_the_bibliography(rcps, members):
    bib = set(re.findall(r"^@\w+\{([^,\s]+),", (ROOT / "references.bib").read_text("utf-8"), re.M))
    keys = set(members["source"])
    for column in ["source", "n_states_source", "n_states_other_source", "conflicting_established_source",
                   "themes_source"]:
        keys |= set(rcps[column].dropna())
    for cell in rcps["book_sources"].dropna():
        keys |= set(cell.split(";"))
    assert keys <= bib, sorted(keys - bib)


def test_no_role_column_without_a_source():
    names = {f["name"] for f in resource("rcp_memberships", PACKAGE)["schema"]["fields"]}
    assert not names & {"role", "member_role", "origin_transit_destination"}


@pytest.mark.skipif(not SOURCES.is_dir(), reason="the project's source texts are not in this checkout")
def test_quotations_are_verbatim(rcps):
    texts = {"kunz2013": "kunz-2013-partnership-in-international-migration-governance.txt",
             "lavenexpanizzon2013": "lavenex-panizzon-2013-multilayered-migration-governance.txt"}
    norm = lambda s: re.sub(r"\s+", " ", s)  # noqa: E731
    texts = {k: norm((SOURCES / v).read_text("utf-8")) for k, v in texts.items()}
    checked = 0
    for cell in rcps["book_sources_say"].dropna():
        for part in re.split(r"; (?=(?:kunz2013|lavenexpanizzon2013) \()", cell):
            key = part.split(" ", 1)[0]
            quote = part[part.index(': "') + 3: part.rindex('"')]
            assert norm(quote) in texts[key], quote[:60]
            checked += 1
    assert norm(rcps.loc["rcm", "themes_as_stated"]) in texts["kunz2013"]
    assert checked == 10



def test_memberships_declare_their_keys():
    keys = {(fk["fields"], fk["reference"]["resource"])
            for fk in resource("rcp_memberships", PACKAGE)["schema"].get("foreignKeys", [])}
    assert keys == {("rcp_id", "rcps"), ("iso3", "countries")}


# --- the notebook's prose takes its numbers from the data (REVISION-GUIDE 4) ---------------

import json  # noqa: E402

NOTEBOOK = ROOT / "chapters" / "rcps" / "rcps-data.ipynb"
WORLD = ROOT / "data" / "world-countries-110m.json"
NODE_WORLD = ROOT / "node_modules" / "world-atlas" / "countries-110m.json"


def test_glued_numbers_match_the_data(rcps, members):
    g = _glued(NOTEBOOK)
    per_state = members.groupby("iso3").size()
    expected = {
        "n_processes": len(rcps), "first_year": int(rcps["established"].min()),
        "last_year": int(rcps["established"].max()),
        "n_2000s": int(rcps["established"].between(2000, 2009).sum()),
        "n_full_lists": int(rcps["full_member_list"].sum()),
        "n_memberships": len(members), "n_states": members["iso3"].nunique(),
        "n_one": int((per_state == 1).sum()), "n_two": int((per_state == 2).sum()),
        "n_three": int((per_state == 3).sum()),
    }
    for name, value in expected.items():
        assert g.get(name) == str(value), (name, g.get(name), value)
    # Notebook prose writes each glued number as literal text followed by a marker naming
    # the stored value (CONTRACT, "In notebooks"): 146<!-- glue:n_memberships -->.
    text = _markdown(NOTEBOOK)
    markers = re.findall(r"(\S+?)<!-- glue:([a-z0-9_]+) -->", text)
    used = {name for _, name in markers}
    assert used and used <= set(g), sorted(used - set(g))
    for shown, name in markers:
        assert shown == g[name], (name, shown, g[name])
    assert "{glue:" not in text


def test_prose_does_not_hard_code_the_glued_counts():
    text = _markdown(NOTEBOOK)
    for stale in ["The 146 memberships", "nine of the\n13 processes", "72 states are in one"]:
        assert stale not in text, stale


@pytest.fixture(scope="module")
def added():
    return load("rcp_memberships_added", PACKAGE)


def test_map_counts_states_without_an_outline(members, added):
    topo = json.loads(WORLD.read_text("utf-8"))
    ids = {g["id"] for g in topo["objects"]["countries"]["geometries"] if "id" in g}
    countries = load("countries", PACKAGE).set_index("iso3")
    both = pd.concat([members, added])
    listed = countries.loc[sorted(both["iso3"].unique()), "m49"]
    g = _glued(NOTEBOOK)
    assert g["n_not_drawn"] == str(int((~listed.isin(ids)).sum()))
    assert g["n_map_states"] == str(both["iso3"].nunique())
    assert g["n_map_lists"] == str(both["rcp_id"].nunique())
    assert all(len(i) == 3 and i.isdigit() for i in ids)


def test_added_khartoum_list_matches_its_page(rcps, members, added):
    assert len(added) == 41 and (added["rcp_id"] == "khartoum").all()
    assert added["source_detail"].str.startswith("signatory").sum() == 37
    assert sorted(added.loc[~added["source_detail"].str.startswith("signatory"), "iso3"]) == [
        "CHE", "LBY", "NOR", "UGA"]
    assert not added.duplicated("iso3").any()
    assert set(added["iso3"]) <= set(load("countries", PACKAGE)["iso3"])
    assert not set(added["rcp_id"]) & set(members["rcp_id"])
    assert (added["rcp"] == added["rcp_id"].map(rcps["label"])).all()
    # the count on another page stays as it was, and the table says so
    assert rcps.loc["khartoum", "n_states"] == 40 and not rcps.loc["khartoum", "full_member_list"]


def test_map_description_is_generated_not_typed():
    cells = json.loads(NOTEBOOK.read_text("utf-8"))["cells"]
    chart = [c for c in cells if "".join(c["source"]).startswith("alt.vconcat(world_map")]
    assert len(chart) == 1 and "description=map_description" in "".join(chart[0]["source"])


@pytest.mark.skipif(not NODE_WORLD.is_file(), reason="node_modules/world-atlas is not installed")
def test_world_outline_is_the_packaged_file():
    assert WORLD.read_bytes() == NODE_WORLD.read_bytes()


def test_budapest_dates_are_explained(rcps):
    note = rcps.loc["budapest", "notes"]
    assert "Berlin" in note and "Budapest" in note and "1991" in note and "1993" in note


def test_more_glued_counts_match_the_data(rcps, members):
    g = _glued(NOTEBOOK)
    decade = rcps["established"] // 10 * 10
    other = rcps["conflicting_established"].fillna(rcps["established"]) // 10 * 10
    per_state = members.groupby("iso3")["rcp_id"].agg(list)
    several = per_state[per_state.map(len) >= 2]
    pairs = {tuple(sorted(p)) for procs in several for i, a in enumerate(procs) for p in [(a, b) for b in procs[i + 1:]]}
    expected = {"n_1990s": int((decade == 1990).sum()), "n_1990s_other": int((other == 1990).sum()),
                "n_2000s_decade": int((decade == 2000).sum()), "n_several": len(several), "n_pairs": len(pairs)}
    for name, value in expected.items():
        assert g.get(name) == str(value), (name, g.get(name), value)


def test_chart_descriptions_are_generated_not_typed():
    cells = json.loads(NOTEBOOK.read_text("utf-8"))["cells"]
    charts = ["".join(c["source"]) for c in cells if c["cell_type"] == "code" and "description=" in "".join(c["source"])]
    assert len(charts) == 4
    for src in charts:
        assert re.search(r"description=[a-z_]+_description", src), src[:80]
