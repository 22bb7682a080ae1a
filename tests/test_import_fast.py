"""`tlt import` at state scale (issue 17): new files written without ruamel.yaml, byte for byte as ruamel writes
them, and an unchanged re-import decided on the data as read, without ruamel.yaml at all."""

from __future__ import annotations

import subprocess
import sys
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest

from tlt.importer import yamledit

MAP = """\
id: "t-{Number}"
number_format: us
fields:
  name: "{First} {Last}"
  school: {column: School}
  status: {column: Status, map: {PERM: permanent, PROB: probationary}}
  base_salary: {column: Salary, type: money}
lists:
  licenses:
    key: [state, number]
    entry:
      state: "{State}"
      number: "{License}"
      expires: {column: Expires, type: date}
"""

HEADER = "Number,First,Last,School,Status,Salary,State,License,Expires\n"
ROWS = "".join(
    f'{n:04d},First{n},Last{n},St. Mary (North),{"PROB" if n % 3 else "PERM"},"${50_000 + n:,}.00",MA,L{n},2030-06-30\n'
    for n in range(1, 41)
)

CASES = [
    {"id": "t-1", "name": "Pat Lee", "base_salary": Decimal("92000.00"), "contract_days": 185},
    {"id": "t-1", "name": "O'Brien, Pat", "school": "St. Mary (North) K-8 / Annex & Co.", "x": Decimal("12")},
    {"id": "t-1", "licenses": [{"state": "MA", "number": "A0123", "expires": date(2030, 6, 30)}]},
    # values the fast writer leaves to ruamel.yaml (quoted, escaped, or words YAML reads otherwise)
    {"id": "t-1", "name": "null"},
    {"id": "t-1", "name": "Yes"},
    {"id": "t-1", "number": "0123"},
    {"id": "t-1", "name": "a: b"},
    {"id": "t-1", "name": "x #y"},
    {"id": "t-1", "name": "trailing "},
    {"id": "t-1", "name": "two  spaces"},
    {"id": "t-1", "name": "\x1b[31m"},
    {"id": "t-1", "name": "=HYPERLINK(1)"},
    {"id": "t-1", "name": "Zoë"},
    {"id": "t-1", "name": "x" * 5000},
    {"id": "t-1", "licenses": [{"state": "MA", "number": "a, b"}]},
    {"id": "t-1", "active": True},
    {"id": "t-1", "salary": Decimal("NaN")},
    {"id": "t-1", "licenses": []},
]


@pytest.mark.parametrize("data", CASES)
def test_the_fast_writer_writes_what_ruamel_writes_or_leaves_it_to_ruamel(data):
    fast = yamledit.fast_new_file(data)
    if fast is not None:
        assert fast == yamledit.new_file(data)


def test_the_fast_writer_takes_an_exports_usual_values():
    # if it stopped taking them, every new file would go back through ruamel.yaml (5 ms a row)
    assert all(yamledit.fast_new_file(data) is not None for data in CASES[:3])


_PROBE = """\
import sys
from tlt.cli.app import main
try:
    main()
finally:
    print("ruamel imported" if "ruamel.yaml" in sys.modules else "ruamel not imported", file=sys.stderr)
"""


def _tlt(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-c", _PROBE, *args], capture_output=True, text=True, check=False, timeout=120
    )


def test_an_import_of_plain_rows_and_its_unchanged_repeat_never_load_ruamel(make_repo, tmp_path):
    root = make_repo(files={"import/hr.yaml": MAP})
    export = tmp_path / "hr.csv"
    export.write_text(HEADER + ROWS, encoding="utf-8")
    args = ("-C", str(root), "import", "teachers", str(export), "--map", str(root / "import/hr.yaml"))
    first = _tlt(*args, "--as-of", "2025-09-01")
    assert first.returncode == 0, first.stderr
    assert "40 created, 0 changed, 0 unchanged" in first.stderr
    assert first.stderr.rstrip().endswith("ruamel not imported")
    assert (root / "teachers/t-0003.yaml").read_text(encoding="utf-8") == (
        "id: t-0003\nname: First3 Last3\nschool: St. Mary (North)\nstatus: permanent\nbase_salary: 50003.00\n"
        "licenses:\n  - {state: MA, number: L3, expires: 2030-06-30}\n"
    )
    before = {p: p.read_bytes() for p in sorted((root / "teachers").iterdir())}
    again = _tlt(*args, "--as-of", "2025-09-01")
    assert again.returncode == 0, again.stderr
    assert "0 created, 0 changed, 40 unchanged" in again.stderr and "nothing to change" in again.stderr
    assert again.stderr.rstrip().endswith("ruamel not imported")
    assert {p: p.read_bytes() for p in sorted((root / "teachers").iterdir())} == before


def test_a_changed_salary_still_goes_through_the_round_trip(make_repo, tmp_path):
    root = make_repo(files={"import/hr.yaml": MAP})
    export = tmp_path / "hr.csv"
    export.write_text(HEADER + ROWS, encoding="utf-8")
    args = ("-C", str(root), "import", "teachers", str(export), "--map", str(root / "import/hr.yaml"))
    assert _tlt(*args, "--as-of", "2025-09-01").returncode == 0
    path: Path = root / "teachers/t-0003.yaml"
    path.write_text(path.read_text(encoding="utf-8").replace("school:", "# a hand comment\nschool:"), "utf-8")
    export.write_text(HEADER + ROWS.replace('"$50,003.00"', '"$60,003.00"'), encoding="utf-8")
    changed = _tlt(*args, "--as-of", "2025-09-01")
    assert changed.returncode == 0, changed.stderr
    assert "0 created, 1 changed, 39 unchanged" in changed.stderr
    assert path.read_text(encoding="utf-8") == (
        "id: t-0003\nname: First3 Last3\n# a hand comment\nschool: St. Mary (North)\nstatus: permanent\n"
        "base_salary: 60003.00\nlicenses:\n  - {state: MA, number: L3, expires: 2030-06-30}\n"
    )


def test_the_benchmark_judges_each_import_row_against_validate_of_its_size(project_script):
    bench = project_script("benchmarks/run.py")
    rows = [
        bench.Row(10_000, "validate", wall=1.0),
        bench.Row(10_000, bench.IMPORT_ROWS[0], wall=1.9),
        bench.Row(10_000, bench.IMPORT_ROWS[1], wall=2.5),
    ]
    checks = {c["check"]: c["status"] for c in bench.judge(rows, None)}
    assert checks["10,000: tlt import (into an empty repository) time ÷ validate time"] == "PASS"
    assert checks["10,000: tlt import again (unchanged) time ÷ validate time"] == "FAIL"
    assert rows[1].target == "(≤ 2× validate, under checks)"
