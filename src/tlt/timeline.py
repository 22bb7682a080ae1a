"""Date arithmetic of SPEC sections 3 and 5, in one place: credited years, terms served, calendar months,
the default term and term fractions, caseload members' days (SPEC 9.3). Pure functions over `datetime.date`, `Fraction` and `Decimal`; imports only
`tlt.model`. Property-tested in tests/test_timeline.py.
"""

from __future__ import annotations

import calendar
from bisect import bisect_left, bisect_right
from collections.abc import Callable, Iterable, Sequence
from datetime import date, timedelta
from decimal import Decimal
from fractions import Fraction
from functools import cache
from typing import NamedTuple

from tlt.model import Assignment, Experience, Member, Term

ONE_DAY = timedelta(days=1)
DAYS_PER_YEAR = Fraction(36525, 100)


def entry_years(entry: Experience, as_of: date) -> Fraction:
    """Credited years of one entry as of D: `years`, else fte × days / 365.25 with
    days = max(0, (min(end + 1 day, D) − start).days); an open-ended entry runs to D (D itself not yet worked)."""
    if entry.years is not None:
        return Fraction(entry.years)
    assert entry.start is not None
    stop = as_of if entry.end is None else min(entry.end + ONE_DAY, as_of)
    days = max(0, (stop - entry.start).days)
    return Fraction(entry.fte) * days / DAYS_PER_YEAR


def credited_years(
    entries: Iterable[Experience], as_of: date, employer: str | None = None, tag: str | None = None
) -> Fraction:
    """Σ credited years over the entries of `employer` (exact match) carrying `tag`, when given. Exact, unrounded:
    Σ `entry_years` of those entries."""
    ticks, other = credited_parts(entries, as_of, employer, tag)
    return other + Fraction(ticks, TICKS_PER_YEAR) if ticks else Fraction(other)


#: credited time is counted in integer ticks, a tick a ten-thousandth of a full-time day (a year is 365.25
#: days): exact for FTEs with up to four decimals and `years` with up to two, which is all that real records hold
TICKS_PER_DAY = 10_000
TICKS_PER_YEAR = 3_652_500


def credited_parts(
    entries: Iterable[Experience], as_of: date, employer: str | None = None, tag: str | None = None
) -> tuple[int, Fraction | int]:
    """`credited_years` in two parts: whole ticks (years = ticks / TICKS_PER_YEAR) and the rest in years, an exact
    fraction (0 unless an FTE has more than four decimals or `years` more than two: judging stays in integers)."""
    ticks, other, dated = _undated_parts(entries, employer, tag)
    for e in dated:
        assert e.start is not None
        stop = as_of if e.end is None else min(e.end + ONE_DAY, as_of)
        days = (stop - e.start).days
        if days <= 0:
            continue
        per_day = _ticks(e.fte, TICKS_PER_DAY)
        if per_day is None:
            other += Fraction(e.fte) * days / DAYS_PER_YEAR
        else:
            ticks += days * per_day
    return ticks, other


def _undated_parts(
    entries: Iterable[Experience], employer: str | None, tag: str | None
) -> tuple[int, Fraction | int, list[Experience]]:
    """The entries of this employer and tag: the credit of those given in `years` (whole ticks, and the rest as
    an exact fraction), and the dated ones, whose credit depends on the date."""
    ticks = 0
    other: Fraction | int = 0
    dated: list[Experience] = []
    for e in entries:
        if employer is not None and e.employer != employer:
            continue
        if tag is not None and tag not in e.tags:
            continue
        if e.years is None:
            dated.append(e)
            continue
        scaled = _ticks(e.years, TICKS_PER_YEAR)
        if scaled is None:
            other += Fraction(e.years)
        else:
            ticks += scaled
    return ticks, other, dated


class Credited:
    """`credited_parts` of some experience entries, for many dates: O(log n) a date after O(n log n) once.

    Each dated entry credits rate × max(0, min(stop, D) − start) days (stop = end + 1, or never), which is
    rate × (D − start) once started, less rate × (D − stop) once stopped; so with the entries sorted by start and
    by stop, and running sums of rate and rate × day, a date is two bisections and a few products. Exact: whole
    ticks in integers, the rest (FTEs beyond four decimals) in fractions, as `credited_parts` adds them."""

    def __init__(self, entries: Iterable[Experience], employer: str | None = None, tag: str | None = None) -> None:
        self.ticks, self.other, entries_dated = _undated_parts(entries, employer, tag)
        dated: dict[bool, list[tuple[int, int | None, Fraction | int]]] = {True: [], False: []}
        for e in entries_dated:
            assert e.start is not None
            start = e.start.toordinal()
            stop = None if e.end is None else (e.end + ONE_DAY).toordinal()
            if stop is not None and stop <= start:
                continue  # never credits a day
            per_day = _ticks(e.fte, TICKS_PER_DAY)
            if per_day is None:
                dated[False].append((start, stop, Fraction(e.fte) / DAYS_PER_YEAR))
            else:
                dated[True].append((start, stop, per_day))
        self.parts = [_Rates(dated[True]), _Rates(dated[False])]

    def __call__(self, as_of: date) -> tuple[int, Fraction | int]:
        d = as_of.toordinal()
        whole, rest = self.parts
        return self.ticks + int(whole.credit(d)), (self.other + rest.credit(d)) if rest.starts else self.other


class _Rates:
    """Running sums behind `Credited`: Σ rate × days credited up to an ordinal day."""

    def __init__(self, items: list[tuple[int, int | None, Fraction | int]]) -> None:
        by_start = sorted((start, rate) for start, _, rate in items)
        by_stop = sorted((stop, rate) for _, stop, rate in items if stop is not None)
        self.starts = [start for start, _ in by_start]
        self.stops = [stop for stop, _ in by_stop]
        self.start_rate, self.start_days = _running(by_start)
        self.stop_rate, self.stop_days = _running(by_stop)

    def credit(self, d: int) -> Fraction | int:
        k = bisect_left(self.starts, d)  # started before D: start < d
        j = bisect_right(self.stops, d)  # stopped by D: stop <= d
        return (d * self.start_rate[k] - self.start_days[k]) - (d * self.stop_rate[j] - self.stop_days[j])


def _running(pairs: list[tuple[int, Fraction | int]]) -> tuple[list[Fraction | int], list[Fraction | int]]:
    """Running sums of rate and of rate × day over (day, rate) pairs, each list starting with 0."""
    rates: list[Fraction | int] = [0]
    days: list[Fraction | int] = [0]
    for day, rate in pairs:
        rates.append(rates[-1] + rate)
        days.append(days[-1] + rate * day)
    return rates, days


@cache
def _ticks(value: Decimal, scale: int) -> int | None:
    """value × scale when that is a whole number, else None."""
    scaled = Fraction(value) * scale
    return scaled.numerator if scaled.denominator == 1 else None


def format_years(value: Fraction) -> str:
    cents = value.numerator * 100 // value.denominator
    return f"{cents // 100}.{cents % 100:02d}" if cents >= 0 else f"-{(-cents) // 100}.{(-cents) % 100:02d}"


def add_months(d: date, months: int) -> date:
    """`d` plus calendar months, clamped to the month's last day (Jan 31 + 1 month = Feb 28 or 29)."""
    index = d.month - 1 + months
    year, month = d.year + index // 12, index % 12 + 1
    return date(year, month, min(d.day, calendar.monthrange(year, month)[1]))


def overlap_days(a_start: date, a_end: date | None, b_start: date, b_end: date) -> int:
    """Days (both ends inclusive) that [a_start, a_end or ∞] shares with [b_start, b_end]."""
    start = max(a_start, b_start)
    end = b_end if a_end is None else min(a_end, b_end)
    return max(0, (end - start).days + 1)


def terms_overlapped(assignments: Iterable[Assignment], terms: Iterable[Term], as_of: date) -> set[str]:
    """Ids of terms T that some assignment overlaps by at least one day before D: [T.start, min(T.end, D − 1)].
    The definition, term by term (O(terms × assignments)): tests hold `Served` to it."""
    last = as_of - ONE_DAY
    out: set[str] = set()
    assignments = list(assignments)
    for term in terms:
        stop = min(term.end, last)
        if stop < term.start:
            continue
        if any(a.overlaps(term.start, stop) for a in assignments):
            out.add(term.id)
    return out


def terms_served(assignments: Iterable[Assignment], terms: tuple[Term, ...], as_of: date) -> int:
    """SPEC 3: Σ prior_terms of the assignments + distinct terms they overlap on a day before D."""
    return Served(tuple(assignments), term_index(terms))(as_of)


class TermIndex:
    """tlt.yaml's terms, indexed for the questions that count terms: which terms a span of days overlaps.

    A term list as SPEC 2.1 wants it (ascending, not overlapping, ids unique, each ending on or after its start)
    is `ordered`: the terms a span overlaps are then a run of consecutive terms found by bisection, so counting
    costs O(log terms) a span however many terms tlt.yaml lists, where counting term by term costs terms ×
    assignments for each teacher, each role and each date judged (docs/performance.md, "Figures behind the
    code"). Any other list (a `terms` error of validate, which the reports still run on) is answered exactly by
    the slower ways of `Served`."""

    def __init__(self, terms: tuple[Term, ...]) -> None:
        self.terms = terms
        self.by_start = sorted(range(len(terms)), key=lambda i: (terms[i].start, i))
        self.starts = [terms[i].start for i in self.by_start]
        ends = [terms[i].end for i in self.by_start]
        # the latest end among the terms starting at or before each position: some term overlaps [a, b] exactly
        # when a term starting on or before b ends on or after a
        self.latest_end: list[date] = []
        for end in ends:
            self.latest_end.append(end if not self.latest_end or end > self.latest_end[-1] else self.latest_end[-1])
        self.ends = ends
        self.ordered = (
            list(self.by_start) == list(range(len(terms)))
            and all(t.end >= t.start for t in terms)
            and all(terms[i].end < terms[i + 1].start for i in range(len(terms) - 1))
            and len({t.id for t in terms}) == len(terms)
        )

    def covers_any(self, start: date, end: date) -> bool:
        """Whether some term shares a day with [start, end]."""
        k = bisect_right(self.starts, end)
        return k > 0 and self.latest_end[k - 1] >= start

    def holding_both(self, pairs: list[tuple[date, date]]) -> dict[int, date]:
        """For (later, earlier) date pairs: each term (by position in start order) that holds both dates of some
        pair — it starts on or before the earlier and ends on or after the later — with the earliest `later` of
        those pairs. Each term is found once, whatever the number of pairs (a max-end segment tree over the terms
        in start order, each found term taken out): O((pairs + terms) log terms)."""
        if not pairs:
            return {}
        size = 1
        while size < len(self.ends):
            size *= 2
        tree = [date.min] * (2 * size)
        tree[size : size + len(self.ends)] = self.ends
        for node in range(size - 1, 0, -1):
            tree[node] = max(tree[2 * node], tree[2 * node + 1])
        found: dict[int, date] = {}
        for later, earlier in sorted(pairs):
            k = bisect_right(self.starts, earlier)  # the terms starting by the earlier date: positions [0, k)
            stack = [(1, 0, size)]
            while stack:
                node, lo, hi = stack.pop()
                if lo >= k or tree[node] < later:
                    continue
                if hi - lo == 1:
                    found[lo] = later
                    tree[node] = date.min
                    parent = node // 2
                    while parent:
                        tree[parent] = max(tree[2 * parent], tree[2 * parent + 1])
                        parent //= 2
                    continue
                mid = (lo + hi) // 2
                stack.append((2 * node + 1, mid, hi))
                stack.append((2 * node, lo, mid))
        return found

    def run(self, start: date, end: date) -> tuple[int, int]:
        """For `ordered` terms: (first, last) positions of the terms sharing a day with [start, end]; first >
        last when there is none."""
        return bisect_left(self.ends, start), bisect_right(self.starts, end) - 1


_INDEXES: dict[int, TermIndex] = {}


def term_index(terms: tuple[Term, ...]) -> TermIndex:
    """The index of this tuple of terms (tlt.yaml's, shared by every context), built once."""
    index = _INDEXES.get(id(terms))
    if index is None or index.terms is not terms:
        if len(_INDEXES) >= 64:
            _INDEXES.clear()
        index = _INDEXES[id(terms)] = TermIndex(terms)
    return index


_FOREVER = date.max


class Served:
    """Terms served in some assignments (SPEC 3) as of any date, asked many times: `served(D)`.

    The assignments' days are merged into disjoint spans once (O(n log n)); a term counts as of D when a span
    shares a day with [T.start, min(T.end, D − 1)]. For `ordered` terms each span covers a run of terms and the
    runs are counted once, cumulatively, so a question costs O(log n). Otherwise the first day of each term
    that a span covers is found (O(terms × log n), once), and a term counts when that day is before D."""

    def __init__(self, assignments: tuple[Assignment, ...], index: TermIndex) -> None:
        self.prior = sum(a.prior_terms for a in assignments)
        self.index = index
        spans = sorted((a.start, a.end if a.end is not None else _FOREVER) for a in assignments)
        starts: list[date] = []
        ends: list[date] = []
        # An assignment that ends before it starts (a date-order error, which the reports still run on) holds no
        # day, yet the definition (`terms_overlapped`) counts it in a term that holds both its dates, once D is
        # after its start: kept apart as (start, end), and each such term counted from the day after its start.
        backwards = [(start, end) for start, end in spans if end < start]
        for start, end in spans:
            if end < start:
                continue  # holds no day
            if ends and (ends[-1] == _FOREVER or start <= ends[-1] + ONE_DAY):  # touches the span before
                if end > ends[-1]:
                    ends[-1] = end
                continue
            starts.append(start)
            ends.append(end)
        self.starts, self.ends = starts, ends
        claimed = index.holding_both(backwards)  # term position (in start order) → the earliest such start
        if index.ordered:
            # counted[j]: distinct terms the spans before j cover; top[j]: the last term position they reach
            self.counted, self.top = [0], [-1]
            for start, end in zip(starts, ends, strict=True):
                first, last = index.run(start, end)
                new = max(0, last - max(first, self.top[-1] + 1) + 1)
                self.counted.append(self.counted[-1] + new)
                self.top.append(max(self.top[-1], last))
            # a term counted by a backwards assignment before the spans reach it: [its start + 1, first covered]
            self.extra_from: list[date] = sorted(claimed.values())
            self.extra_until: list[date] = []
            for pos, since in claimed.items():
                term = index.terms[pos]
                covered = self._first_covered(term.start, term.end)
                if covered is not None:
                    self.extra_until.append(max(since, covered))
            self.extra_until.sort()
        else:
            first_day: dict[str, date] = {}
            for pos, i in enumerate(index.by_start):
                term = index.terms[i]
                if term.end < term.start:
                    continue  # holds no day: never served
                day = self._first_covered(term.start, term.end)
                if pos in claimed and (day is None or claimed[pos] < day):
                    day = claimed[pos]
                if day is not None and (term.id not in first_day or day < first_day[term.id]):
                    first_day[term.id] = day
            self.first_days = sorted(first_day.values())

    def _first_covered(self, start: date, end: date) -> date | None:
        """The first day of [start, end] that a span holds, or None."""
        j = bisect_right(self.starts, start) - 1
        if j >= 0 and self.ends[j] >= start:
            return start
        j += 1
        if j < len(self.starts) and self.starts[j] <= end:
            return self.starts[j]
        return None

    def __call__(self, as_of: date) -> int:
        last = as_of - ONE_DAY
        if not self.index.ordered:
            return self.prior + bisect_right(self.first_days, last)
        extra = bisect_right(self.extra_from, last) - bisect_right(self.extra_until, last) if self.extra_from else 0
        k = bisect_right(self.starts, last)  # the spans starting before D; only the last may run on past D − 1
        if k == 0:
            return self.prior + extra
        first, top = self.index.run(self.starts[k - 1], min(self.ends[k - 1], last))
        new = max(0, top - max(first, self.top[k - 1] + 1) + 1)
        return self.prior + self.counted[k - 1] + new + extra


def default_term(terms: tuple[Term, ...], as_of: date) -> Term | None:
    """The term containing D, else the latest term that started before D, else the first term."""
    if not terms:
        return None
    for t in terms:
        if t.contains(as_of):
            return t
    started = [t for t in terms if t.start < as_of]
    return max(started, key=lambda t: t.start) if started else terms[0]


def term_fraction(a_start: date, a_end: date | None, term: Term) -> Fraction:
    """overlap days / term days, both ends inclusive; an open end runs to the term's end."""
    return Fraction(overlap_days(a_start, a_end, term.start, term.end), term.days)


# --- caseload members with dates (SPEC 9.3) -----------------------------------------------------------------------


def member_span(member: Member, assignment: Assignment) -> tuple[date, date | None]:
    """The member's first and last day on the caseload, both inclusive, clipped to the assignment (last None:
    open-ended with it). A side the member does not give runs with the assignment. The span is empty (last
    before first) when the member's dates miss the assignment or end before they start (a `date-order` problem)."""
    first = assignment.start if member.start is None or member.start < assignment.start else member.start
    last = assignment.end
    if member.end is not None and (last is None or member.end < last):
        last = member.end
    return first, last


def member_days(member: Member, assignment: Assignment, term: Term) -> int:
    """The days of `term` on which `member` is on the assignment's caseload: the member's dates clipped to the
    assignment and the term (SPEC 9.2's per-member pay is this over the term's days)."""
    first, last = member_span(member, assignment)
    return overlap_days(first, last, term.start, term.end)


class Span(NamedTuple):
    """Days `first` to `last` (both inclusive; `last` None: open-ended) on which a caseload's weighted size is
    `size`. `before` is the size on `first` once that day's leavers have left and before its `joined` members (in
    caseload order) join: the member whose joining makes the size pass a cap is found from it."""

    first: date
    last: date | None
    size: Decimal
    before: Decimal
    joined: tuple[Member, ...]


def caseload_spans(
    members: Sequence[Member], weight: Callable[[str | None], Decimal], assignment: Assignment
) -> list[Span]:
    """The assignment's days cut where its caseload's weighted size changes, in date order, covering the whole
    assignment (size 0 where no one is on it). A sweep over the members' start and end events, O(m log m) for m
    members whatever the assignment's length: the definition day by day is tests/test_caseload_dates.py's oracle."""
    if assignment.end is not None and assignment.end < assignment.start:
        return []
    delta: dict[date, Decimal] = {assignment.start: Decimal(0)}
    joins: dict[date, list[Member]] = {}
    for m in members:
        first, last = member_span(m, assignment)
        if last is not None and last < first:
            continue
        w = weight(m.service)
        delta[first] = delta.get(first, Decimal(0)) + w
        joins.setdefault(first, []).append(m)
        if last is not None and last != assignment.end:
            leave = last + ONE_DAY
            delta[leave] = delta.get(leave, Decimal(0)) - w
    days = sorted(delta)
    spans = []
    size = Decimal(0)
    for i, day in enumerate(days):
        joined = tuple(joins.get(day, ()))
        gained = sum((weight(m.service) for m in joined), Decimal(0))
        size += delta[day]
        last = days[i + 1] - ONE_DAY if i + 1 < len(days) else assignment.end
        spans.append(Span(day, last, size, size - gained, joined))
    return spans


def peak_size(spans: Iterable[Span], first: date, last: date) -> Decimal:
    """The largest weighted size on a day of [first, last] among `spans` (0 when none of them holds such a day)."""
    peak = Decimal(0)
    for s in spans:
        if s.first <= last and (s.last is None or s.last >= first) and s.size > peak:
            peak = s.size
    return peak
