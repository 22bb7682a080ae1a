"""Control characters in data never reach a terminal, a CSV cell or a CI log raw: `escape_control` shows them as
visible escapes, and skips its regular expression for text it can tell is printable."""

from __future__ import annotations

import json
import sys

from hypothesis import given
from hypothesis import strategies as st

from tlt.problems import _CONTROL, _escape_one, escape_control, escape_json


def test_no_printable_character_is_one_to_escape():
    """The shortcut (`str.isprintable`) is sound: over every code point, none it calls printable is escaped."""
    printable_but_escaped = [
        cp for cp in range(sys.maxunicode + 1) if chr(cp).isprintable() and _CONTROL.match(chr(cp))
    ]
    assert printable_but_escaped == []


@given(
    st.text(alphabet=st.characters(codec=None))
    | st.text(alphabet="ab \x00\x1b\x7f\x85\u202e\u2028\u2029\u2066\u200e\u200f\u061c\ufeff\u00a0")
)
def test_escape_control_escapes_exactly_the_control_characters(text):
    assert escape_control(text) == _CONTROL.sub(_escape_one, text)


def test_examples():
    assert escape_control("plain text, é and 漢字") == "plain text, é and 漢字"
    assert escape_control("a\x1b[2Jb\u202ec") != "a\x1b[2Jb\u202ec"
    assert "\x1b" not in escape_control("a\x1b[2Jb") and "\u202e" not in escape_control("b\u202ec")


@given(st.text(alphabet=st.characters(codec=None)) | st.text(alphabet='ab \x00\x1b\x7f\x85\u2028\u200f\u061c"\\'))
def test_escape_json_keeps_the_data_and_shows_nothing_raw(text):
    shown = escape_json(json.dumps({"v": text}, ensure_ascii=False))
    assert json.loads(shown) == {"v": text}
    assert _CONTROL.search(shown.replace("\n", "")) is None
