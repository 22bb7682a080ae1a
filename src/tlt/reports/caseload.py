"""`tlt caseload`: one row per assignment that carries a caseload in a term (SPEC 6).

Size is weighted: each member counts the role's `caseload.weights` for its service (default 1), so it may be a
non-integer Decimal. `over` is size > the role's `caseload.max`; a role without a caseload section has no cap
(`max` empty, `over` false). Rows sort by role, teacher, start.

Members may carry dates (SPEC 9.3): `size` is then the largest weighted size on any day of the term, whatever
the as-of date, and `members` lists those on the caseload on some day of the term (`reports.term_caseload`).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from tlt.model import Member, Term, role_in_force
from tlt.pipeline import Repository
from tlt.render.rows import Table
from tlt.reports import column, members_cell, term_assignments, term_caseload

#: on a narrow terminal `over` goes first (the row's colour and size against max say it), then the members, the
#: name; the ids, size and max stay
COLUMNS = [
    column("term", priority=100, fit="whole"),
    column("teacher_id", priority=100, fit="whole"),
    column("teacher_name", priority=70, fit="cut"),
    column("role_id", priority=95, fit="whole"),
    column("size", "number", priority=90),
    column("max", "int", priority=85),
    column("over", "bool", priority=30),
    column("members", "members", priority=60),
]

OVER_STYLE = "bold red"
NO_CAP_STYLE = "yellow"


@dataclass(frozen=True)
class CaseloadRow:
    term: str
    teacher_id: str
    teacher_name: str
    role_id: str
    size: Decimal
    max: int | None
    members: tuple[Member, ...]
    start: date

    @property
    def over(self) -> bool:
        return self.max is not None and self.size > self.max


def caseload_rows(repo: Repository, term: Term) -> list[CaseloadRow]:
    """Assignments overlapping the term that have a `caseload` key (an empty one included), sorted."""
    out = []
    for teacher, a in term_assignments(repo.teachers, term):
        if a.caseload is None:
            continue
        role = repo.roles.get(a.role)
        if role is not None and repo.config is not None:  # the role in force at T's start (SPEC 9.1)
            role = role_in_force(role, term.start, repo.config.terms, a.start)
        cap = role.caseload.max if role is not None and role.caseload is not None else None
        size, members = term_caseload(a, role, term)
        out.append(CaseloadRow(term.id, teacher.id, teacher.name, a.role, size, cap, members, a.start))
    return sorted(out, key=lambda r: (r.role_id, r.teacher_id, r.start))


def caseload_table(repo: Repository, term: Term) -> Table:
    rows = caseload_rows(repo, term)
    over = sum(r.over for r in rows)
    uncapped = sum(r.max is None for r in rows)
    notes = [f"{len(rows)} caseload{'s' if len(rows) != 1 else ''}"]
    if over:
        notes.append(f"{over} over the cap")
    if uncapped:
        notes.append(f"{uncapped} without a cap")
    return Table(
        columns=list(COLUMNS),
        rows=[
            {
                "term": r.term, "teacher_id": r.teacher_id, "teacher_name": r.teacher_name, "role_id": r.role_id,
                "size": r.size, "max": r.max, "over": r.over, "members": members_cell(r.members),
            }
            for r in rows
        ],
        title=f"Caseloads, term {term.id}",
        caption="; ".join(notes),
        row_styles=[OVER_STYLE if r.over else NO_CAP_STYLE if r.max is None else None for r in rows],
    )  # fmt: skip
