"""status — the teacher's employment status is one of a list.

Options: ``in``: statuses that pass (free vocabulary: permanent, probationary, provisional, ...; exact match).

Unknown when ``status`` is absent.

Example: ``- status: {in: [permanent]}`` → "status: probationary, needs permanent".
"""

from __future__ import annotations

from tlt.model import Teacher
from tlt.problems import shorten
from tlt.rules.base import FAIL, PASS, Context, Result, derived, option_set, words

KIND = "status"
#: no date changes the answer: judged once for a teacher judged on many dates (`judge.WrittenRules`)
DATED = False
FIELD = "status"


def check(options: dict, teacher: Teacher, ctx: Context) -> Result:  # type: ignore[type-arg]
    status = shorten(teacher.status or "")  # a reason quotes at most 80 characters of a value (SPEC section 7)
    if teacher.status in option_set(options, "in"):
        return PASS, f"status: {status}"
    return FAIL, f"status: {status}, needs {derived(options, 'needs words', lambda: words(options['in']))}"


def summarize(options: dict) -> str:  # type: ignore[type-arg]
    return "/".join(options["in"])
