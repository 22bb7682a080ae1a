"""Reading a CSV export as untrusted data (SPEC 11, and SPEC 7's spirit): streamed, one row at a time, with
every size bounded, so that no export can cost unbounded memory or time.

The bytes are read a physical line at a time (at most `MAX_LINE_BYTES`), decoded with an incremental decoder of
the map's `encoding` (UTF-8 by default, a byte-order mark skipped), and handed to the `csv` module, which joins
quoted newlines into one record. A cell longer than `MAX_FIELD` characters, a header of more than `MAX_COLUMNS`
columns or more than `MAX_ROWS` rows stops the reading with one problem at its line. A cell is text and nothing
else: `=HYPERLINK(...)` is a name like any other (it is written to YAML quoted as YAML needs, never evaluated).
"""

from __future__ import annotations

import codecs
import csv
from collections.abc import Iterator
from typing import IO

from tlt.problems import excerpt

MAX_LINE_BYTES = 1024 * 1024
MAX_FIELD = 64 * 1024
MAX_COLUMNS = 1000
MAX_ROWS = 1_000_000


class ExportStop(Exception):
    """The export cannot be read on from `line`: `message` says why."""

    def __init__(self, line: int, message: str) -> None:
        super().__init__(message)
        self.line = line
        self.message = message


def _lines(stream: IO[bytes], encoding: str) -> Iterator[str]:
    """The decoded text, one line at a time (each with its line break)."""
    name = "utf-8-sig" if codecs.lookup(encoding).name == "utf-8" else encoding  # a byte-order mark is fine
    decoder = codecs.getincrementaldecoder(name)(errors="strict")
    pending = ""
    line = 1  # the line `pending` starts on
    while True:
        raw = stream.readline(MAX_LINE_BYTES + 1)
        if len(raw) > MAX_LINE_BYTES:
            raise ExportStop(line, f"a line longer than {MAX_LINE_BYTES // (1024 * 1024)} MiB; this is no export")
        try:
            text = decoder.decode(raw, final=not raw)
        except UnicodeDecodeError as exc:
            bad = exc.object[exc.start : exc.start + 1]
            shown = f"byte 0x{bad[0]:02x}" if bad else "an incomplete character"
            raise ExportStop(line + pending.count("\n"), f"cannot be read as {encoding} ({shown})") from None
        pending += text
        while True:
            cut = pending.find("\n")
            if cut < 0:
                break
            yield pending[: cut + 1]
            pending = pending[cut + 1 :]
            line += 1
        if len(pending) > MAX_LINE_BYTES:
            raise ExportStop(line, f"a line longer than {MAX_LINE_BYTES // (1024 * 1024)} MiB; this is no export")
        if not raw:
            break
    if pending:
        yield pending


class Export:
    """A CSV export being read: `header` once `rows()` started, then each record as (its first line, its cells)."""

    def __init__(self, stream: IO[bytes], encoding: str) -> None:
        self._stream = stream
        self._encoding = encoding
        self.header: list[str] = []

    def rows(self) -> Iterator[tuple[int, list[str]]]:
        """(line, cells) for each record after the header; blank lines are skipped. Raises `ExportStop`."""
        saved = csv.field_size_limit()
        csv.field_size_limit(MAX_FIELD)  # (the limit is the csv module's one setting; put back below)
        try:
            reader = csv.reader(_lines(self._stream, self._encoding), strict=True)
            ended = 0  # the last line of the previous record
            rows = 0
            while True:
                try:
                    cells = next(reader)
                except StopIteration:
                    break
                except csv.Error as exc:
                    text = str(exc)
                    if "field larger than field limit" in text:
                        text = f"a cell longer than {MAX_FIELD:,} characters"
                    raise ExportStop(ended + 1, f"not CSV: {excerpt(text)}") from None
                start, ended = ended + 1, reader.line_num
                if not cells or (len(cells) == 1 and not cells[0].strip()):
                    continue
                if not self.header:
                    self._take_header(start, cells)
                    continue
                rows += 1
                if rows > MAX_ROWS:
                    raise ExportStop(start, f"more than {MAX_ROWS:,} rows")
                yield start, cells
        finally:
            csv.field_size_limit(saved)
        if not self.header:
            raise ExportStop(1, "the export is empty; it needs a header row")

    def _take_header(self, line: int, cells: list[str]) -> None:
        if len(cells) > MAX_COLUMNS:
            raise ExportStop(line, f"the header has {len(cells):,} columns; at most {MAX_COLUMNS:,}")
        names = [cell.strip() for cell in cells]
        seen: set[str] = set()
        for name in names:
            if name and name in seen:
                raise ExportStop(line, f"the header names the column {excerpt(name)} twice")
            seen.add(name)
        self.header = names
