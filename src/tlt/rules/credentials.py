"""credentials — credentials held on the date.

Options: ``all_of`` and/or ``any_of`` (credential ids).

A credential is held when it is dated ≤ D and not expired (``expires`` ≥ D when recorded). Passes when every
``all_of`` id is held and, when ``any_of`` is given, at least one of its ids.
Unknown when ``credentials`` is absent; an empty list fails.

Example: ``- credentials: {all_of: [national-board]}`` → "credentials: national-board expired 2024-11-01".
"""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Callable
from datetime import date

from tlt.model import Credential, Teacher
from tlt.problems import LIST_LIMIT, listed
from tlt.rules.base import FAIL, PASS, Context, Result, as_set, words

KIND = "credentials"
FIELD = "credentials"


class _Index:
    """One teacher's credentials by id: sorted by date, the latest expiry so far (no expiry: never) for "held on
    D", the earliest date, and the latest recorded expiry of all: grouping by id is what keeps a rule of many ids
    from searching every credential for each."""

    def __init__(self, credentials: tuple[Credential, ...]) -> None:
        groups: dict[str, list[Credential]] = {}
        for c in credentials:
            groups.setdefault(c.id, []).append(c)
        self.ids: dict[str, tuple[list[date], list[date], date | None]] = {}
        for cid, items in groups.items():
            items.sort(key=lambda c: c.date)
            dates: list[date] = []
            valid_until: list[date] = []
            for c in items:
                dates.append(c.date)
                until = c.expires if c.expires is not None else date.max
                valid_until.append(until if not valid_until or until > valid_until[-1] else valid_until[-1])
            expiries = [c.expires for c in items if c.expires is not None]
            self.ids[cid] = (dates, valid_until, max(expiries) if expiries else None)

    def held(self, cid: str, d: date) -> bool:
        found = self.ids.get(cid)
        if found is None:
            return False
        k = bisect_right(found[0], d)
        return bool(k) and found[1][k - 1] >= d

    def why_not(self, cid: str, d: date) -> str:
        found = self.ids.get(cid)
        if found is None:
            return f"no {cid}"
        dates, _, latest = found
        if dates[0] > d:
            return f"{cid} dated {dates[0]}, after {d}"
        return f"{cid} expired {latest}"


def check(options: dict, teacher: Teacher, ctx: Context) -> Result:  # type: ignore[type-arg]
    credentials = teacher.credentials or ()
    d = ctx.as_of
    held = {c.id for c in _named(options, credentials) if c.date <= d and (c.expires is None or c.expires >= d)}
    return _answer(options, held, lambda: _Index(credentials), d)


def over_dates(options: dict, teacher: Teacher, ctx: Context) -> Callable[[date], Result]:  # type: ignore[type-arg]
    """`check` on any date, from the credentials grouped by id once (`_Index`)."""
    index = _Index(teacher.credentials or ())
    mine = {c.id for c in _named(options, teacher.credentials or ())}
    return lambda d: _answer(options, {cid for cid in mine if index.held(cid, d)}, lambda: index, d)


def _named(options: dict, credentials: tuple[Credential, ...]) -> list[Credential]:  # type: ignore[type-arg]
    """The teacher's credentials of the ids the rule names: only those can be held, so the work is the teacher's
    credentials and the reasons shown, never the whole lists (a role can name 100,000 ids)."""
    needed, enough = as_set(options.get("all_of")), as_set(options.get("any_of"))
    return [c for c in credentials if c.id in needed or c.id in enough]


def _answer(options: dict, held: set[str], index: Callable[[], _Index], d: date) -> Result:  # type: ignore[type-arg]
    """The answer from the named ids held on `d`; `index()` gives the reasons for the others."""
    all_of = options.get("all_of", ())  # (no id twice: the schema's uniqueItems)
    any_of = options.get("any_of") or ()
    missing_count = len(all_of) - len(held & as_set(all_of))
    none_of = bool(any_of) and not held & as_set(any_of)
    if not missing_count and not none_of:
        return PASS, "credentials: " + listed(sorted(held))
    grouped = index()
    problems: list[str] = []
    for cid in all_of:  # the first reasons, in the rule's order
        if len(problems) == LIST_LIMIT:
            break
        if cid not in held:
            problems.append(grouped.why_not(cid, d))
    total = missing_count
    if none_of:
        total += 1
        if len(problems) < LIST_LIMIT:
            problems.append(f"none of {words(any_of)}")
    return FAIL, "credentials: " + listed(problems, "; ", each=None, total=total)


def summarize(options: dict) -> str:  # type: ignore[type-arg]
    parts = list(options.get("all_of", ()))
    if options.get("any_of"):
        parts.append("one of " + "/".join(options["any_of"]))
    return " + ".join(parts)
