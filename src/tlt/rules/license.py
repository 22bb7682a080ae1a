"""license — a valid license of one of the named states.

Options: ``states`` (two-letter codes), ``types`` (optional), ``allow_pending`` (default false).

Passes when some license has state ∈ states, type ∈ types (when types are given), status ``active`` (or
``pending`` when allowed; a license without a status is active), ``issued`` ≤ D (when recorded) and
``expires`` ≥ D (when recorded: a license expiring on D is still valid on D).
Unknown when ``licenses`` is absent; an empty list fails.

Example: ``- license: {states: [MA]}`` → "license: MA professional expired 2025-06-30".
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Any

from tlt.model import License, Teacher
from tlt.problems import LIST_LIMIT, listed, shorten
from tlt.rules.base import FAIL, PASS, Context, Result, Stretches, as_set, words

KIND = "license"
FIELD = "licenses"


def _name(lic: License) -> str:
    return f"{lic.state} {shorten(lic.type)}" if lic.type else f"{lic.state} license"


def _counts(lic: License, options: dict[str, Any]) -> bool:
    """Whether the license can count on some date: its type and status (the parts that do not depend on D)."""
    types = as_set(options.get("types"))
    if types and lic.type not in types:
        return False
    return lic.status == "active" or (lic.status == "pending" and bool(options.get("allow_pending")))


def _problem(lic: License, options: dict, d: date, types: frozenset[str]) -> str | None:  # type: ignore[type-arg]
    """Why this license does not count on `d`, or None when it does (`types`: the rule's, as a set)."""
    if types and lic.type not in types:
        return f"{_name(lic)} is not {words(options['types'])}"
    allowed = ("active", "pending") if options.get("allow_pending") else ("active",)
    if lic.status not in allowed:
        return f"{_name(lic)} is {lic.status}"
    if lic.issued is not None and lic.issued > d:
        return f"{_name(lic)} is issued {lic.issued}, after {d}"
    if lic.expires is not None and lic.expires < d:
        return f"{_name(lic)} expired {lic.expires}"
    return None


def _held(lic: License) -> Result:
    until = f", expires {lic.expires}" if lic.expires else ""
    return PASS, f"license: {_name(lic)} {lic.status}{until}"


def _not_held(candidates: list[License], options: dict, d: date) -> Result:  # type: ignore[type-arg]
    """Every candidate fails on `d`: the reasons of the first `LIST_LIMIT`, and how many more there are."""
    types = as_set(options.get("types"))
    problems = [_problem(lic, options, d, types) or "" for lic in candidates[:LIST_LIMIT]]
    return FAIL, "license: " + listed(problems, "; ", each=None, total=len(candidates))


def check(options: dict, teacher: Teacher, ctx: Context) -> Result:  # type: ignore[type-arg]
    states = as_set(options["states"])
    candidates = [lic for lic in teacher.licenses or () if lic.state in states]
    if not candidates:
        return FAIL, _none_held(options)
    types = as_set(options.get("types"))
    for lic in candidates:
        if _problem(lic, options, ctx.as_of, types) is None:
            return _held(lic)
    return _not_held(candidates, options, ctx.as_of)


def over_dates(options: dict, teacher: Teacher, ctx: Context) -> Callable[[date], Result]:  # type: ignore[type-arg]
    """`check` on any date: the candidates once, and the first one (in file order) valid on each date by
    bisection (`Stretches`)."""
    states = as_set(options["states"])
    candidates = [lic for lic in teacher.licenses or () if lic.state in states]
    valid = Stretches(
        [(lic.issued or date.min, lic.expires, i) for i, lic in enumerate(candidates) if _counts(lic, options)]
    )

    def on(d: date) -> Result:
        if not candidates:
            return FAIL, _none_held(options)
        first = valid.at(d)
        if first is not None:
            return _held(candidates[first])
        return _not_held(candidates, options, d)

    return on


def _none_held(options: dict) -> str:  # type: ignore[type-arg]
    return f"license: no {words(options['states'])} license"


def summarize(options: dict) -> str:  # type: ignore[type-arg]
    text = "/".join(options["states"])
    if options.get("types"):
        text += " " + "/".join(options["types"])
    text += " license"
    if options.get("allow_pending"):
        text += " (or pending)"
    return text
