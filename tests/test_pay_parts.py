"""Pay in several parts (SPEC 9.2): `compensation.parts`, `per_member`, `tlt stipends` per part with `part,fund`,
`--by fund`, and `tlt report`'s sum of parts. Every figure is worked by hand in a comment.

Two terms of exactly 100 days, as in tests/test_stipends.py (a fraction is days / 100):
t1 = 2025-01-01..2025-04-10 and t2 = 2025-05-01..2025-08-08.
"""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

CONFIG = """\
program: Parts Test
organization: PAY
contract_days: 200
terms:
  - {id: t1, start: 2025-01-01, end: 2025-04-10}
  - {id: t2, start: 2025-05-01, end: 2025-08-08}
"""
AS_OF = "2025-01-01"

IOWA_MENTOR = """\
id: mentor
title: Mentor Teacher
category: mentoring
caseload: {max: 4, weights: {PAR: 2}}
compensation:
  parts:
    - {amount: 5000, label: supplement, fund: TLC, cite: "Iowa Code 284.15"}
    - {extra_days: 10, label: extra contract days, fund: TLC}
  ceu: 1
"""
PER_MEMBER = """\
id: per-mentee
title: Mentor Paid per Mentee
category: mentoring
caseload: {max: 4, weights: {PAR: 2}}
compensation:
  parts:
    - {per_member: {amount: 1000}, fund: general}
"""
PER_MEMBER_PERCENT = """\
id: per-mentee-pct
title: Mentor Paid a Percent per Mentee
category: mentoring
compensation:
  parts:
    - per_member: {percent_of_base: 5}
"""
FLAT = "id: flat\ntitle: Flat\ncategory: coaching\ncompensation:\n  stipend: {amount: 3000}\n"


def teacher(tid: str, role: str, start: str, end: str | None = None, *, extra: str = "", caseload: str = "") -> str:
    lines = [f"id: {tid}", f"name: Teacher {tid}", *([extra.strip()] if extra else []), "assignments:"]
    lines.append(f"  - role: {role}\n    start: {start}" + (f"\n    end: {end}" if end else ""))
    if caseload:
        lines.append(f"    caseload: {caseload}")
    return "\n".join(lines) + "\n"


def mentees(*ids: str) -> dict[str, str]:
    return {i: f"id: {i}\nname: Mentee {i}\n" for i in ids}


def csv_rows(run, repo: Path, command: str = "stipends", *args: str) -> tuple[list[str], list[dict[str, str]]]:
    code, out, err = run(["-C", repo, command, "--term", "t1", "--as-of", AS_OF, "--format", "csv", *args])
    assert code == 0, err
    reader = csv.DictReader(io.StringIO(out))
    return list(reader.fieldnames or []), list(reader)


def test_iowa_mentor_is_paid_a_supplement_and_extra_days(make_repo, run):
    # base 50000, contract_days 185, the whole of t1 (fraction 1):
    #   supplement           5000 × 1                = 5000.00
    #   extra contract days  50000 / 185 × 10 × 1   = 2702.7027… → 2702.70
    # total 5000.00 + 2702.70 = 7702.70
    t = teacher("m", "mentor", "2025-01-01", extra="base_salary: 50000\ncontract_days: 185")
    repo = make_repo(CONFIG, {"mentor": IOWA_MENTOR}, {"m": t})
    header, rows = csv_rows(run, repo)
    assert header[-2:] == ["part", "fund"]
    assert [(r["basis"], r["amount"], r["part"], r["fund"], r["fraction"]) for r in rows] == [
        ("amount: 5000", "5000.00", "supplement", "TLC", "1.0000"),
        ("extra_days: 10", "2702.70", "extra contract days", "TLC", "1.0000"),
    ]
    code, out, _ = run(["-C", repo, "stipends", "--term", "t1", "--as-of", AS_OF, "--format", "json"])
    assert code == 0 and json.loads(out)["total"] == "7702.70"


def test_a_part_without_a_label_is_named_by_its_position(make_repo, run):
    # the second part has no label: `part` is its position from 1
    role = IOWA_MENTOR.replace(", label: extra contract days", "")
    t = teacher("m", "mentor", "2025-01-01", extra="base_salary: 50000\ncontract_days: 185")
    _, rows = csv_rows(run, make_repo(CONFIG, {"mentor": role}, {"m": t}))
    assert [r["part"] for r in rows] == ["supplement", "2"]


def test_each_part_is_prorated_and_rounded_on_its_own(make_repo, run):
    # 2025-01-11..2025-02-19 = 40 days of 100 (fraction 0.4); base 50000, contract_days 185:
    #   5000 × 0.4 = 2000.00;  50000 / 185 × 10 × 0.4 = 1081.0810… → 1081.08
    t = teacher("m", "mentor", "2025-01-11", "2025-02-19", extra="base_salary: 50000\ncontract_days: 185")
    _, rows = csv_rows(run, make_repo(CONFIG, {"mentor": IOWA_MENTOR}, {"m": t}))
    assert [(r["fraction"], r["amount"]) for r in rows] == [("0.4000", "2000.00"), ("0.4000", "1081.08")]


def test_per_member_part_for_whole_term_members(make_repo, run):
    # two members for the whole of t1, one of them PAR (weight 2, which does not scale pay):
    #   1000 × 100/100 + 1000 × 100/100 = 2000.00
    t = teacher("m", "per-mentee", "2025-01-01", caseload="[n1, {teacher: n2, service: PAR}]")
    repo = make_repo(CONFIG, {"per-mentee": PER_MEMBER}, {"m": t, **mentees("n1", "n2")})
    _, rows = csv_rows(run, repo)
    assert [(r["basis"], r["fraction"], r["amount"], r["part"], r["fund"]) for r in rows] == [
        ("per_member amount: 1000", "1.0000", "2000.00", "1", "general")
    ]


def test_per_member_part_adds_exact_amounts_and_rounds_once(make_repo, run):
    # an assignment of 50 days of t1 (2025-01-01..2025-02-19), two members on it throughout, 1000.01 a member:
    #   each member 1000.01 × 50/100 = 500.005; together 1000.01 exactly → 1000.01
    #   (rounding each member first would give 500.01 + 500.01 = 1000.02)
    role = PER_MEMBER.replace("amount: 1000}", "amount: 1000.01}")
    t = teacher("m", "per-mentee", "2025-01-01", "2025-02-19", caseload="[n1, n2]")
    _, rows = csv_rows(run, make_repo(CONFIG, {"per-mentee": role}, {"m": t, **mentees("n1", "n2")}))
    assert [(r["fraction"], r["amount"]) for r in rows] == [("0.5000", "1000.01")]


def test_per_member_percent_of_base_uses_the_holders_salary(make_repo, run):
    # base 80000 × 5 / 100 = 4000 a member a full term; one member the whole of t1 → 4000.00
    t = teacher("m", "per-mentee-pct", "2025-01-01", extra="base_salary: 80000", caseload="[n1]")
    _, rows = csv_rows(run, make_repo(CONFIG, {"per-mentee-pct": PER_MEMBER_PERCENT}, {"m": t, **mentees("n1")}))
    assert [(r["basis"], r["amount"], r["note"]) for r in rows] == [("per_member percent_of_base: 5", "4000.00", "")]


def test_per_member_part_without_a_caseload_says_why(make_repo, run):
    # no `caseload` key: the members were not recorded, so no amount; `caseload: []` is recorded, none: 0.00
    teachers = {
        "a": teacher("a", "per-mentee", "2025-01-01"),
        "b": teacher("b", "per-mentee", "2025-01-01", caseload="[]"),
    }
    _, rows = csv_rows(run, make_repo(CONFIG, {"per-mentee": PER_MEMBER}, teachers))
    assert [(r["teacher_id"], r["amount"], r["note"]) for r in rows] == [
        ("a", "", "a per_member part, and no caseload in the assignment"),
        ("b", "0.00", ""),
    ]


def test_one_part_stipend_rows_have_empty_part_and_fund_beside_parts(make_repo, run):
    # a repository with parts shows the columns; the `stipend` role's row leaves them empty
    teachers = {
        "f": teacher("f", "flat", "2025-01-01"),
        "m": teacher("m", "mentor", "2025-01-01", extra="base_salary: 50000\ncontract_days: 185"),
    }
    _, rows = csv_rows(run, make_repo(CONFIG, {"flat": FLAT, "mentor": IOWA_MENTOR}, teachers))
    assert [(r["teacher_id"], r["amount"], r["part"], r["fund"]) for r in rows] == [
        ("f", "3000.00", "", ""),
        ("m", "5000.00", "supplement", "TLC"),
        ("m", "2702.70", "extra contract days", "TLC"),
    ]


def test_a_repository_without_parts_keeps_its_columns(make_repo, run):
    # SPEC 9: a repository that uses none of the new keys behaves exactly as before
    header, _ = csv_rows(run, make_repo(CONFIG, {"flat": FLAT}, {"f": teacher("f", "flat", "2025-01-01")}))
    assert header == ["term", "teacher_id", "teacher_name", "school", "role_id", "fraction", "basis", "amount", "note"]


def test_by_fund_counts_distinct_assignments(make_repo, run):
    # m: mentor, two TLC parts 5000.00 + 2702.70 (worked above) = 7702.70, one assignment
    # p: per-mentee, one member the whole term: 1000.00 to general
    # f: flat 3000.00, a one-part stipend: no fund, the group "" (listed last)
    teachers = {
        "f": teacher("f", "flat", "2025-01-01"),
        "m": teacher("m", "mentor", "2025-01-01", extra="base_salary: 50000\ncontract_days: 185"),
        "p": teacher("p", "per-mentee", "2025-01-01", caseload="[n1]"),
        **mentees("n1"),
    }
    repo = make_repo(CONFIG, {"flat": FLAT, "mentor": IOWA_MENTOR, "per-mentee": PER_MEMBER}, teachers)
    header, rows = csv_rows(run, repo, "stipends", "--by", "fund")
    assert header == ["term", "group", "assignments", "amount"]
    assert [(r["group"], r["assignments"], r["amount"]) for r in rows] == [
        ("TLC", "1", "7702.70"),
        ("general", "1", "1000.00"),
        ("", "1", "3000.00"),
    ]
    _, by_role = csv_rows(run, repo, "stipends", "--by", "role")
    assert [(r["group"], r["assignments"], r["amount"]) for r in by_role] == [
        ("flat", "1", "3000.00"),
        ("mentor", "1", "7702.70"),
        ("per-mentee", "1", "1000.00"),
    ]
    code, out, _ = run(["-C", repo, "stipends", "--term", "t1", "--as-of", AS_OF, "--by", "fund", "-f", "table"])
    # 3 assignments, 4 parts; the total 7702.70 + 1000.00 + 3000.00 = 11702.70
    assert code == 0 and "3 assignments, 4 parts" in out and "total               3   11702.70" in out


def test_term_report_sums_the_rounded_parts(make_repo, run):
    # 5000.00 + 2702.70 = 7702.70; the bases joined with " + "
    t = teacher("m", "mentor", "2025-01-01", extra="base_salary: 50000\ncontract_days: 185")
    _, rows = csv_rows(run, make_repo(CONFIG, {"mentor": IOWA_MENTOR}, {"m": t}), "report")
    assert [(r["stipend"], r["stipend_basis"]) for r in rows] == [("7702.70", "amount: 5000 + extra_days: 10")]


def test_term_report_names_the_part_without_an_amount(make_repo, run):
    # no base_salary: the supplement is 5000.00 but extra days cannot be paid, so the stipend is empty
    repo = make_repo(CONFIG, {"mentor": IOWA_MENTOR}, {"m": teacher("m", "mentor", "2025-01-01")})
    _, rows = csv_rows(run, repo, "report")
    assert [(r["stipend"], r["stipend_basis"]) for r in rows] == [
        ("", "part extra contract days (extra_days: 10): no base_salary in the teacher's record")
    ]
    _, stipends = csv_rows(run, repo)
    assert [(r["amount"], r["note"]) for r in stipends] == [
        ("5000.00", ""),
        ("", "no base_salary in the teacher's record"),
    ]


def test_stipend_and_parts_together_is_a_schema_problem(make_repo, run):
    role = IOWA_MENTOR.replace("compensation:\n", "compensation:\n  stipend: {amount: 100}\n")
    code, out, _ = run(["-C", make_repo(CONFIG, {"mentor": role}), "validate", "--as-of", AS_OF])
    assert code == 1
    assert out.splitlines() == [
        "roles/mentor.yaml:7:3: error[schema] compensation: stipend and parts are exclusive: keep the one stipend, "
        "or list every part under parts"
    ]


def test_a_part_has_exactly_one_form(make_repo, run):
    role = IOWA_MENTOR.replace("{amount: 5000, label", "{amount: 5000, extra_days: 3, label")
    role = role.replace("{extra_days: 10, label: extra contract days, fund: TLC}", "{per_member: {}, fund: TLC}")
    code, out, _ = run(["-C", make_repo(CONFIG, {"mentor": role}), "validate", "--as-of", AS_OF])
    assert code == 1
    assert out.splitlines() == [
        "roles/mentor.yaml:7:7: error[schema] compensation.parts[0]: a pay part has exactly one of amount, "
        "percent_of_base, extra_days, unspecified, per_member",
        "roles/mentor.yaml:8:20: error[schema] compensation.parts[1].per_member: per_member has exactly one of "
        "amount, percent_of_base",
    ]


def test_per_member_pay_follows_a_mentee_who_joins_on_day_41(make_repo, run):
    # a 181-day term (2025-08-25..2026-02-21); the mentor holds the role all term; n1 is on the caseload all term,
    # n2 joins on day 41 (2025-08-25 + 40 days = 2025-10-04) and stays: days 41..181 = 141 days.
    #   1000 × 181/181 + 1000 × 141/181 = 1000 + 779.0055… = 1779.0055… → 1779.01 (the part rounds once)
    config = "program: P\norganization: PAY\nterms:\n  - {id: t1, start: 2025-08-25, end: 2026-02-21}\n"
    t = teacher("m", "per-mentee", "2025-08-25", caseload="[n1, {teacher: n2, start: 2025-10-04}]")
    repo = make_repo(config, {"per-mentee": PER_MEMBER}, {"m": t, **mentees("n1", "n2")})
    code, out, err = run(["-C", repo, "stipends", "--term", "t1", "--as-of", "2025-09-01", "--format", "csv"])
    assert code == 0, err
    rows = list(csv.DictReader(io.StringIO(out)))
    assert [(r["fraction"], r["amount"]) for r in rows] == [("1.0000", "1779.01")]


def test_parts_that_come_with_a_version_show_their_columns_and_respect_holders_keep(make_repo, run):
    # t1: one stipend of 3000; from t2 a version pays two parts, 2000 (fund F) + 1000, and keeps earlier holders.
    role = (
        "id: v\ntitle: V\ncategory: coaching\ncompensation:\n  stipend: {amount: 3000}\nversions:\n"
        "  - from: t2\n    holders: keep\n    compensation:\n      parts:\n"
        "        - {amount: 2000, label: base, fund: F}\n        - {amount: 1000, label: extra}\n"
    )
    old = teacher("a", "v", "2025-01-01")  # started before t2: keeps 3000 (t2 is 100 days, held all of it)
    new = teacher("b", "v", "2025-05-01")  # started in t2: 2000 + 1000, each a full term
    repo = make_repo(CONFIG, {"v": role}, {"a": old, "b": new})
    code, out, err = run(["-C", repo, "stipends", "--term", "t2", "--as-of", "2025-05-01", "--format", "csv"])
    assert code == 0, err
    reader = csv.DictReader(io.StringIO(out))
    assert list(reader.fieldnames or [])[-2:] == ["part", "fund"]
    assert [(r["teacher_id"], r["amount"], r["part"], r["fund"]) for r in reader] == [
        ("a", "3000.00", "", ""),
        ("b", "2000.00", "base", "F"),
        ("b", "1000.00", "extra", ""),
    ]


def test_roles_summary_joins_the_parts_without_a_doubled_plus(make_repo, run):
    # An extra-days part alone reads "+10 days' pay"; after another part the join's " + " already says "plus".
    repo = make_repo(CONFIG, {"mentor": IOWA_MENTOR}, {})
    code, out, err = run(["-C", repo, "roles", "--as-of", AS_OF, "--format", "csv"])
    assert code == 0, err
    assert "$5,000 stipend + 10 days' pay" in out and "+ +" not in out
