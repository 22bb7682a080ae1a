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

from fractions import Fraction

from tlt.model import Teacher
from tlt.rules.base import FAIL, PASS, Context, Result, number
from tlt.timeline import credited_years, format_years

KIND = "experience"
FIELD = "experience"


def _label(options: dict) -> str:  # type: ignore[type-arg]
    label = "experience"
    if options.get("employer") is not None:
        label += f" in {options['employer']}"
    if options.get("tag") is not None:
        label += f" tagged {options['tag']}"
    return label


def check(options: dict, teacher: Teacher, ctx: Context) -> Result:  # type: ignore[type-arg]
    years = credited_years(teacher.experience or (), ctx.as_of, options.get("employer"), options.get("tag"))
    label = _label(options)
    shown = format_years(years)
    if options.get("min_years") is None:
        if years > 0:
            return PASS, f"{label}: {shown} years"
        return FAIL, f"{label}: none"
    needed = Fraction(options["min_years"])
    if years >= needed:
        return PASS, f"{label}: {shown} years (needs {number(options['min_years'])})"
    return FAIL, f"{label}: {shown} years, needs {number(options['min_years'])}"


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
