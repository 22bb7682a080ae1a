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
from tlt.problems import listed
from tlt.rules.base import FAIL, PASS, Context, Result, asked_again, derived, words

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


def check(options: dict, teacher: Teacher, ctx: Context) -> Result:  # type: ignore[type-arg]
    credentials = teacher.credentials or ()
    d = ctx.as_of
    index = asked_again((credentials,), KIND, d, lambda: _Index(credentials)) if ctx.many_dates else None
    if index is None:  # one question: the ids held on D, as a set; the rest looked up only for a reason
        held = {c.id for c in credentials if c.date <= d and (c.expires is None or c.expires >= d)}
        missing = [cid for cid in options.get("all_of", ()) if cid not in held]
        held_any = bool(held.intersection(options.get("any_of") or ()))
        if not missing and (held_any or not options.get("any_of")):
            relevant = held.intersection([*options.get("all_of", ()), *(options.get("any_of") or ())])
            return PASS, "credentials: " + listed(sorted(relevant))
        index = _Index(credentials)
    all_of = options.get("all_of", ())
    problems = [index.why_not(cid, d) for cid in all_of if not index.held(cid, d)]
    any_of = options.get("any_of")
    if any_of and not any(index.held(cid, d) for cid in any_of):
        problems.append(f"none of {derived(options, 'any of words', lambda: words(options['any_of']))}")
    if problems:
        return FAIL, "credentials: " + listed(problems, "; ", each=None)
    ids = sorted({cid for cid in (*all_of, *(any_of or ())) if index.held(cid, d)})
    return PASS, "credentials: " + listed(ids)


def summarize(options: dict) -> str:  # type: ignore[type-arg]
    parts = list(options.get("all_of", ()))
    if options.get("any_of"):
        parts.append("one of " + "/".join(options["any_of"]))
    return " + ".join(parts)
