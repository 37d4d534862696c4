"""Student answers shown safely in nbgrader's feedback and in formgrader.

nbgrader (0.9.6) renders whatever a student typed as HTML: in the feedback files that
``nbgrader generate_feedback`` writes and in formgrader, which runs on the lecturer's
logged-in Jupyter server. A written answer such as ``<img src=x onerror=alert(1)>`` or
``[link](javascript:alert(1))`` would run as script there. This module closes that, for
any text a student can put in a notebook:

- ``markdown2html``: the Markdown filter of nbconvert's HTML exporter, replaced. It
  renders Markdown (markdown cells, written answers, grader comments, ``text/markdown``
  outputs) and then keeps only an allow-list of plain tags. Every other tag is shown as
  text, every attribute but a link's ``href``/``title`` and a table cell's span is
  dropped, and a link survives only with an ``http``, ``https`` or ``mailto`` address.
  Images are not shown (a student's image could be fetched from another host); their
  markup is shown as text.
- ``SafeAnswers``: a preprocessor that makes every output and every other part of the
  notebook that the templates print safe: ``text/html`` outputs through the same
  allow-list; SVG, JavaScript, LaTeX, widget and unknown outputs replaced by their plain
  text; images only as checked base64 PNG or JPEG; raw cells shown as text; attachments,
  cell and output metadata dropped except nbgrader's (with a checked ``grade_id``).
  It only reads what nbgrader's own preprocessors leave, and changes nothing they read,
  so it can run before or after them.
- ``HideHiddenTests``: in feedback, the outputs of graded test cells (the cells with
  hidden tests) are replaced by one line saying whether the check passed, and any other
  output that holds a line of a hidden test or mark scheme by a note, so that student
  code cannot print the hidden tests into the feedback by accident or by a simple trick.
- ``TEMPLATE_BASEDIRS``: templates for feedback and formgrader that load no MathJax (no
  request to a CDN; the seminar notebooks have no mathematics, so TeX would show as
  written) and add a Content-Security-Policy: the feedback files run no script at all and
  formgrader runs only its own scripts from the lecturer's server.

The lines a course's ``nbgrader_config.py`` needs are those ``scripts/seminar.sh`` writes
(``scripts/make_student_versions.py``); ``instructor/guide.md`` prints them.
"""

from __future__ import annotations

import base64
import binascii
import html
import math
import re
from pathlib import Path
from typing import Any

import bleach
from nbconvert.preprocessors import Preprocessor
from traitlets import Bool

#: Tags a student's text may keep; everything else is shown as text.
TAGS = frozenset({
    "a", "abbr", "b", "blockquote", "br", "caption", "code", "dd", "del", "div", "dl", "dt", "em",
    "h1", "h2", "h3", "h4", "h5", "h6", "hr", "i", "ins", "kbd", "li", "ol", "p", "pre", "q", "s",
    "samp", "small", "span", "strong", "sub", "sup", "table", "tbody", "td", "tfoot", "th", "thead",
    "tr", "u", "ul",
})
#: The only URL schemes a link may use.
PROTOCOLS = frozenset({"http", "https", "mailto"})
_ABSOLUTE = re.compile(r"(?:https?://[^\s/]|mailto:)", re.I)
_SPAN = re.compile(r"[1-9][0-9]{0,2}")
_GRADE_ID = re.compile(r"[A-Za-z0-9_\-]{1,200}")
_CELL_ID = re.compile(r"[A-Za-z0-9_\-]{1,64}")
_BASE64 = re.compile(r"[A-Za-z0-9+/=\s]*")
_SAFE_OUTPUT_TYPES = ("text/plain", "text/html", "image/png", "image/jpeg")


def _attribute(tag: str, name: str, value: str) -> bool:
    if tag == "a" and name == "href":
        # Only absolute http(s) and mailto addresses: no javascript:, data:, vbscript:,
        # no address on the lecturer's own server (relative or protocol-relative).
        return bool(_ABSOLUTE.match(value)) and not any(ch in value for ch in "\x00\r\n\t")
    if name == "title" and tag in ("a", "abbr"):
        return True
    if name in ("colspan", "rowspan") and tag in ("td", "th"):
        return bool(_SPAN.fullmatch(value))
    return False


_CLEANER = bleach.Cleaner(tags=TAGS, attributes=_attribute, protocols=PROTOCOLS, strip=False,
                          strip_comments=True)


def sanitize(markup: str) -> str:
    """HTML from untrusted text, keeping only the allow-list (idempotent)."""
    clean = _CLEANER.clean(str(markup))
    # Links open without handing the grader's page to the target.
    return clean.replace("<a href=", '<a rel="noopener noreferrer nofollow" href=')


def _one_block(markup: str) -> str:
    """One line inside a <div>, so Markdown (run again by a template) passes it through."""
    return "<div>" + markup.replace("\r", "").replace("\n", "&#10;") + "</div>"


def markdown_to_safe_html(source: str) -> str:
    """Render Markdown as nbconvert does, without images or attachments, then sanitise."""
    from nbconvert.filters.markdown_mistune import IPythonRenderer, MarkdownWithMath

    renderer = IPythonRenderer(escape=False, attachments={}, embed_images=False,
                               exclude_anchor_links=True)
    try:
        rendered = MarkdownWithMath(renderer=renderer).render(str(source))
    except Exception:   # noqa: BLE001 (any failure: show the text as text)
        rendered = "<pre>" + html.escape(str(source)) + "</pre>"
    return _one_block(sanitize(rendered))


def markdown2html(source: Any) -> str:
    """The ``markdown2html`` filter for nbconvert's HTML exporter (``c.HTMLExporter.filters``)."""
    return markdown_to_safe_html("" if source is None else str(source))


def _text(value: Any) -> str:
    if isinstance(value, list):
        return "".join(str(v) for v in value)
    return "" if value is None else str(value)


def _image(value: Any, kind: str) -> str | None:
    """The base64 text of a real PNG or JPEG, else None."""
    data = _text(value)
    if not _BASE64.fullmatch(data):
        return None
    try:
        raw = base64.b64decode("".join(data.split()), validate=True)
    except (binascii.Error, ValueError):
        return None
    magic = b"\x89PNG\r\n\x1a\n" if kind == "image/png" else b"\xff\xd8\xff"
    return "".join(data.split()) if raw.startswith(magic) else None


def _size(value: Any) -> int | None:
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return None
    if isinstance(value, float) and not math.isfinite(value):
        return None
    return int(value) if 0 < value < 10000 else None


def safe_output(output: dict) -> dict | None:
    """A copy of one output that the HTML templates print safely (None: drop it)."""
    kind = output.get("output_type")
    if kind == "stream":
        name = output.get("name") if output.get("name") in ("stdout", "stderr") else "stdout"
        return {"output_type": "stream", "name": name, "text": _text(output.get("text"))}
    if kind == "error":
        return {"output_type": "error", "ename": _text(output.get("ename")),
                "evalue": _text(output.get("evalue")),
                "traceback": [_text(line) for line in output.get("traceback") or []
                              if isinstance(line, str)]}
    if kind not in ("display_data", "execute_result"):
        return None
    raw = output.get("data") or {}
    data: dict[str, str] = {}
    metadata: dict[str, dict[str, int]] = {}
    for mime in ("image/png", "image/jpeg"):
        if mime in raw:
            image = _image(raw[mime], mime)
            if image is not None:
                data[mime] = image
                sizes = (output.get("metadata") or {}).get(mime) or {}
                sizes = {k: _size(sizes.get(k)) for k in ("width", "height")} if isinstance(sizes, dict) else {}
                if any(v is not None for v in sizes.values()):
                    metadata[mime] = {k: v for k, v in sizes.items() if v is not None}
    if "text/html" in raw:
        data["text/html"] = _one_block(sanitize(_text(raw["text/html"])))
    elif "text/markdown" in raw:
        data["text/html"] = markdown_to_safe_html(_text(raw["text/markdown"]))
    plain = raw.get("text/plain")
    if plain is None:
        for mime in ("text/latex", "image/svg+xml", "application/json", "application/javascript"):
            if mime in raw and not data:
                plain = f"[{mime} output not shown here: {_text(raw[mime])[:2000]}]"
                break
    if plain is not None:
        data["text/plain"] = _text(plain)
    if not data:
        data["text/plain"] = "[an output that cannot be shown here]"
    safe: dict[str, Any] = {"output_type": kind, "data": data, "metadata": metadata}
    if kind == "execute_result":
        count = output.get("execution_count")
        safe["execution_count"] = count if isinstance(count, int) and not isinstance(count, bool) else None
    return safe


def _nbgrader_metadata(meta: Any) -> dict | None:
    if not isinstance(meta, dict):
        return None
    grade_id = meta.get("grade_id")
    if grade_id is not None and not (isinstance(grade_id, str) and _GRADE_ID.fullmatch(grade_id)):
        return None
    clean: dict[str, Any] = {}
    for key, value in meta.items():
        if key in ("grade", "solution", "locked", "task") and isinstance(value, bool):
            clean[key] = value
        elif key in ("points", "score") and isinstance(value, (int, float)) and not isinstance(value, bool) \
                and math.isfinite(value):
            clean[key] = value
        elif key == "grade_id":
            clean[key] = grade_id
        elif key in ("schema_version",) and isinstance(value, int):
            clean[key] = value
        elif key in ("checksum", "cell_type") and isinstance(value, str) and len(value) < 200 \
                and re.fullmatch(r"[\w\-]*", value):
            clean[key] = value
        elif key == "comment" and (value is None or isinstance(value, str)):
            clean[key] = value   # printed through the sanitising markdown2html filter
    return clean


def safe_notebook(nb) -> None:
    """Make, in place, every part of a notebook that the HTML templates print safe."""
    from nbformat import NotebookNode, from_dict

    nb.metadata = from_dict({k: v for k, v in nb.metadata.items()
                             if k in ("kernelspec", "language_info") and isinstance(v, dict)})
    for key in ("kernelspec", "language_info"):
        if key in nb.metadata:
            nb.metadata[key] = from_dict({k: v for k, v in nb.metadata[key].items()
                                          if isinstance(v, str) and re.fullmatch(r"[\w.\-+ /]{0,100}", v)})
    for index, cell in enumerate(nb.cells):
        if "id" in cell and not (isinstance(cell.id, str) and _CELL_ID.fullmatch(cell.id)):
            cell.id = f"cell-{index}"
        grading = _nbgrader_metadata(cell.get("metadata", {}).get("nbgrader"))
        cell.metadata = from_dict({"nbgrader": grading} if grading is not None else {})
        cell.pop("attachments", None)
        if cell.cell_type == "raw":
            # Shown as text, whatever format the cell claims.
            cell.metadata["raw_mimetype"] = "text/html"
            cell.source = "<pre>" + html.escape(_text(cell.source)) + "</pre>"
        elif cell.cell_type == "code":
            count = cell.get("execution_count")
            cell.execution_count = count if isinstance(count, int) and not isinstance(count, bool) else None
            cell.outputs = [from_dict(o) for o in (safe_output(dict(out)) for out in cell.get("outputs", [])
                                                    if isinstance(out, (dict, NotebookNode)))
                            if o is not None]
        elif cell.cell_type != "markdown":
            cell.cell_type = "raw"
            cell.metadata["raw_mimetype"] = "text/html"
            cell.source = "<pre>" + html.escape(_text(cell.get("source"))) + "</pre>"


class SafeAnswers(Preprocessor):
    """nbconvert preprocessor: every output, raw cell and metadata made safe to print."""

    # On when listed (nbgrader's GenerateFeedback.preprocessors registers without enabling).
    enabled = Bool(True).tag(config=True)

    def preprocess(self, nb, resources):
        safe_notebook(nb)
        return nb, resources


def _is_graded_test(cell) -> bool:
    meta = cell.get("metadata", {}).get("nbgrader", {}) or {}
    return cell.get("cell_type") == "code" and bool(meta.get("grade")) and not meta.get("solution")


_REGIONS = (re.compile(r"### BEGIN HIDDEN TESTS\n(.*?)### END HIDDEN TESTS", re.S),
            re.compile(r"=== BEGIN MARK SCHEME ===\n(.*?)=== END MARK SCHEME ===", re.S))


def _secret_lines(nb) -> list[str]:
    """Lines (over 12 characters) of the hidden tests and mark schemes still in the notebook."""
    lines = []
    for cell in nb.cells:
        for pattern in _REGIONS:
            for block in pattern.findall(_text(cell.get("source"))):
                lines += [line.strip() for line in block.splitlines() if len(line.strip()) > 12]
    return lines


def _output_text(output) -> str:
    parts = [_text(output.get("text")), _text(output.get("evalue"))]
    parts += [_text(line) for line in output.get("traceback") or []]
    parts += [_text(value) for value in (output.get("data") or {}).values() if isinstance(value, (str, list))]
    return html.unescape("\n".join(parts))


class HideHiddenTests(Preprocessor):
    """Feedback: nothing a student's code printed can show the hidden tests or mark schemes.

    Student code runs in the same kernel as the hidden tests, so it can make a graded cell
    print its own source, or print ``In`` (the kernel's history) or the notebook file in a
    later cell. This preprocessor must run before nbgrader's ``ClearHiddenTests`` (it reads
    the hidden tests to recognise them): a graded test cell's outputs become one line
    (passed or failed), and any other output holding a line of a hidden test or mark
    scheme is replaced by a note. An output that disguises them (encoded, reversed) is not
    recognised: see the instructor guide.
    """

    enabled = Bool(True).tag(config=True)

    def preprocess(self, nb, resources):
        from nbformat import from_dict

        secrets = _secret_lines(nb)
        for cell in nb.cells:
            if cell.get("cell_type") != "code":
                continue
            if _is_graded_test(cell):
                meta = cell.metadata.nbgrader
                score, points = meta.get("score"), meta.get("points")
                if score is not None and points is not None and score >= points:
                    line = "This graded check passed."
                else:
                    line = "This graded check failed. Its test code is not shown."
                cell.outputs = [from_dict({"output_type": "stream", "name": "stdout", "text": line + "\n"})]
                continue
            note = {"output_type": "stream", "name": "stdout",
                    "text": "[An output not shown in feedback: it held the hidden tests or the mark scheme.]\n"}
            cell.outputs = [from_dict(note) if any(line in _output_text(out) for line in secrets) else out
                            for out in cell.get("outputs", [])]
        return nb, resources


#: Feedback and formgrader templates (only mathjax.html.j2 is ours) and nbgrader's own.
TEMPLATE_ROOT = Path(__file__).resolve().parent / "nbgrader_templates"


def template_basedirs() -> list[str]:
    import nbgrader

    nbgrader_templates = Path(nbgrader.__file__).resolve().parent / "server_extensions" / "formgrader" / "templates"
    return [str(TEMPLATE_ROOT), str(nbgrader_templates)]
