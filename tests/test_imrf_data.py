"""Chapter 5 data: the coded claims of the FES interview, their codebook and their links to
the GCM objectives. Quotations are verbatim and in the answer the row names; codes, links
and the figures the exercises use agree with the tables."""

from __future__ import annotations

import re

import pandas as pd
import pytest
import yaml

from govmig.data import load

from conftest import ROOT

PACKAGE = ROOT / "data" / "datapackage.json"
SOURCE = ROOT.parent / "shared" / "sources" / "fes-2022-imrf-civil-society-interview.txt"
SPEAKERS = {"Stéphane Jaquemet": "International Catholic Migration Commission (ICMC)",
            "Neha Misra": "Solidarity Center", "Carol Barton": "Women in Migration Network (WIMN)"}
CLAIM_SCHEMES = ("topic", "claim_type", "stance")
LINK_SCHEMES = ("link_strength", "relation")


@pytest.fixture(scope="module")
def claims():
    return load("imrf_claims", PACKAGE)


@pytest.fixture(scope="module")
def codebook():
    return load("imrf_claims_codebook", PACKAGE)


@pytest.fixture(scope="module")
def links():
    return load("imrf_claim_objectives", PACKAGE)


@pytest.fixture(scope="module")
def objectives():
    return load("gcm_objectives", PACKAGE)


def squash(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip()


def answers() -> dict[tuple[int, str, int], str]:
    """The interview as {(question, speaker, paragraph of the answer): text}."""
    found, question, speaker, para = {}, 0, None, 0
    for line in SOURCE.read_text("utf-8").splitlines():
        line = line.strip()
        if not line:
            continue
        if line.startswith("Thank you"):
            break
        if line.startswith("FES:"):
            question, speaker = question + 1, None
            continue
        if question == 0:
            continue
        named = re.match(r"(Stéphane Jaquemet|Neha Misra|Carol Barton):\s+(.*)", line)
        if named:
            speaker, para, line = named[1], 1, named[2]
        else:
            para += 1
        found[(question, speaker, para)] = squash(line)
    return found


def test_claims_cover_three_speakers_in_order(claims):
    assert 30 <= len(claims) <= 50
    assert list(claims["claim_id"]) == [f"imrf-c{n:02d}" for n in range(1, len(claims) + 1)]
    assert set(claims["speaker"]) == set(SPEAKERS)
    assert (claims["speaker"].map(SPEAKERS) == claims["organisation"]).all()
    assert claims["speaker"].value_counts().to_dict() == {"Neha Misra": 19, "Stéphane Jaquemet": 18, "Carol Barton": 13}
    # rows follow the interview: question, then the order of the answers
    assert claims["question"].is_monotonic_increasing


def test_locator_repeats_question_speaker_and_paragraph(claims):
    for row in claims.itertuples():
        assert row.locator == f"question {row.question} ({row.question_theme}), answer of {row.speaker}, para. {row.paragraph}"


@pytest.mark.skipif(not SOURCE.is_file(), reason="project source text not available")
def test_quotations_are_verbatim_and_in_the_named_answer(claims):
    text = squash(SOURCE.read_text("utf-8"))
    where = answers()
    for row in claims.itertuples():
        parts = [squash(p) for p in row.quotation.split(" ... ")]
        position = 0
        for part in parts:
            position = text.find(part, position)
            assert position >= 0, f"{row.claim_id}: not verbatim: {part[:60]}"
            position += len(part)
        assert parts[0] in where[(row.question, row.speaker, row.paragraph)], f"{row.claim_id}: not in the named answer"
        assert len(row.quotation.split()) <= 42, row.claim_id


def test_codes_belong_to_their_scheme(claims, links, codebook):
    scheme = codebook.set_index("code")["scheme"]
    for column in CLAIM_SCHEMES:
        assert (claims[column].map(scheme) == column).all(), column
    for column in LINK_SCHEMES:
        assert (links[column].map(scheme) == column).all(), column
    assert set(codebook["scheme"]) == set(CLAIM_SCHEMES + LINK_SCHEMES)


def test_every_code_is_used_and_its_example_carries_it(claims, links, codebook):
    for row in codebook.itertuples():
        if row.scheme in CLAIM_SCHEMES:
            assert row.code in set(claims[row.scheme]), row.code
            assert claims.set_index("claim_id").loc[row.example_id, row.scheme] == row.code, row.code
        else:
            mine = links[links["claim_id"] == row.example_id]
            assert row.code in set(mine[row.scheme]), row.code


def test_links_point_to_claims_and_objectives_with_a_reason(claims, links, objectives):
    assert links["claim_id"].isin(claims["claim_id"]).all()
    assert links["objective"].isin(objectives["objective"]).all() and len(objectives) == 23
    assert not links.duplicated(["claim_id", "objective"]).any()
    assert links["justification"].str.len().gt(20).all()
    assert links["claim_id"].is_monotonic_increasing


def test_the_figures_the_chapter_uses(claims, links, objectives):
    """The numbers in the notebook, the exercises and the seminar checks."""
    untouched = set(objectives["objective"]) - set(links["objective"])
    assert untouched == {1, 3, 4, 9, 10, 12, 14, 20, 21}
    assert (~claims["claim_id"].isin(links["claim_id"])).sum() == 13
    direct = links[links["link_strength"] == "direct"].groupby("objective")["claim_id"].nunique()
    assert direct.idxmax() == 5 and direct.max() == 6
    assert links.groupby("objective")["claim_id"].nunique().idxmax() == 6
    about_draft = claims[claims["stance"] != "not-about-draft"]
    assert len(about_draft) == 25 and round(100 * (about_draft["stance"] == "demands-change").mean()) == 60
    assert set(about_draft["question"]) == {5, 6, 7, 8, 9}
    assert set(claims.loc[claims["topic"] == "civic-space", "question"]) == {4}
    shared = (pd.crosstab(claims["topic"], claims["speaker"]) > 0).all(axis=1).sum()
    assert shared == 5
    assert links["relation"].value_counts().to_dict() == {"supports": 43, "goes-beyond": 3, "contests": 2}
    assert (links["link_strength"] == "indirect").sum() == 29


def test_seminar_and_exercise_answers_match_the_data(claims, links, objectives):
    seminar = {e["id"]: e["answer"] for e in
               yaml.safe_load((ROOT / "exercises" / "specs" / "imrf-seminar.yaml").read_text("utf-8"))["exercises"]}
    assert seminar["imrf-seminar-q1"] == (claims["speaker"] == "Carol Barton").sum()
    assert seminar["imrf-seminar-q2"] == 23 - links["objective"].nunique()
    assert seminar["imrf-seminar-q3"] == (pd.crosstab(claims["topic"], claims["speaker"]) > 0).all(axis=1).sum()
    assert abs(seminar["imrf-seminar-q4"] - 100 * (links["link_strength"] == "indirect").mean()) < 0.01
    chapter = {e["id"]: e for e in
               yaml.safe_load((ROOT / "exercises" / "specs" / "imrf.yaml").read_text("utf-8"))["exercises"]}
    assert chapter["imrf-unlinked-claims"]["answer"] == (~claims["claim_id"].isin(links["claim_id"])).sum()
    claim_of = {"detention": "imrf-c32", "regularization": "imrf-c38", "healthcare": "imrf-c11",
                "discrimination": "imrf-c36", "lives": "imrf-c34", "borders": "imrf-c40", "wage-theft": "imrf-c47"}
    pairs = set(zip(links["claim_id"], links["objective"]))
    for item, option in chapter["imrf-demands-objectives"]["answer"].items():
        assert (claim_of[item], int(option[1:])) in pairs, item


@pytest.mark.skipif(not SOURCE.is_file(), reason="project source text not available")
def test_speaker_exercise_quotes_the_right_speaker():
    spec = {e["id"]: e for e in
            yaml.safe_load((ROOT / "exercises" / "specs" / "imrf.yaml").read_text("utf-8"))["exercises"]}["imrf-speakers-match"]
    names = {"jaquemet": "Stéphane Jaquemet", "misra": "Neha Misra", "barton": "Carol Barton"}
    where = answers()
    for item in spec["items"]:
        quote = squash(item["text"].strip("“”").replace("‘", "“").replace("’", "”"))
        speakers = {speaker for (_, speaker, _), text in where.items() if quote in text}
        assert speakers == {names[spec["answer"][item["id"]]]}, item["id"]
