"""Reports of SPEC sections 5 and 6: caseload, stipends, the term report, expiring credentials.

Each module is a set of pure functions: a `Repository` and a term or an as-of date in, a `render.rows.Table`
(or plain rows) out. Nothing here prints, reads a file or formats CSV/JSON; `tlt.render.rows` does that.
What it may import is its row of docs/architecture.md (tests/test_imports.py).

This module holds what the reports share: choosing the term, and listing the assignments that overlap it.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import replace
from datetime import date
from decimal import Decimal
from fractions import Fraction

from tlt.errors import BrokenRepository, TltError
from tlt.model import Assignment, Config, Member, Role, Teacher, Term
from tlt.problems import excerpt
from tlt.render.rows import Column, Table
from tlt.suggest import TERM_CUTOFF, in_error, suggestions
from tlt.timeline import caseload_spans, default_term, member_days, peak_size


def column(
    name: str, kind: str = "text", *, priority: int, fit: str | None = None, min_width: int | None = None
) -> Column:
    """A report column. On a terminal its header reads with spaces (`teacher id`) so it can wrap at them;
    `priority`, `fit` and `min_width` say how a narrow terminal shows it (`render.rows.Column`): ids and money
    highest, free text cut with `…`."""
    return Column(name, kind, header=name.replace("_", " "), priority=priority, fit=fit, min_width=min_width)


def terminal_view(table: Table) -> Table:
    """The table as a terminal shows it: without the `term` column, which the title names (a footer label
    kept there moves to the first column). CSV and JSON keep every column."""
    columns = [c for c in table.columns if c.name != "term"]
    if len(columns) == len(table.columns) or not columns:
        return table
    footer = table.footer
    if footer is not None and footer.get("term") is not None:
        footer = {**{k: v for k, v in footer.items() if k != "term"}, columns[0].name: footer["term"]}
    return replace(table, columns=columns, footer=footer)


def select_term(config: Config, term_id: str | None, as_of: date) -> Term:
    """The term named by `--term`, else the default term of SPEC 6 (the term containing D, else the latest term
    that started before D, else the first). An unknown id is a usage error naming it and the closest ids; a term
    that ends before it starts (a `terms` error of `tlt validate`) has no days to share a stipend over, so a
    report on it stops with exit 1, as on a file that fails to load."""
    term = _find_term(config, term_id, as_of)
    if term.end < term.start:
        raise BrokenRepository(
            f"term {excerpt(term.id)} in tlt.yaml ends {term.end} before it starts {term.start}, so no report can run on it; "
            "fix tlt.yaml (run `tlt validate`)"
        )
    return term


def _find_term(config: Config, term_id: str | None, as_of: date) -> Term:
    if term_id is None:
        term = default_term(config.terms, as_of)
        if term is None:
            raise TltError("tlt.yaml has no terms; add one under `terms`")
        return term
    term = config.term(term_id)
    if term is not None:
        return term
    ids = [t.id for t in config.terms]
    raise TltError(f"no term {excerpt(term_id)} in tlt.yaml{unknown_term_hint(term_id, ids)}")


def unknown_term_hint(term_id: str, ids: list[str]) -> str:
    """What the error for a term id tlt.yaml lacks ends with (`ids`: its terms in file order): the near
    spellings of it (`TERM_CUTOFF`), else the terms it has."""
    hint = in_error(suggestions(term_id, ids, cutoff=TERM_CUTOFF))
    if hint:
        return hint
    if not ids:
        return "; it has no terms"
    if len(ids) <= 4:
        return f"; its terms are {', '.join(ids)}"
    return f"; its {len(ids)} terms run from {ids[0]} to {ids[-1]}"


def term_assignments(teachers: dict[str, Teacher], term: Term) -> Iterator[tuple[Teacher, Assignment]]:
    """Every (teacher, assignment) whose assignment holds at least one day of the term, teachers in id order."""
    for teacher_id in sorted(teachers):
        teacher = teachers[teacher_id]
        for assignment in teacher.assignments or ():
            if assignment.overlaps(term.start, term.end):
                yield teacher, assignment


def caseload_size(members: tuple[Member, ...], role: Role | None) -> Decimal:
    """The weighted size of a caseload: each member counts the role's weight for its service (default 1)."""
    if role is None or role.caseload is None:
        return Decimal(len(members))
    return sum((role.caseload.weight(m.service) for m in members), Decimal(0))


def _unweighted(service: str | None) -> Decimal:
    return Decimal(1)


def term_caseload(assignment: Assignment, role: Role | None, term: Term) -> tuple[Decimal, tuple[Member, ...]]:
    """SPEC 9.3 for term T: the largest weighted size on any day of T (of the assignment), and the members on
    the caseload on some day of T, in caseload order. Members without dates are on it for the whole assignment,
    so an undated caseload is all its members and their `caseload_size`."""
    members = assignment.caseload or ()
    if not any(m.start is not None or m.end is not None for m in members):
        return caseload_size(members, role), members
    weight = role.caseload.weight if role is not None and role.caseload is not None else _unweighted
    spans = caseload_spans(members, weight, assignment)
    in_term = tuple(m for m in members if member_days(m, assignment, term) > 0)
    return peak_size(spans, term.start, term.end), in_term


def round_half_up(value: Fraction, places: int) -> Decimal:
    """An exact rational rounded half up (away from zero) to `places` decimals, as a Decimal."""
    scale = 10**places
    scaled = abs(value) * scale
    units = (scaled.numerator * 2 + scaled.denominator) // (scaled.denominator * 2)
    if value < 0:
        units = -units
    return Decimal(units).scaleb(-places)


def members_cell(
    members: tuple[Member, ...],
) -> list[tuple[str, str | None] | tuple[str, str | None, date | None, date | None]]:
    """Caseload members as `render.rows` expects them: (teacher, service or None), and a member with dates
    (SPEC 9.3) as (teacher, service, start, end), which JSON shows as `{teacher, service, start, end}`."""
    return [(m.teacher, m.service, m.start, m.end) if m.dated else (m.teacher, m.service) for m in members]
