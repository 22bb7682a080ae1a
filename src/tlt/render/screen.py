"""A report as a terminal shows it when a table cannot: a summary, one line per item, then a section per item with
its entries, each entry one line of short cells and, under it, notes that wrap (check-eligibility's terminal view:
SPEC section 13).

Every line fits `width`: the cells that must stay whole (ids, verdicts, counts, figures) keep their width, the
one flexible cell of a line (a title, a name) is cut with `…` by Rich (`Text.truncate`), and notes wrap at spaces
under their first character (`Text.wrap`, a hanging indent), so no value is broken across lines by the terminal.
Values are data, never markup; control characters show escaped; no line can start a CI workflow command.
May import problems (and Rich).
"""

from __future__ import annotations

import io
from dataclasses import dataclass, field

from rich.cells import cell_len
from rich.console import Console
from rich.text import Text

from tlt.problems import escape_control, no_workflow_command

#: the narrowest a flexible cell is cut to; below it the line is let run past the width rather than lose the cell
MIN_FLEXIBLE = 8
INDENT = "  "
GAP = "  "


@dataclass(frozen=True)
class Grid:
    """Aligned one-line rows: `header` names the columns, `flexible` is the index of the column cut with `…` to
    fit (the others keep their width), `right` the columns aligned right."""

    header: list[str]
    rows: list[list[str]]
    flexible: int
    right: frozenset[int] = frozenset()
    #: per row: a Rich style for the row's cells (a verdict's colour), or None
    styles: list[str | None] = field(default_factory=list)
    #: per row: notes shown under it, indented to the second column, each wrapped with a hanging indent
    notes: list[list[str]] = field(default_factory=list)


@dataclass(frozen=True)
class Section:
    """A heading; lines under it; marked lines (a footnote: `[1]` and its text, wrapped under the text); a grid."""

    heading: str
    lines: list[str] = field(default_factory=list)
    marked: list[tuple[str, str]] = field(default_factory=list)
    grid: Grid | None = None


def _widths(grid: Grid, width: int) -> list[int]:
    cells = [grid.header, *grid.rows]
    widths = [max(cell_len(escape_control(row[i])) for row in cells) for i in range(len(grid.header))]
    fixed = sum(w for i, w in enumerate(widths) if i != grid.flexible)
    room = width - len(INDENT) - len(GAP) * (len(widths) - 1) - fixed
    widths[grid.flexible] = max(min(widths[grid.flexible], room), MIN_FLEXIBLE)
    return widths


def _cell(value: str, width: int, right: bool, flexible: bool) -> Text:
    text = Text(escape_control(value))
    if flexible:
        text.truncate(width, overflow="ellipsis")
    gap = " " * (width - text.cell_len)
    return Text(gap) + text if right else text + Text(gap)


def _wrapped(console: Console, text: str, indent: int, hang: int, width: int, style: str | None = None) -> list[Text]:
    """`text` wrapped to `width` at spaces: the first line at `indent`, the others `hang` further in."""
    lines = Text(escape_control(text), style=style or "").wrap(console, max(width - indent - hang, 10))
    out = []
    for i, line in enumerate(lines):
        line.rstrip()
        out.append(Text(" " * (indent + (hang if i else 0))) + line)
    return out


def grid_lines(console: Console, grid: Grid, width: int) -> list[Text]:
    widths = _widths(grid, width)
    out = []
    note_indent = len(INDENT) + widths[0] + len(GAP)

    def line(cells: list[str], style: str | None) -> Text:
        parts = [_cell(c, widths[i], i in grid.right, i == grid.flexible) for i, c in enumerate(cells)]
        text = Text(INDENT, end="")
        for i, part in enumerate(parts):
            if i:
                text.append(GAP)
            text.append_text(part)
        if style:
            text.stylize(style, len(INDENT), len(INDENT) + widths[0])
        text.rstrip()
        return text

    out.append(line(grid.header, "bold"))
    for k, row in enumerate(grid.rows):
        out.append(line(row, grid.styles[k] if k < len(grid.styles) else None))
        for note in grid.notes[k] if k < len(grid.notes) else []:
            sign, _, rest = note.partition(" ")
            out.extend(_wrapped(console, note, note_indent, len(sign) + 1 if rest else 0, width))
    return out


def render_screen(
    title: str, summary: Grid, sections: list[Section], width: int = 100, color: bool = False, end: str = ""
) -> str:
    """The title, the summary grid, every section, then `end` (a closing line), as one text."""
    console = Console(
        file=io.StringIO(), width=width, force_terminal=color, no_color=not color, highlight=False,
        color_system="standard" if color else None, legacy_windows=False,
    )  # fmt: skip
    lines: list[Text] = [*_wrapped(console, title, 0, 2, width, "bold"), Text(), *grid_lines(console, summary, width)]
    for section in sections:
        lines.append(Text())
        lines.extend(_wrapped(console, section.heading, 0, 2, width, "bold"))
        for item in section.lines:
            lines.extend(_wrapped(console, item, len(INDENT), 2, width))
        for mark, item in section.marked:
            lines.extend(_wrapped(console, f"{mark} {item}", len(INDENT), cell_len(mark) + 1, width))
        if section.grid is not None:
            if section.lines or section.marked:
                lines.append(Text())
            lines.extend(grid_lines(console, section.grid, width))
    if end:
        lines.append(Text())
        lines.extend(_wrapped(console, end, 0, 2, width))
    for line in lines:
        console.print(line, overflow="ignore", no_wrap=True, crop=False, soft_wrap=True)
    out = console.file.getvalue()  # type: ignore[attr-defined]
    return no_workflow_command("\n".join(line.rstrip() for line in out.splitlines())) + "\n"
