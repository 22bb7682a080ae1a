"""Counting terms without looking at every term (issue 12, item 3): `timeline.Served`, `TermIndex.covers_any` and
the tenure cap's running count, held to the definitions they replace on generated terms (ordered as SPEC 2.1
wants them, and not: overlapping, out of order, repeated ids, ending before they start) and assignments; then
the work, counted.
"""

from __future__ import annotations

import json
from datetime import date, timedelta
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from tlt import timeline
from tlt.model import Assignment, Src, Term
from tlt.policy import _running_terms
from tlt.timeline import ONE_DAY, Served, TermIndex, terms_overlapped

BASE = date(2024, 1, 1)


def _day(n: int) -> date:
    return BASE + timedelta(days=n)


def _term(i: int, start: int, length: int, ident: str | None = None) -> Term:
    return Term(ident or f"t{i}", _day(start), _day(start + length), Src("tlt.yaml", ("terms", i)))


def _assignment(i: int, start: int, length: int | None, prior: int = 0) -> Assignment:
    end = None if length is None else _day(start + length)
    return Assignment("x", "r", _day(start), end, None, prior, Src("t.yaml", ("assignments", i)))


ordered_terms = st.lists(st.tuples(st.integers(1, 6), st.integers(0, 8)), max_size=8).map(lambda gaps: _ordered(gaps))


def _ordered(gaps: list[tuple[int, int]]) -> tuple[Term, ...]:
    out, at = [], -5
    for i, (gap, length) in enumerate(gaps):
        start = at + gap
        out.append(_term(i, start, length))
        at = start + length
    return tuple(out)


any_terms = st.lists(
    st.tuples(st.integers(-5, 60), st.integers(-3, 12), st.sampled_from([None, "dup", "dup2"])), max_size=8
).map(lambda items: tuple(_term(i, s, n, ident) for i, (s, n, ident) in enumerate(items)))
assignments = st.lists(
    st.tuples(st.integers(-5, 60), st.none() | st.integers(-3, 20), st.integers(0, 2)), max_size=8
).map(lambda items: tuple(_assignment(i, s, n, p) for i, (s, n, p) in enumerate(items)))
dates = st.integers(-10, 80).map(_day)


def _defined(items: tuple[Assignment, ...], terms: tuple[Term, ...], as_of: date) -> int:
    return sum(a.prior_terms for a in items) + len(terms_overlapped(items, terms, as_of))


@settings(max_examples=400, deadline=None)
@given(ordered_terms | any_terms, assignments, st.lists(dates, min_size=1, max_size=4))
def test_served_is_the_definition_on_every_date(terms, items, days):
    index = TermIndex(terms)
    served = Served(items, index)
    for d in days:
        assert served(d) == _defined(items, terms, d)


@settings(max_examples=200, deadline=None)
@given(ordered_terms)
def test_terms_as_spec_wants_them_are_ordered(terms):
    assert TermIndex(terms).ordered


@settings(max_examples=400, deadline=None)
@given(ordered_terms | any_terms, dates, st.none() | st.integers(-3, 30))
def test_covers_any_is_some_term_sharing_a_day(terms, start, length):
    end = date.max if length is None else start + timedelta(days=length)
    expected = any(t.start <= end and t.end >= start for t in terms)
    assert TermIndex(terms).covers_any(start, end) == expected


def _running_defined(items: list[Assignment], terms: tuple[Term, ...], last: date) -> list[int]:
    """The tenure cap's count before issue 12: every term looked at for every assignment."""
    served: set[str] = set()
    prior, out = 0, []
    for a in items:
        prior += a.prior_terms
        end = a.end if a.end is not None else last
        for term in terms:
            if a.start <= term.end and end >= term.start and end >= a.start:
                served.add(term.id)
        out.append(prior + len(served))
    return out


@settings(max_examples=400, deadline=None)
@given(ordered_terms | any_terms, assignments, dates)
def test_the_running_count_of_the_tenure_cap_is_the_definition(terms, items, d):
    ordered = sorted(items, key=lambda a: (a.start, a.src.node))
    last = d - ONE_DAY
    assert list(_running_terms(ordered, TermIndex(terms), last)) == _running_defined(ordered, terms, last)


def _terms_yaml(n: int) -> str:
    lines = "".join(f"  - {{id: x{i}, start: {_day(2 * i)}, end: {_day(2 * i)}}}\n" for i in range(n))
    return "program: P\norganization: TST\nterms:\n" + lines


def _count_served(monkeypatch: Any) -> list[int]:
    """How many `Served` (a teacher's terms served in a selection of roles) are built from here on."""
    built = [0]
    real_init = Served.__init__

    def counting(self: Served, *args: Any) -> None:
        built[0] += 1
        real_init(self, *args)

    monkeypatch.setattr(Served, "__init__", counting)
    return built


def test_tenure_and_eligibility_ask_each_teacher_once_per_role(make_repo, run, tmp_path, monkeypatch):
    """19,000 terms and 2,000 assignments judged on their start dates: one `Served` per (teacher, selection)."""
    monkeypatch.setenv("TLT_JOBS", "1")
    built = _count_served(monkeypatch)
    role = (
        "id: a\ntitle: A\ncategory: mentoring\nterm_limit: {max_terms: 100000}\n"
        "eligibility:\n  required:\n    - prior_role: {roles: [a], min_terms: 1}\n"
    )
    lines = "".join(f"  - {{role: a, start: {_day(4 * i)}, end: {_day(4 * i)}}}\n" for i in range(2000))
    root = make_repo(
        config=_terms_yaml(19000), roles={"a": role}, teachers={"t-1": f"id: t-1\nname: A\nassignments:\n{lines}"}
    )
    out = tmp_path / "p.json"
    code, _, err = run(["-q", "-C", root, "validate", "--format", "json", "--as-of", "2026-03-02", "-o", out])
    problems = json.loads(out.read_text())["problems"]
    assert code == 1, err
    codes = {p["code"] for p in problems}
    assert codes == {"ineligible-assignment"}  # the first start: no term served before it
    assert len(problems) == 1
    assert built[0] <= 3


def test_the_term_report_counts_terms_once_per_teacher_and_role(make_repo, run, monkeypatch):
    built = _count_served(monkeypatch)
    role = "id: a\ntitle: A\ncategory: mentoring\nterm_limit: {max_terms: 4}\ncompensation: {stipend: {amount: 100}}\n"
    lines = "".join(
        f"  - {{role: a, start: 2024-09-{1 + i % 28:02d}, end: 2024-09-{1 + i % 28:02d}}}\n" for i in range(3000)
    )
    root = make_repo(roles={"a": role}, teachers={"t-1": f"id: t-1\nname: A\nassignments:\n{lines}"})
    code, out, err = run(["-C", root, "report", "--term", "2024-25", "--format", "csv", "--as-of", "2026-03-02"])
    assert code == 0, err
    rows = out.splitlines()[1:]
    assert len(rows) == 3000
    assert all(row.split(",")[11] == "1" for row in rows)  # terms_served: 2024-25 alone
    assert built[0] == 1


def test_one_index_per_terms_tuple():
    terms = tuple(_term(i, 3 * i, 1) for i in range(5))
    assert timeline.term_index(terms) is timeline.term_index(terms)
    assert timeline.term_index(tuple(terms)) is timeline.term_index(terms)  # the same tuple object
