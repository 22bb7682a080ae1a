"""prior_role, term_limit and cooling-off: terms served, prior_terms, month-end clamping."""

from datetime import date, timedelta

from rulekit import role, teacher, term, verdict

from tlt.judge import ELIGIBLE, INELIGIBLE, NEEDS_REVIEW

COACH = role("coach", category="coaching")
LIMITED = role("ct", term_limit={"max_terms": 4, "cite": "MOU 7.2"})


def test_prior_role_by_category_counts_terms_before_the_date():
    r = role("lead", eligibility={"required": [{"prior_role": {"categories": ["coaching"], "min_terms": 2}}]})
    t = teacher(assignments=[{"role": "coach", "start": term("2024-25").start}])
    roles = {"coach": COACH}
    # as of 2025-26's first day, the open assignment has overlapped only 2024-25 before D
    v = verdict(r, t, term("2025-26").start, roles)
    assert v.verdict == INELIGIBLE
    assert v.reasons == ["prior role (coaching): 1 term, needs 2"]
    # one day later it has overlapped 2025-26 on a day before D
    assert verdict(r, t, term("2025-26").start + timedelta(days=1), roles).verdict == ELIGIBLE


def test_prior_terms_add_per_assignment():
    r = role("lead", eligibility={"required": [{"prior_role": {"roles": ["coach"], "min_terms": 3}}]})
    t = teacher(assignments=[{"role": "coach", "start": date(2024, 9, 1), "end": date(2025, 6, 1), "prior_terms": 2}])
    assert verdict(r, t, date(2026, 1, 1), {"coach": COACH}).verdict == ELIGIBLE
    assert verdict(r, teacher(), date(2026, 1, 1), {"coach": COACH}).verdict == NEEDS_REVIEW
    assert verdict(r, teacher(assignments=[]), date(2026, 1, 1), {"coach": COACH}).verdict == INELIGIBLE


def _holding_since(start_term: str):
    return teacher(assignments=[{"role": "ct", "start": term(start_term).start}])


def test_term_limit_fourth_term_is_allowed_fifth_is_not():
    t = _holding_since("2021-22")
    # as of 2024-25's first day: 2021-22, 22-23, 23-24 served → 3 < 4
    v = verdict(LIMITED, t, term("2024-25").start)
    assert v.verdict == ELIGIBLE
    assert v.checks[-1].detail == "term limit: 3 terms served of 4 (per MOU 7.2)"
    # a day later the 4th term is being served → 4, not < 4
    v = verdict(LIMITED, t, term("2024-25").start + timedelta(days=1))
    assert v.verdict == INELIGIBLE
    assert v.reasons == ["term limit: 4 terms served, limit 4 (per MOU 7.2)"]


def test_term_limit_counts_prior_terms_and_each_term_once():
    t = teacher(
        assignments=[
            {"role": "ct", "start": date(2024, 9, 1), "end": date(2024, 12, 1), "prior_terms": 2},
            {"role": "ct", "start": date(2025, 1, 5), "end": date(2025, 5, 1)},  # same term 2024-25
        ]
    )
    v = verdict(LIMITED, t, date(2026, 1, 1))
    assert v.checks[-1].detail.startswith("term limit: 3 terms served of 4")


CT = role("ct2", after_service=[{"bars": {"categories": ["administrator"]}, "months": 12}])
ADMIN = role("admin", category="administrator")


def _left(end: date):
    return teacher(assignments=[{"role": "ct2", "start": date(2020, 8, 31), "end": end}])


def test_cooling_off_runs_to_end_plus_months_inclusive():
    t = _left(date(2025, 8, 31))
    roles = {"ct2": CT}
    v = verdict(ADMIN, t, date(2026, 8, 31), roles)
    assert v.verdict == INELIGIBLE
    assert v.reasons == ["cooling-off: left ct2 on 2025-08-31; barred from administrator roles until 2026-08-31"]
    assert verdict(ADMIN, t, date(2026, 9, 1), roles).verdict == ELIGIBLE


def test_cooling_off_clamps_to_the_months_last_day():
    one_month = role("ct3", after_service=[{"bars": {"roles": ["admin"]}, "months": 1}])
    t = teacher(assignments=[{"role": "ct3", "start": date(2023, 9, 1), "end": date(2024, 1, 31)}])
    roles = {"ct3": one_month}
    assert verdict(ADMIN, t, date(2024, 2, 29), roles).verdict == INELIGIBLE  # leap year: Feb 29
    assert verdict(ADMIN, t, date(2024, 3, 1), roles).verdict == ELIGIBLE


def test_no_cooling_off_before_leaving_or_for_other_categories():
    roles = {"ct2": CT}
    current = teacher(assignments=[{"role": "ct2", "start": date(2020, 8, 31)}])
    assert verdict(ADMIN, current, date(2026, 1, 1), roles).verdict == ELIGIBLE
    assert (
        verdict(role("m", category="mentoring"), _left(date(2025, 8, 31)), date(2026, 1, 1), roles).verdict == ELIGIBLE
    )
