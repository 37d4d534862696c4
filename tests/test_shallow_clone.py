"""L12 of the hostile review (issue 33): in a shallow clone (git clone --depth 1, the
default of common CI services) every page's last commit is the clone's one commit, so
"Last updated" would show that date on every page. The build leaves it out and says why."""

from __future__ import annotations

import subprocess

from govmig.sphinx import dates


def _git(*args, cwd):
    subprocess.run(["git", *args], cwd=cwd, check=True, capture_output=True,
                   env={"GIT_AUTHOR_NAME": "t", "GIT_AUTHOR_EMAIL": "t@example.org", "GIT_COMMITTER_NAME": "t",
                        "GIT_COMMITTER_EMAIL": "t@example.org", "PATH": "/usr/bin:/bin", "HOME": str(cwd)})


def test_a_shallow_clone_leaves_last_updated_out(tmp_path):
    full = tmp_path / "full"
    full.mkdir()
    _git("init", "-q", cwd=full)
    (full / "old.md").write_text("old\n")
    _git("add", ".", cwd=full)
    _git("commit", "-q", "-m", "old", "--date=2020-01-02T00:00:00+00:00", cwd=full)
    (full / "new.md").write_text("new\n")
    _git("add", ".", cwd=full)
    _git("commit", "-q", "-m", "new", cwd=full)
    dates._commit_date.cache_clear()
    dates.shallow.cache_clear()
    assert dates._commit_date(str(full), str(full / "old.md")) is not None
    shallow = tmp_path / "shallow"
    _git("clone", "-q", "--depth", "1", f"file://{full}", str(shallow), cwd=tmp_path)
    assert dates.shallow(str(shallow)) and not dates.shallow(str(full))
    assert dates._commit_date(str(shallow), str(shallow / "old.md")) is None
    assert "fetch-depth: 0" in dates.SHALLOW_NOTE
