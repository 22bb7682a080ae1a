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
from typing import Any, Literal

from rich import box
from rich.cells import cell_len
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


#: kinds whose cells a terminal table never breaks across lines: numbers, money, dates, booleans
WHOLE_KINDS = frozenset({"int", "number", "money", "fraction", "bool", "date"})
#: the narrowest a `cut` column is cut to (unless its `min_width` says otherwise) before a column is left out
CUT_MIN = 10


@dataclass(frozen=True)
class Column:
    """One column: its CSV/JSON name, kind (the wire form, above) and how a terminal table shows it.

    On a terminal (`render_table`):
    - `fit` is how a cell fits the column: `whole` (never broken across lines, never cut: numbers, dates, ids,
      verdicts), `cut` (free text on one line, cut with `…`: names, titles, reasons, summaries) or `wrap` (folded
      over lines, words kept whole as far as the width allows: lists of ids). Unset, it follows the kind: the
      kinds of `WHOLE_KINDS` and `nowrap` columns are `whole`, others `wrap`.
    - `priority` is how long the column stays when the columns do not fit the width: the lowest is left out
      first (the rightmost first among equals; the title then names it). Unset (None), it is never left out.
      The reports give id columns and money the highest.
    - `min_width` (a `cut` column) is the narrowest it is cut to before a column is left out instead
      (default `CUT_MIN`, or the column's header word when longer).
    """

    name: str
    kind: str = "text"  # text | int | number | bool | money | fraction | date | members | list | lines
    header: str | None = None
    style: str | None = None
    nowrap: bool = False
    priority: int | None = None
    fit: str | None = None  # whole | cut | wrap
    min_width: int | None = None

    @property
    def right(self) -> bool:
        return self.kind in ("int", "number", "money", "fraction")

    @property
    def shape(self) -> str:
        """`fit`, or the one the kind implies."""
        if self.fit is not None:
            return self.fit
        return "whole" if self.nowrap or self.kind in WHOLE_KINDS else "wrap"


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
        teacher, service = m[0], m[1]
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
        out: list[Any] = []
        for m in value:
            if isinstance(m, (tuple, list)) and len(m) == 4:  # a member with dates (SPEC 9.3)
                teacher, service, start, end = m
                out.append({"teacher": teacher, "service": service, "start": _iso(start), "end": _iso(end)})
            elif isinstance(m, (tuple, list)):
                teacher, service = m
                out.append({"teacher": teacher, "service": service} if service else teacher)
            else:
                out.append(str(m))
        return out
    if kind in ("list", "lines"):
        return [str(v) for v in value]
    return str(value)


def _iso(value: date | None) -> str | None:
    return None if value is None else value.isoformat()


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


@dataclass(frozen=True)
class _Measure:
    """What a column's cells need, in terminal cells: `natural` (every cell on one line), `compact` (a `whole`
    column whose header wraps at its spaces) and `least` (a `cut` or `wrap` column at its narrowest)."""

    natural: int
    compact: int
    least: int


def _width(text: str) -> int:
    return max((cell_len(line) for line in text.split("\n")), default=0)


def _word(text: str) -> int:
    return max((cell_len(word) for word in text.split()), default=0)


def _measure(col: Column, header: str, cells: list[str], footer: str) -> _Measure:
    body = max((_width(c) for c in cells), default=0)
    body = max(body, _width(footer))
    natural = max(body, _width(header))
    shape = col.shape
    if shape == "whole":
        return _Measure(natural, max(body, _word(header)), natural)
    if shape == "cut":
        least = max(col.min_width or CUT_MIN, _word(header))
    else:
        least = max(max((_word(c) for c in cells), default=0), _word(footer), _word(header))
    return _Measure(natural, natural, min(natural, least))


#: a terminal table's frame, in cells: each column is padded by one cell each side and the columns are parted by
#: one; the table's edges take one each (Rich's `box.SIMPLE_HEAD` with `padding=(0, 1)` and `show_edge`)
def _frame(columns: int) -> int:
    return 2 + (columns - 1) + 2 * columns


def _fits(kept: list[Column], sizes: dict[str, _Measure], width: int, compact: bool) -> bool:
    """Whether Rich lays `kept` out in `width` with no `whole` cell broken and no `cut` or `wrap` column under its
    least: Rich narrows the widest of the columns it may narrow (every one but the `whole`) to a common level
    before anything else, so that level must reach the largest of their least widths."""
    room = width - _frame(len(kept))
    fixed = sum(sizes[c.name].compact if compact else sizes[c.name].natural for c in kept if c.shape == "whole")
    flexible = [sizes[c.name] for c in kept if c.shape != "whole"]
    if not flexible:
        return fixed <= room
    level = max(m.least for m in flexible)
    return fixed + sum(min(m.natural, level) for m in flexible) <= room


def fit_columns(table: Table, width: int) -> tuple[list[Column], list[Column], bool]:
    """The columns a terminal `width` shows (in order), those left out, and whether the `whole` columns' headers
    wrap (compact): the widest that fits, then the compact, then without the column of lowest `priority` (the
    rightmost among equals), and so on. Columns without a priority stay whatever the width (Rich folds them)."""
    return _fit(table, _sizes(table), width)


def _fit(table: Table, sizes: dict[str, _Measure], width: int) -> tuple[list[Column], list[Column], bool]:
    kept = list(table.columns)
    while True:
        for compact in (False, True):
            if _fits(kept, sizes, width, compact):
                return kept, [c for c in table.columns if c not in kept], compact
        droppable = [(c.priority, -i) for i, c in enumerate(kept) if c.priority is not None]
        if not droppable or len(kept) == 1:
            return kept, [c for c in table.columns if c not in kept], True
        kept.pop(-min(droppable)[1])


def _sizes(table: Table) -> dict[str, _Measure]:
    footer = table.footer or {}
    out = {}
    for c in table.columns:
        cells = [_table_cell(c, row.get(c.name)) for row in table.rows]
        total = footer.get(c.name)
        out[c.name] = _measure(c, _header(c), cells, "" if total is None else escape_control(text_cell(c, total)))
    return out


def _header(c: Column) -> str:
    return escape_control(c.header or c.name)


def _natural_width(table: Table, sizes: dict[str, _Measure]) -> int:
    """The width of the table with every column and every cell on one line (what `--wide` draws)."""
    return _frame(len(table.columns)) + sum(m.natural for m in sizes.values())


def left_out_note(left_out: list[Column], width: int) -> str:
    names = ", ".join(c.name for c in left_out)
    return f"left out to fit {width} columns: {names}; --wide shows them, --format csv has them all"


def render_table(table: Table, width: int | None = None, color: bool = False, *, wide: bool = False) -> str:
    """A Rich table as text that fits `width` (default 100) without breaking a number, a date, an id or a verdict
    across lines: long free text is cut with `…`, and when that is not enough the columns of lowest `priority`
    are left out, the title saying which (`fit_columns`). `wide`: every column, every cell whole, however wide
    (the terminal wraps the lines). Values are data, never markup, and control characters show escaped."""
    width = width or 100
    left_out: list[Column] = []
    sizes = _sizes(table)
    if wide:
        kept, compact = list(table.columns), False
        width = max(width, _natural_width(table, sizes))
    else:
        kept, left_out, compact = _fit(table, sizes, width)
    title: Text | None = _plain(table.title, "table.title")
    if left_out:
        note = Text(escape_control(left_out_note(left_out, width)), style="table.caption")
        title = note if title is None else Text.assemble(title, "\n", note)
    # titles, headers and footers hold data too (a role's title): plain Text, so no markup, link or :emoji: runs
    rich_table = RichTable(
        title=title, caption=_plain(table.caption, "table.caption"), box=box.SIMPLE_HEAD,
        show_footer=table.footer is not None, expand=False, title_justify="left",
    )  # fmt: skip
    for c in kept:
        footer = ""
        if table.footer is not None and table.footer.get(c.name) is not None:
            footer = escape_control(text_cell(c, table.footer[c.name]))
        shape = c.shape
        justify: Literal["left", "right"] = "right" if c.right else "left"
        # a header wraps at its spaces (`teacher` / `id`), even over a `whole` column, and never breaks a word
        header = Text(_header(c), no_wrap=False, overflow="ellipsis" if shape != "wrap" else "fold")
        if shape == "whole":
            rich_table.add_column(
                header, justify=justify, footer=Text(footer), overflow="ellipsis", style=c.style, no_wrap=True,
                width=sizes[c.name].compact if compact else None,
            )  # fmt: skip
        else:
            rich_table.add_column(header, justify=justify, footer=Text(footer), overflow="fold", style=c.style)
    cut = [c.shape == "cut" for c in kept]
    for i, row in enumerate(table.rows):
        style = table.row_styles[i] if i < len(table.row_styles) else None
        rich_table.add_row(
            *(
                Text(_table_cell(c, row.get(c.name)), no_wrap=True, overflow="ellipsis") if one_line
                else Text(_table_cell(c, row.get(c.name)))
                for c, one_line in zip(kept, cut, strict=True)
            ),
            style=style,
        )  # fmt: skip
    console = Console(
        file=io.StringIO(), width=width, force_terminal=color, no_color=not color, highlight=False,
        color_system="standard" if color else None, legacy_windows=False,
    )  # fmt: skip
    console.print(rich_table)
    out = console.file.getvalue()  # type: ignore[attr-defined]
    # after rendering: a cell folded at a space can start a line with a value's `::`
    return no_workflow_command("\n".join(line.rstrip() for line in out.splitlines())) + "\n"
