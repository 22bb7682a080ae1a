"""A `render.rows.Table` as an Excel workbook (.xlsx, SPEC section 13): the rows the CSV holds, typed for a
spreadsheet, written with XlsxWriter.

One sheet (a command may add more: `write_xlsx(..., more=)`); its first row is the CSV's column names, frozen and with an autofilter over every row. A cell's type
comes from its column's kind: `money` is a number rounded half up to cents and shown with two decimals,
`fraction` a number rounded to four decimals (as in the CSV), `int` and `number` numbers, `bool` a TRUE/FALSE
boolean, `date` a date shown as YYYY-MM-DD; every other kind (`text`, ids, term ids, `members`, `list`, `lines`)
is a string cell holding what the CSV cell holds without the CSV's formula guard: a string cell is never a
formula, so `=1+1` stays the text `=1+1` (and `00123` stays text, never the number 123). An empty value is an
empty cell. Control characters show escaped, as in the CSV.

Why XlsxWriter (docs/reports.md, "Spreadsheets"): it only writes, row by row, and in `constant_memory` mode keeps
one row in memory whatever the number of rows (openpyxl keeps a workbook's cells as objects, or in its
write-only mode is about twice as slow per cell); it has no dependencies, is kept up (several releases a year),
and writes a string only as a string when asked with `write_string`. The workbook's creation date is fixed
(`CREATED`) and XlsxWriter dates the zip entries 1980-01-01, so the same rows give the same bytes.

Excel holds 1,048,576 rows, the header included (`MAX_ROWS` rows of data): a table with more is refused by the
caller before anything is written (`fits`), never cut.

May import: render.rows, problems.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime
from decimal import ROUND_HALF_UP, Decimal
from typing import IO, Any

from tlt.problems import escape_control
from tlt.render.rows import CENT, FOURTH, Column, Table, text_cell

#: rows of data one sheet holds below its header row (Excel's 1,048,576 rows, the header included)
MAX_ROWS = 1_048_576 - 1
#: characters one cell holds (Excel's limit)
MAX_CELL = 32_767
#: the workbook's creation date property: fixed, so that output is deterministic
CREATED = datetime(2000, 1, 1)
#: widths of a column, in characters: at least its header's, at most this, from its first rows' cells
MAX_WIDTH = 60
_WIDTH_SAMPLE = 200

_FORMATS = {"money": "0.00", "fraction": "0.0000", "date": "yyyy-mm-dd"}


class CellTooLong(ValueError):
    """A cell longer than Excel holds (`MAX_CELL`): the caller says which; nothing is cut."""

    def __init__(self, column: str, row: int, length: int) -> None:
        super().__init__(f"column {column}, row {row}: {length} characters")
        self.column, self.row, self.length = column, row, length


def fits(rows: int) -> bool:
    """Whether `rows` rows of data fit in one sheet below its header."""
    return rows <= MAX_ROWS


def sheet_name(name: str) -> str:
    """A valid sheet name: at most 31 characters, none of `[]:*?/\\`, not empty."""
    cleaned = "".join("_" if ch in "[]:*?/\\" else ch for ch in escape_control(name)).strip("'")
    return cleaned[:31] or "Sheet1"


def cell_value(col: Column, value: Any) -> Any:
    """What a cell of `col` holds: None (empty), a Decimal or int, a bool, a date, or a str."""
    if value is None:
        return None
    kind = col.kind
    if kind == "money":
        return Decimal(value).quantize(CENT, rounding=ROUND_HALF_UP)
    if kind == "fraction":
        return Decimal(value).quantize(FOURTH, rounding=ROUND_HALF_UP)
    if kind == "int":
        return int(value)
    if kind == "number":
        return Decimal(value)
    if kind == "bool":
        return bool(value)
    if kind == "date" and isinstance(value, date):
        return value
    text = escape_control(text_cell(col, value))
    return text if text else None


def write_xlsx(table: Table, out: IO[bytes], sheet: str = "Sheet1", more: Sequence[tuple[Table, str]] = ()) -> None:
    """`table` as an .xlsx workbook, to the binary stream `out` (seekable or not): its sheet `sheet`, then a sheet
    for each (table, sheet name) of `more`, in order (`tlt diff`'s money). The caller checks `fits` for each table
    first; a cell longer than `MAX_CELL` raises `CellTooLong` (nothing is cut)."""
    import xlsxwriter  # here, not at the top: only a command writing a workbook pays for loading it

    workbook = xlsxwriter.Workbook(
        out,
        {
            "constant_memory": True,  # one row in memory at a time (rows are written in order, sheet by sheet)
            "strings_to_formulas": False,  # belt and braces: every text goes through write_string anyway
            "strings_to_urls": False,
            "strings_to_numbers": False,
        },
    )
    try:
        workbook.set_properties({"created": CREATED})
        # the formats first, then the sheets: a one-sheet workbook is the same bytes as before `more` existed
        header = workbook.add_format({"bold": True})
        formats = {kind: workbook.add_format({"num_format": spec}) for kind, spec in _FORMATS.items()}
        for each, name in ((table, sheet), *more):
            _write_sheet(workbook.add_worksheet(sheet_name(name)), each, header, formats)
    finally:
        workbook.close()


def _write_sheet(ws: Any, table: Table, header: Any, formats: dict[str, Any]) -> None:
    """One table on one sheet: the header row (bold, frozen, filtering every row), then a row per table row."""
    columns = table.columns
    for j, col in enumerate(columns):
        ws.set_column(j, j, _width(col, table))
    ws.freeze_panes(1, 0)
    ws.autofilter(0, 0, len(table.rows), max(len(columns) - 1, 0))
    for j, col in enumerate(columns):
        ws.write_string(0, j, escape_control(col.name), header)
    writers = [_writer(ws, col, formats.get(col.kind)) for col in columns]
    names = [col.name for col in columns]
    for i, row in enumerate(table.rows, start=1):
        for j, (name, write) in enumerate(zip(names, writers, strict=True)):
            write(i, j, row.get(name))


def _writer(ws: Any, col: Column, fmt: Any) -> Any:
    """The function that writes one value of `col` at (row, column)."""
    kind = col.kind
    if kind in ("money", "fraction", "int", "number"):

        def number(i: int, j: int, value: Any) -> None:
            if value is not None:  # a float of the rounded figure: `.16g`, as XlsxWriter writes it, gives it back
                ws.write_number(i, j, float(cell_value(col, value)), fmt)

        return number
    if kind == "bool":

        def boolean(i: int, j: int, value: Any) -> None:
            if value is not None:
                ws.write_boolean(i, j, bool(value))

        return boolean

    def text(i: int, j: int, value: Any) -> None:
        cell = cell_value(col, value)
        if cell is None:
            return
        if isinstance(cell, date):
            ws.write_datetime(i, j, datetime(cell.year, cell.month, cell.day), fmt)
            return
        if len(cell) > MAX_CELL:
            raise CellTooLong(col.name, i + 1, len(cell))
        ws.write_string(i, j, cell)

    return text


def _width(col: Column, table: Table) -> int:
    """A column's width in characters: its header's or its widest cell's among the first rows, at most
    `MAX_WIDTH` (a date 10)."""
    if col.kind == "date":
        return max(len(col.name), 10) + 2
    widest = len(col.name)
    for row in table.rows[:_WIDTH_SAMPLE]:
        value = row.get(col.name)
        if value is not None:
            widest = max(widest, len(text_cell(col, value)))
    return min(widest, MAX_WIDTH) + 2
