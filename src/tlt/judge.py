"""Verdicts for (teacher, role, date) — SPEC section 3.

``ineligible`` if any required or implicit rule fails; else ``needs_review`` if any required rule answers
unknown; else ``eligible``. Preferred rules never change the verdict: ``preferred_met`` counts those that pass
(unknown does not count) out of ``preferred_total``. Every check carries a plain-English detail with the figures,
quoting the rule's ``cite``.

Work is done per role once (`CompiledRole`) and per teacher once per distinct rule (a teacher judged against
fifteen roles that all ask for the same license answers it once).
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from tlt.model import AfterService, Role, RuleSpec, Teacher
from tlt.rules import REGISTRY
from tlt.rules.base import FAIL, PASS, UNKNOWN, Context
from tlt.rules.implicit import COOLING_OFF, TERM_LIMIT, barring_entries, cooling_off, term_limit

ELIGIBLE = "eligible"
NEEDS_REVIEW = "needs_review"
INELIGIBLE = "ineligible"
VERDICT_ORDER = {ELIGIBLE: 0, NEEDS_REVIEW: 1, INELIGIBLE: 2}


@dataclass(frozen=True, slots=True)
class Check:
    rule: str
    required: bool
    outcome: str
    detail: str

    def as_dict(self) -> dict[str, Any]:
        return {"rule": self.rule, "required": self.required, "outcome": self.outcome, "detail": self.detail}


@dataclass(slots=True)
class Verdict:
    role: str
    teacher: str
    verdict: str
    preferred_met: int
    preferred_total: int
    checks: tuple[Check, ...]

    @property
    def reasons(self) -> list[str]:
        """The details of every failing or unknown required or implicit check, in rule order."""
        return [c.detail for c in self.checks if c.required and c.outcome != PASS]

    def sort_key(self) -> tuple[str, int, int, str]:
        return (self.role, VERDICT_ORDER[self.verdict], -self.preferred_met, self.teacher)


def _cited(detail: str, cite: str | None) -> str:
    return f"{detail} (per {cite})" if cite else detail


@dataclass(frozen=True)
class CompiledRule:
    spec: RuleSpec
    module: Any
    key: tuple[str, str, str | None]


@dataclass
class CompiledRole:
    role: Role
    required: list[CompiledRule]
    preferred: list[CompiledRule]
    barring: list[tuple[str, AfterService]] = field(default_factory=list)

    @property
    def signature(self) -> tuple[Any, ...] | None:
        """Roles with the same written rules and no implicit ones judge every teacher alike (the catalog's
        no-requirement roles, the career track's eight roles): judged once per teacher, shared by all."""
        if self.role.term_limit is not None or self.barring:
            return None
        return (tuple(r.key for r in self.required), tuple(r.key for r in self.preferred))


def _compile_rule(spec: RuleSpec) -> CompiledRule:
    key = (spec.kind, json.dumps(spec.options, sort_keys=True, default=str), spec.cite)
    return CompiledRule(spec, REGISTRY[spec.kind], key)


def compile_role(role: Role, roles: dict[str, Role]) -> CompiledRole:
    return CompiledRole(
        role,
        [_compile_rule(s) for s in role.required],
        [_compile_rule(s) for s in role.preferred],
        barring_entries(role, roles),
    )


def _run(rule: CompiledRule, teacher: Teacher, ctx: Context, cache: dict[Any, tuple[str, str]]) -> tuple[str, str]:
    hit = cache.get(rule.key)
    if hit is not None:
        return hit
    module = rule.module
    if getattr(teacher, module.FIELD) is None:
        field_name = module.FIELD.replace("_", " ")
        result = (UNKNOWN, f"{rule.spec.kind}: {field_name} not recorded")
    else:
        outcome, detail = module.check(rule.spec.options, teacher, ctx)
        result = (outcome, detail)
    result = (result[0], _cited(result[1], rule.spec.cite))
    cache[rule.key] = result
    return result


def judge_compiled(
    compiled: CompiledRole,
    teacher: Teacher,
    ctx: Context,
    cache: dict[Any, tuple[str, str]] | None = None,
    implicit: bool = True,
) -> Verdict:
    """The verdict for one teacher and one compiled role as of ctx.as_of."""
    cache = {} if cache is None else cache
    role = compiled.role
    checks: list[Check] = []
    failed = unknown = False
    for rule in compiled.required:
        outcome, detail = _run(rule, teacher, ctx, cache)
        failed = failed or outcome == FAIL
        unknown = unknown or outcome == UNKNOWN
        checks.append(Check(rule.spec.kind, True, outcome, detail))
    if implicit:
        if role.term_limit is not None:
            outcome, detail = term_limit(role, teacher, ctx)
            checks.append(Check(TERM_LIMIT, True, outcome, _cited(detail, role.term_limit.cite)))
            failed = failed or outcome == FAIL
        if compiled.barring:
            outcome, detail = cooling_off(role, teacher, ctx, compiled.barring)
            checks.append(Check(COOLING_OFF, True, outcome, detail))
            failed = failed or outcome == FAIL
    met = 0
    for rule in compiled.preferred:
        outcome, detail = _run(rule, teacher, ctx, cache)
        met += outcome == PASS
        checks.append(Check(rule.spec.kind, False, outcome, detail))
    verdict = INELIGIBLE if failed else NEEDS_REVIEW if unknown else ELIGIBLE
    return Verdict(role.id, teacher.id, verdict, met, len(compiled.preferred), tuple(checks))


def judge(repo: Any, teacher: Teacher, role: Role, as_of: date) -> Verdict:
    """The verdict for one (teacher, role) as of a date, over a loaded repository."""
    ctx = Context.build(repo.config, repo.roles, as_of)
    return judge_compiled(compile_role(role, repo.roles), teacher, ctx)


def judge_all(
    repo: Any,
    as_of: date,
    role_ids: Iterable[str] | None = None,
    teacher_ids: Iterable[str] | None = None,
) -> list[Verdict]:
    """Every (teacher, role) verdict, sorted by role, verdict, preferred_met descending, teacher."""
    ctx = Context.build(repo.config, repo.roles, as_of)
    roles = (
        [repo.roles[r] for r in sorted(set(role_ids))]
        if role_ids is not None
        else [repo.roles[r] for r in sorted(repo.roles)]
    )
    teachers = (
        [repo.teachers[t] for t in sorted(set(teacher_ids))]
        if teacher_ids is not None
        else [repo.teachers[t] for t in sorted(repo.teachers)]
    )
    compiled = [(c, c.signature) for c in (compile_role(r, repo.roles) for r in roles)]
    out: list[Verdict] = []
    append = out.append
    for teacher in teachers:
        cache: dict[Any, Any] = {}
        shared: dict[Any, Verdict] = {}
        for c, signature in compiled:
            if signature is not None and signature in shared:
                v = shared[signature]
                append(Verdict(c.role.id, v.teacher, v.verdict, v.preferred_met, v.preferred_total, v.checks))
                continue
            v = judge_compiled(c, teacher, ctx, cache)
            if signature is not None:
                shared[signature] = v
            append(v)
    out.sort(key=Verdict.sort_key)
    return out
