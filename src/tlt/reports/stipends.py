"""`tlt stipends`: what each assignment overlapping a term earns (SPEC sections 5 and 9.2), per assignment and
pay part, or grouped.

For term T and an assignment overlapping it, `fraction = overlap days / term days` (both ends inclusive, an
open end runs to T's end). The role's pay is its parts (`Role.parts`: `compensation.parts` in order, or the one
part of `compensation.stipend`); each part gives an amount:

- `amount: A`           → A × fraction
- `percent_of_base: p`  → base_salary × p / 100 × fraction
- `extra_days: n`       → base_salary / contract_days × n × fraction (contract_days from the teacher, else
                          tlt.yaml; the per-diem itself is never rounded)
- `per_member: {amount: A}` or `{percent_of_base: p}` → for each caseload member, A (or base_salary × p / 100)
                          × the member's days of T (`timeline.member_days`: its own dates, SPEC 9.3) / T's days; the service weight does not
                          scale it; the members' exact amounts are added, then rounded once
- `unspecified: true`, a role with no stipend, an unknown role, a missing base_salary or contract_days, a
  per_member part on an assignment without a `caseload` → no amount, and `note` says why.
- `compensation.paid_when: activity_met` (SPEC 10.1) → every part of the assignment has no amount, and the note
  `activity requirements not met`, unless every activity requirement of the assignment is `met` for the term as
  of D (`tlt.activity.all_met`; an assignment with nothing to count is met).

The arithmetic is exact (rationals over the Decimal inputs, never float); each part is rounded once, to cents,
half up; totals and group amounts add the rounded rows. Rows sort by teacher, role, start, then part order.

The `part` and `fund` columns (the part's label or position, its fund) appear only when some role of the
repository has `compensation.parts`: a repository that writes only `stipend` gets the columns it always had
(SPEC 9, docs/reports.md).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import date
from decimal import Decimal
from fractions import Fraction
from typing import Any

from tlt.activity import all_met
from tlt.model import Assignment, Config, Role, Stipend, Teacher, Term, role_in_force
from tlt.pipeline import Repository
from tlt.render.rows import Table, money, plain_number
from tlt.reports import column, round_half_up, term_assignments
from tlt.timeline import ONE_DAY, member_days, term_fraction

GROUPINGS = ("teacher", "role", "school", "fund")

COLUMNS = [
    column("term", priority=100, fit="whole"),
    column("teacher_id", priority=100, fit="whole"),
    column("teacher_name", priority=70, fit="cut"),
    column("school", priority=30, fit="cut"),
    column("role_id", priority=90, fit="whole"),
    column("fraction", "fraction", priority=80),
    column("basis", priority=40, fit="cut"),
    column("amount", "money", priority=95),
    column("note", priority=60, fit="cut", min_width=23),  # "the role has no stipend": whole
]
#: the columns SPEC 9.2 adds at the end, shown only when some role of the repository has `compensation.parts`
PART_COLUMNS = [
    column("part", priority=50, fit="cut"),
    column("fund", priority=35, fit="cut"),
]
GROUP_COLUMNS = [
    column("term", priority=100, fit="whole"),
    column("group", priority=100, fit="whole"),  # an id; a school's or a fund's name is cut (`stipends_report`)
    column("assignments", "int", priority=80),
    column("amount", "money", priority=95),
]

NO_AMOUNT_STYLE = "yellow"

NOTE_UNKNOWN_ROLE = "unknown role; run `tlt validate`"
NOTE_NO_STIPEND = "the role has no stipend"
NOTE_UNSPECIFIED = "the role's stipend is unspecified"
NOTE_NO_SALARY = "no base_salary in the teacher's record"
NOTE_NO_CONTRACT_DAYS = "no contract_days in the teacher's record or tlt.yaml"
NOTE_NO_CASELOAD = "a per_member part, and no caseload in the assignment"
NOTE_ACTIVITY = "activity requirements not met"  # SPEC 10.1, `paid_when: activity_met`
ACTIVITY_MET = "activity_met"


@dataclass(frozen=True)
class Pay:
    """What one pay part of an assignment earns in a term: the amount (rounded to cents) or the reason there is
    none; `part` and `fund` as the part names them (None for a one-part `stipend`, a role without pay)."""

    basis: str | None
    amount: Decimal | None
    note: str | None
    part: str | None = None
    fund: str | None = None


@dataclass(frozen=True)
class StipendRow:
    term: str
    teacher_id: str
    teacher_name: str
    school: str | None
    role_id: str
    start: date
    fraction: Fraction
    basis: str | None
    amount: Decimal | None
    note: str | None
    part: str | None = None
    fund: str | None = None
    assignment: int = 0  # which assignment of the report the row is a part of (`--by` counts them once)


@dataclass(frozen=True)
class StipendReport:
    term: str
    by: str | None
    table: Table
    total: Decimal


def cents(value: Fraction) -> Decimal:
    """Money rounded to cents, half up, from an exact value."""
    return round_half_up(value, 2)


def part_basis(s: Stipend) -> str:
    """A part's basis as written in the role: `amount: 3000`, `percent_of_base: 5`, `extra_days: 10`,
    `per_member amount: 500`, `per_member percent_of_base: 5`, `unspecified`."""
    each = "per_member " if s.per_member else ""
    if s.amount is not None:
        return _cited(f"{each}amount: {plain_number(s.amount)}", s)
    if s.percent_of_base is not None:
        return _cited(f"{each}percent_of_base: {plain_number(s.percent_of_base)}", s)
    if s.extra_days is not None:
        return _cited(f"extra_days: {plain_number(s.extra_days)}", s)
    return _cited("unspecified", s)


def _cited(basis: str, s: Stipend) -> str:
    """A basis ending `(per CITE)` when the part comes from a version whose cite it takes (SPEC 9.1)."""
    return basis if s.version_cite is None else f"{basis} (per {s.version_cite})"


def part_pay(
    s: Stipend, teacher: Teacher, config: Config, fraction: Fraction, assignment: Assignment | None, term: Term | None
) -> Pay:
    """SPEC 5 and 9.2 for one part of one assignment: the rounded amount, or no amount and why. `assignment` and
    `term` are needed only by a per_member part."""
    basis, part, fund = part_basis(s), s.part, s.fund
    if s.unspecified:
        return Pay(basis, None, NOTE_UNSPECIFIED, part, fund)
    if s.amount is not None:
        full = Fraction(s.amount)
    elif teacher.base_salary is None:
        return Pay(basis, None, NOTE_NO_SALARY, part, fund)
    elif s.percent_of_base is not None:
        full = Fraction(teacher.base_salary) * Fraction(s.percent_of_base) / 100
    else:
        assert s.extra_days is not None
        days = teacher.contract_days if teacher.contract_days is not None else config.contract_days
        if days is None:
            return Pay(basis, None, NOTE_NO_CONTRACT_DAYS, part, fund)
        full = Fraction(teacher.base_salary) / days * Fraction(s.extra_days)  # the per-diem is never rounded
    if not s.per_member:
        return Pay(basis, cents(full * fraction), None, part, fund)
    assert assignment is not None and term is not None
    if assignment.caseload is None:
        return Pay(basis, None, NOTE_NO_CASELOAD, part, fund)
    member_total = sum((Fraction(member_days(m, assignment, term)) for m in assignment.caseload), Fraction(0))
    return Pay(basis, cents(full * member_total / term.days), None, part, fund)


def pay_parts(
    role: Role | None,
    teacher: Teacher,
    config: Config,
    fraction: Fraction,
    assignment: Assignment | None = None,
    term: Term | None = None,
    as_of: date | None = None,
) -> list[Pay]:
    """Every part of one assignment's pay in part order (one `Pay` saying why when the role or its pay is
    missing). `as_of` (D) is needed only by a role paid when its activity is met (SPEC 10.1)."""
    if role is None:
        return [Pay(None, None, NOTE_UNKNOWN_ROLE)]
    if not role.parts:
        return [Pay(None, None, NOTE_NO_STIPEND)]
    pays = [part_pay(s, teacher, config, fraction, assignment, term) for s in role.parts]
    if role.paid_when == ACTIVITY_MET:
        assert assignment is not None and term is not None and as_of is not None
        if not all_met(assignment, role, term, as_of):
            pays = [replace(p, amount=None, note=NOTE_ACTIVITY) for p in pays]
    return pays


def has_parts(repo: Repository) -> bool:
    """Whether some role of the repository writes `compensation.parts`, itself or in a version (the report then
    shows `part,fund`)."""
    return any(
        s.part is not None
        for role in repo.roles.values()
        for parts in (role.parts, *(v.fields.get("parts", ()) for v in role.versions))
        for s in parts
    )


def stipend_rows(repo: Repository, term: Term, as_of: date | None = None) -> list[StipendRow]:
    """One row per (assignment overlapping the term, pay part), sorted by teacher, role, start, part order.
    `as_of` (D): whether activity is met, for a role paid when it is (SPEC 10.1); without it, the day after the
    term, when every requirement is met or missed for good."""
    as_of = as_of if as_of is not None else term.end + ONE_DAY
    assert repo.config is not None
    out = []
    for n, (teacher, a) in enumerate(term_assignments(repo.teachers, term)):
        fraction = term_fraction(a.start, a.end, term)
        role = repo.roles.get(a.role)
        if role is not None:  # the role in force at T's start (SPEC 9.1), for an assignment started on a.start
            role = role_in_force(role, term.start, repo.config.terms, a.start)
        for p in pay_parts(role, teacher, repo.config, fraction, a, term, as_of):
            out.append(
                StipendRow(
                    term.id, teacher.id, teacher.name, teacher.school, a.role, a.start, fraction, p.basis, p.amount,
                    p.note, p.part, p.fund, n,
                )
            )  # fmt: skip
    return sorted(out, key=lambda r: (r.teacher_id, r.role_id, r.start))  # stable: parts stay in order


def total(rows: list[StipendRow]) -> Decimal:
    """The sum of the rounded row amounts (rows without an amount add nothing)."""
    return sum((r.amount for r in rows if r.amount is not None), Decimal("0.00"))


def assignment_count(rows: list[StipendRow]) -> int:
    """How many distinct assignments the rows are parts of."""
    return len({r.assignment for r in rows})


_GROUP_KEY: dict[str, Callable[[StipendRow], str | None]] = {
    "teacher": lambda r: r.teacher_id,
    "role": lambda r: r.role_id,
    "school": lambda r: r.school,
    "fund": lambda r: r.fund,
}


def group_rows(rows: list[StipendRow], by: str) -> list[dict[str, Any]]:
    """Rows grouped by teacher id, role id, school or fund: `term, group, assignments, amount`. `assignments`
    counts the distinct assignments with a row in the group; a group's amount adds its rounded rows; it is empty
    when no row of the group has an amount. Teachers without a school (parts without a fund) form one group with
    an empty name, listed last."""
    key = _GROUP_KEY[by]
    groups: dict[str | None, list[StipendRow]] = {}
    for r in rows:
        groups.setdefault(key(r), []).append(r)
    out = []
    for name in sorted(groups, key=lambda g: (g is None, g or "")):
        members = groups[name]
        amounts = [r.amount for r in members if r.amount is not None]
        out.append(
            {
                "term": members[0].term,
                "group": name,
                "assignments": assignment_count(members),
                "amount": sum(amounts, Decimal("0.00")) if amounts else None,
            }
        )
    return out


def stipends_report(repo: Repository, term: Term, by: str | None = None, as_of: date | None = None) -> StipendReport:
    """The stipends of a term as a table (per assignment and part, or grouped `by` teacher, role, school or
    fund) and its total; `as_of` as `stipend_rows` takes it."""
    if by is not None and by not in GROUPINGS:
        raise ValueError(f"unknown grouping {by!r}")
    rows = stipend_rows(repo, term, as_of)
    parts = has_parts(repo)
    grand = total(rows)
    assignments = assignment_count(rows)
    missing = sum(r.amount is None for r in rows)
    caption = f"{assignments} assignment{'s' if assignments != 1 else ''}"
    if parts:
        caption += f", {len(rows)} part{'s' if len(rows) != 1 else ''}"
    if missing:  # grouped rows have no note column: the rows of `tlt stipends` without --by do
        where = "see the note column" if by is None else "`tlt stipends` without --by says why"
        what = f"part{'s' if missing != 1 else ''} " if parts else ""
        caption += f"; {missing} {what}without an amount ({where})"
    if by is None:
        table = Table(
            columns=list(COLUMNS) + (list(PART_COLUMNS) if parts else []),
            rows=[
                {
                    "term": r.term, "teacher_id": r.teacher_id, "teacher_name": r.teacher_name, "school": r.school,
                    "role_id": r.role_id, "fraction": round_half_up(r.fraction, 4), "basis": r.basis,
                    "amount": r.amount, "note": r.note, **({"part": r.part, "fund": r.fund} if parts else {}),
                }
                for r in rows
            ],
            title=f"Stipends, term {term.id}",
            caption=caption,
            footer={"term": "total", "amount": grand},
            row_styles=[NO_AMOUNT_STYLE if r.amount is None else None for r in rows],
        )  # fmt: skip
    else:
        grouped = group_rows(rows, by)
        table = Table(
            columns=[
                replace(c, header=by, fit="cut" if by in ("school", "fund") else "whole") if c.name == "group" else c
                for c in GROUP_COLUMNS
            ],
            rows=grouped,
            title=f"Stipends by {by}, term {term.id}",
            caption=caption,
            footer={"term": "total", "assignments": assignments, "amount": grand},
            row_styles=[NO_AMOUNT_STYLE if g["amount"] is None else None for g in grouped],
        )
    return StipendReport(term.id, by, table, grand)


def missing_amounts(report: StipendReport) -> int:
    """How many rows (assignments, or groups) have no amount."""
    return sum(row.get("amount") is None for row in report.table.rows)


def json_document(report: StipendReport, rows: list[dict[str, Any]]) -> dict[str, Any]:
    """The JSON shape of SPEC 6: `{term, rows, total}`, rows as rendered by `render.rows.json_rows`."""
    return {"term": report.term, "rows": rows, "total": money(report.total)}
