"""What Binder does: a fresh virtual environment made from requirements.txt alone
(no test extras, nothing from .venv) runs every notebook top to bottom."""

from __future__ import annotations

import os
import subprocess
import venv

import pytest

from conftest import ROOT

pytestmark = pytest.mark.slow
NOTEBOOKS = sorted(p for folder in ("chapters", "exercises") for p in (ROOT / folder).rglob("*.ipynb")
                   if ".ipynb_checkpoints" not in p.parts)


@pytest.fixture(scope="module")
def binder_python(tmp_path_factory):
    env_dir = tmp_path_factory.mktemp("binder") / "venv"
    venv.create(env_dir, with_pip=True)
    python = env_dir / "bin" / "python"
    subprocess.run([str(python), "-m", "pip", "install", "-q", "-r", "requirements.txt"],
                   cwd=ROOT, check=True)
    subprocess.run([str(python), "-m", "pip", "check"], cwd=ROOT, check=True)
    return python


def test_requirements_alone_install_the_shared_package(binder_python):
    out = subprocess.run([str(binder_python), "-c", "import govmig.data, govmig.charts, govmig.exercises"],
                         cwd="/", capture_output=True, text=True)
    assert out.returncode == 0, out.stderr


@pytest.mark.parametrize("notebook", NOTEBOOKS, ids=lambda p: p.relative_to(ROOT).as_posix())
def test_notebook_runs_in_the_binder_environment(binder_python, notebook, tmp_path):
    env = {k: v for k, v in os.environ.items() if not k.startswith(("GOVMIG_RENDER", "VIRTUAL_ENV"))}
    env["PATH"] = f"{binder_python.parent}:{env.get('PATH', '')}"
    env["GOVMIG_ANSWERS"] = str(tmp_path / "answers.json")
    out = subprocess.run([str(binder_python.parent / "jupyter"), "execute",
                          f"--output={tmp_path / 'out'}", str(notebook)],
                         cwd=notebook.parent, env=env, capture_output=True, text=True, timeout=600)
    assert out.returncode == 0, out.stderr[-3000:]
