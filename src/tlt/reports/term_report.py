"""`tlt report`: the term report, one row per assignment overlapping a term (SPEC 6).

Columns: term, teacher, school, role, the assignment's dates and its fraction of the term, the weighted caseload
size (when the assignment has a caseload) and the role's cap (whenever the role has one), terms served in the
role counting this term, the role's term limit, and the stipend of SPEC 5 with its basis. A cell with no value
is empty. Rows sort by role, teacher, start.

`terms_served` counts the teacher's assignments of this role (their `prior_terms` included) over the terms up
to and including T, as of the day after T ends, so T itself counts.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from decimal import Decimal
from typing import Any

from tlt.model import Assignment, Term, role_in_force
from tlt.pipeline import Repository
from tlt.render.rows import Table
from tlt.reports import column, round_half_up, term_assignments, term_caseload
from tlt.reports.stipends import NOTE_ACTIVITY, Pay, pay_parts
from tlt.timeline import ONE_DAY, Served, term_fraction, term_index, terms_served

COLUMNS = [
    column("term", priority=100, fit="whole"),
    column("teacher_id", priority=100, fit="whole"),
    column("teacher_name", priority=80, fit="cut"),
    column("school", priority=20, fit="cut"),
    column("role_id", priority=95, fit="whole"),
    column("role_title", priority=10, fit="cut"),
    column("start", "date", priority=85),
    column("end", "date", priority=70),
    column("fraction", "fraction", priority=75),
    column("caseload_size", "number", priority=50),
    column("caseload_max", "int", priority=45),
    column("terms_served", "int", priority=60),
    column("term_limit", "int", priority=55),
    column("stipend", "money", priority=90),
    column("stipend_basis", priority=30, fit="cut"),
]

OVER_STYLE = "bold red"


def served_through(assignments: list[Assignment], terms: tuple[Term, ...], term: Term) -> int:
    """Terms served in a role through the end of `term` (T counts when an assignment overlaps it)."""
    index = term_index(terms)
    if index.ordered:  # the terms after T start after it ends: counting as of the day after T is the same
        return Served(tuple(assignments), index)(term.end + ONE_DAY)
    through = tuple(t for t in terms if t.start <= term.start)
    return terms_served(assignments, through, term.end + ONE_DAY)


def combined(parts: list[Pay]) -> Pay:
    """An assignment's pay in one cell: a one-part `stipend` (or no pay) as it is; else the sum of the parts'
    rounded amounts and their bases joined with " + ", or, when a part has no amount, no amount and a basis
    naming the first such part: `part extra contract days (extra_days: 10): no base_salary in the teacher's
    record`."""
    if len(parts) == 1 and parts[0].part is None:
        return parts[0]
    for p in parts:
        if p.amount is None:
            return Pay(f"part {p.part} ({p.basis}): {p.note}", None, p.note, p.part, p.fund)
    total = sum((p.amount for p in parts if p.amount is not None), Decimal("0.00"))
    return Pay(" + ".join(p.basis or "" for p in parts), total, None)


def report_rows(repo: Repository, term: Term, as_of: date | None = None) -> list[dict[str, Any]]:
    """The rows of the term; `as_of` (D) as `stipends.stipend_rows` takes it (SPEC 10.1's `paid_when`)."""
    assert repo.config is not None
    as_of = as_of if as_of is not None else term.end + ONE_DAY
    config = repo.config
    rows: list[tuple[tuple[str, str, date], dict[str, Any]]] = []
    # terms served, once per (teacher, role): each row counting its teacher's assignments of its role again
    # would cost assignments² for one teacher (docs/performance.md, "Figures behind the code")
    served: dict[tuple[str, str], int] = {}
    same_role: dict[str, list[Assignment]] = {}
    teacher_of_groups: str | None = None
    for teacher, a in term_assignments(repo.teachers, term):
        if teacher.id != teacher_of_groups:
            teacher_of_groups, same_role = teacher.id, {}
            for x in teacher.assignments or ():
                same_role.setdefault(x.role, []).append(x)
        key = (teacher.id, a.role)
        if key not in served:
            served[key] = served_through(same_role[a.role], config.terms, term)
        role = repo.roles.get(a.role)
        if role is not None:  # every column with the role in force at T's start (SPEC 9.1)
            role = role_in_force(role, term.start, config.terms, a.start)
        fraction = term_fraction(a.start, a.end, term)
        p = combined(pay_parts(role, teacher, config, fraction, a, term, as_of))
        if p.note == NOTE_ACTIVITY and p.part is None:  # one stipend withheld: the basis says why (SPEC 10.1)
            p = replace(p, basis=f"{p.basis}: {p.note}")
        row = {
            "term": term.id,
            "teacher_id": teacher.id,
            "teacher_name": teacher.name,
            "school": teacher.school,
            "role_id": a.role,
            "role_title": role.title if role is not None else None,
            "start": a.start,
            "end": a.end,
            "fraction": round_half_up(fraction, 4),
            "caseload_size": None if a.caseload is None else term_caseload(a, role, term)[0],
            "caseload_max": role.caseload.max if role is not None and role.caseload is not None else None,
            "terms_served": served[key],
            "term_limit": role.term_limit.max_terms if role is not None and role.term_limit is not None else None,
            "stipend": p.amount,
            "stipend_basis": p.basis,
        }
        rows.append(((a.role, teacher.id, a.start), row))
    return [row for _, row in sorted(rows, key=lambda item: item[0])]


def _flagged(row: dict[str, Any]) -> bool:
    size, cap = row["caseload_size"], row["caseload_max"]
    over_cap = size is not None and cap is not None and size > cap
    limit = row["term_limit"]
    return over_cap or (limit is not None and row["terms_served"] > limit)


def report_table(repo: Repository, term: Term, as_of: date | None = None) -> Table:
    rows = report_rows(repo, term, as_of)
    return Table(
        columns=list(COLUMNS),
        rows=rows,
        title=f"Term report, {term.id} ({term.start.isoformat()} to {term.end.isoformat()}, {term.days} days)",
        caption=f"{len(rows)} assignment{'s' if len(rows) != 1 else ''}",
        row_styles=[OVER_STYLE if _flagged(r) else None for r in rows],
    )
