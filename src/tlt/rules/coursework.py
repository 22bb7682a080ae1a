"""coursework — courses completed by the date.

Options: ``all_of`` (course ids) and/or ``min_count``.

A course counts once it is dated ≤ D. Passes when every ``all_of`` course is completed and the number of
distinct completed courses reaches ``min_count`` (when given).
Unknown when ``coursework`` is absent; an empty list fails.

Example: ``- coursework: {all_of: [cognitive-coaching, state-education-law]}`` → "coursework: missing state-education-law".
"""

from __future__ import annotations

from tlt.model import Teacher
from tlt.problems import listed
from tlt.rules.base import FAIL, PASS, Context, Result

KIND = "coursework"
FIELD = "coursework"


def check(options: dict, teacher: Teacher, ctx: Context) -> Result:  # type: ignore[type-arg]
    done = {c.id for c in teacher.coursework or () if c.date <= ctx.as_of}
    problems = []
    missing = [cid for cid in options.get("all_of", ()) if cid not in done]
    if missing:
        problems.append("missing " + listed(missing))
    min_count = options.get("min_count")
    if min_count is not None and len(done) < int(min_count):
        problems.append(f"{len(done)} course{'s' if len(done) != 1 else ''} completed, needs {min_count}")
    if problems:
        return FAIL, "coursework: " + "; ".join(problems)
    return PASS, f"coursework: {len(done)} course{'s' if len(done) != 1 else ''} completed"


def summarize(options: dict) -> str:  # type: ignore[type-arg]
    parts = []
    if options.get("all_of"):
        parts.append(f"{len(options['all_of'])} named courses")
    if options.get("min_count"):
        parts.append(f"≥{options['min_count']} courses")
    return " + ".join(parts)
