"""The spooled eligibility path (`tlt.scale.spool`: `scale.bench.Bench` deciding each distinct tuple of answers once,
rows spooled once per unit of roles judged alike from pieces rendered once, each role's text put in at the end)
gives exactly the document of the plain path, in every mode, on dates that change many answers. The two sides
are rendered by different code: the plain side is `judge.judge_all`'s verdicts as `eligibility_table` rows,
rendered whole by `render_csv` (the csv module) or `to_json`; the spooled side joins pieces made by `csv_line`
and `json_item`."""

from __future__ import annotations

import io
import subprocess
import sys
from datetime import date
from pathlib import Path

import pytest

from example_dates import moved_day
from tlt.eligibility import Selection, eligibility_table, json_records
from tlt.pipeline import load_repository
from tlt.render.rows import render_csv, to_json
from tlt.scale.spool import eligibility_in_batches, write_rows

ROOT = Path(__file__).parent.parent


@pytest.fixture(scope="module")
def generated(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("bench") / "repo"
    subprocess.run(
        [sys.executable, str(ROOT / "benchmarks" / "generate.py"), "240", str(out)],
        check=True,
        capture_output=True,
        timeout=120,
    )
    return out


def _plain(path: Path, as_of: date, fmt: str, explain: bool, everything: bool, roles: list[str] | None) -> str:
    repo = load_repository(path)
    table = eligibility_table(repo, Selection(as_of, roles), everything, explain)
    return render_csv(table) if fmt == "csv" else to_json(json_records(table))


def _bench(path: Path, as_of: date, fmt: str, explain: bool, everything: bool, roles: list[str] | None) -> str:
    def when(base):  # type: ignore[no-untyped-def]
        return as_of, sorted(roles) if roles else sorted(base.roles)

    _, answers = eligibility_in_batches(path, when, everything, fmt, explain)
    out = io.StringIO()
    write_rows(out, answers, fmt)
    return out.getvalue()


@pytest.mark.parametrize("as_of", [date(2019, 9, 1), date(2024, 7, 1), date(2026, 3, 2), date(2031, 1, 1)])
@pytest.mark.parametrize(
    ("fmt", "explain", "everything"),
    [("csv", False, True), ("csv", False, False), ("csv", True, True), ("json", False, False), ("json", True, True)],
)
def test_the_bench_gives_the_rows_of_one_verdict_at_a_time(generated, monkeypatch, as_of, fmt, explain, everything):
    monkeypatch.setenv("TLT_BATCH", "37")  # a bench serves many batches: its answers outlive each one
    expected = _plain(generated, as_of, fmt, explain, everything, None)
    assert expected.count("\n") > 240
    assert _bench(generated, as_of, fmt, explain, everything, None) == expected


def test_the_bench_on_the_examples_and_a_subset_of_roles(monkeypatch):
    monkeypatch.setenv("TLT_BATCH", "3")
    for example in ("examples/bps", "examples/jps", "examples/acps"):
        path = ROOT / example
        roles = sorted(load_repository(path).roles)[::2]
        for fmt, explain in (("csv", False), ("json", True)):
            expected = _plain(path, moved_day("2026-03-02"), fmt, explain, True, roles)
            assert _bench(path, moved_day("2026-03-02"), fmt, explain, True, roles) == expected


def test_a_row_holding_the_role_mark_keeps_it_escaped(make_repo, run):
    """The role goes where a row holds a NUL (`eligibility.PLACEHOLDER`); a NUL in the data shows escaped, never
    replaced."""
    role = "id: {rid}\ntitle: R\ncategory: coaching\neligibility:\n  required: []\n"
    root = make_repo(
        roles={"r-1": role.format(rid="r-1"), "r-2": role.format(rid="r-2")},
        teachers={"t-1": 'id: t-1\nname: "A\\0B"\nschool: "\\0"\n'},
    )
    code, out, err = run(["-C", str(root), "check-eligibility", "--format", "csv", "--as-of", "2026-03-02"])
    assert code == 0, err
    assert "\x00" not in out
    lines = out.splitlines()
    assert lines[1:] == ["r-1,t-1,A\\x00B,\\x00,eligible,0,0,", "r-2,t-1,A\\x00B,\\x00,eligible,0,0,"]


@pytest.mark.parametrize("fmt", ["csv", "json"])
def test_every_kind_of_output_gets_the_same_bytes(generated, tmp_path, fmt):
    """Rows of a unit of one role are copied by the kernel where the output allows it (a file, a pipe), read and
    written otherwise (a file opened for appending); every way gives the document the plain path renders."""
    expected = _plain(generated, date(2026, 3, 2), fmt, False, True, None).encode("utf-8")
    args = [sys.executable, "-m", "tlt", "-C", str(generated), "check-eligibility", "--all", "--format", fmt]
    args += ["--as-of", "2026-03-02"]
    env = {"PATH": "/usr/bin:/bin", "TLT_JOBS": "2", "TLT_FORK_MIN_FILES": "2", "TLT_BATCH": "37"}
    piped = subprocess.run(args, capture_output=True, env=env, timeout=120, check=True).stdout
    assert piped == expected
    to_file = tmp_path / "out.txt"
    with open(to_file, "wb") as handle:
        subprocess.run(args, stdout=handle, env=env, timeout=120, check=True)
    assert to_file.read_bytes() == expected
    appended = tmp_path / "appended.txt"
    appended.write_bytes(b"before\n")
    with open(appended, "ab") as handle:
        subprocess.run(args, stdout=handle, env=env, timeout=120, check=True)
    assert appended.read_bytes() == b"before\n" + expected
    named = tmp_path / "named.txt"
    subprocess.run([*args, "--output", str(named)], env=env, timeout=120, check=True, capture_output=True)
    assert named.read_bytes() == expected


@pytest.mark.parametrize(("fmt", "spooled"), [("csv", True), ("json", True), ("table", False)])
def test_csv_and_json_of_every_teacher_take_the_spooled_path(generated, monkeypatch, run, fmt, spooled):
    """The speed layer answers CSV and JSON of every teacher (and hands the rest to the plain path): a run that
    silently stopped spooling would still pass the comparisons above."""
    from tlt.scale import spool

    calls = []
    real = spool.eligibility_in_batches

    def counted(*args, **kwargs):  # type: ignore[no-untyped-def]
        calls.append(args)
        return real(*args, **kwargs)

    monkeypatch.setattr(spool, "eligibility_in_batches", counted)
    args = ["-C", str(generated), "check-eligibility", "--all", "-f", fmt, "--as-of", "2026-03-02"]
    code, out, err = run(args)
    assert code == 0, err
    assert out
    assert len(calls) == (1 if spooled else 0)
    code, _, err = run([*args, "--teacher", sorted(load_repository(generated).teachers)[0]])
    assert code == 0, err
    assert len(calls) == (1 if spooled else 0)  # one teacher: the plain path


@pytest.mark.parametrize("fmt", ["csv", "json"])
def test_without_the_speed_layer_the_command_gives_the_same_bytes(generated, fmt):
    """`tlt.scale.spool` is a wrapper: with it gone, check-eligibility runs the plain path, byte for byte."""
    args = ["-C", str(generated), "check-eligibility", "--all", "--format", fmt, "--as-of", "2026-03-02"]
    env = {"PATH": "/usr/bin:/bin", "TLT_JOBS": "2", "TLT_FORK_MIN_FILES": "2", "COLUMNS": "120"}
    with_layer = subprocess.run([sys.executable, "-m", "tlt", *args], capture_output=True, env=env, timeout=120)
    gone = "import sys; sys.modules['tlt.scale.spool'] = None; from tlt.cli import main; main()"
    without = subprocess.run([sys.executable, "-c", gone, *args], capture_output=True, env=env, timeout=120)
    assert (without.returncode, without.stderr) == (with_layer.returncode, with_layer.stderr) == (0, b"")
    assert without.stdout == with_layer.stdout
    assert without.stdout.count(b"\n") > 240
