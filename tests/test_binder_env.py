"""What Binder does: a fresh virtual environment made from binder/ alone (the student
requirements pinned by the lock, then binder/postBuild), installed from another folder
than the repository, holds what the notebooks need and not the book build, and runs
every notebook top to bottom."""

from __future__ import annotations

import json
import os
import re
import subprocess
import venv
from pathlib import Path

import pytest

from conftest import ROOT

pytestmark = pytest.mark.slow
NOTEBOOKS = sorted(p for folder in ("chapters", "exercises") for p in (ROOT / folder).rglob("*.ipynb")
                   if ".ipynb_checkpoints" not in p.parts)
BUILD_ONLY = ("jupyter-book", "sphinx-book-theme", "pydata-sphinx-theme", "sphinx-design",
              "sphinxcontrib-bibtex", "pybtex", "sphinx-togglebutton", "sphinx-external-toc", "nbgrader")
STUDENT_NEEDS = ("jupyterlab", "jupyterlab-myst", "vl-convert-python", "anywidget", "ipywidgets",
                 "altair", "pandas", "frictionless", "nbval")


def student_env(target: Path) -> Path:
    """Make the student environment as Binder does; return its python. Reused by other tests."""
    python = target / "bin" / "python"
    if python.exists() and (target / ".govmig-ready").exists():
        return python
    venv.create(target, with_pip=True)
    # repo2docker installs with a current pip. Python 3.11.7's own (23.2.1), in pip's
    # hash-checking mode, tries jsonschema's newest release for an extra a package asks for
    # (jupyter-events: jsonschema[format-nongpl]) and stops ("all requirements must have
    # their versions pinned") instead of taking the locked 4.24.1; pip 26.3 resolves it.
    subprocess.run([str(python), "-m", "pip", "install", "-q", "--upgrade", "pip"], cwd="/", check=True)
    # From another folder: requirements.txt must not depend on the working directory.
    subprocess.run([str(python), "-m", "pip", "install", "-q", "-r", str(ROOT / "binder" / "requirements.txt")],
                   cwd="/", check=True)
    env = {**os.environ, "PATH": f"{python.parent}:{os.environ.get('PATH', '')}"}
    subprocess.run(["bash", str(ROOT / "binder" / "postBuild")], cwd=ROOT, env=env, check=True)
    subprocess.run([str(python), "-m", "pip", "check"], cwd=ROOT, check=True)
    (target / ".govmig-ready").write_text("ok\n")
    return python


@pytest.fixture(scope="session")
def binder_python(tmp_path_factory):
    # GOVMIG_STUDENT_VENV: an environment made by student_env() before, to save its minute.
    target = os.environ.get("GOVMIG_STUDENT_VENV")
    return student_env(Path(target) if target else tmp_path_factory.getbasetemp() / "binder-venv")


def installed(python: Path) -> dict[str, str]:
    out = subprocess.run([str(python), "-m", "pip", "list", "--format=json"], capture_output=True, text=True, check=True)
    return {d["name"].lower().replace("_", "-"): d["version"] for d in json.loads(out.stdout)}


def test_requirements_alone_install_the_shared_package(binder_python):
    out = subprocess.run([str(binder_python), "-c", "import govmig.data, govmig.charts, govmig.exercises, vl_convert"],
                         cwd="/", capture_output=True, text=True)
    assert out.returncode == 0, out.stderr


def test_student_environment_is_lean_and_pinned(binder_python):
    from test_pins import lock_pins

    have = installed(binder_python)
    assert [p for p in STUDENT_NEEDS if p not in have] == []
    assert [p for p in BUILD_ONLY if p in have] == []
    pins = lock_pins()
    unpinned = {name: v for name, v in have.items()
                if name not in ("pip", "govmig") and pins.get(name) != v}
    assert unpinned == {}, "installed but not at the lock's version"


def test_vl_convert_supports_altairs_vega_lite(binder_python):
    code = ("import altair as alt, vl_convert as vlc; v = '.'.join(alt.VEGALITE_VERSION.split('.')[:2]);"
            "assert v in vlc.get_vegalite_versions(), (v, vlc.get_vegalite_versions())")
    out = subprocess.run([str(binder_python), "-c", code], capture_output=True, text=True)
    assert out.returncode == 0, out.stderr


def test_jupyterlab_loads_jupyterlab_myst(binder_python):
    """Installed is not enough: JupyterLab refuses an extension built for another @jupyter/ydoc."""
    out = subprocess.run([str(binder_python.parent / "jupyter"), "labextension", "list"],
                         capture_output=True, text=True)
    listing = re.sub(r"\x1b\[[0-9;]*m", "", out.stdout + out.stderr)
    line = next(line for line in listing.splitlines() if "jupyterlab-myst" in line)
    assert "enabled" in line and "OK" in line and "not compatible" not in listing, listing


@pytest.mark.parametrize("notebook", NOTEBOOKS, ids=lambda p: p.relative_to(ROOT).as_posix())
def test_notebook_runs_in_the_binder_environment(binder_python, notebook, tmp_path):
    env = {k: v for k, v in os.environ.items() if not k.startswith(("GOVMIG_RENDER", "VIRTUAL_ENV"))}
    env["PATH"] = f"{binder_python.parent}:{env.get('PATH', '')}"
    env["GOVMIG_ANSWERS"] = str(tmp_path / "answers.json")
    out = subprocess.run([str(binder_python.parent / "jupyter"), "execute",
                          f"--output={tmp_path / 'out'}", str(notebook)],
                         cwd=notebook.parent, env=env, capture_output=True, text=True, timeout=600)
    assert out.returncode == 0, out.stderr[-3000:]
