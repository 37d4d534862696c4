"""The book's citation labels for text outside Sphinx: notebooks' author–date text, the
exercise kits' "Source:" lines (issue 25: no raw keys such as "dupeyron2016" in print).

Labels are the book's own (``govmig.citations.labels``, one style for the whole
book): "Lavenex and Panizzon 2013", "IOM 2019a", "IOM n.d.-b".

    >>> parenthetical(["lavenexpanizzon2013"])          # (Lavenex and Panizzon 2013)
    >>> source_text("dupeyron2016, introduction")        # Dupeyron (2016), introduction

Importable by the exercise layer (no Sphinx application needed; the label code needs the
``sphinx`` and ``pybtex`` packages of the build environment). Where they are missing (a
student environment), ``source_text`` returns the text unchanged.
"""

from __future__ import annotations

import re
from functools import lru_cache
from pathlib import Path

BIBFILE = Path(__file__).resolve().parent.parent / "references.bib"


@lru_cache(maxsize=4)
def _labels(bibfile: str, mtime: float) -> dict[str, tuple[str, str]]:
    from pybtex.database import parse_file

    from .citations import labels

    return labels(dict(parse_file(bibfile).entries))


def labels(bibfile: str | Path = BIBFILE) -> dict[str, tuple[str, str]]:
    """key -> (visible author, year with its letter), as the book displays them."""
    path = Path(bibfile)
    return _labels(str(path), path.stat().st_mtime)


def label(key: str, bibfile: str | Path = BIBFILE) -> str:
    """"Author Year", e.g. "Lavenex and Panizzon 2013"."""
    author, year = labels(bibfile)[key]
    return f"{author} {year}"


def parenthetical(keys: list[str], locator: str = "", pre: str = "", bibfile: str | Path = BIBFILE) -> str:
    """The ``{cite:p}`` form: "(Lavenex and Panizzon 2013)", "(see IOM 2019a; Kunz 2013, 12)"."""
    parts = [label(k, bibfile) for k in keys]
    if locator:
        parts[-1] += f", {locator}"
    return "(" + (f"{pre} " if pre else "") + "; ".join(parts) + ")"


def narrative(keys: list[str], locator: str = "", bibfile: str | Path = BIBFILE) -> str:
    """The ``{cite:t}`` form: "Lavenex and Panizzon (2013)", "Tardis (2019, sec. 3)"."""
    out = []
    for i, key in enumerate(keys):
        author, year = labels(bibfile)[key]
        loc = f", {locator}" if locator and i == len(keys) - 1 else ""
        out.append(f"{author} ({year}{loc})")
    return "; ".join(out)


def _key_pattern(keys: tuple[str, ...]) -> re.Pattern:
    alternatives = "|".join(re.escape(k) for k in sorted(keys, key=len, reverse=True))
    return re.compile(rf"(?<![\w\-])({alternatives})(?![\w\-])")


@lru_cache(maxsize=4)
def _pattern(bibfile: str, mtime: float) -> re.Pattern:
    return _key_pattern(tuple(_labels(bibfile, mtime)))


def source_text(text: str, bibfile: str | Path = BIBFILE) -> str:
    """An exercise's ``source:`` with every bibliography key as "Author (Year)"; other
    words (data tables, section titles) unchanged."""
    try:
        path = Path(bibfile)
        found = labels(path)
        pattern = _pattern(str(path), path.stat().st_mtime)
    except (ImportError, OSError):
        return text
    return pattern.sub(lambda m: "{} ({})".format(*found[m.group(1)]), str(text))
