"""The implicit rules, applied to every role without being written (SPEC section 3).

* ``term_limit``: terms served in this role as of D < ``term_limit.max_terms`` (terms served = prior_terms +
  distinct terms an assignment of this role overlaps on a day before D).
* ``cooling-off``: for every assignment the teacher left (end < D) of a role whose ``after_service`` bars this
  role (by id or category), fail while D ≤ end + ``months`` calendar months (clamped to the month's last day).
"""

from __future__ import annotations

import heapq
from bisect import bisect_right
from datetime import date

from tlt.model import AfterService, Assignment, Role, Teacher
from tlt.rules.base import FAIL, PASS, Context, Result, asked_again
from tlt.timeline import ONE_DAY, add_months, served_in

TERM_LIMIT = "term_limit"
COOLING_OFF = "cooling-off"


def term_limit(role: Role, teacher: Teacher, ctx: Context) -> Result:
    assert role.term_limit is not None
    role_id = role.id
    served = served_in(teacher.assignments or (), role_id, lambda a: a.role == role_id, ctx.terms)(ctx.as_of)
    limit = role.term_limit.max_terms
    plural = "term" if served == 1 else "terms"
    if served < limit:
        return PASS, f"term limit: {served} {plural} served of {limit}"
    return FAIL, f"term limit: {served} {plural} served, limit {limit}"


def barring_entries(role: Role, roles: dict[str, Role]) -> list[tuple[str, AfterService]]:
    """(id of the role left, its after_service entry) for every entry that bars `role`."""
    return [(other.id, entry) for other in roles.values() for entry in other.after_service if entry.bars(role)]


def cooling_off(role: Role, teacher: Teacher, ctx: Context, barring: list[tuple[str, AfterService]]) -> Result:
    """Fail while a cooling-off from a role the teacher left bars `role`; `barring` from `barring_entries`. The
    first barring entry (in `barring` order) and, for it, the first left assignment (in file order) is named."""
    d = ctx.as_of
    assignments = teacher.assignments or ()
    index = asked_again((assignments, barring), COOLING_OFF, lambda: _Bars(assignments, barring))
    if index is not None:
        found = index.at(d)
        if found is None:
            return PASS, NONE_IN_FORCE
        left_id, entry = barring[found[0]]
        return _barred(role, left_id, entry, assignments[found[1]].end)  # type: ignore[arg-type]
    return scan_cooling_off(role, assignments, d, barring)


def scan_cooling_off(
    role: Role, assignments: tuple[Assignment, ...], d: date, barring: list[tuple[str, AfterService]]
) -> Result:
    """`cooling_off` by looking at every left assignment for every barring entry: for one question."""
    for left_id, entry in barring:
        for a in assignments:
            if a.role != left_id or a.end is None or a.end >= d:
                continue
            if d <= add_months(a.end, entry.months):
                return _barred(role, left_id, entry, a.end)
    return PASS, NONE_IN_FORCE


NONE_IN_FORCE = "cooling-off: none in force"


def _barred(role: Role, left_id: str, entry: AfterService, end: date) -> Result:
    until = add_months(end, entry.months)
    what = f"role {role.id}" if role.id in entry.roles else f"{role.category} roles"
    cite = f" (per {entry.cite})" if entry.cite else ""
    return FAIL, f"cooling-off: left {left_id} on {end}; barred from {what} until {until}{cite}"


class _Bars:
    """Which (barring entry, left assignment) bars a role on any date, for a teacher asked about on many dates.

    Each pair bars the days [end + 1, end + months]; the one named on a day is the first in (entry, file)
    order among those barring it. That answer changes only where a pair's days begin or end, so it is worked
    out once for each stretch between those dates (a sweep with a heap) and a date is found by bisection."""

    def __init__(self, assignments: tuple[Assignment, ...], barring: list[tuple[str, AfterService]]) -> None:
        by_role: dict[str, list[int]] = {}
        for i, a in enumerate(assignments):
            if a.end is not None:
                by_role.setdefault(a.role, []).append(i)
        events: list[tuple[date, int, tuple[int, int]]] = []  # (day, 0 = ends before it / 1 = begins, pair)
        for b, (left_id, entry) in enumerate(barring):
            for i in by_role.get(left_id, ()):
                end = assignments[i].end
                assert end is not None
                first, last = end + ONE_DAY, add_months(end, entry.months)
                if first > last:
                    continue
                events.append((first, 1, (b, i)))
                if last < date.max:
                    events.append((last + ONE_DAY, 0, (b, i)))
        events.sort()
        self.bounds: list[date] = []
        self.answers: list[tuple[int, int] | None] = []
        live: list[tuple[int, int]] = []
        ended: dict[tuple[int, int], int] = {}
        k = 0
        while k < len(events):
            day = events[k][0]
            while k < len(events) and events[k][0] == day:
                _, begins, pair = events[k]
                if begins:
                    heapq.heappush(live, pair)
                else:
                    ended[pair] = ended.get(pair, 0) + 1
                k += 1
            while live and ended.get(live[0], 0):
                ended[live[0]] -= 1
                heapq.heappop(live)
            self.bounds.append(day)
            self.answers.append(live[0] if live else None)

    def at(self, d: date) -> tuple[int, int] | None:
        """(entry position, assignment position) of the pair barring on `d`, or None."""
        i = bisect_right(self.bounds, d) - 1
        return self.answers[i] if i >= 0 else None
