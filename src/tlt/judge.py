"""Verdicts for (teacher, role, date) — SPEC section 3.

``ineligible`` if any required or implicit rule fails; else ``needs_review`` if any required rule answers
unknown; else ``eligible``. Preferred rules never change the verdict: ``preferred_met`` counts those that pass
(unknown does not count) out of ``preferred_total``. Every check carries a plain-English detail with the figures,
quoting the rule's ``cite``.

A role is compiled once (`compile_role`): each of its rules, written or implicit, becomes a question (what is
asked, whatever the cite: `RuleQuestion`, `TermLimitQuestion`, `CoolingOffQuestion`). One verdict is `gather`
(each question answered, the answers cited, in rule order) then `decide`. `ask` answers a question by asking
the rule; whoever judges many roles, teachers or dates hands `gather` a `tlt.answers.Answers` instead, which
remembers what was asked (`judge_all` does).
"""

from __future__ import annotations

import heapq
import json
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import date
from itertools import islice
from types import ModuleType
from typing import Any, NamedTuple

from tlt.answers import Answers
from tlt.model import AfterService, Role, RuleSpec, Teacher, role_in_force, roles_in_force
from tlt.rules import REGISTRY
from tlt.rules.base import FAIL, PASS, UNKNOWN, Context, Result
from tlt.rules.implicit import (
    COOLING_OFF,
    TERM_LIMIT,
    TeacherBars,
    barring_entries,
    cooling_off,
    term_limit,
    term_limit_over_dates,
)

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


# --- questions: what a rule asks of a teacher --------------------------------------------------------------------


class _Question:
    """What a rule asks, whatever its cite: questions with equal keys (of one type) have equal answers for the
    same teacher and date. `compile_roles` makes one object per distinct question, so that what remembers answers
    (`tlt.answers.Answers`) keys them by the object itself and every role asking it shares them."""

    __slots__ = ("key",)
    #: the teacher field the question reads, and the only one (a rule module's FIELD)
    field: str
    #: False when no date changes the answer
    dated: bool = True

    def __init__(self, key: tuple[Any, ...]) -> None:
        self.key = (type(self).__name__, *key)

    def ask(self, teacher: Teacher, ctx: Context) -> Result:
        """The answer, asked of the rule."""
        raise NotImplementedError

    #: what `over_dates` answers are kept under: the question itself, unless an index serves several questions
    @property
    def index_key(self) -> Any:
        return self

    def over_dates(self, teacher: Teacher, ctx: Context) -> Any:
        """An index answering this question for this teacher on any date (`answer_from`), or None."""
        return None

    def answer_from(self, index: Any, as_of: date) -> Result:
        return index(as_of)  # type: ignore[no-any-return]

    def prefers_index(self, teacher: Teacher) -> bool:
        """Whether even one date is better answered from the index (a long scan)."""
        return False


class RuleQuestion(_Question):
    """What a written rule asks: its kind and options."""

    __slots__ = ("module", "options", "field", "dated")

    def __init__(self, spec: RuleSpec) -> None:
        super().__init__((spec.kind, json.dumps(spec.options, sort_keys=True, default=str)))
        self.module: ModuleType = REGISTRY[spec.kind]
        self.options = spec.options
        self.field = self.module.FIELD
        self.dated = getattr(self.module, "DATED", True)

    def ask(self, teacher: Teacher, ctx: Context) -> Result:
        if getattr(teacher, self.field) is None:
            return UNKNOWN, f"{self.key[1]}: {self.field.replace('_', ' ')} not recorded"
        return self.module.check(self.options, teacher, ctx)  # type: ignore[no-any-return]

    def over_dates(self, teacher: Teacher, ctx: Context) -> Any:
        over_dates = getattr(self.module, "over_dates", None)
        if over_dates is None or getattr(teacher, self.field) is None:
            return None
        return over_dates(self.options, teacher, ctx)


class TermLimitQuestion(_Question):
    """The implicit term limit of a role."""

    __slots__ = ("role",)
    field = "assignments"

    def __init__(self, role: Role) -> None:
        super().__init__((role.id,))
        self.role = role

    def ask(self, teacher: Teacher, ctx: Context) -> Result:
        return term_limit(self.role, teacher, ctx)

    def over_dates(self, teacher: Teacher, ctx: Context) -> Any:
        return term_limit_over_dates(self.role, teacher, ctx)


class CoolingOffQuestion(_Question):
    """The implicit cooling-off of a role: barred while a role the teacher left bars it."""

    __slots__ = ("role", "barring")
    field = "assignments"

    def __init__(self, role: Role, barring: list[tuple[str, AfterService]]) -> None:
        super().__init__((role.id,))
        self.role = role
        self.barring = barring

    def ask(self, teacher: Teacher, ctx: Context) -> Result:
        return cooling_off(self.role, teacher, ctx, self.barring)

    @property
    def index_key(self) -> Any:
        return COOLING_OFF  # one index of the teacher's left assignments serves every role

    def over_dates(self, teacher: Teacher, ctx: Context) -> Any:
        return TeacherBars(teacher.assignments or (), ctx.roles, ctx.terms)

    def answer_from(self, index: Any, as_of: date) -> Result:
        return index.answer(self.role, as_of)  # type: ignore[no-any-return]

    def prefers_index(self, teacher: Teacher) -> bool:
        # scanning every left assignment for every barring entry: past a few thousand pairs the index is cheaper
        return len(self.barring) * len(teacher.assignments or ()) > 4096


Question = _Question
#: How a question is answered: `ask` (the rule), or a `tlt.answers.Answers`.
Ask = Callable[[Question, Teacher, Context], Result]


def ask(question: Question, teacher: Teacher, ctx: Context) -> Result:
    """The question's answer for this teacher as of ctx.as_of, asked of the rule."""
    return question.ask(teacher, ctx)


# --- roles compiled: their rules as questions --------------------------------------------------------------------


@dataclass(frozen=True)
class CompiledRule:
    #: what a check names: the rule's kind (or TERM_LIMIT, COOLING_OFF)
    kind: str
    question: Question
    cite: str | None
    #: (kind, options, cite): rules with equal keys give equal checks
    key: tuple[str, str, str | None]


@dataclass
class CompiledRole:
    role: Role
    required: list[CompiledRule]
    preferred: list[CompiledRule]
    #: the term limit and the cooling-off, when the role has them: required, judged after the written rules
    implicit: list[CompiledRule] = field(default_factory=list)

    @property
    def signature(self) -> tuple[Any, ...] | None:
        """Roles with the same written rules and no implicit ones judge every teacher alike (the catalog's
        no-requirement roles, the career track's eight roles)."""
        if self.implicit:
            return None
        return (tuple(r.key for r in self.required), tuple(r.key for r in self.preferred))

    @property
    def cooling_off(self) -> CompiledRule | None:
        return next((r for r in self.implicit if r.kind == COOLING_OFF), None)


def _compile_rule(spec: RuleSpec, questions: dict[Any, Question]) -> CompiledRule:
    question = _one(RuleQuestion(spec), questions)
    return CompiledRule(spec.kind, question, spec.cite, (spec.kind, question.key[2], spec.cite))


def _one(question: Question, questions: dict[Any, Question]) -> Question:
    """The question asked already under this key, else this one."""
    return questions.setdefault(question.key, question)


def compile_role(role: Role, roles: dict[str, Role], questions: dict[Any, Question] | None = None) -> CompiledRole:
    """The role's rules as questions; `questions` (key → question) makes the roles compiled with it share one
    object per distinct question."""
    questions = {} if questions is None else questions
    implicit = []
    if role.term_limit is not None:
        limit = _one(TermLimitQuestion(role), questions)
        implicit.append(CompiledRule(TERM_LIMIT, limit, role.term_limit.cite, (TERM_LIMIT, role.id, None)))
    barring = barring_entries(role, roles)
    if barring:
        barred = _one(CoolingOffQuestion(role, barring), questions)
        implicit.append(CompiledRule(COOLING_OFF, barred, None, (COOLING_OFF, role.id, None)))
    required = [_compile_rule(s, questions) for s in role.required]
    return CompiledRole(role, required, [_compile_rule(s, questions) for s in role.preferred], implicit)


def compile_roles(repo: Any, role_ids: Iterable[str] | None = None, as_of: date | None = None) -> list[CompiledRole]:
    """The roles (all, or these ids) compiled, in id order, sharing their questions; with `as_of`, the roles in
    force on that date (SPEC 9.1: a role's versions whose term starts on or before it applied)."""
    roles = repo.roles
    if as_of is not None and repo.config is not None:
        roles = roles_in_force(roles, as_of, repo.config.terms)
    ids = sorted(set(role_ids)) if role_ids is not None else sorted(roles)
    questions: dict[Any, Question] = {}
    return [compile_role(roles[r], roles, questions) for r in ids]


# --- a verdict: gather, then decide ------------------------------------------------------------------------------


def gather(
    compiled: CompiledRole, teacher: Teacher, ctx: Context, answer: Ask = ask, implicit: bool = True
) -> tuple[Check, ...]:
    """Every check of one (teacher, role), in rule order: the required rules, the implicit ones, the preferred;
    each the rule's answer, cited. Equal checks give equal verdicts (`decide` reads nothing else but the teacher's
    id)."""
    checks = []
    for rules, required in (
        (compiled.required, True),
        (compiled.implicit if implicit else (), True),
        (compiled.preferred, False),
    ):
        for rule in rules:
            outcome, detail = answer(rule.question, teacher, ctx)
            checks.append(Check(rule.kind, required, outcome, f"{detail} (per {rule.cite})" if rule.cite else detail))
    return tuple(checks)


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


def judge_compiled(
    compiled: CompiledRole, teacher: Teacher, ctx: Context, answer: Ask = ask, implicit: bool = True
) -> Verdict:
    """The verdict for one teacher and one compiled role as of ctx.as_of."""
    return decide(compiled, teacher.id, gather(compiled, teacher, ctx, answer, implicit))


def judge(repo: Any, teacher: Teacher, role: Role, as_of: date) -> Verdict:
    """The verdict for one (teacher, role) as of a date, over a loaded repository."""
    ctx = Context.build(repo.config, repo.roles, as_of)
    roles = roles_in_force(repo.roles, as_of, repo.config.terms) if repo.config is not None else repo.roles
    role = role_in_force(role, as_of, repo.config.terms) if repo.config is not None else role
    return judge_compiled(compile_role(role, roles), teacher, ctx)


def judge_all(
    repo: Any,
    as_of: date,
    role_ids: Iterable[str] | None = None,
    teacher_ids: Iterable[str] | None = None,
) -> list[Verdict]:
    """Every (teacher, role) verdict, sorted by role, verdict, preferred_met descending, teacher. Roles judged
    alike (`judging_units`) are judged once a teacher, and a question many roles ask is answered once a teacher
    (`Answers`)."""
    ctx = Context.build(repo.config, repo.roles, as_of)
    ids = sorted(set(teacher_ids)) if teacher_ids is not None else sorted(repo.teachers)
    roles = compile_roles(repo, role_ids, as_of)
    units = [(c, [roles[i].role.id for i in indices]) for c, indices in judging_units(roles)]
    answers = Answers()
    verdicts = []
    for t in ids:
        teacher = repo.teachers[t]
        for c, role_ids_alike in units:
            v = judge_compiled(c, teacher, ctx, answers)
            verdicts += [
                Verdict(r, v.teacher, v.verdict, v.preferred_met, v.preferred_total, v.checks) for r in role_ids_alike
            ]
    verdicts.sort(key=Verdict.sort_key)
    return verdicts


def judging_units(compiled: list[CompiledRole]) -> list[tuple[CompiledRole, list[int]]]:
    """The compiled roles by what judges them: roles with the same signature (the same written rules, no
    implicit ones) give every teacher the same verdict, so they are one unit, with every such role's index."""
    units: list[tuple[CompiledRole, list[int]]] = []
    by_signature: dict[Any, int] = {}
    for index, c in enumerate(compiled):
        signature = c.signature
        u = by_signature.get(signature) if signature is not None else None
        if u is None:
            u = len(units)
            units.append((c, []))
            if signature is not None:
                by_signature[signature] = u
        units[u][1].append(index)
    return units


class WrittenRules:
    """One teacher judged by one role's written rules on many dates (validate's ineligible-assignment: each
    assignment's start date): the rules no date changes (status, membership, degree) are judged once, the others
    on each date; judging every rule on every date cost rules × assignments (docs/performance.md, "Hostile
    input"). Only the required rules are judged: the message names those that fail or are unknown (SPEC 4), and
    preferred rules never make a teacher ineligible."""

    def __init__(self, compiled: CompiledRole, teacher: Teacher, answer: Ask = ask) -> None:
        self.teacher = teacher
        self.answer = answer
        rules = list(enumerate(compiled.required))
        self.dated = [(i, r) for i, r in rules if r.question.dated]
        self.undated = [(i, r) for i, r in rules if not r.question.dated]
        self.fixed: list[tuple[int, str, str]] | None = None

    def _not_passing(self, rules: list[tuple[int, CompiledRule]], ctx: Context) -> list[tuple[int, str, str]]:
        answers = ((i, rule, self.answer(rule.question, self.teacher, ctx)) for i, rule in rules)
        return [
            (i, outcome, f"{detail} (per {rule.cite})" if rule.cite else detail)
            for i, rule, (outcome, detail) in answers
            if outcome != PASS
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
