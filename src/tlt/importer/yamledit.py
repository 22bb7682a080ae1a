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
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from functools import cache
from typing import Any

import yaml
from ruamel.yaml import YAML
from ruamel.yaml.comments import CommentedMap, CommentedSeq


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
    entry = CommentedMap(values)
    entry.fa.set_flow_style()
    return entry


def rt_list(entries: list[dict[str, Any]]) -> CommentedSeq:
    return CommentedSeq(flow_entry(entry) for entry in entries)


def dump(data: Any, offset: int = 2) -> str:
    out = io.StringIO()
    _yaml(offset).dump(data, out)
    return out.getvalue()


def new_file(data: dict[str, Any]) -> str:
    """A new teacher file: keys in the order given, list entries as flow mappings."""
    made = CommentedMap()
    for key, value in data.items():
        made[key] = rt_list(value) if isinstance(value, list) else value
    return dump(made)


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
    return isinstance(value, list) and not isinstance(value, CommentedSeq)


__all__ = ["Span", "date", "dump", "flow_entry", "new_file", "round_trip", "rt_list", "splice", "top_level_spans"]
