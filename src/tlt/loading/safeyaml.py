"""Safe YAML for untrusted files (SPEC section 7), keeping every node's position.

Parses with libyaml's C event parser when present (PyYAML's pure-Python parser otherwise) and builds the tree
itself, iteratively, from the event stream, so that:

* only plain data is built: mappings, sequences and scalars; aliases, merge keys (``<<``) and tags other than
  the core ``!!str``/``!!map``/``!!seq`` are refused, so no file costs exponential time or memory;
* plain scalars follow one grammar, YAML 1.2's core schema, bounded (`resolve_plain`): ``NO``, ``on``, ``off``
  are strings, ``0123`` is 123, not octal; ``0o17`` and ``0x1F`` are integers, but ``0O17``, ``0X1F``,
  ``0b101``, ``+0x1F``, ``1_000`` are strings; ISO dates stay strings here (the schema checks their format, the
  model layer makes them ``datetime.date``); numbers with a fraction or exponent are ``Decimal`` so money is
  exact; ``.nan``/``.inf`` are floats that the schema refuses, as it refuses integers beyond 64 bits and numbers
  beyond 2^63 - 1 or with more than ``MAX_PLACES`` decimal places;
* duplicate keys are reported at the second occurrence, naming the first;
* nesting is measured while the events stream in, before any deeper node exists: a 100,000-level file stops at
  level 65 with one problem (libyaml's own composer would overflow the C stack);
* byte-level checks come first: size (1 MiB), NUL bytes, UTF-8 (a byte-order mark is fine), emptiness.

Every value node's 1-based (line, column) is kept in ``Document.positions`` keyed by its path (a tuple of keys
and indexes), and every mapping key's in ``Document.key_positions``.
"""

from __future__ import annotations

import contextlib
import errno
import os
import re
import stat
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import Any

import yaml

from tlt.problems import EXCERPT_LIMIT, Problem, error, escape_control, excerpt, shorten

try:  # libyaml's C parser when present: the same events, much faster
    from yaml import CSafeLoader as _EventLoader
except ImportError:  # pragma: no cover - depends on the PyYAML build
    from yaml import SafeLoader as _EventLoader  # type: ignore[assignment]

MAX_BYTES = 1024 * 1024
MAX_DEPTH = 64
#: Integers must fit a signed 64-bit integer; longer digit strings are not even converted.
INT_MIN, INT_MAX = -(2**63), 2**63 - 1
_MAX_INT_DIGITS = 30
#: Numbers with a fraction or exponent may have at most this many decimal places: `1e-99999999` would make the
#: exact arithmetic of money and years build a hundred-million-digit denominator. The schema refuses more.
MAX_PLACES = 30

Path = tuple[str | int, ...]
Position = tuple[int, int]

_CORE_CONSTANTS: dict[str, Any] = {
    "": None, "~": None, "null": None, "Null": None, "NULL": None,
    "true": True, "True": True, "TRUE": True, "false": False, "False": False, "FALSE": False,
    ".inf": float("inf"), ".Inf": float("inf"), ".INF": float("inf"),
    "+.inf": float("inf"), "+.Inf": float("inf"), "+.INF": float("inf"),
    "-.inf": float("-inf"), "-.Inf": float("-inf"), "-.INF": float("-inf"),
    ".nan": float("nan"), ".NaN": float("nan"), ".NAN": float("nan"),
}  # fmt: skip
_INT = re.compile(r"[-+]?[0-9]+")
_OCT = re.compile(r"0o[0-7]+")
_HEX = re.compile(r"0x[0-9a-fA-F]+")
_FLOAT = re.compile(r"[-+]?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)(?:[eE][-+]?[0-9]+)?")

_STR_TAG = "tag:yaml.org,2002:str"
_ALLOWED_COLLECTION_TAGS = {None, "!", "tag:yaml.org,2002:map", "tag:yaml.org,2002:seq"}


class TooLargeInt(int):
    """An integer literal with more digits than any 64-bit value; kept out of int() (CVE-2020-10735)."""

    text: str

    def __new__(cls, text: str) -> TooLargeInt:
        self = super().__new__(cls, 2**64)
        self.text = text
        return self

    def __str__(self) -> str:
        return self.text


def resolve_plain(text: str) -> Any:
    """The value of a plain (unquoted, untagged) scalar by tlt's one grammar: YAML 1.2's core schema, exactly its
    regular expressions (so no underscores, no `0b`, no capital `0X`/`0O`, no sign before `0x`/`0o`: those are
    strings), with integers of more than 30 digits kept out of int(). docs/ci.md, "How values are read"."""
    if text in _CORE_CONSTANTS:
        return _CORE_CONSTANTS[text]
    first = text[0]
    if first.isdigit() or first in "+-.":
        if _INT.fullmatch(text):
            digits = len(text.lstrip("+-"))
            return TooLargeInt(text) if digits > _MAX_INT_DIGITS else int(text, 10)
        if _OCT.fullmatch(text):
            return int(text[2:], 8) if len(text) - 2 <= _MAX_INT_DIGITS else TooLargeInt(text)
        if _HEX.fullmatch(text):
            return int(text[2:], 16) if len(text) - 2 <= _MAX_INT_DIGITS else TooLargeInt(text)
        if _FLOAT.fullmatch(text):
            try:
                return Decimal(text)
            except InvalidOperation:  # pragma: no cover - the pattern admits only valid literals
                return text
    return text


@dataclass
class Document:
    """One parsed file: its data (None when it could not be read), node positions and problems."""

    path: str
    data: dict[str, Any] | None
    positions: dict[Path, Position] = field(default_factory=dict)
    key_positions: dict[Path, Position] = field(default_factory=dict)
    problems: list[Problem] = field(default_factory=list)

    def position(self, path: Path) -> Position:
        """The position of the node at `path`, or of its nearest ancestor that has one."""
        p = tuple(path)
        while p:
            if p in self.positions:
                return self.positions[p]
            p = p[:-1]
        return self.positions.get((), (1, 1))

    def key_position(self, path: Path) -> Position:
        p = tuple(path)
        return self.key_positions.get(p) or self.position(p)


class _Stop(Exception):
    """Raised inside the builder to abandon a file after a fatal problem."""


def _mark(event: Any) -> Position:
    mark = event.start_mark
    return (mark.line + 1, mark.column + 1) if mark is not None else (1, 1)


def parse_text(text: str, path: str) -> Document:
    """Parse one YAML document that must be a mapping. Never raises for bad input."""
    doc = Document(path=path, data=None)
    separator = None if text.isascii() else _separator_problem(text, path)
    if separator is not None:
        doc.problems.append(separator)
        return doc
    try:
        doc.data = _build(text, doc)
    except _Stop:
        doc.data = None
    except yaml.MarkedYAMLError as exc:
        deeper = _nesting_before(text, exc, path)
        if deeper is not None:
            doc.problems.append(deeper)
            return doc
        line, col, what = _syntax_error(text, exc)
        doc.problems.append(error(path, line, col, "yaml-syntax", f"not well-formed YAML: {escape_control(what)}"))
        doc.data = None
    except yaml.YAMLError as exc:
        line = 1
        position = getattr(exc, "position", None)
        if isinstance(position, int):
            line = text.count("\n", 0, position) + 1
        reason = getattr(exc, "reason", None) or "unreadable YAML"
        char = getattr(exc, "character", None)
        shown = (f"\\x{char:02x}" if char < 0x100 else f"\\u{char:04x}") if isinstance(char, int) else excerpt(char)
        detail = f"{reason} (character {shown})" if char is not None else str(reason)
        doc.problems.append(error(path, line, 1, "yaml-syntax", f"not well-formed YAML: {escape_control(detail)}"))
        doc.data = None
    except UnicodeEncodeError as exc:  # a lone surrogate: text that no UTF-8 file can hold
        line = text.count("\n", 0, exc.start) + 1
        doc.problems.append(error(path, line, 1, "file", "the text is not valid Unicode (a lone surrogate)"))
        doc.data = None
    except RecursionError:  # pragma: no cover - the depth limit comes first
        doc.problems.append(error(path, 1, 1, "yaml-syntax", "nesting is too deep"))
        doc.data = None
    return doc


#: The contexts whose mark is where the cause is: a key never given its `:`, a quote or a bracket never closed.
#: Other contexts ("while parsing a block mapping") mark where the enclosing node began, often line 1: there
#: the problem mark is nearer the cause.
_OPENED = re.compile(r"while (scanning a simple key|scanning a quoted scalar|parsing a flow (sequence|mapping))")


def _syntax_error(text: str, exc: yaml.MarkedYAMLError) -> tuple[int, int, str]:
    """Where a YAML syntax error is reported and what it says: at the line of the cause.

    libyaml gives two marks: the problem mark, where it gave up, and the context mark, where the construct it was
    reading began. When that construct is one that was opened and never finished (`_OPENED`: a key without its
    `:` on line 3 is noticed at 4:1; an unclosed `[` or quote at the end of the file) and the problem lies on a
    later line, the parser read past the cause: the error is reported at the context mark, saying where the
    parser stopped. Otherwise (a block mapping's context is where the mapping began) at the problem mark. A tab where YAML wants spaces (as the
    character it stopped at, or in the indentation of that line) is named: libyaml says only "found character
    that cannot start any token"."""
    problem, context = exc.problem_mark, exc.context_mark
    line, col = (problem.line + 1, problem.column + 1) if problem is not None else (1, 1)
    # PyYAML's own parser (where libyaml is missing) quotes a tag handle of any length ("found undefined tag
    # handle '!…!'"); other values it quotes are one character: each part is cut so that a handle shows 80.
    what = " ".join(shorten(x, EXCERPT_LIMIT + _OWN_TEXT) for x in (exc.context, exc.problem) if x)
    lines = text.splitlines()
    source = lines[line - 1] if 0 < line <= len(lines) else ""
    if source[col - 1 : col] == "\t":
        return line, col, "a tab character here; YAML indents and separates with spaces, never tabs"
    indent = source[: len(source) - len(source.lstrip(" \t"))]
    if "\t" in indent:
        return line, indent.index("\t") + 1, f"{what} (the line is indented with a tab; YAML indents with spaces)"
    if problem is not None and context is not None and context.line < problem.line and _OPENED.match(exc.context or ""):
        if "end of stream" not in what:
            stopped = "the end of the file" if problem.line >= len(lines) else f"line {line}, column {col}"
            what += f" (the parser stopped at {stopped})"
        return context.line + 1, context.column + 1, what
    return line, col, what


#: PyYAML's own text before a tag handle it quotes in an error: the handle then shows as an excerpt does.
_OWN_TEXT = len("found undefined tag handle '")


def _nesting_before(text: str, exc: yaml.MarkedYAMLError, path: str) -> Problem | None:
    """tlt's depth problem when the file nests deeper than MAX_DEPTH before the parser's error, else None.

    A parser scans ahead of the events it hands out (a run of `[` on one line may be a key, so it reads on to the
    line's end), and an error it meets there reaches `_build` before the events that would have tripped tlt's own
    limit. libyaml 0.2.6 stops at its own limit of 1,000 flow levels that way. So the events of the text before the
    error are streamed once more, counting depth only: whichever libyaml is installed, and whatever limit it has
    above tlt's, the first problem is tlt's, at tlt's column. Only broken files pay for this."""
    end = getattr(exc.problem_mark, "index", None)
    # The cut text normally fails only where it ends, mid-node. It fails earlier when a second limit lies below the
    # first (a parser's own limit under a wrapper's, or a scan-ahead error inside it): then cut there and stream
    # again; each round ends strictly earlier, and a few are plenty.
    for _ in range(8):
        if not isinstance(end, int) or end <= 0:
            return None
        depth = 0
        try:
            for event in yaml.parse(text[:end], Loader=_EventLoader):
                if isinstance(event, (yaml.MappingStartEvent, yaml.SequenceStartEvent)):
                    depth += 1
                    if depth > MAX_DEPTH:
                        return _too_deep(path, event)
                elif isinstance(event, (yaml.MappingEndEvent, yaml.SequenceEndEvent)):
                    depth -= 1
            return None
        except yaml.MarkedYAMLError as again:
            earlier = getattr(again.problem_mark, "index", None)
            if not isinstance(earlier, int) or earlier >= end:
                return None
            end = earlier
        except yaml.YAMLError:
            return None
    return None


def _too_deep(path: str, event: Any) -> Problem:
    line, col = _mark(event)
    return error(path, line, col, "yaml-syntax", f"nesting deeper than {MAX_DEPTH} levels")


def _build(text: str, doc: Document) -> dict[str, Any] | None:
    path = doc.path
    problems = doc.problems
    positions = doc.positions
    key_positions = doc.key_positions

    def fatal(event: Any, message: str) -> None:
        line, col = _mark(event)
        problems.append(error(path, line, col, "yaml-syntax", message))
        raise _Stop

    root: Any = None
    documents = 0
    # A frame: [container, path, pending_key (maps only) or None, first-seen key lines (maps), is_map]
    stack: list[list[Any]] = []

    def attach(value: Any, event: Any, is_key_allowed: bool = True) -> Path | None:
        """Put a finished value (scalar) or a new container into its parent; return its path."""
        nonlocal root
        if not stack:
            root = value
            positions[()] = _mark(event)
            return ()
        frame = stack[-1]
        container, cpath = frame[0], frame[1]
        if frame[4]:  # mapping
            key = frame[2]
            frame[2] = None
            vpath = cpath + (key,)
            container[key] = value
        else:
            vpath = cpath + (len(container),)
            container.append(value)
        positions[vpath] = _mark(event)
        return vpath

    def take_key(event: Any) -> bool:
        """In a mapping awaiting a key, record the key event; True when it was consumed as a key."""
        frame = stack[-1]
        if not frame[4] or frame[2] is not None:
            return False
        if not isinstance(event, yaml.ScalarEvent):
            fatal(event, "a mapping key must be a plain scalar, not a collection")
        if event.tag not in (None, "!", _STR_TAG):
            fatal(event, f"tag {excerpt(event.tag)} is not allowed; only plain data is accepted")
        key = event.value
        line, col = _mark(event)
        if key == "<<" and event.implicit[0]:
            fatal(event, "merge keys (<<) are not allowed; write the keys out")
        seen: dict[str, int] = frame[3]
        if key in seen:
            problems.append(
                error(path, line, col, "duplicate-key", f"duplicate key {excerpt(key)}: first at line {seen[key]}")
            )
            key = _Duplicate(key, line)
        else:
            seen[key] = line
        frame[2] = key
        key_positions[frame[1] + (key,)] = (line, col)
        return True

    for event in yaml.parse(text, Loader=_EventLoader):
        if isinstance(event, (yaml.StreamStartEvent, yaml.StreamEndEvent, yaml.DocumentEndEvent)):
            continue
        if isinstance(event, yaml.DocumentStartEvent):
            documents += 1
            if documents > 1:
                fatal(event, "more than one YAML document; a file holds exactly one mapping")
            continue
        if isinstance(event, yaml.AliasEvent):
            fatal(event, "aliases (*name) are not allowed; write the value out")
        if isinstance(event, (yaml.MappingEndEvent, yaml.SequenceEndEvent)):
            frame = stack.pop()
            if frame[4] and isinstance(frame[0], dict):
                _drop_duplicates(frame[0])
            continue
        if stack and take_key(event):
            continue
        if isinstance(event, yaml.ScalarEvent):
            if event.tag is None:
                value = resolve_plain(event.value) if event.implicit[0] else event.value
            elif event.tag in ("!", _STR_TAG):  # `! 012`: the non-specific tag makes a string (YAML 1.2)
                value = event.value
            else:
                fatal(event, f"tag {excerpt(event.tag)} is not allowed; only plain data is accepted")
            attach(value, event)
            continue
        if isinstance(event, (yaml.MappingStartEvent, yaml.SequenceStartEvent)):
            if event.tag not in _ALLOWED_COLLECTION_TAGS:
                fatal(event, f"tag {excerpt(event.tag)} is not allowed; only plain data is accepted")
            if len(stack) >= MAX_DEPTH:
                problems.append(_too_deep(path, event))
                raise _Stop
            is_map = isinstance(event, yaml.MappingStartEvent)
            container: Any = {} if is_map else []
            cpath = attach(container, event)
            stack.append([container, cpath, None, {}, is_map])
            continue
    if documents == 0:
        problems.append(error(path, 1, 1, "file", "the file holds no YAML document; it must be one mapping"))
        raise _Stop
    if not isinstance(root, dict):
        kind = "a list" if isinstance(root, list) else f"the scalar {excerpt(root)}"
        problems.append(error(path, 1, 1, "yaml-syntax", f"the document is {kind}; it must be one mapping"))
        raise _Stop
    return root


class _Duplicate(str):
    """A repeated key, kept apart from the first while the mapping is built, dropped when it closes."""

    def __new__(cls, key: str, line: int) -> _Duplicate:
        self = super().__new__(cls, f"{key}\x00dup{line}")
        return self


def _drop_duplicates(mapping: dict[Any, Any]) -> None:
    for key in [k for k in mapping if isinstance(k, _Duplicate)]:
        del mapping[key]


#: NEL, LINE SEPARATOR and PARAGRAPH SEPARATOR: line breaks to PyYAML and libyaml (YAML 1.1), text to YAML 1.2
#: and yaml-rs, and no line break at all in editors, `git diff` and GitHub. `name: Pat<U+2028>status: permanent`
#: shows as one line yet libyaml reads a second key, so a file holding one raw, anywhere, is refused.
_SEPARATORS = re.compile("[\x85\u2028\u2029]")
_SEPARATOR_NAMES = {
    "\x85": "U+0085 (NEXT LINE)",
    "\u2028": "U+2028 (LINE SEPARATOR)",
    "\u2029": "U+2029 (PARAGRAPH SEPARATOR)",
}


def _separator_problem(text: str, path: str) -> Problem | None:
    """A `file` problem at the first NEL, U+2028 or U+2029, placed by the lines an editor shows (LF ends one)."""
    found = _SEPARATORS.search(text)
    if found is None:
        return None
    index = found.start()
    line = text.count("\n", 0, index) + 1
    column = index - (text.rfind("\n", 0, index) + 1) + 1
    char = found.group()
    return error(
        path,
        line,
        column,
        "file",
        f"the file contains {_SEPARATOR_NAMES[char]}, a line break to some YAML readers and not to others, and "
        f'invisible in editors and diffs; remove it, or write it as "\\u{ord(char):04x}" in a double-quoted string',
    )


def _nul_problem(data: bytes, path: str) -> Problem | None:
    index = data.find(b"\x00")
    if index < 0:
        return None
    line = data.count(b"\n", 0, index) + 1
    column = index - (data.rfind(b"\n", 0, index) + 1) + 1
    return error(path, line, column, "file", "the file contains a NUL byte; data files are UTF-8 text")


def decode(data: bytes, path: str) -> tuple[str | None, Problem | None]:
    """UTF-8 text (a byte-order mark is fine) or a `file` problem placed at the offending line."""
    nul = _nul_problem(data, path)
    if nul is not None:
        return None, nul
    body = data[3:] if data.startswith(b"\xef\xbb\xbf") else data  # a byte-order mark is fine
    try:
        text = body.decode("utf-8")  # (the utf-8-sig codec is a Python function: a call more a file)
    except UnicodeDecodeError as exc:
        at = exc.start + len(data) - len(body)
        line = data.count(b"\n", 0, at) + 1
        return None, error(path, line, 1, "file", f"the file is not UTF-8 text (byte 0x{data[at]:02x})")
    if not text or text.isspace():  # (no stripped copy of every file)
        return None, error(path, 1, 1, "file", "the file is empty; it must be one YAML mapping")
    return text, None


def parse_bytes(data: bytes, path: str) -> Document:
    """Parse a file's bytes: the size limit, UTF-8, then `parse_text`. Never raises for bad input."""
    if len(data) > MAX_BYTES:
        size = len(data) / (1024 * 1024)
        return Document(
            path, None, problems=[error(path, 1, 1, "file", f"the file is {size:.1f} MiB; the limit is 1 MiB")]
        )
    text, problem = decode(data, path)
    if problem is not None or text is None:
        return Document(path, None, problems=[problem] if problem else [])
    return parse_text(text, path)


def read_document(
    file: str, rel: str, root: str, fd: int | None = None, parse: Callable[[bytes, str], Document] = parse_bytes
) -> Document:
    """Read one file of the repository at absolute `file`, shown as `rel`, and `parse(data, rel)` its bytes.

    A symbolic link is followed only when its target lies inside `root` (the repository); otherwise the file is
    reported and not opened. `fd`: the file already opened with `open_ahead` (this function closes it). Never
    raises for bad input.
    """
    try:
        try:
            # no symbolic link (O_NOFOLLOW), never blocking on a FIFO (O_NONBLOCK): one open and one fstat a file
            if fd is None:
                fd = os.open(file, _OPEN_FLAGS)
        except OSError as exc:
            if exc.errno == errno.ENXIO:  # a socket
                return _file_problem(rel, "not a regular file")
            if exc.errno not in (errno.ELOOP, errno.EMLINK) or not os.path.islink(file):
                raise
            target = os.path.realpath(file)
            root_real = os.path.realpath(root)
            if os.path.commonpath([target, root_real]) != root_real:
                return _file_problem(rel, "a symbolic link to a file outside the repository; it is not followed")
            fd = os.open(target, _OPEN_FLAGS)
        try:
            data = _read_regular(fd, rel)
        finally:
            os.close(fd)
    except OSError as exc:
        return _file_problem(rel, f"cannot read the file: {escape_control(exc.strerror or 'error')}")
    except ValueError:
        return _file_problem(rel, "cannot read the file")
    if isinstance(data, Document):
        return data
    return parse(data, rel)


_OPEN_FLAGS = os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_CLOEXEC", 0)


def open_ahead(file: str) -> int | None:
    """The file opened as `read_document` opens it, its reading started in the background (the kernel reads it
    into the page cache while the caller parses the files before it), or None when that open fails:
    `read_document` then opens it itself and says why it cannot be read."""
    try:
        fd = os.open(file, _OPEN_FLAGS)
    except OSError:
        return None
    if _WILLNEED is not None:
        with contextlib.suppress(OSError):  # not supported there: the file is simply read when its turn comes
            os.posix_fadvise(fd, 0, 0, _WILLNEED)
    return fd


_WILLNEED = getattr(os, "POSIX_FADV_WILLNEED", None)  # (none on macOS)


def _read_regular(fd: int, rel: str) -> bytes | Document:
    """The bytes of an open regular file, up to the limit; a problem document for anything else."""
    info = os.fstat(fd)
    if not stat.S_ISREG(info.st_mode):
        return _file_problem(rel, "not a regular file")
    size = info.st_size
    if size > MAX_BYTES:
        return _file_problem(rel, f"the file is {size / (1024 * 1024):.1f} MiB; the limit is 1 MiB")
    # read what the size says plus one byte: exactly the size is the whole file (no second read to see its end);
    # a file that grew or shrank meanwhile is read on, up to the limit
    data = os.read(fd, size + 1)
    if len(data) == size:
        return data
    while len(data) <= MAX_BYTES:
        more = os.read(fd, MAX_BYTES + 1 - len(data))
        if not more:
            break
        data += more
    return data


def _file_problem(rel: str, message: str) -> Document:
    return Document(rel, None, problems=[error(rel, 1, 1, "file", message)])
