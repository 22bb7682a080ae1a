"""`tlt expiring` (SPEC 6): documents of current role holders that expired before D or expire in [D, D + DAYS]."""

from __future__ import annotations

import csv
import io
import json
import re
from pathlib import Path

import pytest

DATA = Path(__file__).parent / "data" / "reports_repo"
from example_dates import moved  # noqa: E402
from goldens import assert_golden  # noqa: E402

CONFIG = """\
program: Expiry Test
organization: EXP
terms:
  - {id: 2025-26, start: 2025-08-25, end: 2026-06-12}
"""
ROLES = {
    "mentor": "id: mentor\ntitle: Mentor\ncategory: mentoring\n",
    "coach": "id: coach\ntitle: Coach\ncategory: coaching\n",
}
HOLDS = "assignments:\n  - {role: mentor, start: 2025-08-25}\n"
D = "2025-10-01"  # the as-of date of these tests; D + 90 days = 2025-12-30


def teacher(tid: str, documents: str, assignments: str = HOLDS, extra: str = "") -> str:
    return f"id: {tid}\nname: Teacher {tid.upper()}\n{extra}{documents}{assignments}"


def expiring(run, repo: Path, *args: str, as_of: str = D) -> list[dict[str, str]]:
    code, out, err = run(["-C", repo, "expiring", "--as-of", as_of, "--format", "csv", *args])
    assert code == 0, err
    return list(csv.DictReader(io.StringIO(out)))


def brief(rows: list[dict[str, str]]) -> list[tuple[str, ...]]:
    return [(r["teacher_id"], r["kind"], r["item"], r["expires"], r["days_left"], r["status"]) for r in rows]


@pytest.fixture
def repo(make_repo) -> Path:
    teachers = {
        "a": teacher(
            "a",
            "licenses:\n"
            "  - {state: MA, type: professional, number: '0042', expires: 2025-09-30}\n"  # D − 1: expired
            "clearances:\n"
            "  - {kind: fingerprint, date: 2020-01-01, expires: 2025-10-01}\n"  # D itself: 0 days left
            "  - {kind: tb-test, date: 2020-01-01}\n"  # never expires
            "credentials:\n"
            "  - {id: national-board, date: 2016-01-01, expires: 2025-12-30}\n"  # D + 90: included
            "  - {id: cpr, date: 2024-01-01, expires: 2025-12-31}\n",  # D + 91: left out
        ),
        "b": teacher("b", "licenses:\n  - {state: VA, expires: 2025-10-01}\n"),
        # not a current holder: the assignment ended before D, or starts after it
        "c": teacher(
            "c",
            "licenses:\n  - {state: MA, expires: 2025-10-02}\n",
            "assignments:\n  - {role: mentor, start: 2024-08-26, end: 2025-09-30}\n  - {role: coach, start: 2025-10-02}\n",
        ),
        # holds two roles; ends on D (still a holder)
        "d": teacher(
            "d",
            "clearances:\n  - {kind: fingerprint, date: 2020-01-01, expires: 2024-06-30}\n",
            "assignments:\n  - {role: mentor, start: 2025-08-25, end: 2025-10-01}\n  - {role: coach, start: 2025-09-01}\n",
            extra="school: South\n",
        ),
    }
    return make_repo(CONFIG, ROLES, teachers)


def test_window_boundaries_holders_and_order(repo, run):
    assert brief(expiring(run, repo)) == [
        ("d", "clearance", "fingerprint", "2024-06-30", "-458", "expired"),
        ("a", "license", "MA professional 0042", "2025-09-30", "-1", "expired"),
        ("a", "clearance", "fingerprint", "2025-10-01", "0", "expiring"),
        ("b", "license", "VA", "2025-10-01", "0", "expiring"),
        ("a", "credential", "national-board", "2025-12-30", "90", "expiring"),
    ]


def test_columns_and_roles(repo, run):
    code, out, _ = run(["-C", repo, "expiring", "--as-of", D, "-f", "csv"])
    assert out.splitlines()[0] == "teacher_id,teacher_name,school,roles,kind,item,expires,days_left,status"
    first = next(csv.DictReader(io.StringIO(out)))
    assert (first["teacher_name"], first["school"], first["roles"]) == ("Teacher D", "South", "coach; mentor")


def test_within(repo, run):
    assert [r["days_left"] for r in expiring(run, repo, "--within", "0")] == ["-458", "-1", "0", "0"]
    assert [r["days_left"] for r in expiring(run, repo, "--within", "91")][-1] == "91"


def test_default_within_is_90_days(repo, run):
    assert expiring(run, repo) == expiring(run, repo, "--within", "90")


def test_negative_within_is_a_usage_error(repo, run):
    code, out, err = run(["-C", repo, "expiring", "--within", "-1", "--as-of", D])
    assert code == 2 and out == ""
    assert "--within" in err


def test_json(repo, run):
    code, out, _ = run(["-C", repo, "expiring", "--as-of", D, "-f", "json"])
    rows = json.loads(out)
    assert rows[0] == {
        "teacher_id": "d", "teacher_name": "Teacher D", "school": "South", "roles": ["coach", "mentor"],
        "kind": "clearance", "item": "fingerprint", "expires": "2024-06-30", "days_left": -458, "status": "expired",
    }  # fmt: skip
    assert rows[1]["school"] is None


def test_a_renewal_hides_the_document_it_replaces(make_repo, run):
    teachers = {
        "a": teacher(
            "a",
            "licenses:\n"
            "  - {state: MA, type: initial, expires: 2025-06-30}\n"
            "  - {state: MA, type: initial, issued: 2025-06-01, expires: 2030-06-30}\n"  # renews the first
            "  - {state: MA, type: professional, expires: 2025-09-01}\n"
            "  - {state: MA, type: professional, status: revoked, expires: 2030-06-30}\n"  # a revoked one renews nothing
            "  - {state: VA, type: standard, expires: 2025-11-15}\n"
            "  - {state: VA, type: standard, status: pending, expires: 2030-11-15}\n"  # nor does a pending one
            "  - {state: NY, status: expired, expires: 2025-10-15}\n"  # only active licenses are reported
            "clearances:\n"
            "  - {kind: fingerprint, date: 2019-01-01, expires: 2024-01-01}\n"
            "  - {kind: fingerprint, date: 2024-01-01, expires: 2025-11-01}\n"  # the latest is reported, once
            "credentials:\n"
            "  - {id: cpr, date: 2020-01-01, expires: 2022-01-01}\n"
            "  - {id: cpr, date: 2022-01-01}\n",  # no expiry: nothing to report
        )
    }
    repo = make_repo(CONFIG, ROLES, teachers)
    assert brief(expiring(run, repo)) == [
        ("a", "license", "MA professional", "2025-09-01", "-30", "expired"),
        ("a", "clearance", "fingerprint", "2025-11-01", "31", "expiring"),
        ("a", "license", "VA standard", "2025-11-15", "45", "expiring"),
    ]


def test_formula_values_are_inert_in_csv(make_repo, run):
    teachers = {
        "a": teacher(
            "a", "clearances:\n  - {kind: '=1+1', date: 2020-01-01, expires: 2025-10-05}\n", extra="school: '+cmd'\n"
        ).replace("name: Teacher A", "name: '@SUM(1)'"),
        "b": teacher("b", "clearances:\n  - {kind: -2+3, date: 2020-01-01, expires: 2025-10-06}\n").replace(
            "name: Teacher B", 'name: \'=HYPERLINK("http://x","y")\''
        ),
    }
    repo = make_repo(CONFIG, ROLES, teachers)
    rows = expiring(run, repo)
    assert [(r["teacher_name"], r["school"], r["item"]) for r in rows] == [
        ("'@SUM(1)", "'+cmd", "'=1+1"),
        ('\'=HYPERLINK("http://x","y")', "", "'-2+3"),
    ]


def test_nothing_expiring_writes_the_header_only(make_repo, run, tmp_path):
    repo = make_repo(CONFIG, ROLES, {"a": teacher("a", "licenses:\n  - {state: MA, expires: 2031-01-01}\n")})
    code, out, _ = run(["-C", repo, "expiring", "--as-of", D, "--output", tmp_path / "x.csv"])
    assert code == 0 and out == ""
    header = b"teacher_id,teacher_name,school,roles,kind,item,expires,days_left,status\r\n"
    assert (tmp_path / "x.csv").read_bytes() == header


def test_table_marks_expired_rows(repo, run):
    code, out, _ = run(["-C", repo, "expiring", "--as-of", D, "-f", "table"])
    assert out.startswith(f"Expiring documents of current role holders, as of {D}, within 90 days")
    assert "5 items, 2 expired" in out


# --- goldens --------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("fmt", ["csv", "json", "table"])
def test_golden(run, fmt):
    code, out, err = run(["-C", DATA, "expiring", "--as-of", "2025-09-15", "--format", fmt])
    assert code == 0, err
    assert_golden(f"reports_repo/expiring.{'txt' if fmt == 'table' else fmt}", out)


def test_golden_repo_figures(run):
    rows = expiring(run, DATA, as_of="2025-09-15")
    assert brief(rows) == [
        ("t-03", "clearance", "tb-test", "2025-09-10", "-5", "expired"),
        ("t-07", "clearance", "fingerprint", "2025-09-15", "0", "expiring"),
        ("t-01", "license", "MA professional 0001", "2025-10-01", "16", "expiring"),
        # t-01's fingerprint clearance expired 2025-09-01 but was renewed to 2030: not listed.
        # t-02 (=1+1, 2025-12-01) and t-08 (2025-11-30) hold no role on 2025-09-15.
        ("t-05", "credential", "national-board", "2025-12-14", "90", "expiring"),
        # t-06's license expires 2025-12-15, one day past the window.
    ]


@pytest.mark.parametrize("repo_dir", [DATA, *(DATA.parents[2] / "examples" / e for e in ("jps", "acps", "bps"))])
@pytest.mark.parametrize("as_of", ["2025-09-15", "2026-05-01"])
def test_agrees_with_validate_over_60_days(run, repo_dir, as_of):
    """`tlt validate` warns `expiring` over [D, D + 60]: the same documents as `tlt expiring --within 60`."""
    as_of = as_of if repo_dir == DATA else moved(as_of)
    code, out, _ = run(["-C", repo_dir, "validate", "--as-of", as_of, "--format", "json"])
    warned = sorted(
        (
            p["path"].rsplit("/", 1)[-1].removesuffix(".yaml"),
            re.search(r"expire[sd] (\d{4}-\d\d-\d\d)", p["message"])[1],
        )
        for p in json.loads(out)["problems"]
        if p["code"] == "expiring"
    )
    listed = sorted((r["teacher_id"], r["expires"]) for r in expiring(run, repo_dir, "--within", "60", as_of=as_of))
    assert listed == warned
    if repo_dir == DATA:
        assert len(listed) >= 3  # the comparison is not vacuous
