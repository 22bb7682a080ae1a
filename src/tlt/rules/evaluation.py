"""evaluation — recent ratings meet a minimum ("successful teaching").

Options: ``min`` (a rating on tlt.yaml's ``rating_scale``, lowest first), ``last`` (default 1).

Passes when the ``last`` most recent ratings, of terms that ended before D, are all ≥ min on the scale. Fewer
than ``last`` such ratings fails. Ratings of terms that have not ended before D do not count yet.
Unknown when ``evaluations`` is absent; an empty list fails.

Example: ``- evaluation: {min: proficient, last: 3}`` → "evaluation: 2024-25 needs_improvement, needs proficient".
"""

from __future__ import annotations

from operator import itemgetter

from tlt.model import Teacher
from tlt.problems import listed, shorten
from tlt.rules.base import FAIL, PASS, Context, Result

KIND = "evaluation"
FIELD = "evaluations"


def check(options: dict, teacher: Teacher, ctx: Context) -> Result:  # type: ignore[type-arg]
    minimum = options["min"]
    last = int(options.get("last", 1))
    scale = ctx.rating_scale
    floor = scale.index(minimum) if minimum in scale else len(scale)
    term_end, d = ctx.term_end, ctx.as_of
    ended = []
    for e in teacher.evaluations or ():
        end = term_end.get(e.term)
        if end is not None and end < d:
            ended.append((end, e))
    ended.sort(key=_first, reverse=True)  # latest first; a stable sort: equal ends keep the file's order
    recent = [e for _, e in ended[:last]]
    shown = shorten(minimum)
    need = f"{shown} or better" if last == 1 else f"the last {last} at {shown} or better"
    if len(recent) < last:
        have = f"{len(recent)} rating{'s' if len(recent) != 1 else ''} of ended terms"
        return FAIL, f"evaluation: {have}, needs {need}"
    low = [e for e in recent if (scale.index(e.rating) if e.rating in scale else -1) < floor]
    if low:
        return FAIL, f"evaluation: {listed((f'{e.term} {shorten(e.rating)}' for e in low), each=None)}, needs {need}"
    return PASS, "evaluation: " + listed((f"{e.term} {shorten(e.rating)}" for e in recent), each=None)


_first = itemgetter(0)


def summarize(options: dict) -> str:  # type: ignore[type-arg]
    last = int(options.get("last", 1))
    return f"rated ≥{options['min']}" + (f" ×{last}" if last > 1 else "")
