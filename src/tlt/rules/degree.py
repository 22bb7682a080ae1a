"""degree — the highest degree held is at least a level.

Options: ``min``: associate < bachelor < master < specialist < doctorate.

Passes when the highest recorded degree's level ≥ min. Unknown when ``degrees`` is absent; an empty list fails.

Example: ``- degree: {min: master}`` → "degree: bachelor, needs master".
"""

from __future__ import annotations

from tlt.model import DEGREE_LEVELS, Teacher
from tlt.rules.base import FAIL, PASS, Context, Result

KIND = "degree"
#: no date changes the answer (a teacher judged on many dates is judged on one: `tlt.answers`)
DATED = False
FIELD = "degrees"


def check(options: dict, teacher: Teacher, ctx: Context) -> Result:  # type: ignore[type-arg]
    needed = options["min"]
    levels = [DEGREE_LEVELS.index(d.level) for d in teacher.degrees or ()]
    if not levels:
        return FAIL, f"degree: none recorded, needs {needed}"
    highest = DEGREE_LEVELS[max(levels)]
    if max(levels) >= DEGREE_LEVELS.index(needed):
        return PASS, f"degree: {highest} (needs {needed})"
    return FAIL, f"degree: {highest}, needs {needed}"


def summarize(options: dict) -> str:  # type: ignore[type-arg]
    return f"{options['min']}'s" if options["min"] in ("bachelor", "master") else options["min"]
