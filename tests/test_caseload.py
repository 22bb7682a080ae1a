"""`tlt caseload` (SPEC 6): weighted sizes, caps, members in CSV and JSON, highlighting, options, goldens."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pytest

from tlt.pipeline import load_repository
from tlt.render.rows import render_table
from tlt.reports import terminal_view
from tlt.reports.caseload import caseload_table

DATA = Path(__file__).parent / "data" / "reports_repo"
from goldens import assert_golden  # noqa: E402

CONFIG = """\
program: Caseload Test
organization: CLT
terms:
  - {id: 2024-25, start: 2024-08-26, end: 2025-06-13}
  - {id: 2025-26, start: 2025-08-25, end: 2026-06-12}
"""
ROLES = {
    "ct": "id: ct\ntitle: Consulting Teacher\ncategory: coaching\ncaseload:\n  max: 12\n  weights: {PAR: 2, PA: 0.5}\n",
    "mentor": "id: mentor\ntitle: Mentor\ncategory: mentoring\ncaseload: {max: 3}\n",
    "free": "id: free\ntitle: Uncapped\ncategory: other\n",
}


def members(n: int, start: int = 100) -> list[str]:
    return [f"m{i}" for i in range(start, start + n)]


def teacher(tid: str, assignments: str) -> str:
    return f"id: {tid}\nname: Teacher {tid.upper()}\nassignments:\n{assignments}"


def caseload_csv(run, repo: Path, *args: str) -> list[dict[str, str]]:
    code, out, err = run(["-C", repo, "caseload", "--as-of", "2025-09-01", "--format", "csv", *args])
    assert code == 0, err
    return list(csv.DictReader(io.StringIO(out)))


@pytest.fixture
def repo(make_repo) -> Path:
    plain = ", ".join(members(11))
    teachers = {
        # 11 plain members + one PAR member (weight 2) = 13: over a cap of 12
        "a": teacher(
            "a", f"  - role: ct\n    start: 2024-08-26\n    caseload: [{plain}, {{teacher: m200, service: PAR}}]\n"
        ),
        # 10 plain + PAR (2) + PA (0.5) = 12.5
        "b": teacher(
            "b",
            f"  - role: ct\n    start: 2025-08-25\n    caseload: [{', '.join(members(10))}, "
            "{teacher: m201, service: PAR}, {teacher: m202, service: PA}]\n",
        ),
        # exactly at the cap: 3 of 3
        "c": teacher(
            "c", "  - role: mentor\n    start: 2025-08-25\n    caseload: [m1, m2, {teacher: m3, service: PAR}]\n"
        ),
        # a role without a caseload section: no cap
        "d": teacher("d", "  - role: free\n    start: 2025-08-25\n    caseload: [m1, m2]\n"),
        # no caseload key: not listed; a caseload outside the term: not listed
        "e": teacher(
            "e",
            "  - role: mentor\n    start: 2025-08-25\n"
            "  - role: mentor\n    start: 2023-08-28\n    end: 2024-09-30\n    caseload: [m1]\n",
        ),
        # an empty caseload is listed with size 0
        "f": teacher("f", "  - role: mentor\n    start: 2025-09-15\n    caseload: []\n"),
    }
    teachers.update(
        {m: f"id: {m}\nname: Member {m}\n" for m in {*members(11), "m200", "m201", "m202", "m1", "m2", "m3"}}
    )
    return make_repo(CONFIG, ROLES, teachers)


def test_rows_sizes_caps_and_members(repo, run):
    got = caseload_csv(run, repo, "--term", "2025-26")
    assert [(r["teacher_id"], r["role_id"], r["size"], r["max"], r["over"]) for r in got] == [
        ("a", "ct", "13", "12", "true"),
        ("b", "ct", "12.5", "12", "true"),
        ("d", "free", "2", "", "false"),
        ("c", "mentor", "3", "3", "false"),
        ("f", "mentor", "0", "3", "false"),
    ]
    by_teacher = {r["teacher_id"]: r for r in got}
    assert by_teacher["a"]["members"] == " ".join(members(11)) + " m200:PAR"
    assert by_teacher["c"]["members"] == "m1 m2 m3:PAR"  # mentor has no weights: PAR counts 1
    assert by_teacher["f"]["members"] == ""
    assert by_teacher["a"]["term"] == "2025-26" and by_teacher["a"]["teacher_name"] == "Teacher A"


def test_header(repo, run):
    code, out, _ = run(["-C", repo, "caseload", "--term", "2025-26", "--as-of", "2025-09-01", "-f", "csv"])
    assert out.splitlines()[0] == "term,teacher_id,teacher_name,role_id,size,max,over,members"


def test_other_term_lists_the_assignments_overlapping_it(repo, run):
    got = caseload_csv(run, repo, "--term", "2024-25")
    assert [(r["teacher_id"], r["role_id"], r["size"]) for r in got] == [("a", "ct", "13"), ("e", "mentor", "1")]


def test_json_rows(repo, run):
    code, out, _ = run(["-C", repo, "caseload", "--term", "2025-26", "--as-of", "2025-09-01", "-f", "json"])
    rows = {r["teacher_id"]: r for r in json.loads(out)}
    assert rows["b"]["size"] == 12.5 and rows["a"]["size"] == 13 and isinstance(rows["a"]["size"], int)
    assert rows["a"]["max"] == 12 and rows["d"]["max"] is None
    assert rows["a"]["over"] is True and rows["c"]["over"] is False
    assert rows["c"]["members"] == ["m1", "m2", {"teacher": "m3", "service": "PAR"}]
    assert rows["f"]["members"] == []
    assert list(rows["a"]) == ["term", "teacher_id", "teacher_name", "role_id", "size", "max", "over", "members"]


def test_default_term_is_the_one_containing_as_of(repo, run):
    code, out, _ = run(["-C", repo, "caseload", "--as-of", "2025-03-01", "-f", "csv"])
    assert {r["term"] for r in csv.DictReader(io.StringIO(out))} == {"2024-25"}
    code, out, _ = run(["-C", repo, "caseload", "--as-of", "2030-01-01", "-f", "csv"])  # after every term: the latest
    assert {r["term"] for r in csv.DictReader(io.StringIO(out))} == {"2025-26"}
    code, out, _ = run(["-C", repo, "caseload", "--as-of", "2020-01-01", "-f", "csv"])  # before every term: the first
    assert {r["term"] for r in csv.DictReader(io.StringIO(out))} == {"2024-25"}


def test_table_highlights_rows_over_the_cap_and_without_one(repo):
    loaded = load_repository(repo)
    assert loaded.config is not None
    text = render_table(terminal_view(caseload_table(loaded, loaded.config.terms[1])), width=200, color=True)

    def line(tid: str) -> str:
        return next(line for line in text.splitlines() if f"Teacher {tid.upper()}" in line)

    assert "\x1b[1;31m" in line("a") and "\x1b[1;31m" in line("b")  # bold red: over the cap
    assert "\x1b[33m" in line("d")  # yellow: no cap
    assert "\x1b[" not in line("c")  # at the cap: plain
    assert "5 caseloads; 2 over the cap; 1 without a cap" in text


def test_table_default_on_request_has_title_and_no_term_column(repo, run):
    code, out, _ = run(["-C", repo, "caseload", "--term", "2025-26", "--as-of", "2025-09-01", "-f", "table"])
    assert out.startswith("Caseloads, term 2025-26")
    header = next(line for line in out.splitlines() if "teacher id" in line)
    assert header.split()[:2] == ["teacher", "id"] and "term" not in header


def test_formula_names_are_inert_in_csv(make_repo, run):
    teachers = {
        "a": 'id: a\nname: "=HYPERLINK(\\"http://x\\",\\"y\\")"\nassignments:\n  - {role: mentor, start: 2025-08-25, caseload: [b]}\n',
        "b": 'id: b\nname: "@SUM(1)"\nassignments:\n  - {role: mentor, start: 2025-08-25, caseload: [a]}\n',
        "c": 'id: c\nname: "-2+3"\nassignments:\n  - {role: mentor, start: 2025-08-25, caseload: []}\n',
        "d": 'id: d\nname: "+cmd"\nassignments:\n  - {role: mentor, start: 2025-08-25, caseload: []}\n',
    }
    repo = make_repo(CONFIG, ROLES, teachers)
    code, out, _ = run(["-C", repo, "caseload", "--term", "2025-26", "--as-of", "2025-09-01", "-f", "csv"])
    names = [r["teacher_name"] for r in csv.DictReader(io.StringIO(out))]
    assert names == ['\'=HYPERLINK("http://x","y")', "'@SUM(1)", "'-2+3", "'+cmd"]
    code, out, _ = run(["-C", repo, "caseload", "--term", "2025-26", "--as-of", "2025-09-01", "-f", "json"])
    assert [r["teacher_name"] for r in json.loads(out)] == ['=HYPERLINK("http://x","y")', "@SUM(1)", "-2+3", "+cmd"]


def test_unknown_term(repo, run):
    code, out, err = run(["-C", repo, "caseload", "--term", "2025-2026", "--as-of", "2025-09-01"])
    assert code == 2 and out == ""
    assert "no term '2025-2026' in tlt.yaml; did you mean 2025-26" in err


def test_policy_problems_never_stop_the_report(repo, run):
    # a is over its cap (a caseload-cap error for `tlt validate`); the report still runs
    code, _, _ = run(["-C", repo, "validate", "--as-of", "2025-09-01"])
    assert code == 1
    assert caseload_csv(run, repo, "--term", "2025-26")[0]["over"] == "true"


def test_broken_repository_exits_1(make_repo, run):
    repo = make_repo(CONFIG, ROLES, {"a": "id: a\nname: [unclosed\n"})
    code, out, err = run(["-C", repo, "caseload", "--as-of", "2025-09-01"])
    assert code == 1 and out == ""
    assert "1 file has errors; run `tlt validate`" in err


def test_output_is_atomic_and_refuses_an_input_file(repo, run, tmp_path):
    target = tmp_path / "caseload.csv"
    code, out, _ = run(["-C", repo, "caseload", "--term", "2025-26", "--as-of", "2025-09-01", "--output", target])
    assert code == 0 and out == ""
    assert len(list(csv.DictReader(io.StringIO(target.read_text(encoding="utf-8"))))) == 5
    before = (repo / "teachers" / "a.yaml").read_bytes()
    args = ["caseload", "--as-of", "2025-09-01", "-f", "csv", "--output", repo / "teachers" / "a.yaml"]
    code, _, err = run(["-C", repo, *args])
    assert code == 2 and "input file" in err
    assert (repo / "teachers" / "a.yaml").read_bytes() == before


# --- goldens --------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("fmt", ["csv", "json", "table"])
def test_golden(run, fmt):
    code, out, err = run(["-C", DATA, "caseload", "--term", "2025-26", "--as-of", "2025-09-15", "--format", fmt])
    assert code == 0, err
    assert_golden(f"reports_repo/caseload.{'txt' if fmt == 'table' else fmt}", out)


def test_golden_repo_figures(run):
    got = {r["teacher_id"]: r for r in caseload_csv(run, DATA, "--term", "2025-26")}
    assert (got["t-01"]["size"], got["t-01"]["over"]) == ("3.5", "false")  # 1 + 1.5 (PAR) + 1
    assert (got["t-08"]["size"], got["t-08"]["over"]) == ("4.5", "true")  # 3 × 1.5 > 4
    assert (got["t-02"]["size"], got["t-02"]["max"], got["t-02"]["over"]) == ("4", "3", "true")
    assert (got["t-05"]["role_id"], got["t-05"]["size"], got["t-05"]["max"]) == ("council", "0", "")
