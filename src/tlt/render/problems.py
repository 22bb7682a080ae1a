"""Problems rendered as text, JSON, GitHub workflow annotations, SARIF 2.1.0 or JUnit XML.

Every value in a problem is data: control characters are escaped in text, and GitHub annotations escape `%`,
CR and LF (and `:` and `,` in properties) as the workflow-command format requires, so no value can start a
line or a command of its own.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Collection

from tlt.problems import Problem, Severity, escape_control, sort_problems
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


def _shown_path(path: str) -> str:
    """A path as text output shows it: escaped, and never starting a CI workflow command (`::error::`)."""
    shown = escape_control(path)
    return "./" + shown if shown.startswith("::") else shown


def render_text(problems: list[Problem]) -> str:
    lines = [
        f"{_shown_path(p.path)}:{p.line}:{p.column}: {p.severity.value}[{p.code}] {escape_control(p.message)}"
        for p in sort_problems(problems)
    ]
    return "".join(line + "\n" for line in lines)


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
        props = (
            f"file={_escape_property(p.path)},line={p.line},col={p.column},title={_escape_property('tlt ' + p.code)}"
        )
        out.append(f"::{kind} {props}::{_escape_data(escape_control_keep_newlines(p.message))}\n")
    return "".join(out)


def escape_control_keep_newlines(text: str) -> str:
    """Escape terminal control characters but keep CR/LF for the annotation's own %0D/%0A escaping."""
    return "".join(ch if ch in "\r\n" else escape_control(ch) for ch in text)


def counts_by_code(problems: list[Problem]) -> Counter[str]:
    return Counter(p.code for p in problems)
