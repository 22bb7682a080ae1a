"""`tlt check-eligibility` and `tlt roles` as a coordinator uses them."""

from __future__ import annotations

import csv
import io
import json

from conftest import CONFIG

MENTOR = """\
id: mentor
title: New Teacher Mentor
category: mentoring
eligibility:
  required:
    - experience: {min_years: 3, employer: TST, cite: "Mentor policy 2.1"}
    - license: {states: [MS], types: [standard]}
  preferred:
    - degree: {min: master}
    - membership: {any_of: [MAE]}
compensation:
  stipend: {amount: 3000}
  ceu: 1
"""

COACH = """\
id: coach
title: Coach
category: coaching
eligibility:
  required:
    - degree: {min: bachelor}
term_limit: {max_terms: 2}
"""


def teachers():
    return {
        "t-able": """\
            id: t-able
            name: Able Ames
            school: North High
            experience: [{employer: TST, start: 2019-08-26}]
            licenses: [{state: MS, type: standard, expires: 2030-06-30}]
            degrees: [{level: master}]
            memberships: [MAE]
            """,
        "t-bell": """\
            id: t-bell
            name: Bell Boyd
            experience: [{employer: TST, start: 2019-08-26}]
            licenses: [{state: MS, type: standard}]
            degrees: [{level: bachelor}]
            """,
        "t-cruz": """\
            id: t-cruz
            name: "=Cruz Cole"
            experience: [{employer: TST, start: 2024-08-26}]
            degrees: [{level: bachelor}]
            """,
        "t-dunn": """\
            id: t-dunn
            name: Dunn Diaz
            experience: [{employer: Other, years: 10}]
            """,
    }


def repo(make_repo):
    return make_repo(config=CONFIG, roles={"mentor": MENTOR, "coach": COACH}, teachers=teachers())


def test_csv_sorted_by_role_verdict_preferred_teacher(make_repo, run):
    root = repo(make_repo)
    code, out, err = run(["-C", root, "check-eligibility", "--as-of", "2025-09-01", "--all", "--format", "csv"])
    assert code == 0, err
    rows = list(csv.DictReader(io.StringIO(out)))
    assert list(rows[0]) == [
        "role_id",
        "teacher_id",
        "teacher_name",
        "school",
        "verdict",
        "preferred_met",
        "preferred_total",
        "reasons",
    ]
    got = [(r["role_id"], r["teacher_id"], r["verdict"], r["preferred_met"]) for r in rows]
    assert got == [
        ("coach", "t-able", "eligible", "0"),
        ("coach", "t-bell", "eligible", "0"),
        ("coach", "t-cruz", "eligible", "0"),
        ("coach", "t-dunn", "needs_review", "0"),
        ("mentor", "t-able", "eligible", "2"),
        ("mentor", "t-bell", "eligible", "0"),
        ("mentor", "t-cruz", "ineligible", "0"),
        ("mentor", "t-dunn", "ineligible", "0"),
    ]
    cruz = next(r for r in rows if r["teacher_id"] == "t-cruz" and r["role_id"] == "mentor")
    assert cruz["teacher_name"] == "'=Cruz Cole"  # formula guard
    assert (
        cruz["reasons"]
        == "experience in TST: 1.01 years, needs 3 (per Mentor policy 2.1); license: licenses not recorded"
    )
    dunn = next(r for r in rows if r["teacher_id"] == "t-dunn" and r["role_id"] == "mentor")
    assert dunn["reasons"].startswith("experience in TST: 0.00 years, needs 3")


def test_default_hides_ineligible_and_filters_by_role_and_teacher(make_repo, run):
    root = repo(make_repo)
    code, out, _ = run(["-C", root, "check-eligibility", "--as-of", "2025-09-01", "--role", "mentor", "-f", "csv"])
    assert code == 0
    assert [r["teacher_id"] for r in csv.DictReader(io.StringIO(out))] == ["t-able", "t-bell"]
    code, out, _ = run(
        ["-C", root, "check-eligibility", "--as-of", "2025-09-01", "--teacher", "t-dunn", "--all", "-f", "csv"]
    )
    assert [(r["role_id"], r["verdict"]) for r in csv.DictReader(io.StringIO(out))] == [
        ("coach", "needs_review"),
        ("mentor", "ineligible"),
    ]


def test_json_shape_and_explain_table(make_repo, run):
    root = repo(make_repo)
    code, out, _ = run(
        [
            "-C",
            root,
            "check-eligibility",
            "--as-of",
            "2025-09-01",
            "--role",
            "mentor",
            "--teacher",
            "t-able",
            "-f",
            "json",
        ]
    )
    assert code == 0
    (item,) = json.loads(out)
    assert item["role"] == "mentor" and item["teacher"] == "t-able" and item["verdict"] == "eligible"
    assert (item["preferred_met"], item["preferred_total"]) == (2, 2)
    assert item["checks"][0] == {
        "rule": "experience",
        "required": True,
        "outcome": "pass",
        "detail": "experience in TST: 6.01 years (needs 3) (per Mentor policy 2.1)",
    }
    assert [c["required"] for c in item["checks"]] == [True, True, False, False]
    code, out, _ = run(
        ["-C", root, "check-eligibility", "--as-of", "2025-09-01", "--role", "mentor", "--explain", "-f", "table"],
        env={"COLUMNS": "80", "TERMINAL_WIDTH": "80"},
    )
    assert code == 0
    assert "✓ license: MS standard active," in out
    assert "(preferred) degree: master" in out
    assert max(len(line) for line in out.splitlines()) <= 80


def test_term_sets_the_date_and_unknown_ids_exit_2(make_repo, run):
    root = repo(make_repo)
    code, out, _ = run(["-C", root, "check-eligibility", "--term", "2025-26", "--role", "coach", "-f", "csv", "--all"])
    assert code == 0 and "t-able" in out
    code, _, err = run(["-C", root, "check-eligibility", "--role", "mentr"])
    assert code == 2 and "unknown role id 'mentr'" in err and "mentor" in err
    code, _, err = run(["-C", root, "check-eligibility", "--teacher", "t-abel"])
    assert code == 2 and "t-able" in err
    code, _, err = run(["-C", root, "check-eligibility", "--term", "2031-32"])
    assert code == 2 and "unknown term id '2031-32'" in err
    code, _, err = run(["-C", root, "check-eligibility", "--term", "2025-26", "--as-of", "2025-09-01"])
    assert code == 2 and "not both" in err


def test_broken_repository_refuses_unless_skip_invalid(make_repo, run):
    t = teachers()
    t["t-bad"] = "id: t-bad\nname: [unclosed\n"
    root = make_repo(config=CONFIG, roles={"mentor": MENTOR}, teachers=t)
    code, _, err = run(["-C", root, "check-eligibility", "--as-of", "2025-09-01"])
    assert code == 1 and "1 file has errors; run `tlt validate`" in err
    code, out, err = run(["-C", root, "check-eligibility", "--as-of", "2025-09-01", "--skip-invalid", "-f", "csv"])
    assert code == 0 and "skipped teachers/t-bad.yaml" in err and "t-able" in out


def test_roles_summary(make_repo, run):
    root = repo(make_repo)
    code, out, _ = run(["-C", root, "roles", "-f", "csv"])
    assert code == 0
    rows = {r["role_id"]: r for r in csv.DictReader(io.StringIO(out))}
    assert (
        rows["mentor"]["summary"] == "≥3 yrs in TST · MS standard license · $3,000 stipend · preferred: master's, MAE"
    )
    assert rows["coach"]["summary"] == "bachelor's · ≤2 terms"
