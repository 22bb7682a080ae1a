"""`tlt credits` (SPEC 10.2): credits earned by serving in a role and by coursework, and license renewals.

The hand-computed repositories use one term of 181 days, 2025-01-01..2025-06-30 (31 + 28 + 31 + 30 + 31 + 30),
and a second, 2025-08-01..2026-05-31.
"""

from __future__ import annotations

import csv
import io
import json

from example_dates import PROJECT, moved, moved_term

CONFIG = """\
program: Credit Test
organization: CRD
terms:
  - {id: t1, start: 2025-01-01, end: 2025-06-30}
  - {id: t2, start: 2025-08-01, end: 2026-05-31}
"""
MENTOR = "id: mentor\ntitle: Mentor\ncategory: mentoring\ncompensation:\n  stipend: {amount: 3000}\n  ceu: 1\n"
UNPAID = "id: council\ntitle: Council\ncategory: advisory\n"


def teacher(tid: str, body: str) -> str:
    return f"id: {tid}\nname: Teacher {tid}\n{body}"


def credit_rows(run, repo, *args: str) -> list[dict[str, str]]:
    code, out, err = run(["-C", repo, "credits", "--format", "csv", *args])
    assert code == 0, err
    return list(csv.DictReader(io.StringIO(out)))


def renewal_rows(run, repo, *args: str) -> list[dict[str, str]]:
    return credit_rows(run, repo, "--renewals", *args)


# --- role credits ----------------------------------------------------------------------------------------------


def test_a_part_of_a_term_earns_its_share_rounded_down(make_repo, run):
    # 2025-01-01..2025-04-01 is 31 + 28 + 31 + 1 = 91 of t1's 181 days: 1 × 91/181 = 0.50276… → 0.50 (down)
    repo = make_repo(
        CONFIG,
        {"mentor": MENTOR},
        {"a": teacher("a", "assignments:\n  - {role: mentor, start: 2025-01-01, end: 2025-04-01}\n")},
    )
    assert credit_rows(run, repo, "--as-of", "2025-09-01") == [
        {"teacher_id": "a", "teacher_name": "Teacher a", "source": "mentor", "kind": "role", "date": "2025-04-01",
         "credits": "0.50"},
    ]  # fmt: skip


def test_rounding_is_down_not_half_up(make_repo, run):
    # ceu 2 over 181 of 181 days... and over 180 of them: 2 × 180/181 = 1.98895… → 1.98 (half up would say 1.99)
    role = MENTOR.replace("ceu: 1", "ceu: 2")
    repo = make_repo(
        CONFIG,
        {"mentor": role},
        {"a": teacher("a", "assignments:\n  - {role: mentor, start: 2025-01-02, end: 2025-06-30}\n")},
    )
    (row,) = credit_rows(run, repo, "--as-of", "2025-07-01")
    assert (row["date"], row["credits"]) == ("2025-06-30", "1.98")


def test_a_term_is_earned_once_its_last_day_has_passed(make_repo, run):
    # open-ended from t1's start: t1 is dated its end, 2025-06-30, and listed only from D = 2025-07-01
    repo = make_repo(
        CONFIG, {"mentor": MENTOR}, {"a": teacher("a", "assignments:\n  - {role: mentor, start: 2025-01-01}\n")}
    )
    assert credit_rows(run, repo, "--as-of", "2025-06-30") == []
    (row,) = credit_rows(run, repo, "--as-of", "2025-07-01")
    assert (row["date"], row["credits"]) == ("2025-06-30", "1.00")
    # by 2026-06-01 t2 (2025-08-01..2026-05-31) has ended too: two rows, in date order
    assert [(r["date"], r["credits"]) for r in credit_rows(run, repo, "--as-of", "2026-06-01")] == [
        ("2025-06-30", "1.00"), ("2026-05-31", "1.00"),
    ]  # fmt: skip


def test_a_role_without_ceu_earns_nothing(make_repo, run):
    repo = make_repo(
        CONFIG,
        {"council": UNPAID},
        {"a": teacher("a", "assignments:\n  - {role: council, start: 2025-01-01, end: 2025-06-30}\n")},
    )
    assert credit_rows(run, repo, "--as-of", "2026-01-01") == []


def test_the_ceu_in_force_at_the_terms_start(make_repo, run):
    # a version from t2 raises ceu to 2: t1 earns 1.00, t2 earns 2.00
    role = MENTOR + "versions:\n  - from: t2\n    compensation: {stipend: {amount: 3000}, ceu: 2}\n"
    repo = make_repo(
        CONFIG, {"mentor": role}, {"a": teacher("a", "assignments:\n  - {role: mentor, start: 2025-01-01}\n")}
    )
    assert [r["credits"] for r in credit_rows(run, repo, "--as-of", "2026-06-01")] == ["1.00", "2.00"]


# --- coursework credits ----------------------------------------------------------------------------------------


def test_coursework_counts_from_its_date(make_repo, run):
    body = "coursework:\n  - {id: law, date: 2025-03-01, credits: 1.256}\n  - {id: ethics, date: 2025-03-02}\n"
    repo = make_repo(CONFIG, {"mentor": MENTOR}, {"a": teacher("a", body)})
    assert credit_rows(run, repo, "--as-of", "2025-02-28") == []
    # dated on D counts (SPEC 10.2: "on or before D"); 1.256 shows 1.25, rounded down; a course without credits
    # has no row
    assert credit_rows(run, repo, "--as-of", "2025-03-01") == [
        {"teacher_id": "a", "teacher_name": "Teacher a", "source": "law", "kind": "coursework",
         "date": "2025-03-01", "credits": "1.25"},
    ]  # fmt: skip


def test_term_picks_the_role_rows_of_the_term_and_its_courses(make_repo, run):
    body = (
        "coursework:\n  - {id: law, date: 2025-03-01, credits: 1}\n  - {id: ethics, date: 2025-09-01, credits: 2}\n"
        "assignments:\n  - {role: mentor, start: 2025-01-01}\n"
    )
    repo = make_repo(CONFIG, {"mentor": MENTOR}, {"a": teacher("a", body)})
    every = credit_rows(run, repo, "--as-of", "2026-06-01")
    assert [(r["source"], r["date"]) for r in every] == [
        ("law", "2025-03-01"), ("mentor", "2025-06-30"), ("ethics", "2025-09-01"), ("mentor", "2026-05-31"),
    ]  # fmt: skip
    t2 = credit_rows(run, repo, "--as-of", "2026-06-01", "--term", "t2")
    assert [(r["source"], r["date"]) for r in t2] == [("ethics", "2025-09-01"), ("mentor", "2026-05-31")]


# --- renewals --------------------------------------------------------------------------------------------------

LICENSE = "licenses:\n  - {state: MS, type: standard, number: '42', issued: 2024-07-01, expires: 2029-06-30, renewal: {credits: 10}}\n"  # noqa: E501


def test_renewal_short_at_9_99_and_met_at_10(make_repo, run):
    # 9 (a course) + 0.99 (another) = 9.99 < 10: short; one more hundredth makes 10.00: met
    short = (
        LICENSE
        + "coursework:\n  - {id: a, date: 2025-01-10, credits: 9}\n  - {id: b, date: 2025-01-11, credits: 0.99}\n"
    )
    met = short + "  - {id: c, date: 2025-01-12, credits: 0.01}\n"
    repo = make_repo(CONFIG, {"mentor": MENTOR}, {"s": teacher("s", short), "m": teacher("m", met)})
    assert renewal_rows(run, repo, "--as-of", "2025-02-01") == [
        {"teacher_id": "m", "license": "MS standard 42", "issued": "2024-07-01", "expires": "2029-06-30",
         "earned": "10.00", "needed": "10.00", "status": "met"},
        {"teacher_id": "s", "license": "MS standard 42", "issued": "2024-07-01", "expires": "2029-06-30",
         "earned": "9.99", "needed": "10.00", "status": "short"},
    ]  # fmt: skip


def test_renewal_adds_the_shown_credits(make_repo, run):
    # two stints of 91 of t1's 181 days: each 91/181 = 0.50276… shown 0.50; earned 0.50 + 0.50 = 1.00, short of
    # 1.005 (the exact 182/181 = 1.00552… would have met it)
    body = (
        "licenses:\n  - {state: MS, renewal: {credits: 1.005}}\n"
        "assignments:\n  - {role: mentor, start: 2025-01-01, end: 2025-04-01}\n"
        "  - {role: mentor, start: 2025-04-01, end: 2025-06-30}\n"
    )
    repo = make_repo(CONFIG, {"mentor": MENTOR}, {"a": teacher("a", body)})
    (row,) = renewal_rows(run, repo, "--as-of", "2025-07-01")
    assert (row["earned"], row["status"]) == ("1.00", "short")


def test_renewal_counts_only_credits_between_issued_and_expires(make_repo, run):
    # issued 2024-07-01: a course of 2024-06-30 is outside, one of 2024-07-01 inside (both bounds inclusive)
    body = (
        LICENSE + "coursework:\n  - {id: a, date: 2024-06-30, credits: 4}\n  - {id: b, date: 2024-07-01, credits: 3}\n"
    )
    repo = make_repo(CONFIG, {"mentor": MENTOR}, {"a": teacher("a", body)})
    (row,) = renewal_rows(run, repo, "--as-of", "2025-01-01")
    assert (row["earned"], row["status"]) == ("3.00", "short")


def test_renewal_of_an_expired_license(make_repo, run):
    body = LICENSE + "coursework:\n  - {id: a, date: 2025-01-10, credits: 12}\n"
    repo = make_repo(CONFIG, {"mentor": MENTOR}, {"a": teacher("a", body)})
    assert renewal_rows(run, repo, "--as-of", "2029-06-30")[0]["status"] == "met"  # expires on D: still valid
    assert renewal_rows(run, repo, "--as-of", "2029-07-01")[0]["status"] == "expired"


def test_renewals_ignore_term(make_repo, run):
    # --term limits the credit rows; the renewal still adds every term's: 1.00 (t1) + 1.00 (t2)
    body = "licenses:\n  - {state: MS, renewal: {credits: 2}}\nassignments:\n  - {role: mentor, start: 2025-01-01}\n"
    repo = make_repo(CONFIG, {"mentor": MENTOR}, {"a": teacher("a", body)})
    (row,) = renewal_rows(run, repo, "--as-of", "2026-06-01", "--term", "t2")
    assert (row["earned"], row["status"], row["issued"], row["expires"]) == ("2.00", "met", "", "")


# --- the command -----------------------------------------------------------------------------------------------


def test_json_holds_both(make_repo, run):
    body = LICENSE + "coursework:\n  - {id: law, date: 2025-03-01, credits: 2.5}\n"
    repo = make_repo(CONFIG, {"mentor": MENTOR}, {"a": teacher("a", body)})
    code, out, err = run(["-C", repo, "credits", "--format", "json", "--as-of", "2025-04-01"])
    assert code == 0, err
    assert json.loads(out) == {
        "credits": [{"teacher_id": "a", "teacher_name": "Teacher a", "source": "law", "kind": "coursework",
                     "date": "2025-03-01", "credits": "2.50"}],
        "renewals": [{"teacher_id": "a", "license": "MS standard 42", "issued": "2024-07-01",
                      "expires": "2029-06-30", "earned": "2.50", "needed": "10.00", "status": "short"}],
    }  # fmt: skip


def test_table_shows_both_in_the_repositorys_unit(make_repo, run):
    config = CONFIG.replace("organization: CRD\n", "organization: CRD\ncredit_unit: PDU\n")
    body = LICENSE + "coursework:\n  - {id: law, date: 2025-03-01, credits: 2.5}\n"
    repo = make_repo(config, {"mentor": MENTOR}, {"a": teacher("a", body)})
    code, out, err = run(["-C", repo, "credits", "--format", "table", "--as-of", "2025-04-01"])
    assert code == 0, err
    assert "Credits (PDU) as of 2025-04-01" in out and "License renewals (PDU) as of 2025-04-01" in out
    assert "2.50" in out and "MS standard 42" in out and "short" in out


def test_teacher_picks_and_unknown_teacher_is_exit_2(make_repo, run):
    courses = "coursework:\n  - {id: law, date: 2025-03-01, credits: 1}\n"
    repo = make_repo(CONFIG, {"mentor": MENTOR}, {"a": teacher("a", courses), "b": teacher("b", courses)})
    assert [r["teacher_id"] for r in credit_rows(run, repo, "--as-of", "2025-04-01", "-t", "b")] == ["b"]
    code, out, err = run(["-C", repo, "credits", "--as-of", "2025-04-01", "--teacher", "bb"])
    assert (code, out) == (2, "")
    assert "unknown teacher id 'bb'" in err and "Traceback" not in err


def test_unknown_term_is_exit_2(make_repo, run):
    repo = make_repo(CONFIG, {"mentor": MENTOR}, {})
    code, _, err = run(["-C", repo, "credits", "--term", "t9", "--as-of", "2025-04-01"])
    assert code == 2 and "no term 't9' in tlt.yaml" in err


def test_a_misplaced_renewal_key_is_a_schema_problem(make_repo, run):
    body = "licenses:\n  - {state: MS, renewal: {credit: 10}}\n"
    repo = make_repo(CONFIG, {"mentor": MENTOR}, {"a": teacher("a", body)})
    code, out, _ = run(["-C", repo, "validate", "--format", "text", "--as-of", "2025-04-01"])
    assert code == 1 and "error[schema]" in out and "teachers/a.yaml:4:" in out


# --- the JPS example -------------------------------------------------------------------------------------------

JPS = PROJECT / "examples" / "jps"


def test_jps_mentors_earn_their_ceu(run):
    """JPS mentors earn "one Continuing Education Unit (CEU)" a year (role compensation.ceu: 1). t-0001 has
    mentored since 2020-08-03, the first day of 2020-21: as of 2026-08-24 six whole terms have ended
    (2020-21 .. 2025-26), 1 × 1.00 each; t-0005 started 2025-08-04, the first day of 2025-26: one, 1.00. Her
    license (issued 2012-07-01, expires 2029-06-30) needs 10 for renewal: 6 × 1.00 + 1.5 (state-education-law,
    2024-06-14) = 7.50, short."""
    rows = credit_rows(run, JPS, "--as-of", moved("2026-08-24"))
    mentors = [(r["teacher_id"], r["date"], r["credits"]) for r in rows if r["kind"] == "role"]
    ends = [moved(d) for d in ("2021-06-04", "2022-06-03", "2023-06-02", "2024-06-07", "2025-06-06", "2026-06-05")]
    assert mentors == [*(("t-0001", d, "1.00") for d in ends), ("t-0005", moved("2026-06-05"), "1.00")]
    assert {r["source"] for r in rows if r["kind"] == "role"} == {"jps-new-teacher-mentor"}
    (renewal,) = [r for r in renewal_rows(run, JPS, "--as-of", moved("2026-08-24")) if r["teacher_id"] == "t-0001"]
    assert (renewal["earned"], renewal["needed"], renewal["status"]) == ("7.50", "10.00", "short")
    t2526 = credit_rows(run, JPS, "--as-of", moved("2026-08-24"), "--term", moved_term("2025-26"))
    assert [(r["teacher_id"], r["credits"]) for r in t2526 if r["kind"] == "role"] == [
        ("t-0001", "1.00"), ("t-0005", "1.00"),
    ]  # fmt: skip


def test_jps_tables_fit_80_columns_with_values_whole(run):
    """Both tables fit a terminal of 80 columns (SPEC 13) and no date, id or figure is broken across lines: the
    credit table leaves out `kind` and cuts names, the renewal table leaves out `issued`."""
    code, out, err = run(
        ["-C", JPS, "credits", "--format", "table", "--as-of", moved("2026-08-24")],
        env={"COLUMNS": "80", "TERMINAL_WIDTH": "80"},
    )
    assert code == 0, err
    assert max(len(line) for line in out.splitlines()) <= 80
    lines = out.splitlines()
    first = moved("2021-06-04")
    assert any(
        "t-0001" in line and "jps-new-teacher-mentor" in line and first in line and "1.00" in line for line in lines
    )
    # the renewal table is 86 columns wide: `issued` (the least needed) is left out, the license stays whole
    renewal = next(line for line in lines if "MS standard 304117" in line)
    assert all(v in renewal for v in (moved("2029-06-30"), "7.50", "10.00", "short"))
    assert "left out to fit 80 columns: issued" in out
