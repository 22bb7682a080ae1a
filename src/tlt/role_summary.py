"""One-line human summaries of roles for `tlt roles`, read from the role files and the rule modules' own
`summarize` functions (so a new rule kind describes itself)."""

from __future__ import annotations

from decimal import Decimal

from tlt.model import Role, Stipend
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
    """The role's pay, its parts' summaries joined with " + " (empty when it has none)."""
    return " + ".join(stipend_summary(p) for p in parts)


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
