"""`tlt credits`: continuing-education credits toward license renewal (SPEC 10.2), and where each license with a
`renewal` stands.

Credits come from two sources:

- **role**: an assignment of a role whose compensation (in force at the term's start, SPEC 9.1; `holders: keep`
  keeps it as for stipends) has `ceu: N` earns, for each term T of tlt.yaml it overlaps,
  N × overlap days / T's days, exact (never the rounded four-decimal fraction), dated the last day of the
  overlap (the assignment's end, or T's end). The row is listed only once that day is before D: a term still
  being served has earned nothing yet. Its `source` is the role id; the date says which term.
- **coursework**: a course with `credits: N` counts N, dated the course's date, once that date is on or before D.

Credits are shown with two decimals, rounded down (a mentor who served 91 of a 181-day term earns
1 × 91/181 = 0.5027… and is shown 0.50), so a shown figure never reads as more than was earned.

A license with `renewal: {credits: N}` has a renewal row: `earned` adds the shown (rounded-down) credits of the
teacher's rows dated in [issued, expires] (an absent bound is open), every row as of D whatever `--term` picks;
`status` is `expired` when expires < D, else `met` when earned ≥ N, else `short`.

Rows sort by teacher, then date, kind and source (a teacher's credits read as a transcript); renewal rows by
teacher, then the licenses' order in the file. The credits and needed figures use the `money` kind of
`render.rows` as the wire form of a two-decimal figure (a string with two decimals in CSV and JSON, a number
shown 0.00 in a workbook): the values come rounded down already, so its half-up rounding changes nothing.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from fractions import Fraction
from typing import Any

from tlt.model import License, Teacher, Term, role_in_force
from tlt.pipeline import Repository
from tlt.render.rows import Table
from tlt.reports import column
from tlt.timeline import overlap_days

CREDIT_COLUMNS = [
    column("teacher_id", priority=100, fit="whole"),
    column("teacher_name", priority=70, fit="cut"),
    column("source", priority=90, fit="whole"),  # a role or course id
    column("kind", priority=60, fit="whole"),
    column("date", "date", priority=85),
    column("credits", "money", priority=95),
]
RENEWAL_COLUMNS = [
    column("teacher_id", priority=100, fit="whole"),
    column("license", priority=80, fit="cut", min_width=18),  # "MS standard 304117": its number whole
    column("issued", "date", priority=50),
    column("expires", "date", priority=75),
    column("earned", "money", priority=95),
    column("needed", "money", priority=90),
    column("status", priority=96, fit="whole"),
]

SHORT_STYLE = "yellow"
EXPIRED_STYLE = "bold red"


@dataclass(frozen=True)
class CreditRow:
    teacher_id: str
    teacher_name: str
    source: str
    kind: str  # role | coursework
    date: date
    credits: Decimal  # shown: two decimals, rounded down
    term: str | None  # the term a role row is for; None for coursework


@dataclass(frozen=True)
class RenewalRow:
    teacher_id: str
    license: str
    issued: date | None
    expires: date | None
    earned: Decimal
    needed: Decimal
    status: str  # met | short | expired


@dataclass(frozen=True)
class CreditsReport:
    credits: Table
    renewals: Table


def round_down(value: Fraction, places: int = 2) -> Decimal:
    """A non-negative exact value rounded down (toward zero) to `places` decimals."""
    scaled = value * 10**places
    return Decimal(scaled.numerator // scaled.denominator).scaleb(-places)


def teacher_credits(repo: Repository, teacher: Teacher, as_of: date) -> list[CreditRow]:
    """Every credit row of one teacher as of D (both sources, every term), sorted by date, kind, source."""
    assert repo.config is not None
    terms = repo.config.terms
    out = []
    for a in teacher.assignments or ():
        written = repo.roles.get(a.role)
        if written is None:  # an unknown role earns nothing (`tlt validate`: unknown-role)
            continue
        for term in terms:
            days = overlap_days(a.start, a.end, term.start, term.end)
            if days == 0:
                continue
            last = term.end if a.end is None or a.end > term.end else a.end
            if last >= as_of:  # not yet earned: the overlap's last day has not passed
                continue
            role = role_in_force(written, term.start, terms, a.start)
            if role.ceu is None:
                continue
            exact = Fraction(role.ceu) * days / term.days
            out.append(CreditRow(teacher.id, teacher.name, a.role, "role", last, round_down(exact), term.id))
    for course in teacher.coursework or ():
        if course.credits is not None and course.date <= as_of:
            out.append(
                CreditRow(teacher.id, teacher.name, course.id, "coursework", course.date,
                          round_down(Fraction(course.credits)), None)
            )  # fmt: skip
    return sorted(out, key=lambda r: (r.date, r.kind, r.source))


def license_label(lic: License) -> str:
    """A license as a person names it: state, type and number (`MS standard 304117`)."""
    return " ".join(x for x in (lic.state, lic.type, lic.number) if x)


def teacher_renewals(teacher: Teacher, rows: list[CreditRow], as_of: date) -> list[RenewalRow]:
    """One row per license of the teacher with a `renewal`, in file order, from the teacher's credit rows."""
    out = []
    for lic in teacher.licenses or ():
        if lic.renewal is None:
            continue
        earned = sum(
            (
                r.credits
                for r in rows
                if (lic.issued is None or r.date >= lic.issued) and (lic.expires is None or r.date <= lic.expires)
            ),
            Decimal("0.00"),
        )
        if lic.expires is not None and lic.expires < as_of:
            status = "expired"
        else:
            status = "met" if earned >= lic.renewal else "short"
        out.append(RenewalRow(teacher.id, license_label(lic), lic.issued, lic.expires, earned, lic.renewal, status))
    return out


def in_term(row: CreditRow, term: Term) -> bool:
    """Whether a row belongs to term T: a role row earned for T, a course dated within T."""
    return row.term == term.id if row.kind == "role" else term.start <= row.date <= term.end


def credits_report(
    repo: Repository, as_of: date, term: Term | None = None, teacher_ids: list[str] | None = None
) -> CreditsReport:
    """The credit rows (of `term` only, when given) and the renewal rows (from every credit row as of D) of the
    teachers named, or of every teacher, as two tables."""
    assert repo.config is not None
    unit = repo.config.credit_unit
    credits: list[CreditRow] = []
    renewals: list[RenewalRow] = []
    for teacher_id in sorted(teacher_ids if teacher_ids is not None else repo.teachers):
        teacher = repo.teachers[teacher_id]
        rows = teacher_credits(repo, teacher, as_of)
        renewals.extend(teacher_renewals(teacher, rows, as_of))
        credits.extend(r for r in rows if term is None or in_term(r, term))
    day = as_of.isoformat()
    teachers = len({r.teacher_id for r in credits})
    counts = {s: sum(r.status == s for r in renewals) for s in ("met", "short", "expired")}
    credit_table = Table(
        columns=list(CREDIT_COLUMNS),
        rows=[_credit_cells(r) for r in credits],
        title=f"Credits ({unit}) as of {day}" + (f", term {term.id}" if term is not None else ""),
        caption=f"{len(credits)} row{'s' if len(credits) != 1 else ''}, {teachers} teacher{'s' if teachers != 1 else ''}",
    )
    renewal_table = Table(
        columns=list(RENEWAL_COLUMNS),
        rows=[_renewal_cells(r) for r in renewals],
        title=f"License renewals ({unit}) as of {day}",
        caption=f"{len(renewals)} license{'s' if len(renewals) != 1 else ''}: "
        + ", ".join(f"{n} {s}" for s, n in counts.items()),
        row_styles=[
            EXPIRED_STYLE if r.status == "expired" else SHORT_STYLE if r.status == "short" else None for r in renewals
        ],
    )
    return CreditsReport(credit_table, renewal_table)


def _credit_cells(r: CreditRow) -> dict[str, Any]:
    return {
        "teacher_id": r.teacher_id, "teacher_name": r.teacher_name, "source": r.source, "kind": r.kind,
        "date": r.date, "credits": r.credits,
    }  # fmt: skip


def _renewal_cells(r: RenewalRow) -> dict[str, Any]:
    return {
        "teacher_id": r.teacher_id, "license": r.license, "issued": r.issued, "expires": r.expires,
        "earned": r.earned, "needed": r.needed, "status": r.status,
    }  # fmt: skip
