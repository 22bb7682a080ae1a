"""The dates SPEC 9.1 names for checks of a role with `versions`: `caseload-cap` compares each day's size
(SPEC 9.3) with that day's cap, and `tenure-cap` names the terms served at the term that passes the cap in force
then.

Three school years: 2024-25 = 2024-08-26..2025-06-13, 2025-26 = 2025-08-25..2026-06-12,
2026-27 = 2026-08-24..2027-06-11. Every run names its date.
"""

from __future__ import annotations

import csv
import io
from pathlib import Path

CONFIG = """\
program: Versions Dates
organization: VD
terms:
  - {id: 2024-25, start: 2024-08-26, end: 2025-06-13}
  - {id: 2025-26, start: 2025-08-25, end: 2026-06-12}
  - {id: 2026-27, start: 2026-08-24, end: 2027-06-11}
"""

MENTOR = "id: mentor\ntitle: Mentor\ncategory: mentoring\n"


def validate(run, repo: Path, as_of: str, code: str) -> list[str]:
    _, out, _ = run(["-C", repo, "validate", "--as-of", as_of])
    return [line for line in out.splitlines() if f"[{code}]" in line]


def eligibility(run, repo: Path, as_of: str) -> list[tuple[str, str, str, str]]:
    code, out, err = run(["-C", repo, "check-eligibility", "--all", "--as-of", as_of, "--format", "csv"])
    assert code == 0, err
    return [(r["role_id"], r["teacher_id"], r["verdict"], r["reasons"]) for r in csv.DictReader(io.StringIO(out))]


# --- caseload-cap: each day's size against that day's cap ---------------------------------------------------


def capped(file_max: int, version_max: int) -> str:
    return (
        MENTOR + f"caseload: {{max: {file_max}}}\nversions:\n  - {{from: 2025-26, caseload: {{max: {version_max}}}}}\n"
    )


def holder(caseload: str) -> str:
    """A mentor's file over two years; `caseload:` is on line 7, its list (and first item) on line 8."""
    return (
        "id: h\nname: Holder H\nassignments:\n  - role: mentor\n    start: 2024-08-26\n    end: 2026-06-12\n"
        f"    caseload:\n{caseload}"
    )


MEMBERS = {f"m{i}": f"id: m{i}\nname: Member {i}\n" for i in range(1, 5)}


def test_a_cap_raised_by_a_version_holds_the_days_after_it(make_repo, run):
    # cap 2 in 2024-25, 4 from 2025-08-25. m1 undated; m2 from 2025-09-15, m3 from 2025-10-01: size 1 to 2025-09-14,
    # 2 from 2025-09-15, 3 from 2025-10-01 — under a cap of 4 on each of those days: no caseload-cap. (The
    # tightest cap over the whole assignment, 2, would put 3 over it from 2025-10-01.)
    caseload = "      - m1\n      - {teacher: m2, start: 2025-09-15}\n      - {teacher: m3, start: 2025-10-01}\n"
    repo = make_repo(CONFIG, {"mentor": capped(2, 4)}, {"h": holder(caseload), **MEMBERS})
    assert validate(run, repo, "2026-01-05", "caseload-cap") == []


def test_a_cap_lowered_by_a_version_is_passed_by_who_joins_after_it(make_repo, run):
    # cap 4 in 2024-25, 2 from 2025-08-25. m1, m2 undated (2); m3 from 2025-03-03 to 2025-05-30: 3 ≤ 4, not over;
    # from 2025-05-31, 2; from 2025-08-25 the cap is 2 and 2 ≤ 2; m4 joins on 2025-10-01: 3 > 2, to the end
    # (2026-06-12). Placed at m4's mapping (line 11), naming the cap of 2 in force then — not m3's 3 of 2025-03-03,
    # which passed only the later cap.
    caseload = (
        "      - m1\n      - m2\n      - {teacher: m3, start: 2025-03-03, end: 2025-05-30}\n"
        "      - {teacher: m4, start: 2025-10-01}\n"
    )
    repo = make_repo(CONFIG, {"mentor": capped(4, 2)}, {"h": holder(caseload), **MEMBERS})
    assert validate(run, repo, "2026-01-05", "caseload-cap") == [
        "teachers/h.yaml:11:9: error[caseload-cap] h's caseload for mentor is 3 from 2025-10-01 (m4 joins) to "
        "2026-06-12, over the role's maximum of 2"
    ]


def test_a_cap_that_falls_under_the_size_is_placed_at_the_caseload(make_repo, run):
    # cap 3 in 2024-25, 2 from 2025-08-25. m1, m2 undated; m3 from 2025-01-06: 3 from then on, at the cap of 3
    # until 2025-08-24; on 2025-08-25 the cap falls to 2 and 3 > 2 with no one joining: placed at the caseload
    # (line 8, where its list begins), from the version's first day to the assignment's end.
    caseload = "      - m1\n      - m2\n      - {teacher: m3, start: 2025-01-06}\n"
    repo = make_repo(CONFIG, {"mentor": capped(3, 2)}, {"h": holder(caseload), **MEMBERS})
    assert validate(run, repo, "2026-01-05", "caseload-cap") == [
        "teachers/h.yaml:8:7: error[caseload-cap] h's caseload for mentor is 3 from 2025-08-25 to 2026-06-12, over "
        "the role's maximum of 2"
    ]


def test_the_weights_in_force_on_a_day_weigh_its_size(make_repo, run):
    # cap 3 throughout; PAR weighs 1 in 2024-25 and 2 from 2025-08-25 (the version replaces the whole caseload
    # section). m1 undated, m2 (PAR) undated, m3 from 2025-02-03: 1 + 1 + 1 = 3 ≤ 3 in 2024-25; from 2025-08-25,
    # 1 + 2 + 1 = 4 > 3, with no one joining that day: at the caseload (line 8), "(weighted)".
    role = MENTOR + "caseload: {max: 3}\nversions:\n  - {from: 2025-26, caseload: {max: 3, weights: {PAR: 2}}}\n"
    caseload = "      - m1\n      - {teacher: m2, service: PAR}\n      - {teacher: m3, start: 2025-02-03}\n"
    repo = make_repo(CONFIG, {"mentor": role}, {"h": holder(caseload), **MEMBERS})
    assert validate(run, repo, "2026-01-05", "caseload-cap") == [
        "teachers/h.yaml:8:7: error[caseload-cap] h's caseload for mentor is 4 (weighted) from 2025-08-25 to "
        "2026-06-12, over the role's maximum of 3"
    ]


# --- tenure-cap: the terms served at the term that passes the cap in force then ----------------------------


def test_tenure_cap_names_the_terms_served_at_the_passing_term(make_repo, run):
    # max_terms 3, lowered to 1 from 2025-26 (CBA 2025, art. 2). a holds chair from 2024-09-02, open-ended; on
    # 2027-07-01 the terms served run to 2026-27: 2024-25 (1 ≤ 3), 2025-26 (2 > 1, the limit in force at its
    # start): the message names 2 terms and the limit of 1, not the 3 terms served by D.
    role = (
        "id: chair\ntitle: Chair\ncategory: department\nterm_limit: {max_terms: 3}\n"
        'versions:\n  - {from: 2025-26, cite: "CBA 2025, art. 2", term_limit: {max_terms: 1}}\n'
    )
    t = "id: a\nname: A\nassignments:\n  - {role: chair, start: 2024-09-02}\n"
    repo = make_repo(CONFIG, {"chair": role}, {"a": t})
    assert validate(run, repo, "2027-07-01", "tenure-cap") == [
        "teachers/a.yaml:4:26: error[tenure-cap] a has served 2 terms in chair, over its limit of 1"
    ]
