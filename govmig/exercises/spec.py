"""Exercise specs: plain data in YAML, validated, then compiled to a public form."""

from __future__ import annotations

import json
import math
from functools import lru_cache
from importlib import resources
from pathlib import Path
from typing import Any

import jsonschema
import yaml

from .check import TEXT_SEAL, canonical_number, digest, seal

BOOK_SALT = "governing-migration"


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
        if not math.isfinite(ans) or canonical_number(float(ans), ex["decimals"]) is None:
            return [f"answer: {ans!r} is not a finite number small enough to check at {ex['decimals']} decimals"]
        return []
    option_ids = [o["id"] for o in ex.get("options", [])]
    item_ids = [i["id"] for i in ex.get("items", [])]
    for name, ids in (("option", option_ids), ("item", item_ids)):
        if len(ids) != len(set(ids)):
            problems.append(f"duplicate {name} ids")
    if kind == "choice" and ans not in option_ids:
        problems.append(f"answer {ans!r} is not an option id")
    if kind == "order" and sorted(ans) != sorted(item_ids):
        problems.append("answer must list every item id exactly once")
    if kind == "match":
        if sorted(ans) != sorted(item_ids):
            problems.append("answer must give an option for every item id")
        problems += [f"answer for {k!r} is not an option id" for k, v in ans.items() if v not in option_ids]
    return problems


def validate(doc: dict[str, Any], origin: str = "<spec>") -> dict[str, Any]:
    """Validate one chapter file; raise SpecError naming the exercise and field."""
    errors = sorted(jsonschema.Draft202012Validator(schema()).iter_errors(doc), key=lambda e: list(e.path))
    if errors:
        err = errors[0]
        where = "/".join(str(p) for p in err.path) or "(top level)"
        raise SpecError(f"{origin}: {where}: {err.message}")
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


def load_file(path: str | Path) -> dict[str, Any]:
    path = Path(path)
    try:
        doc = yaml.safe_load(path.read_text("utf-8"))
    except yaml.YAMLError as exc:
        raise SpecError(f"{path}: not valid YAML: {exc}") from exc
    return validate(doc, str(path))
