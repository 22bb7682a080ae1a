"""Many teachers judged against the same roles as of one date, each distinct tuple of answers decided once: the
wrapper `tlt.scale.spool` judges a statewide run with, giving what `judge.judge_all` gives (tests/test_bench.py
holds it to `judge_all`, row for row).

Roles with the same signature (the same written rules, no implicit ones: `judge.judging_units`) are one *unit*,
judged once per teacher. Equal answers make equal checks (a check is its answer, cited), so equal
verdicts: each unit decides each distinct tuple of its answers once, and every teacher with those answers gets
that verdict. The answers themselves come from `tlt.answers.Answers`.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from operator import itemgetter
from typing import Any, TypeVar

from tlt.answers import Answers
from tlt.judge import CompiledRole, Verdict, decide, gather, judging_units
from tlt.model import Teacher
from tlt.rules.base import PASS, Context, Result

T = TypeVar("T")

#: decided verdicts kept at most (then forgotten)
MAX_DECIDED = 50_000


class Bench:
    """Many teachers judged against the same roles, as of one date (`judge`).

    With `coarse`, a passing answer counts as any other pass: for callers that show only the verdict, the
    preferred count and the failing or unknown checks (a passing check's figures are not shown), which most
    teachers then share."""

    def __init__(self, compiled: list[CompiledRole], ctx: Context, coarse: bool = False) -> None:
        self.ctx = ctx
        self.coarse = coarse
        self.role_ids = [c.role.id for c in compiled]
        self.units = judging_units(compiled)
        self.answers = Answers()
        positions: dict[Any, int] = {}
        self.questions: list[Any] = []
        plans: list[tuple[int, ...]] = []
        for c, _ in self.units:
            asked: list[int] = []
            for rule in (*c.required, *c.preferred, *c.implicit):
                if rule.question not in positions:
                    positions[rule.question] = len(self.questions)
                    self.questions.append(rule.question)
                asked.append(positions[rule.question])
            plans.append(tuple(asked))
        # units that ask the same questions (the career track's roles, each citing its own line) are looked up
        # together; each group's answers are picked from a teacher's list of answers at C speed
        groups: dict[tuple[int, ...], list[tuple[int, CompiledRole]]] = {}
        for u, ((c, _), questions) in enumerate(zip(self.units, plans, strict=True)):
            groups.setdefault(questions, []).append((u, c))
        self._groups = [(g, _picker(list(plan)), members) for g, (plan, members) in enumerate(groups.items())]
        self._position = positions
        self._decided: dict[tuple[int, Any], Any] = {}

    def judge(self, teacher: Teacher, make: Callable[[int, Verdict], T]) -> list[tuple[int, T]]:
        """(unit index, `make(unit index, verdict)`) for every unit (grouped by the questions they ask, not in unit
        order): `make` is called for the first teacher with these answers (the verdict from `gather` and `decide`),
        its value kept and given again for every teacher with the same answers."""
        decided = self._decided
        if len(decided) > MAX_DECIDED:
            decided.clear()
        ctx, answer = self.ctx, self.answers.answer
        given = [answer(q, teacher, ctx) for q in self.questions]
        asked = [PASS if a[0] == PASS else a for a in given] if self.coarse else given
        position = self._position

        def again(question: Any, teacher: Teacher, ctx: Context) -> Result:
            return given[position[question]]

        out: list[tuple[int, T]] = []
        for g, pick, members in self._groups:
            key = (g, pick(asked))
            hits = decided.get(key)
            if hits is None:
                hits = decided[key] = [
                    (u, make(u, decide(c, teacher.id, gather(c, teacher, ctx, again)))) for u, c in members
                ]
            out += hits
        return out


def _picker(plan: list[int]) -> Callable[[list[Any]], Any]:
    """A function from a list to the items at `plan` (a tuple; for one index the item, for none an empty
    tuple): whatever it returns is the same for equal items."""
    if not plan:
        return lambda answers: ()
    return itemgetter(*plan)


def bench_verdicts(compiled: list[CompiledRole], ctx: Context) -> Callable[[Teacher], Iterable[tuple[str, str]]]:
    """`tlt.site.plain_verdicts` on a coarse `Bench`: every teacher's (role id, verdict) for every role, each
    distinct tuple of answers decided once (the page shows only the counts, so a pass is any pass)."""
    bench = Bench(compiled, ctx, coarse=True)
    ids = [[compiled[i].role.id for i in indices] for _, indices in bench.units]

    def verdict(unit: int, v: Verdict) -> str:
        return v.verdict

    def verdicts(teacher: Teacher) -> list[tuple[str, str]]:
        return [(role_id, v) for u, v in bench.judge(teacher, verdict) for role_id in ids[u]]

    return verdicts
