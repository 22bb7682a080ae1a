"""`tlt expiring`: licenses, clearances and credentials of current role holders that expired before D or expire
within [D, D + DAYS] (SPEC 6).

A current role holder is a teacher with an assignment active on D (start ≤ D ≤ end, or open-ended). Only
items with an `expires` date are considered. Only `active` licenses count (as in `tlt validate`'s
`expiring` check): a pending, expired or revoked license is neither reported nor a renewal. A renewed item
hides the one it replaces: of the items with the same identity (a license's state and type, a clearance's kind,
a credential's id), only the one that expires last is reported, and none when one of them never expires.
`days_left` is `expires − D` in days (negative once expired; an item expiring on D itself has 0 days left and is
still `expiring`, as the rules hold it valid through its `expires` day). Rows sort soonest first, then by
teacher, kind, item.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from tlt.model import Teacher
from tlt.pipeline import Repository
from tlt.render.rows import Table
from tlt.reports import column

DEFAULT_WITHIN = 90

COLUMNS = [
    column("teacher_id", priority=100, fit="whole"),
    column("teacher_name", priority=65, fit="cut"),
    column("school", priority=30, fit="cut"),
    column("roles", "list", priority=40),  # role ids: wrapped at their spaces, each whole
    column("kind", priority=60, fit="whole"),
    column("item", priority=70),  # a license's name and number, a credential's id: wrapped, words whole
    column("expires", "date", priority=95),
    column("days_left", "int", priority=90),
    column("status", priority=85, fit="whole"),
]

EXPIRED_STYLE = "bold red"
EXPIRING_STYLE = "yellow"


@dataclass(frozen=True)
class Item:
    """One dated document of a teacher: its kind, identity (renewals share it), label and expiry."""

    kind: str  # license | clearance | credential
    identity: tuple[str, ...]
    label: str
    expires: date | None


@dataclass(frozen=True)
class ExpiringRow:
    teacher_id: str
    teacher_name: str
    school: str | None
    roles: tuple[str, ...]
    kind: str
    item: str
    expires: date
    days_left: int

    @property
    def status(self) -> str:
        return "expired" if self.days_left < 0 else "expiring"


def items(teacher: Teacher) -> list[Item]:
    out = []
    for lic in teacher.licenses or ():
        if lic.status != "active":  # a pending renewal does not make an expiring license safe
            continue
        label = " ".join(x for x in (lic.state, lic.type, lic.number) if x)
        out.append(Item("license", (lic.state, lic.type or ""), label, lic.expires))
    for c in teacher.clearances or ():
        out.append(Item("clearance", (c.kind,), c.kind, c.expires))
    for cred in teacher.credentials or ():
        out.append(Item("credential", (cred.id,), cred.id, cred.expires))
    return out


def _latest(found: list[Item]) -> list[Item]:
    """Drop every item that a later-expiring (or never-expiring) renewal of the same identity replaces: what is
    kept of each identity is the items expiring last, unless one never expires. By identity, in one pass, not
    each item against every other (25,000 licenses in one file were 600 million comparisons)."""
    latest: dict[tuple[str, tuple[str, ...]], date | None] = {}
    for x in found:
        key = (x.kind, x.identity)
        if key not in latest:
            latest[key] = x.expires
            continue
        best = latest[key]
        if best is not None and (x.expires is None or x.expires > best):  # None: never expires, nothing later
            latest[key] = x.expires
    return [x for x in found if x.expires is not None and x.expires == latest[(x.kind, x.identity)]]


def expiring_rows(repo: Repository, as_of: date, within: int = DEFAULT_WITHIN) -> list[ExpiringRow]:
    if within < 0:
        raise ValueError("within must be >= 0")
    # `--within` has no upper bound: a horizon past the calendar's end is its end (no date in a file is later)
    horizon = date.max if within > (date.max - as_of).days else as_of + timedelta(days=within)
    out = []
    for teacher_id in sorted(repo.teachers):
        teacher = repo.teachers[teacher_id]
        roles = tuple(sorted({a.role for a in teacher.assignments or () if a.active_on(as_of)}))
        if not roles:
            continue
        for item in _latest(items(teacher)):
            assert item.expires is not None
            if item.expires <= horizon:
                out.append(
                    ExpiringRow(
                        teacher.id, teacher.name, teacher.school, roles, item.kind, item.label, item.expires,
                        (item.expires - as_of).days,
                    )
                )  # fmt: skip
    # Two identical items (a duplicated entry) show once.
    unique = {(r.expires, r.teacher_id, r.kind, r.item): r for r in out}
    return [unique[k] for k in sorted(unique)]


def expiring_table(repo: Repository, as_of: date, within: int = DEFAULT_WITHIN) -> Table:
    rows = expiring_rows(repo, as_of, within)
    expired = sum(r.status == "expired" for r in rows)
    return Table(
        columns=list(COLUMNS),
        rows=[
            {
                "teacher_id": r.teacher_id, "teacher_name": r.teacher_name, "school": r.school, "roles": list(r.roles),
                "kind": r.kind, "item": r.item, "expires": r.expires, "days_left": r.days_left, "status": r.status,
            }
            for r in rows
        ],
        title=f"Expiring documents of current role holders, as of {as_of.isoformat()}, within {within} days",
        caption=f"{len(rows)} item{'s' if len(rows) != 1 else ''}, {expired} expired",
        row_styles=[EXPIRED_STYLE if r.status == "expired" else EXPIRING_STYLE for r in rows],
    )  # fmt: skip
