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


def cases():
    junk = [None, "", {}, "abc", "5,37", "1,300", " 7 ", "zz", {"x": "1"},
            "word\u00a0word\u2003word\tword\nword", " \u3000 "]
    for ex in [*EXERCISES, TEXT_FIXTURE]:
        edges = []
        if ex.spec["kind"] == "text":  # drafts just under, at and over each word limit
            low, high = ex.spec["min_words"], ex.spec.get("max_words", ex.spec["min_words"] + 5)
            edges = [" ".join(["w"] * n) for n in (low - 1, low, high, high + 1)]
        yield ex, [right_answer(ex), wrong_answer(ex), wrong_answer(ex), *junk, *edges, right_answer(ex)]


def test_js_and_python_agree():
    node = shutil.which("node")
    if node is None:
        pytest.fail("node is needed (scripts/test.sh installs it with npm)")
    runs = list(cases())
    payload = {"messages": MESSAGES, "runs": [{"public": ex.public, "answers": answers} for ex, answers in runs]}
    result = subprocess.run([node, "-e", RUNNER, str(JS)], input=json.dumps(payload), capture_output=True,
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
