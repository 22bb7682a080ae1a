"""`render.rows.csv_line` writes exactly what the csv module writes (minimal quoting, RFC 4180), cell for cell."""

from __future__ import annotations

import csv
import io

from hypothesis import example, given, settings
from hypothesis import strategies as st

from tlt.render.rows import csv_line


def _by_the_csv_module(cells: list[str]) -> str:
    buf = io.StringIO()
    csv.writer(buf, lineterminator="\r\n").writerow(cells)
    return buf.getvalue()[:-2]


@settings(max_examples=500, deadline=None)
@given(st.lists(st.text(alphabet=st.sampled_from("ab ,\"\r\n\t'=;é\\"), max_size=6), min_size=1, max_size=5))
@example([""])
@example(["", ""])
@example(['"'])
@example([" a ", "b,c", 'd"e', "f\ng", "h\ri"])
def test_csv_line_is_the_csv_module_line(cells):
    assert csv_line(cells) == _by_the_csv_module(cells)
