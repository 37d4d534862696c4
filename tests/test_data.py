"""The data package: valid, documented, and loud about malformed files."""

from __future__ import annotations

import csv
import json
import shutil

import pytest
from frictionless import Package

from govmig.data import DataValidationError, load, resource

from conftest import ROOT

DATA = ROOT / "data"
DESCRIPTOR = json.loads((DATA / "datapackage.json").read_text("utf-8"))
NAMES = [r["name"] for r in DESCRIPTOR["resources"]]


def test_package_is_valid():
    report = Package(str(DATA / "datapackage.json")).validate()
    assert report.valid, report.flatten(["rowNumber", "fieldName", "message"])


def test_every_csv_is_described():
    described = {r["path"] for r in DESCRIPTOR["resources"]}
    assert {p.name for p in DATA.glob("*.csv")} == described


@pytest.mark.parametrize("name", NAMES)
def test_each_table_has_provenance_and_licence(name):
    res = resource(name, DATA / "datapackage.json")
    assert res.get("sources"), f"{name}: no sources"
    assert res.get("licenses"), f"{name}: no licence"
    assert res.get("provenance"), f"{name}: no provenance"
    assert name in (DATA / "README.md").read_text("utf-8"), f"{name} not documented in data/README.md"


@pytest.mark.parametrize("name", NAMES)
def test_each_table_loads_with_schema_types(name):
    frame = load(name, DATA / "datapackage.json")
    fields = resource(name, DATA / "datapackage.json")["schema"]["fields"]
    assert list(frame.columns) == [f["name"] for f in fields]
    assert len(frame) > 0
    for f in fields:
        if f["type"] in ("integer", "year"):
            assert str(frame[f["name"]].dtype) == "Int64", f["name"]


def test_known_values_from_the_sources():
    growth = load("iom_growth_figures", DATA / "datapackage.json").set_index("figure_id")
    assert growth.loc["dupeyron2016_member_states_1998", "value"] == 67
    assert growth.loc["dupeyron2016_member_states_2014", "value"] == 156
    counts = load("iom_member_counts", DATA / "datapackage.json").set_index("year")
    assert counts.loc[1998, "n_full_members"] == 67 and counts.loc[2014, "n_full_members"] == 155


# --- malformed copies: each must fail with file, row and column named -------------

@pytest.fixture
def copy(tmp_path):
    target = tmp_path / "data"
    shutil.copytree(DATA, target)
    return target


def _rewrite(path, change):
    rows = list(csv.reader(path.open(encoding="utf-8")))
    change(rows)
    with path.open("w", newline="", encoding="utf-8") as fh:
        csv.writer(fh).writerows(rows)


def test_missing_column_is_named(copy):
    def drop(rows):
        col = rows[0].index("n_full_members")
        for row in rows:
            del row[col]
    _rewrite(copy / "iom_member_counts.csv", drop)
    with pytest.raises(DataValidationError) as err:
        load("iom_member_counts", copy / "datapackage.json")
    assert "iom_member_counts.csv" in str(err.value) and "n_full_members" in str(err.value)


def test_wrong_type_names_row_and_column(copy):
    def bad(rows):
        rows[3][rows[0].index("n_full_members")] = "twenty"
    _rewrite(copy / "iom_member_counts.csv", bad)
    with pytest.raises(DataValidationError) as err:
        load("iom_member_counts", copy / "datapackage.json")
    message = str(err.value)
    assert "row 4" in message and "'n_full_members'" in message


def test_bad_value_violating_a_constraint_is_reported(copy):
    def bad(rows):
        rows[1][rows[0].index("n_full_members")] = "-5"
    _rewrite(copy / "iom_member_counts.csv", bad)
    with pytest.raises(DataValidationError, match=r"row 2.*n_full_members"):
        load("iom_member_counts", copy / "datapackage.json")


def test_unknown_table_lists_known_ones():
    with pytest.raises(KeyError, match="iom_names"):
        load("no_such_table", DATA / "datapackage.json")
