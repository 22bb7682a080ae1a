"""One-line human summaries of roles for `tlt roles`, read from the role files and the rule modules' own
`summarize` functions (so a new rule kind describes itself)."""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from decimal import Decimal
from typing import Any

from tlt.model import Role, Stipend, Term, role_in_force
from tlt.rules import REGISTRY


def _money(value: Decimal) -> str:
    return f"${value:,.2f}".replace(".00", "")


def stipend_summary(stipend: Stipend | None) -> str:
    if stipend is None:
        return ""
    each = " per member" if stipend.per_member else ""
    if stipend.amount is not None:
        return f"{_money(stipend.amount)} stipend{each}"
    if stipend.percent_of_base is not None:
        return f"base + {stipend.percent_of_base.normalize():f}%{each}"
    if stipend.extra_days is not None:
        return f"+{stipend.extra_days.normalize():f} days' pay"
    return "stipend (amount not stated)"


def pay_summary(parts: tuple[Stipend, ...]) -> str:
    """The role's pay, its parts' summaries joined with " + " (empty when it has none).

    An extra-days part on its own reads "+10 days' pay"; after another part the joining " + " says it already."""
    return " + ".join(stipend_summary(p).removeprefix("+") if i else stipend_summary(p) for i, p in enumerate(parts))


def requirements(role: Role) -> list[str]:
    parts = [REGISTRY[r.kind].summarize(r.options) for r in role.required]
    if role.term_limit is not None:
        parts.append(f"≤{role.term_limit.max_terms} terms")
    if role.caseload is not None:
        parts.append(f"caseload ≤{role.caseload.max}")
    pay = pay_summary(role.parts)
    if pay:
        parts.append(pay)
    for entry in role.after_service:
        barred = "/".join([*entry.categories, *entry.roles])
        parts.append(f"then no {barred} for {entry.months} months")
    return parts


def summary(role: Role) -> str:
    """e.g. "permanent · BTU · ≥10 yrs · MA license · master's · ≤4 terms · caseload ≤12 · base + 5%"."""
    parts = requirements(role)
    if role.preferred:
        parts.append("preferred: " + ", ".join(REGISTRY[r.kind].summarize(r.options) for r in role.preferred))
    return " · ".join(parts) if parts else "no written requirements"


def roles_rows(roles: dict[str, Role], terms: tuple[Term, ...], as_of: date, history: bool) -> list[dict[str, Any]]:
    """The rows of `tlt roles`: each role in force on `as_of` (SPEC 9.1), by id; with `history`, each role as
    written before its first version (`from` empty) then once in force from each version's term (`from`: the
    term id), in file order. A version naming a term tlt.yaml lacks shows its sections as they would be, never
    in force (`from` is that id): `tlt validate` says `unknown-term`."""
    rows = []
    for role_id in sorted(roles):
        role = roles[role_id]
        if not history:
            rows.append(_role_row(role_in_force(role, as_of, terms)))
            continue
        rows.append({**_role_row(role), "from": None})
        starts = {t.id: t.start for t in terms}
        for version in role.versions:
            start = starts.get(version.term)
            shown = role_in_force(role, start, terms) if start is not None else replace(role, **version.fields)
            rows.append({**_role_row(shown), "from": version.term})
    return rows


def _role_row(role: Role) -> dict[str, Any]:
    return {
        "role_id": role.id,
        "title": role.title,
        "organization": role.organization,
        "category": role.category,
        "summary": summary(role),
    }
