"""Chapter 5 data: the coded claims of the FES interview, their codebook and their links to
the GCM objectives. Quotations are verbatim and in the answer the row names; codes, links
and the figures the exercises use agree with the tables."""

from __future__ import annotations

import re

import pandas as pd
import pytest
import yaml

from govmig.data import load

from conftest import ROOT, glued as _glued

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


# --- the notebook's prose takes its numbers from the data (myst-nb glue) ---------------

NOTEBOOK = ROOT / "chapters" / "imrf" / "imrf-claims.ipynb"
CHAPTER = ROOT / "chapters" / "imrf"


def _cells(path, kind):
    import json
    return ["".join(c["source"]) for c in json.loads(path.read_text("utf-8"))["cells"] if c["cell_type"] == kind]


@pytest.fixture(scope="module")
def statements():
    return load("imrf_statement_claims", PACKAGE)


def test_glued_numbers_match_the_data(claims, links, objectives, statements):
    g = _glued(NOTEBOOK)
    per_speaker = claims.groupby("speaker").agg(n=("claim_id", "size"), q=("question", "nunique"))
    by_topic = pd.crosstab(claims["topic"], claims["speaker"])
    about = claims[claims["stance"] != "not-about-draft"]
    stance = claims["stance"].value_counts()
    per_obj = links.groupby("objective")["claim_id"].nunique().reindex(objectives["objective"], fill_value=0)
    direct = (links[links["link_strength"] == "direct"].groupby("objective")["claim_id"].nunique()
              .reindex(objectives["objective"], fill_value=0))
    rt = links.merge(objectives[["objective", "imrf_round_table"]]).groupby("imrf_round_table")["claim_id"].nunique()
    year = statements["forum_year"]
    expected = {
        "n_claims": len(claims), "n_misra": per_speaker.loc["Neha Misra", "n"],
        "q_misra": per_speaker.loc["Neha Misra", "q"], "n_jaquemet": per_speaker.loc["Stéphane Jaquemet", "n"],
        "q_jaquemet": per_speaker.loc["Stéphane Jaquemet", "q"], "n_barton": per_speaker.loc["Carol Barton", "n"],
        "q_barton": per_speaker.loc["Carol Barton", "q"],
        "misra_labour": by_topic.loc["labour-rights", "Neha Misra"],
        "barton_discrimination": by_topic.loc["discrimination", "Carol Barton"],
        "n_civic": (claims["topic"] == "civic-space").sum(), "civic_question": 4,
        "max_cell": by_topic.to_numpy().max(),
        "n_about": len(about), "n_demands": stance["demands-change"], "n_welcomes": stance["welcomes"],
        "n_criticises": stance["criticises"], "demands_each": 5,
        "q_first": about["question"].min(), "q_last": about["question"].max(),
        "n_touched": (per_obj > 0).sum(), "n_objectives": len(objectives), "n_untouched": (per_obj == 0).sum(),
        "o5_claims": per_obj[5], "o5_direct": direct[5], "o6_claims": per_obj[6], "o6_direct": direct[6],
        "o17_claims": per_obj[17], "o17_direct": direct[17],
        "n_links": len(links), "n_supports": (links["relation"] == "supports").sum(),
        "n_other_relations": (links["relation"] != "supports").sum(),
        "n_indirect": (links["link_strength"] == "indirect").sum(),
        "rt1_claims": rt[1], "n_linked": links["claim_id"].nunique(),
        "n_2022_statement": (year == 2022).sum(), "n_2026_statement": (year == 2026).sum(),
        "n_2026_civic": ((year == 2026) & (statements["topic"] == "civic-space")).sum(),
        "n_2022_criticises": ((year == 2022) & (statements["stance"] == "criticises")).sum(),
    }
    for name, value in expected.items():
        assert g.get(name) == str(int(value)), (name, g.get(name), value)


def test_every_glue_reference_is_defined_and_no_stale_number_remains():
    text = "\n".join(_cells(NOTEBOOK, "markdown"))
    glued = _glued(NOTEBOOK)
    # Notebook prose writes each number out, followed by a marker naming the glued value
    # (jupyterlab-myst cannot render {glue:text}); the written number must equal the value.
    assert not re.search(r"\{glue:", text), "use a literal number and <!-- glue:name --> in notebooks"
    markers = list(re.finditer(r"(\S+)<!-- glue:(\w+) -->", text))
    used = {m.group(2) for m in markers}
    assert used and used <= set(glued), sorted(used - set(glued))
    for m in markers:
        written = re.sub(r"^[^\w]+", "", m.group(1))
        assert written == glued[m.group(2)], (m.group(2), written, glued[m.group(2)])
    # a hand-typed number is stale; a number written with its glue marker is checked above
    text = re.sub(r"[\d.,]+<!-- glue:(\w+) -->", r"{\1}", text)
    for stale in ["Misra makes 19", "Half of the claims (25 of 50)", "touch 14 of the 23", "(43 of 48)",
                  "17\nclaims, nearly all", "Nine objectives are touched", "29\n  of the 48 links"]:
        assert stale not in text, stale


def test_chart_description_is_computed_not_typed():
    chart = [s for s in _cells(NOTEBOOK, "code") if "alt.vconcat(claim_panel, objective_panel)" in s]
    assert len(chart) == 1 and "description=description" in chart[0]
    assert "Governance 5 (Jaquemet 3" not in chart[0] and "f\"Two panels" in chart[0]


def test_statement_claims_follow_the_codebook(statements, codebook):
    assert list(statements["statement_claim_id"]) == [f"imrf-s{n:02d}" for n in range(1, len(statements) + 1)]
    assert statements["forum_year"].is_monotonic_increasing
    scheme = codebook.set_index("code")["scheme"]
    for column in CLAIM_SCHEMES:
        assert (statements[column].map(scheme) == column).all(), column
    url_of = {"csac2022mixed": "https://csactioncommittee.org/", "gch2026imrf": "https://globalcitieshub.org/"}
    for row in statements.itertuples():
        assert row.url.startswith(url_of[row.source_key]), row.statement_claim_id
        assert str(row.date).startswith(str(row.forum_year)), row.statement_claim_id
        assert row.locator.startswith("para. "), row.statement_claim_id
        assert len(row.quotation.split()) <= 42, row.statement_claim_id
    # no 2026 civil-society statement was available: the table must not pretend otherwise
    assert set(statements.loc[statements["forum_year"] == 2026, "actor_kind"]) == {"local-government network"}
    bib = (ROOT / "references.bib").read_text("utf-8")
    for key in set(statements["source_key"]):
        assert "{" + key + "," in bib, key


def test_review_fixes_stay_fixed():
    # The summary moved to the chapter's last narrative page (issue 31); the fix moved with it.
    page = (CHAPTER / "imrf-research.md").read_text("utf-8")
    assert "all praise the UN Network" not in page
    assert "Barton does not mention it" in page
    for page_path in CHAPTER.glob("*.md"):
        assert "all praise the UN Network" not in page_path.read_text("utf-8"), page_path.name
    for page_path in CHAPTER.glob("*.md"):
        text = page_path.read_text("utf-8")
        assert not re.search(r"\bsigned\b", text), page_path.name  # the Compact was adopted, not signed
        assert "sharing4good" not in text and "bnnrc" not in text, page_path.name
    since = (CHAPTER / "imrf-2026.md").read_text("utf-8")
    lines = [line for line in since.splitlines() if line.strip()]
    assert lines[1].startswith("# Since the sources") and lines[2] == "Last reviewed: December 2026."
    spec = {e["id"]: e for e in yaml.safe_load((ROOT / "exercises" / "specs" / "imrf.yaml").read_text("utf-8"))
            ["exercises"]}
    assert "borders" not in spec["imrf-demands-objectives"]["answer"]
    notebook = "\n".join(_cells(CHAPTER / "imrf-exercises.ipynb", "markdown"))
    assert "{only} instructor" not in notebook
