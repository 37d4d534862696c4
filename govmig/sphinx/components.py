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
from sphinx.application import Sphinx
from sphinx.util import logging

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
    ref = nodes.reference(rawtext, label, refuri=uri, classes=["gm-exercise-link"])
    ref["gm_exercise"] = ex_id
    return [ref], []


def setup(app: Sphinx) -> None:
    app.add_node(folded, html=(_visit_folded_html, _depart_folded_html),
                 latex=(_skip, _skip), text=(_skip, _skip), man=(_skip, _skip), texinfo=(_skip, _skip))
    app.add_node(folded_title, html=(_visit_title_html, _depart_title_html),
                 latex=(_skip, _skip), text=(_skip, _skip), man=(_skip, _skip), texinfo=(_skip, _skip))
    app.add_role("exercise", exercise_role)
    app.add_css_file("govmig-textbook.css")
    app.connect("doctree-read", fold_boxes)
