"""coursework — courses completed by the date.

Options: ``all_of`` (course ids) and/or ``min_count``.

A course counts once it is dated ≤ D. Passes when every ``all_of`` course is completed and the number of
distinct completed courses reaches ``min_count`` (when given).
Unknown when ``coursework`` is absent; an empty list fails.

Example: ``- coursework: {all_of: [cognitive-coaching, state-education-law]}`` → "coursework: missing state-education-law".
"""

from __future__ import annotations

from bisect import bisect_right
from datetime import date
from itertools import islice

from tlt.model import Course, Teacher
from tlt.problems import LIST_LIMIT, listed
from tlt.rules.base import FAIL, PASS, SMALL, Context, Result, asked_again, option_set

KIND = "coursework"
FIELD = "coursework"


class _Index:
    """One teacher's courses: the first date each was completed, and those dates sorted (courses done by D is a
    bisection)."""

    def __init__(self, coursework: tuple[Course, ...]) -> None:
        self.first: dict[str, date] = {}
        for c in coursework:
            if c.id not in self.first or c.date < self.first[c.id]:
                self.first[c.id] = c.date
        self.dates = sorted(self.first.values())

    def done(self, d: date) -> int:
        return bisect_right(self.dates, d)

    def has(self, cid: str, d: date) -> bool:
        first = self.first.get(cid)
        return first is not None and first <= d


def check(options: dict, teacher: Teacher, ctx: Context) -> Result:  # type: ignore[type-arg]
    coursework = teacher.coursework or ()
    d = ctx.as_of
    index = asked_again((coursework,), KIND, d, lambda: _Index(coursework)) if ctx.many_dates else None
    all_of = options.get("all_of", ())  # (no id twice: the schema's uniqueItems)
    if index is None and len(all_of) <= SMALL:  # a few courses named: looking is cheapest
        completed = {c.id for c in coursework if c.date <= d}
        return _answer([cid for cid in all_of if cid not in completed], None, len(completed), options)
    needed = option_set(options, "all_of")
    if index is None:  # one question: the courses done by D, as a set
        completed = {c.id for c in coursework if c.date <= d}
        done = len(completed)
    else:
        done = index.done(d)
        completed = {cid for cid in index.first if cid in needed and index.has(cid, d)}
    # the first missing courses, in the rule's order: the courses done are the only ones skipped, so the work is
    # the teacher's courses and the names shown, never the whole list (a role can name 100,000 courses)
    missing_count = len(all_of) - len(completed & needed)
    missing = [cid for cid in islice((cid for cid in all_of if cid not in completed), LIST_LIMIT)]
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
