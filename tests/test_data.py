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


def test_tables_that_refer_to_others_declare_foreign_keys():
    """Keys between tables are declared, so the package validation checks them."""
    declared = {(r["name"], fk["reference"]["resource"])
                for r in DESCRIPTOR["resources"] for fk in r["schema"].get("foreignKeys", [])}
    assert ("partnership_coding", "partnership_statements") in declared
    assert ("partnership_coding", "partnership_codebook") in declared


def test_a_broken_key_between_tables_is_caught(copy):
    def orphan(rows):
        rows[1][rows[0].index("statement_id")] = "ps99"
    _rewrite(copy / "partnership_coding.csv", orphan)
    report = Package(str(copy / "datapackage.json")).validate()
    assert not report.valid
    assert any(e[1] == "foreign-key" for e in report.flatten(["rowNumber", "type"]))
    # load() checks the keys too (reliability report D7), naming table, row and key
    with pytest.raises(DataValidationError, match=r"partnership_coding.csv: row 2: foreign key statement_id='ps99' "
                                                  r"not found in table 'partnership_statements'"):
        load("partnership_coding", copy / "datapackage.json")
