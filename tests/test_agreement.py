"""Coding exercises (`match` with `agreement: true`): percentage agreement, per-code
agreement and Cohen's kappa, computed from hashes and public counts, identical in Python
and in the page's JavaScript."""

from __future__ import annotations

import itertools
import json
import random
import shutil
import subprocess

import pytest

from govmig.exercises import Exercise
from govmig.exercises.check import MESSAGES, agreement, round_ratio
from govmig.exercises.spec import validate

from conftest import ROOT
from test_exercise_parity import JS, RUNNER

CODES = ["a", "b", "c"]
REFERENCE = {"s1": "a", "s2": "a", "s3": "b", "s4": "b", "s5": "c", "s6": "a"}
SPEC = {
    "id": "test-coding", "kind": "match", "title": "Coding", "prompt": "Code each statement.",
    "explanation": "Why the reference codes them so.", "agreement": True,
    "items": [{"id": s, "text": f"Statement {s}"} for s in REFERENCE],
    "options": [{"id": c, "text": f"Code {c.upper()}"} for c in CODES],
    "answer": REFERENCE,
}


@pytest.fixture(scope="module")
def coding() -> Exercise:
    validate({"chapter": "test", "exercises": [SPEC]})
    return Exercise(SPEC, "test")


def kappa_by_hand(mine: dict[str, str], ref: dict[str, str]) -> float:
    """Cohen's kappa from its textbook definition, in floating point."""
    n = len(ref)
    p_o = sum(mine[k] == ref[k] for k in ref) / n
    p_e = sum((list(mine.values()).count(c) / n) * (list(ref.values()).count(c) / n) for c in CODES)
    return (p_o - p_e) / (1 - p_e)


def all_codings():
    return [dict(zip(REFERENCE, combo)) for combo in itertools.product(CODES, repeat=len(REFERENCE))]


def test_round_ratio_rounds_half_away_from_zero():
    assert round_ratio(1, 8, 2) == "0.13" and round_ratio(-1, 8, 2) == "-0.13"
    assert round_ratio(2, 3, 0) == "1" and round_ratio(200, 3, 0) == "67" and round_ratio(0, 5, 2) == "0.00"
    assert round_ratio(5, 1, 2) == "5.00"


def test_kappa_matches_the_textbook_formula_for_every_coding(coding):
    for mine in all_codings():
        canonical = ";".join(f"{k}={v}" for k, v in mine.items())
        a = agreement(coding.public, canonical)
        assert a["agreed"] == sum(mine[k] == REFERENCE[k] for k in REFERENCE)
        if a["kappa_den"]:
            assert a["kappa_num"] / a["kappa_den"] == pytest.approx(kappa_by_hand(mine, REFERENCE))


def test_feedback_reports_agreement_right_wrong_and_empty(coding):
    right = coding.check(dict(REFERENCE))
    assert right.status == "correct" and "6 of 6 (100%)" in right.message and "kappa 1.00" in right.message
    assert right.explanation == "Why the reference codes them so."
    all_a = coding.check({k: "a" for k in REFERENCE})
    # 3 of 6 agree; chance agreement (6*3 + 0 + 0)/36 = 0.5, so kappa = (0.5 - 0.5)/0.5 = 0
    assert all_a.status == "partial" and "3 of 6 (50%)" in all_a.message and "kappa 0.00" in all_a.message
    assert "Code A 3 of 3; Code B 0 of 2; Code C 0 of 1" in all_a.message and all_a.explanation is None
    assert coding.check({}).status == "empty" and coding.check(None).status == "empty"
    assert coding.check({"s1": "a"}).status == "empty"


def test_public_form_holds_counts_not_answers(coding):
    text = json.dumps(coding.public)
    assert coding.public["agreement"] is True
    assert [o["ref"] for o in coding.public["options"]] == [3, 2, 1]
    assert '"s1": "a"' not in text and "s1=a" not in text


def test_javascript_reports_the_same_agreement(coding):
    node = shutil.which("node")
    if node is None:
        pytest.fail("node is needed (scripts/test.sh installs it with npm)")
    answers = random.Random(7).sample(all_codings(), 60) + [dict(REFERENCE), {k: "a" for k in REFERENCE}]
    payload = {"messages": MESSAGES, "runs": [{"public": coding.public, "answers": answers}]}
    out = subprocess.run([node, "-e", RUNNER, str(JS)], input=json.dumps(payload), capture_output=True,
                         text=True, check=True)
    js = json.loads(out.stdout)[0]
    tried: list[str] = []
    for answer, js_fb in zip(answers, js):
        assert coding.check(answer, tried).as_dict() == js_fb, answer
