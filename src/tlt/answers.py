"""How answers are remembered, for whoever judges many roles, teachers or dates (`tlt.judge`'s callers).

`Answers` answers a question (`judge.RuleQuestion`, `TermLimitQuestion`, `CoolingOffQuestion`: what a rule
asks, whatever its cite) about a teacher as of a date, the same answer `judge.ask` gives, remembering:

* for the teacher being judged, each question it was asked on each date: the fifteen roles that ask for the same
  license ask it once, and the rules no date changes (`dated` false) once whatever the date;
* for the questions whose field a teacher holds *plain* (none, an empty list, a text, a tuple of texts or
  degrees: few distinct values across teachers), one answer for every teacher holding an equal value, whatever
  the date (such answers no date changes: an unrecorded or empty list, a status, memberships, degrees);
* for a teacher asked about on a second date (`tlt validate` judges each assignment's start), each question's
  `over_dates` index, built once, then a bisection a date; a question whose scan of one date is long already
  (`prefers_index`) uses it from the first date.

Which answers are kept never changes an answer, only its cost: tests/test_answers.py holds every path to
`judge.ask`. The teacher being judged is recognised by identity, so the caller judges one teacher at a time
(every caller does: teachers come in order).
"""

from __future__ import annotations

from datetime import date
from typing import Any

from tlt.model import Degree, Teacher
from tlt.rules.base import Context, Result

#: answers kept for plain fields across teachers, at most (then forgotten)
MAX_KEPT = 50_000


class Answers:
    """A remembering `judge.Ask`: `answers(question, teacher, ctx)`."""

    def __init__(self) -> None:
        self._teacher: Teacher | None = None
        self._date: date | None = None  # the first date this teacher was asked about
        self._mine: dict[Any, Result] = {}  # question, or (question, date) → this teacher's answer
        self._indexes: dict[Any, Any] = {}  # index key → this teacher's index
        self._shared: dict[tuple[Any, Any], Result] = {}  # (question, plain field value) → answer

    def __call__(self, question: Any, teacher: Teacher, ctx: Context) -> Result:
        if teacher is not self._teacher:
            self._about(teacher, ctx)
        # kept under the question alone for the teacher's first date and for what no date changes
        key = question if ctx.as_of == self._date or not question.dated else (question, ctx.as_of)
        answer = self._mine.get(key)
        if answer is None:
            answer = self._mine[key] = self.answer(question, teacher, ctx)
        return answer

    def _about(self, teacher: Teacher, ctx: Context) -> None:
        """Forget the last teacher's answers and indexes: `teacher` is judged now."""
        self._teacher = teacher
        self._date = ctx.as_of
        self._mine.clear()
        if self._indexes:
            self._indexes.clear()

    def answer(self, question: Any, teacher: Teacher, ctx: Context) -> Result:
        """The answer, shared between teachers or from an index, but not kept for this teacher: for a caller
        that asks each question once (`scale.bench.Bench`)."""
        if teacher is not self._teacher:
            self._about(teacher, ctx)
        value = getattr(teacher, question.field)
        if _plain(value):
            shared = self._shared.get((question, value))
            if shared is None:
                if len(self._shared) >= MAX_KEPT:
                    self._shared.clear()
                shared = self._shared[(question, value)] = question.ask(teacher, ctx)
            return shared
        if not question.dated or (ctx.as_of == self._date and not question.prefers_index(teacher)):
            return question.ask(teacher, ctx)  # type: ignore[no-any-return]
        index_key = question.index_key
        index = self._indexes.get(index_key)
        if index is None:
            index = question.over_dates(teacher, ctx)
            if index is None:
                return question.ask(teacher, ctx)  # type: ignore[no-any-return]
            self._indexes[index_key] = index
        return question.answer_from(index, ctx.as_of)  # type: ignore[no-any-return]


def _plain(value: Any) -> bool:
    """A rule field value that compares by value and has few distinct values across teachers, so teachers holding
    equal ones share answers: none, an empty list, a string, or a tuple of strings or degrees."""
    return not value or type(value) is str or type(value[0]) in _PLAIN


_PLAIN = (str, Degree)
