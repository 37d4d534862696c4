"""The static page's JavaScript gives word for word the feedback of the Python checker.

Runs govmig-exercises.js under Node on the same public forms and answers."""

from __future__ import annotations

import json
import shutil
import subprocess

import pytest

from govmig.exercises import load
from govmig.exercises.check import MESSAGES

from conftest import ROOT
from test_exercises import EXERCISES, TEXT_FIXTURE, right_answer, wrong_answer

JS = ROOT / "govmig" / "static" / "govmig-exercises.js"

RUNNER = """
const ex = require(process.argv[1]);
const cases = JSON.parse(require('fs').readFileSync(0, 'utf8'));
ex.setMessages(cases.messages);
const out = cases.runs.map(run => { const tried = [];
  return run.answers.map(a => { const fb = ex.check(run.public, a, tried);
    return {status: fb.status, message: fb.message, explanation: fb.explanation || null, repeated: !!fb.repeated,
            model_answer: fb.model_answer || null, rubric: fb.rubric || null}; }); });
process.stdout.write(JSON.stringify(out));
"""


# Inputs from the reliability report (test 3): huge numbers, non-finite values, other
# scripts' digits, BOMs and other invisible characters, lone surrogates, odd positions.
HOSTILE = ["9" * 400, "9" * 10_000, "1" + "0" * 308, "1e400", "NaN", "nan", "inf", "Infinity", "-inf", "0x10",
           "\u0668\u0669", "\uff18\uff19", "\u096e\u096f", "\u0668" "9", "\U0001d7d6\U0001d7d7",
           "89\ufeff", "\ufeff89", "\ufeff", "\u200b89", "8\u20089", "1\u2008300", "\u0668\u066b\u0665", "\u00b2",
           "\x1c89", "89\x1f", "\ud800", "a\udc00b", "\u0000", "89\u0000", " \n\t89\r\n", "1,300.5", "1.300,5",
           "+89", "-89", ".5", "89.", "1e3", 89, 89.5, -1, 0, 1e308, True, False, [], [1], ["89"], 3.5,
           {"x": 1}, {"a": "abc"}, {"a": "1;x=y"}, "\u202e98"]


def odd_positions(ex):
    """Order and match answers with values that are not options: numbers, lists, ';' and '='."""
    if ex.spec["kind"] not in ("order", "match"):
        return []
    items = [i["id"] for i in ex.spec["items"]]
    first = ex.public["options"][0]["id"]
    return [{i: "abc" for i in items}, {i: "1;x=y" for i in items}, {i: 1 for i in items}, {i: n for n, i in enumerate(items, start=1)},
            {i: 1.5 for i in items}, {i: float(n) for n, i in enumerate(items, start=1)}, {i: 10**20 for i in items}, {i: True for i in items},
            {i: [first] for i in items}, {i: first for i in items}, {i: None for i in items},
            {**{i: first for i in items}, items[0]: "\ud800"}, {i: "constructor" for i in items},
            {"__proto__": first, **{i: first for i in items[1:]}}, dict.fromkeys(items, "1") | {items[-1]: "99"}]


def one_right(ex):
    """An order or match answer with exactly one item right ("1 of 7 is right", singular)."""
    if ex.spec["kind"] == "order":
        answer = ex.spec["answer"]
        position = {item: str(n) for n, item in enumerate(answer, start=1)}
        rest = answer[1:]
        return [{answer[0]: "1", **{i: position[rest[(k + 1) % len(rest)]] for k, i in enumerate(rest)}}]
    if ex.spec["kind"] == "match":
        options = [o["id"] for o in ex.spec["options"]]
        items = [i["id"] for i in ex.spec["items"]]
        wrong = {i: next(o for o in options if o != ex.spec["answer"][i]) for i in items}
        return [{**wrong, items[0]: ex.spec["answer"][items[0]]}]
    return []


def cases():
    junk = [None, "", {}, "abc", "5,37", "1,300", " 7 ", "zz", {"x": "1"},
            "word\u00a0word\u2003word\tword\nword", " \u3000 ", *HOSTILE]
    for ex in [*EXERCISES, TEXT_FIXTURE]:
        edges = []
        if ex.spec["kind"] == "text":  # drafts just under, at and over each word limit
            low, high = ex.spec["min_words"], ex.spec.get("max_words", ex.spec["min_words"] + 5)
            edges = [" ".join(["w"] * n) for n in (low - 1, low, high, high + 1)]
        yield ex, [right_answer(ex), wrong_answer(ex), wrong_answer(ex), *junk, *odd_positions(ex), *edges, *one_right(ex),
                   right_answer(ex)]


def _node() -> str:
    node = shutil.which("node")
    if node is None:
        pytest.fail("node is needed (scripts/test.sh installs it with npm)")
    return node


def _json(value) -> str:
    return json.dumps(value, ensure_ascii=True)  # lone surrogates travel as \\ud800 escapes


def test_js_and_python_agree():
    node = _node()
    runs = list(cases())
    payload = {"messages": MESSAGES, "runs": [{"public": ex.public, "answers": answers} for ex, answers in runs]}
    result = subprocess.run([node, "-e", RUNNER, str(JS)], input=_json(payload), capture_output=True,
                            text=True, check=True)
    js = json.loads(result.stdout)
    for (ex, answers), js_run in zip(runs, js):
        tried: list[str] = []
        for answer, js_fb in zip(answers, js_run):
            py_fb = ex.check(answer, tried).as_dict()
            assert py_fb == js_fb, f"{ex.id} {answer!r}"


def test_sha256_matches_hashlib():
    import hashlib
    texts = ["", "abc", "é|ü|中文", "x" * 1000]
    out = subprocess.run(["node", "-e", f"const e=require({json.dumps(str(JS))});"
                          f"console.log(JSON.stringify({json.dumps(texts)}.map(e.sha256hex)))"],
                         capture_output=True, text=True, check=True).stdout
    assert json.loads(out) == [hashlib.sha256(t.encode()).hexdigest() for t in texts]


def test_every_decimal_digit_reads_the_same_in_python_and_js():
    """Any script's digits (Unicode Nd) read as 0-9 in both languages."""
    import sys
    import unicodedata

    digits = [chr(c) for c in range(sys.maxunicode + 1) if chr(c).isdecimal()]
    script = (f"const e=require({json.dumps(str(JS))}); const ds=JSON.parse(require('fs').readFileSync(0,'utf8'));"
              "process.stdout.write(JSON.stringify(ds.map(d => e.parseNumber(d))));")
    out = subprocess.run([_node(), "-e", script], input=_json(digits), capture_output=True, text=True, check=True).stdout
    js = json.loads(out)
    # One digit table (check.DIGIT_ZEROS) in both languages: every digit, none missed (L1).
    assert [v for v in js] == [unicodedata.decimal(d) for d in digits]


@pytest.mark.parametrize("response", [10**400, -(10**5000), float("nan"), float("inf"), float("-inf"), 1e308,
                                      "\ud800", {"\ud800": "1"}, object(), b"89", 3 + 4j, {1, 2}, ("1",)],
                         ids=lambda v: type(v).__name__)
def test_check_never_raises(response):
    for ex in [*EXERCISES, TEXT_FIXTURE]:
        fb = ex.check(response)
        assert fb.status in ("empty", "invalid", "wrong", "partial", "draft") and fb.message, (ex.id, response)
