"""Problems: the one record type every check yields (SPEC section 4).

Imports nothing from tlt. Checks never raise on bad data: they return `Problem`s, which the CLI renders.
"""

from __future__ import annotations

import enum
import re
from collections.abc import Iterable
from dataclasses import dataclass, replace

EXCERPT_LIMIT = 80


class Severity(str, enum.Enum):
    ERROR = "error"
    WARNING = "warning"


@dataclass(frozen=True, order=True)
class Problem:
    """One finding: where (path relative to the repository root, 1-based line and column), how bad, what."""

    path: str
    line: int
    column: int
    code: str
    severity: Severity
    message: str

    @property
    def is_error(self) -> bool:
        return self.severity is Severity.ERROR

    def sort_key(self) -> tuple[str, int, int, str, str]:
        return (self.path, self.line, self.column, self.code, self.message)

    def as_dict(self) -> dict[str, object]:
        return {
            "path": self.path,
            "line": self.line,
            "column": self.column,
            "severity": self.severity.value,
            "code": self.code,
            "message": self.message,
        }


def error(path: str, line: int, column: int, code: str, message: str) -> Problem:
    return Problem(path, line, column, code, Severity.ERROR, message)


def warning(path: str, line: int, column: int, code: str, message: str) -> Problem:
    return Problem(path, line, column, code, Severity.WARNING, message)


def sort_problems(problems: list[Problem]) -> list[Problem]:
    return sorted(set(problems), key=Problem.sort_key)


def with_path_prefix(problems: Iterable[Problem], prefix: str) -> list[Problem]:
    """The problems with `prefix` (a folder ending in `/`, or '') before every path."""
    return [replace(p, path=prefix + p.path) for p in problems] if prefix else list(problems)


_ESCAPES = {"\n": "\\n", "\r": "\\r", "\t": "\\t", "\x1b": "\\x1b"}
_CONTROL = re.compile("[\x00-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069\u2028\u2029\ufeff]")


def _escape_one(match: re.Match[str]) -> str:
    ch = match.group()
    code = ord(ch)
    if ch in _ESCAPES:
        return _ESCAPES[ch]
    return f"\\x{code:02x}" if code < 0xA0 else f"\\u{code:04x}"


def escape_control(text: str) -> str:
    """Show control characters (terminal escapes, CR, LF, DEL, C1, bidi overrides, BOM) as visible escapes."""
    if text.isprintable() or _CONTROL.search(text) is None:  # the common case: nothing to escape (every
        return text  # character _CONTROL matches is unprintable; isprintable runs at memory speed)
    return _CONTROL.sub(_escape_one, text)


def excerpt(value: object, limit: int = EXCERPT_LIMIT) -> str:
    """A short, escaped, quoted excerpt of a value for a message: never a whole record (SPEC section 7)."""
    if isinstance(value, dict):
        return "a mapping"
    if isinstance(value, list):
        return "a list"
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    text = str(value)
    if len(text) > limit:
        text = text[: limit - 1] + "…"
    text = escape_control(text)
    if isinstance(value, str):
        return f"'{text}'"
    return text
