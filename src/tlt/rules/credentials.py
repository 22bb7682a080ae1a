"""credentials — credentials held on the date.

Options: ``all_of`` and/or ``any_of`` (credential ids).

A credential is held when it is dated ≤ D and not expired (``expires`` ≥ D when recorded). Passes when every
``all_of`` id is held and, when ``any_of`` is given, at least one of its ids.
Unknown when ``credentials`` is absent; an empty list fails.

Example: ``- credentials: {all_of: [national-board]}`` → "credentials: national-board expired 2024-11-01".
"""

from __future__ import annotations

from bisect import bisect_right
from datetime import date

from tlt.model import Credential, Teacher
from tlt.problems import LIST_LIMIT, listed
from tlt.rules.base import FAIL, PASS, SMALL, Context, Result, asked_again, derived, option_set, words

KIND = "credentials"
FIELD = "credentials"


class _Index:
    """One teacher's credentials by id: sorted by date, the latest expiry so far (no expiry: never) for "held on
    D", the earliest date, and the latest recorded expiry of all. Built for every question (grouping by id is what
    keeps a rule of many ids from searching every credential for each), kept for the teacher's next dates."""

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


def _why_not(cid: str, credentials: tuple[Credential, ...], d: date) -> str:
    """Why `cid` is not held on `d` (for a few credentials: `_Index.why_not` says the same)."""
    mine = [c for c in credentials if c.id == cid]
    if not mine:
        return f"no {cid}"
    if all(c.date > d for c in mine):
        return f"{cid} dated {min(c.date for c in mine)}, after {d}"
    expiries = [c.expires for c in mine if c.expires is not None]
    return f"{cid} expired {max(expiries) if expiries else None}"


def check(options: dict, teacher: Teacher, ctx: Context) -> Result:  # type: ignore[type-arg]
    credentials = teacher.credentials or ()
    d = ctx.as_of
    all_of = options.get("all_of", ())  # (no id twice: the schema's uniqueItems)
    any_of = options.get("any_of") or ()
    if not ctx.many_dates and (len(all_of) + len(any_of)) * len(credentials) <= SMALL:  # looking is cheapest
        held_ids = {c.id for c in credentials if c.date <= d and (c.expires is None or c.expires >= d)}
        reasons = [_why_not(cid, credentials, d) for cid in all_of if cid not in held_ids]
        if any_of and not held_ids.intersection(any_of):
            reasons.append(f"none of {derived(options, 'any of words', lambda: words(options['any_of']))}")
        if reasons:
            return FAIL, "credentials: " + listed(reasons, "; ", each=None)
        return PASS, "credentials: " + listed(sorted(held_ids.intersection([*all_of, *any_of])))
    needed, enough = option_set(options, "all_of"), option_set(options, "any_of")
    # Only the ids the teacher has can be held, so the work is the teacher's credentials and the reasons shown,
    # never the whole lists (a role can name 100,000 ids).
    mine = {c.id for c in credentials if c.id in needed or c.id in enough}
    index = asked_again((credentials,), KIND, d, lambda: _Index(credentials)) if ctx.many_dates else None
    if index is None:
        held = {c.id for c in credentials if c.id in mine and c.date <= d and (c.expires is None or c.expires >= d)}
    else:
        held = {cid for cid in mine if index.held(cid, d)}
    missing_count = len(all_of) - len(held & needed)
    none_of = bool(any_of) and not held & enough
    if not missing_count and not none_of:
        return PASS, "credentials: " + listed(sorted(held))
    if index is None:
        index = _Index(credentials)  # a reason needs each missing id's dates
    problems: list[str] = []
    for cid in all_of:  # the first reasons, in the rule's order
        if len(problems) == LIST_LIMIT:
            break
        if cid not in held:
            problems.append(index.why_not(cid, d))
    total = missing_count
    if none_of:
        total += 1
        if len(problems) < LIST_LIMIT:
            problems.append(f"none of {derived(options, 'any of words', lambda: words(options['any_of']))}")
    return FAIL, "credentials: " + listed(problems, "; ", each=None, total=total)


def summarize(options: dict) -> str:  # type: ignore[type-arg]
    parts = list(options.get("all_of", ()))
    if options.get("any_of"):
        parts.append("one of " + "/".join(options["any_of"]))
    return " + ".join(parts)
