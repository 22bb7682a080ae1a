"""Files for people (SPEC section 13, "Files"; issue 14, deliverable 3): `--output` picks the format from the
extension for every command, an .xlsx workbook with typed cells, `--bom` before CSV, and the written file's mode.

Measured before the fix (issue 14): on a terminal `--output x.csv` wrote a Rich table into the file for
check-eligibility, roles and diff; `-o out.xlsx` silently wrote CSV; output files were 0600 whatever the umask,
and replacing a group-shared file reset it to 0600; a failed rename named the temporary file.
"""

from __future__ import annotations

import csv
import errno
import io
import os
import pty
import shutil
import stat
import subprocess
import zipfile
from datetime import datetime
from decimal import Decimal
from pathlib import Path

import openpyxl
import pytest

from example_dates import PROJECT, moved
from gitkit import git

DATA = Path(__file__).parent / "data" / "reports_repo"
AS_OF = "2025-09-15"
BPS = PROJECT / "examples" / "bps"
BPS_AS_OF = moved("2026-08-24")
JPS = PROJECT / "examples" / "jps"  # its mentors earn CEU, and t-0001's license has a renewal

#: what a user sees each column as in a spreadsheet (SPEC 13): every other column is text
MONEY = {"amount", "stipend", "credits", "earned", "needed"}  # two-decimal figures: money and credits
FRACTIONS = {"fraction"}
DATES = {"start", "end", "expires", "issued", "date"}
NUMBERS = {
    "size", "max", "days_left", "caseload_size", "caseload_max", "terms_served", "term_limit", "assignments",
    "preferred_met", "preferred_total", "eligible_before", "eligible_after", "gained", "lost", "changed",
}  # fmt: skip
BOOLEANS = {"over"}

REPORTS = {
    "caseload": ["-C", DATA, "caseload", "--term", "2025-26", "--as-of", AS_OF],
    "stipends": ["-C", DATA, "stipends", "--term", "2025-26", "--as-of", AS_OF],
    "stipends-by-school": ["-C", DATA, "stipends", "--term", "2025-26", "--by", "school", "--as-of", AS_OF],
    "report": ["-C", DATA, "report", "--term", "2025-26", "--as-of", AS_OF],
    "expiring": ["-C", DATA, "expiring", "--as-of", AS_OF],
    "credits": ["-C", JPS, "credits", "--as-of", BPS_AS_OF],
    "credits-renewals": ["-C", JPS, "credits", "--renewals", "--as-of", BPS_AS_OF],
    "roles": ["-C", BPS, "roles"],
    "check-eligibility": ["-C", BPS, "check-eligibility", "--all", "--as-of", BPS_AS_OF],
    "check-eligibility-explain": ["-C", BPS, "check-eligibility", "--explain", "-t", "t-0001", "--as-of", BPS_AS_OF],
}


@pytest.fixture(scope="module")
def diffable(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """examples/bps committed to git, then its first teacher made provisional: verdicts change."""
    root = tmp_path_factory.mktemp("diffable") / "bps"
    shutil.copytree(BPS, root)
    git(root, "init", "-q", "-b", "main")
    git(root, "add", "-A")
    git(root, "commit", "-q", "-m", "before")
    first = root / "teachers" / "t-0001.yaml"
    first.write_text(first.read_bytes().decode("utf-8").replace("status: permanent", "status: provisional"))
    return root


def _args(name: str, diffable: Path) -> list[object]:
    if name == "diff":
        return ["-C", diffable, "diff", "HEAD", "--as-of", BPS_AS_OF]
    return list(REPORTS[name])


ALL = [*REPORTS, "diff"]


def as_printed(path: Path) -> str:
    """A written file's text as `run` gives stdout (click's result turns CR LF into LF)."""
    return path.read_bytes().decode("utf-8").replace("\r\n", "\n")


def _sheet(path: Path):
    workbook = openpyxl.load_workbook(path)
    assert len(workbook.worksheets) == 1
    return workbook.worksheets[0]


def assert_sheet_is_the_csv(path: Path, csv_text: str) -> int:
    """The workbook at `path` holds the CSV's rows, each cell typed as SPEC 13 says; returns the data rows."""
    rows = list(csv.reader(io.StringIO(csv_text)))
    ws = _sheet(path)
    cells = list(ws.iter_rows())
    assert [c.value for c in cells[0]] == rows[0], "the header row is the CSV's column names"
    assert all(c.data_type == "s" for c in cells[0])
    assert len(cells) == len(rows), "one row per CSV row"
    assert ws.freeze_panes == "A2", "the header row is frozen"
    last = openpyxl.utils.get_column_letter(len(rows[0]))
    assert ws.auto_filter.ref == f"A1:{last}{len(rows)}", "the header row filters every row"
    for want, got in zip(rows[1:], cells[1:], strict=True):
        for name, text, cell in zip(rows[0], want, got, strict=True):
            where = f"{name} {text!r}: {cell.value!r} ({cell.data_type}, {cell.number_format})"
            if text == "":
                assert cell.value is None, where
            elif name in MONEY:
                assert cell.data_type == "n" and cell.number_format == "0.00", where
                assert Decimal(str(cell.value)) == Decimal(text), where
            elif name in FRACTIONS:
                assert cell.data_type == "n" and cell.number_format == "0.0000", where
                assert Decimal(str(cell.value)) == Decimal(text), where
            elif name in DATES:
                assert isinstance(cell.value, datetime) and cell.number_format == "yyyy-mm-dd", where
                assert cell.value.date().isoformat() == text, where
            elif name in NUMBERS:
                assert cell.data_type == "n" and not isinstance(cell.value, bool), where
                assert Decimal(str(cell.value)) == Decimal(text), where
            elif name in BOOLEANS:
                assert cell.value is (text == "true"), where
            else:  # text: a string cell, what the CSV holds but its formula guard
                assert cell.data_type == "s" and isinstance(cell.value, str), where
                guarded = "'" + cell.value if cell.value.startswith(("=", "+", "-", "@")) else cell.value
                assert guarded == text, where
    return len(rows) - 1


@pytest.mark.parametrize("name", ALL)
def test_xlsx_holds_the_csv_rows_typed(name, diffable, run, tmp_path):
    args = _args(name, diffable)
    code, out, err = run([*args, "--format", "csv"])
    assert code == 0, err
    target = tmp_path / "out.xlsx"
    code, stdout, err = run([*args, "--output", target])
    assert (code, stdout) == (0, ""), err
    assert zipfile.is_zipfile(target), "an .xlsx file is a workbook, not CSV"
    assert assert_sheet_is_the_csv(target, out) > 0


def test_xlsx_covers_every_kind_of_cell(run, tmp_path):
    """The fixture's figures: money, a fraction, dates, numbers, a boolean, a member list, a formula-like text."""
    seen: dict[str, set[str]] = {}
    for name in ("caseload", "report", "expiring", "stipends"):
        target = tmp_path / f"{name}.xlsx"
        assert run([*REPORTS[name], "-o", target])[0] == 0
        for row in _sheet(target).iter_rows(min_row=2):
            for cell in row:
                seen.setdefault(type(cell.value).__name__, set()).add(str(cell.value))
    assert {"str", "int", "float", "bool", "datetime"} <= seen.keys(), seen.keys()
    assert "@SUM(1)" in seen["str"], "a formula-like school is text, without the CSV's apostrophe"


def test_xlsx_text_is_never_a_formula(make_repo, run, tmp_path, teacher_yaml):
    root = make_repo(
        roles={"mentor": "id: mentor\ntitle: '=HYPERLINK(\"http://x\")'\ncategory: mentoring\n"},
        teachers={"t-1": "id: t-1\nname: '=1+1'\nschool: '00123'\n", "t-2": teacher_yaml("t-2")},
    )
    target = tmp_path / "pairs.xlsx"
    code, _, err = run(["-C", root, "check-eligibility", "--all", "--as-of", AS_OF, "-o", target])
    assert code == 0, err
    cells = {c.value: c.data_type for row in _sheet(target).iter_rows() for c in row if c.value is not None}
    assert cells["=1+1"] == "s" and cells["00123"] == "s"
    with zipfile.ZipFile(target) as z:
        sheets = [n for n in z.namelist() if n.startswith("xl/worksheets/")]
        assert all(b"<f>" not in z.read(n) and b"<f " not in z.read(n) for n in sheets)
    roles = tmp_path / "roles.xlsx"
    assert run(["-C", root, "roles", "-o", roles])[0] == 0
    titles = [c.value for c in next(_sheet(roles).iter_cols(min_col=2, max_col=2, min_row=2))]
    assert titles == ['=HYPERLINK("http://x")']


def test_xlsx_is_the_same_bytes_each_run(run, tmp_path):
    first, second = tmp_path / "a.xlsx", tmp_path / "b.xlsx"
    assert run([*REPORTS["report"], "-o", first])[0] == 0
    assert run([*REPORTS["report"], "-o", second])[0] == 0
    assert first.read_bytes() == second.read_bytes()


def test_xlsx_that_would_pass_the_row_limit_is_refused(run, tmp_path, monkeypatch):
    """Excel holds 1,048,576 rows: a table with more is refused, never cut (a small limit stands in for it)."""
    import tlt.render.xlsx

    monkeypatch.setattr(tlt.render.xlsx, "MAX_ROWS", 3)
    target = tmp_path / "pairs.xlsx"
    for args in (["check-eligibility", "--all", "--as-of", BPS_AS_OF], ["check-eligibility", "--as-of", BPS_AS_OF]):
        code, out, err = run(["-C", BPS, *args, "-o", target])
        assert code == 2
        assert "rows do not fit in a spreadsheet, which holds 3 below its header row" in err, err
        assert "--format csv" in err
    assert list(tmp_path.iterdir()) == []


def test_xlsx_to_a_terminal_is_refused(tlt_exe, tmp_path):
    code, screen, err = on_terminal(tlt_exe, "-C", DATA, "report", "--term", "2025-26", "-f", "xlsx")
    assert code == 2
    assert err == "tlt: xlsx is a file for a spreadsheet, not for a terminal: add --output FILE.xlsx\n"


def test_xlsx_piped_to_stdout(tlt_exe, tmp_path):
    done = subprocess.run(
        [tlt_exe, "-C", DATA, "report", "--term", "2025-26", "--as-of", AS_OF, "-f", "xlsx"],
        capture_output=True, env=_env(), check=False, timeout=60,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    (tmp_path / "piped.xlsx").write_bytes(done.stdout)
    csv_text = (Path(__file__).parent / "golden" / "reports_repo" / "report.csv").read_bytes().decode("utf-8")
    assert assert_sheet_is_the_csv(tmp_path / "piped.xlsx", csv_text) > 0


# --- the format by extension ------------------------------------------------------------------------------------


@pytest.mark.parametrize("name", ALL)
@pytest.mark.parametrize("ext", ["csv", "json"])
def test_output_extension_picks_the_format(name, ext, diffable, run, tmp_path):
    args = _args(name, diffable)
    code, want, err = run([*args, "--format", ext])
    assert code == 0, err
    target = tmp_path / f"out.{ext.upper() if name == 'roles' else ext}"  # the extension's case does not matter
    assert run([*args, "--output", target])[0] == 0
    assert as_printed(target) == want


def _env() -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in ("TLT_DEBUG", "NO_COLOR", "COLUMNS")}
    env.update({"TERM": "xterm", "COLUMNS": "100"})
    return env


def on_terminal(exe: str, *args: object, cwd: Path | None = None) -> tuple[int, bytes, str]:
    """Run the console script with stdout on a pseudo-terminal (stderr a pipe): (exit code, screen, stderr)."""
    main, child = pty.openpty()
    proc = subprocess.Popen(
        [exe, *map(str, args)], stdin=subprocess.DEVNULL, stdout=child, stderr=subprocess.PIPE, env=_env(), cwd=cwd
    )
    os.close(child)
    screen = b""
    while True:
        try:
            chunk = os.read(main, 65536)
        except OSError:  # EIO: the child closed the terminal
            break
        if not chunk:
            break
        screen += chunk
    os.close(main)
    assert proc.stderr is not None
    with proc.stderr:
        err = proc.stderr.read().decode()
    return proc.wait(timeout=60), screen, err


@pytest.mark.parametrize("name", ["check-eligibility", "roles", "diff", "caseload"])
def test_output_csv_from_a_terminal_is_csv(name, diffable, tlt_exe, run, tmp_path):
    """Measured: on a terminal `--output x.csv` wrote a Rich table into the file (check-eligibility, roles, diff)."""
    args = _args(name, diffable)
    target = tmp_path / "x.csv"
    code, screen, err = on_terminal(tlt_exe, *args, "--output", target)
    assert code == 0, err
    assert screen == b""
    assert as_printed(target) == run([*args, "--format", "csv"])[1]


def test_output_xlsx_from_a_terminal_is_a_workbook(tlt_exe, tmp_path):
    """Measured: `-o out.xlsx` silently wrote CSV."""
    target = tmp_path / "out.xlsx"
    code, _, err = on_terminal(tlt_exe, *REPORTS["stipends"], "-o", target)
    assert code == 0, err
    assert zipfile.is_zipfile(target)


@pytest.mark.parametrize("name", ALL)
def test_a_table_is_never_written_to_a_file(name, diffable, run, tmp_path):
    target = tmp_path / "out.csv"
    code, out, err = run([*_args(name, diffable), "--format", "table", "--output", target])
    assert (code, out) == (2, "")
    assert err == (
        f"tlt: --format table is drawn for a terminal, never written to a file (--output {target}); give --format "
        "csv, json or xlsx, or drop --format\n"
    )
    assert not target.exists()


@pytest.mark.parametrize("name", ALL)
def test_an_unknown_extension_is_refused_naming_those_that_work(name, diffable, run, tmp_path):
    target = tmp_path / "out.txt"
    code, out, err = run([*_args(name, diffable), "--output", target])
    assert (code, out) == (2, "")
    assert err == (
        f"tlt: --output {target}: tlt writes no format for the extension .txt; name a file ending in .csv, .json or "
        ".xlsx, or give --format\n"
    )
    assert not target.exists()
    assert run([*_args(name, diffable), "--output", target, "--format", "csv"])[0] == 0, "--format wins"


def test_explicit_format_wins_over_the_extension(run, tmp_path):
    target = tmp_path / "out.csv"
    assert run([*REPORTS["caseload"], "--format", "json", "-o", target])[0] == 0
    assert target.read_bytes().decode("utf-8").startswith("[")


def test_a_name_without_an_extension_gets_csv(run, tmp_path):
    target = tmp_path / "caseloads"
    assert run([*REPORTS["caseload"], "-o", target])[0] == 0
    assert as_printed(target) == run([*REPORTS["caseload"], "-f", "csv"])[1]


@pytest.mark.parametrize(
    ("name", "extra", "start"),
    [
        ("problems.json", [], '{\n  "ok": false,'),
        ("tlt.sarif", ["--path-prefix", ""], '{\n  "$schema": "https://docs.oasis-open.org/sarif/'),
        ("tlt.sarif.json", ["--path-prefix", ""], '{\n  "$schema": "https://docs.oasis-open.org/sarif/'),
        ("junit.xml", ["--path-prefix", ""], '<?xml version="1.0" encoding="UTF-8"?>\n<testsuites'),
        ("problems.txt", [], "teachers/t-1.yaml:3:1: error[duplicate-key]"),
        ("problems", [], "teachers/t-1.yaml:3:1: error[duplicate-key]"),
    ],
)
def test_validate_picks_its_format_by_extension(name, extra, start, make_repo, run, tmp_path):
    root = make_repo(teachers={"t-1": "id: t-1\nname: A\nname: B\n"})
    target = tmp_path / name
    code, out, err = run(["-C", root, "validate", "--as-of", AS_OF, *extra, "-o", target])
    assert code == 1, err
    assert target.read_bytes().decode("utf-8").startswith(start)


def test_validate_refuses_an_unknown_extension(make_repo, run, tmp_path):
    root = make_repo()
    code, _, err = run(["-C", root, "validate", "--as-of", AS_OF, "-o", tmp_path / "problems.md"])
    assert code == 2
    assert err == (
        f"tlt: --output {tmp_path / 'problems.md'}: tlt writes no format for the extension .md; name a file ending "
        "in .txt, .json, .sarif, .sarif.json or .xml, or give --format\n"
    )
    assert run(["-C", root, "validate", "--as-of", AS_OF, "-f", "github", "-o", tmp_path / "problems.md"])[0] == 0


# --- --bom -------------------------------------------------------------------------------------------------------

NAMED = {"t-1": "id: t-1\nname: José Núñez\nschool: Escuela Peña\n"}


@pytest.mark.parametrize(
    "args",
    [
        ["roles"],
        ["check-eligibility", "--all", "--as-of", AS_OF],  # the spooled path
        ["check-eligibility", "-t", "t-1", "--as-of", AS_OF],  # the plain path
    ],
)
def test_bom_starts_csv_that_reads_as_utf8_sig(args, make_repo, run, tmp_path, role_yaml):
    root = make_repo(roles={"mentor": role_yaml("mentor")}, teachers=NAMED)
    plain, marked = tmp_path / "plain.csv", tmp_path / "marked.csv"
    assert run(["-C", root, *args, "-o", plain])[0] == 0
    assert run(["-C", root, *args, "-o", marked, "--bom"])[0] == 0
    data = marked.read_bytes()
    assert data.startswith(b"\xef\xbb\xbf") and not plain.read_bytes().startswith(b"\xef\xbb\xbf")
    assert data.decode("utf-8-sig") == plain.read_bytes().decode("utf-8")
    if args[0] == "check-eligibility":
        assert "José Núñez" in data.decode("utf-8-sig")


def test_bom_on_stdout_and_in_every_report(run):
    for name in ("caseload", "stipends", "report", "expiring"):
        code, out, err = run([*REPORTS[name], "-f", "csv", "--bom"])
        assert code == 0, err
        assert out.startswith("\ufeff") and out[1:] == run([*REPORTS[name], "-f", "csv"])[1]


def test_bom_goes_with_csv_only(run, tmp_path):
    code, _, err = run([*REPORTS["report"], "-f", "json", "--bom"])
    assert code == 2
    assert err == "tlt: --bom starts CSV output, not json; drop it, or give --format csv\n"
    assert run([*REPORTS["report"], "-o", tmp_path / "r.xlsx", "--bom"])[0] == 2


# --- file modes and messages --------------------------------------------------------------------------------------


@pytest.fixture
def umask():
    old = os.umask(0o022)
    os.umask(old)

    def set_mask(mask: int) -> None:
        os.umask(mask)

    yield set_mask
    os.umask(old)


@pytest.mark.parametrize(("mask", "mode"), [(0o022, 0o644), (0o002, 0o664), (0o077, 0o600)])
@pytest.mark.parametrize("ext", ["csv", "xlsx"])
def test_a_new_file_gets_the_mode_the_umask_gives(mask, mode, ext, umask, run, tmp_path):
    umask(mask)
    target = tmp_path / f"report.{ext}"
    assert run([*REPORTS["report"], "-o", target])[0] == 0
    assert stat.S_IMODE(os.stat(target).st_mode) == mode


def test_replacing_a_file_keeps_its_mode(umask, run, tmp_path):
    umask(0o022)
    target = tmp_path / "report.csv"
    target.write_text("old\n")
    os.chmod(target, 0o660)
    assert run([*REPORTS["report"], "-o", target])[0] == 0
    assert stat.S_IMODE(os.stat(target).st_mode) == 0o660
    assert target.read_bytes().decode("utf-8").startswith("term,teacher_id")


def test_a_failed_rename_names_the_path_typed(run, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    real = os.replace

    def refuse(src, dst, *args, **kwargs):
        if str(src).endswith(".tmp"):
            raise PermissionError(errno.EPERM, "Operation not permitted", str(src), None, str(dst))
        return real(src, dst, *args, **kwargs)

    monkeypatch.setattr(os, "replace", refuse)
    code, out, err = run([*REPORTS["report"], "-o", "report.csv"])
    assert code == 2
    assert err == "tlt: cannot write --output report.csv: Operation not permitted\n"
    assert list(tmp_path.iterdir()) == [], "the temporary file is removed"
