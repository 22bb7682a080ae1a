"""`tlt stipends`: what each assignment overlapping a term earns (SPEC section 5), per assignment or grouped.

For term T and an assignment overlapping it, `fraction = overlap days / term days` (both ends inclusive, an
open end runs to T's end). The role's `compensation.stipend` gives the amount:

- `amount: A`           → A × fraction
- `percent_of_base: p`  → base_salary × p / 100 × fraction
- `extra_days: n`       → base_salary / contract_days × n × fraction (contract_days from the teacher, else
                          tlt.yaml; the per-diem itself is never rounded)
- `unspecified: true`, a role with no stipend, an unknown role, a missing base_salary or contract_days → no
  amount, and `note` says why.

The arithmetic is exact (rationals over the Decimal inputs, never float); each row is rounded once, to cents,
half up; totals and group amounts add the rounded rows. Per-assignment rows sort by teacher, role, start.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import date
from decimal import Decimal
from fractions import Fraction
from typing import Any

from tlt.model import Config, Role, Teacher, Term
from tlt.pipeline import Repository
from tlt.render.rows import Table, money, plain_number
from tlt.reports import column, round_half_up, term_assignments
from tlt.timeline import term_fraction

GROUPINGS = ("teacher", "role", "school")

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
GROUP_COLUMNS = [
    column("term", priority=100, fit="whole"),
    column("group", priority=100, fit="whole"),  # an id; a school's name is cut (`stipends_report`)
    column("assignments", "int", priority=80),
    column("amount", "money", priority=95),
]

NO_AMOUNT_STYLE = "yellow"

NOTE_UNKNOWN_ROLE = "unknown role; run `tlt validate`"
NOTE_NO_STIPEND = "the role has no stipend"
NOTE_UNSPECIFIED = "the role's stipend is unspecified"
NOTE_NO_SALARY = "no base_salary in the teacher's record"
NOTE_NO_CONTRACT_DAYS = "no contract_days in the teacher's record or tlt.yaml"


@dataclass(frozen=True)
class Pay:
    """What one assignment earns in a term: the amount (rounded to cents) or the reason there is none."""

    basis: str | None
    amount: Decimal | None
    note: str | None


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


@dataclass(frozen=True)
class StipendReport:
    term: str
    by: str | None
    table: Table
    total: Decimal


def cents(value: Fraction) -> Decimal:
    """Money rounded to cents, half up, from an exact value."""
    return round_half_up(value, 2)


def stipend_basis(role: Role | None) -> str | None:
    """The stipend's basis as written in the role: `amount: 3000`, `percent_of_base: 5`, `extra_days: 10`,
    `unspecified`; None when the role (or its stipend) is missing."""
    s = role.stipend if role is not None else None
    if s is None:
        return None
    if s.amount is not None:
        return f"amount: {plain_number(s.amount)}"
    if s.percent_of_base is not None:
        return f"percent_of_base: {plain_number(s.percent_of_base)}"
    if s.extra_days is not None:
        return f"extra_days: {plain_number(s.extra_days)}"
    return "unspecified"


def pay(role: Role | None, teacher: Teacher, config: Config, fraction: Fraction) -> Pay:
    """SPEC 5 for one assignment: the rounded amount, or no amount and why."""
    basis = stipend_basis(role)
    if role is None:
        return Pay(None, None, NOTE_UNKNOWN_ROLE)
    s = role.stipend
    if s is None:
        return Pay(None, None, NOTE_NO_STIPEND)
    if s.amount is not None:
        return Pay(basis, cents(Fraction(s.amount) * fraction), None)
    if s.percent_of_base is not None:
        if teacher.base_salary is None:
            return Pay(basis, None, NOTE_NO_SALARY)
        return Pay(basis, cents(Fraction(teacher.base_salary) * Fraction(s.percent_of_base) / 100 * fraction), None)
    if s.extra_days is not None:
        if teacher.base_salary is None:
            return Pay(basis, None, NOTE_NO_SALARY)
        days = teacher.contract_days if teacher.contract_days is not None else config.contract_days
        if days is None:
            return Pay(basis, None, NOTE_NO_CONTRACT_DAYS)
        per_diem = Fraction(teacher.base_salary) / days
        return Pay(basis, cents(per_diem * Fraction(s.extra_days) * fraction), None)
    return Pay(basis, None, NOTE_UNSPECIFIED)


def stipend_rows(repo: Repository, term: Term) -> list[StipendRow]:
    """One row per assignment overlapping the term, sorted by teacher, role, start."""
    assert repo.config is not None
    out = []
    for teacher, a in term_assignments(repo.teachers, term):
        fraction = term_fraction(a.start, a.end, term)
        p = pay(repo.roles.get(a.role), teacher, repo.config, fraction)
        out.append(
            StipendRow(
                term.id, teacher.id, teacher.name, teacher.school, a.role, a.start, fraction, p.basis, p.amount, p.note
            )
        )
    return sorted(out, key=lambda r: (r.teacher_id, r.role_id, r.start))


def total(rows: list[StipendRow]) -> Decimal:
    """The sum of the rounded row amounts (rows without an amount add nothing)."""
    return sum((r.amount for r in rows if r.amount is not None), Decimal("0.00"))


_GROUP_KEY: dict[str, Callable[[StipendRow], str | None]] = {
    "teacher": lambda r: r.teacher_id,
    "role": lambda r: r.role_id,
    "school": lambda r: r.school,
}


def group_rows(rows: list[StipendRow], by: str) -> list[dict[str, Any]]:
    """Rows grouped by teacher id, role id or school: `term, group, assignments, amount`. A group's amount adds
    its rounded rows; it is empty when no row of the group has an amount. Teachers without a school form one
    group with an empty name, listed last."""
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
                "assignments": len(members),
                "amount": sum(amounts, Decimal("0.00")) if amounts else None,
            }
        )
    return out


def stipends_report(repo: Repository, term: Term, by: str | None = None) -> StipendReport:
    """The stipends of a term as a table (per assignment, or grouped `by` teacher, role or school) and its total."""
    if by is not None and by not in GROUPINGS:
        raise ValueError(f"unknown grouping {by!r}")
    rows = stipend_rows(repo, term)
    grand = total(rows)
    missing = sum(r.amount is None for r in rows)
    caption = f"{len(rows)} assignment{'s' if len(rows) != 1 else ''}"
    if missing:  # grouped rows have no note column: the rows of `tlt stipends` without --by do
        where = "see the note column" if by is None else "`tlt stipends` without --by says why"
        caption += f"; {missing} without an amount ({where})"
    if by is None:
        table = Table(
            columns=list(COLUMNS),
            rows=[
                {
                    "term": r.term, "teacher_id": r.teacher_id, "teacher_name": r.teacher_name, "school": r.school,
                    "role_id": r.role_id, "fraction": round_half_up(r.fraction, 4), "basis": r.basis,
                    "amount": r.amount, "note": r.note,
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
                replace(c, header=by, fit="cut" if by == "school" else "whole") if c.name == "group" else c
                for c in GROUP_COLUMNS
            ],
            rows=grouped,
            title=f"Stipends by {by}, term {term.id}",
            caption=caption,
            footer={"term": "total", "assignments": len(rows), "amount": grand},
            row_styles=[NO_AMOUNT_STYLE if g["amount"] is None else None for g in grouped],
        )
    return StipendReport(term.id, by, table, grand)


def missing_amounts(report: StipendReport) -> int:
    """How many rows (assignments, or groups) have no amount."""
    return sum(row.get("amount") is None for row in report.table.rows)


def json_document(report: StipendReport, rows: list[dict[str, Any]]) -> dict[str, Any]:
    """The JSON shape of SPEC 6: `{term, rows, total}`, rows as rendered by `render.rows.json_rows`."""
    return {"term": report.term, "rows": rows, "total": money(report.total)}
