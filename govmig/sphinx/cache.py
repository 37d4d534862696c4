"""The execution cache follows the package: when govmig changes, notebooks run again."""

from __future__ import annotations

import hashlib
import shutil
from pathlib import Path

from sphinx.application import Sphinx
from sphinx.util import logging

from .. import __version__

logger = logging.getLogger(__name__)


def _refresh_execution_cache(app: Sphinx, fingerprint: str) -> None:
    """Notebooks import this package, but myst-nb's cache is keyed on their code cells
    only: when the package changes, drop the cache so that every notebook runs again."""
    build = Path(app.outdir).parent
    cache, stamp = build / ".jupyter_cache", build / ".govmig-fingerprint"
    old = stamp.read_text("utf-8") if stamp.is_file() else None
    if old != fingerprint:
        if cache.is_dir():
            logger.info("govmig changed since the last build: notebooks will run again")
            shutil.rmtree(cache)
        build.mkdir(parents=True, exist_ok=True)
        stamp.write_text(fingerprint, "utf-8")


def _fingerprint() -> str:
    """Version plus a hash of this package's code and assets. It is kept in the config
    value `govmig_fingerprint` (rebuild "env"): when the package changes, Sphinx re-reads
    every document, so notebooks run again with it (with "html" it only rewrote pages from
    their old doctrees, and charts kept the outputs of the previous package)."""
    digest = hashlib.sha256()
    package = Path(__file__).parent.parent   # the whole govmig package
    for path in sorted(package.rglob("*")):
        # The slide builder runs after the book is built and no notebook imports it.
        if path.suffix in (".py", ".js", ".css", ".html", ".json") and "__pycache__" not in path.parts \
                and path.relative_to(package).parts[0] != "slides":
            digest.update(path.relative_to(package).as_posix().encode() + path.read_bytes())
    return f"{__version__}+{digest.hexdigest()[:10]}"
