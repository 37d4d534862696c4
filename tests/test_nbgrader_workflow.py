"""nbgrader's own command-line workflow on a two-chapter assignment, as a lecturer runs it:
quickstart, generate_assignment, autograde of a blank and of a fully correct submission,
generate_feedback, export. Scores and maxima add up; feedback holds no hidden test, mark
scheme or model answer; autograde of an untouched release prints no warning of the book's.

A third, hostile student (issue 25 H1, issue 33 M2) hands in answers that try to run script
in the lecturer's browser, to load from other hosts, to earn points without the answer and to
print the hidden tests: the feedback (opened in headless Chromium) and formgrader (a real
Jupyter server with nbgrader's extension) fire no dialog, request nothing from another host
and hold no hidden test; the cheats earn no point."""

from __future__ import annotations

import csv
import os
import re
import shutil
import subprocess
import sys
from urllib.parse import urlparse

import nbformat
import pytest

from conftest import ROOT

sys.path.insert(0, str(ROOT / "scripts"))
import make_student_versions  # noqa: E402

pytestmark = pytest.mark.slow
CHAPTERS = ("iom", "gcm")
STUDENTS = ("blank", "correct", "hostile")
ASSIGNMENT = "seminar1"   # instructor/guide.md's example name
NOTEBOOKS = [f"{c}-seminar" for c in CHAPTERS]
REGION = re.compile(r"### BEGIN (SOLUTION|HIDDEN TESTS)\n(.*?)### END \1", re.S)
SCHEME = re.compile(r"=== BEGIN MARK SCHEME ===\n(.*?)=== END MARK SCHEME ===", re.S)
# nbgrader's and its libraries' own warnings (instructor/guide.md, "Warnings you can ignore").
UPSTREAM = (re.compile(r"Attribute 'checksum' for cell [\w-]+ has changed!"),   # jupyter/nbgrader#1961
            re.compile(r"SAWarning|not in session, add operation along"),        # SQLAlchemy 2 in nbgrader's gradebook
            re.compile(r"MissingIDFieldWarning|header\.ipynb"),                   # quickstart's own header notebook
            re.compile(r"running over TCP without encryption"))                   # ipykernel's log
INSECURE = re.compile(r"warn|error|traceback|exception", re.I)


# nbgrader runs `alembic` and `jupyter` from PATH: those of this environment.
ENV = {**os.environ, "PATH": f"{os.path.dirname(sys.executable)}{os.pathsep}{os.environ.get('PATH', '')}"}


def nbgrader(course, *args, timeout=300):
    out = subprocess.run([sys.executable, "-m", "nbgrader", *args], cwd=course, capture_output=True,
                         text=True, timeout=timeout, env=ENV)
    assert out.returncode == 0, f"nbgrader {' '.join(args)}:\n{out.stdout[-2000:]}\n{out.stderr[-4000:]}"
    return out.stdout + out.stderr


def regions(source, kind: str) -> list[str]:
    """Lines (over 12 characters) of a notebook's solution, hidden-test or mark-scheme regions."""
    found = []
    for cell in nbformat.read(source, as_version=4).cells:
        blocks = [m[1] for m in REGION.findall(cell.source) if m[0] == kind] if kind != "SCHEME" else SCHEME.findall(cell.source)
        found += [line.strip() for block in blocks for line in block.splitlines() if len(line.strip()) > 12]
    return found


# What a hostile student types into the written answer (the review's string first, then ours).
HOSTILE_MARKDOWN = """My answer <img src=x onerror=alert(1)> and
<script>alert("script")</script> <svg onload=alert("svg")></svg> [link](javascript:alert("md"))
<iframe src="javascript:alert('iframe')"></iframe>

[entity](jav&#x61;script:alert('entity')) [spaced]( javascript:alert('spaced'))
<a href="JaVaScRiPt:alert('case')">case</a> <a href="java&#9;script:alert('tab')">tab</a>
[data](data:text/html;base64,PHNjcmlwdD5hbGVydCgnZGF0YScpPC9zY3JpcHQ+)
<a href="vbscript:msgbox('vb')">vb</a> ![img](javascript:alert('img')) ![svg](attachment:x.svg)
<object data="data:text/html,<script>alert('object')</script>"></object>
<embed src="data:image/svg+xml,<svg onload=alert('embed')>"> <details open ontoggle=alert('details')>x</details>
<math><maction actiontype="statusline" xlink:href="javascript:alert('math')">m</maction></math>
<form action="javascript:alert('form')"><button>go</button></form> <meta http-equiv="refresh" content="0;url=javascript:alert('meta')">
<style>@import url(https://example.org/x.css); body{background:url(https://example.org/bg.png)}</style>
<div style="background-image:url(https://example.org/style.png)">styled</div>
<img src="https://example.org/track.png"> <link rel=stylesheet href=https://example.org/l.css>
<base href="https://example.org/"> <a href="/api/contents">relative</a> <a href="//example.org/">protocol-relative</a>
&lt;img src=x onerror=alert('escaped')&gt; <!-- <script>alert('comment')</script> -->
<noscript><p title="</noscript><img src=x onerror=alert('noscript')>"></noscript>
$\\href{javascript:alert('tex')}{x}$ [mail](mailto:lecturer@example.org) [ok](https://example.org/ok)
"""
# A code answer that prints the source of every frame when touched (the review's leak),
# turns off the traceback guard, and displays outputs of every kind that could run script.
LEAK = """import sys, linecache
def _leak(*args, **kwargs):
    frame = sys._getframe(0)
    while frame is not None:
        print("".join(linecache.getlines(frame.f_code.co_filename)))
        frame = frame.f_back
    return True
class Leak:
    __eq__ = __ne__ = __ge__ = __le__ = __lt__ = __gt__ = __str__ = __repr__ = __format__ = _leak
    __float__ = __int__ = __index__ = __bool__ = __sub__ = __abs__ = item = _leak
    __hash__ = object.__hash__
get_ipython().set_custom_exc((), None)
get_ipython().run_line_magic("xmode", "Verbose")
from IPython.display import display, HTML, Javascript, SVG, Markdown, Latex
display(HTML("<img src=x onerror=alert('out-html')><script>alert('out-script')</script>"))
display(Javascript("alert('out-js')"))
display(SVG('<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"><script>alert(2)</script></svg>'))
display(Markdown("[md-out](javascript:alert('out-md')) <img src=x onerror=alert('out-md-img')>"))
display(Latex("</div><img src=x onerror=alert('out-latex')>"))
display({"image/png": "x\\" onerror=\\"alert('out-png')"}, raw=True)
display({"text/html": "<iframe src=https://example.org></iframe><img src=https://example.org/o.png>"}, raw=True)
display({"image/png": "iVBORw0KGgo="}, metadata={"image/png": {"width": "1 onerror=alert('width')"}}, raw=True)
print("\\n".join(In))
{name} = Leak()
"""
# Points without the answer (issue 33 M2): shadow check, set, abs and int; an object equal
# to everything.
CHEAT = """check = lambda *a, **k: True
class A:
    __eq__ = __ge__ = __le__ = __lt__ = __gt__ = lambda s, o: True
    __hash__ = object.__hash__
    __sub__ = lambda s, o: 0
    __abs__ = lambda s: 0
{name} = A()
set = lambda x: x
abs = lambda x: 0
int = lambda x: 5
"""
SVG_ATTACHMENT = "PHN2ZyB4bWxucz0iaHR0cDovL3d3dy53My5vcmcvMjAwMC9zdmciIG9ubG9hZD0iYWxlcnQoJ2F0dCcpIi8+"


def hostile_submission(release, target):
    """The release with a hostile written answer, cheats in q1, leaks in q2, extra cells."""
    nb = nbformat.read(release, as_version=4)
    for cell in nb.cells:
        gid = cell.metadata.get("nbgrader", {}).get("grade_id")
        if cell.cell_type == "code" and gid in ("q1-answer", "q2-answer"):
            name = cell.source.split("=", 1)[0].strip()
            cell.source = (CHEAT if gid == "q1-answer" else LEAK).replace("{name}", name)
        elif cell.cell_type == "markdown" and "Write your answer here" in cell.source:
            cell.source = HOSTILE_MARKDOWN
            cell.attachments = {"x.svg": {"image/svg+xml": SVG_ATTACHMENT}}
    nb.cells.append(nbformat.v4.new_raw_cell("<script>alert('raw')</script><img src=x onerror=alert('raw-img')>"))
    nb.cells.append(nbformat.v4.new_markdown_cell("<script>alert('extra')</script>"))
    nb.metadata["title"] = "</title><script>alert('title')</script>"
    nb.metadata["widgets"] = {"application/vnd.jupyter.widget-state+json": {"state": {}, "version_major": 2, "version_minor": 0}}
    nbformat.write(nb, target)


def correct_submission(source, release, target):
    """The release with each solution cell answered by the instructor's solution."""
    solutions = {c.metadata["nbgrader"]["grade_id"]: c.source
                 for c in nbformat.read(source, as_version=4).cells
                 if c.metadata.get("nbgrader", {}).get("solution")}
    nb = nbformat.read(release, as_version=4)
    for cell in nb.cells:
        gid = cell.metadata.get("nbgrader", {}).get("grade_id")
        if gid in solutions and cell.cell_type == "code":
            cell.source = re.sub(r"### (BEGIN|END) SOLUTION\n?", "", solutions[gid])
        elif cell.metadata.get("nbgrader", {}).get("solution"):
            cell.source = "IOM grew, but growth in members and money says little about whom it serves."
    nbformat.write(nb, target)


@pytest.fixture(scope="module")
def course(tmp_path_factory):
    base = tmp_path_factory.mktemp("nbgrader")
    nbgrader(base, "quickstart", "course")
    course = base / "course"
    assert (course / "source" / "ps1").is_dir()   # quickstart's example, which the guide's name avoids
    # What `bash scripts/seminar.sh --assignment seminar1 iom gcm` writes, without the five zips.
    shutil.copytree(make_student_versions.nbgrader_source(ASSIGNMENT, list(CHAPTERS), base / "seminar"),
                    course / "source" / ASSIGNMENT)
    config = course / "nbgrader_config.py"
    config.write_text(config.read_text("utf-8") + "\n"
                      + make_student_versions.NBGRADER_CONFIG.replace("c = get_config()", "# c = get_config()"), "utf-8")
    logs = {"generate": nbgrader(course, "generate_assignment", ASSIGNMENT, "--create")}
    release = course / "release" / ASSIGNMENT
    for student in STUDENTS:
        folder = course / "submitted" / student / ASSIGNMENT
        shutil.copytree(release, folder)
        for name in NOTEBOOKS:
            if student == "correct":
                correct_submission(course / "source" / ASSIGNMENT / f"{name}.ipynb", release / f"{name}.ipynb",
                                   folder / f"{name}.ipynb")
            elif student == "hostile":
                hostile_submission(release / f"{name}.ipynb", folder / f"{name}.ipynb")
        logs[student] = nbgrader(course, "autograde", ASSIGNMENT, "--create", "--student", student)
    logs["feedback"] = nbgrader(course, "generate_feedback", ASSIGNMENT)
    logs["export"] = nbgrader(course, "export")
    return course, logs


def test_release_holds_each_chapters_checks_and_the_data(course):
    release = course[0] / "release" / ASSIGNMENT
    for name in NOTEBOOKS:
        assert (release / f"{name}.ipynb").is_file() and (release / f"checks-{name}.json").is_file()
    assert (release / "data" / "datapackage.json").is_file()


def test_scores_and_maximum_add_up(course):
    rows = {r["student_id"]: r for r in csv.DictReader((course[0] / "grades.csv").open())}
    # iom: 6 automatic + 4 written; gcm: 7 automatic + 4 written (instructor/guide.md's table).
    assert float(rows["blank"]["max_score"]) == 21.0
    assert float(rows["blank"]["score"]) == 0.0
    assert float(rows["correct"]["score"]) == 13.0        # every automatic point; the written task awaits you
    assert float(rows["correct"]["max_score"]) == 21.0


def test_autograde_of_the_untouched_release_prints_no_warning_of_the_books(course):
    log = course[1]["blank"]
    ours = [line for line in log.splitlines()
            if INSECURE.search(line) and not any(p.search(line) for p in UPSTREAM)]
    assert ours == []


def test_feedback_gives_no_answer_away(course):
    root = course[0]
    for name in NOTEBOOKS:
        source = root / "source" / ASSIGNMENT / f"{name}.ipynb"
        hidden, scheme, solutions = regions(source, "HIDDEN TESTS"), regions(source, "SCHEME"), regions(source, "SOLUTION")
        assert hidden and scheme and solutions
        for student in STUDENTS:
            html = (root / "feedback" / student / ASSIGNMENT / f"{name}.html").read_text("utf-8")
            text = re.sub(r"<[^>]+>", "", html).replace("&quot;", '"').replace("&#39;", "'").replace("&gt;", ">").replace("&lt;", "<").replace("&amp;", "&")
            assert [line for line in hidden if line in text] == [], (student, name)
            assert [line for line in scheme if line in text] == [], (student, name)
            assert "BEGIN HIDDEN TESTS" not in text and "MARK SCHEME" not in text
            if student == "blank":
                assert [line for line in solutions if line in text] == [], name
                assert "Its test code is not shown" in text


def test_autograded_tracebacks_are_minimal(course):
    """nbgrader_config.py's Execute.extra_arguments reach the kernel: no traceback shows code."""
    nb = nbformat.read(course[0] / "autograded" / "blank" / ASSIGNMENT / "iom-seminar.ipynb", as_version=4)
    errors = [o for c in nb.cells if c.cell_type == "code" for o in c.outputs if o.output_type == "error"]
    assert errors
    for error in errors:
        plain = re.sub(r"\x1b\[[0-9;]*m", "", "\n".join(error.traceback))
        assert "---->" not in plain, plain


def test_cheats_earn_no_point(course):
    """Shadowed check/set/abs/int, an object equal to everything, a leaking object: 0 points."""
    rows = {r["student_id"]: r for r in csv.DictReader((course[0] / "grades.csv").open())}
    assert float(rows["hostile"]["score"]) == 0.0


# --- the lecturer's browser: feedback files and formgrader -------------------------------

ALLOWED_URL = re.compile(r"(https?://|mailto:|#)", re.I)
# Every attribute that can hold an address the browser loads or follows.
URL_ATTRIBUTES = ("href", "src", "action", "formaction", "data", "xlink:href", "poster", "background", "srcset")


def _watch(context):
    """Dialogs and requests that leave 127.0.0.1 (blocked), recorded for the context."""
    dialogs, outside = [], []

    def route(r):
        url = r.request.url
        host = urlparse(url).hostname
        if url.startswith(("data:", "blob:", "file:", "about:")) or host in ("127.0.0.1", "localhost"):
            return r.continue_()
        outside.append(url)
        return r.abort("internetdisconnected")

    context.route("**/*", route)
    context.on("page", lambda page: page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss())))
    return dialogs, outside


def _inspect(page) -> list[str]:
    """Live markup in the notebook's part of the page that a click or a load could turn into script."""
    return page.evaluate("""(names) => {
        const bad = [];
        for (const el of document.querySelectorAll('#notebook-container *')) {
            for (const a of el.attributes) {
                const n = a.name.toLowerCase();
                if (n.startsWith('on')) bad.push(el.tagName + ' ' + n);
                if (names.includes(n) && !/^(https?:\\/\\/|mailto:|#)/i.test(a.value.trim())
                    && !/^data:image\\/(png|jpeg);base64,/.test(a.value))
                    bad.push(el.tagName + ' ' + n + '=' + a.value.slice(0, 60));
            }
        }
        return bad;
    }""", list(URL_ATTRIBUTES))


def _click_every_link(page):
    for link in page.query_selector_all("#notebook-container a[href]"):   # the notebook, not the grader's own links
        href = link.get_attribute("href") or ""
        if href.startswith("#") or not link.is_visible():
            continue
        # Follow no real address; a javascript: or data: link would fire on click.
        if not ALLOWED_URL.match(href.strip()):
            link.click(modifiers=[], no_wait_after=True, timeout=2000)


@pytest.fixture(scope="module")
def chromium(browser):
    """The suite's one headless Chromium (conftest): a second Playwright in the same
    thread fails ("Sync API inside the asyncio loop") once another test has started one."""
    return browser


@pytest.mark.browser
def test_feedback_runs_no_student_script_and_loads_nothing_from_other_hosts(course, chromium):
    root = course[0]
    for name in NOTEBOOKS:
        path = root / "feedback" / "hostile" / ASSIGNMENT / f"{name}.html"
        html = path.read_text("utf-8")
        assert "onerror=alert(1)" in html.replace("&lt;", "<").replace("&gt;", ">")   # shown as text
        assert not re.search(r"<script[^>]*\ssrc=|cdnjs|cdn\.jsdelivr", html), name   # no MathJax, no CDN
        context = chromium.new_context(java_script_enabled=True)
        dialogs, outside = _watch(context)
        page = context.new_page()
        page.goto(path.as_uri())
        page.wait_for_timeout(500)
        assert _inspect(page) == [], name
        _click_every_link(page)
        page.wait_for_timeout(300)
        assert dialogs == [], (name, dialogs)
        assert outside == [], (name, outside)
        context.close()


@pytest.fixture(scope="module")
def formgrader(course):
    """A Jupyter server with nbgrader's formgrader on 127.0.0.1, in the course folder."""
    import socket
    import time
    import urllib.request

    root = course[0]
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    home = root.parent / "home"
    config = root.parent / "jupyter-config"
    home.mkdir(exist_ok=True)
    config.mkdir(exist_ok=True)
    (config / "jupyter_server_config.py").write_text(
        f'c.ServerApp.ip = "127.0.0.1"\nc.ServerApp.port = {port}\nc.ServerApp.open_browser = False\n'
        f'c.ServerApp.allow_root = True\nc.IdentityProvider.token = ""\nc.ServerApp.root_dir = {str(root)!r}\n')
    env = {**ENV, "HOME": str(home), "JUPYTER_CONFIG_DIR": str(config)}
    log = (root.parent / "server.log").open("w")
    server = subprocess.Popen([sys.executable, "-m", "jupyter", "server"], cwd=root, env=env, stdout=log,
                              stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}"
    try:
        for _ in range(240):
            try:
                urllib.request.urlopen(f"{url}/api/status", timeout=2)
                break
            except OSError:
                if server.poll() is not None:
                    pytest.fail("jupyter server exited:\n" + (root.parent / "server.log").read_text()[-3000:])
                time.sleep(0.5)
        yield url, root
    finally:
        server.terminate()
        try:
            server.wait(timeout=20)
        except subprocess.TimeoutExpired:
            server.kill()
        log.close()


@pytest.mark.browser
def test_formgrader_runs_no_student_script_and_loads_nothing_from_other_hosts(formgrader, chromium):
    from nbgrader.api import Gradebook

    url, root = formgrader
    with Gradebook(f"sqlite:///{root / 'gradebook.db'}") as gb:
        ids = {name: gb.find_submission_notebook(name, ASSIGNMENT, "hostile").id for name in NOTEBOOKS}
    for name, submission in ids.items():
        context = chromium.new_context()
        dialogs, outside = _watch(context)
        page = context.new_page()
        console = []
        page.on("console", lambda m: console.append(m.text))
        response = page.goto(f"{url}/formgrader/submissions/{submission}/", wait_until="load")
        assert response.ok, response.status
        page.wait_for_timeout(1500)
        # formgrader's own scripts ran (its scoring inputs are wired up) ...
        assert page.evaluate("() => typeof window.jQuery === 'function' && typeof window.Backbone === 'object'")
        assert page.locator("input.score").count() > 0
        # ... and nothing of the student's did.
        assert "onerror=alert(1)" in page.content().replace("&lt;", "<").replace("&gt;", ">")
        assert _inspect(page) == [], name
        _click_every_link(page)
        page.wait_for_timeout(300)
        assert dialogs == [], (name, dialogs)
        assert outside == [], (name, outside)
        assert [m for m in console if "Content Security Policy" in m and "/formgrader/static" in m] == []
        # Grading still works under the page's Content-Security-Policy: a score typed is saved.
        box = page.locator("input.score").last
        box.fill("1")
        box.press("Tab")
        page.wait_for_timeout(2000)
        context.close()
        with Gradebook(f"sqlite:///{root / 'gradebook.db'}") as gb:
            grades = gb.find_submission_notebook(name, ASSIGNMENT, "hostile").grades
            assert any(g.manual_score == 1 for g in grades), name


def test_cells_students_are_told_to_fill_in_are_editable(course):
    """gcm's "fill in the table below" cell is not locked in the release (issue 25 L6)."""
    told = 0
    for name in NOTEBOOKS:
        for cell in nbformat.read(course[0] / "release" / ASSIGNMENT / f"{name}.ipynb", as_version=4).cells:
            if re.search(r"fill in the table", cell.source, re.I):
                told += 1
                assert cell.metadata.get("editable", True) is not False, name
                assert not cell.metadata.get("nbgrader", {}).get("locked"), name
    assert told
