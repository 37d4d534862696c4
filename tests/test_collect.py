"""Exporting answers (live and static share one format) and collecting a class's files."""

from __future__ import annotations

import json

import pytest

from govmig.collect import FORMAT, main, read_folder
from govmig.exercises import load, store
from govmig.exercises.catalogue import book_version

from collect_fixture import export, make_specs, write
from conftest import ROOT


@pytest.fixture
def specs(tmp_path):
    return make_specs(tmp_path / "specs")


def test_live_export_writes_only_this_chapter_with_name_and_book(tmp_path):
    ex = load("iom", ROOT / "exercises" / "specs")["iom-ghosh"]
    w = ex.widget()
    w.set_response("ghosh-1993")
    w.check()
    store.save("other-q1", "other", "1", "wrong", ["1"])
    path = store.export("iom", tmp_path, name="Ada", book=book_version(ROOT / "exercises" / "specs"))
    doc = json.loads(path.read_text())
    assert doc["format"] == FORMAT and doc["chapter"] == "iom" and path.name.startswith("governing-migration-iom-answers-")
    assert list(doc["answers"]) == ["iom-ghosh"] and doc["answers"]["iom-ghosh"]["status"] == "correct"
    assert doc["name"] == "Ada" and doc["book"] == book_version(ROOT / "exercises" / "specs") and doc["version"] == 2


def test_folder_is_summarised_and_bad_files_are_named(tmp_path, specs):
    hand_in = tmp_path / "in"
    write(hand_in, "a.json", export(specs, {"tb-pick", "tb-count"}, name="A"))
    write(hand_in, "b.json", export(specs, {"tb-order"}, name="B"))
    write(hand_in, "broken.json", "{nope")
    write(hand_in, "foreign.json", {"hello": 1})
    (hand_in / "binary.bin").write_bytes(b"\xff\xfe\x00")
    bad = export(specs, set(), name="C")
    bad["answers"]["tb-pick"]["status"] = "maybe"
    write(hand_in, "badstatus.json", bad)
    collection = read_folder(hand_in, specs)
    assert sorted(name for name, _ in collection.skipped) == ["badstatus.json", "binary.bin", "broken.json", "foreign.json"]
    summary = collection.summary().set_index("exercise")
    assert summary.loc["tb-pick", "students"] == 2 and summary.loc["tb-pick", "correct"] == 1
    assert summary.loc["tb-order", "share_correct"] == 0.5
    assert collection.chart().to_dict()["description"]
    assert collection.flags == []


def test_empty_folder(tmp_path, specs):
    empty = tmp_path / "empty"
    empty.mkdir()
    assert read_folder(empty, specs).summary().empty


def test_cli_prints_summary_and_what_it_skipped(tmp_path, specs, monkeypatch, capsys):
    hand_in = tmp_path / "in"
    write(hand_in, "a.json", export(specs, {"tb-pick"}))
    write(hand_in, "junk.txt", "hello")
    monkeypatch.chdir(tmp_path)  # the collector finds exercises/specs/ above the working directory
    (tmp_path / "exercises").mkdir()
    specs.rename(tmp_path / "exercises" / "specs")
    assert main([str(hand_in)]) == 0
    out = capsys.readouterr()
    assert "tb-pick" in out.out and "skipped junk.txt: not JSON" in out.err
    assert "1 file(s) read, 1 skipped" in out.err
    assert main(["/no/such/folder"]) == 2


def test_written_drafts_are_collected_to_read(tmp_path, specs):
    hand_in = tmp_path / "in"
    write(hand_in, "a.json", export(specs, {"tb-essay", "tb-pick"}, name="A"))
    write(hand_in, "b.json", export(specs, set(), name="B"))
    collection = read_folder(hand_in, specs)
    drafts = collection.drafts()
    assert list(drafts["file"]) == ["a.json", "b.json"] and list(drafts["status"]) == ["submitted", "draft"]
    assert drafts.loc[0, "text"] == "We call on states." and list(drafts["name"]) == ["A", "B"]
    summary = collection.summary().set_index("exercise")
    assert summary.loc["tb-essay", "correct"] == 1 and summary.loc["tb-essay", "students"] == 2
