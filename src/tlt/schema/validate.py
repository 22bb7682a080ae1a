"""Validate a parsed `Document` against one of tlt's schemas; each error becomes a `schema` problem placed at
the offending node (the unknown key itself for an unknown key, the mapping for a missing key)."""

from __future__ import annotations

import json
import math
import re
from decimal import Decimal
from functools import cache
from importlib import resources
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:  # jsonschema is imported on first validation, so `tlt --help` stays fast
    from jsonschema.exceptions import ValidationError

from tlt.loading.safeyaml import INT_MAX, INT_MIN, MAX_PLACES, Document
from tlt.problems import Problem, error, excerpt
from tlt.suggest import closest, in_problem

SCHEMA_NAMES = ("config", "role", "teacher", "import")


def _is_integer(checker: Any, instance: Any) -> bool:
    if isinstance(instance, bool) or not isinstance(instance, int):
        return False
    return INT_MIN <= instance <= INT_MAX


def _is_number(checker: Any, instance: Any) -> bool:
    if isinstance(instance, bool):
        return False
    if isinstance(instance, int):
        return INT_MIN <= instance <= INT_MAX
    if isinstance(instance, float):
        return math.isfinite(instance)
    if isinstance(instance, Decimal):
        return instance.is_finite() and abs(instance) <= INT_MAX and _places(instance) <= MAX_PLACES
    return False


def _places(value: Decimal) -> int:
    """Decimal places as written (`1.50` has 2, `1e-31` has 31); bounded so exact arithmetic stays small."""
    exponent = value.as_tuple().exponent
    return -exponent if isinstance(exponent, int) and exponent < 0 else 0


@cache
def load_schema(name: str) -> dict[str, Any]:
    """The JSON Schema `config`, `role` or `teacher`, as shipped in the package."""
    if name not in SCHEMA_NAMES:
        raise KeyError(name)
    text = resources.files("tlt.schema").joinpath(f"{name}.schema.json").read_text(encoding="utf-8")
    schema: dict[str, Any] = json.loads(text)
    return schema


@cache
def _validator(name: str) -> Any:
    import jsonschema
    from referencing import Registry

    base = jsonschema.Draft202012Validator
    checker = base.TYPE_CHECKER.redefine_many({"integer": _is_integer, "number": _is_number})
    validator = jsonschema.validators.extend(base, {"uniqueItems": _unique_items}, type_checker=checker)
    return validator(load_schema(name), format_checker=jsonschema.FormatChecker(["date"]), registry=Registry())


def _unique_items(validator: Any, unique: Any, instance: Any, schema: Any) -> Any:
    """`uniqueItems`, in linear time. jsonschema's own sorts the items and, when they cannot be sorted (text and
    numbers mixed, mappings), compares every item with every earlier one: quadratic in a list a hostile file
    can make long (docs/performance.md, "Hostile input"). Items are keyed instead by a hashable form that
    is equal exactly when jsonschema's `equal` says two items are (tests/test_schema_scale.py holds it to it)."""
    if unique and validator.is_type(instance, "array"):
        seen: set[Any] = set()
        for item in instance:
            key = _same_as(item)
            if key in seen:
                from jsonschema.exceptions import ValidationError

                yield ValidationError("lists an item more than once")  # (not the list's repr: it may be 1 MiB)
                return
            seen.add(key)


def _same_as(item: Any) -> Any:
    """A hashable key equal for two items exactly when JSON Schema calls them equal: true and 1 differ, 1 and 1.0
    do not (equal numbers of any type hash alike in Python), lists compare item by item, mappings by key."""
    if item is True or item is False:
        return ("boolean", item)
    if isinstance(item, str):
        return ("text", item)
    if isinstance(item, dict):
        return ("mapping", frozenset((key, _same_as(value)) for key, value in item.items()))
    if isinstance(item, (list, tuple)):
        return ("list", tuple(_same_as(value) for value in item))
    return ("value", item)


_TYPE_NAMES = {
    "string": "text",
    "integer": "a whole number",
    "number": "a number",
    "boolean": "true or false",
    "array": "a list",
    "object": "a mapping",
    "null": "null",
}


#: Text that other YAML readers (YAML 1.1, yaml-rs) or a spreadsheet would call a number, and tlt's grammar does
#: not: `0X1F`, `+0x1F`, `0b101`, `92_000`, `92,000`. A type problem on one says how a number is written.
_LOOSE_NUMBER = re.compile(
    r"[-+]?(?:0[xXoObB][0-9a-fA-F_]*|[0-9_][0-9_,]*(?:\.[0-9_]*)?|\.[0-9_]+)(?:[eE][-+]?[0-9_]+)?"
)
_NUMBER_HINT = (
    " (tlt reads numbers as YAML 1.2 does: digits with no underscores or commas; hex and octal only as 0x… and "
    "0o…, in lower case and with no sign)"
)


def _number_hint(instance: Any, expected: list[Any]) -> str:
    if not isinstance(instance, str) or not ({"number", "integer"} & set(expected)) or len(instance) > 80:
        return ""
    looks = _LOOSE_NUMBER.fullmatch(instance) and any(c.isdigit() for c in instance)
    return _NUMBER_HINT if looks else ""


def _describe(instance: Any) -> str:
    if isinstance(instance, bool):
        return f"the boolean {excerpt(instance)}"
    if isinstance(instance, float) and not math.isfinite(instance):
        shown = ".nan" if math.isnan(instance) else (".inf" if instance > 0 else "-.inf")
        return f"the non-finite number {shown}"
    if isinstance(instance, int) and not INT_MIN <= instance <= INT_MAX:
        return "an integer beyond 64 bits"
    if isinstance(instance, Decimal) and instance.is_finite() and _places(instance) > MAX_PLACES:
        return f"a number with more than {MAX_PLACES} decimal places"
    if isinstance(instance, Decimal) and not _is_number(None, instance):
        return "a number too large"
    if isinstance(instance, (int, Decimal)):
        return f"the number {excerpt(instance)}"
    if isinstance(instance, str):
        return excerpt(instance)
    return excerpt(instance)


def _where(path: tuple[Any, ...]) -> str:
    parts: list[str] = []
    for p in path:
        # a key comes from the file: quote at most an excerpt of it (SPEC section 7)
        parts.append(f"[{p}]" if isinstance(p, int) else (("." if parts else "") + excerpt(str(p))[1:-1]))
    return "".join(parts) or "the document"


def _and(words: list[str]) -> str:
    quoted = [f"'{w}'" for w in words]
    return quoted[0] if len(quoted) == 1 else ", ".join(quoted[:-1]) + " and " + quoted[-1]


def _messages(err: ValidationError) -> list[tuple[str, tuple[Any, ...], bool]]:
    """[(message, path of the node to place it at, place at the key rather than the value)]: one per unknown key,
    else one."""
    path = tuple(err.absolute_path)
    schema = err.schema if isinstance(err.schema, dict) else {}
    inst = err.instance
    if err.validator == "additionalProperties" and isinstance(inst, dict):
        allowed = sorted(schema.get("properties", {}))
        extra = [k for k in inst if k not in schema.get("properties", {})]
        return [
            (
                f"unknown key {excerpt(key)} in {_where(path)}{in_problem(closest(str(key), allowed))}; "
                f"allowed keys: {', '.join(allowed)}",
                path + (key,),
                True,
            )
            for key in extra
        ]
    if "propertyNames" in err.relative_schema_path and isinstance(inst, str):
        # a rule's kind: the error is about one key of the mapping at `path`
        kinds = [str(k) for k in err.validator_value] if err.validator == "enum" else []
        return [
            (
                f"unknown rule kind {excerpt(inst)} in {_where(path)}{in_problem(closest(inst, kinds))}; "
                f"expected one of: {', '.join(kinds)}",
                path + (inst,),
                True,
            )
        ]
    return [_message(err)]


def _message(err: ValidationError) -> tuple[str, tuple[Any, ...], bool]:
    """(message, path of the node to place it at, place at the key rather than the value)."""
    path = tuple(err.absolute_path)
    where = _where(path)
    schema = err.schema if isinstance(err.schema, dict) else {}
    custom = schema.get("x-tlt-message")
    v = err.validator
    inst = err.instance
    if v == "required":
        missing = [k for k in err.validator_value if isinstance(inst, dict) and k not in inst]
        if len(missing) > 1:
            return f"{where} lacks the required keys {_and(missing)}", path, False
        return f"{where} lacks the required key '{missing[0] if missing else err.validator_value}'", path, False
    if v in ("minProperties", "maxProperties") and custom:
        return f"{where}: {custom}", path, False
    if v in ("anyOf", "oneOf") and custom:
        return f"{where}: {custom}", path, False
    if v == "not" and custom and isinstance(inst, dict):
        # keys that exclude each other (`compensation`'s stipend and parts): placed at the one written last
        keys = [k for k in inst if k in (err.validator_value or {}).get("required", ())]
        return f"{where}: {custom}", path + tuple(keys[-1:]), bool(keys)
    if v in ("pattern", "format") and custom:
        return f"{where} is {_describe(inst)}; expected {custom}", path, False
    if v == "type" and custom and not custom.startswith("expected"):
        return f"{where} is {_describe(inst)}; expected {custom}", path, False
    if v == "type":
        expected = err.validator_value if isinstance(err.validator_value, list) else [err.validator_value]
        names = " or ".join(_TYPE_NAMES.get(str(t), str(t)) for t in expected)
        return f"{where} is {_describe(inst)}; expected {names}{_number_hint(inst, expected)}", path, False
    if v == "enum":
        options = [str(o) for o in err.validator_value]
        hint = in_problem(closest(str(inst), options)) if isinstance(inst, str) else ""
        return f"{where} is {_describe(inst)}{hint}; expected one of: {', '.join(options)}", path, False
    if v == "const":
        return f"{where} is {_describe(inst)}; expected {excerpt(err.validator_value)}", path, False
    if v in ("minimum", "exclusiveMinimum", "maximum", "exclusiveMaximum"):
        words = {
            "minimum": "at least",
            "exclusiveMinimum": "more than",
            "maximum": "at most",
            "exclusiveMaximum": "less than",
        }
        return f"{where} is {_describe(inst)}; expected {words[v]} {err.validator_value}", path, False
    if v == "minItems":
        return f"{where} has {len(inst)} item(s); expected at least {err.validator_value}", path, False
    if v == "uniqueItems":
        return f"{where} lists an item more than once", path, False
    if v == "minLength":
        return f"{where} is empty; expected text", path, False
    if v == "dependentRequired":
        for key, needs in err.validator_value.items():
            if isinstance(inst, dict) and key in inst:
                lacking = [n for n in needs if n not in inst]
                if lacking:
                    return f"{where}: '{key}' needs '{lacking[0]}'", path + (key,), True
    if custom:
        return f"{where}: expected {custom}", path, False
    return f"{where}: {err.validator} {excerpt(err.validator_value)} not met by {_describe(inst)}", path, False


def _best(err: ValidationError) -> ValidationError:
    """For anyOf/oneOf without a message of their own, descend to the most relevant sub-error."""
    schema = err.schema if isinstance(err.schema, dict) else {}
    if err.validator in ("anyOf", "oneOf") and err.context and not schema.get("x-tlt-message"):
        from jsonschema.exceptions import best_match

        return _best(best_match(err.context))
    return err


#: Schema problems listed per file. A file under 1 MiB can hold 350,000 (`memberships: [1, 1, …]`), each costly
#: to list (docs/performance.md, "Hostile input"), and a CI log shows only the first few anyway. The rest are counted, up to `COUNTED_BEYOND` more, and said in one last problem.
MAX_SCHEMA_PROBLEMS = 100
COUNTED_BEYOND = 1000


def validate_document(doc: Document, name: str) -> list[Problem]:
    """Schema problems of `doc` (already parsed) against schema `name`; one per offending node, at most
    `MAX_SCHEMA_PROBLEMS`, then one saying how many more there are (counted up to `COUNTED_BEYOND`)."""
    if doc.data is None:
        return []
    problems: list[Problem] = []
    seen: set[tuple[Any, ...]] = set()
    errors = _validator(name).iter_errors(doc.data)
    for raw in errors:
        messages = _messages(_best(raw))
        for i, (message, path, at_key) in enumerate(messages):
            if (path, message) in seen:
                continue
            if len(problems) == MAX_SCHEMA_PROBLEMS:
                problems.append(_more(doc, path, at_key, len(messages) - i + _count(errors)))
                return problems
            seen.add((path, message))
            line, col = doc.key_position(path) if at_key else doc.position(path)
            problems.append(error(doc.path, line, col, "schema", message))
    return problems


def _count(errors: Any) -> int:
    """How many problems the errors left in `errors` make (an unknown key each, else one an error), counting at
    most `COUNTED_BEYOND` + 1 of them: no messages, positions or best matches are made for them."""
    n = 0
    for raw in errors:
        inst = raw.instance
        if raw.validator == "additionalProperties" and isinstance(inst, dict):
            allowed = raw.schema.get("properties", {}) if isinstance(raw.schema, dict) else {}
            n += sum(1 for key in inst if key not in allowed)
        else:
            n += 1
        if n > COUNTED_BEYOND:
            break
    return n


def _more(doc: Document, path: tuple[Any, ...], at_key: bool, more: int) -> Problem:
    """The last schema problem of a file with too many to list, placed at the first one not listed."""
    line, col = doc.key_position(path) if at_key else doc.position(path)
    if more > COUNTED_BEYOND:
        what = f"more than {COUNTED_BEYOND:,} more schema problems"
    else:
        what = f"{more:,} more schema problem{'s' if more != 1 else ''}"
    return error(
        doc.path, line, col, "schema",
        f"and {what} from here on in this file (only the first {MAX_SCHEMA_PROBLEMS} of a file are listed); "
        "fix these and run `tlt validate` again",
    )  # fmt: skip
