"""Tables that fit (SPEC 13, first bullet; issue 14, "What was measured", first bullet).

On a terminal a table fits the width, 80 columns included, and never breaks a number, a date, an id or a verdict
across lines: the least important columns are left out (the title says which, and that `--format csv` has them
all), long free text is cut with `…`, and `--wide` shows every column. Goldens at 80 and 120 columns pin every
table tlt draws on the bundled examples (tests/golden/tables/, whose dates tools/roll_examples.py moves with the
examples'); `test_no_value_is_broken_*` walks every table at 80 columns over the examples and a generated
repository and finds every number, date, id and verdict of the CSV whole on one line of the terminal text.
"""

from __future__ import annotations

import csv
import io
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from example_dates import REFERENCE, REPORT_AS_OF, REPORT_TERM
from gitkit import git
from goldens import assert_golden

PROJECT = Path(__file__).resolve().parents[1]
EXAMPLES = ("acps", "bps", "jps")
WIDTHS = ("80", "120")
PINNED_DATES = {"GIT_AUTHOR_DATE": "2026-01-01T00:00:00Z", "GIT_COMMITTER_DATE": "2026-01-01T00:00:00Z"}


def tables(as_of: str, term: str, expiring_as_of: str) -> dict[str, list[str]]:
    """Every table tlt draws but check-eligibility's, by name: the arguments after `tlt -C REPO`."""
    termed = ["--term", term, "--as-of", as_of]
    return {
        "caseload": ["caseload", *termed],
        "stipends": ["stipends", *termed],
        "stipends-by-school": ["stipends", "--by", "school", *termed],
        "stipends-by-role": ["stipends", "--by", "role", *termed],
        "report": ["report", *termed],
        "expiring": ["expiring", "--within", "365", "--as-of", expiring_as_of],
        "roles": ["roles"],
    }


EXAMPLE_TABLES = tables(REPORT_AS_OF.isoformat(), REPORT_TERM, REFERENCE.isoformat())
GENERATED_TABLES = tables("2026-03-02", "2025-26", "2026-03-02")


def screen(run, root: Path, args: list[str], width: str, *extra: str) -> str:
    code, out, err = run(
        ["-C", root, *args, "--format", "table", *extra], env={"COLUMNS": width, "TERMINAL_WIDTH": width}
    )
    assert code == 0, err
    return out


def csv_rows(run, root: Path, args: list[str]) -> list[dict[str, str]]:
    code, out, err = run(["-C", root, *args, "--format", "csv"])
    assert code == 0, err
    return list(csv.DictReader(io.StringIO(out)))


@pytest.fixture(scope="module")
def diffable(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The bps example committed to git, then changed: its first teacher is no longer permanent."""
    root = tmp_path_factory.mktemp("diffable") / "bps"
    shutil.copytree(PROJECT / "examples" / "bps", root)
    git(root, "init", "-q", "-b", "main")
    git(root, "add", "-A")
    git(root, "commit", "-q", "-m", "before", env=PINNED_DATES)
    first = root / "teachers" / "t-0001.yaml"
    first.write_text(first.read_text(encoding="utf-8").replace("status: permanent", "status: provisional"))
    return root


@pytest.fixture(scope="module")
def generated(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A statewide repository of 400 teachers, a third of them holding roles (benchmarks/generate.py)."""
    root = tmp_path_factory.mktemp("generated") / "state"
    generator = PROJECT / "benchmarks" / "generate.py"
    subprocess.run([sys.executable, generator, "400", root, "--holders", "0.33", "-q"], check=True)
    return root


DIFF = ["diff", "HEAD", "--as-of", REFERENCE.isoformat()]


# --- goldens --------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("width", WIDTHS)
@pytest.mark.parametrize("name", EXAMPLE_TABLES)
@pytest.mark.parametrize("example", EXAMPLES)
def test_golden(run, example, name, width):
    out = screen(run, PROJECT / "examples" / example, EXAMPLE_TABLES[name], width)
    assert_golden(f"tables/{example}/{name}@{width}.txt", out)


@pytest.mark.parametrize("width", WIDTHS)
def test_golden_diff(run, diffable, width):
    out = screen(run, diffable, DIFF, width)
    out = re.sub(r"\(([0-9a-f]{12})\)", "(COMMIT)", out, count=1)  # the commit's id changes with the examples' dates
    assert_golden(f"tables/bps/diff@{width}.txt", out)


# --- no value broken ------------------------------------------------------------------------------------------

WHOLE = re.compile(
    r"-?[0-9]+(\.[0-9]+)?"  # a number, money, a fraction
    r"|[0-9]{4}-[0-9]{2}-[0-9]{2}"  # a date
    r"|[A-Za-z0-9]+([-_:.][A-Za-z0-9]+)+"  # an id: t-0001, bps-esp-consulting-teacher, t-0023:PAR, 2025-26
    r"|eligible|ineligible|needs_review|true|false|expired|expiring"  # a verdict, a status
)


def whole_values(cell: str) -> list[str]:
    """The values of a CSV cell a terminal must show whole: the cell itself, or each item of a list of ids."""
    if WHOLE.fullmatch(cell):
        return [cell]
    items = [i for i in re.split(r"; | ", cell) if i]
    return items if len(items) > 1 and all(WHOLE.fullmatch(i) for i in items) else []


def left_out(text: str) -> set[str]:
    found = re.search(r"left out to fit [0-9]+ columns: (.*?); --wide", " ".join(text.split()))
    return set(found.group(1).split(", ")) if found else set()


def occurrences(value: str, text: str) -> int:
    return len(re.findall(rf"(?<![\w.:-]){re.escape(value)}(?![\w.:-])", text))


def assert_nothing_broken(text: str, rows: list[dict[str, str]], width: int, header_words: bool = True) -> None:
    """Every line fits `width`; every number, date, id and verdict of the rows (outside the columns the title
    says were left out) appears whole on a line as often as in the rows; every word of a shown header too."""
    too_long = [line for line in text.splitlines() if len(line) > width]
    assert not too_long, too_long
    hidden = left_out(text)
    wanted: dict[str, int] = {}
    for row in rows:
        for name, cell in row.items():
            if name not in hidden and name != "term":  # the term is in the title
                for value in whole_values(cell):
                    wanted[value] = wanted.get(value, 0) + 1
    broken = {v: (n, occurrences(v, text)) for v, n in wanted.items() if occurrences(v, text) < n}
    assert not broken, f"values broken across lines (in the rows, whole on the screen): {broken}\n{text}"
    if header_words and rows:
        for name in rows[0]:
            if name not in hidden and name not in ("term", "group"):  # (`group` shows as what --by names)
                for word in name.split("_"):
                    assert occurrences(word, text), f"header {name!r} broken\n{text}"


@pytest.mark.parametrize("name", EXAMPLE_TABLES)
@pytest.mark.parametrize("example", EXAMPLES)
def test_no_value_is_broken_in_the_examples_at_80(run, example, name):
    root = PROJECT / "examples" / example
    args = EXAMPLE_TABLES[name]
    assert_nothing_broken(screen(run, root, args, "80"), csv_rows(run, root, args), 80)


@pytest.mark.parametrize("name", GENERATED_TABLES)
def test_no_value_is_broken_in_a_generated_repository_at_80(run, generated, name):
    args = GENERATED_TABLES[name]
    rows = csv_rows(run, generated, args)
    assert rows, "the generated repository has rows for this table"
    assert_nothing_broken(screen(run, generated, args, "80"), rows, 80)


def test_no_value_is_broken_in_the_diff_at_80(run, diffable):
    rows = csv_rows(run, diffable, DIFF)
    assert rows
    lines = screen(run, diffable, DIFF, "80").splitlines()
    first = next(i for i, line in enumerate(lines) if line.startswith(("  role", "left out")))
    assert_nothing_broken("\n".join(lines[first:]), rows, 80)  # (the lines above the table are sentences)


# --- the findings of issue 14 ---------------------------------------------------------------------------------


def body(text: str) -> list[str]:
    """The lines of a table's rows: after the rule under the header, up to the first blank line."""
    lines = text.splitlines()
    start = next(i for i, line in enumerate(lines) if line.strip().startswith("─"))
    end = next((i for i in range(start + 1, len(lines)) if not lines[i].strip()), len(lines))
    return lines[start + 1 : end]


def test_stipends_at_80_keep_amounts_the_total_and_headers_whole(run):
    """Measured: `5624.0` / `0` for an amount, `11369.` / `00` for the total, `fractio` / `n` for a header."""
    root = PROJECT / "examples" / "bps"
    args = EXAMPLE_TABLES["stipends"]
    out = screen(run, root, args, "80")
    rows = csv_rows(run, root, args)
    for row in rows:
        if row["amount"]:
            assert re.search(rf"\s{re.escape(row['amount'])}$", out, re.M), (row["amount"], out)
    total = sum(float(r["amount"]) for r in rows if r["amount"])
    assert re.search(rf"^\s*total\s.*\s{total:.2f}$", out, re.M), out
    assert re.search(r"\sfraction\s", out), out
    assert len(body(out)) == len(rows)  # one line a row: names cut with …, never wrapped
    assert "…" in out


@pytest.mark.parametrize("width", ["80", "120", "200"])
@pytest.mark.parametrize("example", EXAMPLES)
def test_the_term_report_is_one_line_a_row_with_dates_whole(run, example, width):
    """Measured: unreadable at 80 and 120 (dates as `2024-0` / `8-26`), still wrapping at 200."""
    root = PROJECT / "examples" / example
    args = EXAMPLE_TABLES["report"]
    out = screen(run, root, args, width)
    rows = csv_rows(run, root, args)
    lines = body(out)
    assert len(lines) == len(rows), out
    for line, row in zip(lines, rows, strict=True):
        assert row["teacher_id"] in line and row["start"] in line and row["role_id"] in line, (line, row)
    assert_nothing_broken(out, rows, int(width))


def test_caseload_at_80_keeps_role_ids_whole(run):
    """Measured: `bps-esp-cons` / `ulting-teach` / `er`."""
    out = screen(run, PROJECT / "examples" / "bps", EXAMPLE_TABLES["caseload"], "80")
    assert out.count("bps-esp-consulting-teacher") == 3, out


def test_expiring_at_80_keeps_dates_whole(run):
    """Measured: the expiry date broken over two lines."""
    root = PROJECT / "examples" / "jps"
    args = EXAMPLE_TABLES["expiring"]
    out = screen(run, root, args, "80")
    rows = csv_rows(run, root, args)
    assert rows
    for row in rows:
        assert re.search(rf"{row['teacher_id']}\s.*\s{row['expires']}\s+{row['days_left']}\s", out), (row, out)


def test_the_title_names_the_columns_left_out_and_csv_has_them(run):
    root = PROJECT / "examples" / "jps"
    args = EXAMPLE_TABLES["report"]
    out = screen(run, root, args, "80")
    hidden = left_out(out)
    assert {"school", "role_title"} <= hidden, out
    assert "--format csv has them all" in " ".join(out.split())
    assert hidden <= set(csv_rows(run, root, args)[0])  # every name left out is a CSV column
    lines = out.splitlines()
    rule = next(i for i, line in enumerate(lines) if line.strip().startswith("─"))
    header = " ".join(" ".join(lines[rule - 2 : rule]).split())  # the two lines of the header
    assert "school" not in header and "title" not in header, header
    assert all(word in header for word in ("teacher", "id", "role id", "stipend")), header  # ids and money stay


def test_a_table_that_fits_says_nothing_is_left_out(run):
    out = screen(run, PROJECT / "examples" / "bps", EXAMPLE_TABLES["caseload"], "120")
    assert "left out" not in out


@pytest.mark.parametrize("name", ["report", "stipends", "roles"])
def test_wide_shows_every_column_whole_and_the_terminal_wraps(run, name):
    root = PROJECT / "examples" / "jps"
    args = EXAMPLE_TABLES[name]
    narrow = screen(run, root, args, "80")
    assert left_out(narrow), "the example is too wide for 80 columns"
    out = screen(run, root, args, "80", "--wide")
    assert "left out" not in out and "…" not in out
    rows = csv_rows(run, root, args)
    assert max(len(line) for line in out.splitlines()) > 80  # the terminal wraps the lines
    lines = body(out)
    assert len(lines) == len(rows)
    for line, row in zip(lines, rows, strict=True):  # every cell whole, on the row's line
        for name_, cell in row.items():
            if name_ != "term":
                assert cell in line, (name_, cell, line)


def test_wide_is_an_option_of_every_command_that_draws_a_table(run):
    for command in ("caseload", "stipends", "report", "expiring", "roles", "diff", "check-eligibility"):
        code, out, _ = run([command, "--help"], env={"COLUMNS": "200", "TERMINAL_WIDTH": "200"})
        assert code == 0 and "--wide" in out, command
