"""Verdicts for (teacher, role, date) — SPEC section 3.

``ineligible`` if any required or implicit rule fails; else ``needs_review`` if any required rule answers
unknown; else ``eligible``. Preferred rules never change the verdict: ``preferred_met`` counts those that pass
(unknown does not count) out of ``preferred_total``. Every check carries a plain-English detail with the figures,
quoting the rule's ``cite``.

Work is done per role once (`CompiledRole`) and per teacher once per distinct rule (a teacher judged against
fifteen roles that all ask for the same license answers it once). One verdict is `gather` (the checks) then
`decide`; a statewide run goes through a `Bench`, which decides each distinct tuple of answers once per unit of
roles judged alike and gives the same verdict to every teacher with those answers (tests/test_bench.py holds it
to `judge_all`, row for row).
"""

from __future__ import annotations

import heapq
import json
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import date
from itertools import islice
from operator import itemgetter
from typing import Any, NamedTuple, TypeVar

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
    #: checks are cached by it
    slot: int
    #: the same for every rule with the same kind and options, whatever its cite: a teacher's uncited answers
    #: are cached by it (the career track's eight roles ask one question, each citing its own line)
    answer: str
    #: the teacher field the rule reads (its module's FIELD)
    field: str


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


#: rule key → slot, and (kind, options) → answer number; a handful per catalog, kept for the life of the process
_SLOTS: dict[tuple[str, str, str | None], int] = {}
_ANSWERS: dict[tuple[str, str], str] = {}


def _compile_rule(spec: RuleSpec) -> CompiledRule:
    key = (spec.kind, json.dumps(spec.options, sort_keys=True, default=str), spec.cite)
    slot = _SLOTS.setdefault(key, len(_SLOTS))
    answer = _ANSWERS.setdefault(key[:2], f"answer {len(_ANSWERS)}")
    module = REGISTRY[spec.kind]
    return CompiledRule(spec, module, key, slot, answer, module.FIELD)


def compile_role(role: Role, roles: dict[str, Role]) -> CompiledRole:
    return CompiledRole(
        role,
        [_compile_rule(s) for s in role.required],
        [_compile_rule(s) for s in role.preferred],
        barring_entries(role, roles),
    )


def _run(rule: CompiledRule, required: bool, teacher: Teacher, ctx: Context, cache: dict[Any, Any]) -> Check:
    """The rule's check for this teacher, not in the teacher's cache yet: from another teacher's check when
    their rule field is equal and plain (a rule reads only its FIELD), else from the teacher's answer to the
    same question under another cite, else asked."""
    slot = rule.slot if required else -1 - rule.slot
    other = cache.get(-1 - slot)  # the same rule asked the other way (required / preferred)
    if other is not None:
        check = Check(other.rule, required, other.outcome, other.detail)
    else:
        value = getattr(teacher, rule.field)
        if _plain(value):
            key = (slot, value)
            shared: Check | None = ctx.shared.get(key)
            if shared is None:
                shared = ctx.shared[key] = _check(rule, required, teacher, ctx, cache, value)
            check = shared
        else:
            check = _check(rule, required, teacher, ctx, cache, value)
    cache[slot] = check
    return check


def _plain(value: Any) -> bool:
    """A rule field value that compares by value and has few distinct values across teachers, so teachers holding
    equal ones share answers: none, an empty list, a string, or a tuple of strings or degrees."""
    return not value or type(value) is str or type(value[0]) in _PLAIN


_PLAIN = (str, Degree)


def _check(
    rule: CompiledRule, required: bool, teacher: Teacher, ctx: Context, cache: dict[Any, Any], value: Any
) -> Check:
    """The check from the teacher's answer (asked once per kind and options), cited."""
    answer = cache.get(rule.answer)
    if answer is None:
        answer = cache[rule.answer] = _answer(rule, teacher, ctx, value)
    return Check(rule.spec.kind, required, answer[0], _cited(answer[1], rule.spec.cite))


def _answer(rule: CompiledRule, teacher: Teacher, ctx: Context, value: Any) -> tuple[str, str]:
    """The rule's uncited answer for this teacher, whose rule field holds `value`."""
    if value is None:
        return UNKNOWN, f"{rule.spec.kind}: {rule.field.replace('_', ' ')} not recorded"
    return rule.module.check(rule.spec.options, teacher, ctx)  # type: ignore[no-any-return]


def judge_compiled(
    compiled: CompiledRole,
    teacher: Teacher,
    ctx: Context,
    cache: dict[Any, Any] | None = None,
    implicit: bool = True,
) -> Verdict:
    """The verdict for one teacher and one compiled role as of ctx.as_of."""
    checks = gather(compiled, teacher, ctx, {} if cache is None else cache, implicit)
    return decide(compiled, teacher.id, checks)


def gather(
    compiled: CompiledRole, teacher: Teacher, ctx: Context, cache: dict[Any, Any], implicit: bool = True
) -> tuple[Check, ...]:
    """Every check of one (teacher, role), in rule order: the required rules, the implicit ones, the preferred.
    Equal checks give equal verdicts (`decide` reads nothing else but the teacher's id), which lets a caller
    that judges many teachers decide once per distinct tuple of checks."""
    known = cache.get
    checks = [known(rule.slot) or _run(rule, True, teacher, ctx, cache) for rule in compiled.required]
    if implicit:
        role = compiled.role
        if role.term_limit is not None:
            checks.append(_implicit(TERM_LIMIT, compiled, teacher, ctx))
        if compiled.barring:
            checks.append(_implicit(COOLING_OFF, compiled, teacher, ctx))
    for rule in compiled.preferred:
        checks.append(known(-1 - rule.slot) or _run(rule, False, teacher, ctx, cache))
    return tuple(checks)


def _implicit(kind: str, compiled: CompiledRole, teacher: Teacher, ctx: Context) -> Check:
    """The term-limit or cooling-off check."""
    outcome, detail = _implicit_answer(kind, compiled, teacher, ctx)
    role = compiled.role
    if kind == TERM_LIMIT:
        assert role.term_limit is not None
        return Check(TERM_LIMIT, True, outcome, _cited(detail, role.term_limit.cite))
    return Check(COOLING_OFF, True, outcome, detail)


def _implicit_answer(kind: str, compiled: CompiledRole, teacher: Teacher, ctx: Context) -> tuple[str, str]:
    """The term-limit or cooling-off answer, uncited; the same for every teacher without assignments (none
    served, none left), so made once for them."""
    role = compiled.role
    key = ("implicit", kind, role.id) if not teacher.assignments else None
    if key is not None:
        shared = ctx.shared.get(key)
        if shared is not None:
            return shared  # type: ignore[no-any-return]
    answer = term_limit(role, teacher, ctx) if kind == TERM_LIMIT else cooling_off(role, teacher, ctx, compiled.barring)
    if key is not None:
        ctx.shared[key] = answer
    return answer


class WrittenRules:
    """One teacher judged by one role's written rules on many dates (validate's ineligible-assignment: each
    assignment's start date): the rules no date changes (status, membership, degree: `DATED = False` in their
    modules) are judged once, the others on each date: judging every rule on every date cost rules × assignments
    (docs/performance.md, "Hostile input"). Only the required rules are judged: the message
    names those that fail or are unknown (SPEC 4), and preferred rules never make a teacher ineligible."""

    def __init__(self, compiled: CompiledRole, teacher: Teacher) -> None:
        self.teacher = teacher
        rules = list(enumerate(compiled.required))
        self.dated = [(i, r) for i, r in rules if getattr(r.module, "DATED", True)]
        self.undated = [(i, r) for i, r in rules if not getattr(r.module, "DATED", True)]
        self.fixed: list[tuple[int, str, str]] | None = None

    def _not_passing(self, rules: list[tuple[int, CompiledRule]], ctx: Context) -> list[tuple[int, str, str]]:
        cache: dict[Any, Any] = {}
        return [
            (i, check.outcome, check.detail)
            for i, rule in rules
            if (check := cache.get(rule.slot) or _run(rule, True, self.teacher, ctx, cache)).outcome != PASS
        ]

    def failing(self, ctx: Context, limit: int) -> tuple[bool, list[str], int]:
        """On ctx.as_of: (ineligible: a required rule fails; the details of the first `limit` required rules
        that fail or are unknown, in rule order; how many there are), as `judge_compiled(..., implicit=False)`
        gives them in its verdict and `Verdict.reasons`."""
        if self.fixed is None:
            self.fixed = self._not_passing(self.undated, ctx)
        dated = self._not_passing(self.dated, ctx)
        ineligible = any(outcome == FAIL for _, outcome, _ in self.fixed) or any(
            outcome == FAIL for _, outcome, _ in dated
        )
        shown = [detail for _, _, detail in islice(heapq.merge(self.fixed, dated), limit)]
        return ineligible, shown, len(self.fixed) + len(dated)


def decide(compiled: CompiledRole, teacher_id: str, checks: tuple[Check, ...]) -> Verdict:
    """The verdict from a (teacher, role)'s checks (`gather`): ineligible if a required or implicit check fails,
    else needs_review if one is unknown, else eligible; preferred_met counts the preferred checks that pass."""
    failed = unknown = False
    met = 0
    for check in checks:
        outcome = check.outcome
        if check.required:
            if outcome == FAIL:
                failed = True
            elif outcome == UNKNOWN:
                unknown = True
        elif outcome == PASS:
            met += 1
    verdict = INELIGIBLE if failed else NEEDS_REVIEW if unknown else ELIGIBLE
    return Verdict(compiled.role.id, teacher_id, verdict, met, len(compiled.preferred), checks)


def judge(repo: Any, teacher: Teacher, role: Role, as_of: date) -> Verdict:
    """The verdict for one (teacher, role) as of a date, over a loaded repository."""
    ctx = Context.build(repo.config, repo.roles, as_of)
    return judge_compiled(compile_role(role, repo.roles), teacher, ctx)


def compile_roles(repo: Any, role_ids: Iterable[str] | None = None) -> list[tuple[CompiledRole, Any]]:
    """The roles (all, or these ids) compiled, in id order, each with its `signature` (None: judged alone)."""
    ids = sorted(set(role_ids)) if role_ids is not None else sorted(repo.roles)
    return [(c, c.signature) for c in (compile_role(repo.roles[r], repo.roles) for r in ids)]


def judge_teacher(compiled: list[tuple[CompiledRole, Any]], teacher: Teacher, ctx: Context) -> list[Verdict]:
    """One teacher's verdict for each compiled role, in order: each distinct rule judged once, and roles with the
    same signature share one verdict (copied, with each role's id)."""
    cache: dict[Any, Any] = {}
    shared: dict[Any, Verdict] = {}
    out: list[Verdict] = []
    append = out.append
    for c, signature in compiled:
        if signature is not None:
            v = shared.get(signature)
            if v is not None:
                append(Verdict(c.role.id, v.teacher, v.verdict, v.preferred_met, v.preferred_total, v.checks))
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


def judging_units(compiled: list[tuple[CompiledRole, Any]]) -> list[tuple[CompiledRole, list[int]]]:
    """The compiled roles by what judges them: roles with the same signature (the same written rules, no implicit
    ones) are one unit, judged once per teacher, with every such role's index."""
    units: list[tuple[CompiledRole, list[int]]] = []
    by_signature: dict[Any, int] = {}
    for index, (c, signature) in enumerate(compiled):
        u = by_signature.get(signature) if signature is not None else None
        if u is None:
            u = len(units)
            units.append((c, []))
            if signature is not None:
                by_signature[signature] = u
        units[u][1].append(index)
    return units


class Bench:
    """Many teachers judged against the same roles, as of one date (`judge`).

    Each unit of roles (`judging_units`) decides each distinct tuple of answers once: equal answers make equal
    checks (a check is its answer, cited), so equal verdicts. A teacher's answers are asked once per question
    (kind and options, whatever the cite); a plain rule field (see `_run`) once for all teachers who hold it.
    With `coarse`, a passing answer counts as any other pass: for callers that show only the verdict, the
    preferred count and the failing or unknown checks (a passing check's figures are not shown), which most
    teachers then share."""

    def __init__(self, compiled: list[tuple[CompiledRole, Any]], ctx: Context, coarse: bool = False) -> None:
        self.ctx = ctx
        self.coarse = coarse
        self.role_ids = [c.role.id for c, _ in compiled]
        self.units = judging_units(compiled)
        questions: dict[str, int] = {}
        self.questions: list[CompiledRule] = []
        self.implicit: list[tuple[str, CompiledRole]] = []
        plans: list[list[int]] = []
        for c, _ in self.units:
            plan = []
            for rule in (*c.required, *c.preferred):
                if rule.answer not in questions:
                    questions[rule.answer] = len(self.questions)
                    self.questions.append(rule)
                plan.append(questions[rule.answer])
            plans.append(plan)
        for (c, _), plan in zip(self.units, plans, strict=True):
            for kind in (TERM_LIMIT,) * (c.role.term_limit is not None) + (COOLING_OFF,) * bool(c.barring):
                plan.append(len(self.questions) + len(self.implicit))
                self.implicit.append((kind, c))
        #: for each question: the field, the cache key, the rule's check and options, the answer when not recorded
        self._asks = [
            (r.field, r.answer, r.module.check, r.spec.options, _answer(r, None, ctx, None))  # type: ignore[arg-type]
            for r in self.questions
        ]
        # units that ask the same questions (the career track's roles, each citing its own line) are looked up
        # together; each group's answers are picked from a teacher's list of answers at C speed
        groups: dict[tuple[int, ...], list[tuple[int, CompiledRole]]] = {}
        for u, ((c, _), plan) in enumerate(zip(self.units, plans, strict=True)):
            groups.setdefault(tuple(plan), []).append((u, c))
        self._groups = [(g, _picker(list(plan)), members) for g, (plan, members) in enumerate(groups.items())]
        self._decided: dict[tuple[int, Any], Any] = {}

    def answers(self, teacher: Teacher, cache: dict[Any, Any]) -> list[tuple[str, str] | str]:
        """The teacher's answer to each question, then each implicit rule's (with `coarse`, PASS for a pass);
        the answers are left in `cache` for `gather` (the same cache must be handed to it)."""
        ctx = self.ctx
        shared = ctx.shared
        coarse = self.coarse
        out: list[tuple[str, str] | str] = []
        for field_name, answer_key, ask, options, unknown in self._asks:
            value = getattr(teacher, field_name)
            if _plain(value):  # shared between teachers
                key = (answer_key, value)
                answer = shared.get(key)
                if answer is None:
                    answer = shared[key] = unknown if value is None else ask(options, teacher, ctx)
            else:
                answer = ask(options, teacher, ctx)
            cache[answer_key] = answer
            out.append(PASS if coarse and answer[0] == PASS else answer)
        for kind, c in self.implicit:
            answer = _implicit_answer(kind, c, teacher, ctx)
            out.append(PASS if coarse and answer[0] == PASS else answer)
        return out

    def judge(self, teacher: Teacher, make: Callable[[int, Verdict], T]) -> list[tuple[int, T]]:
        """(unit index, `make(unit index, verdict)`) for every unit (grouped by the questions they ask, not in unit
        order): `make` is called for the first teacher with these answers (the verdict from `gather` and `decide`),
        its value kept and given again for every teacher with the same answers. Keeps a bounded number of answers
        and values."""
        if len(self.ctx.shared) > _MAX_KEPT:
            self.ctx.shared.clear()
        decided = self._decided
        if len(decided) > _MAX_KEPT:
            decided.clear()
        cache: dict[Any, Any] = {}
        answers = self.answers(teacher, cache)
        out: list[tuple[int, T]] = []
        for g, pick, members in self._groups:
            key = (g, pick(answers))
            hits = decided.get(key)
            if hits is None:
                ctx = self.ctx
                hits = decided[key] = [
                    (u, make(u, decide(c, teacher.id, gather(c, teacher, ctx, cache)))) for u, c in members
                ]
            out += hits
        return out


#: answers shared between teachers, and decided verdicts, kept at most (then forgotten)
_MAX_KEPT = 50_000
T = TypeVar("T")


def _picker(plan: list[int]) -> Callable[[list[Any]], Any]:
    """A function from a list to the items at `plan` (a tuple; for one index the item, for none an empty
    tuple): whatever it returns is the same for equal items."""
    if not plan:
        return lambda answers: ()
    return itemgetter(*plan)
