"""license — a valid license of one of the named states.

Options: ``states`` (two-letter codes), ``types`` (optional), ``allow_pending`` (default false).

Passes when some license has state ∈ states, type ∈ types (when types are given), status ``active`` (or
``pending`` when allowed; a license without a status is active), ``issued`` ≤ D (when recorded) and
``expires`` ≥ D (when recorded: a license expiring on D is still valid on D).
Unknown when ``licenses`` is absent; an empty list fails.

Example: ``- license: {states: [MA]}`` → "license: MA professional expired 2025-06-30".
"""

from __future__ import annotations

from functools import cache

from tlt.model import License, Teacher
from tlt.problems import listed, shorten
from tlt.rules.base import FAIL, PASS, Context, Result, words

KIND = "license"
FIELD = "licenses"


def _name(lic: License) -> str:
    return f"{lic.state} {shorten(lic.type)}" if lic.type else f"{lic.state} license"


def _problem(lic: License, options: dict, ctx: Context) -> str | None:  # type: ignore[type-arg]
    """Why this license does not count, or None when it does."""
    types = options.get("types")
    if types and lic.type not in types:
        return f"{_name(lic)} is not {words(list(types))}"
    allowed = ("active", "pending") if options.get("allow_pending") else ("active",)
    if lic.status not in allowed:
        return f"{_name(lic)} is {lic.status}"
    if lic.issued is not None and lic.issued > ctx.as_of:
        return f"{_name(lic)} is issued {lic.issued}, after {ctx.as_of}"
    if lic.expires is not None and lic.expires < ctx.as_of:
        return f"{_name(lic)} expired {lic.expires}"
    return None


def check(options: dict, teacher: Teacher, ctx: Context) -> Result:  # type: ignore[type-arg]
    states = options["states"]
    candidates = [lic for lic in teacher.licenses or () if lic.state in states]
    if not candidates:
        return FAIL, _none_held(tuple(states))
    problems = []
    for lic in candidates:
        problem = _problem(lic, options, ctx)
        if problem is None:
            until = f", expires {lic.expires}" if lic.expires else ""
            return PASS, f"license: {_name(lic)} {lic.status}{until}"
        problems.append(problem)
    return FAIL, "license: " + listed(problems, "; ", each=None)


@cache
def _none_held(states: tuple[str, ...]) -> str:
    return f"license: no {words(list(states))} license"


def summarize(options: dict) -> str:  # type: ignore[type-arg]
    text = "/".join(options["states"])
    if options.get("types"):
        text += " " + "/".join(options["types"])
    text += " license"
    if options.get("allow_pending"):
        text += " (or pending)"
    return text
