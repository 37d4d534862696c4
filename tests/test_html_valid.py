"""Every page of both editions is valid HTML for the Nu HTML checker (npm `vnu-jar`, the
W3C validator's engine; needs Java): 0 errors, notebook pages included (issue 19).

The checker starts slowly (Java), so it runs once over all pages."""

from __future__ import annotations

import json
import shutil
import subprocess

import pytest

from conftest import INSTRUCTOR_SITE, ROOT, SITE

VNU = ROOT / "node_modules" / "vnu-jar" / "build" / "dist" / "vnu.jar"


def pages(site):
    if not site.is_dir():
        return []
    return sorted(p for p in site.rglob("*.html") if "_static" not in p.parts and "_sources" not in p.parts)


PAGES = [("student", p) for p in pages(SITE)] + [("instructor", p) for p in pages(INSTRUCTOR_SITE)]


def _name(edition, path):
    return f"{edition}:{path.relative_to(SITE if edition == 'student' else INSTRUCTOR_SITE).as_posix()}"


@pytest.fixture(scope="module")
def messages() -> dict[str, list[str]]:
    if not shutil.which("java"):
        pytest.fail("java missing: apt-get install default-jre-headless (Java 17)")
    if not VNU.is_file():
        pytest.fail(f"{VNU} missing: run npm ci")
    out = subprocess.run(["java", "-Xss1024k", "-jar", str(VNU), "--format", "json", "--errors-only", "--exit-zero-always",
                          *[str(p) for _, p in PAGES]], capture_output=True, text=True, timeout=900)
    found: dict[str, list[str]] = {}
    for m in json.loads(out.stderr or out.stdout)["messages"]:
        found.setdefault(m.get("url", "").removeprefix("file:"), []).append(
            f"line {m.get('lastLine', '?')}: {m['message']} [{m.get('extract', '')[:100]!r}]")
    return found


def test_every_page_of_both_editions_is_checked():
    assert {e for e, _ in PAGES} == {"student", "instructor"}, "build both editions first"


@pytest.mark.parametrize("edition,path", PAGES, ids=[_name(e, p) for e, p in PAGES])
def test_page_has_no_html_error(messages, edition, path):
    assert messages.get(str(path.resolve()), []) + messages.get(str(path), []) == []
