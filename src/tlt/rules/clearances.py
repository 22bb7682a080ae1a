"""clearances — background clearances in force.

Options: ``kinds``: every kind is needed (e.g. fingerprint, tuberculosis).

Passes when, for every kind, some clearance of that kind is dated ≤ D and not expired (``expires`` ≥ D when
recorded). Unknown when ``clearances`` is absent; an empty list fails.

Example: ``- clearances: {kinds: [fingerprint, tuberculosis]}`` → "clearances: tuberculosis expired 2025-06-30".
"""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Callable
from datetime import date

from tlt.model import Clearance, Teacher
from tlt.problems import LIST_LIMIT, listed, shorten
from tlt.rules.base import FAIL, PASS, Context, Result, as_set

KIND = "clearances"
FIELD = "clearances"


def check(options: dict, teacher: Teacher, ctx: Context) -> Result:  # type: ignore[type-arg]
    wanted = as_set(options["kinds"])
    # Only the kinds the teacher has can be held; each other kind is simply "no <kind>". So the work is the
    # teacher's clearances and the few reasons shown, never the whole list (a role can name 100,000 kinds).
    by_kind: dict[str, list[Clearance]] = {}
    for c in teacher.clearances or ():
        if c.kind in wanted:
            by_kind.setdefault(c.kind, []).append(c)
    d = ctx.as_of
    return _answer(options, {kind: _why_not(items, kind, d) for kind, items in by_kind.items()})


def over_dates(options: dict, teacher: Teacher, ctx: Context) -> Callable[[date], Result]:  # type: ignore[type-arg]
    """`check` on any date, from the clearances grouped by kind and sorted once (`_Index`)."""
    index = _Index(teacher.clearances or ())
    wanted = as_set(options["kinds"])
    kinds = [kind for kind in index.kinds if kind in wanted]
    return lambda d: _answer(options, {kind: index.why_not(kind, d) for kind in kinds})


def _answer(options: dict, reasons: dict[str, str | None]) -> Result:  # type: ignore[type-arg]
    """The answer from why each kind the teacher has is not valid (None: it is)."""
    kinds = options["kinds"]  # (no kind twice: the schema's uniqueItems)
    held = sum(1 for why in reasons.values() if why is None)
    if held == len(kinds):
        return PASS, "clearances: " + listed(kinds[:LIST_LIMIT], total=len(kinds))
    missing: list[str] = []
    for kind in kinds:  # the first reasons, in the rule's order: at most LIST_LIMIT + `held` kinds looked at
        if kind in reasons:
            why = reasons[kind]
            if why is None:
                continue
            missing.append(why)
        else:
            missing.append(f"no {shorten(kind)}")
        if len(missing) == LIST_LIMIT:
            break
    return FAIL, "clearances: " + listed(missing, "; ", each=None, total=len(kinds) - held)


def _why_not(of_kind: list[Clearance] | tuple[()], kind: str, d: date) -> str | None:
    """Why no clearance of this kind is valid on `d` (None when one is)."""
    if any(c.date <= d and (c.expires is None or c.expires >= d) for c in of_kind):
        return None
    shown = shorten(kind)
    if not of_kind:
        return f"no {shown}"
    if all(c.date > d for c in of_kind):
        return f"{shown} dated {min(c.date for c in of_kind)}, after {d}"
    expiries = [c.expires for c in of_kind if c.expires is not None and c.date <= d]
    return f"{shown} expired {max(expiries) if expiries else None}"


class _Index:
    """One teacher's clearances for many dates: per kind, sorted by date, the latest expiry (no expiry: never)
    and the latest recorded expiry among the clearances dated on or before each one."""

    def __init__(self, clearances: tuple[Clearance, ...]) -> None:
        groups: dict[str, list[Clearance]] = {}
        for c in clearances:
            groups.setdefault(c.kind, []).append(c)
        self.kinds: dict[str, tuple[list[date], list[date], list[date | None]]] = {}
        for kind, items in groups.items():
            items.sort(key=lambda c: c.date)
            dates: list[date] = []
            valid_until: list[date] = []
            latest: list[date | None] = []
            for c in items:
                dates.append(c.date)
                until = c.expires if c.expires is not None else date.max
                valid_until.append(until if not valid_until or until > valid_until[-1] else valid_until[-1])
                before = latest[-1] if latest else None
                later = c.expires if c.expires is not None and (before is None or c.expires > before) else before
                latest.append(later)
            self.kinds[kind] = (dates, valid_until, latest)

    def why_not(self, kind: str, d: date) -> str | None:
        found = self.kinds.get(kind)
        if found is None:
            return f"no {shorten(kind)}"
        dates, valid_until, latest = found
        k = bisect_right(dates, d)  # dated on or before D
        if k and valid_until[k - 1] >= d:
            return None
        if k == 0:
            return f"{shorten(kind)} dated {dates[0]}, after {d}"
        return f"{shorten(kind)} expired {latest[k - 1]}"


def summarize(options: dict) -> str:  # type: ignore[type-arg]
    return " + ".join(options["kinds"]) + " clearance"
