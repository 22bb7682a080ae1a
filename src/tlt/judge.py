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
from typing import Any, NamedTuple

from tlt.model import AfterService, Degree, Role, RuleSpec, Teacher
from tlt.rules import REGISTRY
from tlt.rules.base import FAIL, PASS, UNKNOWN, Context
from tlt.rules.implicit import COOLING_OFF, TERM_LIMIT, barring_entries, cooling_off, term_limit

ELIGIBLE = "eligible"
NEEDS_REVIEW = "needs_review"
INELIGIBLE = "ineligible"
VERDICT_ORDER = {ELIGIBLE: 0, NEEDS_REVIEW: 1, INELIGIBLE: 2}


class Check(NamedTuple):
    """One rule's answer for one (teacher, role). A named tuple: millions are made for a statewide run."""

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
    #: the same number for every rule with the same key (kind, options, cite), in every role: a teacher's
    #: answers are cached by it
    slot: int


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


#: rule key → slot; a handful of distinct rules per catalog, kept for the life of the process
_SLOTS: dict[tuple[str, str, str | None], int] = {}


def _compile_rule(spec: RuleSpec) -> CompiledRule:
    key = (spec.kind, json.dumps(spec.options, sort_keys=True, default=str), spec.cite)
    slot = _SLOTS.setdefault(key, len(_SLOTS))
    return CompiledRule(spec, REGISTRY[spec.kind], key, slot)


def compile_role(role: Role, roles: dict[str, Role]) -> CompiledRole:
    return CompiledRole(
        role,
        [_compile_rule(s) for s in role.required],
        [_compile_rule(s) for s in role.preferred],
        barring_entries(role, roles),
    )


def _run(rule: CompiledRule, required: bool, teacher: Teacher, ctx: Context, cache: dict[int, Check]) -> Check:
    """The rule's check for this teacher: from the teacher's cache when another role asked it already, or from
    another teacher's answer when their rule field is equal and plain (a rule reads only its FIELD)."""
    slot = rule.slot if required else -1 - rule.slot
    hit = cache.get(slot)
    if hit is not None:
        return hit
    other = cache.get(-1 - slot)  # the same rule asked the other way (required / preferred)
    if other is not None:
        check = Check(other.rule, required, other.outcome, other.detail)
    else:
        module = rule.module
        value = getattr(teacher, module.FIELD)
        key = (slot, value) if _plain(value) else None
        shared = ctx.shared.get(key) if key is not None else None
        if shared is not None:
            check = shared
        else:
            spec = rule.spec
            if value is None:
                outcome, detail = UNKNOWN, f"{spec.kind}: {module.FIELD.replace('_', ' ')} not recorded"
            else:
                outcome, detail = module.check(spec.options, teacher, ctx)
            check = Check(spec.kind, required, outcome, _cited(detail, spec.cite))
            if key is not None:
                ctx.shared[key] = check
    cache[slot] = check
    return check


def _plain(value: object) -> bool:
    """A rule field value that compares by value and has few distinct values: none, a string, or a tuple of
    strings or degrees (an empty list included)."""
    if value is None or type(value) is str:
        return True
    return type(value) is tuple and (not value or type(value[0]) in _PLAIN_ITEMS)  # type: ignore[index]


_PLAIN_ITEMS = (str, Degree)


def judge_compiled(
    compiled: CompiledRole,
    teacher: Teacher,
    ctx: Context,
    cache: dict[int, Check] | None = None,
    implicit: bool = True,
) -> Verdict:
    """The verdict for one teacher and one compiled role as of ctx.as_of."""
    cache = {} if cache is None else cache
    role = compiled.role
    checks: list[Check] = []
    failed = unknown = False
    known = cache.get
    for rule in compiled.required:
        check = known(rule.slot) or _run(rule, True, teacher, ctx, cache)
        outcome = check.outcome
        if outcome != PASS:
            failed = failed or outcome == FAIL
            unknown = unknown or outcome == UNKNOWN
        checks.append(check)
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
        check = known(-1 - rule.slot) or _run(rule, False, teacher, ctx, cache)
        met += check.outcome == PASS
        checks.append(check)
    verdict = INELIGIBLE if failed else NEEDS_REVIEW if unknown else ELIGIBLE
    return Verdict(role.id, teacher.id, verdict, met, len(compiled.preferred), tuple(checks))


def judge(repo: Any, teacher: Teacher, role: Role, as_of: date) -> Verdict:
    """The verdict for one (teacher, role) as of a date, over a loaded repository."""
    ctx = Context.build(repo.config, repo.roles, as_of)
    return judge_compiled(compile_role(role, repo.roles), teacher, ctx)


def compile_roles(repo: Any, role_ids: Iterable[str] | None = None) -> list[tuple[CompiledRole, Any]]:
    """The roles (all, or these ids) compiled, in id order, each with its `signature` (None: judged alone)."""
    ids = sorted(set(role_ids)) if role_ids is not None else sorted(repo.roles)
    return [(c, c.signature) for c in (compile_role(repo.roles[r], repo.roles) for r in ids)]


def judge_teacher(
    compiled: list[tuple[CompiledRole, Any]], teacher: Teacher, ctx: Context, copy_shared: bool = True
) -> list[Verdict]:
    """One teacher's verdict for each compiled role, in order: each distinct rule judged once, and roles with the
    same signature share one verdict. With `copy_shared` false, such roles get the very same `Verdict` object
    (whose `role` is the first of them): for callers that know each verdict's role by its position."""
    cache: dict[Any, Any] = {}
    shared: dict[Any, Verdict] = {}
    out: list[Verdict] = []
    append = out.append
    for c, signature in compiled:
        if signature is not None:
            v = shared.get(signature)
            if v is not None:
                if copy_shared:
                    v = Verdict(c.role.id, v.teacher, v.verdict, v.preferred_met, v.preferred_total, v.checks)
                append(v)
                continue
        v = judge_compiled(c, teacher, ctx, cache)
        if signature is not None:
            shared[signature] = v
        append(v)
    return out


def judge_all(
    repo: Any,
    as_of: date,
    role_ids: Iterable[str] | None = None,
    teacher_ids: Iterable[str] | None = None,
) -> list[Verdict]:
    """Every (teacher, role) verdict, sorted by role, verdict, preferred_met descending, teacher."""
    ctx = Context.build(repo.config, repo.roles, as_of)
    teachers = (
        [repo.teachers[t] for t in sorted(set(teacher_ids))]
        if teacher_ids is not None
        else [repo.teachers[t] for t in sorted(repo.teachers)]
    )
    compiled = compile_roles(repo, role_ids)
    out: list[Verdict] = []
    for teacher in teachers:
        out.extend(judge_teacher(compiled, teacher, ctx))
    out.sort(key=Verdict.sort_key)
    return out
