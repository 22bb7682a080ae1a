"""Activity (SPEC 10.1): what a role requires its holder to log with each caseload member per term, and what the
holder's assignment records, as counts and dates only. Plain functions of an assignment, its role (the role in
force at the term's start: SPEC 9.1, the caller asks `model.role_in_force`), a term and an as-of date D; `tlt
activity` (`reports.activity`), `tlt validate` (`policy.check_activity`, `checks.check_activity_entries`) and
`compensation.paid_when: activity_met` (`reports.stipends`) all count here, so they can never disagree.

- A requirement applies to each teacher on the caseload on some day of T, in a listing of the requirement's
  `service` when it names one (a teacher listed twice, SPEC 9.3, applies once).
- An entry counts for (member, requirement, T) when it names the member, is dated in T, before D (D itself has
  not been worked, SPEC 3), on a day the member is on the caseload in such a listing (a listing's days are
  clipped to the assignment: `timeline.member_span`), and is of the requirement's kind (and tag, when given);
  for `kind: hours` every entry with the member counts its `hours` (an entry without hours adds 0).
- Status: `met` (done ≥ min), else `due` while T has not ended before D, else `missed`.
- An assignment without a `caseload`, or a role without `activity`, has nothing to count; every requirement of
  such an assignment is met (vacuously), so `paid_when: activity_met` pays it.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from tlt.model import ActivityEntry, Assignment, Member, Requirement, Role, Term
from tlt.timeline import member_days, member_span

MET, DUE, MISSED = "met", "due", "missed"
STATUSES = (MET, DUE, MISSED)

_ZERO = Decimal(0)


@dataclass(frozen=True)
class Tally:
    """One (member, requirement) of an assignment for a term: what was done, out of `requirement.min`, and its
    status. `order` is the requirement's position in the role's `activity`."""

    member: str
    requirement: Requirement
    order: int
    done: Decimal
    status: str


def on_caseload(m: Member, a: Assignment, d: date) -> bool:
    """Whether the listing `m` has the member on the assignment's caseload on day `d`."""
    first, last = member_span(m, a)
    return first <= d and (last is None or d <= last)


def term_members(a: Assignment, term: Term) -> list[str]:
    """The teacher ids on the caseload on some day of the term, each once, sorted (the report's order)."""
    return sorted({m.teacher for m in a.caseload or () if member_days(m, a, term) > 0})


def _listings(a: Assignment) -> dict[str, list[Member]]:
    """The caseload's listings by teacher id (a teacher may be listed twice, SPEC 9.3), in caseload order."""
    out: dict[str, list[Member]] = {}
    for m in a.caseload or ():
        out.setdefault(m.teacher, []).append(m)
    return out


def _counts(e: ActivityEntry, r: Requirement) -> Decimal:
    """What one entry adds to a requirement: its hours for kind hours, else 1 when its kind (and tag) match."""
    if r.hours:
        return e.hours if e.hours is not None else _ZERO
    if e.kind == r.kind and (r.tag is None or e.tag == r.tag):
        return Decimal(1)
    return _ZERO


def status(done: Decimal, r: Requirement, term: Term, as_of: date) -> str:
    if done >= r.min:
        return MET
    return MISSED if term.end < as_of else DUE


def tallies(a: Assignment, role: Role, term: Term, as_of: date) -> list[Tally]:
    """Every (member, requirement) that applies to the assignment in the term, by member then requirement
    order, with what was done and its status as of D."""
    if not role.activity or not a.caseload:
        return []
    out: list[Tally] = []
    # the entries of the term before D by member, once: a file may hold thousands of entries and members
    by_member: dict[str, list[ActivityEntry]] = {}
    for e in a.activity or ():
        if term.start <= e.date <= term.end and e.date < as_of:
            by_member.setdefault(e.member, []).append(e)
    listed = _listings(a)
    for member in term_members(a, term):
        mine = by_member.get(member, [])
        in_term = [m for m in listed[member] if member_days(m, a, term)]
        for order, r in enumerate(role.activity):
            listings = [m for m in in_term if r.service is None or m.service == r.service]
            if not listings:
                continue
            done = sum(
                (_counts(e, r) for e in mine if any(on_caseload(m, a, e.date) for m in listings)),
                _ZERO,
            )
            out.append(Tally(member, r, order, done, status(done, r, term, as_of)))
    return out


def all_met(a: Assignment, role: Role, term: Term, as_of: date) -> bool:
    """Whether every requirement of the assignment is met for the term (`paid_when: activity_met`)."""
    return all(t.status == MET for t in tallies(a, role, term, as_of))


def entry_problems(a: Assignment) -> Iterator[tuple[ActivityEntry, str]]:
    """Each entry that can never count, and why (SPEC 10.1's `activity-entry`): dated outside the assignment,
    naming a teacher who is not on its caseload, or dated on a day that teacher is not on it. One problem an entry."""
    if a.end is not None and a.end < a.start:
        return  # the assignment's own date-order problem: it has no days
    listed = _listings(a)
    for e in a.activity or ():
        if e.date < a.start:
            yield e, f"activity entry dated {e.date} is before the assignment's start {a.start}"
            continue
        if a.end is not None and e.date > a.end:
            yield e, f"activity entry dated {e.date} is after the assignment's end {a.end}"
            continue
        listings = listed.get(e.member)
        if not listings:
            yield e, f"activity entry names {e.member}, who is not on the caseload"
        elif not any(on_caseload(m, a, e.date) for m in listings):
            spans = ", ".join(_span_text(m, a) for m in listings)
            yield e, f"activity entry on {e.date} names {e.member}, who is not on the caseload that day (on it {spans})"


def _span_text(m: Member, a: Assignment) -> str:
    first, last = member_span(m, a)
    return f"{first} to {last}" if last is not None else f"from {first}"
