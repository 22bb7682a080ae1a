"""Writing teacher files for `tlt import`: a new file whole, or an existing one changed only where an owned field
changed, every other byte kept (SPEC 11: other fields, comments, key order and layout stay).

ruamel.yaml's round trip renders what changes: a new file, a changed value, and an owned list, which is loaded
round trip from the file and merged in place, so that comments inside the list and the keys of its entries that
the export does not fill survive. A whole-file round trip would also re-indent and re-quote the parts nobody
changed, so the rendered value is put into the original text where the old value stood (its place found by
PyYAML's events): a changed `school` changes the bytes of that one value, and a hand-written comment or an
`assignments` block elsewhere stays byte for byte. The caller reads the new text back through the safe loader
and compares it with what it meant to write, so a rendering that reads back differently is never written.

Imports ruamel.yaml (round trip, pure Python) and PyYAML (events only); the files it is given have passed the
safe loader and the teacher schema (no aliases, tags, or nesting beyond 64).
"""

from __future__ import annotations

import io
import re
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from functools import cache
from typing import TYPE_CHECKING, Any

import yaml

if TYPE_CHECKING:
    from ruamel.yaml import YAML
    from ruamel.yaml.comments import CommentedMap, CommentedSeq

# ruamel.yaml (pure Python, ~0.1 s to import) is imported where a value is rendered round trip, not here: an
# import whose new files the fast writer makes and whose other files are unchanged never needs it


def _decimal(representer: Any, value: Decimal) -> Any:
    # plain `92000.00` (a float to YAML 1.2, a Decimal to tlt's loader); an integral Decimal (a `decimal` cell
    # without a fraction) as an integer, which is what its text reads back as
    exponent = value.as_tuple().exponent
    if isinstance(exponent, int) and exponent >= 0:
        return representer.represent_scalar("tag:yaml.org,2002:int", str(int(value)))
    return representer.represent_scalar("tag:yaml.org,2002:float", format(value, "f"))


@cache
def _yaml(offset: int = 2) -> YAML:
    """One ruamel.yaml instance per sequence offset, made once: making one costs more than a small dump."""
    from ruamel.yaml import YAML

    y = YAML(typ="rt")
    y.width = 4096  # never fold a long value or flow mapping onto a second line
    y.preserve_quotes = True
    y.indent(mapping=2, sequence=offset + 2, offset=offset)
    y.representer.add_representer(Decimal, _decimal)
    return y


def round_trip(text: str) -> Any:
    """An existing file loaded round trip (comments kept), for its owned lists to be merged into."""
    return _yaml().load(text)


def flow_entry(values: dict[str, Any]) -> CommentedMap:
    """A new list entry, written `{state: MA, number: '0123'}` as tlt's own files write entries."""
    from ruamel.yaml.comments import CommentedMap

    entry = CommentedMap(values)
    entry.fa.set_flow_style()
    return entry


def rt_list(entries: list[Any]) -> CommentedSeq:
    """A new list: entries as flow mappings, or a list of plain names as one flow sequence (`[BTU, Cohort 3]`)."""
    from ruamel.yaml.comments import CommentedSeq

    if all(not isinstance(entry, dict) for entry in entries):
        names = CommentedSeq(entries)
        names.fa.set_flow_style()
        return names
    return CommentedSeq(flow_entry(entry) if isinstance(entry, dict) else entry for entry in entries)


def names_like(seq: Any, names: list[Any]) -> CommentedSeq:
    """`names` as a new list in the style (flow or block) of the list `seq` loaded round trip."""
    from ruamel.yaml.comments import CommentedSeq

    made = CommentedSeq(names)
    if seq.fa.flow_style():
        made.fa.set_flow_style()
    return made


def dump(data: Any, offset: int = 2) -> str:
    out = io.StringIO()
    _yaml(offset).dump(data, out)
    return out.getvalue()


def new_file(data: dict[str, Any]) -> str:
    """A new teacher file: keys in the order given, list entries as flow mappings."""
    from ruamel.yaml.comments import CommentedMap

    made = CommentedMap()
    for key, value in data.items():
        made[key] = rt_list(value) if isinstance(value, list) else value
    return dump(made)


# Plain scalars the fast writer may emit as they are: text starting with a letter (never a number, a date, an
# indicator) of letters, digits and a few marks that mean nothing to YAML where they stand; in a flow entry no
# comma. Anything else (quotes, escapes, words YAML could read as null or a boolean) goes to ruamel.
_PLAIN_BLOCK = re.compile(r"[A-Za-z](?:[A-Za-z0-9 ._,'()/&-]*[A-Za-z0-9.)])?")
_PLAIN_FLOW = re.compile(r"[A-Za-z](?:[A-Za-z0-9 ._'()/&-]*[A-Za-z0-9.)])?")
_KEY = re.compile(r"[a-z][a-z_]*")
_WORDS = frozenset({"null", "true", "false", "yes", "no", "on", "off", "y", "n", "nan", "inf"})


def _fast_scalar(value: Any, plain: re.Pattern[str]) -> str | None:
    """`value` as ruamel.yaml writes it in a new file, for the kinds of value an import makes most (plain text,
    whole numbers, money, dates); None for anything else."""
    kind = type(value)
    if kind is str:
        # (short: ruamel folds a line past its width, 4096, and a long flow entry is many values on one line)
        if len(value) <= 200 and plain.fullmatch(value) and "  " not in value and value.lower() not in _WORDS:
            return value
        return None
    if kind is int:
        return str(value)
    if kind is Decimal:
        if not value.is_finite():
            return None
        exponent = value.as_tuple().exponent
        return str(int(value)) if isinstance(exponent, int) and exponent >= 0 else format(value, "f")
    if kind is date:
        return value.isoformat()
    return None


def fast_new_file(data: dict[str, Any]) -> str | None:
    """`new_file(data)`'s text without ruamel.yaml, or None when `data` holds a value this writer leaves to it.

    ruamel's round trip costs about 2.7 ms a file, most of a 100,000-row import into an empty repository; the
    values of a typical export (names, schools, codes, money, dates) need no quoting, and those are written here
    byte for byte as ruamel writes them (tests/test_import_fast.py compares the two). The caller reads every text
    back and compares it with `data`, whichever wrote it."""
    lines: list[str] = []
    for key, value in data.items():
        if not _KEY.fullmatch(key):
            return None
        if type(value) is list:
            if not value:
                return None
            lines.append(f"{key}:")
            for entry in value:
                if type(entry) is not dict or not entry:
                    return None
                parts = []
                for name, item in entry.items():
                    text = _fast_scalar(item, _PLAIN_FLOW)
                    if text is None or not _KEY.fullmatch(name):
                        return None
                    parts.append(f"{name}: {text}")
                if len(parts) > 12:
                    return None
                lines.append("  - {" + ", ".join(parts) + "}")
            continue
        text = _fast_scalar(value, _PLAIN_BLOCK)
        if text is None:
            return None
        lines.append(f"{key}: {text}")
    return "\n".join(lines) + "\n"


@dataclass
class Span:
    """Where a top-level key's value stands in the text (character offsets): `block` for a block collection."""

    key_end: int
    start: int
    end: int
    block: bool
    column: int  # the value's column (a block sequence: its dashes')


def _mark(event: Any, which: str) -> Any:
    return getattr(event, which)  # (every event of a parse has both marks)


def top_level_spans(text: str) -> dict[str, Span] | None:
    """Each top-level key's value span, or None when the file is not a block mapping (then it is rewritten
    whole). A block collection ends where its last scalar or flow collection ends: the end event of a block
    collection is marked at the next token, past any comment lines that follow it."""
    spans: dict[str, Span] = {}
    flows: list[bool] = []  # one per open collection: is it a flow one
    key: str | None = None
    key_end = start = column = last_end = 0
    event: Any
    for event in yaml.parse(text, Loader=yaml.SafeLoader):  # (the Python parser: its marks count characters)
        if isinstance(event, (yaml.StreamStartEvent, yaml.StreamEndEvent, yaml.DocumentStartEvent)):
            continue
        if isinstance(event, yaml.DocumentEndEvent):
            continue
        opens = isinstance(event, (yaml.MappingStartEvent, yaml.SequenceStartEvent))
        closes = isinstance(event, (yaml.MappingEndEvent, yaml.SequenceEndEvent))
        if not flows:
            if not isinstance(event, yaml.MappingStartEvent) or event.flow_style:
                return None
            flows.append(False)
            continue
        if len(flows) == 1:
            if closes:
                flows.pop()
                continue
            if key is None:
                if not isinstance(event, yaml.ScalarEvent):
                    return None
                key, key_end = event.value, _mark(event, "end_mark").index
                continue
            if isinstance(event, yaml.ScalarEvent):
                spans[key] = Span(
                    key_end,
                    _mark(event, "start_mark").index,
                    _mark(event, "end_mark").index,
                    False,
                    _mark(event, "start_mark").column,
                )
                key = None
                continue
            start, column, last_end = (
                _mark(event, "start_mark").index,
                _mark(event, "start_mark").column,
                _mark(event, "start_mark").index,
            )
        if opens:
            flows.append(bool(event.flow_style))
            continue
        if isinstance(event, yaml.ScalarEvent):
            last_end = max(last_end, _mark(event, "end_mark").index)
            continue
        if closes:
            flow = flows.pop()
            if flow:
                last_end = max(last_end, _mark(event, "end_mark").index)
            if len(flows) == 1:
                assert key is not None
                spans[key] = Span(key_end, start, last_end, not flow, column)
                key = None
    return spans


def _without_trailing_comments(lines: list[str]) -> list[str]:
    """A rendered block without the comment lines ruamel carries after its last item: they stand after the value
    in the original text, which is kept."""
    while lines and (not lines[-1].strip() or lines[-1].lstrip().startswith("#")):
        lines.pop()
    return lines


def render_value(key: str, value: Any, offset: int = 2) -> str:
    """`key: value` as ruamel writes it, without the key and without a final line break: `: New School`, or
    `:\\n  - {...}` for a block list."""
    from ruamel.yaml.comments import CommentedMap

    made = CommentedMap()
    made[key] = value
    rendered = dump(made, offset)
    lines = _without_trailing_comments(rendered.splitlines())
    text = "\n".join(lines)
    # the key is one of tlt's own field names (plain, never quoted), so the value starts right after it
    assert text.startswith(key)
    return text[len(key) :]


def splice(text: str, changes: dict[str, Any], spans: dict[str, Span]) -> str:
    """`text` with each changed top-level value replaced (keys it lacks appended at the end, in order). What is
    rendered takes the file's line breaks (a file written on Windows keeps its CRLF)."""
    newline = "\r\n" if "\r\n" in text else "\n"

    def render(key: str, value: Any, offset: int = 2) -> str:
        return render_value(key, value, offset).replace("\n", newline)

    out = text
    present = sorted((k for k in changes if k in spans), key=lambda k: spans[k].start, reverse=True)
    for key in present:  # from the end, so the earlier offsets stay right
        span, value = spans[key], changes[key]
        if isinstance(value, (list, dict)):
            if not span.block and isinstance(value, list) and not any(isinstance(v, dict) for v in value):
                # a flow list of names (`memberships: [BTU]  # note`): rendered afresh, without the comment
                # ruamel carries on it, which stays where it stands after the value
                value = rt_list(list(value))
            offset = span.column if span.block and isinstance(value, list) else 2
            rendered = render(key, value, offset)
            if span.block:
                # from the line the old block starts on: the key's own line (and a comment on it) stays
                line_start = out.rfind("\n", 0, span.start) + 1
                if line_start > span.key_end:
                    out = out[:line_start] + rendered.split(newline, 1)[1] + out[span.end :]
                    continue
            out = out[: span.key_end] + rendered + out[span.end :]
        else:
            rendered = render(key, value).lstrip(":").lstrip(" ")
            out = out[: span.start] + rendered + out[span.end :]
    appended = [k for k in changes if k not in spans]
    if appended:
        if out and not out.endswith("\n"):
            out += newline
        for key in appended:
            value = changes[key]
            out += key + render(key, rt_list(value) if _plain_list(value) else value) + newline
    return out


def _plain_list(value: Any) -> bool:
    from ruamel.yaml.comments import CommentedSeq

    return isinstance(value, list) and not isinstance(value, CommentedSeq)


__all__ = [
    "Span",
    "date",
    "dump",
    "fast_new_file",
    "flow_entry",
    "new_file",
    "round_trip",
    "rt_list",
    "splice",
    "top_level_spans",
]
