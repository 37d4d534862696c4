"""Notebook Markdown that reads right in JupyterLab (issue 25 M6, L2; the contract's
"In notebooks" rule): jupyterlab-myst has no bibliography, no glossary and no other pages,
so roles that need them show as "not found" markers or bare names.

    .venv/bin/python scripts/notebook_markup.py --check [NOTEBOOK ...]   lists what is left; exit 1 if any
    .venv/bin/python scripts/notebook_markup.py --fix [NOTEBOOK ...]     rewrites the Markdown cells

(default: every notebook under chapters/ and exercises/). --fix writes

- {cite:p}`a,b` as [(Lavenex and Panizzon 2013; IOM 2019a)](../../bibliography.md), with a
  locator ({cite:p}`tardis2019{sec. 3}` -> (Tardis 2019, sec. 3)) and pre-text
  ({cite:p}`{see}kunz2013` -> (see Kunz 2013)); {cite:t}`a` as [Author (Year)](...): the
  labels the book displays (govmig.cite, the book's one citation style);
- {term}`soft law` (or {term}`text <target>`) as [soft law](../../glossary.md);
- {ref}`label` and {doc}`page` (with or without explicit text) to another page as
  [the target's title](relative/path.md), or the explicit text;
- {glue:text}`name` / {glue}`name` (also name:format, notebook.ipynb::name) as the stored
  value followed by <!-- glue:NAME --> (<!-- glue:NAME:FORMAT --> when formatted), which
  tests/test_notebook_markup.py holds to the glued value. The glue(...) call stays.

Run --fix after the notebooks have been run (the glued values come from their stored
outputs), then re-run them so that nbval compares the new Markdown.
"""

from __future__ import annotations

import argparse
import ast
import json
import os
import re
import sys
from functools import lru_cache
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

ROLE = re.compile(r"\{(cite:p|cite:t|cite|term|ref|doc|glue:text|glue)\}`([^`]*)`")
LABEL = re.compile(r"^\((?P<label>[^)\s]+)\)=\s*$")
HEADING = re.compile(r"^(#{1,6})\s+(?P<title>.+?)\s*#*\s*$")
GLUE_MIME = "application/papermill.record/text/plain"
EXPLICIT = re.compile(r"^(?P<text>.*?)\s*<(?P<target>[^<>]+)>$", re.S)


def notebooks(args: list[str]) -> list[Path]:
    if args:
        return [Path(a).resolve() for a in args]
    return sorted(p for folder in ("chapters", "exercises") for p in (ROOT / folder).rglob("*.ipynb")
                  if ".ipynb_checkpoints" not in p.parts and "_build" not in p.parts)


def _documents() -> list[Path]:
    skip = {"_build", ".venv", "node_modules", ".ipynb_checkpoints", ".git"}
    return sorted(p for p in ROOT.rglob("*") if p.suffix in (".md", ".ipynb")
                  and not skip.intersection(p.relative_to(ROOT).parts))


def _lines(path: Path) -> list[str]:
    if path.suffix == ".ipynb":
        nb = json.loads(path.read_text("utf-8"))
        text = "\n".join("".join(c["source"]) for c in nb["cells"] if c["cell_type"] == "markdown")
    else:
        text = path.read_text("utf-8")
    return text.splitlines()


def plain(text: str) -> str:
    """Heading text without MyST roles or Markdown emphasis."""
    text = ROLE.sub(lambda m: EXPLICIT.match(m[2])["text"] if EXPLICIT.match(m[2]) else m[2], text)
    text = re.sub(r"\{[\w:-]+\}`([^`]*)`", r"\1", text)
    return re.sub(r"[*_`]", "", text).strip()


@lru_cache(maxsize=1)
def targets() -> tuple[dict[str, tuple[Path, str]], dict[Path, str]]:
    """Labels -> (file, title of what they label); files -> their title."""
    labels: dict[str, tuple[Path, str]] = {}
    titles: dict[Path, str] = {}
    for path in _documents():
        pending: list[str] = []
        for line in _lines(path):
            m = LABEL.match(line)
            if m:
                pending.append(m["label"])
                continue
            h = HEADING.match(line)
            if h:
                title = plain(h["title"])
                titles.setdefault(path, title)
                for label in pending:
                    labels[label] = (path, title)
                pending = []
            elif line.strip():
                pending = []
    return labels, titles


def relative(target: Path, notebook: Path) -> str:
    return Path(os.path.relpath(target, notebook.parent)).as_posix()


def _doc_path(name: str, notebook: Path) -> Path | None:
    base = ROOT / name.lstrip("/") if name.startswith("/") else notebook.parent / name
    for candidate in (base, base.with_suffix(".md"), base.with_suffix(".ipynb"),
                      Path(str(base) + ".md"), Path(str(base) + ".ipynb")):
        if candidate.is_file():
            return candidate.resolve()
    return None


@lru_cache(maxsize=64)
def glued(path: Path) -> dict[str, str]:
    """{name: stored text/plain} of a notebook's glue outputs."""
    values = {}
    for cell in json.loads(path.read_text("utf-8"))["cells"]:
        for out in cell.get("outputs", []):
            name = out.get("metadata", {}).get("scrapbook", {}).get("name")
            if name and GLUE_MIME in out.get("data", {}):
                values[name] = "".join(out["data"][GLUE_MIME])
    return values


def glue_text(stored: str, fmt: str = "") -> str:
    """What myst-nb shows for {glue:text}: the value's repr, or format(value, fmt)."""
    try:
        value = ast.literal_eval(stored)
    except (ValueError, SyntaxError):
        value = None
    if fmt:
        if value is None:
            raise ValueError(f"cannot format {stored!r} with {fmt!r}")
        return format(value, fmt)
    return value if isinstance(value, str) else stored.strip("'\"") if value is None else stored


class Problem(Exception):
    pass


def convert_role(kind: str, body: str, notebook: Path) -> str:
    from govmig import cite

    bib = relative(ROOT / "bibliography.md", notebook)
    if kind in ("cite:p", "cite:t", "cite"):
        pre = ""
        m = re.match(r"^\{([^}]*)\}", body)
        if m:
            pre, body = m[1], body[m.end():]
        locator = ""
        m = re.search(r"\{([^}]*)\}$", body)
        if m:
            locator, body = m[1], body[:m.start()]
        keys = [k.strip() for k in body.split(",") if k.strip()]
        known = cite.labels()
        missing = [k for k in keys if k not in known]
        if missing:
            raise Problem(f"unknown citation key(s) {missing} (not in references.bib)")
        text = cite.narrative(keys, locator) if kind == "cite:t" else cite.parenthetical(keys, locator, pre)
        return f"[{text}]({bib})"
    if kind == "term":
        m = EXPLICIT.match(body)
        text = m["text"] if m else body
        return f"[{text}]({relative(ROOT / 'glossary.md', notebook)})"
    if kind in ("ref", "doc"):
        m = EXPLICIT.match(body)
        text, target = (m["text"], m["target"]) if m else ("", body)
        if kind == "ref":
            labels, _ = targets()
            if target not in labels:
                raise Problem(f"unknown label {target!r}")
            path, title = labels[target]
        else:
            path = _doc_path(target, notebook)
            if path is None:
                raise Problem(f"no page {target!r}")
            title = targets()[1].get(path, path.stem)
        return f"[{text or title}]({relative(path, notebook)})"
    # glue
    source, name = notebook, body
    if "::" in body:
        other, name = body.split("::", 1)
        source = _doc_path(other, notebook) or notebook
    fmt = ""
    if ":" in name:
        name, fmt = name.split(":", 1)
    values = glued(source)
    if name not in values:
        raise Problem(f"no stored glue value {name!r} in {source.name} (run the notebook first)")
    marker = f"{name}:{fmt}" if fmt else name
    return f"{glue_text(values[name], fmt)}<!-- glue:{marker} -->"


def fix_text(text: str, notebook: Path, problems: list[str]) -> str:
    def replace(m: re.Match) -> str:
        try:
            return convert_role(m[1], m[2], notebook)
        except (Problem, ValueError) as exc:
            problems.append(f"{notebook.relative_to(ROOT)}: {m[0]}: {exc}")
            return m[0]
    return ROLE.sub(replace, text)


def process(path: Path, write: bool) -> tuple[list[str], list[str]]:
    """(roles left, problems) for one notebook; with write, rewrite its Markdown cells."""
    nb = json.loads(path.read_text("utf-8"))
    left, problems = [], []
    changed = False
    for cell in nb["cells"]:
        if cell["cell_type"] != "markdown":
            continue
        source = "".join(cell["source"])
        found = [m[0] for m in ROLE.finditer(source)]
        if not found:
            continue
        if write:
            new = fix_text(source, path, problems)
            if new != source:
                cell["source"] = new.splitlines(keepends=True)
                changed = True
            found = [m[0] for m in ROLE.finditer(new)]
        left += found
    if changed:
        path.write_text(json.dumps(nb, indent=1, ensure_ascii=False) + "\n", "utf-8")
    return left, problems


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    mode = parser.add_mutually_exclusive_group(required=True)
    mode.add_argument("--check", action="store_true", help="list roles JupyterLab cannot show; exit 1 if any")
    mode.add_argument("--fix", action="store_true", help="rewrite them as plain Markdown")
    parser.add_argument("notebooks", nargs="*")
    args = parser.parse_args(argv)
    total, all_problems = 0, []
    for path in notebooks(args.notebooks):
        left, problems = process(path, write=args.fix)
        all_problems += problems
        if left:
            total += len(left)
            print(f"{path.relative_to(ROOT)}: {len(left)} role(s) JupyterLab cannot show: {', '.join(left[:5])}"
                  + (" ..." if len(left) > 5 else ""))
    for problem in all_problems:
        print("cannot convert:", problem, file=sys.stderr)
    if total or all_problems:
        return 1
    print("no role in notebook Markdown that JupyterLab cannot show")
    return 0


if __name__ == "__main__":
    sys.exit(main())
