"""`tlt report` (SPEC 6): the term report: columns, empty cells, terms served, order, CSV by default, goldens on
the fixed report repository and on every example repository, and a file a spreadsheet opens."""

from __future__ import annotations

import csv
import io
import json
import os
from pathlib import Path

import pytest
import yaml

from terminal import on_a_pty
from tlt.cli.common import TableFormat
from tlt.cli.reports import _format

ROOT = Path(__file__).resolve().parent.parent
DATA = Path(__file__).parent / "data" / "reports_repo"
from example_dates import REPORT_AS_OF, REPORT_TERM, moved  # noqa: E402
from goldens import assert_golden  # noqa: E402

EXAMPLES = ["jps", "acps", "bps", "iowa"]

HEADER = (
    "term,teacher_id,teacher_name,school,role_id,role_title,start,end,fraction,caseload_size,caseload_max,"
    "terms_served,term_limit,stipend,stipend_basis"
)

CONFIG = """\
program: Report Test
organization: RPT
contract_days: 200
terms:
  - {id: 2023-24, start: 2023-08-28, end: 2024-06-14}
  - {id: 2024-25, start: 2024-08-26, end: 2025-06-13}
  - {id: 2025-26, start: 2025-08-25, end: 2026-06-12}
  - {id: 2026-27, start: 2026-08-24, end: 2027-06-11}
"""
ROLES = {
    "coach": (
        "id: coach\ntitle: Coach\ncategory: coaching\nterm_limit: {max_terms: 3}\n"
        "caseload:\n  max: 4\n  weights: {PAR: 2}\ncompensation:\n  stipend: {amount: 2920}\n"
    ),
    "lead": "id: lead\ntitle: Lead\ncategory: curriculum\ncompensation:\n  stipend: {unspecified: true}\n",
}


def report(run, repo: Path, term: str = "2025-26", *args: str) -> list[dict[str, str]]:
    code, out, err = run(["-C", repo, "report", "--term", term, "--as-of", "2025-09-01", *args])
    assert code == 0, err
    assert out.splitlines()[0] == HEADER
    return list(csv.DictReader(io.StringIO(out)))


@pytest.fixture
def repo(make_repo) -> Path:
    teachers = {
        # two earlier terms (2023-24 and 2024-25 via one assignment) + 2 prior terms + this one = 5
        "a": "id: a\nname: Ann\nschool: North\nassignments:\n"
        "  - {role: coach, start: 2023-09-01, end: 2024-09-30, prior_terms: 2}\n"
        "  - {role: coach, start: 2025-08-25, caseload: [b, {teacher: c, service: PAR}]}\n",
        # a later term is not counted; a gap term (2024-25) is not counted
        "b": "id: b\nname: Ben\nassignments:\n"
        "  - {role: coach, start: 2023-08-28, end: 2024-06-14}\n"
        "  - {role: coach, start: 2025-10-01, end: 2025-10-31}\n"
        "  - {role: coach, start: 2026-08-24}\n"
        "  - {role: lead, start: 2025-08-25, end: 2026-06-12}\n",
        "c": "id: c\nname: Cy\nassignments:\n  - {role: lead, start: 2024-01-01}\n",
    }
    return make_repo(CONFIG, ROLES, teachers)


def test_rows_values_and_order(repo, run):
    rows = report(run, repo)
    assert [(r["role_id"], r["teacher_id"], r["start"]) for r in rows] == [
        ("coach", "a", "2025-08-25"),
        ("coach", "b", "2025-10-01"),
        ("lead", "b", "2025-08-25"),
        ("lead", "c", "2024-01-01"),
    ]
    a, b, b_lead, c = rows
    assert a == {
        "term": "2025-26", "teacher_id": "a", "teacher_name": "Ann", "school": "North", "role_id": "coach",
        "role_title": "Coach", "start": "2025-08-25", "end": "", "fraction": "1.0000", "caseload_size": "3",
        "caseload_max": "4", "terms_served": "5", "term_limit": "3", "stipend": "2920.00", "stipend_basis": "amount: 2920",
    }  # fmt: skip
    # 2025-10-01..2025-10-31 = 31 of 292 days: 2920 × 31/292 = 310; no caseload key: empty size, the role's max
    assert (b["end"], b["fraction"], b["stipend"]) == ("2025-10-31", "0.1062", "310.00")
    assert (b["caseload_size"], b["caseload_max"]) == ("", "4")
    assert b["terms_served"] == "2"  # 2023-24 and 2025-26; the 2026-27 assignment is later
    assert (b_lead["terms_served"], b_lead["term_limit"]) == ("1", "")
    assert (b_lead["stipend"], b_lead["stipend_basis"]) == ("", "unspecified")
    assert (c["caseload_max"], c["terms_served"]) == ("", "3")  # 2023-24 (from January), 2024-25, 2025-26


def test_terms_served_counts_the_reported_term_itself(repo, run):
    rows = report(run, repo, "2023-24")
    assert {(r["teacher_id"], r["role_id"]): r["terms_served"] for r in rows} == {
        ("a", "coach"): "3",  # 2 prior terms + 2023-24
        ("b", "coach"): "1",
        ("c", "lead"): "1",
    }


def test_json(repo, run):
    code, out, _ = run(["-C", repo, "report", "--term", "2025-26", "--as-of", "2025-09-01", "--format", "json"])
    rows = json.loads(out)
    assert list(rows[0]) == HEADER.split(",")
    assert (rows[0]["caseload_size"], rows[0]["caseload_max"], rows[0]["terms_served"]) == (3, 4, 5)
    assert (rows[0]["fraction"], rows[0]["stipend"], rows[0]["end"]) == ("1.0000", "2920.00", None)
    assert rows[1]["caseload_size"] is None and rows[2]["term_limit"] is None


def test_csv_is_the_default_even_on_a_terminal():
    assert _format(None, None, TableFormat.csv) is TableFormat.csv
    assert _format(TableFormat.table, None, TableFormat.csv) is TableFormat.table
    assert _format(None, Path("r.json"), TableFormat.csv) is TableFormat.json


def test_unknown_term(repo, run):
    code, out, err = run(["-C", repo, "report", "--term", "2025-27", "--as-of", "2025-09-01"])
    assert code == 2 and out == ""
    assert err.startswith("tlt: no term '2025-27' in tlt.yaml; did you mean ")
    assert "2025-26" in err and "2026-27" in err and "2023-24" not in err  # the three closest ids


def test_formula_values_are_inert(make_repo, run):
    teachers = {
        "a": 'id: a\nname: \'=HYPERLINK("http://x","y")\'\nschool: +cmd\nassignments:\n  - {role: coach, start: 2025-08-25}\n',
        "b": "id: b\nname: '-2+3'\nschool: '@SUM(1)'\nassignments:\n  - {role: coach, start: 2025-08-25}\n",
    }
    roles = {"coach": ROLES["coach"].replace("title: Coach", "title: '=cmd|calc'")}
    rows = report(run, make_repo(CONFIG, roles, teachers))
    assert [(r["teacher_name"], r["school"], r["role_title"]) for r in rows] == [
        ('\'=HYPERLINK("http://x","y")', "'+cmd", "'=cmd|calc"),
        ("'-2+3", "'@SUM(1)", "'=cmd|calc"),
    ]


# --- goldens --------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("fmt", ["csv", "json", "table"])
def test_golden(run, fmt):
    wide = {"TERMINAL_WIDTH": "200", "COLUMNS": "200"}  # fifteen columns: the table wants a wide terminal
    code, out, err = run(
        ["-C", DATA, "report", "--term", "2025-26", "--as-of", "2025-09-15", "--format", fmt], env=wide
    )
    assert code == 0, err
    assert_golden(f"reports_repo/report.{'txt' if fmt == 'table' else fmt}", out)


def test_golden_repo_figures(run):
    rows = {(r["teacher_id"], r["role_id"]): r for r in report(run, DATA)}
    t03 = rows[("t-03", "coach")]
    # prior_terms 1 + 2024-25 + 2025-26 (it ended 2025-08-29, five days into the term): over the limit of 2
    assert (t03["terms_served"], t03["term_limit"], t03["end"], t03["stipend"]) == ("3", "2", "2025-08-29", "51.37")
    assert rows[("t-07", "council")]["terms_served"] == "2"  # from 2025-01-06: 2024-25 and 2025-26
    assert (rows[("t-04", "mentor")]["caseload_size"], rows[("t-04", "mentor")]["caseload_max"]) == ("", "3")
    assert rows[("t-04", "mentor")]["stipend"] == ""  # no base_salary


@pytest.mark.parametrize("example", EXAMPLES)
@pytest.mark.parametrize("fmt", ["csv", "json"])
def test_golden_examples(run, example, fmt):
    code, out, err = run(
        ["-C", ROOT / "examples" / example, "report", "--term", REPORT_TERM, "--as-of", REPORT_AS_OF, "-f", fmt]
    )
    assert code == 0, err
    assert_golden(f"examples/{example}_report.{fmt}", out)


@pytest.mark.parametrize("example", EXAMPLES)
def test_output_file_opens_as_a_spreadsheet(run, example, tmp_path):
    target = tmp_path / "report.csv"
    repo = ROOT / "examples" / example
    code, out, err = run(["-C", repo, "report", "--term", REPORT_TERM, "--as-of", REPORT_AS_OF, "--output", target])
    assert code == 0 and out == "", err
    raw = target.read_bytes()
    assert raw.startswith(HEADER.encode() + b"\r\n")  # RFC 4180 line ends
    with target.open(encoding="utf-8", newline="") as handle:
        reader = csv.DictReader(handle)
        rows = list(reader)
    assert reader.fieldnames == HEADER.split(",")
    # one row per assignment overlapping the term (2025-26 as built), counted from the YAML independently of tlt
    expected = 0
    for path in sorted((repo / "teachers").rglob("*.yaml")):
        for a in yaml.safe_load(path.read_text(encoding="utf-8")).get("assignments") or []:
            start, end = str(a["start"]), a.get("end")
            if start <= moved("2026-06-12") and (end is None or str(end) >= moved("2025-08-25")):
                expected += 1
    assert expected > 0
    assert len(rows) == expected
    assert all(r["term"] == REPORT_TERM and r["teacher_id"] and r["role_id"] for r in rows)


def _on_a_terminal(tlt_exe: str, *args: str) -> str:
    """Run the installed `tlt` with its stdout on a pseudo-terminal; return what it printed."""
    env = {**os.environ, "NO_COLOR": "1", "TERMINAL_WIDTH": "200", "COLUMNS": "200", "TLT_PAGER": ""}  # no pager
    code, out, _ = on_a_pty([tlt_exe, *args], env)
    assert code == 0
    return out.decode("utf-8").replace("\r\n", "\n")


def test_report_is_csv_even_on_a_terminal_while_caseload_is_a_table(tlt_exe):
    common = ["-C", str(DATA), "--term", "2025-26", "--as-of", "2025-09-15"]
    report_out = _on_a_terminal(tlt_exe, "report", *common)
    assert report_out.splitlines()[0] == HEADER
    caseload_out = _on_a_terminal(tlt_exe, "caseload", *common)
    assert caseload_out.startswith("Caseloads, term 2025-26")
