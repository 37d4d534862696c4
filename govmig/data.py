"""Load the book's tables through its Frictionless data package.

>>> from govmig.data import load
>>> members = load("iom_member_counts")

Every load validates the CSV against ``data/datapackage.json`` (schema, constraints,
keys into other tables) and raises `DataValidationError` naming the file, row and column
of each problem; a missing or malformed ``datapackage.json`` raises `DataPackageError`
naming it. The CSV is validated and read with one dialect (comma-separated, double
quotes), so what passes validation is what pandas reads. Validation is cached by the
files' path, size, inode and modification and change times, so a repeated load costs only
the read, and an edited CSV or descriptor is seen at once (also after ``cp -p`` or
``rsync -t``, which keep the modification time but cannot keep the change time).
"""

from __future__ import annotations

import copy
import json
import os
from pathlib import Path
from typing import Any

import pandas as pd

PACKAGE_ENV = "GOVMIG_DATAPACKAGE"
_DTYPES = {"integer": "Int64", "year": "Int64", "number": "Float64", "boolean": "boolean"}
DIALECT = {"delimiter": ",", "quoteChar": '"', "header": True}  # the only dialect the book's CSVs use


class DataValidationError(ValueError):
    """A CSV does not match its schema in the data package."""

    def __init__(self, path: str, problems: list[str]) -> None:
        self.path = path
        self.problems = problems
        more = f"\n  ... and {len(problems) - 20} more" if len(problems) > 20 else ""
        super().__init__(f"{path} does not match its schema in datapackage.json:\n  "
                         + "\n  ".join(problems[:20]) + more)


class DataPackageError(ValueError):
    """datapackage.json itself is missing, unreadable or malformed."""


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


def _stamp(path: Path) -> tuple[str, int, int, int, int]:
    st = path.stat()
    return (str(path.resolve()), st.st_mtime_ns, st.st_size, st.st_ctime_ns, st.st_ino)


_DESCRIPTORS: dict[str, tuple[tuple[str, int, int], dict[str, Any]]] = {}
_VALIDATED: set[tuple[Any, ...]] = set()  # (descriptor, CSV) stamps that passed the schema check
_CHECKED: set[tuple[Any, ...]] = set()    # (descriptor, CSV, referred CSVs) stamps whose keys passed


def _structure(doc: Any, path: Path) -> None:
    """The parts of the descriptor the loader relies on; DataPackageError naming the file."""
    def fail(what: str) -> None:
        raise DataPackageError(f"{path}: {what}")
    if not isinstance(doc, dict):
        fail("the top level is not a JSON object")
    resources = doc.get("resources")
    if not isinstance(resources, list):
        fail("'resources' is missing or not a list")
    seen: set[str] = set()
    for n, res in enumerate(resources):
        if not isinstance(res, dict) or not isinstance(res.get("name"), str):
            fail(f"resources[{n}] is not an object with a 'name'")
        name = res["name"]
        if name in seen:
            fail(f"two resources are named {name!r}")
        seen.add(name)
        if not isinstance(res.get("path"), str):
            fail(f"resource {name!r} has no 'path' (a CSV file name)")
        schema = res.get("schema")
        if not isinstance(schema, dict) or not isinstance(schema.get("fields"), list) or not all(
                isinstance(f, dict) and isinstance(f.get("name"), str) and isinstance(f.get("type", "string"), str)
                for f in schema["fields"]):
            fail(f"resource {name!r} has no 'schema' with a list of 'fields' (each with a name and a type)")
        for field in schema["fields"]:
            # pandas reads dates as ISO 8601 whatever the format says, while frictionless
            # validates with the format: 05/12/2018 would pass as 5 December and load as 12 May.
            if field.get("type") in ("date", "datetime", "time") and field.get("format", "default") != "default":
                fail(f"resource {name!r}, field {field['name']!r}: a 'format' on a {field['type']} field is not "
                     "supported (the loader reads ISO 8601 dates, YYYY-MM-DD): write the dates so and drop the format")
        names = [f["name"] for f in schema["fields"]]
        fks = schema.get("foreignKeys", [])
        if not isinstance(fks, list):
            fail(f"resource {name!r}: 'foreignKeys' is not a list")
        for k, fk in enumerate(fks):
            ref = fk.get("reference") if isinstance(fk, dict) else None
            if not isinstance(ref, dict) or not _names(fk.get("fields")) or not _names(ref.get("fields")) \
                    or not isinstance(ref.get("resource", ""), str):
                fail(f"resource {name!r}: foreignKeys[{k}] needs 'fields' and a 'reference' with 'resource' and "
                     "'fields' (field names: a string or a list of strings)")
            local, remote = _names(fk["fields"]), _names(ref["fields"])
            if len(local) != len(remote):
                fail(f"resource {name!r}: foreignKeys[{k}] has {len(local)} field(s) but refers to {len(remote)}")
            unknown = [f for f in local if f not in names]
            if unknown:
                fail(f"resource {name!r}: foreignKeys[{k}] names fields the table does not have: {', '.join(unknown)}")
    fields_of = {r["name"]: [f["name"] for f in r["schema"]["fields"]] for r in resources}
    for res in resources:
        for k, fk in enumerate(res["schema"].get("foreignKeys", [])):
            target = fk["reference"].get("resource") or res["name"]
            if target not in fields_of:
                continue  # resource() names the known tables when the key is used
            unknown = [f for f in _names(fk["reference"]["fields"]) if f not in fields_of[target]]
            if unknown:
                fail(f"resource {res['name']!r}: foreignKeys[{k}] refers to fields table {target!r} does not have: "
                     + ", ".join(unknown))


def _names(value: Any) -> list[str]:
    """A foreign key's field names, or [] when they are not a string or a list of strings."""
    if isinstance(value, str):
        return [value]
    if isinstance(value, list) and value and all(isinstance(v, str) for v in value):
        return list(value)
    return []


def _descriptor(path: Path) -> dict[str, Any]:
    """The parsed datapackage.json, re-read whenever the file changes."""
    try:
        stamp = _stamp(path)
    except OSError as exc:
        raise DataPackageError(f"{path}: cannot read the data package descriptor ({exc.strerror})") from None
    cached = _DESCRIPTORS.get(stamp[0])
    if cached and cached[0] == stamp:
        return cached[1]
    if not path.is_file():  # a folder, a FIFO (reading one would wait for ever), a device
        raise DataPackageError(f"{path}: not a regular file")
    try:
        doc = json.loads(path.read_bytes().decode("utf-8-sig"))  # a BOM, as some editors write, is fine
    except UnicodeDecodeError as exc:
        raise DataPackageError(f"{path}: not UTF-8 text ({exc.reason} at byte {exc.start})") from None
    except json.JSONDecodeError as exc:
        raise DataPackageError(f"{path}: not valid JSON: {exc.msg} (line {exc.lineno}, column {exc.colno})") from None
    except RecursionError:
        raise DataPackageError(f"{path}: not a data package descriptor (nested too deeply)") from None
    _structure(doc, path)
    _DESCRIPTORS[stamp[0]] = (stamp, doc)
    return doc


def resource(name: str, package: str | Path | None = None) -> dict[str, Any]:
    """The descriptor of one table: schema, sources, licences, citation."""
    path = Path(package) if package else package_path()
    resources = _descriptor(path)["resources"]
    for res in resources:
        if res["name"] == name:
            return res
    known = ", ".join(r["name"] for r in resources)
    raise KeyError(f"no table {name!r} in {path}; known tables: {known}")


def _csv_path(res: dict[str, Any], base: Path) -> Path:
    csv = base / res["path"]
    if not csv.is_file():
        raise FileNotFoundError(f"{csv}: the CSV file of table {res['name']!r} (named in datapackage.json) is missing")
    if csv.is_symlink() and not csv.resolve().is_relative_to(base.resolve()):
        # never read (and quote in an error) a file outside the data folder
        raise FileNotFoundError(f"{csv}: the CSV file of table {res['name']!r} is a link to a file outside "
                                f"{base}: copy the file itself into the data folder")
    return csv


def _problems(res_descriptor: dict[str, Any], base: Path) -> list[str]:
    from frictionless import Resource, system

    csv = res_descriptor["path"]
    # Keys into other tables are checked by _foreign_key_problems on the typed frames.
    own = copy.deepcopy(res_descriptor)
    own["schema"].pop("foreignKeys", None)
    own["dialect"] = dict(DIALECT)  # never sniffed: a ';' or tab file fails here, as pandas would misread it
    own["format"], own["encoding"] = "csv", "utf-8"
    problems = []
    raw = (base / csv).read_bytes()
    if b"\x00" in raw:
        line = raw[: raw.index(b"\x00")].count(b"\n") + 1
        problems.append(f"{csv}: row {line}: a NUL byte (\\x00) in the file")
    from frictionless import FrictionlessException

    try:
        with system.use_context(trusted=False):
            report = Resource(own, basepath=str(base)).validate()
    except (FrictionlessException, TypeError, ValueError, KeyError) as exc:
        note = getattr(getattr(exc, "error", None), "note", None) or str(exc) or type(exc).__name__
        raise DataPackageError(f"{base / 'datapackage.json'}: table {res_descriptor['name']!r}: "
                               f"the schema cannot be used: {note}") from None
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
    csv = _csv_path(res, path.parent)
    key = (_stamp(path), _stamp(csv))
    if key in _VALIDATED:
        return
    problems = _problems(res, path.parent)
    if problems:
        raise DataValidationError(str(csv), problems)
    _VALIDATED.add(key)


def _read(res: dict[str, Any], csv: Path) -> pd.DataFrame:
    fields = res["schema"]["fields"]
    dtypes = {f["name"]: _DTYPES.get(f.get("type", "string"), "string") for f in fields if f.get("type") != "date"}
    dates = [f["name"] for f in fields if f.get("type") == "date"]
    options = dict(keep_default_na=False, sep=DIALECT["delimiter"], quotechar=DIALECT["quoteChar"], encoding="utf-8",
                   na_values=res["schema"].get("missingValues", [""]))
    try:
        frame = pd.read_csv(csv, dtype=dtypes, parse_dates=dates, **options)
    except OverflowError:
        raise DataValidationError(str(csv), _too_large(csv, fields, options)) from None
    except (ValueError, pd.errors.ParserError, UnicodeDecodeError) as exc:
        raise DataValidationError(str(csv), [f"{csv.name}: pandas cannot read it: {exc}"]) from exc
    expected = [f["name"] for f in fields]
    if list(frame.columns) != expected:
        raise DataValidationError(str(csv), [f"{csv.name}: columns {list(frame.columns)[:12]} as read, "
                                             f"but the schema lists {expected}"])
    problems = []
    for f in fields:
        col = f["name"]
        if f.get("type") == "number":
            infinite = frame[col].notna() & frame[col].isin([float("inf"), float("-inf")])
            problems += [f"{csv.name}: row {i + 2}, column {col!r}: a number too large to hold (read as infinity)"
                         for i in frame.index[infinite.fillna(False).astype(bool)][:20]]
        if f.get("type") == "date" and not pd.api.types.is_datetime64_any_dtype(frame[col]):
            frame[col] = pd.to_datetime(frame[col])  # a header-only file: dates as dates, not objects
    if problems:
        raise DataValidationError(str(csv), problems)
    return frame


def _too_large(csv: Path, fields: list[dict[str, Any]], options: dict[str, Any]) -> list[str]:
    """Where a whole number does not fit in 64 bits (pandas says only "too large")."""
    raw = pd.read_csv(csv, dtype=str, **options)
    problems = []
    for f in fields:
        if f.get("type") not in ("integer", "year") or f["name"] not in raw:
            continue
        for i, value in raw[f["name"]].items():
            try:
                too_large = not -(2**63) <= int(str(value).strip()) < 2**63
            except ValueError:
                continue
            if too_large:
                problems.append(f"{csv.name}: row {i + 2}, column {f['name']!r}: {str(value)[:40]} is too large "
                                "for a whole-number column (at most 19 digits)")
    return problems or [f"{csv.name}: a whole number too large for its column"]


def _blank_keys(res: dict[str, Any], frame: pd.DataFrame) -> list[str]:
    """Required and primary-key text cells that hold only whitespace."""
    schema = res["schema"]
    primary = schema.get("primaryKey", [])
    primary = [primary] if isinstance(primary, str) else list(primary)
    keys = [f["name"] for f in schema["fields"]
            if f.get("type", "string") == "string" and (f["name"] in primary or f.get("constraints", {}).get("required"))]
    problems = []
    for col in keys:
        values = frame[col]
        blank = values.notna() & (values.astype("string").str.strip() == "")
        problems += [f"{res['path']}: row {i + 2}, column {col!r}: a required value that is only whitespace"
                     for i in frame.index[blank.fillna(False).astype(bool)][:20]]
    return problems


def _as_list(value: Any) -> list[str]:
    return [value] if isinstance(value, str) else list(value)


def _foreign_key_problems(name: str, res: dict[str, Any], frame: pd.DataFrame, path: Path,
                          stack: tuple[str, ...]) -> list[str]:
    problems = []
    for fk in res["schema"].get("foreignKeys", []):
        fields = _as_list(fk["fields"])
        target = fk["reference"].get("resource") or name
        ref_fields = _as_list(fk["reference"]["fields"])
        ref = frame if target == name else _load(target, path, stack + (name,))
        allowed = {tuple(str(v) for v in row) for row in ref[ref_fields].itertuples(index=False, name=None)}
        for i, row in zip(frame.index, frame[fields].itertuples(index=False, name=None)):
            if any(pd.isna(v) for v in row):
                continue
            if tuple(str(v) for v in row) not in allowed:
                shown = ", ".join(f"{f}={v!r}" for f, v in zip(fields, row))
                problems.append(f"{res['path']}: row {i + 2}: foreign key {shown} not found in table "
                                f"{target!r} ({', '.join(ref_fields)})")
    return problems


def _load(name: str, path: Path, stack: tuple[str, ...]) -> pd.DataFrame:
    if name in stack:  # tables that refer to each other: each is checked once, in its own load
        res = resource(name, path)
        return _read(res, _csv_path(res, path.parent))
    validate(name, path)
    res = resource(name, path)
    csv = _csv_path(res, path.parent)
    frame = _read(res, csv)
    targets = sorted({fk["reference"].get("resource") or name for fk in res["schema"].get("foreignKeys", [])})
    key = (_stamp(path), _stamp(csv), *(_stamp(_csv_path(resource(t, path), path.parent)) for t in targets))
    if key not in _CHECKED:  # keys and blanks: re-checked when this table or a table it refers to changes
        problems = _blank_keys(res, frame) + _foreign_key_problems(name, res, frame, path, stack)
        if problems:
            raise DataValidationError(str(csv), problems)
        _CHECKED.add(key)
    frame.attrs["source"] = res.get("citation") or res.get("title", name)
    return frame


def load(name: str, package: str | Path | None = None) -> pd.DataFrame:
    """Validate one table (and its keys into other tables), then read it with the types its schema gives."""
    path = Path(package) if package else package_path()
    return _load(name, path, ())


def describe(name: str, package: str | Path | None = None) -> str:
    """One paragraph for a caption or a notebook: title, sources and licence."""
    res = resource(name, package)
    sources = "; ".join(s.get("title", s.get("path", "")) for s in res.get("sources", []))
    licences = ", ".join(lic.get("title") or lic.get("name", "") for lic in res.get("licenses", []))
    return f"{res.get('title', name)}. Source: {sources}. Licence: {licences or 'see data/README.md'}."
