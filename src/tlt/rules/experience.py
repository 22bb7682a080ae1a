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

from decimal import Decimal
from fractions import Fraction
from functools import cache, lru_cache

from tlt.model import Teacher
from tlt.problems import shorten
from tlt.rules.base import FAIL, PASS, Context, Result, asked_again, number
from tlt.timeline import TICKS_PER_YEAR, Credited, credited_parts, format_years

KIND = "experience"
FIELD = "experience"


@cache
def _label(employer: str | None, tag: str | None) -> str:
    """ "experience in BPS tagged x"."""
    label = "experience"
    if employer is not None:
        label += f" in {shorten(employer)}"
    if tag is not None:
        label += f" tagged {shorten(tag)}"
    return label


@cache
def _needed_ticks(min_years: Decimal | int) -> int:
    """min_years in credited ticks (`timeline.TICKS_PER_YEAR` a year), rounded up: whole ticks reach min_years
    exactly when they reach this integer."""
    needed = Fraction(min_years) * TICKS_PER_YEAR
    return -(-needed.numerator // needed.denominator)


def check(options: dict, teacher: Teacher, ctx: Context) -> Result:  # type: ignore[type-arg]
    employer, tag = options.get("employer"), options.get("tag")
    entries = teacher.experience or ()
    # judged on many dates (each assignment's start): running sums, bisected, from the second date on
    index = (
        asked_again((entries,), (KIND, employer, tag), ctx.as_of, lambda: Credited(entries, employer, tag))
        if ctx.many_dates
        else None
    )
    ticks, other = index(ctx.as_of) if index is not None else credited_parts(entries, ctx.as_of, employer, tag)
    return _answer(employer, tag, options.get("min_years"), ticks, other)


@lru_cache(maxsize=1 << 16)
def _answer(
    employer: str | None, tag: str | None, min_years: Decimal | int | None, ticks: int, other: Fraction | int
) -> Result:
    """The answer for credited time of `ticks` whole ticks plus `other` years (`timeline.credited_parts`): the same
    for every teacher with the same figures, so made once for them."""
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
    label = _label(employer, tag)
    if min_years is None:
        if positive:
            return PASS, f"{label}: {shown} years"
        return FAIL, f"{label}: none"
    if enough:
        return PASS, f"{label}: {shown} years (needs {number(min_years)})"
    return FAIL, f"{label}: {shown} years, needs {number(min_years)}"


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
