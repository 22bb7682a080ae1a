"""What a change to the data does to eligibility: two repositories and a date in, a `DiffResult` out.

For every (teacher, role) that exists on both sides, the verdicts of SPEC section 3 are compared; a pair whose
verdict changed is a `Change`, with the reasons that appeared and the reasons that went away. Roles and teachers
that exist on one side only are listed as added or removed, not pair by pair (a new role's verdicts show in its
counts). A removed and an added role whose definitions are equal apart from `id`, `title`, `description` and
`source` are a rename: their verdicts are compared as if the id had not changed.

The money (SPEC 9.4): for one term, each role's stipend total on both sides (`role_totals`: the rows of `tlt
stipends`, `reports.stipends.stipend_rows`, added per role, so both sides and the stipends report are computed by
the same code) and the difference, as a `MoneyDiff`. A diff whose totals all stay put carries no money
(`MoneyDiff.moved`), so its output is what it was before SPEC 9.4 (docs/reports.md, "`tlt diff` shows the money").

Pure: no git, no disk, no printing. `DiffResult.changes_table()`, `.roles_table()` and `MoneyDiff.table()` are
`render.rows.Table`s.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import Any

from tlt.judge import ELIGIBLE, Verdict, judge_all
from tlt.pipeline import Repository
from tlt.render.rows import Column, Table, json_rows, money
from tlt.reports import select_term
from tlt.reports.stipends import stipend_rows

#: Keys of a role file that never change a verdict: a role that differs only in these was renamed.
DESCRIPTIVE_KEYS = frozenset({"id", "title", "description", "source"})


@dataclass(frozen=True)
class Change:
    role: str
    teacher: str
    before: str
    after: str
    reasons_added: tuple[str, ...]
    reasons_removed: tuple[str, ...]

    @property
    def reason(self) -> str:
        """The reasons that changed: new ones as they read, vanished ones as "no longer: …"."""
        parts = [*self.reasons_added, *(f"no longer: {r}" for r in self.reasons_removed)]
        return "; ".join(parts)


@dataclass(frozen=True)
class RoleCount:
    role: str
    status: str  # changed | unchanged | added | removed | renamed
    was: str | None  # the old id of a renamed role
    eligible_before: int | None  # None: the role did not exist before
    eligible_after: int | None  # None: the role does not exist now
    gained: int  # verdict changes to eligible
    lost: int  # verdict changes from eligible
    changed: int  # verdict changes in all

    def summary(self) -> str:
        """One line for a reviewer, e.g. `mentor: +37 eligible, −2 (eligible 40 → 75; 41 verdicts changed)`."""
        b, a = self.eligible_before, self.eligible_after
        if self.status == "added":
            return f"{self.role}: added ({a} eligible)"
        if self.status == "removed":
            return f"{self.role}: removed (was {b} eligible)"
        head = f"{self.role} (renamed from {self.was})" if self.status == "renamed" else self.role
        n = self.changed
        return (
            f"{head}: +{self.gained} eligible, −{self.lost} (eligible {b} → {a}; "
            f"{n} verdict{'' if n == 1 else 's'} changed)"
        )


ZERO = Decimal("0.00")


def dollars(value: Decimal) -> str:
    """Money for a person: `$12,400.00` (a sign, when any, before the `$`: `−$600.00`, as the counts write −2)."""
    return f"{'−' if value < 0 else ''}${abs(value):,.2f}"


def signed_dollars(value: Decimal) -> str:
    """A difference for a person: `+$1,200.00`, `−$600.00`, `$0.00`."""
    return f"+{dollars(value)}" if value > 0 else dollars(value)


@dataclass(frozen=True)
class RoleMoney:
    """One role's stipend total in the term at the revision (`before`) and in the working tree (`after`). A role
    that exists on one side only counts 0.00 on the other; a renamed role's `before` is its old id's total."""

    role: str
    status: str  # as its RoleCount: changed | unchanged | added | removed | renamed
    was: str | None  # the old id of a renamed role
    before: Decimal
    after: Decimal

    @property
    def difference(self) -> Decimal:
        return self.after - self.before

    def summary(self) -> str:
        """One line for a reviewer: `mentor: $6,000.00 → $7,200.00 (+$1,200.00)`."""
        head = {
            "added": f"{self.role} (added)",
            "removed": f"{self.role} (removed)",
            "renamed": f"{self.role} (renamed from {self.was})",
        }.get(self.status, self.role)
        return f"{head}: {dollars(self.before)} → {dollars(self.after)} ({signed_dollars(self.difference)})"


@dataclass(frozen=True)
class MoneyDiff:
    """SPEC 9.4: each role's stipend total in one term on both sides, and what the change costs."""

    term: str
    roles: tuple[RoleMoney, ...]

    @property
    def before(self) -> Decimal:
        return sum((r.before for r in self.roles), ZERO)

    @property
    def after(self) -> Decimal:
        return sum((r.after for r in self.roles), ZERO)

    @property
    def difference(self) -> Decimal:
        return self.after - self.before

    @property
    def moved(self) -> bool:
        """Whether some role's total changed: only then does the diff show the money (a diff that changes no pay
        reads exactly as it did before SPEC 9.4)."""
        return any(r.before != r.after for r in self.roles)

    @property
    def moved_roles(self) -> list[RoleMoney]:
        return [r for r in self.roles if r.before != r.after]

    def closing(self) -> str:
        """`this change costs $12,400.00 in 2025-26`, `... saves $600.00 ...`, or, when the roles' totals move
        but add up to nothing, that it costs nothing."""
        d = self.difference
        if d > 0:
            return f"this change costs {dollars(d)} in {self.term}"
        if d < 0:
            return f"this change saves {dollars(-d)} in {self.term}"
        return f"this change costs nothing in {self.term}: the roles' totals move but cancel out"

    def table(self) -> Table:
        columns = [
            Column("term", priority=100, fit="whole"), Column("role_id", header="role id", priority=100, fit="whole"),
            Column("was", priority=40, fit="whole"), Column("before", "money", priority=90),
            Column("after", "money", priority=90), Column("difference", "money", priority=95),
        ]  # fmt: skip
        rows = [
            {"term": self.term, "role_id": r.role, "was": r.was, "before": r.before, "after": r.after,
             "difference": r.difference}
            for r in self.roles
        ]  # fmt: skip
        return Table(columns, rows, title=f"Stipends, term {self.term}")

    def as_json(self) -> dict[str, Any]:
        """`{term, rows, before, after, difference}`: rows keyed by the CSV's column names (SPEC 6), money as
        strings with two decimals."""
        return {
            "term": self.term,
            "rows": json_rows(self.table()),
            "before": money(self.before),
            "after": money(self.after),
            "difference": money(self.difference),
        }


@dataclass
class DiffResult:
    as_of: date
    changes: list[Change] = field(default_factory=list)
    roles: list[RoleCount] = field(default_factory=list)
    roles_added: list[str] = field(default_factory=list)
    roles_removed: list[str] = field(default_factory=list)
    roles_renamed: list[tuple[str, str]] = field(default_factory=list)  # (old id, new id)
    teachers_added: list[str] = field(default_factory=list)
    teachers_removed: list[str] = field(default_factory=list)
    money: MoneyDiff | None = None  # the stipend totals of one term (SPEC 9.4): `with_money`

    @property
    def shows_money(self) -> bool:
        """Whether the output carries the money: only when some role's stipend total moved."""
        return self.money is not None and self.money.moved

    @property
    def touched_roles(self) -> list[RoleCount]:
        """The roles a reviewer needs to see: added, removed, renamed, with a verdict change or a new count."""
        return [r for r in self.roles if r.status != "unchanged" or r.eligible_before != r.eligible_after]

    def changes_table(self) -> Table:
        columns = [
            Column("role_id", header="role id", priority=100, fit="whole"),
            Column("teacher_id", header="teacher id", priority=100, fit="whole"),
            Column("before", priority=90, fit="whole"), Column("after", priority=90, fit="whole"),
            Column("reason", priority=50, fit="cut", min_width=20),
        ]  # fmt: skip
        rows = [
            {"role_id": c.role, "teacher_id": c.teacher, "before": c.before, "after": c.after, "reason": c.reason}
            for c in self.changes
        ]
        return Table(columns, rows)

    def roles_table(self) -> Table:
        columns = [
            Column("role_id", priority=100, fit="whole"), Column("status", priority=90, fit="whole"),
            Column("was", priority=40, fit="whole"), Column("eligible_before", "int", priority=80),
            Column("eligible_after", "int", priority=80), Column("gained", "int", priority=70),
            Column("lost", "int", priority=70), Column("changed", "int", priority=60),
        ]  # fmt: skip
        rows = [
            {
                "role_id": r.role, "status": r.status, "was": r.was, "eligible_before": r.eligible_before,
                "eligible_after": r.eligible_after, "gained": r.gained, "lost": r.lost, "changed": r.changed,
            }
            for r in self.roles
        ]  # fmt: skip
        return Table(columns, rows)

    def as_json(self) -> dict[str, Any]:
        return {
            "as_of": self.as_of.isoformat(),
            "roles": [
                {
                    "role": r.role, "status": r.status, "was": r.was, "eligible_before": r.eligible_before,
                    "eligible_after": r.eligible_after, "gained": r.gained, "lost": r.lost, "changed": r.changed,
                }
                for r in self.roles
            ],
            "changes": [
                {
                    "role": c.role, "teacher": c.teacher, "before": c.before, "after": c.after,
                    "reasons_added": list(c.reasons_added), "reasons_removed": list(c.reasons_removed),
                }
                for c in self.changes
            ],
            "roles_added": self.roles_added,
            "roles_removed": self.roles_removed,
            "roles_renamed": [{"from": old, "to": new} for old, new in self.roles_renamed],
            "teachers_added": self.teachers_added,
            "teachers_removed": self.teachers_removed,
            **({"stipends": self.money.as_json()} if self.money is not None and self.money.moved else {}),
        }  # fmt: skip


def _definition(repo: Repository, role_id: str) -> dict[str, Any] | None:
    role = repo.roles[role_id]
    doc = repo.documents.get(role.src.file)
    if doc is None or doc.data is None:
        return None
    return {k: v for k, v in doc.data.items() if k not in DESCRIPTIVE_KEYS}


def _renames(old: Repository, new: Repository, removed: list[str], added: list[str]) -> list[tuple[str, str]]:
    """(old id, new id) for each removed role whose definition an added one repeats exactly: each removed role, in
    order, takes the first added role not yet taken with an equal definition. Definitions are matched by a
    hashable form (`_frozen`), not each removed against each added (10,000 renamed roles: 100 million
    comparisons of whole definitions)."""
    pairs: list[tuple[str, str]] = []
    free: dict[Any, list[str]] = {}
    for new_id in added:
        definition = _definition(new, new_id)
        if definition is not None:
            free.setdefault(_frozen(definition), []).append(new_id)
    for old_id in removed:
        definition = _definition(old, old_id)
        if definition is None:
            continue
        candidates = free.get(_frozen(definition))
        if candidates:
            pairs.append((old_id, candidates.pop(0)))
    return pairs


def _frozen(value: Any) -> Any:
    """A hashable form of parsed YAML, equal for two values exactly when they are equal (mappings whatever their
    key order; numbers equal across int and Decimal, as `==` has them)."""
    if isinstance(value, dict):
        return ("mapping", frozenset((key, _frozen(item)) for key, item in value.items()))
    if isinstance(value, list):
        return ("list", tuple(_frozen(item) for item in value))
    return value


def _verdicts(repo: Repository | None, as_of: date) -> dict[tuple[str, str], Verdict]:
    if repo is None or repo.config is None:
        return {}
    return {(v.role, v.teacher): v for v in judge_all(repo, as_of)}


def _change(role: str, before: Verdict, after: Verdict) -> Change:
    old_reasons, new_reasons = before.reasons, after.reasons
    added = tuple(r for r in new_reasons if r not in old_reasons)
    gone = tuple(r for r in old_reasons if r not in new_reasons)
    if not added and not gone:
        added = tuple(new_reasons)
    return Change(role, after.teacher, before.verdict, after.verdict, added, gone)


def diff_repositories(old: Repository | None, new: Repository, as_of: date) -> DiffResult:
    """Verdict changes from `old` (None: nothing existed, e.g. a revision without tlt.yaml) to `new`."""
    old_roles = set(old.roles) if old is not None else set()
    old_teachers = set(old.teachers) if old is not None else set()
    result = DiffResult(as_of)
    result.roles_added = sorted(set(new.roles) - old_roles)
    result.roles_removed = sorted(old_roles - set(new.roles))
    result.teachers_added = sorted(set(new.teachers) - old_teachers)
    result.teachers_removed = sorted(old_teachers - set(new.teachers))
    if old is not None:
        result.roles_renamed = _renames(old, new, result.roles_removed, result.roles_added)
    renamed_to = {new_id: old_id for old_id, new_id in result.roles_renamed}
    renamed_from = set(renamed_to.values())

    before = _verdicts(old, as_of)
    after = _verdicts(new, as_of)
    eligible_before = Counter(role for (role, _), v in before.items() if v.verdict == ELIGIBLE)
    eligible_after = Counter(role for (role, _), v in after.items() if v.verdict == ELIGIBLE)
    common_teachers = sorted(old_teachers & set(new.teachers))

    for role in sorted(set(new.roles)):
        was = renamed_to.get(role, role if role in old_roles else None)
        if was is None:
            result.roles.append(RoleCount(role, "added", None, None, eligible_after[role], 0, 0, 0))
            continue
        changes = []
        for teacher in common_teachers:
            b, a = before.get((was, teacher)), after.get((role, teacher))
            if b is not None and a is not None and b.verdict != a.verdict:
                changes.append(_change(role, b, a))
        result.changes.extend(changes)
        gained = sum(1 for c in changes if c.after == ELIGIBLE)
        lost = sum(1 for c in changes if c.before == ELIGIBLE)
        status = "renamed" if role in renamed_to else "changed" if changes else "unchanged"
        result.roles.append(
            RoleCount(
                role,
                status,
                renamed_to.get(role),
                eligible_before[was],
                eligible_after[role],
                gained,
                lost,
                len(changes),
            )
        )
    for role in result.roles_removed:
        if role not in renamed_from:
            result.roles.append(RoleCount(role, "removed", None, eligible_before[role], None, 0, 0, 0))
    result.roles.sort(key=lambda r: r.role)
    result.roles_added = [r for r in result.roles_added if r not in renamed_to]
    result.roles_removed = [r for r in result.roles_removed if r not in renamed_from]
    return result


def role_totals(repo: Repository | None, term_id: str, as_of: date | None = None) -> dict[str, Decimal]:
    """Each role's stipend total in term `term_id` of `repo`'s own tlt.yaml: the rounded rows of `tlt stipends`
    (`stipend_rows`, the role in force at the term's start, every pay part, activity as of `as_of` for a role
    paid when it is met) added per role; rows without an amount add nothing. Empty when there is no repository (a revision without tlt.yaml) or its tlt.yaml has no
    such term. A term that ends before it starts raises `BrokenRepository`, as every report on it does."""
    if repo is None or repo.config is None:
        return {}
    term = repo.config.term(term_id)
    if term is None:
        return {}
    term = select_term(repo.config, term_id, term.start)
    totals: dict[str, Decimal] = {}
    for row in stipend_rows(repo, term, as_of):
        if row.amount is not None:
            totals[row.role_id] = totals.get(row.role_id, ZERO) + row.amount
    return totals


def with_money(result: DiffResult, term: str, before: dict[str, Decimal], after: dict[str, Decimal]) -> DiffResult:
    """`result` with the money of `term`: one `RoleMoney` per role of `result.roles` (both sides' roles, renames
    paired), from the per-role totals at the revision (`before`) and in the working tree (`after`)."""
    rows = []
    for r in result.roles:
        was = r.was if r.was is not None else r.role  # a renamed role: its total at the revision is its old id's
        old = ZERO if r.status == "added" else before.get(was, ZERO)
        new = ZERO if r.status == "removed" else after.get(r.role, ZERO)
        rows.append(RoleMoney(r.role, r.status, r.was, old, new))
    result.money = MoneyDiff(term, tuple(rows))
    return result
