"""evaluation — recent ratings meet a minimum ("successful teaching").

Options: ``min`` (a rating on tlt.yaml's ``rating_scale``, lowest first), ``last`` (default 1).

Passes when the ``last`` most recent ratings, of terms that ended before D, are all ≥ min on the scale. Fewer
than ``last`` such ratings fails. Ratings of terms that have not ended before D do not count yet.
Unknown when ``evaluations`` is absent; an empty list fails.

Example: ``- evaluation: {min: proficient, last: 3}`` → "evaluation: 2024-25 needs_improvement, needs proficient".
"""

from __future__ import annotations

from bisect import bisect_left
from collections.abc import Callable
from datetime import date
from operator import itemgetter

from tlt.model import Evaluation, Teacher
from tlt.problems import LIST_LIMIT, listed, shorten
from tlt.rules.base import FAIL, PASS, Context, Result

KIND = "evaluation"
FIELD = "evaluations"


def check(options: dict, teacher: Teacher, ctx: Context) -> Result:  # type: ignore[type-arg]
    """The ratings of ended terms, latest first (a stable sort), the last few."""
    last, floor, need = _wanted(options, ctx)
    term_end, d, rank = ctx.term_end, ctx.as_of, ctx.rank
    ended = [(end, e) for e in teacher.evaluations or () if (end := term_end.get(e.term)) is not None and end < d]
    ended.sort(key=_first, reverse=True)  # equal ends keep the file's order
    recent = [e for _, e in ended[:last]]
    if len(recent) < last:
        return _too_few(len(recent), need)
    low = [e for e in recent if rank.get(e.rating, -1) < floor]
    if low:
        low_shown = listed([_shown(e) for e in low[:LIST_LIMIT]], total=len(low), each=None)
        return FAIL, f"evaluation: {low_shown}, needs {need}"
    return PASS, "evaluation: " + listed([_shown(e) for e in recent[:LIST_LIMIT]], total=last, each=None)


def over_dates(options: dict, teacher: Teacher, ctx: Context) -> Callable[[date], Result]:  # type: ignore[type-arg]
    """`check` on any date, from the ratings sorted once (`_Sorted`)."""
    last, floor, need = _wanted(options, ctx)
    ratings = _Sorted(teacher.evaluations or (), ctx.term_end, ctx.rank, floor)

    def on(d: date) -> Result:
        p = ratings.ended_before(d)
        if p < last:
            return _too_few(p, need)
        shown, total = ratings.low_in(p - last, p)
        if total:
            return FAIL, f"evaluation: {listed(shown, total=total, each=None)}, needs {need}"
        recent = [_shown(ratings.items[i]) for i in range(p - 1, max(p - 1 - LIST_LIMIT, p - 1 - last), -1)]
        return PASS, "evaluation: " + listed(recent, total=last, each=None)

    return on


def _wanted(options: dict, ctx: Context) -> tuple[int, int, str]:  # type: ignore[type-arg]
    """How many recent ratings count, the least rank they need, and the words for it."""
    minimum = options["min"]
    last = int(options.get("last", 1))
    wanted = shorten(minimum)
    need = f"{wanted} or better" if last == 1 else f"the last {last} at {wanted} or better"
    return last, ctx.rank.get(minimum, len(ctx.rating_scale)), need


def _too_few(have: int, need: str) -> Result:
    return FAIL, f"evaluation: {have} rating{'s' if have != 1 else ''} of ended terms, needs {need}"


def _shown(e: Evaluation) -> str:
    return f"{e.term} {shorten(e.rating)}"


_first = itemgetter(0)


class _Sorted:
    """One teacher's evaluations of known terms, in the order "most recent first" reads backwards: by the term's
    end, and within one end by file position descending. The ratings of the terms ended before D are then a
    prefix, and the `last` most recent are its final `last` items read backwards (a stable sort of the file's
    order, latest end first, as the rule was written)."""

    def __init__(
        self, evaluations: tuple[Evaluation, ...], term_end: dict[str, date], rank: dict[str, int], floor: int
    ) -> None:
        items = sorted(
            ((end, -i, e) for i, e in enumerate(evaluations) if (end := term_end.get(e.term)) is not None),
            key=lambda item: (item[0], item[1]),
        )
        self.ends = [end for end, _, _ in items]
        self.items = [e for _, _, e in items]
        #: the positions of the ratings below the rule's floor
        self.low = [i for i, e in enumerate(self.items) if rank.get(e.rating, -1) < floor]

    def ended_before(self, d: date) -> int:
        return bisect_left(self.ends, d)

    def low_in(self, start: int, stop: int) -> tuple[list[str], int]:
        """The ratings below the floor among positions [start, stop), latest first: the first few shown, and how
        many there are."""
        lo, hi = bisect_left(self.low, start), bisect_left(self.low, stop)
        return [_shown(self.items[self.low[k]]) for k in range(hi - 1, max(lo, hi - LIST_LIMIT) - 1, -1)], hi - lo


def summarize(options: dict) -> str:  # type: ignore[type-arg]
    last = int(options.get("last", 1))
    return f"rated ≥{options['min']}" + (f" ×{last}" if last > 1 else "")
