"""Date arithmetic of SPEC sections 3 and 5, in one place: credited years, terms served, calendar months,
the default term and term fractions. Pure functions over `datetime.date`, `Fraction` and `Decimal`; imports only
`tlt.model`. Property-tested in tests/test_timeline.py.
"""

from __future__ import annotations

import calendar
from collections.abc import Iterable
from datetime import date, timedelta
from decimal import Decimal
from fractions import Fraction
from functools import cache

from tlt.model import Assignment, Experience, Term

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
    units, other = credited_parts(entries, as_of, employer, tag)
    return other + Fraction(units, UNITS_PER_YEAR) if units else Fraction(other)


#: credited time is counted in integers, in ten-thousandths of a full-time day (a year is 365.25 days): exact
#: for FTEs with up to four decimals and `years` with up to two, which is all that real records hold
UNITS_PER_DAY = 10_000
UNITS_PER_YEAR = 3_652_500


def credited_parts(
    entries: Iterable[Experience], as_of: date, employer: str | None = None, tag: str | None = None
) -> tuple[int, Fraction | int]:
    """`credited_years` in two parts: whole units (years = units / UNITS_PER_YEAR) and the rest in years, an exact
    fraction (0 unless an FTE has more than four decimals or `years` more than two: judging stays in integers)."""
    units = 0
    other: Fraction | int = 0
    for e in entries:
        if employer is not None and e.employer != employer:
            continue
        if tag is not None and tag not in e.tags:
            continue
        if e.years is not None:
            scaled = _units(e.years, UNITS_PER_YEAR)
            if scaled is None:
                other += Fraction(e.years)
            else:
                units += scaled
            continue
        assert e.start is not None
        stop = as_of if e.end is None else min(e.end + ONE_DAY, as_of)
        days = (stop - e.start).days
        if days <= 0:
            continue
        per_day = _units(e.fte, UNITS_PER_DAY)
        if per_day is None:
            other += Fraction(e.fte) * days / DAYS_PER_YEAR
        else:
            units += days * per_day
    return units, other


@cache
def _units(value: Decimal, scale: int) -> int | None:
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
    """Ids of terms T that some assignment overlaps by at least one day before D: [T.start, min(T.end, D − 1)]."""
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


def terms_served(assignments: Iterable[Assignment], terms: Iterable[Term], as_of: date) -> int:
    """SPEC 3: Σ prior_terms of the assignments + distinct terms they overlap on a day before D."""
    assignments = list(assignments)
    return sum(a.prior_terms for a in assignments) + len(terms_overlapped(assignments, terms, as_of))


def cooling_off_until(end: date, months: int) -> date:
    """The last day a cooling-off bars: end + months calendar months (clamped). Barred while D ≤ this day."""
    return add_months(end, months)


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
