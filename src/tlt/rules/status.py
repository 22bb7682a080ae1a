"""status — the teacher's employment status is one of a list.

Options: ``in``: statuses that pass (free vocabulary: permanent, probationary, provisional, ...; exact match).

Unknown when ``status`` is absent.

Example: ``- status: {in: [permanent]}`` → "status: probationary, needs permanent".
"""

from __future__ import annotations

from tlt.model import Teacher
from tlt.problems import shorten
from tlt.rules.base import FAIL, PASS, Context, Result, as_set, words

KIND = "status"
#: no date changes the answer (a teacher judged on many dates is judged on one: `tlt.answers`)
DATED = False
FIELD = "status"


def check(options: dict, teacher: Teacher, ctx: Context) -> Result:  # type: ignore[type-arg]
    status = shorten(teacher.status or "")  # a reason quotes at most 80 characters of a value (SPEC section 7)
    if teacher.status in as_set(options["in"]):
        return PASS, f"status: {status}"
    return FAIL, f"status: {status}, needs {words(options['in'])}"


def summarize(options: dict) -> str:  # type: ignore[type-arg]
    return "/".join(options["in"])
