"""The book's citation labels, one style for the whole book (TEXTBOOK-GUIDE §5,
ROUND-NOTES "Citations"), with no Sphinx needed: the Sphinx extension
(`govmig.sphinx.citations`), the notebooks' author–date text and the exercise kits'
sources (`govmig.cite`) all label a work the same way.

- Corporate authors as readers know them: an entry's `shortauthor` field, or the short
  name in CORPORATE for the author's full name ("IOM", "UNHCR", "UN General Assembly").
- No two works share a visible label: works with the same visible author and year get
  letters ("2019a", "2019b"; undated works "n.d.-a", "n.d.-b"), in the order of their titles.

Entries are pybtex entries (anything with `.fields` and `.persons`).
"""

from __future__ import annotations

import re
import string
from pathlib import Path
from typing import Any, Iterable

# Full corporate name (as in references.bib, braces removed) -> the short name readers know.
CORPORATE = {
    "International Organization for Migration": "IOM",
    "United Nations High Commissioner for Refugees": "UNHCR",
    "UNHCR": "UNHCR",
    "United Nations General Assembly": "UN General Assembly",
    "UN General Assembly": "UN General Assembly",
    "United Nations Network on Migration": "UN Network on Migration",
    "United Nations": "UN",
    "United Nations Secretary-General": "UN Secretary-General",
    "Office of the United Nations High Commissioner for Human Rights": "OHCHR",
    "International Centre for Migration Policy Development": "ICMPD",
    "International Institute for Sustainable Development": "IISD",
    "European Commission, DG Migration and Home Affairs": "European Commission",
    "Council of the European Union": "Council of the EU",
    "International Labour Organization": "ILO",
    "International Labour Office": "ILO",
    "Organisation for Economic Co-operation and Development": "OECD",
    "United States Department of State, Office of the Historian": "US Department of State",
    "United States Mission to the United Nations": "US Mission to the UN",
    "United Nations System Chief Executives Board for Coordination": "UN Chief Executives Board",
    "United Nations Department of Economic and Social Affairs": "UN DESA",
    "United Nations Treaty Collection": "UN Treaty Collection",
}
ND = "n.d."
BRACES = re.compile(r"[{}]")


LATEX_ESCAPE = re.compile(r"\\([_&%$#])")


def _plain(text: str) -> str:
    """A field as a reader sees it: no braces, no LaTeX escapes ("country\\_converter")."""
    return " ".join(LATEX_ESCAPE.sub(r"\1", BRACES.sub("", str(text))).split())


def _people(entry: Any) -> list[Any]:
    for role in ("author", "editor"):
        if entry.persons.get(role):
            return list(entry.persons[role])
    return []


def visible_author(entry: Any) -> str:
    """The author part of the label as a reader sees it."""
    short = entry.fields.get("shortauthor")
    if short:
        return _plain(short)
    people = _people(entry)
    if not people:
        return _plain(entry.fields.get("title", "Anon."))
    lasts = [_plain(" ".join(p.prelast_names + p.last_names)) for p in people]
    if len(lasts) == 1 and not people[0].first_names and lasts[0] in CORPORATE:
        return CORPORATE[lasts[0]]
    if len(lasts) == 1:
        return lasts[0]
    if len(lasts) == 2:
        return f"{lasts[0]} and {lasts[1]}"
    return f"{lasts[0]} et al."


def _base_year(entry: Any) -> str:
    year = entry.fields.get("govmig_year", entry.fields.get("year", ND))
    return _plain(year) or ND


def labels(entries: dict[str, Any]) -> dict[str, tuple[str, str]]:
    """key -> (visible author, year with its letter), one label per work."""
    groups: dict[tuple[str, str], list[str]] = {}
    for key, entry in entries.items():
        groups.setdefault((visible_author(entry), _base_year(entry)), []).append(key)
    out: dict[str, tuple[str, str]] = {}
    for (author, year), keys in groups.items():
        if len(keys) == 1:
            out[keys[0]] = (author, year)
            continue
        keys.sort(key=lambda k: (_plain(entries[k].fields.get("title", "")).lower(), k))
        for letter, key in zip(_letters(), keys):
            out[key] = (author, f"{year}-{letter}" if year == ND else f"{year}{letter}")
    return out


def _letters() -> Iterable[str]:
    for first in [""] + list(string.ascii_lowercase):
        for second in string.ascii_lowercase:
            yield first + second


def label_of(key: str, bibfile: str | Path) -> str:
    """"Author Year" for one key of a .bib file (for text outside Sphinx)."""
    from pybtex.database import parse_file

    data = parse_file(str(bibfile))
    author, year = labels(dict(data.entries))[key]
    return f"{author} {year}"


def disambiguate(entries: dict[str, Any]) -> None:
    """Give every entry its visible author (`shortauthor`) and lettered year, in place.
    Idempotent: the original year is kept in `govmig_year` and an author-given
    `shortauthor` in `govmig_short`, so a cached bibliography is relabelled the same way."""
    for entry in entries.values():
        entry.fields.setdefault("govmig_year", entry.fields.get("year", ND))
        if "govmig_short" not in entry.fields:
            entry.fields["govmig_short"] = entry.fields.get("shortauthor", "")
        if entry.fields["govmig_short"]:
            entry.fields["shortauthor"] = entry.fields["govmig_short"]
        elif "shortauthor" in entry.fields:
            del entry.fields["shortauthor"]
    for key, (author, year) in labels(entries).items():
        entries[key].fields["year"] = year
        entries[key].fields["shortauthor"] = author
