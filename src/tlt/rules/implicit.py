"""The implicit rules, applied to every role without being written (SPEC section 3).

* ``term_limit``: terms served in this role as of D < ``term_limit.max_terms`` (terms served = prior_terms +
  distinct terms an assignment of this role overlaps on a day before D).
* ``cooling-off``: for every assignment the teacher left (end < D) of a role whose ``after_service`` bars this
  role (by id or category), fail while D ≤ end + ``months`` calendar months (clamped to the month's last day).
"""

from __future__ import annotations

from bisect import bisect_left
from collections.abc import Callable
from datetime import date

from tlt.model import AfterService, Assignment, Role, Teacher
from tlt.rules.base import FAIL, PASS, Context, Result, Stretches
from tlt.timeline import ONE_DAY, Served, add_months

TERM_LIMIT = "term_limit"
COOLING_OFF = "cooling-off"


def term_limit(role: Role, teacher: Teacher, ctx: Context) -> Result:
    assert role.term_limit is not None
    return term_limit_over_dates(role, teacher, ctx)(ctx.as_of)


def term_limit_over_dates(role: Role, teacher: Teacher, ctx: Context) -> Callable[[date], Result]:
    """`term_limit` on any date: the role's assignments' terms served (`timeline.Served`), merged once."""
    assert role.term_limit is not None
    served = Served(tuple(a for a in teacher.assignments or () if a.role == role.id), ctx.term_index)
    limit = role.term_limit.max_terms
    return lambda d: _term_limit(served(d), limit)


def _term_limit(served: int, limit: int) -> Result:
    plural = "term" if served == 1 else "terms"
    if served < limit:
        return PASS, f"term limit: {served} {plural} served of {limit}"
    return FAIL, f"term limit: {served} {plural} served, limit {limit}"


def barring_entries(role: Role, roles: dict[str, Role]) -> list[tuple[str, AfterService]]:
    """(id of the role left, its after_service entry) for every entry that bars `role`."""
    return [(other.id, entry) for other in roles.values() for entry in other.after_service if entry.bars(role)]


def cooling_off(role: Role, teacher: Teacher, ctx: Context, barring: list[tuple[str, AfterService]]) -> Result:
    """Fail while a cooling-off from a role the teacher left bars `role`; `barring` from `barring_entries`. The
    first barring entry (in `barring` order) and, for it, the first left assignment (in file order) is named:
    every left assignment looked at for every barring entry. For a teacher judged on many dates or against many
    roles, `TeacherBars` gives the same answers from an index."""
    return scan_cooling_off(role, teacher.assignments or (), ctx.as_of, barring)


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


class TeacherBars:
    """Which cooling-off bars a role on a date, for one teacher, whatever the number of entries and assignments.

    A role X is barred through the entries naming X's id or X's category (a "key"); `barring` order is the
    roles' order, then each role's entries. Per key, built when first asked: for each role left, the entries with
    the key that bar longer than every earlier one ("records": a later entry barring no longer than an earlier
    one is never the first in force), and when each of the teacher's left assignments of it bars (a `Stretches`
    over the roles, so the first role barring on a date is one bisection). Within that role the first entry in
    force is the first record reaching the date from the latest end before it (a later end needs fewer months),
    and the assignment named, the first in file order whose end that record still reaches: the ends that do
    form a run, searched by bisection, and the least file position in the run comes from a sparse table."""

    def __init__(self, assignments: tuple[Assignment, ...], roles: dict[str, Role]) -> None:
        self.assignments = assignments
        self.roles = roles
        self.position = {role_id: i for i, role_id in enumerate(roles)}
        left: dict[str, list[tuple[date, int]]] = {}
        for i, a in enumerate(assignments):
            if a.end is not None and a.role in roles and roles[a.role].after_service:
                left.setdefault(a.role, []).append((a.end, i))
        self.left = {role_id: sorted(ends) for role_id, ends in left.items()}
        self.keys: dict[tuple[str, str], _KeyBars | None] = {}
        self._ids: list[str] | None = None

    def answer(self, role: Role, d: date) -> Result:
        """`cooling_off` for `role` on `d`."""
        found = self.first(role, d)
        if found is None:
            return PASS, NONE_IN_FORCE
        left_id, entry, end = found
        return _barred(role, left_id, entry, end)

    def first(self, role: Role, d: date) -> tuple[str, AfterService, date] | None:
        """(role left, its entry, the left assignment's end) of the cooling-off barring `role` on `d`, or None."""
        best: tuple[int, int, int] | None = None
        for key in (("id", role.id), ("category", role.category)):
            if key not in self.keys:
                self.keys[key] = _KeyBars(self, key) if self.left else None
            bars = self.keys[key]
            found = bars.first(d) if bars is not None else None
            if found is not None and (best is None or found < best):
                best = found
        if best is None:
            return None
        left_id = self._role_at(best[0])
        return left_id, self.roles[left_id].after_service[best[1]], self.assignments[best[2]].end  # type: ignore[return-value]

    def _role_at(self, position: int) -> str:
        if self._ids is None:
            self._ids = list(self.roles)
        return self._ids[position]


class _KeyBars:
    """`TeacherBars` for one key: the roles left whose entries bar it."""

    def __init__(self, owner: TeacherBars, key: tuple[str, str]) -> None:
        kind, name = key
        self.records: dict[str, tuple[list[int], list[int]]] = {}  # role → (entry positions, months), increasing
        spans: list[tuple[date, date | None, int]] = []
        for role_id, ends in owner.left.items():
            js: list[int] = []
            months: list[int] = []
            for j, entry in enumerate(owner.roles[role_id].after_service):
                if name in (entry.roles if kind == "id" else entry.categories) and (
                    not months or entry.months > months[-1]
                ):
                    js.append(j)
                    months.append(entry.months)
            if not js:
                continue
            self.records[role_id] = (js, months)
            position = owner.position[role_id]
            spans.extend((end + ONE_DAY, add_months(end, months[-1]), position) for end, _ in ends)
        self.owner = owner
        self.active = Stretches(spans)
        self.tables: dict[str, _SparseMin] = {}

    def first(self, d: date) -> tuple[int, int, int] | None:
        """(role position, entry position, assignment position) of the first bar on `d`, or None."""
        position = self.active.at(d)
        if position is None:
            return None
        role_id = self.owner._role_at(position)
        ends = self.owner.left[role_id]
        js, months = self.records[role_id]
        p = bisect_left(ends, (d,))  # the assignments left before D
        latest = ends[p - 1][0]
        k = bisect_left(months, _months_to_reach(latest, d))  # the first record reaching D from the latest end
        reach = months[k]
        lo, hi = 0, p - 1  # the first end from which that record still reaches D (the ends that do are a run)
        while lo < hi:
            mid = (lo + hi) // 2
            if add_months(ends[mid][0], reach) >= d:
                hi = mid
            else:
                lo = mid + 1
        if role_id not in self.tables:
            self.tables[role_id] = _SparseMin([i for _, i in ends])
        return position, js[k], self.tables[role_id].least(lo, p)


def _months_to_reach(end: date, d: date) -> int:
    """The fewest calendar months m with add_months(end, m) >= d (for end < d)."""
    m = max(0, (d.year - end.year) * 12 + d.month - end.month)
    return m if add_months(end, m) >= d else m + 1


class _SparseMin:
    """The least value over any run of a list, in O(1) after O(n log n)."""

    def __init__(self, values: list[int]) -> None:
        self.levels = [values]
        width = 1
        while 2 * width <= len(values):
            prev = self.levels[-1]
            self.levels.append([min(prev[i], prev[i + width]) for i in range(len(prev) - width)])
            width *= 2

    def least(self, lo: int, hi: int) -> int:
        """min(values[lo:hi]), hi > lo."""
        level = (hi - lo).bit_length() - 1
        row = self.levels[level]
        return min(row[lo], row[hi - (1 << level)])
