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
"""

from __future__ import annotations

import heapq
from bisect import bisect_right
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any, Protocol

from tlt.model import Choices, Config, Role, Teacher, Term
from tlt.problems import some

PASS = "pass"
FAIL = "fail"
UNKNOWN = "unknown"

Result = tuple[str, str]


@dataclass(frozen=True)
class Context:
    """Everything a rule may consult besides the teacher: the date, the terms, the scale, the other roles."""

    as_of: date
    terms: tuple[Term, ...]
    rating_scale: tuple[str, ...]
    organization: str | None
    roles: dict[str, Role] = field(default_factory=dict)
    term_end: dict[str, date] = field(default_factory=dict)
    #: answers shared between teachers whose rule FIELD is equal (see `tlt.judge`); never compared
    shared: dict[Any, Any] = field(default_factory=dict, compare=False, repr=False)
    #: whether the same teachers are judged on many dates (validate: each assignment's start), so that rules keep
    #: indexes of a teacher's lists (`asked_again`); judged on one date, they only scan
    many_dates: bool = field(default=False, compare=False, repr=False)

    @classmethod
    def build(
        cls,
        config: Config | None,
        roles: dict[str, Role],
        as_of: date,
        shared: dict[Any, Any] | None = None,
        many_dates: bool = False,
    ) -> Context:
        terms = config.terms if config else ()
        scale = config.rating_scale if config else ("unsatisfactory", "needs_improvement", "proficient", "exemplary")
        return cls(
            as_of=as_of,
            terms=terms,
            rating_scale=scale,
            organization=config.organization if config else None,
            roles=roles,
            term_end=_term_ends(terms),
            shared={} if shared is None else shared,
            many_dates=many_dates,
        )


_TERM_ENDS: dict[int, tuple[tuple[Term, ...], dict[str, date]]] = {}


def _term_ends(terms: tuple[Term, ...]) -> dict[str, date]:
    """term id → end (of the last term with that id, as before), made once for tlt.yaml's terms and shared by
    every context: `tlt validate` builds a context for every assignment's start date, and 20,000 terms each time
    was terms × assignments. Contexts never change it."""
    hit = _TERM_ENDS.get(id(terms))
    if hit is not None and hit[0] is terms:
        return hit[1]
    if len(_TERM_ENDS) >= 64:
        _TERM_ENDS.clear()
    ends = {t.id: t.end for t in terms}
    _TERM_ENDS[id(terms)] = (terms, ends)
    return ends


class RuleModule(Protocol):
    KIND: str
    FIELD: str
    __doc__: str | None

    def check(self, options: dict, teacher: Teacher, ctx: Context) -> Result: ...  # type: ignore[type-arg]

    def summarize(self, options: dict) -> str: ...  # type: ignore[type-arg]


_AGAIN: dict[Any, tuple[tuple[object, ...], date, Any]] = {}
_NOT_YET = object()


def asked_again(objects: tuple[object, ...], key: Any, when: date, build: Callable[[], Any]) -> Any:
    """An index over `objects` (a teacher's list, a rule's options: at most three) for answering the same
    question on many dates, or None while it has been asked about them on one date only. `tlt validate` judges a
    teacher's rules on each assignment's start date, and scanning the teacher's lists on every date cost
    assignments × list length for one teacher (33,800 assignments under a cooling-off: 25 s; 9,000 licenses
    and assignments: past 100 s); a teacher judged on one date (check-eligibility) never pays for an index,
    only for this look.

    `key` names the question (a rule kind, with its options' id where rules of one kind differ); the last objects
    asked about under it are kept with their index and compared by identity, so an id reused never hits and
    memory stays one teacher's a question. Which are kept never changes an answer, only its cost."""
    hit = _AGAIN.get(key)
    if hit is not None:
        kept = hit[0]
        if (
            kept[0] is objects[0]
            and (len(objects) < 2 or kept[1] is objects[1])
            and (len(objects) < 3 or kept[2] is objects[2])
        ):
            if hit[2] is not _NOT_YET:
                return hit[2]
            if when == hit[1]:
                return None
            index = build()
            _AGAIN[key] = (objects, when, index)
            return index
    elif len(_AGAIN) >= 4096:
        _AGAIN.clear()
    _AGAIN[key] = (objects, when, _NOT_YET)
    return None


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


def derived(options: dict[str, Any], name: str, make: Callable[[], Any]) -> Any:
    """Something made from a rule's options alone (a set of them, a phrase naming them), made once per rule.
    `name` says which: an option's key is its set (`option_set`); phrases are named by words with a space."""
    entry = _DERIVED.get(id(options))
    if entry is None or entry[0] is not options:
        if len(_DERIVED) >= 4096:
            _DERIVED.clear()
        entry = _DERIVED[id(options)] = (options, {})
    made = entry[1].get(name, _NOT_YET)
    if made is _NOT_YET:
        made = entry[1][name] = make()
    return made


_DERIVED: dict[int, tuple[dict[str, Any], dict[str, Any]]] = {}


_NO_OPTIONS: frozenset[Any] = frozenset()


def option_set(options: dict[str, Any], key: str) -> frozenset[Any]:
    """`options[key]` (a list from a role file, or absent) as a set, made once per rule: a rule asks whether a
    value is among its options for every teacher and date, and a role file can list 100,000 of them."""
    value = options.get(key)
    if type(value) is Choices:  # a role file's list: the model made its set
        return value.set
    if value is None:
        return _NO_OPTIONS
    return derived(options, key, lambda: frozenset(options.get(key) or ()))  # type: ignore[no-any-return]


#: Up to this many comparisons (options × a teacher's items), a rule simply looks; beyond, it goes by key.
SMALL = 64


def words(items: list[str] | tuple[str, ...], joiner: str = "or") -> str:
    """'a', 'a or b', 'a, b or c'; a list from the data as a reason may quote it: at most ten items, each at most
    80 characters ('a, b, … or 3 more'; `tlt.problems.some`)."""
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
