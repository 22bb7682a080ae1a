"""Typed tables rendered as a Rich table, CSV (RFC 4180, formula-guarded) or JSON, none of whose values can start a
CI workflow command (`no_workflow_command`, SPEC section 14).

Cell kinds decide the wire form: `money` is a string with two decimals, `fraction` a string with four (both
rounded half up), `int` and `bool` stay JSON numbers and booleans, `number` is a `Decimal` shown without trailing
zeros (13, 12.5) and a JSON number, `date` is ISO, `members` is a caseload list
(`id` or `id:service` space-separated in CSV; `id` or `{teacher, service}` in JSON), `list` joins with "; " in
CSV. Only text cells (and list items) get the formula guard: a cell starting with =, +, -, @, tab or CR gets a
leading apostrophe so a spreadsheet shows it as text.
"""

from __future__ import annotations

import csv
import io
import json
import re
from dataclasses import dataclass, field
from datetime import date
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from rich import box
from rich.console import Console
from rich.table import Table as RichTable
from rich.text import Text

from tlt.problems import escape_control, escape_json, no_workflow_command, no_workflow_command_json

CENT = Decimal("0.01")
FOURTH = Decimal("0.0001")
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def money(value: Decimal) -> str:
    return str(value.quantize(CENT, rounding=ROUND_HALF_UP))


def fraction(value: Decimal) -> str:
    return str(value.quantize(FOURTH, rounding=ROUND_HALF_UP))


def plain_number(value: Decimal) -> str:
    """A Decimal without trailing zeros or exponent: 13, 12.5."""
    text = format(value.normalize(), "f")
    return "0" if text in ("-0", "") else text


def guard(text: str) -> str:
    """Make a CSV text cell inert in a spreadsheet (SPEC section 6)."""
    return "'" + text if text.startswith(_FORMULA_START) else text


@dataclass(frozen=True)
class Column:
    name: str
    kind: str = "text"  # text | int | number | bool | money | fraction | date | members | list
    header: str | None = None
    style: str | None = None
    nowrap: bool = False

    @property
    def right(self) -> bool:
        return self.kind in ("int", "number", "money", "fraction")


@dataclass
class Table:
    columns: list[Column]
    rows: list[dict[str, Any]]
    title: str | None = None
    footer: dict[str, Any] | None = None
    row_styles: list[str | None] = field(default_factory=list)
    caption: str | None = None


def _member_label(m: Any) -> str:
    if isinstance(m, (tuple, list)):
        teacher, service = m
        return f"{teacher}:{service}" if service else str(teacher)
    return str(m)


def text_cell(col: Column, value: Any) -> str:
    """A cell as plain text (CSV and terminal), before any guard or escaping."""
    if value is None:
        return ""
    kind = col.kind
    if kind == "money":
        return money(value)
    if kind == "fraction":
        return fraction(value)
    if kind == "number":
        return plain_number(Decimal(value))
    if kind == "bool":
        return "true" if value else "false"
    if kind == "date":
        return value.isoformat() if isinstance(value, date) else str(value)
    if kind == "members":
        return " ".join(_member_label(m) for m in value)
    if kind in ("list", "lines"):
        return "; ".join(str(v) for v in value)
    return str(value)


def json_cell(col: Column, value: Any) -> Any:
    if value is None:
        return None
    kind = col.kind
    if kind in ("money", "fraction", "date"):
        return text_cell(col, value)
    if kind == "int":
        return int(value)
    if kind == "number":
        number = Decimal(value)
        return int(number) if number == number.to_integral_value() else float(number)
    if kind == "bool":
        return bool(value)
    if kind == "members":
        out = []
        for m in value:
            if isinstance(m, (tuple, list)):
                teacher, service = m
                out.append({"teacher": teacher, "service": service} if service else teacher)
            else:
                out.append(str(m))
        return out
    if kind in ("list", "lines"):
        return [str(v) for v in value]
    return str(value)


def json_rows(table: Table) -> list[dict[str, Any]]:
    return [{c.name: json_cell(c, row.get(c.name)) for c in table.columns} for row in table.rows]


def csv_cell(col: Column) -> Any:
    """The function that turns one value of `col` into its CSV cell: formula-guarded, control characters escaped
    (values are data: no cell can start a line of its own, `::error::` in a CI log, or drive a terminal)."""
    kind = col.kind

    def members(value: Any) -> str:
        return escape_control(" ".join(guard(_member_label(m)) for m in value)) if value else ""

    def items(value: Any) -> str:
        return escape_control(guard("; ".join(guard(str(v)) for v in value))) if value else ""

    def text(value: Any) -> str:
        return "" if value is None else escape_control(guard(text_cell(col, value)))

    def other(value: Any) -> str:
        return escape_control(text_cell(col, value))

    if kind == "members":
        return members
    if kind in ("list", "lines"):
        return items
    return text if kind in ("text", "date") else other


def csv_line(cells: list[str]) -> str:
    """One CSV line of cells made by `csv_cell` (callers that repeat a cell across many rows, such as a teacher's
    name on every role's row, make it once), without its line end: what the csv module writes for them (minimal
    quoting: a cell holding a comma, a quote, CR or LF is quoted with its quotes doubled; a lone empty cell is
    quoted), joined here without a writer per line."""
    if len(cells) == 1 and not cells[0]:
        return '""'
    return no_workflow_command(",".join(f'"{c.replace(chr(34), chr(34) * 2)}"' if _QUOTED(c) else c for c in cells))


_QUOTED = re.compile('[",\r\n]').search


def render_csv(table: Table, header: bool = True) -> str:
    """RFC 4180 CSV with a header row (unless `header` is false: a chunk to append to another)."""
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\r\n")
    if header:
        writer.writerow([c.name for c in table.columns])
    cells = [(c.name, csv_cell(c)) for c in table.columns]
    writer.writerows([[cell(row.get(name)) for name, cell in cells] for row in table.rows])
    return no_workflow_command(buf.getvalue())  # (no cell holds a line break: csv_cell escapes CR and LF)


def json_item(item: Any) -> str:
    """One item of a top-level JSON list, exactly as `to_json` would lay it out inside the list: a newline, then
    the item indented by two spaces (lists written piece by piece join items with ",")."""
    text = no_workflow_command_json(escape_json(json.dumps(item, indent=2, ensure_ascii=False, default=_default)))
    return "\n" + "\n".join("  " + line for line in text.split("\n"))


def to_json(data: Any) -> str:
    """Deterministic JSON: UTF-8, two-space indent, keys in the order given, a final newline. Characters that
    `escape_control` escapes in text are JSON escapes here (`\\u2028`): the same data, nothing raw on a screen."""
    return (
        no_workflow_command_json(escape_json(json.dumps(data, indent=2, ensure_ascii=False, default=_default))) + "\n"
    )


def _default(value: Any) -> Any:
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, date):
        return value.isoformat()
    raise TypeError(f"not JSON data: {type(value).__name__}")


def _table_cell(col: Column, value: Any) -> str:
    """A terminal cell: escaped; a `lines` cell shows one item per line."""
    if col.kind == "lines" and value:
        return "\n".join(escape_control(str(v)) for v in value)
    return escape_control(text_cell(col, value))


def _plain(text: str | None, style: str) -> Text | None:
    return None if text is None else Text(escape_control(text), style=style)


def render_table(table: Table, width: int | None = None, color: bool = False) -> str:
    """A Rich table as text; values are data, never markup, and control characters show escaped."""
    # titles, headers and footers hold data too (a role's title): plain Text, so no markup, link or :emoji: runs
    rich_table = RichTable(
        title=_plain(table.title, "table.title"), caption=_plain(table.caption, "table.caption"), box=box.SIMPLE_HEAD,
        show_footer=table.footer is not None, expand=False, title_justify="left",
    )  # fmt: skip
    for c in table.columns:
        footer = ""
        if table.footer is not None and table.footer.get(c.name) is not None:
            footer = escape_control(text_cell(c, table.footer[c.name]))
        rich_table.add_column(
            Text(escape_control(c.header or c.name)), justify="right" if c.right else "left", footer=Text(footer),
            overflow="fold", style=c.style, no_wrap=c.nowrap,
        )  # fmt: skip
    for i, row in enumerate(table.rows):
        style = table.row_styles[i] if i < len(table.row_styles) else None
        rich_table.add_row(*(Text(_table_cell(c, row.get(c.name))) for c in table.columns), style=style)
    console = Console(
        file=io.StringIO(), width=width or 100, force_terminal=color, no_color=not color, highlight=False,
        color_system="standard" if color else None, legacy_windows=False,
    )  # fmt: skip
    console.print(rich_table)
    out = console.file.getvalue()  # type: ignore[attr-defined]
    # after rendering: a cell folded at a space can start a line with a value's `::`
    return no_workflow_command("\n".join(line.rstrip() for line in out.splitlines())) + "\n"
