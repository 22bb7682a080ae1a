"""Problems rendered as text, JSON, GitHub workflow annotations, SARIF 2.1.0 or JUnit XML.

Every value in a problem is data: control characters are escaped in text, and GitHub annotations escape `%`,
CR and LF (and `:` and `,` in properties) as the workflow-command format requires, so no value can start a
line or a command of its own; nor can a value's `##[` start a legacy command (`no_workflow_command`). The job
summary is Markdown in which every value is literal text.
"""

from __future__ import annotations

import re
import string
from collections.abc import Collection, Mapping, Sequence

from rich.cells import cell_len

from tlt.problems import Problem, Severity, escape_control, no_legacy_command, no_workflow_command, sort_problems
from tlt.render.rows import to_json


def summary(problems: list[Problem]) -> str:
    errors = sum(1 for p in problems if p.is_error)
    warnings = len(problems) - errors
    files = len({p.path for p in problems})

    def n(count: int, word: str) -> str:
        return f"{count} {word}{'' if count == 1 else 's'}"

    if not problems:
        return "no problems"
    return f"{n(errors, 'error')}, {n(warnings, 'warning')} in {n(files, 'file')}"


def run_summary(root: str, roles: int, teachers: int, problems: list[Problem]) -> str:
    """validate's summary on stderr (SPEC 13): the repository root as shown (`root`), the role and teacher files
    read (tlt.yaml not counted), then `summary`: `examples/bps: 32 files (2 roles, 30 teachers): no problems`."""

    def n(count: int, word: str) -> str:
        return f"{count} {word}{'' if count == 1 else 's'}"

    return f"{escape_control(root)}: {n(roles + teachers, 'file')} ({n(roles, 'role')}, {n(teachers, 'teacher')}): " + (
        summary(problems)
    )


def _shown_path(path: str) -> str:
    """A path as text output shows it: escaped, and never starting a CI workflow command (`::error::`)."""
    shown = escape_control(path)
    return "./" + shown if shown.lstrip().startswith("::") else shown


def render_text(problems: list[Problem], sources: Mapping[str, Sequence[str]] | None = None, width: int = 100) -> str:
    """One line per problem, `path:line:col: severity[code] message`, sorted. With `sources` (the lines of each
    file, for a terminal: SPEC 13), each problem's source line follows it with a caret under the column, as ruff
    shows it, and a blank line after (`source_excerpt`)."""
    out = []
    for p in sort_problems(problems):
        out.append(
            f"{_shown_path(p.path)}:{p.line}:{p.column}: {p.severity.value}[{p.code}] {escape_control(p.message)}\n"
        )
        lines = sources.get(p.path) if sources is not None else None
        if lines is not None and 1 <= p.line <= len(lines):
            out.append(source_excerpt(p.line, p.column, lines[p.line - 1], width) + "\n")
    return no_workflow_command("".join(out))


#: The source line shown under a problem keeps at most this many cells of text on either side of the column.
_CONTEXT_CELLS = 40


def source_excerpt(line: int, column: int, text: str, width: int = 100) -> str:
    """The source line `text` (line `line` of its file) under a problem, as ruff shows it: a gutter with the line
    number, the line (control characters escaped, tabs as `\\t`), then a caret under `column`. A line wider than
    the terminal is cut around the column, `…` marking each cut; the caret moves with the cut."""
    gutter = len(str(line))
    before, after = escape_control(text[: max(column - 1, 0)]), escape_control(text[max(column - 1, 0) :])
    room = max(width - gutter - 4, 20)  # `NN | ` and one cell to spare
    if cell_len(before) + cell_len(after) > room:
        keep = max(room // 2, 10)
        if cell_len(before) > keep:
            before = "…" + _tail_cells(before, keep - 1)
        after = (
            _head_cells(after, room - cell_len(before) - 1) + "…"
            if cell_len(after) > room - cell_len(before)
            else after
        )
    pad = " " * gutter
    return f"{pad} |\n{line} | {before}{after}\n{pad} | {' ' * cell_len(before)}^\n"


def _head_cells(text: str, cells: int) -> str:
    out, used = [], 0
    for ch in text:
        used += cell_len(ch)
        if used > cells:
            break
        out.append(ch)
    return "".join(out)


def _tail_cells(text: str, cells: int) -> str:
    return _head_cells(text[::-1], cells)[::-1]


def render_json(problems: list[Problem]) -> str:
    ordered = sort_problems(problems)
    errors = sum(1 for p in ordered if p.is_error)
    return to_json(
        {
            "ok": errors == 0,
            "errors": errors,
            "warnings": len(ordered) - errors,
            "problems": [p.as_dict() for p in ordered],
        }
    )


def _escape_data(text: str) -> str:
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def _escape_property(text: str) -> str:
    return _escape_data(text).replace(":", "%3A").replace(",", "%2C")


def _github_value(text: str, prop: bool = False) -> str:
    """A value as one of tlt's own `::error` lines holds it, in a property (`file=`, `title=`) or in the message:
    every control character shown escaped as in every text output (ESC, BEL, NEL, U+2028 included: the log shows
    the line, and a terminal escape there would drive it), CR and LF kept for the format's own `%0D` and `%0A` (the
    runner turns them back into the file's name), `##[` shown as `#\\x23[`, then `%` (and in a property `:` and
    `,`) escaped as the workflow-command format requires. The one place a github value is made safe."""
    shown = no_legacy_command(escape_control_keep_newlines(text))
    return _escape_property(shown) if prop else _escape_data(shown)


def github_order(problems: list[Problem], changed: Collection[str] = ()) -> list[Problem]:
    """The order of github output (SPEC section 14): errors first, then the problems of the files in `changed`
    (those that differ from `--changed-since REV`), then by path, line, column and code. GitHub shows only the
    first 10 error and 10 warning annotations of a step, in output order, so a pull request's own errors must
    not wait behind hundreds of warnings or the errors of files it did not touch."""
    changed = frozenset(changed)
    return sorted(set(problems), key=lambda p: (not p.is_error, p.path not in changed, *p.sort_key()))


def render_github(problems: list[Problem], changed: Collection[str] = ()) -> str:
    """GitHub Actions workflow commands: `::error file=…,line=…,col=…,title=…::message`, in `github_order`."""
    out = []
    for p in github_order(problems, changed):
        kind = "error" if p.severity is Severity.ERROR else "warning"
        # the line is tlt's own command and its values' line breaks become %0A: no value can start a line there
        path, title = _github_value(p.path, prop=True), _github_value("tlt " + p.code, prop=True)
        props = f"file={path},line={p.line},col={p.column},title={title}"
        out.append(f"::{kind} {props}::{_github_value(p.message)}\n")
    return "".join(out)


#: GitHub keeps at most 1 MiB of one step's job summary (`$GITHUB_STEP_SUMMARY`), and fails the upload of more.
STEP_SUMMARY_LIMIT = 1024 * 1024

# ASCII punctuation that stays as it is in a summary cell: none of it is Markdown or HTML syntax inside a table
# cell's inline text. Everything else (`|`, `<`, `&`, backticks, `*`, `_`, `[`, `!`, `\`, `#`, `:`, `.`, `@`, ...)
# becomes a numeric character reference, which CommonMark shows as the character and never reads as syntax: no
# cell split, no HTML, no link, image, emphasis or code span, no `www.`/`https:` autolink, no workflow command.
_MD_PLAIN = frozenset("/,-'\"();=?%")
_MD_ENTITY = {ch: f"&#{ord(ch)};" for ch in string.punctuation if ch not in _MD_PLAIN}


def _md(text: str) -> str:
    """A value as literal text in a Markdown table cell: control characters shown escaped, then every character
    that Markdown or HTML could read as syntax as a character reference."""
    return "".join(_MD_ENTITY.get(ch, ch) for ch in escape_control(text))


def _summary_row(p: Problem) -> str:
    # every value in <code>: after rendering, GitHub turns `:100:` (line 100 of a file, or a value's text) into an
    # emoji, `@name` into a mention and `#12` into a link in text, but not in code
    cells = (f"{p.path}:{p.line}:{p.column}", p.code, p.message)
    return f"| {p.severity.value} | " + " | ".join(f"<code>{_md(cell)}</code>" for cell in cells) + " |\n"


def render_step_summary(problems: list[Problem], changed: Collection[str] = (), limit: int = STEP_SUMMARY_LIMIT) -> str:
    """The job summary of `tlt validate --format github`: a heading, the counts, and a Markdown table of every
    problem (severity, file:line:col, code, message) in `github_order`, at most `limit` bytes of UTF-8. Rows that
    do not fit give way to a last line saying how many were left out; '' when not even that fits."""
    ordered = github_order(problems, changed)
    head = f"### tlt validate\n\n{summary(ordered)}\n\n"
    if not ordered:
        return head if len(head.encode("utf-8")) <= limit else ""
    head += "| severity | file:line:col | code | message |\n| --- | --- | --- | --- |\n"

    def left_out(n: int) -> str:
        return (
            f"\n{n} more problem{'s' if n != 1 else ''} not shown: GitHub keeps at most 1 MiB of a step's summary; "
            "`tlt validate` lists them all.\n"
        )

    rows = [_summary_row(p) for p in ordered]
    sizes = [len(row.encode("utf-8")) for row in rows]
    budget = limit - len(head.encode("utf-8"))
    if sum(sizes) <= budget:
        return head + "".join(rows)
    budget -= len(left_out(len(rows)).encode("utf-8"))  # the longest such line: the count can only shrink
    if budget < 0:
        return ""
    kept = 0
    while kept < len(rows) and sizes[kept] <= budget:
        budget -= sizes[kept]
        kept += 1
    return head + "".join(rows[:kept]) + left_out(len(rows) - kept)


def escape_control_keep_newlines(text: str) -> str:
    """Escape terminal control characters but keep CR/LF for the annotation's own %0D/%0A escaping."""
    if "\r" not in text and "\n" not in text:
        return escape_control(text)
    return "".join(part if part in ("\r", "\n") else escape_control(part) for part in _CR_LF.split(text))


_CR_LF = re.compile("([\r\n])")
