"""Hostile input, third round (issue 33; review 2026-12-07-hostile.md): answers judged in
time linear in their length, one length limit per answer kind everywhere, duplicate
hand-ins, damaged saved answers, and the review's low items.

Linear time is checked by scaling (ten times the input may take at most twenty times
the time), never by a fixed timing: the machine is shared."""

from __future__ import annotations

import json
import re
import subprocess
import sys
import time
from pathlib import Path

import pytest

from govmig.collect import read_folder
from govmig.exercises import Exercise, load, static, store
from govmig.exercises.check import DIGIT_ZEROS, LIMITS, UNICODE_DIGITS_VERSION, check, js_number_text, trim
from govmig.exercises.spec import validate

from collect_fixture import export, make_specs, write
from conftest import ROOT

JS = ROOT / "govmig" / "static" / "govmig-exercises.js"
SCHEMA = json.loads((ROOT / "govmig" / "exercises" / "export-schema.json").read_text("utf-8"))
FLOOR = 0.005  # seconds (Node timing): below this a timer on a shared machine measures noise, not work


def _per_call(fn, batch: float = 0.05) -> float:
    """Seconds per call of fn: calls are batched until a batch takes `batch` seconds, so
    that a fast call is timed as precisely as a slow one; the best of three batches."""
    calls = 1
    while True:
        start = time.perf_counter()
        for _ in range(calls):
            fn()
        elapsed = time.perf_counter() - start
        if elapsed >= batch or calls >= 1 << 16:
            break
        calls *= 4
    best = elapsed / calls
    for _ in range(2):
        start = time.perf_counter()
        for _ in range(calls):
            fn()
        best = min(best, (time.perf_counter() - start) / calls)
    return best


def assert_linear(make, run, n: int, what: str) -> None:
    """run(make(10 n)) takes at most 20 times run(make(n))."""
    small, large = make(n), make(10 * n)
    t_small = _per_call(lambda: run(small))
    t_large = _per_call(lambda: run(large))
    assert t_large <= 20 * t_small, f"{what}: {t_large:.6f} s for 10x the input vs {t_small:.6f} s"


def _one(kind: str) -> Exercise:
    return next(ex for ex in load("gcm") if ex.public["kind"] == kind)


SPACES = {
    "number, spaces inside": lambda n: "1" + " " * n + "1",
    "number, spaces around": lambda n: " " * n + "1" + " " * n,
    "number, underscores": lambda n: "1" + "_" * n,
    "number, digits": lambda n: "\u0661" * n,
}


# --- H1: linear time, in Python ------------------------------------------------------------

@pytest.mark.parametrize("shape", list(SPACES))
def test_a_number_answer_is_judged_in_linear_time(shape):
    ex = _one("number")
    assert_linear(SPACES[shape], lambda r: ex.check(r), 100_000, shape)
    fb = ex.check(SPACES[shape](1_000_000))
    assert fb.status == "invalid" and f"longer than {LIMITS['number']} characters" in fb.message


def test_trim_is_linear():
    assert_linear(lambda n: "1" + " " * n + "1", trim, 20_000, "trim, spaces inside")
    assert_linear(lambda n: " " * n + "1" + "\u3000" * n + "2" + " " * n, trim, 20_000, "trim, spaces around")
    assert trim("\ufeff 1 2\u2003") == "1 2"


@pytest.mark.parametrize("kind", ["choice", "order", "match"])
def test_choice_order_and_match_answers_are_judged_in_linear_time(kind):
    ex = _one(kind)
    if kind == "choice":
        make = lambda n: "a" * n  # noqa: E731
    else:
        first = ex.public["options"][0]["id"]
        make = lambda n: {**{f"x{k}": " " * 10 for k in range(n // 10)},  # noqa: E731
                          **{i["id"]: first + " " * n for i in ex.public["items"]}}
    assert_linear(make, lambda r: ex.check(r), 50_000, kind)


def test_a_text_answer_is_judged_in_linear_time_and_has_a_limit():
    ex = next(ex for ch in ("imrf", "gcm", "iom") for ex in load(ch) if ex.public["kind"] == "text")
    assert_linear(lambda n: "word " * n, lambda r: ex.check(r), 100_000, "text")
    fb = ex.check("w " * LIMITS["text"])
    assert fb.status == "invalid" and "longer than 5,000 characters" in fb.message
    assert ex.check("w" * LIMITS["text"]).status != "invalid"  # at the limit is fine


def test_the_collector_reads_a_hand_in_in_linear_time(tmp_path):
    """The review's reproduction: one number answer of "1", many spaces, "1"."""
    specs = make_specs(tmp_path / "specs")
    read_folder(tmp_path, specs)  # warm the caches

    def make(n):
        folder = tmp_path / f"in-{n}"
        doc = export(specs, {"tb-pick"}, name="M")
        doc["answers"]["tb-count"]["response"] = "1" + " " * n + "1"
        write(folder, "m.json", doc)
        return folder

    assert_linear(make, lambda folder: read_folder(folder, specs), 4_000, "read_folder")
    collection = read_folder(make(1_000_000), specs)
    assert "longer than 5,000 characters" in dict(collection.skipped)["m.json"]


def test_seminar_check_is_linear(capsys):
    from govmig.seminar import check as seminar_check

    assert_linear(lambda n: "1" + " " * n + "1", lambda r: seminar_check("gcm-seminar-q1", r, quiet=True),
                  100_000, "seminar.check")
    seminar_check("gcm-seminar-q1", "1" + " " * 1_000_000 + "1")
    assert "longer than 100 characters" in capsys.readouterr().out


def test_the_widget_checks_in_linear_time():
    ex = _one("number")
    widget = ex.widget()

    def run(text):
        widget.inputs["value"].value = text
        widget.check()

    assert_linear(lambda n: "1" + " " * n + "1", run, 100_000, "widget")
    assert "longer than 100 characters" in widget.feedback.value


# --- H1: linear time in the page's JavaScript (Node here; Chromium in test_hostile_page) ---

NODE_TIMING = """
const ex = require(process.argv[1]);
ex.setMessages(JSON.parse(require('fs').readFileSync(process.argv[2], 'utf8')));
const args = JSON.parse(require('fs').readFileSync(0, 'utf8'));
function best(r) { let b = Infinity; for (let k = 0; k < 3; k++) { const t = process.hrtime.bigint();
  ex.check(args.public, r, []); b = Math.min(b, Number(process.hrtime.bigint() - t) / 1e9); } return b; }
const out = {};
for (const [name, n] of Object.entries(args.sizes)) {
  const mk = m => name === 'text' ? 'word '.repeat(m) : '1' + ' '.repeat(m) + '1';
  out[name] = [best(mk(n)), best(mk(10 * n))];
}
process.stdout.write(JSON.stringify(out));
"""


def test_the_pages_checker_is_linear_under_node():
    number = _one("number").public
    text = next(ex for ex in load("imrf") if ex.public["kind"] == "text").public
    for public, name in ((number, "number"), (text, "text")):
        out = subprocess.run(["node", "-e", NODE_TIMING, str(JS), str(ROOT / "govmig" / "exercises" / "messages.json")],
                             input=json.dumps({"public": public, "sizes": {name: 100_000}}),
                             capture_output=True, text=True, check=True, timeout=600).stdout
        small, large = json.loads(out)[name]
        assert large <= 20 * max(small, FLOOR), (name, small, large)


# --- H1: one limit per kind, the same everywhere ----------------------------------------

def test_one_set_of_limits_in_python_javascript_schema_and_page():
    limits = json.loads((ROOT / "govmig" / "exercises" / "limits.json").read_text("utf-8"))
    assert limits == LIMITS == {"number": 100, "text": 5000, "name": 100, "id": 100}
    js = subprocess.run(["node", "-e", f"process.stdout.write(JSON.stringify(require({json.dumps(str(JS))}).LIMITS))"],
                        capture_output=True, text=True, check=True).stdout
    assert json.loads(js) == limits
    props = SCHEMA["properties"]
    assert props["name"]["maxLength"] == limits["name"]
    response = props["answers"]["additionalProperties"]["properties"]["response"]["anyOf"]
    assert {"type": "string", "maxLength": limits["text"]} in response
    assert response[3]["additionalProperties"]["maxLength"] == limits["id"]
    assert response[3]["propertyNames"]["maxLength"] == props["answers"]["propertyNames"]["maxLength"] == limits["id"]
    # the page says them and enforces them
    box = static.render_export("tb", None)
    assert f'maxlength="{limits["name"]}"' in box and f"at most {limits['name']} characters" in box
    text = next(ex for ex in load("imrf") if ex.public["kind"] == "text")
    html = static.render(text.public)
    assert f'maxlength="{limits["text"]}"' in html and "at most 5,000 characters" in html


def test_store_export_refuses_a_name_the_collector_would_cut(tmp_path):
    with pytest.raises(ValueError, match="longer than 100 characters"):
        store.export("gcm", tmp_path, name="N" * 101)
    assert store.export("gcm", tmp_path, name="N" * 100).is_file()


# --- M4: a long name never costs a hand-in ---------------------------------------------

def test_a_long_name_is_cut_and_flagged_not_skipped(tmp_path):
    specs = make_specs(tmp_path / "specs")
    doc = export(specs, {"tb-pick"}, name="A" * 243)
    write(tmp_path / "in", "long.json", doc)
    collection = read_folder(tmp_path / "in", specs)
    assert collection.skipped == []
    assert set(collection.answers["name"]) == {"A" * 100}
    assert any("longer than 100 characters" in reason for _, reason in collection.flags)


# --- M5: one student, one hand-in -------------------------------------------------------

@pytest.mark.parametrize("second_name", ["Dup Student", "dup student", "Dup Student ", "  DUP   student"])
def test_a_second_hand_in_by_the_same_student_replaces_the_first(tmp_path, second_name):
    specs = make_specs(tmp_path / "specs")
    write(tmp_path / "in", "a.json", export(specs, {"tb-pick"}, name="Dup Student", stamp="2026-12-01T10:00:00+00:00"))
    write(tmp_path / "in", "b.json", export(specs, {"tb-pick", "tb-count", "tb-order"}, name=second_name,
                                           stamp="2026-12-02T10:00:00+00:00"))
    write(tmp_path / "in", "c.json", export(specs, set(), name="Other Student"))
    collection = read_folder(tmp_path / "in", specs)
    assert set(collection.answers["file"]) == {"b.json", "c.json"}
    summary = collection.summary().set_index("exercise")
    assert summary.loc["tb-pick", "students"] == 2 and summary.loc["tb-count", "correct"] == 1
    assert [(f, r) for f, r in collection.flags if "earlier hand-in" in r] == [
        ("a.json", "an earlier hand-in by the same student as b.json (same name and chapter): not counted, the later file is")]


def test_the_latest_export_wins_whatever_the_file_names(tmp_path):
    specs = make_specs(tmp_path / "specs")
    write(tmp_path / "in", "a.json", export(specs, {"tb-pick", "tb-count"}, name="Ann", stamp="2026-12-03T10:00:00+01:00"))
    write(tmp_path / "in", "b.json", export(specs, {"tb-pick"}, name="ann", stamp="2026-12-03T09:30:00+00:00"))
    collection = read_folder(tmp_path / "in", specs)
    assert set(collection.answers["file"]) == {"b.json"}  # 09:30 UTC is later than 09:00 UTC


# --- L7: nothing vanishes silently ----------------------------------------------------

def test_files_that_used_to_vanish_are_listed(tmp_path):
    specs = make_specs(tmp_path / "specs")
    empty = export(specs, set(), name="Empty")
    empty["answers"] = {}
    write(tmp_path / "in", "empty.json", empty)
    good = json.dumps(export(specs, {"tb-pick"}, name="Twice"))
    write(tmp_path / "in", "dupkey.json", good[:-1] + ', "answers": {}}')
    write(tmp_path / "in", "..%2f..%2fetc%2fpasswd.json", export(specs, {"tb-pick"}, name="Hidden"))
    bad_time = export(specs, {"tb-pick"}, name="Time")
    bad_time["exported"] = "9999-99-99T99:99:99+99:99"
    write(tmp_path / "in", "time.json", bad_time)
    collection = read_folder(tmp_path / "in", specs)
    skipped, flags = dict(collection.skipped), dict(collection.flags)
    assert "no answers in the file" in flags["empty.json"]
    assert "appears twice" in skipped["dupkey.json"]
    assert "hidden file" in skipped["..%2f..%2fetc%2fpasswd.json"]
    assert "exported" in skipped["time.json"]


# --- M7: a damaged answers.json never stops an exercise showing ---------------------------

SHAPES = ["abc", 7, 1.5, True, [], ["a"], {"x": []}, {"x": {"y": 1}}, {"x": [1]}, None]


@pytest.mark.parametrize("kind", ["choice", "number", "order", "match", "text"])
@pytest.mark.parametrize("shape", range(len(SHAPES)))
def test_any_saved_shape_still_shows_the_exercise(tmp_path, monkeypatch, kind, shape):
    target = tmp_path / "answers.json"
    monkeypatch.setenv("GOVMIG_ANSWERS", str(target))
    ex = next(e for ch in ("gcm", "imrf") for e in load(ch) if e.public["kind"] == kind)
    target.write_text(json.dumps({"answers": {ex.id: {"response": SHAPES[shape], "tried": "x"}}}), "utf-8")
    widget = ex.widget()
    assert "restored" in widget.feedback.value or "set aside" in widget.feedback.value


def test_a_deeply_nested_answers_file_is_set_aside(tmp_path, monkeypatch):
    target = tmp_path / "answers.json"
    monkeypatch.setenv("GOVMIG_ANSWERS", str(target))
    target.write_text('{"answers": ' + "[" * 100_000 + "]" * 100_000 + "}", "utf-8")
    assert store.read() == {}
    _one("order").widget()


# --- L13 (real clients): after a restart the widget says whether the answer was right ------

def test_a_restored_answer_says_whether_it_was_right(tmp_path, monkeypatch):
    from test_exercises import right_answer, wrong_answer

    monkeypatch.setenv("GOVMIG_ANSWERS", str(tmp_path / "answers.json"))
    ex = _one("order")
    first = ex.widget()
    for item, value in right_answer(ex).items():
        first.inputs[item].value = value
    first.check()
    assert "Your last answer was restored. Correct." in ex.widget().feedback.value
    for item, value in wrong_answer(ex).items():
        first.inputs[item].value = value
    first.check()
    restored = ex.widget().feedback.value
    assert "Your last answer was restored." in restored and re.search(r"\d+ of \d+ (is|are) right", restored)
    assert "tried this answer before" not in restored


def test_one_right_is_singular():
    ex = _one("order")
    items = [i["id"] for i in ex.spec["items"]]
    answer = ex.spec["answer"]
    # put the first item in its place and rotate the rest so that none of them is right
    position = {item: n for n, item in enumerate(answer, start=1)}
    rest = [i for i in items if i != answer[0]]
    response = {answer[0]: "1", **{i: str(position[rest[(k + 1) % len(rest)]]) for k, i in enumerate(rest)}}
    fb = ex.check(response)
    assert fb.message.startswith(f"1 of {len(items)} is right."), fb.message


# --- L1 and L2: one digit table, one way to read a JSON number ---------------------------

def test_one_digit_table_in_both_languages():
    js = subprocess.run(["node", "-e", f"const e=require({json.dumps(str(JS))});"
                        "process.stdout.write(JSON.stringify([e.DIGIT_ZEROS, e.UNICODE_DIGITS_VERSION]))"],
                        capture_output=True, text=True, check=True).stdout
    assert json.loads(js) == [list(DIGIT_ZEROS), UNICODE_DIGITS_VERSION]
    import sys
    import unicodedata

    if unicodedata.unidata_version == UNICODE_DIGITS_VERSION:
        zeros = [c for c in range(sys.maxunicode + 1) if chr(c).isdecimal() and unicodedata.decimal(chr(c)) == 0]
        assert zeros == list(DIGIT_ZEROS)


def test_digits_newer_than_the_table_read_the_same_on_both_sides():
    """The review's reproduction: Kirat Rai digits (Unicode 16) were read only by the page."""
    ex = _one("number")
    response = "\U000116d8\U000116d9.\U000116d9"
    out = subprocess.run(["node", "-e", f"const e=require({json.dumps(str(JS))});"
                          f"e.setMessages(require({json.dumps(str(ROOT / 'govmig' / 'exercises' / 'messages.json'))}));"
                          "const a=JSON.parse(require('fs').readFileSync(0,'utf8'));"
                          "process.stdout.write(JSON.stringify(e.check(a[0], a[1], []).message))"],
                         input=json.dumps([ex.public, response]), capture_output=True, text=True, check=True).stdout
    assert json.loads(out) == ex.check(response).message
    assert ex.check(response).status == "invalid"


@pytest.mark.parametrize("value, text", [
    (1e-5, "0.00001"), (1e-6, "0.000001"), (1e-7, "1e-7"), (1.5e-7, "1.5e-7"), (123.0, "123"), (0.1, "0.1"),
    (1e16, "10000000000000000"), (1e21, "1e+21"), (1.25e21, "1.25e+21"), (-2.5, "-2.5"), (0.0, "0"),
    (10**20, "100000000000000000000"), (10**400, "Infinity"), (2**53 + 1, "9007199254740992"),
])
def test_json_numbers_are_read_as_javascript_writes_them(value, text):
    assert js_number_text(value) == text
    out = subprocess.run(["node", "-e", "process.stdout.write(String(JSON.parse(require('fs').readFileSync(0,'utf8'))))"],
                         input=json.dumps(value) if value != 10**400 else "1e400", capture_output=True, text=True,
                         check=True).stdout
    assert out == text


def test_small_json_numbers_get_the_same_verdict_in_both_checkers():
    ex = _one("number")
    assert ex.check(1e-5).status == "wrong"  # was "invalid" in Python ("1e-05") and "wrong" in JavaScript


# --- issue 25 (L12 of the real-clients review): sources print without raw keys -----------

def test_solutions_print_their_sources_without_raw_bibliography_keys():
    from pybtex.database import parse_file

    from govmig.exercises.catalogue import spec_files

    keys = set(parse_file(str(ROOT / "references.bib")).entries)
    seen = 0
    for path in spec_files():
        for ex in load(path.stem):
            if not ex.spec.get("source"):
                continue
            html = re.search(r'<p class="gm-source">.*?</p>', static.render_solution(ex.spec)).group(0)
            raw = [k for k in keys if re.search(rf"(?<![\w\-]){re.escape(k)}(?![\w\-])", html)]
            assert raw == [], f"{ex.id}: {raw}"
            seen += 1
    assert seen > 50
    spec = {"kind": "choice", "answer": "a", "options": [{"id": "a", "text": "A"}], "explanation": "E.",
            "source": "dupeyron2016, introduction"}
    assert "Source: Dupeyron (2016), introduction" in static.render_solution(spec)


# --- M6: a control character in chart text is a clear error, not an abort -------------------

NUL_CHART = """
import sys, altair as alt, pandas as pd, govmig.charts
where = sys.argv[1]
frame = pd.DataFrame({"x": ["a\\x00" if where == "data" else "a"], "y": [1]})
chart = alt.Chart(frame).mark_bar().encode(
    x=alt.X("x:N", title="axis\\x01" if where == "axis" else "x"), y="y:Q").properties(
    description="d", title="t\\x00" if where == "title" else "t")
try:
    govmig.charts.render(chart.to_dict())
except ValueError as exc:
    print("ValueError:", exc)
"""


@pytest.mark.parametrize("where", ["data", "title", "axis"])
def test_a_nul_in_chart_text_raises_a_clear_error_instead_of_aborting(where):
    out = subprocess.run([sys.executable, "-c", NUL_CHART, where], capture_output=True,
                         text=True, timeout=300, cwd=ROOT)
    assert out.returncode == 0, out.stderr[-500:]
    assert "ValueError: this chart cannot be drawn" in out.stdout and "control character U+00" in out.stdout


# --- L13 of the hostile review: seminar.check() with a damaged checks file ------------------

@pytest.mark.parametrize("form, needle", [
    ("a string", "must be an object"), ({"id": "iom-seminar-q1"}, "unknown kind"),
    ({"id": "iom-seminar-q1", "kind": "nonsense"}, "unknown kind"),
    ({"id": "iom-seminar-q1", "kind": "number", "salt": "s", "key": "k"}, "missing decimals"),
    ({"id": "iom-seminar-q1", "kind": "number", "salt": "s", "key": "k", "decimals": "2"}, "decimals must be"),
])
def test_a_damaged_check_is_reported_as_damaged_not_as_the_students_fault(tmp_path, monkeypatch, form, needle):
    from govmig.seminar import SeminarSetupError
    from govmig.seminar import check as seminar_check

    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("GOVMIG_DATAPACKAGE", raising=False)
    (tmp_path / "data").symlink_to(ROOT / "data")
    (tmp_path / "checks-iom-seminar.json").write_text(json.dumps({"iom-seminar-q1": form}), "utf-8")
    with pytest.raises(SeminarSetupError, match="is damaged") as err:
        seminar_check("iom-seminar-q1", 38)
    assert needle in str(err.value) and "not your answer" in str(err.value)


def test_a_deeply_nested_checks_file_is_a_setup_error(tmp_path, monkeypatch):
    from govmig.seminar import SeminarSetupError
    from govmig.seminar import check as seminar_check

    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("GOVMIG_DATAPACKAGE", raising=False)
    (tmp_path / "data").symlink_to(ROOT / "data")
    (tmp_path / "checks-iom-seminar.json").write_text("[" * 100_000 + "]" * 100_000, "utf-8")
    with pytest.raises(SeminarSetupError, match="cannot be read as a checks file"):
        seminar_check("iom-seminar-q1", 38)


def test_decimal_and_fraction_answers_are_read_as_numbers(capsys):
    from decimal import Decimal
    from fractions import Fraction

    from govmig.seminar import check as seminar_check

    for value in (Decimal("1.5"), Fraction(3, 2)):
        seminar_check("gcm-seminar-q1", value)
        out = capsys.readouterr().out
        assert "Type a number" not in out and ("Not quite" in out or "Correct" in out), out


# --- L14 of the hostile review: the collector's chart grows with its exercises -------------

def test_the_collectors_chart_gives_each_exercise_a_row_of_its_own(tmp_path):
    specs = make_specs(tmp_path / "specs")
    write(tmp_path / "in", "a.json", export(specs, {"tb-pick"}, name="A"))
    chart = read_folder(tmp_path / "in", specs).chart().to_dict()
    assert chart["height"] == {"step": 22}
    notebook = (ROOT / "exercises" / "collect-answers.ipynb").read_text("utf-8")
    assert "properties(height=" not in notebook, "a fixed height overlaps the labels of many exercises"


def test_the_widgets_export_says_the_name_limit(tmp_path, monkeypatch):
    monkeypatch.chdir(ROOT)
    box = load("gcm").export_button().widget()
    assert "at most 100 characters" in box.name_input.placeholder
    box.name_input.value = "N" * 150
    box.button.click()
    assert "longer than 100 characters" in box.status.value
