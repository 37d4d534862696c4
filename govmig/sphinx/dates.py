"""\"Last updated\": the page's last commit date, never the build day."""

from __future__ import annotations

import subprocess
from datetime import datetime, timezone
from functools import lru_cache

from sphinx.application import Sphinx
from sphinx.util import logging

logger = logging.getLogger(__name__)

SHALLOW_NOTE = ("[govmig] a shallow git clone: \"Last updated\" is left out of every page, because "
                "without the full history every page would show the date of the last commit. Fetch the "
                "full history (git fetch --unshallow; on GitHub Actions, actions/checkout with "
                "fetch-depth: 0) to show it.")


@lru_cache(maxsize=None)
def shallow(srcdir: str) -> bool:
    """Whether the checkout has only part of its history (git clone --depth, the default
    of common CI services), so that a file's last commit in it may not be its last change."""
    try:
        out = subprocess.run(["git", "-C", srcdir, "rev-parse", "--is-shallow-repository"],
                             capture_output=True, text=True, timeout=30)
    except (OSError, subprocess.SubprocessError):
        return False
    if out.stdout.strip() == "true":
        logger.info(SHALLOW_NOTE)  # said, not a warning: -W would fail every shallow CI build
        return True
    return False


@lru_cache(maxsize=None)
def _commit_date(srcdir: str, source: str) -> str | None:
    """Date of the last commit that touched `source` (None outside git, if uncommitted, or
    in a shallow clone, where it may be wrong: see SHALLOW_NOTE)."""
    if shallow(srcdir):
        return None
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
