"""clearances — background clearances in force.

Options: ``kinds``: every kind is needed (e.g. fingerprint, tuberculosis).

Passes when, for every kind, some clearance of that kind is dated ≤ D and not expired (``expires`` ≥ D when
recorded). Unknown when ``clearances`` is absent; an empty list fails.

Example: ``- clearances: {kinds: [fingerprint, tuberculosis]}`` → "clearances: tuberculosis expired 2025-06-30".
"""

from __future__ import annotations

from tlt.model import Teacher
from tlt.problems import listed, shorten
from tlt.rules.base import FAIL, PASS, Context, Result

KIND = "clearances"
FIELD = "clearances"


def check(options: dict, teacher: Teacher, ctx: Context) -> Result:  # type: ignore[type-arg]
    d = ctx.as_of
    missing: list[str] = []
    held: list[str] = []
    for kind in options["kinds"]:
        of_kind = [c for c in teacher.clearances or () if c.kind == kind]
        valid = [c for c in of_kind if c.date <= d and (c.expires is None or c.expires >= d)]
        shown = shorten(kind)
        if valid:
            held.append(shown)
        elif not of_kind:
            missing.append(f"no {shown}")
        elif all(c.date > d for c in of_kind):
            missing.append(f"{shown} dated {min(c.date for c in of_kind)}, after {d}")
        else:
            expiries = [c.expires for c in of_kind if c.expires is not None and c.date <= d]
            latest = max(expiries) if expiries else None
            missing.append(f"{shown} expired {latest}")
    if missing:
        return FAIL, "clearances: " + listed(missing, "; ", each=None)
    return PASS, "clearances: " + listed(held, each=None)


def summarize(options: dict) -> str:  # type: ignore[type-arg]
    return " + ".join(options["kinds"]) + " clearance"
