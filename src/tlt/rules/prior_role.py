"""prior_role — terms already served in matching roles.

Options: ``roles`` (ids) and/or ``categories``, ``min_terms`` (default 1).

Passes when the terms served before D in any matching role (by id, or by the role's category) reach
``min_terms``: distinct terms of tlt.yaml that a matching assignment overlaps on a day before D, plus each
matching assignment's ``prior_terms`` (those cannot be de-duplicated across roles).
Unknown when ``assignments`` is absent; an empty list fails.

Example: ``- prior_role: {categories: [coaching, mentoring]}`` → "prior role (coaching or mentoring): 0 terms, needs 1".
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

from tlt.model import Teacher
from tlt.rules.base import FAIL, PASS, Context, Result, as_set, words
from tlt.timeline import Served

KIND = "prior_role"
FIELD = "assignments"


def check(options: dict, teacher: Teacher, ctx: Context) -> Result:  # type: ignore[type-arg]
    return over_dates(options, teacher, ctx)(ctx.as_of)


def over_dates(options: dict, teacher: Teacher, ctx: Context) -> Callable[[date], Result]:  # type: ignore[type-arg]
    """The answer on any date: the matching assignments' terms served (`timeline.Served`), merged once."""
    ids, categories = as_set(options.get("roles")), as_set(options.get("categories"))
    roles = ctx.roles
    matching = tuple(
        a
        for a in teacher.assignments or ()
        if a.role in ids or (a.role in roles and roles[a.role].category in categories)
    )
    served = Served(matching, ctx.term_index)
    needed = int(options.get("min_terms", 1))
    what = words(sorted(ids) + sorted(categories))

    def on(d: date) -> Result:
        count = served(d)
        plural = "term" if count == 1 else "terms"
        if count >= needed:
            return PASS, f"prior role ({what}): {count} {plural} (needs {needed})"
        return FAIL, f"prior role ({what}): {count} {plural}, needs {needed}"

    return on


def summarize(options: dict) -> str:  # type: ignore[type-arg]
    what = "/".join([*options.get("roles", ()), *options.get("categories", ())])
    n = int(options.get("min_terms", 1))
    return f"prior {what}" + (f" ×{n} terms" if n > 1 else "")
