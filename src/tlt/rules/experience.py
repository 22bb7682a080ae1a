"""experience — credited years of service.

Options: ``min_years`` (number; may be omitted when ``tag`` is given), ``employer`` (exact, case-sensitive),
``tag``.

Credited years = Σ over the teacher's experience entries of that employer carrying that tag (when given):
``years`` if the entry gives them, else ``fte × days / 365.25`` with
``days = max(0, (min(end + 1 day, D) − start).days)``; an open-ended entry runs to D, and D itself has not yet
been worked. No rounding before comparing; reasons show two decimals rounded down.

Passes when credited years ≥ min_years; with only a ``tag``, when any credited time carries the tag.
Unknown when ``experience`` is absent; an empty list fails.

Example: ``- experience: {min_years: 10, employer: BPS}`` → "experience in BPS: 9.47 years, needs 10".
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from decimal import Decimal
from fractions import Fraction

from tlt.model import Teacher
from tlt.problems import shorten
from tlt.rules.base import FAIL, PASS, Context, Result, number
from tlt.timeline import TICKS_PER_YEAR, Credited, credited_parts, format_years

KIND = "experience"
FIELD = "experience"


def check(options: dict, teacher: Teacher, ctx: Context) -> Result:  # type: ignore[type-arg]
    employer, tag = options.get("employer"), options.get("tag")
    ticks, other = credited_parts(teacher.experience or (), ctx.as_of, employer, tag)
    return _answer(options, ticks, other)


def over_dates(options: dict, teacher: Teacher, ctx: Context) -> Callable[[date], Result]:  # type: ignore[type-arg]
    """`check` on any date: running sums of the entries, bisected (`timeline.Credited`)."""
    credited = Credited(teacher.experience or (), options.get("employer"), options.get("tag"))
    return lambda d: _answer(options, *credited(d))


def _answer(options: dict, ticks: int, other: Fraction | int) -> Result:  # type: ignore[type-arg]
    """The answer for credited time of `ticks` whole ticks plus `other` years (`timeline.credited_parts`)."""
    min_years: Decimal | int | None = options.get("min_years")
    if other == 0:  # whole ticks only: integer arithmetic, the same answer as the exact fraction
        cents = ticks * 100 // TICKS_PER_YEAR
        shown = f"{cents // 100}.{cents % 100:02d}"
        positive = ticks > 0
        enough = min_years is not None and ticks >= _needed_ticks(min_years)
    else:
        years = other + Fraction(ticks, TICKS_PER_YEAR)
        shown = format_years(years)
        positive = years > 0
        enough = min_years is not None and years >= Fraction(min_years)
    label = _label(options.get("employer"), options.get("tag"))
    if min_years is None:
        if positive:
            return PASS, f"{label}: {shown} years"
        return FAIL, f"{label}: none"
    if enough:
        return PASS, f"{label}: {shown} years (needs {number(min_years)})"
    return FAIL, f"{label}: {shown} years, needs {number(min_years)}"


def _label(employer: str | None, tag: str | None) -> str:
    """ "experience in BPS tagged x"."""
    label = "experience"
    if employer is not None:
        label += f" in {shorten(employer)}"
    if tag is not None:
        label += f" tagged {shorten(tag)}"
    return label


def _needed_ticks(min_years: Decimal | int) -> int:
    """min_years in credited ticks (`timeline.TICKS_PER_YEAR` a year), rounded up: whole ticks reach min_years
    exactly when they reach this integer."""
    numerator, denominator = min_years.as_integer_ratio()
    return -(-numerator * TICKS_PER_YEAR // denominator)


def summarize(options: dict) -> str:  # type: ignore[type-arg]
    parts = []
    if options.get("min_years") is not None:
        parts.append(f"≥{number(options['min_years'])} yrs")
    else:
        parts.append("experience")
    if options.get("employer"):
        parts.append(f"in {options['employer']}")
    if options.get("tag"):
        parts.append(f"({options['tag']})")
    return " ".join(parts)
