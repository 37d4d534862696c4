"""Load the book's tables through its Frictionless data package.

>>> from govmig.data import load
>>> members = load("iom_member_counts")

Every load validates the CSV against ``data/datapackage.json`` first and raises
`DataValidationError` naming the file, row and column of each problem.
"""

from __future__ import annotations

import copy

import json
import os
from functools import lru_cache
from pathlib import Path
from typing import Any

import pandas as pd

PACKAGE_ENV = "GOVMIG_DATAPACKAGE"
_DTYPES = {"integer": "Int64", "year": "Int64", "number": "Float64", "boolean": "boolean"}


class DataValidationError(ValueError):
    """A CSV does not match its schema in the data package."""

    def __init__(self, path: str, problems: list[str]) -> None:
        self.path = path
        self.problems = problems
        more = f"\n  ... and {len(problems) - 20} more" if len(problems) > 20 else ""
        super().__init__(f"{path} does not match its schema in datapackage.json:\n  "
                         + "\n  ".join(problems[:20]) + more)


def package_path() -> Path:
    """data/datapackage.json: $GOVMIG_DATAPACKAGE, else found upwards from the working directory."""
    if os.environ.get(PACKAGE_ENV):
        return Path(os.environ[PACKAGE_ENV]).resolve()
    here = Path.cwd().resolve()
    for folder in (here, *here.parents):
        candidate = folder / "data" / "datapackage.json"
        if candidate.is_file():
            return candidate
    raise FileNotFoundError(f"data/datapackage.json not found above {here}; set {PACKAGE_ENV}")


@lru_cache(maxsize=8)
def _descriptor(path: Path) -> dict[str, Any]:
    return json.loads(path.read_text("utf-8"))


def resource(name: str, package: str | Path | None = None) -> dict[str, Any]:
    """The descriptor of one table: schema, sources, licences, citation."""
    path = Path(package) if package else package_path()
    for res in _descriptor(path)["resources"]:
        if res["name"] == name:
            return res
    known = ", ".join(r["name"] for r in _descriptor(path)["resources"])
    raise KeyError(f"no table {name!r} in {path}; known tables: {known}")


def _problems(res_descriptor: dict[str, Any], base: Path) -> list[str]:
    from frictionless import Resource, system

    csv = res_descriptor["path"]
    # Keys into other tables need the whole package: tests/test_data.py validates it.
    own = copy.deepcopy(res_descriptor)
    own["schema"].pop("foreignKeys", None)
    with system.use_context(trusted=False):
        report = Resource(own, basepath=str(base)).validate()
    problems = []
    for task in report.tasks:
        for err in task.errors:
            where = []
            if getattr(err, "row_number", None):
                where.append(f"row {err.row_number}")
            if getattr(err, "field_name", None):
                where.append(f"column {err.field_name!r}")
            problems.append(f"{csv}: {', '.join(where) or err.type}: {err.message}")
    return problems


def validate(name: str, package: str | Path | None = None) -> None:
    """Raise DataValidationError if the table does not match its schema."""
    path = Path(package) if package else package_path()
    res = resource(name, path)
    problems = _problems(res, path.parent)
    if problems:
        raise DataValidationError(str(path.parent / res["path"]), problems)


def load(name: str, package: str | Path | None = None) -> pd.DataFrame:
    """Validate one table, then read it with the types its schema gives."""
    path = Path(package) if package else package_path()
    validate(name, path)
    res = resource(name, path)
    fields = res["schema"]["fields"]
    dtypes = {f["name"]: _DTYPES.get(f["type"], "string") for f in fields if f["type"] != "date"}
    dates = [f["name"] for f in fields if f["type"] == "date"]
    frame = pd.read_csv(path.parent / res["path"], dtype=dtypes, keep_default_na=False,
                        na_values=res["schema"].get("missingValues", [""]), parse_dates=dates)
    frame.attrs["source"] = res.get("citation") or res.get("title", name)
    return frame


def describe(name: str, package: str | Path | None = None) -> str:
    """One paragraph for a caption or a notebook: title, sources and licence."""
    res = resource(name, package)
    sources = "; ".join(s.get("title", s.get("path", "")) for s in res.get("sources", []))
    licences = ", ".join(lic.get("title") or lic.get("name", "") for lic in res.get("licenses", []))
    return f"{res.get('title', name)}. Source: {sources}. Licence: {licences or 'see data/README.md'}."
