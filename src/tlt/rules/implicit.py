"""The implicit rules, applied to every role without being written (SPEC section 3).

* ``term_limit``: terms served in this role as of D < ``term_limit.max_terms`` (terms served = prior_terms +
  distinct terms an assignment of this role overlaps on a day before D).
* ``cooling-off``: for every assignment the teacher left (end < D) of a role whose ``after_service`` bars this
  role (by id or category), fail while D ≤ end + ``months`` calendar months (clamped to the month's last day).
"""

from __future__ import annotations

from datetime import date

from tlt.model import AfterService, Assignment, Role, Teacher
from tlt.rules.base import FAIL, PASS, Context, Result, Stretches, asked_again
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
    index = (
        asked_again((assignments, barring), (COOLING_OFF, id(barring)), d, lambda: _Bars(assignments, barring))
        if ctx.many_dates
        else None
    )
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


class _Bars(Stretches):
    """Which (barring entry, left assignment) bars a role on any date, for a teacher asked about on many dates:
    each pair bars the days [end + 1, end + months], and the one named on a day is the first in (entry, file)
    order among those barring it."""

    def __init__(self, assignments: tuple[Assignment, ...], barring: list[tuple[str, AfterService]]) -> None:
        by_role: dict[str, list[int]] = {}
        for i, a in enumerate(assignments):
            if a.end is not None:
                by_role.setdefault(a.role, []).append(i)
        spans: list[tuple[date, date | None, tuple[int, int]]] = []
        for b, (left_id, entry) in enumerate(barring):
            for i in by_role.get(left_id, ()):
                end = assignments[i].end
                assert end is not None
                spans.append((end + ONE_DAY, add_months(end, entry.months), (b, i)))
        super().__init__(spans)
