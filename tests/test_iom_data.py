"""Chapter 1 (IOM): the notebooks' prose against their own data.

The notebooks take the numbers their text states from the data with myst-nb `glue`.
These tests recompute each glued value from the data package and compare it with the
value stored in the notebook, and they check that the sentences the content review of
December 2026 found contradicting the data (review items N1 to N6) have not come back.
"""

from __future__ import annotations

import json
import re

import pytest

from govmig.data import load

from conftest import ROOT, glued, outputs_text
from conftest import markdown_text as markdown

PACKAGE = ROOT / "data" / "datapackage.json"
NUMBERS = ROOT / "chapters" / "iom" / "iom-in-numbers.ipynb"
PHASES = ROOT / "chapters" / "iom" / "iom-names-phases.ipynb"


@pytest.fixture(scope="module")
def tables():
    names = ["iom_growth_figures", "iom_member_counts", "iom_milestones", "iom_finance",
             "iom_names", "iom_phases"]
    return {name: load(name, PACKAGE) for name in names}


def test_every_glue_reference_is_defined():
    """Numbers in the prose are glue roles or, in notebooks that must read in JupyterLab,
    literal text followed by a marker naming the glued value (`67<!-- glue:cow_1998 -->`);
    each named value exists, and the text before a marker is that value's text."""
    for path in (NUMBERS, PHASES):
        text, values = markdown(path), glued(path)
        roles = set(re.findall(r"\{glue:text\}`([^`]+)`", text))
        markers = re.findall(r"(\S+)<!-- glue:([\w-]+) -->", text)
        used = roles | {name for _, name in markers}
        assert used, path.name
        assert used <= set(values), f"{path.name}: undefined glue {sorted(used - set(values))}"
        for before, name in markers:
            assert before.endswith(values[name].split()[-1]), f"{path.name}: {before!r} is not glue {name} ({values[name]!r})"


def test_growth_pairs_match_the_data(tables):
    g = glued(NUMBERS)
    growth = tables["iom_growth_figures"]
    assert g["n_figures"] == str(len(growth))
    assert g["n_measures"] == str(growth["measure"].nunique())
    dated = growth.dropna(subset=["year"])
    two_years = dated.groupby("measure")["year"].nunique()
    assert g["n_paired"] == str((two_years >= 2).sum())
    for measure, key in [("member_states", "members"), ("total_expenditure_usd", "expenditure")]:
        rows = dated[dated["measure"] == measure].sort_values("year")
        first, last = rows.iloc[0], rows.iloc[-1]
        assert g[f"{key}_first"] == f"{int(first['value']):,}"
        assert g[f"{key}_last"] == f"{int(last['value']):,}"
        assert g[f"{key}_ratio"] == f"{last['value'] / first['value']:.2f}"
        assert (g[f"{key}_first_year"], g[f"{key}_last_year"]) == (str(first["year"]), str(last["year"]))
    # the table of ratios must not show a measure with a single dated year (review N3)
    assert "operational_staff  1998  1100  1998" not in outputs_text(NUMBERS)


def test_membership_figures_match_the_data(tables):
    g = glued(NUMBERS)
    by_year = tables["iom_member_counts"].set_index("year")["n_full_members"]
    assert g["cow_2014"] == str(by_year[2014]) and g["cow_1951"] == str(by_year[1951])
    assert g["cow_1989"] == str(by_year[1989])
    share = (by_year[2014] - by_year[1989]) / (by_year[2014] - by_year[1951])
    assert g["share_growth_after_1989"] == f"{share:.0%}"
    stated = tables["iom_milestones"].dropna(subset=["member_count"])
    assert g["stated_1951"] == str(int(stated.loc[stated["year"] == 1951, "member_count"].iloc[0]))
    # the chart description names the first stated count, not a later one (review N4)
    first = stated.sort_values("year").iloc[0]
    assert f"from {first['member_count']:.0f} in {first['year']}" in outputs_text(NUMBERS)
    assert "from 59 in 1996" not in outputs_text(NUMBERS)


def test_finance_figures_match_the_data(tables):
    g = glued(NUMBERS)
    finance = tables["iom_finance"].set_index("finance_id")["value_usd"]
    assert g["ceb_2013"] == f"{finance['2013_total_expenses_ceb'] / 1e9:.2f}"
    assert g["budget_2013"] == f"{finance['2013_budget'] / 1e9:.3f}"
    ceb = tables["iom_finance"].query("series == 'ceb_total_expenses'").sort_values("year")
    falls = [str(y) for y, d in zip(ceb["year"], ceb["value_usd"].diff().fillna(0)) if d < 0]
    assert g["ceb_falls"] == ", ".join(falls)
    assert g["ceb_last_year"] == str(ceb["year"].max())
    assert g["budget_2025_before"] == f"{finance['2025_budget_before_the_2025_cuts_as_reported'] / 1e9:.2f}"
    assert g["budget_2025_projected"] == f"{finance['2025_budget_projected_march_2025'] / 1e9:.2f}"
    # the 2025 figures are budgets from the news, not a continuation of the CEB series
    rows = tables["iom_finance"].query("year == 2025")
    assert set(rows["measure_kind"]) == {"budget"} and set(rows["series"]) == {"isolated_figure"}


def test_names_and_phases_text_matches_the_data(tables):
    g = glued(PHASES)
    names, phases = tables["iom_names"], tables["iom_phases"]
    last_renaming = int(names["year_adopted"].max())
    turning = sorted(phases["end_year"].dropna().astype(int))
    assert g["last_renaming"] == str(last_renaming)
    assert g["turning_points"] == ", ".join(map(str, turning))
    # review N1: the turning points come after the last renaming, not between renamings
    assert all(t > last_renaming for t in turning)
    assert "fall between them" not in markdown(PHASES)


def test_retired_claims_stay_out_of_the_prose():
    text = markdown(NUMBERS)
    assert "each of four measures" not in text          # review N2
    assert "several times larger" not in text           # review N6
    assert "the period Georgi calls IOM's expansion" not in text  # review N5
