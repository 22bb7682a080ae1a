"""validate's summary on stderr without its head: `without_head(err)` drops `ROOT: N files (R roles, T teachers): `
from the summary line, for the tests of what follows it (the counts of problems). The head itself is tested in
tests/test_validate_summary.py. A plain module, imported by the tests that check validate's stderr."""

from __future__ import annotations

import re

HEAD = re.compile(r"(?m)^.*?: [0-9]+ files? \([0-9]+ roles?, [0-9]+ teachers?\): ")


def without_head(err: str) -> str:
    """`err` with the head of validate's summary line taken away (it must be there)."""
    tail, n = HEAD.subn("", err)
    assert n == 1, f"no summary line with a head in {err!r}"
    return tail
