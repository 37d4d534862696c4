"""\"Last updated\": the page's last commit date, never the build day."""

from __future__ import annotations

import subprocess
from datetime import datetime, timezone
from functools import lru_cache

from sphinx.application import Sphinx


@lru_cache(maxsize=None)
def _commit_date(srcdir: str, source: str) -> str | None:
    """Date of the last commit that touched `source` (None outside git or if uncommitted)."""
    try:
        out = subprocess.run(["git", "-C", srcdir, "log", "-1", "--format=%ct", "--", source],
                             capture_output=True, text=True, timeout=30)
    except (OSError, subprocess.SubprocessError):
        return None
    if out.returncode != 0 or not out.stdout.strip():
        return None
    return datetime.fromtimestamp(int(out.stdout.strip()), timezone.utc).strftime("%d %B %Y").lstrip("0")


def _last_updated(app: Sphinx, pagename: str) -> str | None:
    """"Last updated" is the page's last commit date, never the build day (issue 12: two
    builds of one commit give the same HTML); pages outside git carry no date."""
    if pagename not in app.env.all_docs:
        return None
    return _commit_date(str(app.srcdir), str(app.env.doc2path(pagename)))
