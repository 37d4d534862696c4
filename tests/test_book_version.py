"""The book version that students' exports carry hashes only what decides a verdict
(ROUND-NOTES, "Versions and ids"): a new hint, level, section or wording must not orphan
the exports of a term; a changed key must."""

from __future__ import annotations

import shutil

import yaml

from conftest import ROOT
from govmig.exercises.catalogue import book_version


def _copy(tmp_path):
    folder = tmp_path / "specs"
    shutil.copytree(ROOT / "exercises" / "specs", folder)
    return folder


def _edit(folder, change):
    path = folder / "gcm.yaml"
    doc = yaml.safe_load(path.read_text("utf-8"))
    change(doc["exercises"][0])
    path.write_text(yaml.safe_dump(doc, allow_unicode=True, sort_keys=False), "utf-8")


def test_wording_hints_levels_and_sections_keep_the_version(tmp_path):
    folder = _copy(tmp_path)
    before = book_version(folder)

    def reword(ex):
        ex["hint"] = "A new hint that points to “Why states choose it”."
        ex["prompt"] = ex["prompt"] + " (reworded)"
        ex["level"] = "evaluate" if ex.get("level") != "evaluate" else "analyse"
        ex["section"] = "gcm-soft-law"
        ex["explanation"] = "Explained again."
    _edit(folder, reword)
    assert book_version(folder) == before


def test_a_changed_key_changes_the_version(tmp_path):
    folder = _copy(tmp_path)
    before = book_version(folder)

    def rekey(ex):
        if ex["kind"] == "match":
            first = ex["items"][0]["id"]
            options = [o["id"] for o in ex["options"]]
            ex["answer"][first] = next(o for o in options if o != ex["answer"][first])
        elif ex["kind"] == "choice":
            ex["answer"] = next(o["id"] for o in ex["options"] if o["id"] != ex["answer"])
        else:
            raise AssertionError(f"first gcm exercise is a {ex['kind']}")
    _edit(folder, rekey)
    assert book_version(folder) != before
