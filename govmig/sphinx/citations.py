"""One author–date citation style for the whole book (TEXTBOOK-GUIDE §5, ROUND-NOTES
"Citations"): "(Lavenex and Panizzon 2013)", "(IOM 2019a; Kunz 2013, 12)", "IOM (n.d.-b)".

- Round brackets, no comma between author and year, works separated by semicolons,
  locators after a comma (`{cite:p}`tardis2019{sec. 3}``).
- Corporate authors as readers know them: an entry's `shortauthor` field, or the short
  name in CORPORATE for the author's full name ("IOM", "UNHCR", "UN General Assembly").
  The bibliography keeps the full name.
- No two works share a visible label: works with the same visible author and year get
  letters ("2019a", "2019b"; undated works "n.d.-a", "n.d.-b"), in the order of their
  titles, in the citations and the bibliography alike.

The labels themselves are made in `govmig.citations` (no Sphinx needed), so that the
notebooks' author–date text and the exercise kits' sources (`govmig.cite`) match them.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from ..citations import CORPORATE, ND, disambiguate, label_of, labels, visible_author  # noqa: F401  (the public API)

if TYPE_CHECKING:
    from sphinx.application import Sphinx

def _relabel(app: Sphinx) -> None:
    """builder-inited, after sphinxcontrib-bibtex has read the .bib files."""
    dom = app.env.get_domain("cite")
    bibdata = dom.data.get("bibdata")
    if bibdata is not None:
        disambiguate(bibdata.data.entries)


def _style() -> type:
    from pybtex.style.template import field as bib_field
    from pybtex.style.template import first_of, optional
    from sphinxcontrib.bibtex.style.referencing import BracketStyle, PersonStyle
    from sphinxcontrib.bibtex.style.referencing.author_year import AuthorYearReferenceStyle

    @dataclass
    class ShortPersonStyle(PersonStyle):
        """A work's `shortauthor` (set for corporate authors) before its people."""

        def author_or_editor_or_title(self, full: bool) -> Any:
            return first_of[optional[bib_field("shortauthor", raw=True)],
                            super().author_or_editor_or_title(full)]

    def round_brackets() -> BracketStyle:
        return BracketStyle(left="(", right=")", sep="; ", sep2="; ", last_sep="; ")

    @dataclass
    class GovmigReferenceStyle(AuthorYearReferenceStyle):
        bracket_textual: BracketStyle = field(default_factory=round_brackets)
        bracket_parenthetical: BracketStyle = field(default_factory=round_brackets)
        bracket_author: BracketStyle = field(default_factory=round_brackets)
        bracket_label: BracketStyle = field(default_factory=round_brackets)
        bracket_year: BracketStyle = field(default_factory=round_brackets)
        person: PersonStyle = field(default_factory=lambda: ShortPersonStyle(last_sep=" and ", other=" et al."))
        author_year_sep: Any = " "

    return GovmigReferenceStyle


def register() -> None:
    from sphinxcontrib.bibtex.plugin import register_plugin

    register_plugin("sphinxcontrib.bibtex.style.referencing", "govmig", _style(), force=True)


def setup(app: Sphinx) -> None:
    register()
    app.connect("builder-inited", _relabel, priority=600)
