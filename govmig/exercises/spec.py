"""Exercise specs: plain data in YAML, validated, then compiled to a public form."""

from __future__ import annotations

import copy
import json
import math
import re
from functools import lru_cache
from importlib import resources
from pathlib import Path
from typing import Any

import jsonschema
import yaml

from .check import MAX_EXACT, TEXT_SEAL, canonical_number, digest, seal

BOOK_SALT = "governing-migration"


_ID = re.compile(r"^[a-z0-9][a-z0-9-]*\Z")


class SpecError(ValueError):
    """An exercise file does not follow the schema or is inconsistent."""


@lru_cache(maxsize=1)
def schema() -> dict[str, Any]:
    return json.loads(resources.files("govmig.exercises").joinpath("schema.json").read_text("utf-8"))


def _consistency(ex: dict[str, Any]) -> list[str]:
    """Checks the schema cannot express: answers refer to ids that exist."""
    problems = []
    if ex["kind"] == "text":
        low, high = ex["min_words"], ex.get("max_words", ex["min_words"])
        return [] if high >= low else ["max_words is smaller than min_words"]
    kind, ans = ex["kind"], ex["answer"]
    if kind == "number":
        try:
            exact = (math.isfinite(ans) and abs(ans) * 10 ** ex["decimals"] < MAX_EXACT
                     and canonical_number(float(ans), ex["decimals"]) is not None)
        except (OverflowError, ValueError):
            exact = False
        if not exact:
            shown = _short(repr(ans), 40)
            return [f"answer: {shown} is not a finite number small enough to check exactly at {ex['decimals']} decimals"]
        return []
    option_ids = [o["id"] for o in ex.get("options", [])]
    item_ids = [i["id"] for i in ex.get("items", [])]
    for name, ids in (("option", option_ids), ("item", item_ids)):
        if len(ids) != len(set(ids)):
            problems.append(f"duplicate {name} ids")
    if kind == "choice" and ans not in option_ids:
        problems.append(f"answer {ans!r} is not an option id")
    if kind == "order" and sorted(ans, key=str) != sorted(item_ids, key=str):
        problems.append("answer must list every item id exactly once")
    elif kind == "order" and list(ans) == item_ids and ex["id"] not in LAYOUT_PENDING:
        problems.append("items are listed in the answer's order (every renderer shows the spec's order, "
                        "so the exercise would give its answer away): list them in another order")
    if kind == "match":
        if sorted(ans, key=str) != sorted(item_ids, key=str):
            problems.append("answer must give an option for every item id")
        problems += [f"answer for {k!r} is not an option id" for k, v in ans.items() if v not in option_ids]
        if not problems and lined_up(item_ids, option_ids, ans) and ex["id"] not in LAYOUT_PENDING:
            problems.append("options line up with the items' answers (the first item's answer is the first "
                            "option, the second's the second, ...): list the options in another order")
    return problems


def lined_up(item_ids: list[str], option_ids: list[str], answer: dict[str, str]) -> bool:
    """Whether a match exercise's options, in the spec's order, are its items' answers in
    the items' order (as far as both lists go): a layout that gives the answer away."""
    pairs = min(len(item_ids), len(option_ids))
    if pairs < 2 or not all(answer.get(item_ids[k]) == option_ids[k] for k in range(pairs)):
        return False
    # One to one, or a run of three or more; two options answering the first two items
    # of many is as likely as not, and shows nothing.
    return pairs == len(item_ids) or pairs >= 3


def layout_gives_answer_away(ex: dict[str, Any]) -> bool:
    """An order exercise listed in the answer's order, or a match exercise whose options
    line up with its items' answers (every renderer shows the spec's order)."""
    items = [i["id"] for i in ex.get("items", [])]
    if ex["kind"] == "order":
        return list(ex["answer"]) == items
    if ex["kind"] == "match":
        return lined_up(items, [o["id"] for o in ex["options"]], ex["answer"])
    return False


# Exercises in the book's specs that still give their answer away in their layout, left
# to their chapters' issues (a spec's owner reorders it, which changes its key: a new id).
# Nothing else may join this list: tests/test_spec_strict.py fails when one is fixed, so
# that it leaves the list.
LAYOUT_PENDING = frozenset({
    "iom-readings-match",                         # Chapter 1 as a textbook chapter
})


def _short(text: str, limit: int = 300) -> str:
    return text if len(text) <= limit else text[:limit] + "\u2026"


def _where(path: Any) -> str:
    return "/".join(str(p) for p in path)


@lru_cache(maxsize=1)
def _validators() -> tuple[jsonschema.protocols.Validator, jsonschema.protocols.Validator]:
    """One validator for the file without its exercises, one for a single exercise."""
    full = schema()
    top = copy.deepcopy(full)
    top["properties"]["exercises"] = {"type": "array", "minItems": 1}
    one = {"$ref": "#/$defs/exercise", "$defs": full["$defs"]}
    return jsonschema.Draft202012Validator(top), jsonschema.Draft202012Validator(one)


def _exercise_problem(ex: Any, validator: jsonschema.protocols.Validator) -> str | None:
    """The first problem of one exercise, as 'field: message' (the kind is checked first)."""
    if not isinstance(ex, dict):
        return f"(the exercise): must be a mapping of fields, not {type(ex).__name__}"
    kinds = schema()["$defs"]["exercise"]["properties"]["kind"]["enum"]
    if ex.get("kind") not in kinds:
        return f"kind: {_short(repr(ex.get('kind')), 60)} is not one of {', '.join(kinds)}"
    errors = list(validator.iter_errors(ex))
    if not errors:
        return None
    error = min(errors, key=lambda e: (e.validator not in ("required", "unevaluatedProperties"),
                                       [str(p) for p in e.absolute_path]))
    field = _where(error.absolute_path)
    if error.validator == "required":
        return f"{error.message.split(' is a required')[0].strip(chr(39))}: missing (a {ex['kind']} exercise needs it)"
    if error.validator == "unevaluatedProperties":
        unknown = sorted(k for k in ex if k not in _known_fields(ex["kind"]))
        return (f"{', '.join(map(str, unknown)) or field or '(the exercise)'}: not a field of a {ex['kind']} exercise "
                f"(misspelt? known: {', '.join(_known_fields(ex['kind']))})")
    if error.validator == "pattern" and error.schema.get("pattern") == schema()["$defs"]["text"]["pattern"]:
        return f"{field}: is empty or only spaces (or zero-width marks)"
    if error.validator == "not" and error.validator_value == schema()["$defs"]["text"]["not"]:
        return f"{field}: holds a control character (such as NUL): remove it"
    return f"{field or '(the exercise)'}: {_short(error.message)}"


@lru_cache(maxsize=8)
def _known_fields(kind: str) -> tuple[str, ...]:
    defs = schema()["$defs"]
    return tuple(list(defs["common"]["properties"]) + list(defs[f"kind-{kind}"]["properties"]))


def validate(doc: dict[str, Any], origin: str = "<spec>") -> dict[str, Any]:
    """Validate one chapter file; raise SpecError naming the file, the exercise and the field."""
    top, one = _validators()
    errors = sorted(top.iter_errors(doc), key=lambda e: [str(p) for p in e.absolute_path])
    if errors:
        err = errors[0]
        raise SpecError(f"{origin}: {_where(err.absolute_path) or '(top level)'}: {_short(err.message)}")
    for n, ex in enumerate(doc["exercises"]):
        problem = _exercise_problem(ex, one)
        if problem:
            ex_id = ex.get("id") if isinstance(ex, dict) else None
            if isinstance(ex_id, str) and _ID.match(ex_id):
                name = ex_id
            else:
                name = f"exercises/{n}" + (f" (id {_short(repr(ex_id), 60)})" if ex_id is not None else "")
            raise SpecError(f"{origin}: {name}: {problem}")
    seen = set()
    for ex in doc["exercises"]:
        if not ex["id"].startswith(doc["chapter"] + "-"):
            raise SpecError(f"{origin}: {ex['id']}: exercise ids start with the chapter slug {doc['chapter']!r}")
        if ex["id"] in seen:
            raise SpecError(f"{origin}: {ex['id']}: duplicate exercise id")
        seen.add(ex["id"])
        problems = _consistency(ex)
        if problems:
            raise SpecError(f"{origin}: {ex['id']}: " + "; ".join(problems))
    for exercise_id in doc.get("retired", []):
        if exercise_id in seen:
            raise SpecError(f"{origin}: retired: {exercise_id}: is also a live exercise id "
                            "(delete the exercise, or take its id out of retired:)")
    return doc


def canonical_answer(ex: dict[str, Any]) -> str:
    """The canonical string of the right answer (what is hashed)."""
    kind, ans = ex["kind"], ex["answer"]
    if kind == "choice":
        return ans
    if kind == "number":
        return canonical_number(float(ans), ex["decimals"])
    if kind == "order":
        position = {item: str(n) for n, item in enumerate(ans, start=1)}
        return ";".join(f"{i['id']}={position[i['id']]}" for i in ex["items"])
    return ";".join(f"{i['id']}={ans[i['id']]}" for i in ex["items"])


def compile_public(ex: dict[str, Any], chapter: str) -> dict[str, Any]:
    """The form that static pages carry: texts, hints and hashes, no answers."""
    salt = digest(BOOK_SALT, ex["id"])[:16]
    if ex["kind"] == "text":
        # Any draft of the right length reveals the model answer, so nothing can be locked
        # with a hash; the texts are sealed with a fixed key only to keep them out of the
        # page's readable text (and of search), like a folded answer sheet.
        public = {"id": ex["id"], "chapter": chapter, "kind": "text", "title": ex["title"],
                  "prompt": ex["prompt"], "salt": salt, "min_words": ex["min_words"],
                  "explanation": seal(ex["explanation"], salt, TEXT_SEAL),
                  "model_answer": seal(ex["model_answer"], salt, TEXT_SEAL),
                  "rubric": [seal(r, salt, TEXT_SEAL) for r in ex["rubric"]]}
        if ex.get("max_words"):
            public["max_words"] = ex["max_words"]
        if ex.get("hint"):
            public["hint"] = ex["hint"]
        return public
    canonical = canonical_answer(ex)
    public: dict[str, Any] = {
        "id": ex["id"],
        "chapter": chapter,
        "kind": ex["kind"],
        "title": ex["title"],
        "prompt": ex["prompt"],
        "salt": salt,
        "key": digest(salt, ex["id"], canonical),
        "explanation": seal(ex["explanation"], salt, canonical),
    }
    if ex.get("hint"):
        public["hint"] = ex["hint"]
    if ex["kind"] == "choice":
        public["options"] = [
            {k: o[k] for k in ("id", "text", "feedback") if k in o and not (k == "feedback" and o["id"] == ex["answer"])}
            for o in ex["options"]
        ]
    elif ex["kind"] == "number":
        public["decimals"] = ex["decimals"]
        if ex.get("unit"):
            public["unit"] = ex["unit"]
    else:
        pairs = dict(part.split("=", 1) for part in canonical.split(";"))
        public["items"] = [
            {"id": i["id"], "text": i["text"], "label": i.get("label", i["text"]), "key": digest(salt, i["id"], pairs[i["id"]])}
            for i in ex["items"]
        ]
        if ex["kind"] == "match":
            public["options"] = [{"id": o["id"], "text": o["text"]} for o in ex["options"]]
            if ex.get("agreement"):  # how often the reference uses each option: public, needed for kappa
                public["agreement"] = True
                for o in public["options"]:
                    o["ref"] = sum(1 for v in ex["answer"].values() if v == o["id"])
        else:
            public["options"] = [{"id": str(n), "text": str(n)} for n in range(1, len(ex["items"]) + 1)]
    return public


def spec_dir() -> Path:
    """exercises/specs/ of the book (found upwards from the working directory)."""
    here = Path.cwd().resolve()
    for folder in (here, *here.parents):
        candidate = folder / "exercises" / "specs"
        if candidate.is_dir():
            return candidate
    raise FileNotFoundError("exercises/specs/ not found above " + str(here))


_BaseLoader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)  # libyaml's parser: 20x faster, same safe constructor


class _StrictLoader(_BaseLoader):  # type: ignore[misc, valid-type]
    """Safe YAML that refuses duplicate keys (PyYAML would keep the last one silently)."""

    def construct_mapping(self, node, deep=False):  # type: ignore[override]
        seen: dict[Any, Any] = {}
        for key_node, _ in node.value:
            key = self.construct_object(key_node, deep=True)
            if isinstance(key, (str, int, float, bool)) and key in seen:
                raise yaml.constructor.ConstructorError(
                    "while reading a mapping", node.start_mark,
                    f"duplicate key {key!r} (first at line {seen[key].line + 1})", key_node.start_mark)
            if isinstance(key, (str, int, float, bool)):
                seen[key] = key_node.start_mark
        return super().construct_mapping(node, deep)


def _refuse_aliases(root: yaml.Node | None) -> None:
    """An alias (*name) makes one node appear twice; no exercise needs one, and an
    alias bomb is a tree of them."""
    seen: set[int] = set()
    stack = [root] if root is not None else []
    while stack:
        node = stack.pop()
        if id(node) in seen:
            raise yaml.constructor.ConstructorError(None, None, "aliases (*name) are not allowed in exercise specs",
                                                    node.start_mark)
        seen.add(id(node))
        if isinstance(node, yaml.MappingNode):
            stack += [part for pair in node.value for part in pair]
        elif isinstance(node, yaml.SequenceNode):
            stack += node.value


MAX_FLOW_DEPTH = 100  # libyaml's C composer crashes the interpreter on a 100,000-deep [[[...]]]


def _flow_depth_problem(text: str) -> str | None:
    """Refuse deeply nested flow collections before libyaml sees them (one pass, linear)."""
    depth = 0
    quote = ""
    for ch in text:
        if quote:
            if ch == quote:
                quote = ""
        elif ch in "\"'":
            quote = ch
        elif ch in "[{":
            depth += 1
            if depth > MAX_FLOW_DEPTH:
                return f"nested more than {MAX_FLOW_DEPTH} levels deep in [ ] or {{ }}"
        elif ch in "]}":
            depth = max(depth - 1, 0)
        elif ch == "\n":
            quote = ""  # a quote never spans lines in a flow collection of this book
    return None


def _parse_yaml(text: str) -> Any:
    problem = _flow_depth_problem(text)
    if problem:
        raise yaml.YAMLError(problem)
    loader = _StrictLoader(text)
    try:
        node = loader.get_single_node()
        _refuse_aliases(node)
        return loader.construct_document(node) if node is not None else None
    finally:
        loader.dispose()


def load_file(path: str | Path) -> dict[str, Any]:
    """Read and validate one spec file (cached until the file changes; a fresh copy each call)."""
    path = Path(path)
    try:
        st = path.stat()
    except OSError:
        return _load_file(path)  # raises the clear FileNotFoundError
    return copy.deepcopy(_load_cached(str(path), st.st_mtime_ns, st.st_size))


@lru_cache(maxsize=64)
def _load_cached(path: str, mtime_ns: int, size: int) -> dict[str, Any]:
    return _load_file(Path(path))


def _load_file(path: Path) -> dict[str, Any]:
    try:
        text = path.read_bytes().decode("utf-8")
    except UnicodeDecodeError as exc:
        raise SpecError(f"{path}: not UTF-8 text (byte {exc.start}: {exc.reason})") from None
    try:
        doc = _parse_yaml(text)
    except yaml.YAMLError as exc:
        raise SpecError(f"{path}: not valid YAML: {exc}") from exc
    except RecursionError:
        raise SpecError(f"{path}: not an exercise file (nested too deeply)") from None
    except ValueError as exc:  # e.g. an integer longer than Python reads (int max str digits)
        raise SpecError(f"{path}: not valid YAML: {_short(str(exc), 200)}") from None
    return validate(doc, str(path))
