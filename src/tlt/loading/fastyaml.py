"""The fast path for ordinary files: a Rust YAML parser (yaml-rs) and a compiled schema check (jsonschema-rs).

A wrapper around the reference reader (`tlt.loading.reader`), which knows nothing of it: `fast_reader(reference)`
is a reader that answers a file itself when `read_fast` can vouch for it (a `LazyDocument` holding the file's
data, with no problems) and hands every other file to `reference`, which is the one that reports problems. So
every message and line a user sees comes from the reference path; the fast path only ever says "this file is
fine". `tlt.pipeline` installs it, in one place (`READER`).

A file takes the fast path only when a cheap scan finds none of what the two parsers could treat differently:
tags, anchors, aliases, merge keys (`!`, `&`, `*`, `<`), tabs, control characters, directives and explicit keys
(`%`, `?`), more than 3,000 dashes that can start a sequence entry (a dash before white space: deep compact
sequences `- - x` would overflow the Rust parser's stack; dashes inside ids such as `t-1` cannot), and
every number yaml-rs reads by a looser grammar than tlt's (docs/ci.md, "How values are read"): a
`0` before any of `xXoObB` (yaml-rs reads `0X1F`, `0B101`, `0O17` and `+0x10` as integers, and hex of any length
as a big integer that jsonschema-rs lets through), an underscore beside a digit or a dot (`92__000`, `92000_`,
`_92000`, `1_000.5`), `.inf`/`.nan` in any case (yaml-rs ignores the case), exponents, and digit runs of 16 or
more (numbers beyond 64 bits or beyond exact float precision); nor NEL, U+2028 or U+2029, which the reference
path refuses. Such characters inside quoted text only send a file down the reference path, which is always safe.
Floats come back as `float` with at most 15 significant digits, which the model turns into the same `Decimal`;
a float where the schema wants an integer (`integer_fields`, read off the schema) goes to the reference path,
which refuses it. Duplicate keys make yaml-rs fail, and a multi-document file gives a list: both go to the
reference path.

Positions are not kept: a `LazyDocument` re-parses its text with the reference path the first time a problem
needs one. Without yaml-rs or jsonschema-rs installed, or with TLT_REFERENCE_ONLY=1, every file takes the
reference path.
"""

from __future__ import annotations

import os
import re
from functools import cache
from typing import Any

from tlt.loading.reader import Reader
from tlt.loading.safeyaml import MAX_BYTES, Document, Path, Position, decode, parse_text
from tlt.schema import load_schema


def _classes() -> bytes:
    """A byte → class table for `ordinary`: the few classes its patterns tell apart, everything else `o`."""
    table = bytearray(b"o" * 256)
    for byte in b"0123456789.":
        table[byte] = ord("d")  # a digit; a dot counts as one too (a superset: more files take the reference path)
    for char, cls in (("e", "e"), ("E", "e"), ("_", "_"), ("+", "+"), ("-", "-"), (":", ":")):
        table[ord(char)] = ord(cls)
    for byte in b"xXoObB":
        table[byte] = ord("b")  # a radix letter: after a digit, it may make a number yaml-rs reads and tlt does not
    for byte in b" \n\r":
        table[byte] = ord("w")  # white space
    for byte in b"[{,":
        table[byte] = ord("p")  # punctuation that opens a plain scalar like white space does
    for byte in range(0x80, 0x100):
        table[byte] = ord("p")  # any non-ASCII character might be Unicode white space
    for byte in b"!&*\t<%?\x7f" + bytes(range(0x00, 0x09)) + b"\x0b\x0c" + bytes(range(0x0E, 0x20)):
        table[byte] = ord("!")
    return bytes(table)


_CLASS = _classes()
#: the odd characters beyond ASCII, in UTF-8: C1 controls (NEL, U+0085, among them), U+2028 and U+2029 (line
#: breaks to libyaml, text to yaml-rs: the reference path refuses them), and the noncharacters U+FFFE/U+FFFF
_ODD_UTF8 = re.compile(rb"\xc2[\x80-\x9f]|\xe2\x80[\xa8\xa9]|\xef\xbf[\xbe\xbf]")
#: numbers the two parsers may read apart, in classes: an underscore beside a digit or a dot (`1_000`, `92000_`,
#: `_5`, `1._5`), and exponents (`1e3`, `1.e3`, `1e+3`); and digit runs of 16 or more (beyond 64 bits or exact
#: float precision), looked for apart. Every number yaml-rs reads with an underscore has one beside a digit or
#: a dot: its other characters (sign, `e`, radix letters) cannot surround a run of underscores on both sides.
_ODD_NUMBERS = (b"d_", b"_d", b"ded", b"de+d", b"de-d")
#: and in the bytes themselves: radix prefixes in any case (`0x1F` too: hex has no digit limit in the classes)
_RADIX_PREFIXES = (b"0x", b"0X", b"0o", b"0O", b"0b", b"0B")
#: `.inf` and `.nan` in any case: yaml-rs reads `.iNf` as infinity, tlt's grammar (YAML 1.2 core) as text
_NON_FINITE = re.compile(rb"\.(?:[iI][nN][fF]|[nN][aA][nN])")
#: classes → digits (`d`), what may stand beside one in an odd number (`x`: a radix letter, `_`, `e`), the rest:
#: one scan finds "a digit beside one of those", which few files have, before the exact patterns are looked for
_NUMBER_HINT = bytes(ord("d") if c == ord("d") else ord("x") if c in b"b_e" else ord(" ") for c in range(256))
#: yaml-rs recurses once per compact nested sequence (`- - - x`); 5,000 levels are fine, 20,000 overflow its
#: stack. A file with more sequence-entry dashes (a dash before white space) than this is not ordinary: the
#: reference path streams it. Dashes elsewhere (`t-1`, dates) nest nothing; deep flow brackets fail in yaml-rs.
_MAX_DASHES = 3000


def _indicator_bits() -> bytes:
    """A class → bits table for `_indicator_starts_scalar`: 1 for a class after which a plain scalar may start
    (white space, `[`, `{`, `,`), 2 for the indicators `:` and `-`, 4 for what may not follow such an indicator
    without starting a scalar (anything but white space or a dash)."""
    table = bytearray(256)
    for byte in range(256):
        table[byte] = (byte in b"wp") | (byte in b":-") << 1 | (byte not in b"w-") << 2
    return bytes(table)


_INDICATOR_BITS = _indicator_bits()


def _indicator_starts_scalar(classes: bytes) -> bool:
    """White space, `[`, `{` or `,` then `:` or `-` then anything but white space or `-`: an indicator starting a
    plain scalar (`[:0]`, `- -x`), where libyaml and yaml-rs read the grammar apart. The regular expression
    `[wp][:-][^w-]` over the classes, at memory speed: the classes as one number, three bits a byte, and bit 1
    of byte i, bit 2 of byte i + 1 and bit 4 of byte i + 2 ANDed for every i at once by shifting (only bits 1, 2
    and 4 are ever set, so no other bits can meet)."""
    bits = int.from_bytes(classes.translate(_INDICATOR_BITS), "big")
    return bool((bits >> 16) & (bits >> 9) & (bits >> 2))


def ordinary(text: str, data: bytes | None = None) -> bool:
    """True when nothing in `text` could make yaml-rs and the reference path disagree (see the module doc).

    Works on a class per byte (`bytes.translate` and substring counts run at memory speed, where regular
    expressions over every digit did not: docs/performance.md). It may call a file odd that is fine, never the other way round:
    tests/test_fast_path.py checks that against the regular expressions this replaces. `data`: the file's bytes
    when the caller has them (the text's UTF-8, perhaps after a byte-order mark, which only makes a file odd)."""
    if data is None:
        data = text.encode("utf-8", "surrogatepass")
    classes = data.translate(_CLASS)
    if b"!" in classes or (not data.isascii() and _ODD_UTF8.search(data)):
        return False
    hints = classes.translate(_NUMBER_HINT)
    if b"d" * 16 in hints:
        return False
    if (b"dx" in hints or b"xd" in hints) and (
        any(pattern in classes for pattern in _ODD_NUMBERS) or any(prefix in data for prefix in _RADIX_PREFIXES)
    ):
        return False
    if b"." in data and _NON_FINITE.search(data):
        return False
    if len(classes) > _MAX_DASHES and classes.count(b"-w") > _MAX_DASHES:
        return False
    return not _indicator_starts_scalar(classes)


class LazyDocument(Document):
    """A document parsed on the fast path: positions come from the reference parse, made on first use."""

    def __init__(self, path: str, data: dict[str, Any], text: str) -> None:
        self.path = path
        self.data = data
        self.problems = []
        self.text = text
        self._reference: Document | None = None

    def _ref(self) -> Document:
        if self._reference is None:
            self._reference = parse_text(self.text, self.path)
        return self._reference

    @property
    def positions(self) -> dict[Path, Position]:  # type: ignore[override]
        return self._ref().positions

    @property
    def key_positions(self) -> dict[Path, Position]:  # type: ignore[override]
        return self._ref().key_positions


@cache
def _engines() -> tuple[Any, Any] | None:
    """The two engines, or None (not installed, or TLT_REFERENCE_ONLY set when this process first asked)."""
    if reference_only():
        return None
    return _imported()


def reference_only() -> bool:
    """TLT_REFERENCE_ONLY set: every file takes the reference path, and `tlt validate` models every teacher."""
    return bool(os.environ.get("TLT_REFERENCE_ONLY"))


@cache
def _imported() -> tuple[Any, Any] | None:
    try:
        import jsonschema_rs
        import yaml_rs
    except ImportError:  # optional speed-ups: the reference path works alone
        return None
    return yaml_rs, jsonschema_rs


FAST_ENGINES = ("yaml-rs", "jsonschema-rs")


def engines_note() -> str:
    """Which parsers this process reads files with, in a line for `tlt --version`: a bug report then says it."""
    from importlib.metadata import PackageNotFoundError, version

    def installed(name: str) -> str | None:
        try:
            return version(name)
        except PackageNotFoundError:
            return None

    import yaml as pyyaml

    try:
        from yaml import _yaml  # type: ignore[attr-defined]

        libyaml = f"with libyaml {_yaml.get_version_string()}"
    except ImportError:
        libyaml = "without libyaml"
    reference = f"PyYAML {pyyaml.__version__} {libyaml}, jsonschema {installed('jsonschema')}"
    if reference_only():
        return f"parsers: reference only ({reference}); TLT_REFERENCE_ONLY is set"
    if _imported() is not None:
        fast = ", ".join(f"{name} {installed(name)}" for name in FAST_ENGINES)
        return f"parsers: fast path on ({fast}); problems reported by {reference}"
    missing = " and ".join(name for name in FAST_ENGINES if installed(name) is None) or "yaml-rs or jsonschema-rs"
    return (
        f"parsers: reference only ({reference}); {missing} not installed, so large repositories load about 13x "
        "slower: install tlt with its `fast` extra to add them (docs/install.md)"
    )


@cache
def _validator(kind: str) -> Any:
    engines = _engines()
    assert engines is not None
    return engines[1].validator_for(load_schema(kind), validate_formats=True)


#: A step of a path in `integer_fields` that stands for every item of a list (or every value of a mapping).
EVERY = None


@cache
def integer_fields(kind: str) -> tuple[tuple[str | None, ...], ...]:
    """Where `kind`'s schema wants an integer and not any number: paths of keys and `EVERY`, read off the schema.

    JSON Schema counts 1.0 as an integer, and so does jsonschema-rs; tlt does not (`contract_days: 180.0` is a
    schema problem on the reference path, which reads it as a `Decimal`). yaml-rs reads `180.0` as a float, so a
    float at one of these places means the fast path cannot vouch for the file. Read off the schema, not
    listed by hand, so that a new integer field is covered the day the schema gains it."""
    return tuple(_integer_paths(load_schema(kind)))


def _integer_paths(schema: dict[str, Any]) -> list[tuple[str | None, ...]]:
    """Every instance path at which `schema` (self-contained: local `$ref`s only) says `"type": "integer"` (alone
    or among other types, but without `number`). Subschemas that apply to the same value (`$ref`, `allOf`,
    `anyOf`, `oneOf`, `if`/`then`/`else`, `dependentSchemas`) are followed at the same path; `properties` one key
    down; `items`, `prefixItems`, `contains`, `additionalProperties`, `patternProperties` one `EVERY` down. `not`
    is not followed: under it the fast path is the stricter one (1.0 is an integer to it), which is safe."""
    found: list[tuple[str | None, ...]] = []

    def walk(node: Any, path: tuple[str | None, ...], refs: frozenset[str]) -> None:
        if not isinstance(node, dict):
            return  # `true`, `false`, or a keyword's value that holds no schema
        types = node.get("type", ())
        types = (types,) if isinstance(types, str) else types
        if "integer" in types and "number" not in types and path not in found:
            found.append(path)
        ref = node.get("$ref")
        if isinstance(ref, str) and ref not in refs:
            walk(_resolve(schema, ref), path, refs | {ref})
        for key in ("allOf", "anyOf", "oneOf", "prefixItems"):
            for sub in node.get(key, ()):
                walk(sub, path + (EVERY,) if key == "prefixItems" else path, refs)
        for key in ("if", "then", "else"):
            walk(node.get(key), path, refs)
        for sub in node.get("dependentSchemas", {}).values():
            walk(sub, path, refs)
        for name, sub in node.get("properties", {}).items():
            walk(sub, (*path, name), refs)
        for sub in node.get("patternProperties", {}).values():
            walk(sub, (*path, EVERY), refs)
        for key in ("additionalProperties", "items", "contains"):
            walk(node.get(key), (*path, EVERY), refs)

    walk(schema, (), frozenset())
    return found


def _resolve(schema: dict[str, Any], ref: str) -> Any:
    """The subschema a local `$ref` (`#/$defs/date`) names; tlt's schemas hold no other kind."""
    if not ref.startswith("#"):
        raise ValueError(f"not a local $ref: {ref}")
    node: Any = schema
    for part in ref[1:].split("/")[1:]:
        node = node[part.replace("~1", "/").replace("~0", "~")]
    return node


def _whole_numbers(kind: str, data: dict[str, Any]) -> bool:
    """No float where `kind`'s schema wants an integer (`integer_fields`)."""
    for path in integer_fields(kind):
        values: list[Any] = [data]
        for step in path:
            below: list[Any] = []
            for value in values:
                if step is EVERY:
                    if type(value) is list:
                        below.extend(value)
                    elif type(value) is dict:
                        below.extend(value.values())
                elif type(value) is dict and step in value:
                    below.append(value[step])
            values = below
        if any(type(value) is float for value in values):
            return False
    return True


#: The kinds the fast path answers for: teacher files are the many. tlt.yaml and role files are few, and `tlt
#: diff` compares role files' data as read (yaml-rs gives a float where the reference path gives a `Decimal`).
FAST_KINDS = frozenset({"teacher"})


def fast_reader(reference: Reader) -> Reader:
    """`reference` with the fast path in front: each file `read_fast` vouches for is its answer, every other file
    is `reference`'s. Installed once, by `tlt.pipeline` (`READER`)."""

    def read(data: bytes, path: str, kind: str) -> Document:
        fast = read_fast(data, path, kind)
        return fast if fast is not None else reference(data, path, kind)

    return read


def read_fast(data: bytes, path: str, kind: str) -> LazyDocument | None:
    """The document in `data` when the fast engines can vouch for it (a file of a `FAST_KINDS` kind, ordinary
    and valid against the kind's schema): then it has no problems, as the reference reader would find none.
    None otherwise (engines missing or off, or anything about the file the fast path does not vouch for)."""
    if kind not in FAST_KINDS or len(data) > MAX_BYTES:
        return None
    engines = _engines()
    if engines is None:
        return None
    text, problem = decode(data, path)
    if text is None or problem is not None or not ordinary(text, data):
        return None
    try:
        loaded = engines[0].loads(text, parse_datetime=False)
        if type(loaded) is not dict or not _validator(kind).is_valid(loaded) or not _whole_numbers(kind, loaded):
            return None
    except Exception:  # any parser or validator complaint: the reference path decides and reports
        return None
    return LazyDocument(path, loaded, text)
