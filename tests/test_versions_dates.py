"""The dates SPEC 9.1 names for three checks of a role with `versions`: `cooling-off` asks the left role's
`after_service` in force on the left assignment's end, `caseload-cap` compares each day's size (SPEC 9.3) with
that day's cap, and `tenure-cap` names the terms served at the term that passes the cap in force then.

Three school years: 2024-25 = 2024-08-26..2025-06-13, 2025-26 = 2025-08-25..2026-06-12,
2026-27 = 2026-08-24..2027-06-11. Every run names its date.
"""

from __future__ import annotations

import csv
import io
from datetime import date, timedelta
from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st

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


# --- cooling-off: the after_service in force on the left assignment's end -----------------------------------


def coach(file_months: int, version_months: int) -> str:
    """A coach role barring mentor for `file_months` after leaving it, `version_months` from 2025-26 on."""
    return (
        "id: coach\ntitle: Coach\ncategory: coaching\n"
        f"after_service:\n  - bars: {{roles: [mentor]}}\n    months: {file_months}\n"
        "versions:\n"
        "  - from: 2025-26\n"
        '    cite: "CBA 2025, art. 4"\n'
        f"    after_service:\n      - bars: {{roles: [mentor]}}\n        months: {version_months}\n"
    )


def left_coach(tid: str, end: str, *more: str) -> str:
    lines = [
        f"id: {tid}",
        f"name: Teacher {tid}",
        "assignments:",
        f"  - {{role: coach, start: 2024-09-02, end: {end}}}",
    ]
    return "\n".join([*lines, *more]) + "\n"


def test_cooling_off_lowered_by_a_later_version_still_bars_who_left_before_it(make_repo, run):
    # coach bars mentor for 12 months; from 2025-26 for 3. a left coach on 2025-03-31, in 2024-25: the 12 months in
    # force that day bar a until add_months(2025-03-31, 12) = 2026-03-31. Judged on 2025-09-01 (2025-26 in force,
    # 3 months: 2025-06-30, over) a is still barred; b left on 2025-09-30, in 2025-26: 3 months, until 2025-12-31,
    # so on 2026-01-05 b is free while a is barred (2026-01-05 ≤ 2026-03-31).
    repo = make_repo(
        CONFIG,
        {"coach": coach(12, 3), "mentor": MENTOR},
        {"a": left_coach("a", "2025-03-31"), "b": left_coach("b", "2025-09-30")},
    )
    first = {row[1]: row[2:] for row in eligibility(run, repo, "2025-09-01") if row[0] == "mentor"}
    assert first["a"] == (
        "ineligible", "cooling-off: left coach on 2025-03-31; barred from role mentor until 2026-03-31"
    )  # fmt: skip
    later = {row[1]: row[2:] for row in eligibility(run, repo, "2026-01-05") if row[0] == "mentor"}
    assert later == {
        "a": ("ineligible", "cooling-off: left coach on 2025-03-31; barred from role mentor until 2026-03-31"),
        "b": ("eligible", ""),
    }


def test_cooling_off_raised_by_a_later_version_bars_only_who_left_under_it(make_repo, run):
    # coach bars mentor for 3 months; from 2025-26 for 12 (CBA 2025, art. 4). a left on 2025-03-31: 3 months, until
    # 2025-06-30, so a is free on 2025-09-01 although the 12 months are in force that day. b left on 2025-09-30:
    # 12 months, until 2026-09-30, quoting the version's cite.
    repo = make_repo(
        CONFIG,
        {"coach": coach(3, 12), "mentor": MENTOR},
        {"a": left_coach("a", "2025-03-31"), "b": left_coach("b", "2025-09-30")},
    )
    first = {row[1]: row[2] for row in eligibility(run, repo, "2025-09-01") if row[0] == "mentor"}
    assert first["a"] == "eligible"
    later = {row[1]: row[2:] for row in eligibility(run, repo, "2026-01-05") if row[0] == "mentor"}
    assert later == {
        "a": ("eligible", ""),
        "b": (
            "ineligible",
            "cooling-off: left coach on 2025-09-30; barred from role mentor until 2026-09-30 (per CBA 2025, art. 4)",
        ),
    }


def test_validate_cooling_off_asks_the_entry_in_force_on_the_left_end(make_repo, run):
    # c left coach on 2025-03-31 under the file's 12 months (until 2026-03-31) and starts mentor on 2025-09-02, in
    # 2025-26, when the version's 3 months are in force: the start is inside the cooling-off all the same. d left
    # on 2025-09-30 (3 months: until 2025-12-31) and starts mentor on 2026-01-05: outside it.
    repo = make_repo(
        CONFIG,
        {"coach": coach(12, 3), "mentor": MENTOR},
        {
            "c": left_coach("c", "2025-03-31", "  - {role: mentor, start: 2025-09-02}"),
            "d": left_coach("d", "2025-09-30", "  - {role: mentor, start: 2026-01-05}"),
        },
    )
    assert validate(run, repo, "2026-02-02", "cooling-off") == [
        "teachers/c.yaml:5:27: error[cooling-off] c starts mentor on 2025-09-02 inside a cooling-off: left coach on "
        "2025-03-31; barred from role mentor until 2026-03-31"
    ]


def test_validate_cooling_off_on_later_starts_uses_the_same_entries(make_repo, run):
    # the same teacher judged on several start dates (the index of `tlt.answers` from the second date): e left
    # coach on 2025-09-30 under the version's 12 months (until 2026-09-30); mentor from 2026-01-05 to 2026-02-27 and
    # again from 2026-10-01 — the first start is barred, the second (2026-10-01 > 2026-09-30) is not. Under the
    # file's 3 months (until 2025-12-31, the entry in force on neither start) neither would be.
    t = left_coach(
        "e",
        "2025-09-30",
        "  - {role: mentor, start: 2026-01-05, end: 2026-02-27}",
        "  - {role: mentor, start: 2026-10-01}",
    )
    repo = make_repo(CONFIG, {"coach": coach(3, 12), "mentor": MENTOR}, {"e": t})
    assert validate(run, repo, "2026-11-02", "cooling-off") == [
        "teachers/e.yaml:5:27: error[cooling-off] e starts mentor on 2026-01-05 inside a cooling-off: left coach on "
        "2025-09-30; barred from role mentor until 2026-09-30 (per CBA 2025, art. 4)"
    ]


after_service = st.lists(
    st.tuples(st.sampled_from(["id", "category"]), st.integers(0, 3)), min_size=0, max_size=2
)  # (what the entry bars: role x by id, or the category mentoring; months)


@settings(max_examples=200, deadline=None)
@given(
    st.lists(st.tuples(st.sampled_from("abx"), st.integers(0, 200), st.none() | st.integers(-2, 60)), max_size=8),
    st.lists(st.tuples(after_service, after_service, st.booleans()), min_size=3, max_size=3),
    st.lists(st.integers(0, 300), min_size=1, max_size=6),
)
def test_the_cooling_off_index_names_what_the_scan_names_with_versions(spans, entries, days):
    # as tests/test_checks_scale.py's property, each role with a version from the second term whose after_service
    # (when `changed`) replaces the file's: the index groups a role's left assignments by the entries in force on
    # their ends, the scan asks each end's; both must name the same bar
    from tlt.model import Assignment, Src, Term, build_role
    from tlt.rules import implicit

    first = date(2024, 1, 1)
    terms = (
        Term("t1", first, first + timedelta(days=99), Src("tlt.yaml", ())),
        Term("t2", first + timedelta(days=100), first + timedelta(days=199), Src("tlt.yaml", ())),
    )

    def service(items):
        return [
            {"bars": {"roles": ["x"]} if kind == "id" else {"categories": ["mentoring"]}, "months": months}
            for kind, months in items
        ]

    roles = {}
    for role_id, (written, later, changed) in zip("abx", entries, strict=True):
        data = {"id": role_id, "title": role_id, "category": "mentoring", "after_service": service(written)}
        if changed:
            data["versions"] = [{"from": "t2", "after_service": service(later)}]
        roles[role_id] = build_role(data, f"roles/{role_id}.yaml")
    assignments = tuple(
        Assignment("t", role, first + timedelta(days=s), None if n is None else first + timedelta(days=s + n), None, 0,
                   Src("t.yaml", ("assignments", i)))
        for i, (role, s, n) in enumerate(spans)
    )  # fmt: skip
    bars = implicit.TeacherBars(assignments, roles, terms)
    for target in roles.values():
        barring = implicit.barring_entries(target, roles)
        if not barring:
            continue
        for n in days:
            d = first + timedelta(days=n)
            assert bars.answer(target, d) == implicit.scan_cooling_off(target, assignments, d, barring, roles, terms)


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
