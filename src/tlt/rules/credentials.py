"""credentials — credentials held on the date.

Options: ``all_of`` and/or ``any_of`` (credential ids).

A credential is held when it is dated ≤ D and not expired (``expires`` ≥ D when recorded). Passes when every
``all_of`` id is held and, when ``any_of`` is given, at least one of its ids.
Unknown when ``credentials`` is absent; an empty list fails.

Example: ``- credentials: {all_of: [national-board]}`` → "credentials: national-board expired 2024-11-01".
"""

from __future__ import annotations

from tlt.model import Teacher
from tlt.problems import listed
from tlt.rules.base import FAIL, PASS, Context, Result, words

KIND = "credentials"
FIELD = "credentials"


def _why_not(cid: str, teacher: Teacher, ctx: Context) -> str:
    mine = [c for c in teacher.credentials or () if c.id == cid]
    if not mine:
        return f"no {cid}"
    if all(c.date > ctx.as_of for c in mine):
        return f"{cid} dated {min(c.date for c in mine)}, after {ctx.as_of}"
    expiries = [c.expires for c in mine if c.expires is not None]
    latest = max(expiries) if expiries else None
    return f"{cid} expired {latest}"


def check(options: dict, teacher: Teacher, ctx: Context) -> Result:  # type: ignore[type-arg]
    d = ctx.as_of
    held = {c.id for c in teacher.credentials or () if c.date <= d and (c.expires is None or c.expires >= d)}
    problems = [_why_not(cid, teacher, ctx) for cid in options.get("all_of", ()) if cid not in held]
    any_of = options.get("any_of")
    if any_of and not held.intersection(any_of):
        problems.append(f"none of {words(list(any_of))}")
    if problems:
        return FAIL, "credentials: " + listed(problems, "; ", each=None)
    relevant = sorted(held.intersection([*options.get("all_of", ()), *(any_of or ())]))
    return PASS, "credentials: " + listed(relevant)


def summarize(options: dict) -> str:  # type: ignore[type-arg]
    parts = list(options.get("all_of", ()))
    if options.get("any_of"):
        parts.append("one of " + "/".join(options["any_of"]))
    return " + ".join(parts)
