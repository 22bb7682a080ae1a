"""Property tests for the date arithmetic of SPEC 3 and 5 (hypothesis), with explicit dates."""

from __future__ import annotations

import calendar
from datetime import date, timedelta
from decimal import Decimal
from fractions import Fraction

from hypothesis import given
from hypothesis import strategies as st

from tlt.model import Assignment, Experience, Src, Term
from tlt.timeline import (
    add_months,
    credited_years,
    default_term,
    entry_years,
    format_years,
    term_fraction,
    terms_served,
)

dates = st.dates(min_value=date(1990, 1, 1), max_value=date(2040, 12, 31))
ftes = st.sampled_from([Decimal("1"), Decimal("0.5"), Decimal("0.25"), Decimal("0.8")])


@st.composite
def entries(draw):
    if draw(st.booleans()):
        return Experience("BPS", None, None, Decimal(1), Decimal(draw(st.integers(0, 40))), (), Src("t"))
    start = draw(dates)
    end = draw(st.one_of(st.none(), st.dates(min_value=start, max_value=date(2040, 12, 31))))
    return Experience(draw(st.sampled_from(["BPS", "X"])), start, end, draw(ftes), None, (), Src("t"))


#: FTEs and credited years as written: most with few decimals (counted in integers), some with many (fractions)
odd_ftes = st.one_of(ftes, st.decimals(min_value=Decimal("0.00001"), max_value=1, places=5))
odd_years = st.one_of(st.integers(0, 40).map(Decimal), st.decimals(min_value=0, max_value=40, places=3))


@st.composite
def any_entries(draw):
    if draw(st.booleans()):
        return Experience("BPS", None, None, Decimal(1), draw(odd_years), ("t",) * draw(st.integers(0, 1)), Src("t"))
    start = draw(dates)
    end = draw(st.one_of(st.none(), st.dates(min_value=start, max_value=date(2040, 12, 31))))
    tags = ("t",) * draw(st.integers(0, 1))
    return Experience(draw(st.sampled_from(["BPS", "X"])), start, end, draw(odd_ftes), None, tags, Src("t"))


@given(st.lists(any_entries(), max_size=5), dates, st.sampled_from([None, "BPS"]), st.sampled_from([None, "t"]))
def test_credited_years_are_the_exact_sum_of_each_entry(items, d, employer, tag):
    """Counted in integers where it can be, in fractions where it cannot: always exactly Σ entry_years."""
    chosen = [e for e in items if (employer is None or e.employer == employer) and (tag is None or tag in e.tags)]
    assert credited_years(items, d, employer, tag) == sum((entry_years(e, d) for e in chosen), Fraction(0))


@given(st.lists(entries(), max_size=5), dates, dates)
def test_credited_years_are_monotone_in_the_date(items, d1, d2):
    early, late = sorted((d1, d2))
    assert credited_years(items, early) <= credited_years(items, late)


@given(st.lists(entries(), max_size=4), st.lists(entries(), max_size=4), dates)
def test_credited_years_are_additive_over_entries(a, b, d):
    assert credited_years(a + b, d) == credited_years(a, d) + credited_years(b, d)


@given(st.lists(entries(), max_size=5), dates)
def test_employer_filter_partitions(items, d):
    total = credited_years(items, d)
    assert total == credited_years(items, d, employer="BPS") + credited_years(items, d, employer="X")


@given(dates, st.integers(1, 1000))
def test_a_full_time_open_entry_is_days_over_365_25(start, days):
    e = Experience("BPS", start, None, Decimal(1), None, (), Src("t"))
    assert credited_years([e], start + timedelta(days=days)) == Fraction(days * 100, 36525)


@given(st.fractions(min_value=0, max_value=100))
def test_years_are_shown_rounded_down(value):
    shown = Decimal(format_years(value))
    assert shown <= value < shown + Decimal("0.01")


@given(dates, st.integers(0, 240))
def test_add_months_clamps_and_keeps_the_day_when_it_can(d, months):
    result = add_months(d, months)
    assert (result.year * 12 + result.month) - (d.year * 12 + d.month) == months
    last = calendar.monthrange(result.year, result.month)[1]
    assert result.day == min(d.day, last)


def test_add_months_examples():
    assert add_months(date(2025, 1, 31), 1) == date(2025, 2, 28)
    assert add_months(date(2024, 1, 31), 1) == date(2024, 2, 29)
    assert add_months(date(2025, 8, 31), 12) == date(2026, 8, 31)
    assert add_months(date(2024, 2, 29), 12) == date(2025, 2, 28)


TERMS = tuple(
    Term(f"{y}-{str(y + 1)[2:]}", date(y, 8, 25), date(y + 1, 6, 12), Src("tlt.yaml")) for y in range(2015, 2030)
)


@st.composite
def assignments(draw):
    start = draw(st.dates(min_value=date(2014, 1, 1), max_value=date(2031, 1, 1)))
    end = draw(st.one_of(st.none(), st.dates(min_value=start, max_value=date(2032, 1, 1))))
    return Assignment("t", "r", start, end, None, draw(st.integers(0, 3)), Src("t"))


@given(st.lists(assignments(), max_size=4), dates, dates)
def test_terms_served_is_monotone_in_the_date(items, d1, d2):
    early, late = sorted((d1, d2))
    assert terms_served(items, TERMS, early) <= terms_served(items, TERMS, late)


@given(st.lists(assignments(), min_size=1, max_size=4), dates)
def test_terms_served_counts_each_term_once(items, d):
    without_prior = [Assignment(a.teacher, a.role, a.start, a.end, None, 0, a.src) for a in items]
    assert terms_served(without_prior + without_prior, TERMS, d) == terms_served(without_prior, TERMS, d) <= len(TERMS)


@given(dates)
def test_default_term(d):
    t = default_term(TERMS, d)
    assert t is not None
    if any(x.contains(d) for x in TERMS):
        assert t.contains(d)
    elif d > TERMS[0].start:
        assert t.start < d and all(not (t.start < x.start < d) for x in TERMS)
    else:
        assert t == TERMS[0]


@given(st.dates(min_value=date(2024, 1, 1), max_value=date(2026, 12, 31)), st.integers(0, 500))
def test_term_fraction_is_between_zero_and_one(start, length):
    term = TERMS[10]
    f = term_fraction(start, start + timedelta(days=length), term)
    assert 0 <= f <= 1
    assert term_fraction(term.start, term.end, term) == 1
    assert term_fraction(term.start - timedelta(days=30), None, term) == 1
