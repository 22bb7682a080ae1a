"""evaluation — recent ratings meet a minimum ("successful teaching").

Options: ``min`` (a rating on tlt.yaml's ``rating_scale``, lowest first), ``last`` (default 1).

Passes when the ``last`` most recent ratings, of terms that ended before D, are all ≥ min on the scale. Fewer
than ``last`` such ratings fails. Ratings of terms that have not ended before D do not count yet.
Unknown when ``evaluations`` is absent; an empty list fails.

Example: ``- evaluation: {min: proficient, last: 3}`` → "evaluation: 2024-25 needs_improvement, needs proficient".
"""

from __future__ import annotations

from bisect import bisect_left
from datetime import date
from operator import itemgetter

from tlt.model import Evaluation, Teacher
from tlt.problems import LIST_LIMIT, listed, shorten
from tlt.rules.base import FAIL, PASS, Context, Result, asked_again

KIND = "evaluation"
FIELD = "evaluations"


def check(options: dict, teacher: Teacher, ctx: Context) -> Result:  # type: ignore[type-arg]
    minimum = options["min"]
    last = int(options.get("last", 1))
    scale = ctx.rating_scale
    ranks = _ranks(scale)
    floor = ranks.get(minimum, len(scale))
    evaluations = teacher.evaluations or ()
    wanted = shorten(minimum)
    need = f"{wanted} or better" if last == 1 else f"the last {last} at {wanted} or better"
    index = (
        asked_again(
            (evaluations, ctx.term_end, scale), KIND, ctx.as_of, lambda: _Index(evaluations, ctx.term_end, ranks)
        )
        if ctx.many_dates
        else None
    )
    if index is None:  # one question: the ratings of ended terms, latest first (a stable sort), the last few
        term_end, d = ctx.term_end, ctx.as_of
        ended = [(end, e) for e in evaluations if (end := term_end.get(e.term)) is not None and end < d]
        ended.sort(key=_first, reverse=True)  # equal ends keep the file's order
        recent = [e for _, e in ended[:last]]
        if len(recent) < last:
            return _too_few(len(recent), need)
        low = [e for e in recent if ranks.get(e.rating, -1) < floor]
        if low:
            low_shown = listed([_shown(e) for e in low[:LIST_LIMIT]], total=len(low), each=None)
            return FAIL, f"evaluation: {low_shown}, needs {need}"
        return PASS, "evaluation: " + listed([_shown(e) for e in recent[:LIST_LIMIT]], total=last, each=None)
    p = index.ended_before(ctx.as_of)
    if p < last:
        return _too_few(p, need)
    shown, total = index.low_in(p - last, p, floor)
    if total:
        return FAIL, f"evaluation: {listed(shown, total=total, each=None)}, needs {need}"
    recent_shown = [_shown(index.items[i]) for i in range(p - 1, max(p - 1 - LIST_LIMIT, p - 1 - last), -1)]
    return PASS, "evaluation: " + listed(recent_shown, total=last, each=None)


def _too_few(have: int, need: str) -> Result:
    return FAIL, f"evaluation: {have} rating{'s' if have != 1 else ''} of ended terms, needs {need}"


def _shown(e: Evaluation) -> str:
    return f"{e.term} {shorten(e.rating)}"


_first = itemgetter(0)


class _Index:
    """One teacher's evaluations of known terms, in the order "most recent first" reads backwards: by the term's
    end, and within one end by file position descending. The ratings of the terms ended before D are then a
    prefix, and the `last` most recent are its final `last` items read backwards (a stable sort of the file's
    order, latest end first, as the rule was written)."""

    def __init__(self, evaluations: tuple[Evaluation, ...], term_end: dict[str, date], ranks: dict[str, int]):
        items = sorted(
            ((end, -i, e) for i, e in enumerate(evaluations) if (end := term_end.get(e.term)) is not None),
            key=lambda item: (item[0], item[1]),
        )
        self.ends = [end for end, _, _ in items]
        self.items = [e for _, _, e in items]
        self.ranks = [ranks.get(e.rating, -1) for e in self.items]
        self._low: dict[int, list[int]] = {}

    def ended_before(self, d: date) -> int:
        return bisect_left(self.ends, d)

    def low_in(self, start: int, stop: int, floor: int) -> tuple[list[str], int]:
        """The ratings below `floor` among positions [start, stop), latest first: the first few shown, and how
        many there are."""
        if floor not in self._low:
            self._low[floor] = [i for i, rank in enumerate(self.ranks) if rank < floor]
        positions = self._low[floor]
        lo, hi = bisect_left(positions, start), bisect_left(positions, stop)
        return [_shown(self.items[positions[k]]) for k in range(hi - 1, max(lo, hi - LIST_LIMIT) - 1, -1)], hi - lo


_RANKS: dict[int, tuple[tuple[str, ...], dict[str, int]]] = {}


def _ranks(scale: tuple[str, ...]) -> dict[str, int]:
    """rating → its place on the scale (the first place, as `tuple.index`), made once per scale."""
    hit = _RANKS.get(id(scale))
    if hit is not None and hit[0] is scale:
        return hit[1]
    ranks: dict[str, int] = {}
    for i, rating in enumerate(scale):
        ranks.setdefault(rating, i)
    if len(_RANKS) >= 64:
        _RANKS.clear()
    _RANKS[id(scale)] = (scale, ranks)
    return ranks


def summarize(options: dict) -> str:  # type: ignore[type-arg]
    last = int(options.get("last", 1))
    return f"rated ≥{options['min']}" + (f" ×{last}" if last > 1 else "")
