"""Sub-pages numbered by their place in the chapter (1.1, 1.2, ...)."""

from __future__ import annotations

from typing import Any

from sphinx.application import Sphinx


def _renumber_sub_pages(env: Any) -> list[str]:
    """Number a chapter's sub-pages by their position in it (1.1, 1.2, ...), not after the
    chapter page's own sections (1.17, 1.18, ...); the chapter page's own sections are then
    unnumbered. Figures stay numbered by chapter. Same rule in both editions."""
    from docutils import nodes
    from sphinx import addnodes

    numbers = env.toc_secnumbers
    changed = set()
    for doc in list(numbers):
        top = numbers[doc].get("")
        toc = env.tocs.get(doc)
        if not top or len(top) != 1 or toc is None:
            continue
        subs = [ref for tree in toc.findall(addnodes.toctree) for _title, ref in tree["entries"]
                if ref in numbers and numbers[ref].get("")]
        if not subs:
            continue
        for anchor in [a for a in numbers[doc] if a]:      # the chapter page's own sections
            del numbers[doc][anchor]
        for ref in toc.findall(nodes.reference):
            if ref.get("anchorname"):
                ref["secnumber"] = None
        changed.add(doc)
        for position, sub in enumerate(subs, start=1):
            old = numbers[sub][""]
            new = {a: top + (position,) + n[len(old):] if n else n for a, n in numbers[sub].items()}
            numbers[sub] = new
            for ref in env.tocs[sub].findall(nodes.reference):
                if ref.get("anchorname") in new:
                    ref["secnumber"] = list(new[ref["anchorname"]] or []) or None
            if sub in env.titles:
                env.titles[sub]["secnumber"] = list(new[""])
            changed.add(sub)
    return sorted(changed)


def _wrap_section_numbering(app: Sphinx) -> None:
    from sphinx.environment.collectors.toctree import TocTreeCollector

    original = TocTreeCollector.assign_section_numbers
    if getattr(original, "govmig", False):
        return

    def assign_section_numbers(self, env):
        before = {doc: dict(n) for doc, n in env.toc_secnumbers.items()}
        original(self, env)
        _renumber_sub_pages(env)
        return [doc for doc in env.toc_secnumbers.keys() | before.keys()
                if env.toc_secnumbers.get(doc) != before.get(doc)]
    assign_section_numbers.govmig = True
    TocTreeCollector.assign_section_numbers = assign_section_numbers
