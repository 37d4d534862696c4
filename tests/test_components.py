"""The textbook's components and citation style, in a mini book (govmig.sphinx.components
and govmig.sphinx.citations): what an author writes becomes what a student reads.

The real book's pages are checked in tests/test_textbook.py."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import ROOT

pytestmark = pytest.mark.slow
JB = Path(sys.executable).parent / "jupyter-book"
TAG = re.compile(r"<[^>]+>")

BIB = r"""
@misc{author2020x, title={Xylophones}, author={Ann Author}, year={2020}}
@misc{author2020y, title={Yaks}, author={Ann Author}, year={2020}}
@misc{pair2013, title={Pairs}, author={Sandra Lavenex and Marion Panizzon}, year={2013}}
@misc{iomnd1, title={Alpha page}, author={{International Organization for Migration}}, year={n.d.}}
@misc{iomnd2, title={Beta page}, author={{International Organization for Migration}}, year={n.d.}}
@misc{own, title={Own short}, author={{Some Very Long Council of Things}}, shortauthor={SVLCT}, year={2019}}
"""

PAGE = """# Page

:::{admonition} Case: a boat, 1 May 2001
:class: case
People on a boat.
:::

Plain {cite:p}`pair2013`. Located {cite:p}`pair2013{p. 12}`. Group {cite:p}`author2020x,author2020y`.
Textual {cite:t}`iomnd2`. Corporate {cite:p}`iomnd1`. Own {cite:p}`own`.

:::{admonition} How we know: the date
:class: dropdown how-we-know
The record says so.
:::

```{bibliography}
```
"""


def _book(folder: Path, page: str) -> Path:
    (folder / "_config.yml").write_text(
        "title: t\nexecute: {execute_notebooks: 'off'}\nbibtex_bibfiles: [refs.bib]\n"
        "sphinx:\n  extra_extensions: [govmig.sphinx]\n"
        f"  config: {{govmig_node_modules: '{ROOT / 'node_modules'}', bibtex_reference_style: govmig}}\n")
    (folder / "_toc.yml").write_text("format: jb-book\nroot: intro\n")
    (folder / "intro.md").write_text(page)
    (folder / "refs.bib").write_text(BIB)
    return folder


def _build(folder: Path) -> subprocess.CompletedProcess:
    return subprocess.run([str(JB), "build", str(folder), "-W", "-n", "--keep-going"],
                          capture_output=True, text=True, timeout=300)


@pytest.fixture(scope="module")
def page(tmp_path_factory) -> str:
    book = _book(tmp_path_factory.mktemp("components"), PAGE)
    out = _build(book)
    assert out.returncode == 0, out.stdout[-3000:] + out.stderr[-3000:]
    return (book / "_build" / "html" / "intro.html").read_text("utf-8")


def _text(html: str) -> str:
    return " ".join(TAG.sub("", html).split())


def test_citations_are_author_date_in_round_brackets_without_a_comma(page):
    text = _text(page)
    assert "Plain (Lavenex and Panizzon 2013)." in text
    assert "Located (Lavenex and Panizzon 2013, p. 12)." in text


def test_one_author_one_year_two_works_get_letters_in_title_order(page):
    assert "Group (Author 2020a; Author 2020b)." in _text(page)


def test_corporate_authors_are_short_and_undated_works_are_told_apart(page):
    text = _text(page)
    assert "Textual IOM (n.d.-b)." in text
    assert "Corporate (IOM n.d.-a)." in text
    assert "Own (SVLCT 2019)." in text


def test_the_bibliography_keeps_the_full_corporate_name(page):
    bib = page[page.index('role="list"') if 'role="list"' in page else 0:]
    assert "International Organization for Migration" in _text(bib)


def test_a_how_we_know_box_is_a_closed_details_element_with_its_title_as_summary(page):
    match = re.search(r'<details class="([^"]*)"[^>]*>\s*<summary class="admonition-title">(.*?)</summary>', page, re.S)
    assert match, "no <details> box"
    assert "how-we-know" in match.group(1).split() and "dropdown" not in match.group(1).split()
    assert _text(match.group(2)) == "How we know: the date"
    assert "<details class=\"admonition how-we-know\" open" not in page
    assert "togglebutton.js" not in page      # no script needed to fold it


def test_the_case_box_keeps_its_class(page):
    assert re.search(r'<div class="case admonition"', page)


def test_an_unknown_exercise_in_a_review_question_fails_the_build(tmp_path):
    out = _build(_book(tmp_path, "# Page\n\n1. A question? {exercise}`no-such-exercise`\n"))
    assert out.returncode != 0
    assert "no exercise 'no-such-exercise'" in out.stdout + out.stderr
