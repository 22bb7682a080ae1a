"""Caseload members with dates (SPEC 9.3): the cap on every day, date-order and caseload-member for dated
members, `tlt caseload` and the term report's size as the term's peak, and the sweep against the day-by-day
definition."""

from __future__ import annotations

import csv
import io
import json
from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st

from tlt.model import Assignment, Member, Src, Term

AS_OF = "2025-09-01"
# 2025-26 runs 2025-08-25 to 2026-06-12
CONFIG = """\
program: Caseload Dates
organization: CLD
terms:
  - {id: 2024-25, start: 2024-08-26, end: 2025-06-13}
  - {id: 2025-26, start: 2025-08-25, end: 2026-06-12}
"""
ROLES = {"mentor": "id: mentor\ntitle: Mentor\ncategory: mentoring\ncaseload: {max: 3, weights: {PAR: 2}}\n"}
MEMBERS = {f"m{i}": f"id: m{i}\nname: Member {i}\n" for i in range(1, 7)}


def holder(caseload: str, start: str = "2025-08-25", end: str = "2026-06-12") -> str:
    """A mentor's file; the caseload's first item is on line 8 (each item on a line of its own)."""
    return (
        f"id: h\nname: Holder H\nassignments:\n  - role: mentor\n    start: {start}\n    end: {end}\n"
        f"    caseload:\n{caseload}"
    )


def repo_with(make_repo, caseload: str, **assignment: str) -> Path:
    return make_repo(CONFIG, ROLES, {"h": holder(caseload, **assignment), **MEMBERS})


def valid(run, repo: Path) -> bool:
    """Whether `tlt validate` finds nothing at all (a member's dates are no schema problem either)."""
    code, out, _ = run(["-C", repo, "validate", "--as-of", AS_OF])
    return code == 0 and out == ""


def problems(run, repo: Path, code: str) -> list[str]:
    _, out, _ = run(["-C", repo, "validate", "--as-of", AS_OF])
    return [line for line in out.splitlines() if f"[{code}]" in line]


# --- caseload-cap on every day -------------------------------------------------------------------------------

# The cap is 3. m1, m2 undated: 2 on every day. m3 is on from 2025-10-01 to 2025-12-19: 3, at the cap, not over.
# m4 (PAR, weight 2) is on from 2025-11-03 to 2026-01-30: from 2025-11-03 to 2025-12-19, 2 + 1 + 2 = 5, over;
# from 2025-12-20 to 2026-01-30, 2 + 2 = 4, still over; from 2026-01-31 on, 2 again. Peak 5, first over the cap
# on 2025-11-03, when m4 joins: the problem is at m4's mapping (line 11).
PEAK_BETWEEN = """\
      - m1
      - m2
      - {teacher: m3, start: 2025-10-01, end: 2025-12-19}
      - {teacher: m4, service: PAR, start: 2025-11-03, end: 2026-01-30}
"""


def test_cap_over_only_between_two_dates_is_placed_at_the_member_who_passes_it(make_repo, run):
    repo = repo_with(make_repo, PEAK_BETWEEN)
    got = problems(run, repo, "caseload-cap")
    assert got == [
        "teachers/h.yaml:11:9: error[caseload-cap] h's caseload for mentor is 5 (weighted) from 2025-11-03 "
        "(m4 joins) to 2025-12-19, over the role's maximum of 3"
    ]


def test_cap_not_over_before_or_after_the_peak(make_repo, run):
    # Without m4 the largest size is 3 (2025-10-01 to 2025-12-19): at the cap, never over. Undated, m1 + m2 + m3
    # would be 3 as well; the four undated would be 5 (the old whole-assignment count) on every day.
    repo = repo_with(make_repo, "      - m1\n      - m2\n      - {teacher: m3, start: 2025-10-01, end: 2025-12-19}\n")
    assert valid(run, repo)
    # m4 alone from 2026-02-02: 2 + 2 = 4 over 3 from then to the assignment's end; m3 left on 2025-12-19
    repo = repo_with(
        make_repo,
        "      - m1\n      - m2\n      - {teacher: m3, start: 2025-10-01, end: 2025-12-19}\n"
        "      - {teacher: m4, service: PAR, start: 2026-02-02}\n",
    )
    assert problems(run, repo, "caseload-cap") == [
        "teachers/h.yaml:11:9: error[caseload-cap] h's caseload for mentor is 4 (weighted) from 2026-02-02 "
        "(m4 joins) to 2026-06-12, over the role's maximum of 3"
    ]


def test_members_who_follow_each_other_share_one_place(make_repo, run):
    # m3 from 2025-08-25 to 2025-12-31, m4 from 2026-01-01: each day 2 + 1 = 3, never over; undated, 4 would be
    # over (the count before SPEC 9.3 put every member on every day)
    repo = repo_with(
        make_repo,
        "      - m1\n      - m2\n      - {teacher: m3, end: 2025-12-31}\n      - {teacher: m4, start: 2026-01-01}\n",
    )
    assert valid(run, repo)


# --- date-order and caseload-member --------------------------------------------------------------------------


def test_member_dates_outside_the_assignment_or_reversed_are_date_order_at_the_mapping(make_repo, run):
    # the assignment runs 2025-08-25 to 2026-06-12
    repo = repo_with(
        make_repo,
        "      - {teacher: m1, start: 2025-08-01}\n"  # line 8: starts before the assignment
        "      - {teacher: m2, end: 2026-07-01}\n"  # line 9: ends after it
        "      - {teacher: m3, start: 2025-10-10, end: 2025-10-01}\n"  # line 10: end before start
        "      - {teacher: m4, start: 2025-08-25, end: 2026-06-12}\n",  # line 11: exactly the assignment: fine
    )
    assert problems(run, repo, "date-order") == [
        "teachers/h.yaml:8:9: error[date-order] caseload member m1 start 2025-08-01 is before the assignment's "
        "start 2025-08-25 (to mentor)",
        "teachers/h.yaml:9:9: error[date-order] caseload member m2 end 2026-07-01 is after the assignment's end "
        "2026-06-12 (to mentor)",
        "teachers/h.yaml:10:9: error[date-order] caseload member m3 end 2025-10-01 is before its start 2025-10-10 "
        "(to mentor)",
    ]


def test_a_member_listed_twice_with_dates_that_do_not_overlap_is_fine(make_repo, run):
    # m1 until 2025-12-19, back from 2026-01-05: no day in common
    repo = repo_with(make_repo, "      - {teacher: m1, end: 2025-12-19}\n      - {teacher: m1, start: 2026-01-05}\n")
    assert valid(run, repo)


def test_a_member_listed_twice_with_dates_that_overlap_is_caseload_member(make_repo, run):
    # m1 until 2025-12-19 (from the assignment's start), again from 2025-12-19: that day is in both
    repo = repo_with(make_repo, "      - {teacher: m1, end: 2025-12-19}\n      - {teacher: m1, start: 2025-12-19}\n")
    assert problems(run, repo, "caseload-member") == [
        "teachers/h.yaml:9:9: error[caseload-member] m1 is listed twice on this caseload with days that overlap: "
        "from 2025-12-19 to 2026-06-12 and from 2025-08-25 to 2025-12-19"
    ]
    # undated and dated: the undated entry covers the whole assignment
    repo = repo_with(make_repo, "      - m1\n      - {teacher: m1, start: 2026-01-05}\n")
    assert len(problems(run, repo, "caseload-member")) == 1
    # two undated entries still overlap, with the message they always had
    repo = repo_with(make_repo, "      - m1\n      - m1\n")
    assert problems(run, repo, "caseload-member") == [
        "teachers/h.yaml:9:9: error[caseload-member] m1 is listed twice on this caseload"
    ]


# --- tlt caseload and tlt report -----------------------------------------------------------------------------


def caseload_rows(run, repo: Path, term: str, fmt: str = "csv") -> list[dict]:
    code, out, err = run(["-C", repo, "caseload", "--as-of", AS_OF, "--term", term, "--format", fmt])
    assert code == 0, err
    return json.loads(out) if fmt == "json" else list(csv.DictReader(io.StringIO(out)))


def test_caseload_size_is_the_terms_peak_and_members_those_of_some_day_of_it(make_repo, run):
    # An assignment over both terms (2024-08-26 to 2026-06-12). In 2024-25: m1 (undated) and m5 (to 2025-03-31):
    # 2; m6 joins 2025-02-03: 3 from 2025-02-03 to 2025-03-31, then 2. m3 and m4 (PAR) only in 2025-26:
    # m1 + m6 + m3 + m4 = 1 + 1 + 1 + 2 = 5 from 2025-11-03 to 2025-12-19. --as-of is 2025-09-01 in both runs:
    # the size is the term's peak whatever D.
    repo = repo_with(
        make_repo,
        "      - m1\n"
        "      - {teacher: m5, end: 2025-03-31}\n"
        "      - {teacher: m6, start: 2025-02-03}\n"
        "      - {teacher: m3, start: 2025-10-01, end: 2025-12-19}\n"
        "      - {teacher: m4, service: PAR, start: 2025-11-03, end: 2026-01-30}\n",
        start="2024-08-26",
    )
    first = caseload_rows(run, repo, "2024-25")
    assert [(r["size"], r["max"], r["over"], r["members"]) for r in first] == [("3", "3", "false", "m1 m5 m6")]
    second = caseload_rows(run, repo, "2025-26")
    assert [(r["size"], r["over"], r["members"]) for r in second] == [("5", "true", "m1 m6 m3 m4:PAR")]
    code, out, err = run(["-C", repo, "report", "--as-of", AS_OF, "--term", "2024-25", "--format", "csv"])
    assert code == 0, err
    assert [r["caseload_size"] for r in csv.DictReader(io.StringIO(out))] == ["3"]
    code, out, err = run(["-C", repo, "report", "--as-of", AS_OF, "--term", "2025-26", "--format", "csv"])
    assert [r["caseload_size"] for r in csv.DictReader(io.StringIO(out))] == ["5"]


def test_json_members_with_dates(make_repo, run):
    repo = repo_with(
        make_repo,
        "      - m1\n"
        "      - {teacher: m2, service: PAR}\n"
        "      - {teacher: m3, start: 2025-10-01}\n"
        "      - {teacher: m4, service: PAR, start: 2025-11-03, end: 2026-01-30}\n",
    )
    (row,) = caseload_rows(run, repo, "2025-26", "json")
    assert row["members"] == [
        "m1",
        {"teacher": "m2", "service": "PAR"},
        {"teacher": "m3", "service": None, "start": "2025-10-01", "end": None},
        {"teacher": "m4", "service": "PAR", "start": "2025-11-03", "end": "2026-01-30"},
    ]
    # 1 + 2 + 1 + 2 = 6 from 2025-11-03 to 2026-01-30
    assert row["size"] == 6


# --- the sweep against the definition, day by day ------------------------------------------------------------

BASE = date(2025, 1, 1)
WEIGHTS = {"PAR": Decimal(2), "PA": Decimal("0.5")}


def weight(service: str | None) -> Decimal:
    return WEIGHTS.get(service or "", Decimal(1))


def day(n: int) -> date:
    return BASE + timedelta(days=n)


members_st = st.lists(
    st.tuples(
        st.sampled_from(["a", "b", "c"]),
        st.sampled_from([None, "PAR", "PA"]),
        st.one_of(st.none(), st.integers(-5, 45)),
        st.one_of(st.none(), st.integers(-5, 45)),
    ),
    max_size=8,
)


@settings(max_examples=300, deadline=None)
@given(members_st, st.integers(0, 10), st.one_of(st.none(), st.integers(10, 40)), st.integers(0, 50))
def test_the_sweep_agrees_with_the_days(raw, start, end, term_start):
    from tlt.timeline import caseload_spans, member_days, member_span  # here: the CLI tests run on older code too

    src = Src("teachers/h.yaml", ("assignments", 0))
    a = Assignment("h", "mentor", day(start), None if end is None else day(end), None, 0, src)
    members = [
        Member(t, s, src, None if first is None else day(first), None if last is None else day(last))
        for t, s, first, last in raw
    ]
    spans = caseload_spans(members, weight, a)
    horizon = day(end) if end is not None else day(60)

    def on(m: Member, d: date) -> bool:  # the definition: a side the member leaves open runs with the assignment
        return a.active_on(d) and (m.start is None or m.start <= d) and (m.end is None or d <= m.end)

    d = a.start
    while d <= horizon:
        expected = sum((weight(m.service) for m in members if on(m, d)), Decimal(0))
        (covering,) = [s for s in spans if s.first <= d and (s.last is None or d <= s.last)]
        assert covering.size == expected, (d, covering)
        d += timedelta(days=1)
    # the spans tile the assignment in order, each a change of size, and `before` + the joiners make `size`
    assert spans[0].first == a.start and spans[-1].last == a.end
    for s, nxt in zip(spans, spans[1:], strict=False):
        assert s.last is not None and s.last + timedelta(days=1) == nxt.first
    for s in spans:
        assert s.before + sum((weight(m.service) for m in s.joined), Decimal(0)) == s.size
    # member_days: the days of the term on which the member is on
    term = Term("t", day(term_start), day(term_start + 20), Src("tlt.yaml", ()))
    for m in members:
        days = 0
        d = term.start
        while d <= term.end:
            days += on(m, d)
            d += timedelta(days=1)
        assert member_days(m, a, term) == days
        first, last = member_span(m, a)
        assert first >= a.start
