from datetime import date, timedelta
from decimal import Decimal
from fractions import Fraction

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st
from rulekit import check_rule

START = date(2015, 8, 27)


def test_passes_on_the_exact_day_the_formula_reaches_the_threshold():
    # 10 years = 3652.5 days at 365.25: 3653 worked days are needed; D itself is not yet worked.
    assert (
        check_rule(
            "experience",
            {"min_years": 10},
            START + timedelta(days=3653),
            experience=[{"employer": "BPS", "start": START}],
        )[0]
        == "pass"
    )
    outcome, detail = check_rule(
        "experience", {"min_years": 10}, START + timedelta(days=3652), experience=[{"employer": "BPS", "start": START}]
    )
    assert outcome == "fail"
    assert detail == "experience: 9.99 years, needs 10"  # rounded down: never reads as 10.00


def test_closed_entry_counts_its_end_day():
    entry = {"employer": "BPS", "start": date(2020, 1, 1), "end": date(2020, 12, 31)}  # 366 days in 2020
    outcome, detail = check_rule("experience", {"min_years": 1}, date(2030, 1, 1), experience=[entry])
    assert (outcome, detail) == ("pass", "experience: 1.00 years (needs 1)")
    shorter = {**entry, "end": date(2020, 12, 30)}  # 365 days < 365.25
    assert check_rule("experience", {"min_years": 1}, date(2030, 1, 1), experience=[shorter])[0] == "fail"


def test_employer_filter_is_exact_and_case_sensitive():
    entries = [{"employer": "BPS", "years": 4}, {"employer": "bps", "years": 9}, {"employer": "Chelsea", "years": 9}]
    outcome, detail = check_rule(
        "experience", {"min_years": 5, "employer": "BPS"}, date(2026, 1, 1), experience=entries
    )
    assert (outcome, detail) == ("fail", "experience in BPS: 4.00 years, needs 5")
    assert check_rule("experience", {"min_years": 5}, date(2026, 1, 1), experience=entries)[0] == "pass"


def test_fte_and_credited_years_add_up():
    entries = [
        {"employer": "BPS", "start": date(2020, 1, 1), "end": date(2023, 12, 31), "fte": 0.5},  # 1461 days * .5 = 2 yrs
        {"employer": "Chelsea", "years": 1},
    ]
    outcome, detail = check_rule("experience", {"min_years": 3}, date(2026, 1, 1), experience=entries)
    assert (outcome, detail) == ("pass", "experience: 3.00 years (needs 3)")


def test_an_entry_starting_after_the_date_counts_nothing():
    entry = {"employer": "BPS", "start": date(2027, 1, 1)}
    assert check_rule("experience", {"min_years": 0.01}, date(2026, 1, 1), experience=[entry]) == (
        "fail",
        "experience: 0.00 years, needs 0.01",
    )


def test_tag_without_min_years_passes_on_any_tagged_time():
    entries = [{"employer": "X", "years": 2, "tags": ["english-learners"]}]
    assert check_rule("experience", {"tag": "english-learners"}, date(2026, 1, 1), experience=entries)[0] == "pass"
    assert check_rule("experience", {"tag": "special-education"}, date(2026, 1, 1), experience=entries) == (
        "fail",
        "experience tagged special-education: none",
    )


@pytest.mark.parametrize("value, outcome", [(None, "unknown"), ([], "fail")])
def test_absent_is_unknown_and_empty_fails(value, outcome):
    fields = {} if value is None else {"experience": value}
    assert check_rule("experience", {"min_years": 1}, date(2026, 1, 1), **fields)[0] == outcome


@settings(max_examples=300, deadline=None)
@given(
    days=st.integers(min_value=0, max_value=20_000),
    hundredths=st.integers(min_value=1, max_value=5_000),
)
@example(days=1461, hundredths=400)  # 4 years are exactly 1,461 days
@example(days=1460, hundredths=400)
def test_whole_days_meet_any_written_threshold_exactly(days, hundredths):
    """Full-time whole days are compared in integers: the same answer as years = days / 365.25 ≥ min_years,
    exactly, for thresholds with decimals (2.5, 0.01, 12.75) as for whole ones."""
    min_years = Decimal(hundredths) / 100
    start = date(1990, 1, 1)
    outcome, _ = check_rule(
        "experience",
        {"min_years": min_years},
        start + timedelta(days=days),
        experience=[{"employer": "X", "start": start}],
    )
    assert (outcome == "pass") == (Fraction(days * 100, 36525) >= Fraction(min_years))


@settings(max_examples=300, deadline=None)
@given(
    days=st.integers(min_value=0, max_value=20_000),
    fte=st.one_of(
        st.sampled_from([Decimal(1), Decimal("0.5"), Decimal("0.8")]), st.decimals(Decimal("0.001"), 1, places=5)
    ),
    years=st.one_of(st.none(), st.decimals(min_value=0, max_value=30, places=3)),
    hundredths=st.integers(min_value=1, max_value=3_000),
)
def test_the_answer_and_its_figure_are_those_of_exact_fractions(days, fte, years, hundredths):
    """Pass or fail and the years shown (two decimals, rounded down) are those of the exact sum, whether it was
    counted in integers or in fractions."""
    min_years = Decimal(hundredths) / 100
    start = date(1990, 1, 1)
    d = start + timedelta(days=days)
    entries = [{"employer": "X", "start": start, "fte": fte}]
    if years is not None:
        entries.append({"employer": "X", "years": years})
    outcome, detail = check_rule("experience", {"min_years": min_years}, d, experience=entries)
    exact = Fraction(fte) * days / Fraction(36525, 100) + (Fraction(years) if years is not None else 0)
    assert (outcome == "pass") == (exact >= Fraction(min_years))
    cents = exact.numerator * 100 // exact.denominator
    assert f": {cents // 100}.{cents % 100:02d} years" in detail
