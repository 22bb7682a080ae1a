"""`tlt activity`: one row per (holder, caseload member, requirement) of a term (SPEC 10.1).

Columns: term, teacher_id, teacher_name, role_id, member (the teacher id alone), requirement (the kind, then
` (tag)` when the requirement names one), done, min, status (`met`, `due`, `missed`). `done` and `min` are whole
numbers for counted kinds and exact decimals of hours for `kind: hours`. Each assignment overlapping the term
is counted with its role in force at the term's start (SPEC 9.1); what counts is `tlt.activity`'s. Rows sort by
role, teacher, (the assignment's start,) member, then the requirement's order in the role.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from tlt.activity import DUE, MET, MISSED, tallies
from tlt.model import Term, role_in_force
from tlt.pipeline import Repository
from tlt.render.rows import Table
from tlt.reports import column, term_assignments

COLUMNS = [
    column("term", priority=100, fit="whole"),
    column("teacher_id", priority=100, fit="whole"),
    column("teacher_name", priority=40, fit="cut"),
    column("role_id", priority=90, fit="whole"),
    column("member", priority=95, fit="whole"),
    column("requirement", priority=88, fit="cut", min_width=25),  # "observation (unannounced)": whole
    column("done", "number", priority=85),
    column("min", "number", priority=75),
    column("status", priority=99, fit="whole"),
]

STYLES = {MISSED: "bold red", DUE: "yellow"}


def activity_rows(repo: Repository, term: Term, as_of: date) -> list[dict[str, Any]]:
    """The rows of the term as of D, sorted."""
    assert repo.config is not None
    keyed: list[tuple[tuple[Any, ...], dict[str, Any]]] = []
    for teacher, a in term_assignments(repo.teachers, term):
        role = repo.roles.get(a.role)
        if role is None:
            continue  # `tlt validate` says unknown-role
        role = role_in_force(role, term.start, repo.config.terms, a.start)
        for t in tallies(a, role, term, as_of):
            row = {
                "term": term.id,
                "teacher_id": teacher.id,
                "teacher_name": teacher.name,
                "role_id": a.role,
                "member": t.member,
                "requirement": t.requirement.label,
                "done": t.done,
                "min": t.requirement.min,
                "status": t.status,
            }
            keyed.append(((a.role, teacher.id, a.start, t.member, t.order), row))
    return [row for _, row in sorted(keyed, key=lambda item: item[0])]


def activity_table(repo: Repository, term: Term, as_of: date) -> Table:
    rows = activity_rows(repo, term, as_of)
    counts = {s: sum(r["status"] == s for r in rows) for s in (MET, DUE, MISSED)}
    caption = f"{len(rows)} requirement{'s' if len(rows) != 1 else ''} as of {as_of.isoformat()}"
    if rows:
        caption += ": " + ", ".join(f"{n} {s}" for s, n in counts.items() if n)
    return Table(
        columns=list(COLUMNS),
        rows=rows,
        title=f"Activity, term {term.id}",
        caption=caption,
        row_styles=[STYLES.get(r["status"]) for r in rows],
    )
