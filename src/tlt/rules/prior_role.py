"""prior_role — terms already served in matching roles.

Options: ``roles`` (ids) and/or ``categories``, ``min_terms`` (default 1).

Passes when the terms served before D in any matching role (by id, or by the role's category) reach
``min_terms``: distinct terms of tlt.yaml that a matching assignment overlaps on a day before D, plus each
matching assignment's ``prior_terms`` (those cannot be de-duplicated across roles).
Unknown when ``assignments`` is absent; an empty list fails.

Example: ``- prior_role: {categories: [coaching, mentoring]}`` → "prior role (coaching or mentoring): 0 terms, needs 1".
"""

from __future__ import annotations

from tlt.model import Assignment, Teacher
from tlt.rules.base import FAIL, PASS, Context, Result, derived, option_set, words
from tlt.timeline import served_in

KIND = "prior_role"
FIELD = "assignments"


def check(options: dict, teacher: Teacher, ctx: Context) -> Result:  # type: ignore[type-arg]
    ids = option_set(options, "roles")
    categories = option_set(options, "categories")
    roles = ctx.roles

    def matching(a: Assignment) -> bool:
        return a.role in ids or (a.role in roles and roles[a.role].category in categories)

    # remembered for the teacher (`served_in`): the selection reads this rule's options and the roles
    served = served_in(teacher.assignments or (), KIND, matching, ctx.terms, (options, roles))(ctx.as_of)
    needed = int(options.get("min_terms", 1))
    what = derived(options, "what words", lambda: words(sorted(ids) + sorted(categories)))
    plural = "term" if served == 1 else "terms"
    if served >= needed:
        return PASS, f"prior role ({what}): {served} {plural} (needs {needed})"
    return FAIL, f"prior role ({what}): {served} {plural}, needs {needed}"


def summarize(options: dict) -> str:  # type: ignore[type-arg]
    what = "/".join([*options.get("roles", ()), *options.get("categories", ())])
    n = int(options.get("min_terms", 1))
    return f"prior {what}" + (f" ×{n} terms" if n > 1 else "")
