"""govmig.nbgrader_safe without nbgrader's commands (fast): every hostile answer in the list
comes out of the Markdown filter and the output preprocessor as inert HTML, hidden tests
printed by student code never reach feedback, and the guide gives the lines the book's
nbgrader_config.py holds. The real commands and formgrader, in a browser, are in
tests/test_nbgrader_workflow.py."""

from __future__ import annotations

import re
import sys
from html.parser import HTMLParser

import nbformat
import pytest

from conftest import ROOT

pytest.importorskip("nbgrader")
from govmig import nbgrader_safe as safe  # noqa: E402

sys.path.insert(0, str(ROOT / "scripts"))
import make_student_versions  # noqa: E402

# The review's string (2026-12-07-real-clients.md, H1), then our own.
HOSTILE = [
    """My answer <img src=x onerror=alert(1)> and <script>alert("script")</script> <svg onload=alert("svg")></svg> [link](javascript:alert("md")) <iframe src="javascript:alert('iframe')"></iframe>""",
    '[link](javascript:alert("md"))',
    "[e](jav&#x61;script:alert(1))", "[e](jav&#97;script:alert(1))", "[e](&#106;avascript:alert(1))",
    "[sp]( javascript:alert(1))", "[nl](java\nscript:alert(1))", '<a href="java\tscript:alert(1)">t</a>',
    '<a href="JaVaScRiPt:alert(1)">c</a>', "<JAVASCRIPT:alert(1)>", '[t](javascript:alert(1) "title")',
    "[ref][r]\n\n[r]: javascript:alert(1)", "[d](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)",
    '<a href="vbscript:msgbox(1)">v</a>', "![x](javascript:alert(1))", "![x](data:image/svg+xml,<svg onload=alert(1)>)",
    "![x](https://example.org/track.png)", "![x](attachment:x.svg)",
    '<object data="data:text/html,<script>alert(1)</script>"></object>', '<embed src="javascript:alert(1)">',
    "<details open ontoggle=alert(1)>x</details>", '<math><mi xlink:href="javascript:alert(1)">x</mi></math>',
    '<form action="javascript:alert(1)"><button>go</button></form>', '<button formaction="javascript:alert(1)">b</button>',
    '<meta http-equiv="refresh" content="0;url=javascript:alert(1)">', '<base href="javascript:alert(1)//">',
    "<style>@import 'https://example.org/x.css';</style>", '<div style="background:url(https://example.org/x)">s</div>',
    '<link rel=stylesheet href="https://example.org/x.css">', "<body onload=alert(1)>", "<video><source onerror=alert(1)></video>",
    '<a href="/api/contents">relative</a>', '<a href="//example.org">protocol-relative</a>',
    "&lt;script&gt;alert(1)&lt;/script&gt;", "<!-- --><script>alert(1)</script><!-- -->", "<scr<script>ipt>alert(1)</script>",
    '<noscript><p title="</noscript><img src=x onerror=alert(1)>"></noscript>', "<textarea><script>alert(1)</script></textarea>",
    '<svg><a xlink:href="javascript:alert(1)"><text>x</text></a></svg>', '<table background="javascript:alert(1)"><tr><td>x</td></tr></table>',
    "```html\n<script>alert(1)</script>\n\n\n<img src=x onerror=alert(1)>\n```", "    <script>alert(1)</script>",
    "$\\href{javascript:alert(1)}{x}$", "<a href=\"https://example.org\" onclick=\"alert(1)\">c</a>",
    '<img src="x" alt="a" onerror="alert(1)"/>', "<isindex action=javascript:alert(1) type=image>",
    '<a href="&#x6A;&#x61;&#x76;&#x61;&#x73;&#x63;&#x72;&#x69;&#x70;&#x74;&#x3A;alert(1)">hex</a>',
    '<a href="\x01javascript:alert(1)">ctl</a>', '<a href="https://example.org/&quot; onmouseover=&quot;alert(1)">q</a>',
    "<div>\n\n<script>alert(1)</script>\n\n</div>", "</div></div><script>alert(1)</script>",
]
# The only tags and attributes that may come out, and the only URL forms.
TAGS = safe.TAGS
URL = re.compile(r"(https?://[^\s/]|mailto:)", re.I)


class _Scan(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.bad = []

    def handle_starttag(self, tag, attrs):
        if tag not in TAGS:
            self.bad.append(f"tag {tag}")
        for name, value in attrs:
            if name == "href":
                if not URL.match(value or ""):
                    self.bad.append(f"href {value!r}")
            elif name not in ("title", "colspan", "rowspan", "rel"):
                self.bad.append(f"attribute {name}={value!r}")


def inert(markup: str) -> list[str]:
    scan = _Scan()
    scan.feed(markup)
    scan.close()
    return scan.bad


@pytest.mark.parametrize("text", HOSTILE, ids=range(len(HOSTILE)))
def test_markdown_of_any_answer_comes_out_inert(text):
    out = safe.markdown2html(text)
    assert inert(out) == [], out
    assert out.count("\n") == 0 and out.startswith("<div>")   # one HTML block: Markdown passes it through
    assert safe.markdown2html(text) == out                     # no randomness


def test_links_and_plain_formatting_survive():
    out = safe.markdown2html("A *claim* with [a source](https://example.org/a?b=1) and [mail](mailto:x@example.org).\n\n"
                             "| a | b |\n|---|---|\n| 1 | 2 |\n\n- item\n\n`code`")
    assert '<a rel="noopener noreferrer nofollow" href="https://example.org/a?b=1">a source</a>' in out
    assert 'href="mailto:x@example.org"' in out
    for tag in ("<em>", "<table>", "<li>", "<code>"):
        assert tag in out


def test_the_review_answer_is_shown_as_text():
    out = safe.markdown2html(HOSTILE[0])
    assert "&lt;img src=x onerror=alert(1)&gt;" in out and "&lt;script&gt;" in out


def output(data, metadata=None, kind="display_data"):
    return nbformat.v4.new_output(kind, data=data, metadata=metadata or {}, **({"execution_count": 1} if kind == "execute_result" else {}))


HOSTILE_OUTPUTS = [
    output({"text/html": "<img src=x onerror=alert(1)><script>alert(2)</script>", "text/plain": "x"}),
    output({"application/javascript": "alert(1)"}),
    output({"image/svg+xml": '<svg onload="alert(1)"><script>alert(2)</script></svg>'}),
    output({"text/markdown": "[x](javascript:alert(1)) <img src=x onerror=alert(1)>"}),
    output({"text/latex": "</div><img src=x onerror=alert(1)>"}),
    output({"image/png": 'x" onerror="alert(1)'}),
    output({"image/png": "iVBORw0KGgo="}, {"image/png": {"width": "1 onerror=alert(1)", "height": 1e309}}),
    output({"image/jpeg": "iVBORw0KGgo="}),   # a PNG claiming to be a JPEG
    output({"application/vnd.jupyter.widget-view+json": {"model_id": "x"}, "text/plain": "W"}),
    output({"text/html": "<iframe src=https://example.org></iframe><img src=https://example.org/o.png>"}, kind="execute_result"),
]


def test_outputs_come_out_as_safe_types_only():
    nb = nbformat.v4.new_notebook()
    nb.metadata["title"] = "</title><script>alert(1)</script>"
    nb.metadata["widgets"] = {"state": {}}
    code = nbformat.v4.new_code_cell("x", outputs=HOSTILE_OUTPUTS)
    code.metadata["tags"] = ['"><script>alert(1)</script>']
    code.metadata["nbgrader"] = {"grade_id": 'q1"><script>', "grade": True, "points": 1}
    raw = nbformat.v4.new_raw_cell("<script>alert(1)</script>")
    md = nbformat.v4.new_markdown_cell("![a](attachment:a.svg)")
    md.attachments = {"a.svg": {"image/svg+xml": "PHN2ZyBvbmxvYWQ9YWxlcnQoMSk+"}}
    nb.cells = [code, raw, md]
    nb, _ = safe.SafeAnswers().preprocess(nb, {})
    assert set(nb.metadata) <= {"kernelspec", "language_info"}
    assert code.metadata == {}                                   # a forged grade id loses the nbgrader block
    assert raw.source.startswith("<pre>&lt;script&gt;")
    assert "attachments" not in md
    for out in code.outputs:
        assert set(out.get("data", {})) <= {"text/plain", "text/html", "image/png", "image/jpeg"}
        if "text/html" in out.data:
            assert inert(out.data["text/html"]) == [], out.data["text/html"]
        for mime in ("image/png", "image/jpeg"):
            if mime in out.data:
                assert re.fullmatch(r"[A-Za-z0-9+/=]+", out.data[mime])
                assert all(isinstance(v, int) for v in out.metadata.get(mime, {}).values())
    assert "image/png" in code.outputs[6].data and code.outputs[6].metadata == {}
    assert "image/jpeg" not in code.outputs[7].data


def test_hidden_tests_printed_by_student_code_stay_out_of_feedback():
    test_cell = nbformat.v4.new_code_cell('assert check("x-q1", n)\n### BEGIN HIDDEN TESTS\nassert plain(n_parties) == 54\n### END HIDDEN TESTS')
    test_cell.metadata["nbgrader"] = {"grade": True, "solution": False, "grade_id": "q1-test", "points": 1, "score": 0}
    test_cell.outputs = [nbformat.v4.new_output("stream", name="stdout", text="assert plain(n_parties) == 54")]
    later = nbformat.v4.new_code_cell("print(In)")
    later.outputs = [nbformat.v4.new_output("execute_result", data={"text/plain": "['', 'assert plain(n_parties) == 54']"}, execution_count=3),
                     nbformat.v4.new_output("stream", name="stdout", text="fine")]
    nb = nbformat.v4.new_notebook(cells=[test_cell, later])
    nb, _ = safe.HideHiddenTests().preprocess(nb, {})
    assert test_cell.outputs[0].text.startswith("This graded check failed.")
    assert "n_parties" not in later.outputs[0].text and later.outputs[1].text == "fine"


def test_config_lines_of_the_guide_are_those_the_book_writes():
    """The guide's block for an existing course = what scripts/seminar.sh writes (less comments)."""
    guide = (ROOT / "instructor" / "guide.md").read_text("utf-8")
    block = re.search(r"```python\n(import govmig\.nbgrader_safe.*?)```", guide, re.S)
    assert block, "instructor/guide.md lacks the nbgrader_config.py lines"
    written = make_student_versions.NBGRADER_CONFIG
    for line in block[1].splitlines():
        assert line.strip() in written, line
    for name in ("SafeAnswers", "HideHiddenTests", "markdown2html", "template_basedirs"):
        assert name in block[1]
    # HideHiddenTests reads the hidden tests, so it must come before nbgrader removes them.
    assert written.index("\"govmig.nbgrader_safe.HideHiddenTests\"") < written.index("\"nbgrader.preprocessors.ClearHiddenTests\"")
    assert "ps1" not in guide.split("quickstart` makes an example assignment called `ps1`")[1]


def test_feedback_and_formgrader_templates_load_no_mathjax():
    for name in ("feedback", "formgrade"):
        text = (safe.TEMPLATE_ROOT / name / "mathjax.html.j2").read_text("utf-8")
        assert "macro mathjax" in text and "<script" not in text and "Content-Security-Policy" in text
        assert not re.search(r"https?://", text)
    assert "script-src" not in (safe.TEMPLATE_ROOT / "feedback" / "mathjax.html.j2").read_text("utf-8")


def test_listed_preprocessors_run_when_nbgrader_registers_them():
    """nbgrader registers GenerateFeedback.preprocessors without enabling them: ours must be on."""
    from nbconvert import HTMLExporter

    exporter = HTMLExporter()
    for name in ("govmig.nbgrader_safe.HideHiddenTests", "govmig.nbgrader_safe.SafeAnswers"):
        exporter.register_preprocessor(name)
    assert all(p.enabled for p in exporter._preprocessors[-2:])
