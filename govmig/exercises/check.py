"""Check a response against an exercise's *public* form.

The public form holds salted SHA-256 hashes, never the answers, and is what the
static HTML page carries. This module and ``govmig/static/govmig-exercises.js``
implement the same rules; ``tests/test_exercise_parity.py`` runs both on the
same answers and compares the feedback word for word.
"""

from __future__ import annotations

import base64
import hashlib
import json
import math
import re
from dataclasses import dataclass, field
from importlib import resources
from typing import Any

MESSAGES: dict[str, str] = json.loads(
    resources.files("govmig.exercises").joinpath("messages.json").read_text("utf-8")
)

# Number rules, spelt out in ASCII so that Python and JavaScript read the same strings.
# Spaces (and U+FEFF, a BOM) and "_" anywhere are ignored; any script's decimal digits
# (Arabic-Indic, Devanagari, full-width, ...) count as the digits 0-9.
_NUM_SPACE = "\t\n\v\f\r \u00a0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000\ufeff"
_NUM_SPACE_CHARS = "\t\n\v\f\r \u00a0\u1680" + "".join(map(chr, range(0x2000, 0x200B))) + "\u2028\u2029\u202f\u205f\u3000\ufeff"
_IGNORED = re.compile(f"[{_NUM_SPACE}_]")
_THOUSANDS = re.compile(r"^[+-]?[0-9]{1,3}(,[0-9]{3})+(\.[0-9]+)?$(?!\n)")
_DECIMAL_COMMA = re.compile(r"^[+-]?[0-9]+,[0-9]+$(?!\n)")
_NUMBER = re.compile(r"^[+-]?([0-9]+\.?[0-9]*|\.[0-9]+)$(?!\n)")
MAX_EXACT = 2**53  # |value x 10^decimals| above this is not an exact integer in JavaScript
_SURROGATE = re.compile("[\ud800-\udfff]")

# One length limit per answer kind, shared by the page (govmig-exercises.js and the
# maxlength of its fields), the widget, the collector, seminar.check() and
# export-schema.json (tests/test_limits.py holds them to it). Choice, order and match
# answers are limited by their own options and items (ids of at most LIMITS["id"]).
LIMITS: dict[str, int] = json.loads(
    resources.files("govmig.exercises").joinpath("limits.json").read_text("utf-8")
)
MAX_NUMBER_CHARS = LIMITS["number"]  # longer is not a number anyone types (and cannot be exact)
MAX_TEXT_CHARS = LIMITS["text"]

# The decimal digits of every script, as the code point of each script's zero (its
# digits 0-9 follow it). One table, from one Unicode version (14.0, Python 3.11's), in
# both languages: the browser's own table is newer and would read digits Python cannot.
UNICODE_DIGITS_VERSION = "14.0.0"
DIGIT_ZEROS = (
    0x30, 0x660, 0x6F0, 0x7C0, 0x966, 0x9E6, 0xA66, 0xAE6, 0xB66, 0xBE6, 0xC66, 0xCE6, 0xD66, 0xDE6, 0xE50,
    0xED0, 0xF20, 0x1040, 0x1090, 0x17E0, 0x1810, 0x1946, 0x19D0, 0x1A80, 0x1A90, 0x1B50, 0x1BB0, 0x1C40,
    0x1C50, 0xA620, 0xA8D0, 0xA900, 0xA9D0, 0xA9F0, 0xAA50, 0xABF0, 0xFF10, 0x104A0, 0x10D30, 0x11066,
    0x110F0, 0x11136, 0x111D0, 0x112F0, 0x11450, 0x114D0, 0x11650, 0x116C0, 0x11730, 0x118E0, 0x11950,
    0x11C50, 0x11D50, 0x11DA0, 0x16A60, 0x16AC0, 0x16B50, 0x1D7CE, 0x1D7D8, 0x1D7E2, 0x1D7EC, 0x1D7F6,
    0x1E140, 0x1E2F0, 0x1E950, 0x1FBF0,
)
_TO_ASCII = {zero + n: str(n) for zero in DIGIT_ZEROS for n in range(10)}


@dataclass
class Feedback:
    """The outcome of one check: a status and the message shown to the student."""

    status: str  # empty | invalid | correct | partial | wrong; text tasks: draft | submitted
    message: str
    explanation: str | None = None
    repeated: bool = False
    wrong_items: list[str] = field(default_factory=list)
    model_answer: str | None = None  # text tasks, once submitted
    rubric: list[str] | None = None

    @property
    def correct(self) -> bool:
        return self.status == "correct"

    def as_dict(self) -> dict[str, Any]:
        return {
            "status": self.status,
            "message": self.message,
            "explanation": self.explanation,
            "repeated": self.repeated,
            "model_answer": self.model_answer,
            "rubric": self.rubric,
        }


def utf8(text: str) -> bytes:
    """UTF-8 with lone surrogates as U+FFFD, as the browser's TextEncoder writes them."""
    return _SURROGATE.sub("\ufffd", text).encode("utf-8")


def digest(*parts: str) -> str:
    """SHA-256 of the parts joined by '|' (hex)."""
    return hashlib.sha256(utf8("|".join(parts))).hexdigest()


def keystream_xor(data: bytes, salt: str, canonical: str) -> bytes:
    """XOR data with a SHA-256 keystream derived from the correct answer."""
    out = bytearray()
    block = 0
    while len(out) < len(data):
        out.extend(hashlib.sha256(f"{salt}|explain|{canonical}|{block}".encode("utf-8")).digest())
        block += 1
    return bytes(a ^ b for a, b in zip(data, out))


def seal(text: str, salt: str, canonical: str) -> str:
    """Encrypt an explanation so only the right answer can reveal it."""
    return base64.b64encode(keystream_xor(text.encode("utf-8"), salt, canonical)).decode("ascii")


def unseal(sealed: str, salt: str, canonical: str) -> str:
    return keystream_xor(base64.b64decode(sealed), salt, canonical).decode("utf-8")


def ascii_digits(text: str) -> str:
    """Every decimal digit of any script (DIGIT_ZEROS) as its ASCII digit."""
    return text.translate(_TO_ASCII)


def trim(text: str) -> str:
    """Strip the number rules' spaces at both ends (the same set in JavaScript), in time
    linear in the length (a regular expression for the right end was quadratic)."""
    return text.strip(_NUM_SPACE_CHARS)


def code_points_over(text: str, limit: int) -> bool:
    """Whether `text` has more than `limit` characters (code points, as in JavaScript's
    Array.from; a lone surrogate is one)."""
    return len(text) > limit


def js_number_text(value: int | float) -> str:
    """A JSON number as JavaScript's String(value) writes it (ECMAScript Number::toString),
    so that both checkers read the same text: 1e-05 is "0.00001", 1e21 is "1e+21"."""
    try:
        value = float(value)
    except OverflowError:
        return "Infinity" if value > 0 else "-Infinity"
    if math.isnan(value):
        return "NaN"
    if math.isinf(value):
        return "Infinity" if value > 0 else "-Infinity"
    if value == 0:
        return "0"
    sign = "-" if value < 0 else ""
    mantissa, _, exponent = repr(abs(value)).partition("e")
    whole, _, frac = mantissa.partition(".")
    digits = whole + frac
    point = len(whole) + int(exponent or 0)  # the decimal point sits after `point` digits
    stripped = digits.lstrip("0")
    point -= len(digits) - len(stripped)
    digits = stripped.rstrip("0") or "0"
    k, n = len(digits), point
    if k <= n <= 21:
        return sign + digits + "0" * (n - k)
    if 0 < n <= 21:
        return sign + digits[:n] + "." + digits[n:]
    if -6 < n <= 0:
        return sign + "0." + "0" * (-n) + digits
    e = n - 1
    return sign + (digits if k == 1 else digits[0] + "." + digits[1:]) + "e" + ("+" if e >= 0 else "-") + str(abs(e))


def parse_number(raw: str) -> float | None:
    """Read '1,300', '2.5' or '2,5'; None if the text is not a number."""
    if len(raw) > MAX_NUMBER_CHARS:
        return None
    text = _IGNORED.sub("", raw)
    text = ascii_digits(text)
    if _THOUSANDS.match(text):
        text = text.replace(",", "")
    elif _DECIMAL_COMMA.match(text):
        text = text.replace(",", ".")
    if not _NUMBER.match(text):
        return None
    value = float(text)
    return value if math.isfinite(value) else None


def canonical_number(value: float, decimals: int) -> str | None:
    """Round half up at `decimals` places, as an integer string (same in JS); None when
    the value is not finite or too large to be exact."""
    scaled = value * (10**decimals) + 0.5
    if not math.isfinite(scaled) or abs(scaled) > MAX_EXACT:
        return None
    return str(int(math.floor(scaled)))


def _fmt(key: str, **values: Any) -> str:
    return MESSAGES[key].format(**values)


def _join(*parts: str | None) -> str:
    return " ".join(p for p in parts if p)


def round_ratio(num: int, den: int, places: int) -> str:
    """num/den rounded half away from zero to `places` decimals, in integer arithmetic
    (so that Python and JavaScript print the same digits)."""
    sign = "-" if num * den < 0 else ""
    num, den = abs(num), abs(den)
    scaled = (2 * num * 10 ** places + den) // (2 * den)
    whole, frac = divmod(scaled, 10 ** places)
    return f"{sign}{whole}" + (f".{frac:0{places}d}" if places else "")


def agreement(public: dict[str, Any], canonical: str) -> dict[str, Any]:
    """Agreement of a complete coding with the reference (from hashes and public counts).

    Cohen's kappa = (p_o - p_e) / (1 - p_e), with p_o the share of items coded the same and
    p_e = sum over codes of (student's share x reference's share); in integers:
    (n*a - S) / (n*n - S), where a = items agreed and S = sum of the products of counts.
    """
    salt = public["salt"]
    pairs = dict(part.split("=", 1) for part in canonical.split(";"))
    n = len(public["items"])
    same = {i["id"] for i in public["items"] if digest(salt, i["id"], pairs[i["id"]]) == i["key"]}
    student = {o["id"]: sum(1 for v in pairs.values() if v == o["id"]) for o in public["options"]}
    s = sum(student[o["id"]] * o["ref"] for o in public["options"])
    per_code = [
        (o["text"], sum(1 for i in same if pairs[i] == o["id"]), o["ref"])
        for o in public["options"] if o["ref"] > 0
    ]
    return {"agreed": len(same), "total": n, "kappa_num": n * len(same) - s, "kappa_den": n * n - s,
            "per_code": per_code}


def agreement_message(public: dict[str, Any], canonical: str) -> str:
    a = agreement(public, canonical)
    kappa = (round_ratio(a["kappa_num"], a["kappa_den"], 2) if a["kappa_den"] else _fmt("kappa_undefined"))
    codes = "; ".join(f"{text} {same} of {ref}" for text, same, ref in a["per_code"])
    return _fmt("agreement", right=a["agreed"], total=a["total"],
                percent=round_ratio(100 * a["agreed"], a["total"], 0), kappa=kappa, codes=codes)


TEXT_SEAL = "text"  # the fixed key of written tasks' reveal (obscured, not locked: see spec.py)

# Word separators, spelt out so that Python and JavaScript count the same words.
_SPACE = "\t\n\v\f\r \u00a0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000"
_WORD = re.compile(f"[^{_SPACE}]+")


def count_words(text: str) -> int:
    return len(_WORD.findall(text))


def check_text(public: dict[str, Any], response: Any) -> Feedback:
    """A written task: say whether the draft has the right length; once it has, reveal
    the model answer and the rubric. Drafts are never marked right or wrong."""
    text = response if isinstance(response, str) else ""
    if code_points_over(text, MAX_TEXT_CHARS):
        return Feedback("invalid", _fmt("text_too_long", max=f"{MAX_TEXT_CHARS:,}"))
    words = count_words(text)
    if words == 0:
        return Feedback("empty", _fmt("empty_text"))
    hint = _fmt("hint", hint=public["hint"]) if public.get("hint") else None
    if words < public["min_words"]:
        return Feedback("draft", _join(_fmt("text_short", words=words, min=public["min_words"]), hint))
    if public.get("max_words") and words > public["max_words"]:
        return Feedback("draft", _fmt("text_long", words=words, max=public["max_words"]))
    salt, key = public["salt"], TEXT_SEAL
    return Feedback("submitted", _fmt("text_submitted", words=words),
                    explanation=unseal(public["explanation"], salt, key),
                    model_answer=unseal(public["model_answer"], salt, key),
                    rubric=[unseal(r, salt, key) for r in public["rubric"]])


def _shown(raw: str) -> str:
    """A response as quoted back in a message: at most 40 characters."""
    return raw if len(raw) <= 40 else raw[:40] + "\u2026"


def _select_value(value: Any) -> str:
    """An order or match value: a string, or a whole number given as one (2 for "2")."""
    if isinstance(value, str):
        return value
    if isinstance(value, float) and value.is_integer():  # JavaScript has no int/float distinction
        value = int(value)
    if isinstance(value, int) and not isinstance(value, bool) and abs(value) < 10**15:
        return str(value)
    return ""


def canonical_response(public: dict[str, Any], response: Any) -> Feedback | str:
    """Turn a raw response into the canonical string that is hashed.

    Returns a Feedback instead when the response is empty or unreadable.
    """
    kind = public["kind"]
    if kind == "choice":
        if not isinstance(response, str) or response == "":
            return Feedback("empty", _fmt("empty_choice"))
        return response
    if kind == "number":
        if isinstance(response, bool) or not isinstance(response, (str, int, float)):
            return Feedback("empty", _fmt("empty_number"))
        text = response if isinstance(response, str) else js_number_text(response)
        if code_points_over(text, MAX_NUMBER_CHARS):  # before anything else: every step after is linear
            return Feedback("invalid", _fmt("number_too_long", max=MAX_NUMBER_CHARS))
        raw = trim(text)
        if raw == "":
            return Feedback("empty", _fmt("empty_number"))
        value = parse_number(raw)
        canonical = canonical_number(value, public["decimals"]) if value is not None else None
        if canonical is None:
            return Feedback("invalid", _fmt("invalid_number", value=_shown(raw)))
        return canonical
    # order and match: one value per item, each one of the listed options
    response = response if isinstance(response, dict) else {}
    items = [item["id"] for item in public["items"]]
    values = {i: _select_value(response.get(i)) for i in items}
    missing = [i for i in items if values[i] == ""]
    if missing:
        return Feedback("empty", _fmt("empty_select", missing=len(missing), total=len(items)))
    options = [o["id"] for o in public["options"]]
    if any(values[i] not in options for i in items):
        return Feedback("invalid", _fmt("not_an_option"))
    if kind == "order":
        seen: dict[str, int] = {}
        for i in items:
            seen[values[i]] = seen.get(values[i], 0) + 1
        dup = [p for p in options if seen.get(p, 0) > 1]  # in the order of the positions
        if dup:
            return Feedback("invalid", _fmt("duplicate_positions", positions=", ".join(dup)))
    return ";".join(f"{i}={values[i]}" for i in items)


_FORM_FIELDS = {"choice": ("salt", "key", "options"), "number": ("salt", "key", "decimals"),
                "order": ("salt", "key", "items", "options"), "match": ("salt", "key", "items", "options"),
                "text": ("salt", "min_words", "explanation", "model_answer", "rubric")}


def form_problem(public: Any) -> str | None:
    """What is wrong with a public form itself (a damaged checks file), or None: so that a
    damaged check is reported as such, not as a student's unreadable answer."""
    if not isinstance(public, dict):
        return f"a check must be an object, not {type(public).__name__}"
    kind = public.get("kind")
    if kind not in _FORM_FIELDS:
        return f"unknown kind {str(kind)[:40]!r}"
    missing = [f for f in ("id", *_FORM_FIELDS[kind]) if f not in public]
    if missing:
        return "missing " + ", ".join(missing)
    if kind == "number" and (type(public["decimals"]) is not int or not 0 <= public["decimals"] <= 6):
        return "decimals must be a whole number from 0 to 6"
    for name in ("items", "options"):
        if name in _FORM_FIELDS[kind] and not (isinstance(public[name], list) and all(
                isinstance(e, dict) and isinstance(e.get("id"), str) for e in public[name])):
            return f"{name} must be a list of objects with an id"
    return None


def check(public: dict[str, Any], response: Any, tried: list[str] | None = None) -> Feedback:
    """Check `response` against the public form of one exercise; never raises.

    `tried` is the list of canonical answers already checked (it is updated),
    so that a repeated answer is pointed out.
    """
    try:
        return _check(public, response, tried)
    except Exception:  # noqa: BLE001 - a last resort: the rules above are meant to cover every input
        return Feedback("invalid", _fmt("unreadable"))


def _check(public: dict[str, Any], response: Any, tried: list[str] | None) -> Feedback:
    if public["kind"] == "text":
        return check_text(public, response)
    salt = public["salt"]
    canonical = canonical_response(public, response)
    if isinstance(canonical, Feedback):
        return canonical
    tried = tried if tried is not None else []
    repeated = canonical in tried
    if not repeated:
        tried.append(canonical)
    prefix = _fmt("repeat") if repeated else None
    hint = _fmt("hint", hint=public["hint"]) if public.get("hint") else None

    if digest(salt, public["id"], canonical) == public["key"]:
        explanation = unseal(public["explanation"], salt, canonical) if public.get("explanation") else None
        agreement = agreement_message(public, canonical) if public.get("agreement") else None
        return Feedback("correct", _join(_fmt("correct"), agreement), explanation, repeated)

    if public["kind"] == "choice":
        option = next((o for o in public["options"] if o["id"] == canonical), None)
        note = option.get("feedback") if option else None
        return Feedback("wrong", _join(prefix, _fmt("wrong"), note, hint), repeated=repeated)
    if public["kind"] == "number":
        return Feedback("wrong", _join(prefix, _fmt("wrong"), hint), repeated=repeated)

    pairs = dict(part.split("=", 1) for part in canonical.split(";"))
    wrong = [
        item for item in public["items"]
        if digest(salt, item["id"], pairs[item["id"]]) != item["key"]
    ]
    total = len(public["items"])
    names = ", ".join(f"\u201c{item['label']}\u201d" for item in wrong)
    right = total - len(wrong)
    message = _fmt("partial", right=right, verb="is" if right == 1 else "are", total=total, items=names)
    agreement = agreement_message(public, canonical) if public.get("agreement") else None
    return Feedback(
        "partial", _join(prefix, message, agreement, hint), repeated=repeated,
        wrong_items=[item["id"] for item in wrong],
    )
