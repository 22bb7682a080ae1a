"""The import map (SPEC 11): read through the safe loader and its own schema (`tlt schema import`), then made
into templates and fields; and how one cell becomes a stored value (types, number and date formats, value maps,
defaults).

A map is data, as a teacher file is: nothing in it can name a path or run code. A template's `{Column}` is only
ever looked up in a row's cells.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

from tlt.loading.reader import read_reference
from tlt.loading.safeyaml import Document, read_document
from tlt.problems import excerpt, listed

#: the value of a field that no cell filled: absent in a new file, kept in an existing one
EMPTY: Any = type("Empty", (), {"__repr__": lambda self: "EMPTY"})()
TYPES = ("string", "integer", "money", "decimal", "date")
ISO = "%Y-%m-%d"


@dataclass(frozen=True)
class Template:
    """`{Column}` parts (a column name) between literal text; `text` as the map wrote it."""

    text: str
    parts: tuple[tuple[bool, str], ...]  # (is a column, text)

    @property
    def columns(self) -> tuple[str, ...]:
        return tuple(text for is_column, text in self.parts if is_column)

    def fill(self, row: dict[str, str]) -> str | None:
        """The text for a row, or None when every cell it names is empty (cells are taken stripped)."""
        cells = [row.get(name, "") for name in self.columns]
        if self.columns and not any(cells):
            return None
        it = iter(cells)
        return "".join(next(it) if is_column else text for is_column, text in self.parts).strip()


def parse_template(text: str) -> Template | str:
    """A template, or what is wrong with it."""
    parts: list[tuple[bool, str]] = []
    literal: list[str] = []
    i = 0
    while i < len(text):
        char = text[i]
        if text.startswith("{{", i) or text.startswith("}}", i):
            literal.append(char)
            i += 2
        elif char == "{":
            end = text.find("}", i + 1)
            inner = text[i + 1 : end] if end >= 0 else ""
            if end < 0 or "{" in inner:
                return f"{excerpt(text)} opens a {{ at character {i + 1} it never closes (write {{{{ for a brace)"
            if not inner.strip():
                return f"{excerpt(text)} has an empty {{}} at character {i + 1}; name a column"
            if literal:
                parts.append((False, "".join(literal)))
                literal = []
            parts.append((True, inner.strip()))
            i = end + 1
        elif char == "}":
            return f"{excerpt(text)} has a }} at character {i + 1} that closes nothing (write }}}} for a brace)"
        else:
            literal.append(char)
            i += 1
    if literal:
        parts.append((False, "".join(literal)))
    return Template(text, tuple(parts))


@dataclass(frozen=True)
class Field:
    """How a row gives one value: `key` is where it goes (`school`, `licenses.expires`), `label` what a problem
    calls it (the column's name, or the template)."""

    key: str
    template: Template
    type: str
    value_map: dict[str, Any] | None
    default: Any
    position: tuple[int, int]

    @property
    def label(self) -> str:
        columns = self.template.columns
        return columns[0] if len(columns) == 1 and self.template.text == "{" + columns[0] + "}" else self.template.text


#: the one key of a list of plain names (`memberships`): its entries are the names themselves
SCALAR = ""
#: the teacher file's lists of plain names, which a map gives as one field (SPEC 11)
SCALAR_LISTS = frozenset({"memberships"})


@dataclass(frozen=True)
class ListSpec:
    """How a row gives one entry of a list; a list of plain names has the one key `SCALAR`."""

    name: str
    key: tuple[str, ...]
    entry: dict[str, Field]
    position: tuple[int, int]

    @property
    def scalar(self) -> bool:
        return self.key == (SCALAR,)


@dataclass(frozen=True)
class ImportMap:
    path: str
    id: Template
    id_position: tuple[int, int]
    encoding: str
    date_format: str
    number_format: str
    fields: dict[str, Field]
    lists: dict[str, ListSpec]
    owns: frozenset[str]
    columns_used: dict[str, tuple[int, int]] = field(default_factory=dict)  # column → where the map first names it


@dataclass(frozen=True)
class MapProblem:
    path: str
    line: int
    column: int
    message: str


def read_map(file: Path, shown: str, root: Path) -> tuple[ImportMap | None, list[MapProblem]]:
    """The map at `file` (shown as `shown`): safe YAML, the import schema, then templates. Never raises for bad
    input."""
    doc = read_document(str(file), shown, str(root), parse=lambda data, path: read_reference(data, path, "import"))
    if doc.problems or doc.data is None:
        return None, [MapProblem(p.path, p.line, p.column, p.message) for p in doc.problems]
    return _build(doc)


def _build(doc: Document) -> tuple[ImportMap | None, list[MapProblem]]:
    data = doc.data
    assert data is not None
    problems: list[MapProblem] = []
    used: dict[str, tuple[int, int]] = {}

    def template(text: str, where: tuple[Any, ...]) -> Template | None:
        made = parse_template(text)
        if isinstance(made, str):
            line, col = doc.position(where)
            problems.append(MapProblem(doc.path, line, col, made))
            return None
        for name in made.columns:
            used.setdefault(name, doc.position(where))
        return made

    def make_field(key: str, spec: Any, where: tuple[Any, ...]) -> Field | None:
        if isinstance(spec, str):
            made = template(spec, where)
            spec = {}
        elif "template" in spec:
            made = template(spec["template"], (*where, "template"))
        else:  # a column's name is taken whole, braces and all
            column = spec["column"].strip()
            made = Template("{" + column + "}", ((True, column),))
            used.setdefault(column, doc.position((*where, "column")))
        if made is None:
            return None
        kind = spec.get("type", "string")
        value_map = spec.get("map")
        default = spec.get("default", EMPTY)
        if default is not EMPTY:
            stored, wrong = stored_value(default, kind)
            if wrong:
                line, col = doc.position((*where, "default"))
                problems.append(MapProblem(doc.path, line, col, f"default {wrong}"))
                return None
            default = stored
        if value_map is not None:
            checked: dict[str, Any] = {}
            for cell, value in value_map.items():
                stored, wrong = stored_value(value, kind) if value is not None else (None, None)
                if wrong:
                    line, col = doc.position((*where, "map", cell))
                    problems.append(MapProblem(doc.path, line, col, f"map value {wrong}"))
                    return None
                checked[cell.strip()] = stored
            value_map = checked
        return Field(key, made, kind, value_map, default, doc.position(where))

    ident = template(data["id"], ("id",))
    fields: dict[str, Field] = {}
    for name, spec in (data.get("fields") or {}).items():
        made = make_field(name, spec, ("fields", name))
        if made is not None:
            fields[name] = made
    lists: dict[str, ListSpec] = {}
    for name, spec in (data.get("lists") or {}).items():
        if name in SCALAR_LISTS:  # one name per row, matched by itself
            made = make_field(name, spec, ("lists", name))
            if made is not None:
                lists[name] = ListSpec(name, (SCALAR,), {SCALAR: made}, doc.position(("lists", name)))
            continue
        entry: dict[str, Field] = {}
        for key, sub in spec["entry"].items():
            made = make_field(f"{name}.{key}", sub, ("lists", name, "entry", key))
            if made is not None:
                entry[key] = made
        keys = tuple(spec.get("key") or spec["entry"])
        for i, key in enumerate(keys):
            if key not in spec["entry"]:
                line, col = doc.position(("lists", name, "key", i))
                problems.append(
                    MapProblem(
                        doc.path, line, col, f"key {excerpt(key)} is not a key of the entry ({listed(spec['entry'])})"
                    )
                )
        lists[name] = ListSpec(name, keys, entry, doc.position(("lists", name)))
    filled = [*fields, *lists]
    owns = data.get("owns")
    if owns is not None:
        for i, name in enumerate(owns):
            if name not in filled:
                line, col = doc.position(("owns", i))
                problems.append(MapProblem(doc.path, line, col, f"owns {excerpt(name)}, which the map does not fill"))
    encoding = data.get("encoding", "utf-8")
    if not _known_encoding(encoding):
        line, col = doc.position(("encoding",))
        problems.append(MapProblem(doc.path, line, col, f"unknown encoding {excerpt(encoding)}"))
    date_format = data.get("date_format", ISO)
    if "%" not in date_format:
        line, col = doc.position(("date_format",))
        problems.append(MapProblem(doc.path, line, col, f"date_format {excerpt(date_format)} has no strftime code"))
    if problems or ident is None:
        return None, problems
    return (
        ImportMap(
            path=doc.path,
            id=ident,
            id_position=doc.position(("id",)),
            encoding=encoding,
            date_format=date_format,
            number_format=data.get("number_format", "plain"),
            fields=fields,
            lists=lists,
            owns=frozenset(owns if owns is not None else filled),
            columns_used=used,
        ),
        [],
    )


def _known_encoding(name: str) -> bool:
    import codecs

    try:
        info = codecs.lookup(name)
    except LookupError:
        return False
    # a text encoding, not a codec of bytes to bytes (`hex`, `zlib`) or of text to text (`rot13`)
    return getattr(info, "_is_text_encoding", True)


def stored_value(value: Any, kind: str) -> tuple[Any, str | None]:
    """A value the map writes (a `default`, a `map` value) as it is stored for `kind`; or what is wrong with it."""
    if kind == "date":
        if not isinstance(value, str):
            return None, f"{excerpt(value)} is not a date written YYYY-MM-DD"
        try:
            return datetime.strptime(value, ISO).date(), None
        except ValueError:
            return None, f"{excerpt(value)} is not a date written YYYY-MM-DD"
    if kind in ("money", "decimal", "integer"):
        if isinstance(value, bool) or not isinstance(value, (int, Decimal)):
            return None, f"{excerpt(value)} is not a number"
        if kind == "integer":
            if isinstance(value, Decimal) and value != value.to_integral_value():
                return None, f"{excerpt(value)} is not a whole number"
            return int(value), None
        number = Decimal(value)
        return (_cents(number), None) if kind == "money" else (number, None)
    return value, None


def _cents(value: Decimal) -> Decimal:
    return value.quantize(Decimal("0.01"))


#: a number's digits as each number_format writes them: (thousands separator, decimal mark)
_MARKS = {"us": (",", "."), "eu": (".", ","), "plain": ("", ".")}
_CURRENCY = "$€£"


def _number(text: str, number_format: str, money: bool) -> Decimal | None:
    """The number in a cell, or None. `us` and `eu` group thousands (in threes, or not at all); money may carry a
    currency sign before or after and omit its cents, and has at most two decimals."""
    thousands, mark = _MARKS[number_format]
    body = text.strip()
    negative = body.startswith("-")
    if negative:
        body = body[1:].lstrip()
    if money and body[:1] in _CURRENCY:
        body = body[1:].lstrip()
    elif money and body[-1:] in _CURRENCY:
        body = body[:-1].rstrip()
    if body.startswith("-") and not negative:  # `$-5` as well as `-$5`
        negative, body = True, body[1:]
    whole, _, fraction = body.partition(mark) if mark in body else (body, "", "")
    if mark in body and not fraction:
        return None
    group = re.escape(thousands)
    pattern = rf"[0-9]{{1,3}}(?:{group}[0-9]{{3}})+|[0-9]+" if thousands else r"[0-9]+"
    if not re.fullmatch(pattern, whole) or (fraction and not re.fullmatch(r"[0-9]+", fraction)):
        return None
    if money and len(fraction) > 2:
        return None
    if len(whole) > 30 or len(fraction) > 30:
        return None
    try:
        number = Decimal(whole.replace(thousands, "") if thousands else whole)
        if fraction:
            number += Decimal(f"0.{fraction}")
    except InvalidOperation:  # pragma: no cover - the patterns admit digits only
        return None
    return -number if negative else number


_FORMAT_NAMES = {"us": "us: 92,000.00", "eu": "eu: 92.000,00", "plain": "plain: 92000.00"}


def convert(text: str, field_: Field, imap: ImportMap) -> tuple[Any, str | None]:
    """A cell's text as the value `field_` stores, or what is wrong with it (a message that quotes the cell)."""
    if field_.value_map is not None:
        if text in field_.value_map:
            value = field_.value_map[text]
            return (EMPTY, None) if value is None else (value, None)
        return None, (
            f"{excerpt(text)} is not in the map of {field_.key} ({listed(field_.value_map, limit=5) or 'an empty map'})"
        )
    kind = field_.type
    if kind == "string":
        return text, None
    if kind == "date":
        try:
            return _date(text, imap.date_format), None
        except ValueError:
            return None, f"{excerpt(text)} is not a date (map: {imap.date_format})"
    number = _number(text, imap.number_format, money=kind == "money")
    if number is None:
        what = "money" if kind == "money" else "a whole number" if kind == "integer" else "a number"
        return None, f"{excerpt(text)} is not {what} (map: {_FORMAT_NAMES[imap.number_format]})"
    if kind == "integer":
        if number != number.to_integral_value():
            return None, f"{excerpt(text)} is not a whole number"
        return int(number), None
    return (_cents(number), None) if kind == "money" else (number, None)


def _date(text: str, date_format: str) -> date:
    if len(text) > 64:  # strptime on a long cell is slow, and no date is that long
        raise ValueError(text)
    return datetime.strptime(text, date_format).date()
