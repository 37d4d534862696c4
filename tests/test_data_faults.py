"""The data loader never returns wrong data (reliability report test 1, D4, D7, D8, D11;
issue 12 section 4): every fault raises an error naming the file, and an edit is seen
without restarting the kernel."""

from __future__ import annotations

import csv
import io
import json
import os
import shutil
import time

import pytest

from govmig.data import DataPackageError, DataValidationError, load, resource

from conftest import ROOT

DATA = ROOT / "data"
PACKAGE = json.loads((DATA / "datapackage.json").read_text("utf-8"))
NAMES = [r["name"] for r in PACKAGE["resources"]]
WITH_KEYS = [r["name"] for r in PACKAGE["resources"] if r["schema"].get("foreignKeys")]


@pytest.fixture
def data(tmp_path):
    target = tmp_path / "data"
    shutil.copytree(DATA, target)
    return target


def _table(name):
    return next(r for r in PACKAGE["resources"] if r["name"] == name)


def _redelimit(path, delimiter):
    rows = list(csv.reader(path.open(encoding="utf-8")))
    out = io.StringIO()
    csv.writer(out, delimiter=delimiter, lineterminator="\n").writerows(rows)
    path.write_text(out.getvalue(), "utf-8")


@pytest.mark.parametrize("delimiter", [";", "\t"])
@pytest.mark.parametrize("name", ["iom_names", "gcm_vote", "iom_member_counts"])
def test_other_delimiters_fail_clearly_never_as_one_column(data, name, delimiter):
    csv_name = _table(name)["path"]
    _redelimit(data / csv_name, delimiter)
    with pytest.raises(DataValidationError) as err:
        load(name, data / "datapackage.json")
    assert csv_name in str(err.value)


def test_columns_are_checked_after_reading(data, monkeypatch):
    import pandas as pd

    real = pd.read_csv
    monkeypatch.setattr(pd, "read_csv", lambda *a, **k: real(*a, **k).rename(columns=lambda c: c + "_x"))
    with pytest.raises(DataValidationError, match="columns .* as read, but the schema lists"):
        load("iom_names", data / "datapackage.json")


def test_pandas_errors_name_the_file(data, monkeypatch):
    import pandas as pd

    def boom(*args, **kwargs):
        raise pd.errors.ParserError("Error tokenizing data. C error: Expected 2 fields in line 4, saw 3")
    monkeypatch.setattr(pd, "read_csv", boom)
    with pytest.raises(DataValidationError, match=r"iom_names.csv.*pandas cannot read it: Error tokenizing"):
        load("iom_names", data / "datapackage.json")


@pytest.mark.parametrize("name", WITH_KEYS)
def test_every_broken_foreign_key_is_caught_on_load(data, name):
    res = _table(name)
    fk = res["schema"]["foreignKeys"][0]
    column = fk["fields"] if isinstance(fk["fields"], str) else fk["fields"][0]
    path = data / res["path"]
    rows = list(csv.reader(path.open(encoding="utf-8")))
    col = rows[0].index(column)
    row = next(n for n, r in enumerate(rows[1:], start=1) if r[col] != "")
    original = rows[row][col]
    # a value of the same shape (so that type and pattern checks pass) that is not in the referred table
    rows[row][col] = original[:-1] + ("Q" if not original[-1:].isdigit() else "7") if original else original
    ref = fk["reference"]["resource"] or name
    ref_fields = fk["reference"]["fields"] if isinstance(fk["reference"]["fields"], str) else fk["reference"]["fields"][0]
    ref_rows = list(csv.reader((data / _table(ref)["path"]).open(encoding="utf-8")))
    ref_values = {r[ref_rows[0].index(ref_fields)] for r in ref_rows[1:]}
    while rows[row][col] in ref_values:
        rows[row][col] = rows[row][col][:-1] + chr(ord(rows[row][col][-1]) + 1)
    with path.open("w", newline="", encoding="utf-8") as fh:
        csv.writer(fh).writerows(rows)
    with pytest.raises(DataValidationError) as err:
        load(name, data / "datapackage.json")
    message = str(err.value)
    assert res["path"] in message and f"row {row + 1}" in message
    assert "foreign key" in message or "constraint" in message or "pattern" in message


def test_foreign_key_message_names_table_row_and_key(data):
    path = data / "partnership_coding.csv"
    rows = list(csv.reader(path.open(encoding="utf-8")))
    rows[3][rows[0].index("statement_id")] = "ps99"
    with path.open("w", newline="", encoding="utf-8") as fh:
        csv.writer(fh).writerows(rows)
    with pytest.raises(DataValidationError, match=r"row 4: foreign key statement_id='ps99' not found in table "
                                                  r"'partnership_statements'"):
        load("partnership_coding", data / "datapackage.json")


@pytest.mark.parametrize("content, needle", [
    ('{"resources": [', "not valid JSON"),
    ("", "not valid JSON"),
    (b"\xff\xfe{}", "not UTF-8"),
    ('{"resources": "oops"}', "'resources' is missing or not a list"),
    ("[1, 2]", "top level is not a JSON object"),
    ('{"resources": [{"name": "t", "path": "t.csv"}]}', "has no 'schema'"),
    ('{"resources": [{"name": "t", "path": "t.csv", "schema": {"fields": []}},'
     ' {"name": "t", "path": "u.csv", "schema": {"fields": []}}]}', "two resources are named 't'"),
])
def test_a_broken_descriptor_names_the_file(tmp_path, content, needle):
    path = tmp_path / "datapackage.json"
    path.write_bytes(content if isinstance(content, bytes) else content.encode("utf-8"))
    with pytest.raises(DataPackageError) as err:
        load("t", path)
    assert str(path) in str(err.value) and needle in str(err.value)


def test_a_missing_descriptor_names_the_file(tmp_path):
    with pytest.raises(DataPackageError, match="nowhere.json"):
        load("iom_names", tmp_path / "nowhere.json")


def test_a_missing_csv_names_the_file(data):
    (data / "iom_names.csv").unlink()
    with pytest.raises(FileNotFoundError, match=r"iom_names.csv: the CSV file of table 'iom_names'.* is missing"):
        load("iom_names", data / "datapackage.json")


def test_nul_bytes_are_rejected(data):
    path = data / "iom_names.csv"
    lines = path.read_text("utf-8").splitlines(keepends=True)
    lines[2] = lines[2].replace(",", ",\x00", 1)
    path.write_text("".join(lines), "utf-8")
    with pytest.raises(DataValidationError, match=r"iom_names.csv: row 3: a NUL byte"):
        load("iom_names", data / "datapackage.json")


def test_whitespace_only_required_keys_are_rejected(data):
    res = next(r for r in PACKAGE["resources"] if r["name"] == "icrmw_dates_2009")
    path = data / res["path"]
    rows = list(csv.reader(path.open(encoding="utf-8")))
    rows[2][rows[0].index("participant_as_listed")] = " "
    with path.open("w", newline="", encoding="utf-8") as fh:
        csv.writer(fh).writerows(rows)
    with pytest.raises(DataValidationError, match=r"row 3, column 'participant_as_listed': a required value that is only whitespace"):
        load("icrmw_dates_2009", data / "datapackage.json")


def test_descriptor_edits_are_seen_without_a_restart(data):
    package = data / "datapackage.json"
    assert len(load("iom_member_counts", package)) > 5
    doc = json.loads(package.read_text("utf-8"))
    res = next(r for r in doc["resources"] if r["name"] == "iom_member_counts")
    field = next(f for f in res["schema"]["fields"] if f["name"] == "n_full_members")
    field.setdefault("constraints", {})["maximum"] = 5
    package.write_text(json.dumps(doc, indent=2), "utf-8")
    os.utime(package, ns=(time.time_ns(), time.time_ns() + 10**9))
    with pytest.raises(DataValidationError, match="n_full_members"):
        load("iom_member_counts", package)
    assert resource("iom_member_counts", package)["schema"]["fields"] == res["schema"]["fields"]


def test_csv_edits_are_seen_without_a_restart(data):
    package = data / "datapackage.json"
    load("iom_member_counts", package)
    path = data / "iom_member_counts.csv"
    rows = list(csv.reader(path.open(encoding="utf-8")))
    rows[3][rows[0].index("n_full_members")] = "twenty"
    with path.open("w", newline="", encoding="utf-8") as fh:
        csv.writer(fh).writerows(rows)
    os.utime(path, ns=(time.time_ns(), time.time_ns() + 10**9))
    with pytest.raises(DataValidationError, match="row 4"):
        load("iom_member_counts", package)


def test_repeated_loads_are_fast():
    package = DATA / "datapackage.json"
    load("rcp_memberships", package)
    start = time.perf_counter()
    for _ in range(10):
        load("rcp_memberships", package)
    assert (time.perf_counter() - start) / 10 < 0.05, "validation is cached by path, size and modification time"


# --- third hostile-input round (issue 33: M3, L3, L4, L5) -------------------------------

def _edit_package(data, change):
    doc = json.loads((data / "datapackage.json").read_text("utf-8"))
    change(doc)
    (data / "datapackage.json").write_text(json.dumps(doc), "utf-8")
    return data / "datapackage.json"


def _field(doc, table, field):
    res = next(r for r in doc["resources"] if r["name"] == table)
    return next(f for f in res["schema"]["fields"] if f["name"] == field)


def test_a_date_format_is_refused_not_misread(data):
    """M3: with "%d/%m/%Y", 05/12/2018 validated as 5 December and loaded as 12 May."""
    package = _edit_package(data, lambda d: _field(d, "gcm_vote", "date").update(format="%d/%m/%Y"))
    text = (data / "gcm_vote.csv").read_text("utf-8").replace("2018-12-19", "19/12/2018")
    (data / "gcm_vote.csv").write_text(text, "utf-8")
    with pytest.raises(DataPackageError, match="'date': a 'format' on a date field is not supported"):
        load("gcm_vote", package)


def test_an_integer_beyond_64_bits_names_file_row_and_column(data):
    lines = (data / "iom_member_counts.csv").read_text("utf-8").splitlines(keepends=True)
    lines[1] = lines[1].replace("1951,22,", "1951,99999999999999999999,", 1)
    (data / "iom_member_counts.csv").write_text("".join(lines), "utf-8")
    with pytest.raises((DataValidationError)) as err:
        load("iom_member_counts", data / "datapackage.json")
    assert "row 2" in str(err.value) and "n_full_members" in str(err.value) and "iom_member_counts.csv" in str(err.value)


def test_a_number_too_large_is_refused_not_infinity(data):
    text = (data / "iom_finance.csv").read_text("utf-8").replace(",19446549,exact", ",1e400,exact", 1)
    (data / "iom_finance.csv").write_text(text, "utf-8")
    with pytest.raises(DataValidationError, match="value_usd.*infinity"):
        load("iom_finance", data / "datapackage.json")


def test_a_header_only_table_keeps_its_date_type(data):
    path = data / "gcm_vote.csv"
    path.write_text(path.read_text("utf-8").splitlines()[0] + "\n", "utf-8")
    from govmig.data import _read

    frame = _read(resource("gcm_vote", data / "datapackage.json"), path)
    assert str(frame["date"].dtype).startswith("datetime64")


@pytest.mark.parametrize("fk, needle", [
    ({"fields": "iso3"}, "needs 'fields' and a 'reference'"),
    ({"reference": {"resource": "un_member_states", "fields": "iso3"}}, "needs 'fields'"),
    ("iso3", "needs 'fields'"),
    ({"fields": "nope", "reference": {"resource": "un_member_states", "fields": "iso3"}}, "does not have: nope"),
    ({"fields": "iso3", "reference": {"resource": "un_member_states", "fields": "nope"}}, "does not have: nope"),
    ({"fields": ["iso3", "vote"], "reference": {"resource": "un_member_states", "fields": "iso3"}}, "2 field(s)"),
])
def test_malformed_foreign_keys_name_the_descriptor(data, fk, needle):
    def change(doc):
        next(r for r in doc["resources"] if r["name"] == "gcm_vote")["schema"]["foreignKeys"] = [fk]
    package = _edit_package(data, change)
    with pytest.raises(DataPackageError) as err:
        load("gcm_vote", package)
    assert "datapackage.json" in str(err.value) and needle in str(err.value)


@pytest.mark.parametrize("change", [
    lambda d: _field(d, "gcm_vote", "vote").update(type="nonsense"),
    lambda d: _field(d, "gcm_vote", "vote").update(constraints=["required"]),
    lambda d: _field(d, "gcm_vote", "rcid").update(constraints={"minimum": float("nan")}),
])
def test_schema_faults_frictionless_meets_name_the_table(data, change):
    package = _edit_package(data, change)
    with pytest.raises((DataPackageError, DataValidationError)) as err:
        load("gcm_vote", package)
    assert "gcm_vote" in str(err.value)


def test_a_descriptor_with_a_bom_reads(data):
    path = data / "datapackage.json"
    path.write_bytes(b"\xef\xbb\xbf" + path.read_bytes())
    assert len(load("gcm_vote", path)) > 100


def test_a_descriptor_that_is_a_fifo_or_too_deep_fails_at_once(tmp_path):
    fifo = tmp_path / "datapackage.json"
    os.mkfifo(fifo)
    with pytest.raises(DataPackageError, match="not a regular file"):
        load("gcm_vote", fifo)
    deep = tmp_path / "deep.json"
    deep.write_text("[" * 100_000 + "]" * 100_000, "utf-8")
    with pytest.raises(DataPackageError, match="nested too deeply"):
        load("gcm_vote", deep)


def test_a_csv_linked_to_a_file_outside_the_data_folder_is_not_read(data, tmp_path):
    secret = tmp_path / "secret.txt"
    secret.write_text("TOKEN=do-not-print\n", "utf-8")
    (data / "gcm_vote.csv").unlink()
    (data / "gcm_vote.csv").symlink_to(secret)
    with pytest.raises(FileNotFoundError) as err:
        load("gcm_vote", data / "datapackage.json")
    assert "outside" in str(err.value) and "do-not-print" not in str(err.value)


def test_an_edit_that_keeps_size_and_mtime_is_seen(data):
    """L5: cp -p, rsync -t and unzip keep the modification time."""
    path = data / "gcm_vote.csv"
    assert (load("gcm_vote", data / "datapackage.json")["vote"] == "yes").sum() > 0
    st = path.stat()
    text = path.read_text("utf-8").replace(",yes,", ",bad,", 1)  # same length; not an allowed vote
    path.write_text(text, "utf-8")
    os.utime(path, ns=(st.st_atime_ns, st.st_mtime_ns))
    with pytest.raises(DataValidationError, match="bad"):
        load("gcm_vote", data / "datapackage.json")
