"""coursework — courses completed by the date.

Options: ``all_of`` (course ids) and/or ``min_count``.

A course counts once it is dated ≤ D. Passes when every ``all_of`` course is completed and the number of
distinct completed courses reaches ``min_count`` (when given).
Unknown when ``coursework`` is absent; an empty list fails.

Example: ``- coursework: {all_of: [cognitive-coaching, state-education-law]}`` → "coursework: missing state-education-law".
"""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Callable
from datetime import date
from itertools import islice

from tlt.model import Teacher
from tlt.problems import LIST_LIMIT, listed
from tlt.rules.base import FAIL, PASS, Context, Result, as_set

KIND = "coursework"
FIELD = "coursework"


def check(options: dict, teacher: Teacher, ctx: Context) -> Result:  # type: ignore[type-arg]
    d = ctx.as_of
    completed = {c.id for c in teacher.coursework or () if c.date <= d}
    return _missing(options, completed, len(completed))


def over_dates(options: dict, teacher: Teacher, ctx: Context) -> Callable[[date], Result]:  # type: ignore[type-arg]
    """`check` on any date: the first date each course was completed, and those dates sorted (the courses done
    by D are a bisection)."""
    first: dict[str, date] = {}
    for c in teacher.coursework or ():
        if c.id not in first or c.date < first[c.id]:
            first[c.id] = c.date
    dates = sorted(first.values())
    needed = as_set(options.get("all_of"))
    named = {cid: done for cid, done in first.items() if cid in needed}

    def on(d: date) -> Result:
        return _missing(options, {cid for cid, done in named.items() if done <= d}, bisect_right(dates, d))

    return on


def _missing(options: dict, completed: set[str], done: int) -> Result:  # type: ignore[type-arg]
    """The answer from the courses completed (those the rule names, at least) and how many were done."""
    all_of = options.get("all_of", ())  # (no id twice: the schema's uniqueItems)
    # the first missing courses, in the rule's order: the courses done are the only ones skipped, so the work is
    # the teacher's courses and the names shown, never the whole list (a role can name 100,000 courses)
    missing_count = len(all_of) - len(completed & as_set(all_of))
    missing = list(islice((cid for cid in all_of if cid not in completed), LIST_LIMIT))
    return _answer(missing, missing_count, done, options)


def _answer(missing: list[str], missing_count: int | None, done: int, options: dict) -> Result:  # type: ignore[type-arg]
    """The answer from the first missing courses (and how many are missing, when that is more) and the courses
    done."""
    problems = []
    if missing:
        problems.append("missing " + listed(missing, total=missing_count))
    min_count = options.get("min_count")
    if min_count is not None and done < int(min_count):
        problems.append(f"{done} course{'s' if done != 1 else ''} completed, needs {min_count}")
    if problems:
        return FAIL, "coursework: " + "; ".join(problems)
    return PASS, f"coursework: {done} course{'s' if done != 1 else ''} completed"


def summarize(options: dict) -> str:  # type: ignore[type-arg]
    parts = []
    if options.get("all_of"):
        parts.append(f"{len(options['all_of'])} named courses")
    if options.get("min_count"):
        parts.append(f"≥{options['min_count']} courses")
    return " + ".join(parts)
