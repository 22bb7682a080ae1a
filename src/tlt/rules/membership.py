"""membership — the teacher belongs to at least one of a list (a union, a cohort).

Options: ``any_of``: memberships of which one is enough (exact match).

Unknown when ``memberships`` is absent; an empty list fails.

Example: ``- membership: {any_of: [BTU]}`` → "membership: none of BTU".
"""

from __future__ import annotations

from tlt.model import Teacher
from tlt.problems import listed
from tlt.rules.base import FAIL, PASS, Context, Result, as_set, words

KIND = "membership"
#: no date changes the answer (a teacher judged on many dates is judged on one: `tlt.answers`)
DATED = False
FIELD = "memberships"


def check(options: dict, teacher: Teacher, ctx: Context) -> Result:  # type: ignore[type-arg]
    wanted = as_set(options["any_of"])
    held = [m for m in teacher.memberships or () if m in wanted]
    if held:
        return PASS, f"membership: {listed(held)}"
    return FAIL, f"membership: not a member of {words(options['any_of'])}"


def summarize(options: dict) -> str:  # type: ignore[type-arg]
    return "/".join(options["any_of"])
