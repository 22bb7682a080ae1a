"""Caseload members with dates (SPEC 9.3): the cap on every day, date-order and caseload-member for dated
members, `tlt caseload` and the term report's size as the term's peak, and the sweep against the day-by-day
definition."""

from __future__ import annotations

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
