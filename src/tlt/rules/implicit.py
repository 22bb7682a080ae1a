"""The implicit rules, applied to every role without being written (SPEC section 3).

* ``term_limit``: terms served in this role as of D < ``term_limit.max_terms`` (terms served = prior_terms +
  distinct terms an assignment of this role overlaps on a day before D).
* ``cooling-off``: for every assignment the teacher left (end < D) of a role whose ``after_service`` bars this
  role (by id or category), fail while D ≤ end + ``months`` calendar months (clamped to the month's last day).
  For a role left with ``versions``, the ``after_service`` in force on the assignment's end counts.
"""

from __future__ import annotations

from bisect import bisect_left
from collections.abc import Callable
from datetime import date

from tlt.model import AfterService, Assignment, Role, Teacher, Term, role_in_force
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
    """(id of the role left, its after_service entry) for every entry that bars `role`: of each role, the entries
    of the file and then those of each of its versions (SPEC 9.1: the entries in force on a left assignment's end
    count, so any of them may bar)."""
    return [(other.id, entry) for other in roles.values() for entry in _every_entry(other) if entry.bars(role)]


def _every_entry(role: Role) -> list[AfterService]:
    base = role.origin or role
    entries = list(base.after_service)
    for version in base.versions:
        entries.extend(version.fields.get("after_service", ()))
    return entries


def left_entries(role: Role, end: date, terms: tuple[Term, ...]) -> tuple[AfterService, ...]:
    """The after_service entries of a role left on `end`: those of the role in force on that day (SPEC 9.1), what
    bars a teacher after the assignment whatever was agreed before or after it. `role` may be the role as written
    or in force on any date."""
    if not (role.origin or role).versions:
        return role.after_service
    return role_in_force(role, end, terms).after_service


def cooling_off(role: Role, teacher: Teacher, ctx: Context, barring: list[tuple[str, AfterService]]) -> Result:
    """Fail while a cooling-off from a role the teacher left bars `role`; `barring` from `barring_entries`. The
    first role left (in `ctx.roles` order) barring it, for it the first entry position (in its after_service in
    force on the left assignment's end) and for that the first left assignment (in file order) is named: every
    left assignment's entries looked at. For a teacher judged on many dates or against many roles, `TeacherBars`
    gives the same answers from an index."""
    return scan_cooling_off(role, teacher.assignments or (), ctx.as_of, barring, ctx.roles, ctx.terms)


def scan_cooling_off(
    role: Role,
    assignments: tuple[Assignment, ...],
    d: date,
    barring: list[tuple[str, AfterService]],
    roles: dict[str, Role],
    terms: tuple[Term, ...] = (),
) -> Result:
    """`cooling_off` by looking at every left assignment's entries in force on its end: for one question."""
    order: dict[str, int] = {}
    for left_id, _ in barring:
        order.setdefault(left_id, len(order))
    best: tuple[int, int, int, AfterService] | None = None
    for i, a in enumerate(assignments):
        if a.role not in order or a.end is None or a.end >= d or a.role not in roles:
            continue
        for j, entry in enumerate(left_entries(roles[a.role], a.end, terms)):
            if entry.bars(role) and d <= add_months(a.end, entry.months):
                if best is None or (order[a.role], j, i) < best[:3]:
                    best = (order[a.role], j, i, entry)
                break
    if best is None:
        return PASS, NONE_IN_FORCE
    a = assignments[best[2]]
    assert a.end is not None
    return _barred(role, a.role, best[3], a.end)


NONE_IN_FORCE = "cooling-off: none in force"


def _barred(role: Role, left_id: str, entry: AfterService, end: date) -> Result:
    until = add_months(end, entry.months)
    what = f"role {role.id}" if role.id in entry.roles else f"{role.category} roles"
    cite = f" (per {entry.cite})" if entry.cite else ""
    return FAIL, f"cooling-off: left {left_id} on {end}; barred from {what} until {until}{cite}"


class TeacherBars:
    """Which cooling-off bars a role on a date, for one teacher, whatever the number of entries and assignments.

    A role X is barred through the entries naming X's id or X's category (a "key"); the first bar is that of the
    first role left (the roles' order), then the first entry position, then the first assignment in file order.
    A role left's assignments are grouped by the after_service in force on their ends (one group for a role
    without versions, SPEC 9.1). Per key, built when first asked: for each group, the entries with the key that
    bar longer than every earlier one ("records": a later entry barring no longer than an earlier one is never
    the first in force), and when each left assignment bars (a `Stretches` over the roles, so the first role
    barring on a date is one bisection). Within a group the first entry in force is the first record reaching the
    date from the latest end before it (a later end needs fewer months), and the assignment named, the first in
    file order whose end that record still reaches: the ends that do form a run, searched by bisection, and the
    least file position in the run comes from a sparse table; the role's groups (a few: its versions) give the
    least (entry, assignment)."""

    def __init__(
        self, assignments: tuple[Assignment, ...], roles: dict[str, Role], terms: tuple[Term, ...] = ()
    ) -> None:
        self.assignments = assignments
        self.roles = roles
        self.position = {role_id: i for i, role_id in enumerate(roles)}
        groups: dict[str, dict[int, tuple[tuple[AfterService, ...], list[tuple[date, int]]]]] = {}
        for i, a in enumerate(assignments):
            if a.end is None or a.role not in roles:
                continue
            entries = left_entries(roles[a.role], a.end, terms)
            if entries:
                by_entries = groups.setdefault(a.role, {})
                by_entries.setdefault(id(entries), (entries, []))[1].append((a.end, i))
        #: role left → its groups: (the after_service in force on their ends, (end, file position) sorted)
        self.left = {
            role_id: [(entries, sorted(ends)) for entries, ends in by.values()] for role_id, by in groups.items()
        }
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
        best: tuple[int, int, int, int] | None = None
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
        entries = self.left[left_id][best[3]][0]
        return left_id, entries[best[1]], self.assignments[best[2]].end  # type: ignore[return-value]

    def _role_at(self, position: int) -> str:
        if self._ids is None:
            self._ids = list(self.roles)
        return self._ids[position]


class _KeyBars:
    """`TeacherBars` for one key: the groups of the roles left whose entries bar it."""

    def __init__(self, owner: TeacherBars, key: tuple[str, str]) -> None:
        kind, name = key
        #: (role, group) → (entry positions, months), increasing
        self.records: dict[tuple[str, int], tuple[list[int], list[int]]] = {}
        spans: list[tuple[date, date | None, int]] = []
        for role_id, groups in owner.left.items():
            for g, (entries, ends) in enumerate(groups):
                js: list[int] = []
                months: list[int] = []
                for j, entry in enumerate(entries):
                    if name in (entry.roles if kind == "id" else entry.categories) and (
                        not months or entry.months > months[-1]
                    ):
                        js.append(j)
                        months.append(entry.months)
                if not js:
                    continue
                self.records[(role_id, g)] = (js, months)
                position = owner.position[role_id]
                spans.extend((end + ONE_DAY, add_months(end, months[-1]), position) for end, _ in ends)
        self.owner = owner
        self.active = Stretches(spans)
        self.tables: dict[tuple[str, int], _SparseMin] = {}

    def first(self, d: date) -> tuple[int, int, int, int] | None:
        """(role position, entry position, assignment position, group) of the first bar on `d`, or None."""
        position = self.active.at(d)
        if position is None:
            return None
        role_id = self.owner._role_at(position)
        best: tuple[int, int, int, int] | None = None
        for g, (_, ends) in enumerate(self.owner.left[role_id]):
            record = self.records.get((role_id, g))
            if record is None:
                continue
            js, months = record
            p = bisect_left(ends, (d,))  # the assignments left before D
            if p == 0:
                continue
            need = _months_to_reach(ends[p - 1][0], d)
            if need > months[-1]:
                continue  # no entry of this group reaches D (another group of the role does)
            k = bisect_left(months, need)  # the first record reaching D from the latest end
            reach = months[k]
            lo, hi = 0, p - 1  # the first end from which that record still reaches D (the ends that do are a run)
            while lo < hi:
                mid = (lo + hi) // 2
                if add_months(ends[mid][0], reach) >= d:
                    hi = mid
                else:
                    lo = mid + 1
            if (role_id, g) not in self.tables:
                self.tables[(role_id, g)] = _SparseMin([i for _, i in ends])
            found = (position, js[k], self.tables[(role_id, g)].least(lo, p), g)
            if best is None or found < best:
                best = found
        return best


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
