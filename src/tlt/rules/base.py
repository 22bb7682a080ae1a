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

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from typing import Any, Protocol

from tlt.model import Config, Role, Teacher, Term
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

    @classmethod
    def build(cls, config: Config | None, roles: dict[str, Role], as_of: date) -> Context:
        terms = config.terms if config else ()
        scale = config.rating_scale if config else ("unsatisfactory", "needs_improvement", "proficient", "exemplary")
        return cls(
            as_of=as_of,
            terms=terms,
            rating_scale=scale,
            organization=config.organization if config else None,
            roles=roles,
            term_end=_term_ends(terms),
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


_AGAIN: dict[tuple[Any, ...], tuple[tuple[object, ...], Any]] = {}
_NOT_YET = object()


def asked_again(objects: tuple[object, ...], key: Any, build: Callable[[], Any]) -> Any:
    """An index over `objects` (a teacher's list, a rule's options) for answering the same question on many dates,
    or None the first time it is asked about them. `tlt validate` judges a teacher's rules on each assignment's
    start date, and scanning the teacher's lists on every date cost assignments × list length for one teacher
    (33,800 assignments under a cooling-off: 25 s); a teacher judged once (check-eligibility) never pays for an
    index. The objects are kept with the index and compared by identity, so an id reused never hits; at most a
    few thousand are kept, and which are kept never changes an answer, only its cost."""
    slot = (key, *map(id, objects))
    hit = _AGAIN.get(slot)
    if hit is not None and all(kept is given for kept, given in zip(hit[0], objects, strict=True)):
        if hit[1] is _NOT_YET:
            index = build()
            _AGAIN[slot] = (objects, index)
            return index
        return hit[1]
    if len(_AGAIN) >= 4096:
        _AGAIN.clear()
    _AGAIN[slot] = (objects, _NOT_YET)
    return None


_SETS: dict[tuple[int, str], tuple[dict[str, Any], frozenset[Any]]] = {}


def option_set(options: dict[str, Any], key: str) -> frozenset[Any]:
    """`options[key]` (a list from a role file, or absent) as a set, made once per rule: a rule asks whether a
    value is among its options for every teacher and date, and a role file can list 100,000 of them."""
    slot = (id(options), key)
    hit = _SETS.get(slot)
    if hit is not None and hit[0] is options:
        return hit[1]
    if len(_SETS) >= 4096:
        _SETS.clear()
    made = frozenset(options.get(key) or ())
    _SETS[slot] = (options, made)
    return made


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
