"""The collector against hostile and broken hand-ins (reliability report, test 5; issue 12
sections 1 and 2): nothing from a student's file is rendered unescaped, one bad file never
stops the run, and every file is either read or skipped with a one-line reason."""

from __future__ import annotations

import json
import os
import re
from pathlib import Path

import altair as alt
import pandas as pd
import pytest

from govmig import charts
from govmig.collect import Collection, main, printable, read_folder

from collect_fixture import export, make_specs, write

XSS = '</script><img src=x onerror=window.__xss=(window.__xss||0)+1><script>window.__xss=1</script>'
MARKUP = re.compile(r"<\s*(img|script|svg|iframe)\b", re.I)  # escaped text ("&lt;img onerror=") is harmless


@pytest.fixture
def specs(tmp_path):
    return make_specs(tmp_path / "specs")


def hostile_files(folder: Path, specs: Path) -> dict[str, str]:
    """Write the hostile hand-ins; return {file name: what it tries}."""
    tries = {}

    def add(name, doc, what):
        write(folder, name, doc)
        tries[name] = what

    # The report's D1 file: markup in an exercise id.
    add("d1.json", {"format": "governing-migration-answers", "version": 1, "chapter": "tb",
                    "answers": {"tb-x" + XSS: {"status": "wrong", "attempts": 1}}}, "markup in an id")
    for field in ("chapter", "exported", "book", "version", "format"):
        doc = export(specs, {"tb-pick"}, name=field)
        doc[field] = "tb" + XSS
        add(f"in-{field}.json", doc, f"markup in {field}")
    for field in ("status", "updated", "attempts"):
        doc = export(specs, {"tb-pick"}, name=field)
        doc["answers"]["tb-pick"][field] = XSS
        add(f"in-answer-{field}.json", doc, f"markup in an answer's {field}")
    doc = export(specs, {"tb-pick"}, name="order")
    doc["answers"]["tb-order"]["response"] = {"x" + XSS: "1", "y": XSS}
    add("in-order-response.json", doc, "markup in an order response")
    # Fields a student may fill freely: read, and escaped wherever shown.
    doc = export(specs, {"tb-essay"}, name=XSS)
    doc["answers"]["tb-essay"]["response"] = "My essay " + XSS
    add("free-text.json", doc, "markup in the name and a draft")
    add(f"name{XSS.replace('/', '_')}.json", export(specs, {"tb-count"}, name="file name"), "markup in the file name")
    return tries


def _outputs(collection: Collection) -> list[str]:
    """Every table and list the notebook shows of a collection."""
    return [collection.summary()._repr_html_(), collection.drafts()._repr_html_(), collection.report()._repr_html_(),
            collection.answers._repr_html_(), repr(collection.skipped), repr(collection.flags)]


def test_hostile_files_are_skipped_or_escaped(tmp_path, specs):
    folder = tmp_path / "in"
    tries = hostile_files(folder, specs)
    collection = read_folder(folder, specs)
    skipped = dict(collection.skipped)
    read = set(collection.answers["file"])
    for name in tries:
        shown = next((s for s in list(skipped) + list(read) if s.startswith(name[:6])), None)
        assert shown, f"{name} ({tries[name]}) was neither read nor skipped"
    assert {"d1.json", "in-chapter.json", "in-exported.json", "in-book.json", "in-version.json", "in-format.json",
            "in-answer-status.json", "in-answer-updated.json", "in-answer-attempts.json",
            "in-order-response.json"} <= set(skipped)
    assert "free-text.json" in read
    assert skipped["d1.json"] == "answers: a key that is not a valid exercise or item id"
    for out in _outputs(collection):
        assert not MARKUP.search(out), out[:300]
    spec = collection.chart().to_dict()
    for out in [json.dumps(spec), *charts.render(spec).values()]:  # nothing a student typed reaches the chart
        # (in Jupyter the drawing is an <img> of its own SVG, which image/svg+xml holds too: checked there)
        out = re.sub(r'<img src="data:image/svg\+xml;base64,[A-Za-z0-9+/=]+" alt="[^"<>]*"(?: width="\d+")?>', "", out)
        assert "__xss" not in out and "onerror" not in out and "<img" not in out
    # the escaped name and draft are still there for the lecturer to read
    assert "&lt;/script&gt;&lt;img" in collection.drafts()._repr_html_()
    # only the book's own ids reach the chart
    ids = {row["exercise"] for rows in collection.chart().to_dict()["datasets"].values() for row in rows}
    assert ids <= {"tb-pick", "tb-count", "tb-order", "tb-essay"}


def _deep(n: int) -> str:
    return "[" * n + "]" * n


def test_every_broken_file_is_read_or_skipped_with_a_reason(tmp_path, specs, monkeypatch):
    folder = tmp_path / "in"
    good = export(specs, {"tb-pick"}, name="Good")
    write(folder, "good.json", good)
    write(folder, "deep.json", _deep(100_000))
    deep_inside = export(specs, set(), name="deep inside")
    deep_inside["answers"]["tb-pick"]["response"] = json.loads(_deep(500))
    write(folder, "deep-inside.json", deep_inside)
    write(folder, "huge-attempts.json", json.dumps(good).replace('"attempts": 1', '"attempts": 1' + "0" * 30))
    write(folder, "huge-int.json", json.dumps(good).replace('"attempts": 1', '"attempts": 1' + "0" * 5000))
    write(folder, "huge-float.json", json.dumps(good).replace('"attempts": 1', '"attempts": 1e400'))
    write(folder, "nan.json", json.dumps(good).replace('"attempts": 1', '"attempts": NaN'))
    write(folder, "bool-attempts.json", json.dumps(good).replace('"attempts": 1', '"attempts": true'))
    write(folder, "surrogate-id.json", json.dumps(good).replace('"tb-pick"', '"tb-\\ud800"'))
    surrogate_name = export(specs, {"tb-count"}, name="Ann \ud800")
    (folder / "surrogate-name.json").write_text(json.dumps(surrogate_name), "utf-8")
    (folder / "bom.json").write_bytes(b"\xef\xbb\xbf" + json.dumps(export(specs, {"tb-order"}, name="Bom")).encode())
    many = export(specs, set(), name="many")
    many["answers"] = {f"tb-q{n}": {"status": "wrong", "attempts": 1} for n in range(5001)}
    write(folder, "many-ids.json", many)
    big_essay = export(specs, {"tb-essay"}, name="Long essay")
    big_essay["answers"]["tb-essay"]["response"] = "word " * 4_000_000  # 20 MB
    write(folder, "big-valid.json", big_essay)
    write(folder, "big-junk.json", "[" + "1," * 10_000_000 + "1]")
    (folder / "loop").symlink_to(folder / "loop")
    (folder / "ping.json").symlink_to(folder / "pong.json")
    (folder / "pong.json").symlink_to(folder / "ping.json")
    (folder / "dangling.json").symlink_to(folder / "nowhere.json")
    (folder / "self-dir").symlink_to(folder)
    os.mkfifo(folder / "pipe.json")
    write(folder, "locked.json", good | {"name": "locked"})
    real_open = Path.open

    def no_access(self, *args, **kwargs):  # chmod 000 does not stop root, so refuse as the OS would
        if self.name == "locked.json":
            raise PermissionError(13, "Permission denied")
        return real_open(self, *args, **kwargs)
    monkeypatch.setattr(Path, "open", no_access)

    collection = read_folder(folder, specs)
    skipped = dict(collection.skipped)
    read = set(collection.answers["file"])
    names = {p.name for p in folder.iterdir()}
    assert names == set(skipped) | read, "every file is read or skipped"
    assert not set(skipped) & read
    assert read == {"good.json", "surrogate-name.json", "bom.json"}
    # 20 MB of essay: over the 5,000 characters a text answer may have (limits.json), so
    # the page, the widget and store.export cannot write it; a forged one is skipped.
    assert "longer than 5,000 characters" in skipped["big-valid.json"]
    for name, reason in skipped.items():
        assert reason and "\n" not in reason, name
    assert "nested too deeply" in skipped["deep.json"]
    assert "Permission denied" in skipped["locked.json"]
    assert "cannot be opened" in skipped["ping.json"] and "cannot be opened" in skipped["dangling.json"]
    assert "cannot be opened" in skipped["loop"] and "folder" in skipped["self-dir"]
    assert "not a regular file" in skipped["pipe.json"]
    names_read = set(collection.answers["name"])
    assert "Ann \ufffd" in names_read  # the lone surrogate cannot reach an output
    collection.summary().to_string()
    collection.drafts()._repr_html_().encode("utf-8")
    collection.chart().to_dict()


def test_cli_output_is_safe_for_the_terminal(tmp_path, specs, monkeypatch, capfd):
    folder = tmp_path / "in"
    ansi = "\x1b[2J\x1b[31mALL CORRECT\x1b]0;pwned\x07"
    write(folder, f"a{ansi}.json", "not json")
    write(folder, "ok.json", export(specs, {"tb-pick"}, name=ansi + "\ud800"))
    (folder / "b\u202eevil.json").write_text("{}", "utf-8")
    (tmp_path / "exercises").mkdir()
    specs.rename(tmp_path / "exercises" / "specs")
    monkeypatch.chdir(tmp_path)
    assert main([str(folder)]) == 0
    out = capfd.readouterr()
    for stream in (out.out, out.err):
        assert "\x1b" not in stream and "\x07" not in stream and "\u202e" not in stream
    assert "skipped a\\x1b[2J" in out.err and "skipped b\\u202eevil.json" in out.err


def test_printable_escapes_controls_and_surrogates():
    assert printable("a\x1b[31mb\ud800c\u202ed\n") == "a\\x1b[31mb\\ud800c\\u202ed\\x0a"
    assert printable("x" * 300, 10) == "x" * 10 + "\u2026"


def test_files_from_another_version_duplicates_forged_statuses_and_wrong_chapters_are_flagged(tmp_path, specs):
    folder = tmp_path / "in"
    write(folder, "a.json", export(specs, {"tb-pick"}, name="A"))
    write(folder, "a-again.json", export(specs, {"tb-pick"}, name="A"))
    old = export(specs, {"tb-pick"}, name="Old", stamp="2026-11-01T10:00:00+00:00")
    old["book"] = "0123456789abcdef"
    old["answers"]["tb-old"] = {"status": "correct", "attempts": 1, "response": "a"}
    old["answers"]["tb-removed"] = {"status": "correct", "attempts": 1}
    write(folder, "old.json", old)
    forged = export(specs, set(), name="Forger")
    for entry in forged["answers"].values():
        entry["status"] = "correct"
    write(folder, "forged.json", forged)
    mixed = export(specs, {"tb-pick"}, name="Mixed")
    mixed["answers"]["tc-pick"] = {"status": "correct", "attempts": 1, "response": "a"}
    write(folder, "mixed.json", mixed)
    nameless = export(specs, {"tb-pick"}, name="  ")
    write(folder, "nameless.json", nameless)
    collection = read_folder(folder, specs)
    flags = {}
    for name, reason in collection.flags:
        flags.setdefault(name, []).append(reason)
    assert dict(collection.skipped)["a.json"] == "the same answers as a-again.json (a duplicate hand-in)"
    assert any("another version" in r for r in flags["old.json"])
    assert any("retired" in r and "tb-old" in r for r in flags["old.json"])
    assert any("does not have" in r and "tb-removed" in r for r in flags["old.json"])
    assert any("tb-pick: the file says correct, the stored answer is wrong" in r for r in flags["forged.json"])
    assert any("tc-pick belongs to chapter tc" in r for r in flags["mixed.json"])
    assert any("no student name" in r for r in flags["nameless.json"])
    assert "a-again.json" not in flags
    summary = collection.summary().set_index(["chapter", "exercise"])
    # forged statuses do not count; the duplicate is not a student; the retired answer is left out
    assert summary.loc[("tb", "tb-count"), "correct"] == 0
    assert summary.loc[("tb", "tb-pick"), "students"] == 5
    assert "tb-old" not in summary.index.get_level_values("exercise")


def test_chart_never_raises_max_rows():
    rows = [{"file": "f.json", "name": "n", "chapter": "tb", "exercise": f"tb-q{n}", "status": "wrong", "claimed": "wrong",
             "attempts": 1, "exported": None, "text": None, "retired": False} for n in range(6000)]
    frame = pd.DataFrame(rows)
    frame["attempts"] = frame["attempts"].astype("Int64")
    spec = Collection(frame).chart().to_dict()
    assert "200 exercises with the fewest" in spec["description"]
    with alt.data_transformers.enable("default"):
        Collection(frame).chart().to_dict()
