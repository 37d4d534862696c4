"""Exporting answers (live and static share one format) and collecting a class's files."""

from __future__ import annotations

import json

from govmig.collect import FORMAT, main, read_folder
from govmig.exercises import load, store

from conftest import ROOT


def _export(tmp_path, statuses: dict[str, str], name: str) -> None:
    answers = {ex: {"chapter": "iom", "response": "x", "status": st, "attempts": 2, "updated": "t"}
               for ex, st in statuses.items()}
    (tmp_path / name).write_text(json.dumps(store.export_doc("iom", answers)))


def test_live_export_writes_only_this_chapter(tmp_path):
    ex = load("iom", ROOT / "exercises" / "specs")["iom-ghosh"]
    w = ex.widget()
    w.set_response("ghosh-1993")
    w.check()
    store.save("other-q1", "other", "1", "wrong", ["1"])
    path = store.export("iom", tmp_path)
    doc = json.loads(path.read_text())
    assert doc["format"] == FORMAT and doc["chapter"] == "iom" and path.name.startswith("governing-migration-iom-answers-")
    assert list(doc["answers"]) == ["iom-ghosh"] and doc["answers"]["iom-ghosh"]["status"] == "correct"


def test_folder_is_summarised_and_bad_files_are_named(tmp_path):
    _export(tmp_path, {"iom-ghosh": "correct", "iom-names-order": "partial"}, "a.json")
    _export(tmp_path, {"iom-ghosh": "wrong", "iom-names-order": "correct"}, "b.json")
    (tmp_path / "broken.json").write_text("{nope")
    (tmp_path / "foreign.json").write_text(json.dumps({"hello": 1}))
    (tmp_path / "binary.bin").write_bytes(b"\xff\xfe\x00")
    bad = store.export_doc("iom", {"iom-ghosh": {"chapter": "iom", "status": "maybe"}})
    (tmp_path / "badstatus.json").write_text(json.dumps(bad))
    collection = read_folder(tmp_path)
    assert sorted(name for name, _ in collection.skipped) == ["badstatus.json", "binary.bin", "broken.json", "foreign.json"]
    summary = collection.summary().set_index("exercise")
    assert summary.loc["iom-ghosh", "students"] == 2 and summary.loc["iom-ghosh", "correct"] == 1
    assert summary.loc["iom-names-order", "share_correct"] == 0.5
    assert collection.chart().to_dict()["description"]


def test_empty_folder_and_cli(tmp_path, capsys):
    assert read_folder(tmp_path).summary().empty
    _export(tmp_path, {"iom-ghosh": "correct"}, "a.json")
    (tmp_path / "junk.txt").write_text("hello")
    assert main([str(tmp_path)]) == 0
    out = capsys.readouterr()
    assert "iom-ghosh" in out.out and "skipped junk.txt" in out.err
    assert main(["/no/such/folder"]) == 2


def test_written_drafts_are_collected_to_read(tmp_path):
    answers = {"t-statement": {"chapter": "iom", "response": "We call on states to regularise.", "status": "submitted",
                               "attempts": 0, "updated": "t"},
               "iom-ghosh": {"chapter": "iom", "response": "ghosh-1993", "status": "correct", "attempts": 1, "updated": "t"}}
    (tmp_path / "a.json").write_text(json.dumps(store.export_doc("iom", answers)))
    short = {"t-statement": dict(answers["t-statement"], response="Too short.", status="draft")}
    (tmp_path / "b.json").write_text(json.dumps(store.export_doc("iom", short)))
    collection = read_folder(tmp_path)
    drafts = collection.drafts()
    assert list(drafts["file"]) == ["a.json", "b.json"] and list(drafts["status"]) == ["submitted", "draft"]
    assert drafts.loc[0, "text"] == "We call on states to regularise."
    summary = collection.summary().set_index("exercise")
    assert summary.loc["t-statement", "correct"] == 1 and summary.loc["t-statement", "students"] == 2
