"""Problems: the one record type every check yields (SPEC section 4).

Imports nothing from tlt. Checks never raise on bad data: they return `Problem`s, which the CLI renders.
"""

from __future__ import annotations

import enum
import re
from collections.abc import Iterable, Sized
from dataclasses import dataclass, replace
from itertools import islice

#: A message quotes at most this many characters of a value from the data (SPEC section 7): `shorten`.
EXCERPT_LIMIT = 80
#: A message lists at most this many items of a list from the data, then says how many more there are: `some`.
LIST_LIMIT = 10
#: No problem message is longer (`error`, `warning`): each value and list in it is bounded already, and this
#: bounds what a message makes of many of them (ten failing rules of a role, each listing ten values).
MESSAGE_LIMIT = 2000


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
    return Problem(path, line, column, code, Severity.ERROR, shorten(message, MESSAGE_LIMIT))


def warning(path: str, line: int, column: int, code: str, message: str) -> Problem:
    return Problem(path, line, column, code, Severity.WARNING, shorten(message, MESSAGE_LIMIT))


def sort_problems(problems: list[Problem]) -> list[Problem]:
    return sorted(set(problems), key=Problem.sort_key)


def with_path_prefix(problems: Iterable[Problem], prefix: str) -> list[Problem]:
    """The problems with `prefix` (a folder ending in `/`, or '') before every path."""
    return [replace(p, path=prefix + p.path) for p in problems] if prefix else list(problems)


_ESCAPES = {"\n": "\\n", "\r": "\\r", "\t": "\\t", "\x1b": "\\x1b"}
#: What never reaches an output raw: C0 and C1 controls and DEL (terminal escapes; NEL among them), the line and
#: paragraph separators (a line break in some viewers only), the bidirectional embeddings, overrides and isolates
#: (U+202A–U+202E, U+2066–U+2069) and marks (LRM U+200E, RLM U+200F, ALM U+061C), which reorder what a terminal or a
#: log shows, and the byte-order mark.
_CONTROL = re.compile("[\x00-\x1f\x7f-\x9f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069\ufeff]")
#: The same beyond what JSON escapes itself (C0 controls): written as JSON escapes, the decoded value is unchanged.
_JSON_CONTROL = re.compile("[\x7f-\x9f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069\ufeff]")


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


# GitHub's runner reads a workflow command from a line of a step's output that starts with `::` after leading
# white space, and a legacy one (`##[error]…`) from anywhere in a line (SPEC sections 7 and 14). It splits lines
# at CR, LF and CR LF; Python's `str.lstrip` strips every character .NET's `TrimStart` does, and a few more.
_LEGACY_COMMAND = "##["
_LINE_BREAK = re.compile("(\r\n|\r|\n)")


def no_legacy_command(text: str) -> str:
    """`##[` shown as `#\\x23[`: for a value inside one of tlt's own `::error` lines, whose line breaks are
    escaped as `%0A` (so no value starts a line there)."""
    return text.replace(_LEGACY_COMMAND, "#\\x23[") if _LEGACY_COMMAND in text else text


def no_workflow_command(text: str) -> str:
    """Text for a CI log in which no value can start a workflow command: `##[` shows as `#\\x23[`, and a line that
    starts with `::` (after white space) shows its first colon as `\\x3a` (escapes in the style of
    `escape_control`). Apply it to whole lines of text, or to values in them, never to tlt's own `::error` lines."""
    text = no_legacy_command(text)
    if "::" not in text:
        return text
    parts = _LINE_BREAK.split(text)  # lines at even indexes, the breaks between them at odd ones
    for i in range(0, len(parts), 2):
        line = parts[i]
        rest = line.lstrip()
        if rest.startswith("::"):
            lead = len(line) - len(rest)
            parts[i] = line[:lead] + "\\x3a" + line[lead + 1 :]
    return "".join(parts)


def no_workflow_command_json(text: str) -> str:
    """JSON text in which no string can start a workflow command: `##[` is written `#\\u0023[`, the same string
    to a JSON reader. (`##[` can only be inside a string, and a JSON line never starts with `::`.)"""
    return text.replace(_LEGACY_COMMAND, "#\\u0023[") if _LEGACY_COMMAND in text else text


def no_workflow_command_xml(text: str) -> str:
    """XML text in which no value can start a workflow command: `##[` is written `#&#35;[`, the same text to an
    XML reader. (`##[` can only be in text or an attribute value, where a character reference is allowed.)"""
    return text.replace(_LEGACY_COMMAND, "#&#35;[") if _LEGACY_COMMAND in text else text


def escape_json(text: str) -> str:
    """JSON text (as `json.dumps(..., ensure_ascii=False)` writes it) with every character `escape_control` escapes
    written as a `\\uXXXX` escape. Such characters can only stand inside JSON strings, so this changes the bytes a
    terminal or a log shows, never the data a JSON reader decodes."""
    if text.isascii() and "\x7f" not in text:  # the common case, at memory speed
        return text
    return _JSON_CONTROL.sub(lambda m: f"\\u{ord(m.group()):04x}", text)


def shorten(text: str, limit: int = EXCERPT_LIMIT) -> str:
    """A value as a message may quote it (SPEC section 7: a short excerpt, never a whole record): itself when it
    has at most `limit` characters, else its first `limit - 1` and `…`. Not escaped: every renderer escapes a
    message's control characters (`excerpt` escapes and quotes as well)."""
    return text if len(text) <= limit else text[: limit - 1] + "…"


def shorten_path(path: str, limit: int = EXCERPT_LIMIT) -> str:
    """A file's path as a message names it: at most `limit` characters, cut at the start (`…` and the last
    `limit - 1`), as the end of a path says which file it is."""
    return path if len(path) <= limit else "…" + path[len(path) - limit + 1 :]


def some(
    items: Iterable[object], limit: int = LIST_LIMIT, each: int | None = EXCERPT_LIMIT, total: int | None = None
) -> tuple[list[str], int]:
    """The first `limit` items of a list from the data, each `shorten`ed to `each` characters (None: items a
    message made, which shortened their values already), and how many more there are: what a message lists of it
    (`tlt.rules.base.words` says "a, b or 3 more"). `total`: how many items there are when `items` holds only the
    first of them; a list is counted by its length, never walked past `limit`."""
    shown = [str(item) if each is None else shorten(str(item), each) for item in islice(items, limit)]
    if total is None:
        total = len(items) if isinstance(items, Sized) else len(shown) + sum(1 for _ in items)
    return shown, max(total - len(shown), 0)


def listed(
    items: Iterable[object],
    separator: str = ", ",
    limit: int = LIST_LIMIT,
    each: int | None = EXCERPT_LIMIT,
    total: int | None = None,
) -> str:
    """The items joined for a message: at most `limit`, each `shorten`ed (see `some`), then "and N more"."""
    shown, more = some(items, limit, each, total)
    return separator.join(shown) + (f"{separator}and {more} more" if more else "")


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
    text = escape_control(shorten(str(value), limit))
    if isinstance(value, str):
        return f"'{text}'"
    return text
