"""The textbook's components (TEXTBOOK-GUIDE §1–3, §7): what the authoring syntax in the
README becomes on the page.

- "How we know" and "How this notebook works" boxes are admonitions with the class
  `how-we-know` or `how-it-works` (and `dropdown`, so that jupyterlab-myst folds them
  too). In the book they become `<details>` elements: collapsed by default, operable by
  keyboard and screen reader with no JavaScript, printed open (govmig.css).
- The `case` and `objectives` ("In this chapter") boxes are admonitions with those
  classes: they need no code, only style (govmig.css); the anatomy test finds them.
- `{exercise}`ID`` links a review question to the exercise that practises it: it shows
  the exercise's number ("Exercise 4") and links to it on its chapter's exercise page.
  An unknown or retired id is a build warning, so the `-W` build fails on it.
"""

from __future__ import annotations

import re
from functools import lru_cache
from html import escape
from pathlib import Path
from typing import Any

from docutils import nodes
from sphinx import addnodes
from sphinx.application import Sphinx
from sphinx.transforms.post_transforms import SphinxPostTransform
from sphinx.util import logging
from sphinx.util.docutils import SphinxDirective

logger = logging.getLogger(__name__)

FOLDED = ("how-we-know", "how-it-works")
EXERCISE_CALL = re.compile(r"""exercises\[\s*\\?["']([a-z0-9-]+)\\?["']\s*\]""")
NUMBER = re.compile(r"^(Exercise\s+\d+)\b")


class folded(nodes.General, nodes.Element):  # noqa: N801 (docutils node names are lower case)
    """A box collapsed on the web: rendered as <details>."""


def _visit_folded_html(self: Any, node: folded) -> None:
    classes = " ".join(["admonition", *node["classes"]])
    self.body.append(f'<details class="{escape(classes, quote=True)}">')


def _depart_folded_html(self: Any, node: folded) -> None:
    self.body.append("</details>\n")


def _skip(self: Any, node: Any) -> None:   # other builders: the children are written as usual
    pass


class folded_title(nodes.TextElement):  # noqa: N801
    """The box's title: the <summary> of its <details>."""


def _visit_title_html(self: Any, node: folded_title) -> None:
    self.body.append('<summary class="admonition-title">')


def _depart_title_html(self: Any, node: folded_title) -> None:
    self.body.append("</summary>\n")


def fold_boxes(app: Sphinx, doctree: nodes.document) -> None:
    """doctree-read: an admonition of class how-we-know or how-it-works becomes a folded
    box. Its `dropdown` class is dropped (the theme's toggle script is not needed)."""
    for node in list(doctree.findall(nodes.admonition)):
        kinds = [c for c in node["classes"] if c in FOLDED]
        if not kinds:
            continue
        keep = [c for c in node["classes"] if c not in ("dropdown", "toggle")]
        box = folded(classes=keep)
        for child in node.children:
            if isinstance(child, nodes.title):
                title = folded_title("", "", *child.children)
                box += title
            else:
                box += child
        box.source, box.line = node.source, node.line
        node.replace_self(box)
        box["classes"] = keep   # replace_self merges the old node's classes back in


@lru_cache(maxsize=8)
def _exercise_index(srcdir: str) -> dict[str, tuple[str, str]]:
    """Exercise id -> (docname of the page that shows it, "Exercise N")."""
    from ..exercises.spec import load_file

    root = Path(srcdir)
    titles: dict[str, str] = {}
    for path in sorted((root / "exercises" / "specs").glob("*.yaml")):
        if path.stem.endswith("-seminar"):
            continue
        for ex in load_file(path).get("exercises", []):
            match = NUMBER.match(ex.get("title", ""))
            titles[ex["id"]] = match.group(1) if match else ex.get("title", ex["id"])
    pages: dict[str, tuple[str, str]] = {}
    for path in sorted((root / "chapters").glob("*/*.ipynb")):
        text = path.read_text("utf-8")
        doc = path.relative_to(root).with_suffix("").as_posix()
        for ex_id in EXERCISE_CALL.findall(text):
            if ex_id in titles and ex_id not in pages:
                pages[ex_id] = (doc, titles[ex_id])
    return pages


def exercise_role(name: str, rawtext: str, text: str, lineno: int, inliner: Any,
                  options: dict | None = None, content: list | None = None) -> tuple[list, list]:
    env = inliner.document.settings.env
    ex_id = text.strip()
    found = _exercise_index(str(env.srcdir)).get(ex_id)
    if found is None:
        logger.warning(f"{{exercise}} role: no exercise {ex_id!r} is shown on a chapter's exercise page",
                       location=(env.docname, lineno), type="govmig", subtype="exercise")
        return [nodes.inline(rawtext, ex_id)], []
    doc, label = found
    uri = env.app.builder.get_relative_uri(env.docname, doc) + "#" + ex_id
    ref = nodes.reference(rawtext, label, refuri=uri, internal=True, classes=["gm-exercise-link"])
    ref["gm_exercise"] = ex_id
    return [ref], []


class key_words(nodes.General, nodes.Element):  # noqa: N801
    """Placeholder for the key-words list, filled from the glossary after reading."""


class KeyWords(SphinxDirective):
    """```{key-words}``` with one glossary headword per line: the glossary's entries for
    them, each linked to the full entry, with no second copy of any definition."""

    has_content = True

    def run(self) -> list[nodes.Node]:
        glossary = self.env.doc2path("glossary", False) if "glossary" in self.env.found_docs else None
        if glossary:
            self.env.note_dependency(str(Path(self.env.srcdir) / glossary))
        return [key_words(terms=[line.strip() for line in self.content if line.strip()])]


class FillKeyWords(SphinxPostTransform):
    """Before references are resolved (priority 10), so the copied definitions' own term
    links resolve on this page. Citations are left out: the glossary entry has them."""

    default_priority = 5

    def run(self, **kwargs: Any) -> None:
        for node in list(self.document.findall(key_words)):
            entries: dict[str, tuple[str, nodes.definition]] = {}
            if "glossary" in self.env.all_docs:
                for item in self.env.get_doctree("glossary").findall(nodes.definition_list_item):
                    term, definition = item.next_node(nodes.term), item.next_node(nodes.definition)
                    if term is not None and definition is not None and term["ids"]:
                        entries[term.astext().strip().lower()] = (term["ids"][0], definition)
            listing = nodes.definition_list(classes=["glossary", "gm-key-words"])
            for word in node["terms"]:
                found = entries.get(word.lower())
                if found is None:
                    logger.warning(f"key word {word!r} has no glossary entry", location=node,
                                   type="govmig", subtype="key-words")
                    continue
                anchor, definition = found
                uri = self.app.builder.get_relative_uri(self.env.docname, "glossary") + "#" + anchor
                term = nodes.term("", "", nodes.reference("", word, internal=True, refuri=uri))
                copy = definition.deepcopy()
                for xref in list(copy.findall(addnodes.pending_xref)):
                    if xref.get("refdomain") in ("cite", "footcite"):
                        parent, at = xref.parent, xref.parent.index(xref)
                        before = parent[at - 1] if at > 0 else None
                        if isinstance(before, nodes.Text) and before.endswith(" "):
                            parent[at - 1] = nodes.Text(before.rstrip(" "))
                        parent.remove(xref)
                listing += nodes.definition_list_item("", term, copy)
            node.replace_self(listing)


CHAPTER_NAMES = {"iom": "1, the IOM", "partnership": "2, partnership", "rcps": "3, regional processes",
                 "gcm": "4, the Global Compact", "imrf": "5, the Review Forum"}


class Datasets(SphinxDirective):
    """```{datasets}```: the data package's tables as a reader meets them (title, what it
    holds, where it comes from, its licence, which chapter uses it), read from
    data/datapackage.json so that the page and the package never disagree."""

    def run(self) -> list[nodes.Node]:
        import json

        path = Path(self.env.srcdir) / "data" / "datapackage.json"
        self.env.note_dependency(str(path))
        package = json.loads(path.read_text("utf-8"))
        listing = nodes.definition_list(classes=["gm-datasets"])
        for res in package.get("resources", []):
            term = nodes.term("", res.get("title") or res["name"])
            body = nodes.definition()
            description = (res.get("description") or "").split(". ")[0].rstrip(".") + "."
            body += nodes.paragraph("", description)
            chapters = ", ".join(f"chapter {CHAPTER_NAMES.get(c, c)}" for c in res.get("chapters", []))
            facts = nodes.bullet_list()
            for label, value in (("Used in", chapters),
                                 ("From", "; ".join(re.sub(r"\s*\[[a-z][a-z0-9]*\]", "", s.get("title", "")).strip()
                                                    for s in res.get("sources", [])[:2])),
                                 ("Licence", "; ".join(lic.get("title") or lic.get("name", "") for lic in res.get("licenses", []))),
                                 ("File", f"data/{res.get('path', '')}")):
                if value:
                    item = nodes.paragraph()
                    item += nodes.strong("", f"{label}: ")
                    item += nodes.literal("", value) if label == "File" else nodes.Text(value)
                    facts += nodes.list_item("", item)
            body += facts
            listing += nodes.definition_list_item("", term, body)
        return [listing]


LEVELS = ("recall", "apply", "analyse", "evaluate")


class ExerciseLevels(SphinxDirective):
    """```{exercise-levels}```: each chapter's mix of exercise levels, counted from the
    specs (generated, so it cannot drift from them). Seminar specs are left out."""

    def run(self) -> list[nodes.Node]:
        from ..exercises.spec import load_file

        rows = []
        for path in sorted((Path(self.env.srcdir) / "exercises" / "specs").glob("*.yaml")):
            if path.stem.endswith("-seminar"):
                continue
            self.env.note_dependency(str(path))
            spec = load_file(path)
            counts = {level: 0 for level in LEVELS}
            missing = 0
            for ex in spec.get("exercises", []):
                if ex.get("level") in counts:
                    counts[ex["level"]] += 1
                else:
                    missing += 1
            total = sum(counts.values()) + missing
            higher = total - counts["recall"] - missing
            rows.append([spec.get("title", spec["chapter"]).split(":")[0], *(str(counts[lv]) for lv in LEVELS),
                         str(missing) if missing else "", str(total),
                         f"{round(100 * higher / total)} %" if total else ""])
        header = ["Chapter", "Recall", "Apply", "Analyse", "Evaluate", "No level", "All", "Apply or above"]
        table = nodes.table(classes=["gm-exercise-levels"])
        group = nodes.tgroup(cols=len(header))
        table += group
        for _ in header:
            group += nodes.colspec(colwidth=1)
        head, body = nodes.thead(), nodes.tbody()
        for cells, part in ((header, head), *((r, body) for r in rows)):
            row = nodes.row()
            for cell in cells:
                row += nodes.entry("", nodes.paragraph("", cell))
            part += row
        group += head
        group += body
        return [table]


def setup(app: Sphinx) -> None:
    app.add_node(folded, html=(_visit_folded_html, _depart_folded_html),
                 latex=(_skip, _skip), text=(_skip, _skip), man=(_skip, _skip), texinfo=(_skip, _skip))
    app.add_node(folded_title, html=(_visit_title_html, _depart_title_html),
                 latex=(_skip, _skip), text=(_skip, _skip), man=(_skip, _skip), texinfo=(_skip, _skip))
    app.add_role("exercise", exercise_role)
    app.add_node(key_words)
    app.add_directive("key-words", KeyWords)
    app.add_post_transform(FillKeyWords)
    app.add_directive("datasets", Datasets)
    app.add_directive("exercise-levels", ExerciseLevels)
    app.add_css_file("govmig-textbook.css")
    app.connect("doctree-read", fold_boxes)
