"""The schemas tlt publishes for people and editors (`tlt schema`, the `schemas/` that `tlt init` writes, and the
project's `schemas/`): the packaged schemas, with tlt's own `x-tlt-message` texts turned into `errorMessage`s.

`x-tlt-message` is the one hand-written source of a friendly text. tlt's validator reads it where a check fails
as a whole (an `anyOf` of alternatives, a `oneOf` of which keys, a pattern) and builds its problem messages
around it. Editors never read it: the YAML language server (VS Code's YAML extension, and the same server in
Neovim, Helix, Zed, ...) and VS Code's JSON support read `errorMessage` in place of their own text for the
`type`, `enum`, `const`, `pattern`, `format` and `required` checks of the schema object that carries it, and
`patternErrorMessage` for `pattern` and `format` only (yaml-language-server's
src/languageservice/parser/schemaValidation/baseValidator.ts). `errorMessage` alone covers both, and it is also
the keyword of ajv-errors, with the same meaning, so ajv in strict mode accepts the published schemas with its
standard plugins (ajv-formats, ajv-errors) and no keyword of tlt's own.

Where a text goes differs from where tlt reads it, because editors use `errorMessage` only on the schema object
whose own check fails:

- on a leaf (a pattern, a format, an enum; no subschema) it stays where it is, as "Expected ...". A leaf only:
  ajv-errors gives an object's message to every error of its subschemas too, and the YAML server gives it to
  "Missing property" and "Property x is not allowed" of that object, so an object-level text would hide them;
- on an `anyOf`/`oneOf` whose branches each require some keys (an experience rule needs min_years or tag), the
  text goes into every branch: a mapping with none of the keys fails every branch's `required`, and the editor
  shows the branch's text instead of "Missing property". A `oneOf` matched twice still gets the editor's own
  "Matches multiple schemas when only one must validate": no keyword changes that text;
- elsewhere (an `anyOf` of alternatives such as a date or null; a rule's one-key mapping) editors show the
  message of the alternative that came closest, which is the leaf's own text, or their generic one.

Everything else is the packaged schema unchanged, so the published schema accepts and refuses exactly what tlt
does; tests/test_schema.py holds that.
"""

from __future__ import annotations

from functools import cache
from typing import Any

from tlt.schema.validate import load_schema

TLT_MESSAGE = "x-tlt-message"
EDITOR_MESSAGE = "errorMessage"

# keywords that hold subschemas: a node with any of them is not a leaf
_SUBSCHEMA_KEYWORDS = frozenset(
    {
        "$ref",
        "properties",
        "patternProperties",
        "additionalProperties",
        "propertyNames",
        "dependentSchemas",
        "items",
        "prefixItems",
        "contains",
        "allOf",
        "anyOf",
        "oneOf",
        "not",
        "if",
        "then",
        "else",
    }
)


def _sentence(text: str, *, expected: bool) -> str:
    """An editor's line: capitalised, with a full stop; "Expected ..." for the noun phrases tlt puts after
    "expected" in its own messages."""
    if expected and not text.startswith("expected"):
        text = f"expected {text}"
    return text[:1].upper() + text[1:] + ("" if text.endswith(".") else ".")


def _is_which_keys(branches: Any) -> bool:
    return (
        isinstance(branches, list)
        and bool(branches)
        and all(isinstance(b, dict) and set(b) == {"required"} for b in branches)
    )


def _publish(node: Any) -> Any:
    if isinstance(node, list):
        return [_publish(item) for item in node]
    if not isinstance(node, dict):
        return node
    text = node.get(TLT_MESSAGE)
    out: dict[str, Any] = {}
    for key, value in node.items():
        if key == TLT_MESSAGE:
            if not _SUBSCHEMA_KEYWORDS & set(node):
                out[EDITOR_MESSAGE] = _sentence(value, expected=True)
            continue
        value = _publish(value)
        if key in ("anyOf", "oneOf") and isinstance(text, str) and _is_which_keys(value):
            value = [{**branch, EDITOR_MESSAGE: _sentence(text, expected=False)} for branch in value]
        out[key] = value
    return out


@cache
def published_schema(name: str) -> dict[str, Any]:
    """The JSON Schema `config`, `role` or `teacher` as tlt publishes it; raises `KeyError` for another name."""
    published: dict[str, Any] = _publish(load_schema(name))
    return published
