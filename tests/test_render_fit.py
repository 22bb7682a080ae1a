"""`render.rows.render_table` fits a width without the CLI: `fit_columns` leaves out the lowest `priority` first
(the rightmost among equals), never a column without one; `whole` cells are never broken, `cut` cells end in `…`
on one line; `wide=True` draws everything. A property test over random tables and widths."""

from __future__ import annotations

import re

from hypothesis import given, settings
from hypothesis import strategies as st

from tlt.render.rows import Column, Table, fit_columns, render_table

IDS = st.from_regex(r"[a-z]{1,6}(-[a-z0-9]{1,6}){1,3}", fullmatch=True)
WORDS = st.lists(st.from_regex(r"[A-Za-z]{1,9}", fullmatch=True), min_size=1, max_size=8).map(" ".join)


def test_the_lowest_priority_goes_first_and_the_rightmost_among_equals():
    columns = [
        Column("a", fit="whole", priority=100), Column("b", fit="whole", priority=10),
        Column("c", fit="whole", priority=50), Column("d", fit="whole", priority=50),
    ]  # fmt: skip
    rows = [{c.name: "x" * 20 for c in columns}]
    kept, left_out, _ = fit_columns(Table(columns, rows), 80)  # three of 20 fit in 80 (with the frame), not four
    assert [c.name for c in left_out] == ["b"]
    kept, left_out, _ = fit_columns(Table(columns, rows), 60)
    assert [c.name for c in kept] == ["a", "c"] and [c.name for c in left_out] == ["b", "d"]


def test_a_column_without_a_priority_is_never_left_out():
    columns = [Column("a", fit="whole", priority=1), Column("b"), Column("c", "lines")]
    rows = [{"a": "x" * 30, "b": "word " * 30, "c": ["word " * 30]}]
    kept, left_out, _ = fit_columns(Table(columns, rows), 40)
    assert [c.name for c in left_out] == ["a"] and [c.name for c in kept] == ["b", "c"]


def test_headers_wrap_at_their_spaces_before_a_column_is_left_out():
    columns = [Column(f"c{i}", "int", header=f"a long header {i}", priority=i) for i in range(6)]
    rows = [{f"c{i}": 7 for i in range(6)}]
    kept, left_out, compact = fit_columns(Table(columns, rows), 80)
    assert compact and not left_out
    text = render_table(Table(columns, rows), width=80)
    assert "header" in text and "heade\n" not in text and max(map(len, text.splitlines())) <= 80


def test_the_signature_of_before_still_works_and_wide_draws_every_cell():
    table = Table([Column("id", fit="whole", priority=9), Column("text", fit="cut", priority=1)],
                  [{"id": "t-0001", "text": "word " * 40}], title="T")  # fmt: skip
    assert render_table(table, 40, False).splitlines()[0] == "T"
    narrow = render_table(table, width=40)
    assert "…" in narrow and len(narrow.rstrip("\n").splitlines()) == 5  # title, blank, header, rule, one row
    wide = render_table(table, width=40, wide=True)
    assert ("word " * 40).strip() in wide and "…" not in wide


@settings(max_examples=60, deadline=None)
@given(
    rows=st.lists(
        st.tuples(IDS, st.integers(-99999, 999999), st.dates(), WORDS, st.lists(IDS, max_size=4)),
        min_size=1,
        max_size=5,
    ),  # fmt: skip
    width=st.integers(min_value=40, max_value=160),
    priorities=st.permutations([10, 20, 30, 40, 50]),
)
def test_no_whole_value_is_broken_at_any_width(rows, width, priorities):
    columns = [
        Column("id", fit="whole", priority=priorities[0]), Column("n", "int", priority=priorities[1]),
        Column("day", "date", priority=priorities[2]), Column("text", fit="cut", priority=priorities[3]),
        Column("ids", "list", priority=priorities[4]),
    ]  # fmt: skip
    data = [{"id": i, "n": n, "day": d, "text": t, "ids": ids} for i, n, d, t, ids in rows]
    table = Table(columns, data, title="T")
    text = render_table(table, width=width)
    assert max(len(line) for line in text.splitlines()) <= width, text
    _, left_out, _ = fit_columns(table, width)
    hidden = {c.name for c in left_out}
    if hidden:
        assert "left out to fit" in text
    lines = text.splitlines()
    for row in data:
        for name, values in (("id", [row["id"]]), ("n", [str(row["n"])]), ("day", [row["day"].isoformat()]),
                             ("ids", row["ids"])):  # fmt: skip
            if name in hidden:
                continue
            for value in values:
                pattern = re.compile(rf"(?<![\w-]){re.escape(value)}(?![\w-])")
                assert any(pattern.search(line) for line in lines), (value, text)
