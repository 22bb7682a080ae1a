"""The safe YAML loader (tlt.loading.safeyaml): YAML 1.2 core typing, positions, refusals, and never raising."""

from __future__ import annotations

from decimal import Decimal

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tlt.loading import safeyaml
from tlt.loading.safeyaml import MAX_DEPTH, TooLargeInt, parse_bytes, parse_text


def problems(doc):
    return [(p.line, p.column, p.code, p.message) for p in doc.problems]


def value(text: str):
    doc = parse_text(f"v: {text}\n", "f.yaml")
    assert doc.problems == []
    return doc.data["v"]


# --- typing: YAML 1.2 core schema -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("NO", "NO"),
        ("no", "no"),
        ("on", "on"),
        ("off", "off"),
        ("yes", "yes"),
        ("Y", "Y"),
        ("true", True),
        ("False", False),
        ("~", None),
        ("null", None),
        ("", None),
        ("0123", 123),
        ("-0012", -12),
        ("0o17", 15),
        ("0x1F", 31),
        ("1_000", "1_000"),
        ("2024-08-26", "2024-08-26"),
        ("12:30", "12:30"),
        ("'0123'", "0123"),
        ('"true"', "true"),
        ("!!str 5", "5"),
        ("! 012", "012"),
        ("&anchor plain", "plain"),
    ],
)
def test_plain_scalars_follow_the_yaml_1_2_core_schema(text, expected):
    got = value(text)
    assert got == expected
    assert type(got) is type(expected)


def test_numbers_with_a_fraction_load_as_exact_decimals():
    assert value("92000.10") == Decimal("92000.10")
    assert isinstance(value("92000.10"), Decimal)
    assert value("1e3") == Decimal("1000")


def test_non_finite_numbers_load_as_floats_for_the_schema_to_refuse():
    assert str(value(".nan")) == "nan"
    assert value(".inf") == float("inf")
    assert value("-.Inf") == float("-inf")


def test_huge_integers_are_never_converted():
    five_thousand = "9" * 5000
    got = value(five_thousand)
    assert isinstance(got, TooLargeInt)
    assert str(got) == five_thousand
    assert value("18446744073709551616") == 2**64  # 65 bits: an int, which the schema refuses


def test_byte_order_mark_is_fine():
    doc = parse_bytes(b"\xef\xbb\xbfid: t-1\n", "f.yaml")
    assert doc.problems == [] and doc.data == {"id": "t-1"}
    # after a byte-order mark, a byte that is not UTF-8 is named and placed as in any other file
    assert problems(parse_bytes(b"\xef\xbb\xbfid: t-1\nname: x\n\xff\n", "f")) == [
        (3, 1, "file", "the file is not UTF-8 text (byte 0xff)")
    ]


# --- positions ---------------------------------------------------------------------------------------------------


def test_positions_of_values_and_keys_are_one_based():
    doc = parse_text("# comment\nid: t-1\nlicenses:\n  - {state: MA}\n  - state: NY\n    expires: 2030-06-30\n", "f")
    assert doc.position(("id",)) == (2, 5)
    assert doc.key_position(("id",)) == (2, 1)
    assert doc.position(("licenses", 0)) == (4, 5)
    assert doc.position(("licenses", 0, "state")) == (4, 13)
    assert doc.position(("licenses", 1)) == (5, 5)
    assert doc.position(("licenses", 1, "expires")) == (6, 14)
    assert doc.key_position(("licenses", 1, "expires")) == (6, 5)
    # a missing node falls back to its nearest ancestor
    assert doc.position(("licenses", 1, "issued")) == (5, 5)


# --- refusals ----------------------------------------------------------------------------------------------------


def test_duplicate_key_is_placed_at_the_second_occurrence_naming_the_first():
    doc = parse_text("id: t-1\nname: A\nschool: S\nname: B\n", "f.yaml")
    assert problems(doc) == [(4, 1, "duplicate-key", "duplicate key 'name': first at line 2")]
    assert doc.data["name"] == "A"


def test_nested_duplicate_key():
    doc = parse_text("licenses:\n  - state: MA\n    type: a\n    state: NY\n", "f.yaml")
    assert problems(doc) == [(4, 5, "duplicate-key", "duplicate key 'state': first at line 2")]


def test_aliases_are_refused_and_anchors_alone_are_fine():
    assert problems(parse_text("a: &x 1\nb: 2\n", "f")) == []
    doc = parse_text("a: &x 1\nb: *x\n", "f")
    assert doc.data is None
    assert problems(doc) == [(2, 4, "yaml-syntax", "aliases (*name) are not allowed; write the value out")]


def test_merge_keys_are_refused():
    doc = parse_text("a:\n  <<: {x: 1}\n", "f")
    assert problems(doc) == [(2, 3, "yaml-syntax", "merge keys (<<) are not allowed; write the keys out")]
    assert parse_text("a: {'<<': 1}\n", "f").data == {"a": {"<<": 1}}  # a quoted key is just a key


@pytest.mark.parametrize(
    "tag", ["!!python/object/apply:os.system", "!!binary", "!!timestamp", "!!set", "!!int", "!custom"]
)
def test_tags_other_than_str_map_seq_are_refused(tag):
    doc = parse_text(f"a: {tag} x\n", "f")
    assert doc.data is None
    [(line, col, code, message)] = problems(doc)
    assert (line, col, code) == (1, 4, "yaml-syntax")
    assert message.endswith("is not allowed; only plain data is accepted")


def test_core_collection_tags_are_allowed():
    doc = parse_text("--- !!map\na: !!seq [1]\nb: !!map {c: !!str 2}\n", "f")
    assert problems(doc) == []
    assert doc.data == {"a": [1], "b": {"c": "2"}}


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("- 1\n", "the document is a list; it must be one mapping"),
        ("hello\n", "the document is the scalar 'hello'; it must be one mapping"),
        ("a: 1\n---\nb: 2\n", "more than one YAML document; a file holds exactly one mapping"),
        ("? [a]\n: 1\n", "a mapping key must be a plain scalar, not a collection"),
    ],
)
def test_a_file_is_exactly_one_mapping(text, expected):
    doc = parse_text(text, "f")
    assert doc.data is None
    assert [p.message for p in doc.problems] == [expected]
    assert doc.problems[0].code == "yaml-syntax"


def test_nesting_is_measured_before_the_tree_is_built():
    deep = "a: " + "[" * MAX_DEPTH + "]" * MAX_DEPTH + "\n"  # the root mapping is level 1: one too many
    ok = "a: " + "[" * (MAX_DEPTH - 1) + "]" * (MAX_DEPTH - 1) + "\n"
    assert problems(parse_text(ok, "f")) == []
    assert problems(parse_text(deep, "f")) == [(1, 4 + MAX_DEPTH - 1, "yaml-syntax", "nesting deeper than 64 levels")]


def _parser_with_flow_limit(limit):
    """yaml.parse as a libyaml with a flow-nesting limit of `limit` would be (0.2.6 has 1,000): it reads the whole
    text before its first event and stops at the first bracket past the limit."""
    real = yaml.parse

    def parse(text, Loader):
        level = 0
        for index, char in enumerate(text):
            level += (char in "[{") - (char in "]}")
            if level > limit:
                line = text.count("\n", 0, index)
                mark = yaml.Mark("<file>", index, line, index - (text.rfind("\n", 0, index) + 1), None, None)
                raise yaml.MarkedYAMLError("while increasing flow level", mark, "exceeded maximum nesting depth", mark)
        yield from real(text, Loader=Loader)

    return parse


DEEP_FLOW = "id: t-1\nname: x\nschool: " + "[" * 2000 + "]" * 2000 + "\n"


@pytest.mark.parametrize("limit", [65, 100, 1000, 1500])
@pytest.mark.parametrize("loader", ["C", "Python"])
def test_tlt_depth_limit_speaks_first_whatever_the_parsers_limit(monkeypatch, limit, loader):
    # PyYAML 6.0.4's libyaml stops at 1,001 levels while it scans ahead, before tlt sees a single event
    if loader == "Python":
        monkeypatch.setattr(safeyaml, "_EventLoader", yaml.SafeLoader)
    monkeypatch.setattr(safeyaml.yaml, "parse", _parser_with_flow_limit(limit))
    assert problems(parse_text(DEEP_FLOW, "f")) == [(3, 72, "yaml-syntax", "nesting deeper than 64 levels")]


def test_depth_limit_speaks_before_an_error_the_parser_met_scanning_ahead():
    # the parser reads the run of brackets to the `@` before it hands out the first `[`
    text = "id: t-1\nschool: " + "[" * 70 + "@\n"
    assert problems(parse_text(text, "f")) == [(2, 72, "yaml-syntax", "nesting deeper than 64 levels")]


def test_a_parser_error_before_the_depth_limit_is_the_parsers():
    text = "id: t-1\nschool: " + "[" * 10 + "@\n"
    [(line, _col, code, message)] = problems(parse_text(text, "f"))
    assert (line, code) == (2, "yaml-syntax")
    assert message.startswith("not well-formed YAML: ") and "cannot start any token" in message


def test_byte_level_problems_are_placed_where_known():
    assert problems(parse_bytes(b"id: t-1\nname: \xff\n", "f")) == [
        (2, 1, "file", "the file is not UTF-8 text (byte 0xff)")
    ]
    assert problems(parse_bytes(b"id: t-1\nna\x00me: x\n", "f")) == [
        (2, 3, "file", "the file contains a NUL byte; data files are UTF-8 text")
    ]
    assert problems(parse_bytes(b"", "f")) == [(1, 1, "file", "the file is empty; it must be one YAML mapping")]
    assert problems(parse_bytes(b"a: " + b"x" * (1024 * 1024) + b"\n", "f")) == [
        (1, 1, "file", "the file is 1.0 MiB; the limit is 1 MiB")
    ]


def test_syntax_errors_name_line_and_column():
    doc = parse_text("id: t-1\nname: [x\n", "f")
    [(line, col, code, message)] = problems(doc)
    assert (line, col, code) == (2, 7, "yaml-syntax")  # the unclosed `[`, not line 3 past the end (issue 14)
    assert message.startswith("not well-formed YAML: ")


def test_control_characters_in_syntax_errors_are_escaped():
    [p] = parse_text("a: \x1b[31m\n", "f").problems
    assert "\x1b" not in p.message
    assert "\\x1b" in p.message


def test_lone_surrogate_in_text_is_a_problem_not_an_exception():
    [p] = parse_text("a: b\nc: \ud800\n", "f").problems
    assert (p.line, p.code) == (2, "file")


# --- never raises ------------------------------------------------------------------------------------------------

_YAMLISH = st.lists(
    st.sampled_from(
        [*":-?[]{},#&*!|>'\"%@`\n\t \\", "<<", "---", "...", "!!str", "!!int", "!!python/object:os.system", "&a",
         "*a", "a", "id", "1", "0x1", "0o7", "0123", ".nan", ".inf", "~", "é", "\ufeff", "\x85", "\u2028", "\x00",
         "\x1b", "\r", "  ", "- ", ": ", "9" * 40, "1.5e9999", "2024-02-30", "%YAML 1.2", "%TAG ! tag:x,2000:"]
    ),
    max_size=60,
).map("".join)  # fmt: skip


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(_YAMLISH)
def test_random_yamlish_text_never_raises(text):
    doc = parse_text(text, "f.yaml")
    assert doc.data is not None or doc.problems
    assert all(p.line >= 1 and p.column >= 1 for p in doc.problems)


@settings(max_examples=200, deadline=None)
@given(st.text(max_size=200))
def test_random_text_never_raises(text):
    doc = parse_text(text, "f.yaml")
    assert doc.data is None or isinstance(doc.data, dict)


@settings(max_examples=200, deadline=None)
@given(st.binary(max_size=300))
def test_random_bytes_never_raise(data):
    doc = parse_bytes(data, "f.yaml")
    assert doc.data is not None or doc.problems
