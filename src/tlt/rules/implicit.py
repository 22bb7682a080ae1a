"""The implicit rules, applied to every role without being written (SPEC section 3).

* ``term_limit``: terms served in this role as of D < ``term_limit.max_terms`` (terms served = prior_terms +
  distinct terms an assignment of this role overlaps on a day before D).
* ``cooling-off``: for every assignment the teacher left (end < D) of a role whose ``after_service`` bars this
  role (by id or category), fail while D ≤ end + ``months`` calendar months (clamped to the month's last day).
"""

from __future__ import annotations

from tlt.model import AfterService, Role, Teacher
from tlt.rules.base import FAIL, PASS, Context, Result
from tlt.timeline import add_months, served_in

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
    """Fail while a cooling-off from a role the teacher left bars `role`; `barring` from `barring_entries`."""
    d = ctx.as_of
    for left_id, entry in barring:
        for a in teacher.assignments or ():
            if a.role != left_id or a.end is None or a.end >= d:
                continue
            until = add_months(a.end, entry.months)
            if d <= until:
                what = f"role {role.id}" if role.id in entry.roles else f"{role.category} roles"
                cite = f" (per {entry.cite})" if entry.cite else ""
                return FAIL, f"cooling-off: left {left_id} on {a.end}; barred from {what} until {until}{cite}"
    return PASS, "cooling-off: none in force"
