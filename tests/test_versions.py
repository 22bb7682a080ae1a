"""`versions` on role files (SPEC 9.1): the role in force on a date, asked at the date each command names.

Two terms of exactly 100 days, so a fraction is days / 100: t1 = 2025-01-01..2025-04-10 and
t2 = 2025-05-01..2025-08-08. Every run names its date.
"""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

CONFIG = """\
program: Versions Test
organization: VER
terms:
  - {id: t1, start: 2025-01-01, end: 2025-04-10}
  - {id: t2, start: 2025-05-01, end: 2025-08-08}
"""

PAID = """\
id: paid
title: Paid Mentor
category: mentoring
compensation:
  stipend: {amount: 3000}
versions:
  - from: t2
    cite: "CBA 2025, art. 9"
    compensation:
      stipend: {amount: 3600}
"""

KEPT = PAID.replace("  - from: t2\n", "  - from: t2\n    holders: keep\n")


def teacher(tid: str, *assignments: tuple[str, str, str | None], extra: str = "") -> str:
    lines = [f"id: {tid}", f"name: Teacher {tid}", *([extra.strip()] if extra else []), "assignments:"]
    for role, start, end in assignments:
        lines.append(f"  - {{role: {role}, start: {start}" + (f", end: {end}}}" if end else "}"))
    return "\n".join(lines) + "\n"


def csv_rows(run, repo: Path, *args: str) -> list[dict[str, str]]:
    code, out, err = run(["-C", repo, *args, "--format", "csv"])
    assert code == 0, err
    return list(csv.DictReader(io.StringIO(out)))


def problems(run, repo: Path, as_of: str = "2025-09-01") -> list[str]:
    code, out, _ = run(["-C", repo, "validate", "--as-of", as_of])
    return out.splitlines()


# --- pay ---------------------------------------------------------------------------------------------------------


def test_a_stipend_changes_by_version_between_two_terms(make_repo, run):
    # open from 2025-01-01: t1 under the file (amount 3000 × 100/100 = 3000.00), t2 under the version from t2
    # (3600 × 100/100 = 3600.00); the row from the version ends its basis with the version's cite
    repo = make_repo(CONFIG, {"paid": PAID}, {"a": teacher("a", ("paid", "2025-01-01", None))})
    (t1,) = csv_rows(run, repo, "stipends", "--term", "t1", "--as-of", "2025-01-01")
    (t2,) = csv_rows(run, repo, "stipends", "--term", "t2", "--as-of", "2025-01-01")
    assert (t1["amount"], t1["basis"]) == ("3000.00", "amount: 3000")
    assert (t2["amount"], t2["basis"]) == ("3600.00", "amount: 3600 (per CBA 2025, art. 9)")
    (report,) = csv_rows(run, repo, "report", "--term", "t2", "--as-of", "2025-01-01")
    assert (report["stipend"], report["stipend_basis"]) == ("3600.00", "amount: 3600 (per CBA 2025, art. 9)")


def test_a_stipend_with_its_own_cite_is_not_given_the_versions(make_repo, run):
    role = PAID.replace("{amount: 3600}", '{amount: 3600, cite: "side letter"}')
    repo = make_repo(CONFIG, {"paid": role}, {"a": teacher("a", ("paid", "2025-05-01", None))})
    (t2,) = csv_rows(run, repo, "stipends", "--term", "t2", "--as-of", "2025-05-01")
    assert t2["basis"] == "amount: 3600"


def test_holders_keep_pays_the_old_amount_to_a_holder_who_started_before(make_repo, run):
    # a started 2025-01-01, before t2: keeps the file's 3000 in t2 (3000 × 100/100 = 3000.00);
    # b started 2025-05-21, in t2: 3600 × 80/100 (May 21..Aug 8 = 11 + 30 + 31 + 8 = 80 days) = 2880.00
    repo = make_repo(
        CONFIG,
        {"paid": KEPT},
        {"a": teacher("a", ("paid", "2025-01-01", None)), "b": teacher("b", ("paid", "2025-05-21", None))},
    )
    a, b = csv_rows(run, repo, "stipends", "--term", "t2", "--as-of", "2025-05-01")
    assert (a["teacher_id"], a["amount"], a["basis"]) == ("a", "3000.00", "amount: 3000")
    assert (b["teacher_id"], b["fraction"], b["amount"]) == ("b", "0.8000", "2880.00")


def test_caseload_max_follows_the_version_of_the_term(make_repo, run):
    role = """\
id: mentor
title: Mentor
category: mentoring
caseload: {max: 2}
versions:
  - {from: t2, caseload: {max: 4}}
"""
    holder = teacher("h", ("mentor", "2025-01-01", None)).replace("2025-01-01}", "2025-01-01, caseload: [m1, m2, m3]}")
    teachers = {"h": holder, **{m: f"id: {m}\nname: {m}\n" for m in ("m1", "m2", "m3")}}
    repo = make_repo(CONFIG, {"mentor": role}, teachers)
    (t1,) = csv_rows(run, repo, "caseload", "--term", "t1", "--as-of", "2025-01-01")
    (t2,) = csv_rows(run, repo, "caseload", "--term", "t2", "--as-of", "2025-01-01")
    assert (t1["size"], t1["max"], t1["over"]) == ("3", "2", "true")
    assert (t2["size"], t2["max"], t2["over"]) == ("3", "4", "false")


# --- eligibility ---------------------------------------------------------------------------------------------


LICENSED = """\
id: coach
title: Coach
category: coaching
eligibility:
  required:
    - status: {in: [permanent]}
versions:
  - from: t2
    cite: "State rule 7"
    eligibility:
      required:
        - status: {in: [permanent]}
        - license: {states: [MA]}
"""


def test_a_requirement_added_by_a_version_makes_a_teacher_ineligible_from_its_term(make_repo, run):
    # a is permanent with no MA license (licenses: []): before t2 only `status` is asked (pass: eligible); from
    # t2's start (2025-05-01) `license` is asked too and fails, quoting the version's cite
    t = "id: a\nname: A\nstatus: permanent\nlicenses: []\n"
    repo = make_repo(CONFIG, {"coach": LICENSED}, {"a": t})
    before = csv_rows(run, repo, "check-eligibility", "--all", "--as-of", "2025-04-30")
    after = csv_rows(run, repo, "check-eligibility", "--all", "--as-of", "2025-05-01")
    assert [r["verdict"] for r in before] == ["eligible"]
    assert [r["verdict"] for r in after] == ["ineligible"]
    assert "(per State rule 7)" in after[0]["reasons"]


def test_ineligible_assignment_asks_the_role_in_force_on_the_start(make_repo, run):
    # the same teacher starts coach twice: on 2025-01-01 (t1: status only, passes) and on 2025-05-01 (t2: the
    # license the version adds is missing) — only the second start is ineligible
    t = (
        "id: a\nname: A\nstatus: permanent\nlicenses: []\nassignments:\n"
        "  - {role: coach, start: 2025-01-01, end: 2025-04-10}\n"
        "  - {role: coach, start: 2025-05-01}\n"
    )
    repo = make_repo(CONFIG, {"coach": LICENSED}, {"a": t})
    found = [p for p in problems(run, repo) if "ineligible-assignment" in p]
    assert found == [
        "teachers/a.yaml:7:26: error[ineligible-assignment] a was ineligible for coach on 2025-05-01: "
        "license: no MA license (per State rule 7)"
    ]


def test_tenure_cap_uses_the_max_terms_in_force_at_the_term_that_passes_it(make_repo, run):
    # max_terms 1 in t1, 2 from t2. a holds the role 2025-01-01 onward: term 1 = t1 (1 ≤ 1), term 2 = t2
    # (2 ≤ 2, the limit in force at t2's start): no tenure-cap; under the file alone (limit 1) t2 would pass it
    role = "id: chair\ntitle: Chair\ncategory: department\nterm_limit: {max_terms: 1}\n"
    versioned = role + "versions:\n  - {from: t2, term_limit: {max_terms: 2}}\n"
    lowered = role.replace("max_terms: 1", "max_terms: 2") + "versions:\n  - {from: t2, term_limit: {max_terms: 1}}\n"
    t = teacher("a", ("chair", "2025-01-01", None))
    raised_repo = make_repo(CONFIG, {"chair": versioned}, {"a": t})
    assert not [p for p in problems(run, raised_repo) if "tenure-cap" in p]
    # the other way: max_terms 2 in t1, 1 from t2: term 2 = t2 passes the limit of 1 in force at its start
    lowered_repo = make_repo(CONFIG, {"chair": lowered}, {"a": t}, root=raised_repo.parent / "lowered")
    assert [p for p in problems(run, lowered_repo) if "tenure-cap" in p] == [
        "teachers/a.yaml:4:26: error[tenure-cap] a has served 2 terms in chair, over its limit of 1"
    ]


# --- the checks of versions ---------------------------------------------------------------------------------


def test_a_version_naming_an_unknown_term_is_unknown_term(make_repo, run):
    role = "id: r\ntitle: R\ncategory: other\nversions:\n  - {from: t3, work_days: 180}\n"
    repo = make_repo(CONFIG, {"r": role})
    assert problems(run, repo) == [
        "roles/r.yaml:5:12: error[unknown-term] version names term 't3', which tlt.yaml lacks"
    ]


def test_versions_out_of_order_are_a_schema_problem_at_the_first_misplaced_from(make_repo, run):
    role = (
        "id: r\ntitle: R\ncategory: other\nversions:\n"
        "  - from: t2\n    work_days: 180\n"
        "  - from: t1\n    work_days: 170\n"
        "  - from: t1\n    work_days: 160\n"
    )
    repo = make_repo(CONFIG, {"r": role})
    assert problems(run, repo) == [
        "roles/r.yaml:7:11: error[schema] version from 't1' names a term before that of the version before it "
        "(from 't2'); versions are listed in ascending term order, each term once"
    ]


def test_a_version_with_an_unknown_key_is_a_schema_problem(make_repo, run):
    role = "id: r\ntitle: R\ncategory: other\nversions:\n  - {from: t2, title: New}\n"
    repo = make_repo(CONFIG, {"r": role})
    (line,) = problems(run, repo)
    assert line.startswith("roles/r.yaml:5:") and "error[schema]" in line and "title" in line


# --- tlt roles --------------------------------------------------------------------------------------------


def test_roles_as_of_shows_the_role_in_force(make_repo, run):
    repo = make_repo(CONFIG, {"paid": PAID})
    (t1,) = csv_rows(run, repo, "roles", "--as-of", "2025-04-30")
    (t2,) = csv_rows(run, repo, "roles", "--as-of", "2025-05-01")
    assert "$3,000 stipend" in t1["summary"]
    assert "$3,600 stipend" in t2["summary"]


def test_roles_history_shows_every_version(make_repo, run):
    repo = make_repo(CONFIG, {"paid": PAID})
    code, out, err = run(["-C", repo, "roles", "--history", "--format", "json"])
    assert code == 0, err
    rows = json.loads(out)
    assert [(r["role_id"], r["from"]) for r in rows] == [("paid", None), ("paid", "t2")]
    assert "$3,000 stipend" in rows[0]["summary"] and "$3,600 stipend" in rows[1]["summary"]


def test_roles_history_and_as_of_together_is_a_usage_error(make_repo, run):
    repo = make_repo(CONFIG, {"paid": PAID})
    code, out, err = run(["-C", repo, "roles", "--history", "--as-of", "2025-05-01"])
    assert code == 2 and out == ""
    assert "--history" in err and "--as-of" in err
