"""What every rule kind shares: the outcomes, the judging context, and the shape of a rule module.

A rule module (yamllint-style) holds:

* ``KIND``: the key written in a role file (``experience``, ``license``, ...);
* ``FIELD``: the teacher field it reads, and the only one: ``check`` reads nothing else of the teacher, so
  teachers whose field is equal (an empty list, the same status or memberships, the same degrees) share one
  answer (tests/rules/test_registry.py checks it). When the field is absent from the record the rule answers
  ``unknown`` ("not recorded") without being called, and an empty list is judged (and fails);
* ``check(options, teacher, ctx) -> (outcome, detail)``: the verdict on one teacher as of ``ctx.as_of``, with a
  plain-English detail carrying the figures;
* ``summarize(options) -> str``: a few words for ``tlt roles``;
* a docstring giving its options and semantics, which ``tlt roles --rules`` and the docs show.

And, where it applies:

* ``DATED = False``: no date changes the answer (status, memberships, degrees);
* ``over_dates(options, teacher, ctx) -> (date -> (outcome, detail))``: the same answers as ``check`` on every
  date (``ctx.as_of`` is not read), for one teacher judged on many dates (``tlt validate`` judges each
  assignment's start): built once from the teacher's list, then a date costs a bisection, not a scan.
  How answers are remembered (`tlt.answers`) decides when to use it; tests/test_rules_on_many_dates.py holds it
  to ``check``.

A rule module keeps nothing between calls: whatever is asked again is remembered by `tlt.answers`.
"""

from __future__ import annotations

import heapq
from bisect import bisect_right
from dataclasses import dataclass, field, replace
from datetime import date, timedelta
from typing import Any, Protocol

from tlt.model import Choices, Config, Role, Teacher, Term
from tlt.problems import EXCERPT_LIMIT, LIST_LIMIT, some
from tlt.timeline import TermIndex, term_index

PASS = "pass"
FAIL = "fail"
UNKNOWN = "unknown"

Result = tuple[str, str]


@dataclass(frozen=True)
class Context:
    """Everything a rule may consult besides the teacher: the date, the terms, the scale, the other roles.

    Made once per run by `build`; `on(d)` is the same context on another date (`tlt validate` judges each
    assignment's start date), sharing everything made from tlt.yaml."""

    as_of: date
    terms: tuple[Term, ...]
    rating_scale: tuple[str, ...]
    organization: str | None
    roles: dict[str, Role] = field(default_factory=dict)
    term_end: dict[str, date] = field(default_factory=dict)
    #: rating → its place on the scale (the first place, as `tuple.index`); -1 is below every rating
    rank: dict[str, int] = field(default_factory=dict)
    #: the terms, indexed for counting the terms served (`timeline.Served`)
    term_index: TermIndex = field(default_factory=lambda: TermIndex(()), compare=False, repr=False)

    @classmethod
    def build(cls, config: Config | None, roles: dict[str, Role], as_of: date) -> Context:
        terms = config.terms if config else ()
        scale = config.rating_scale if config else ("unsatisfactory", "needs_improvement", "proficient", "exemplary")
        rank: dict[str, int] = {}
        for i, rating in enumerate(scale):
            rank.setdefault(rating, i)
        return cls(
            as_of=as_of,
            terms=terms,
            rating_scale=scale,
            organization=config.organization if config else None,
            roles=roles,
            term_end={t.id: t.end for t in terms},  # the last term with an id, as tlt.yaml lists them
            rank=rank,
            term_index=term_index(terms),
        )

    def on(self, as_of: date) -> Context:
        """This context on another date."""
        return replace(self, as_of=as_of)


class RuleModule(Protocol):
    KIND: str
    FIELD: str
    __doc__: str | None

    def check(self, options: dict, teacher: Teacher, ctx: Context) -> Result: ...  # type: ignore[type-arg]

    def summarize(self, options: dict) -> str: ...  # type: ignore[type-arg]


class Stretches:
    """For items each holding a span of days: the first item (lowest priority number) holding a given day.

    The answer changes only where a span begins or ends, so it is worked out once for each stretch between those
    days (a sweep with a heap, O(n log n)) and a day is then a bisection: the index behind judging one teacher on
    many dates (cooling-off periods, licenses valid on a date)."""

    def __init__(self, spans: list[tuple[date, date | None, Any]]) -> None:
        """`spans`: (first day, last day or None for no end, priority), both days held."""
        events: list[tuple[date, int, Any]] = []  # (day, 0 = no longer held from this day / 1 = held, priority)
        for first, last, priority in spans:
            if last is not None and last < first:
                continue
            events.append((first, 1, priority))
            if last is not None and last < date.max:
                events.append((last + timedelta(days=1), 0, priority))
        events.sort()
        self.bounds: list[date] = []
        self.answers: list[Any] = []
        live: list[Any] = []
        gone: dict[Any, int] = {}
        k = 0
        while k < len(events):
            day = events[k][0]
            while k < len(events) and events[k][0] == day:
                _, begins, priority = events[k]
                if begins:
                    heapq.heappush(live, priority)
                else:
                    gone[priority] = gone.get(priority, 0) + 1
                k += 1
            while live and gone.get(live[0], 0):
                gone[live[0]] -= 1
                heapq.heappop(live)
            self.bounds.append(day)
            self.answers.append(live[0] if live else None)

    def at(self, d: date) -> Any:
        """The lowest priority among the spans holding `d`, or None."""
        i = bisect_right(self.bounds, d) - 1
        return self.answers[i] if i >= 0 else None


def as_set(values: Any) -> frozenset[Any]:
    """A rule's option list as a set: a role file's list (`model.Choices`) has made its own; any other is made
    here (the rule tests pass plain lists)."""
    if isinstance(values, Choices):
        return values.set
    return frozenset(values or ())


def words(items: list[str] | tuple[str, ...], joiner: str = "or") -> str:
    """'a', 'a or b', 'a, b or c'; a list from the data as a reason may quote it: at most ten items, each at most
    80 characters ('a, b, … or 3 more'; `tlt.problems.some`)."""
    if len(items) <= LIST_LIMIT and (not items or max(map(len, items)) <= EXCERPT_LIMIT):
        shown, more = items, 0  # nothing to cut: the usual case, without a look at each item
    else:
        shown, more = some(items)
    if more:
        return f"{', '.join(shown)} {joiner} {more} more"
    if len(shown) <= 1:
        return "".join(shown)
    return f"{', '.join(shown[:-1])} {joiner} {shown[-1]}"


def number(value: object) -> str:
    """A figure from a role file as written: 10, 2.5."""
    text = str(value)
    return text.rstrip("0").rstrip(".") if "." in text else text
