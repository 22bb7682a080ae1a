"""Policy checks for `tlt validate` (SPEC section 4): the rules roles set for their holders.

caseload-cap, overlap, tenure-cap, cooling-off, ineligible-assignment (errors) and expiring, staffing,
activity (warnings). One problem per cause: a start inside a cooling-off is `cooling-off` only; `ineligible-assignment`
judges the role's written rules alone, on the assignment's start date.
"""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from collections import defaultdict
from collections.abc import Iterator
from dataclasses import replace
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from tlt.activity import MISSED, tallies
from tlt.answers import Answers
from tlt.judge import CompiledRole, WrittenRules, compile_role
from tlt.model import Assignment, CaseloadSpec, Role, Src, Teacher, Term, role_in_force
from tlt.pipeline import Loaded, Repository
from tlt.problems import LIST_LIMIT, Problem, listed, shorten, warning
from tlt.rules.base import FAIL, Context
from tlt.timeline import ONE_DAY, Span, TermIndex, caseload_spans, default_term, term_index

EXPIRING_WINDOW_DAYS = 60


def _assignments(repo: Loaded) -> Iterator[tuple[Teacher, Assignment]]:
    for tid in sorted(repo.teachers):
        t = repo.teachers[tid]
        for a in t.assignments or ():
            yield t, a


def _decimal_text(value: Decimal) -> str:
    text = format(value.normalize(), "f")
    return text


def check_caseload_cap(repo: Loaded, as_of: date) -> Iterator[Problem]:
    """Weighted caseload size over the role's caseload.max on some day of the assignment (SPEC 9.3). An undated
    caseload has one size for the whole assignment, placed at its `caseload` key; with dated members the days
    are swept (`timeline.caseload_spans`) and each day's size is compared with the cap in force on that day
    (SPEC 9.1), the problem placed at the member whose start first makes the size pass the cap in force then."""
    terms = repo.config.terms if repo.config else ()
    for t, a in _assignments(repo):
        written = repo.roles.get(a.role)
        if written is None or a.caseload is None:
            continue
        if any(m.start is not None or m.end is not None for m in a.caseload):
            problem = _dated_cap(repo, t, a, written, terms)
            if problem is not None:
                yield problem
            continue
        role = written
        if role.versions:  # each day's cap (SPEC 9.1): the members hold every day, so the tightest cap counts
            role = _tightest_caseload(role, a, terms)
        if role.caseload is None:
            continue
        spec = role.caseload
        weighted = " (weighted)" if any(m.service in spec.weights for m in a.caseload) else ""
        size = sum((spec.weight(m.service) for m in a.caseload), Decimal(0))
        if size > spec.max:
            yield repo.error_at(
                a.src["caseload"],
                "caseload-cap",
                f"{t.id}'s caseload for {role.id} is {_decimal_text(size)}{weighted}, over the role's maximum of {spec.max}",
            )


def _caseload_periods(role: Role, a: Assignment, terms: tuple[Term, ...]) -> list[tuple[date, CaseloadSpec | None]]:
    """The assignment's days cut where the caseload section in force changes (SPEC 9.1): (first day, the section
    in force from it to the next period's first day). One period for a role without versions; a version that
    leaves the cap and weights as they were starts no period, so a span over its term start is not cut."""
    if not role.versions:
        return [(a.start, role.caseload)]
    named = {v.term for v in role.versions}
    days = sorted(
        term.start
        for term in terms
        if term.id in named and a.start < term.start and (a.end is None or term.start <= a.end)
    )
    periods: list[tuple[date, CaseloadSpec | None]] = []
    for d in [a.start, *days]:
        spec = role_in_force(role, d, terms).caseload
        if periods and _same_cap(periods[-1][1], spec):
            continue
        periods.append((d, spec))
    return periods


def _same_cap(one: CaseloadSpec | None, other: CaseloadSpec | None) -> bool:
    if one is None or other is None:
        return one is other
    return one.max == other.max and one.weights == other.weights


def _clipped(span: Span, first: date, last: date | None) -> Span | None:
    """The part of `span` on the days first to last (None: open-ended), or None. Cut at `first`, the part starts
    with no one joining: its size was there the day before."""
    if (last is not None and span.first > last) or (span.last is not None and span.last < first):
        return None
    end = span.last if last is None or (span.last is not None and span.last <= last) else last
    if span.first >= first:
        return span._replace(last=end)
    return Span(first, end, span.size, span.size, ())


def _dated_cap(repo: Loaded, t: Teacher, a: Assignment, role: Role, terms: tuple[Term, ...]) -> Problem | None:
    """The one caseload-cap problem of a caseload with dated members, if any day is over the cap in force on it:
    placed at the member whose joining first passes that cap (the `caseload` key when an undated member does,
    or no one's joining: the cap a version lowers from its term's start)."""
    assert a.caseload is not None
    periods = _caseload_periods(role, a, terms)
    over: list[tuple[Span, CaseloadSpec]] = []
    for k, (first, spec) in enumerate(periods):
        if spec is None:
            continue
        last = periods[k + 1][0] - ONE_DAY if k + 1 < len(periods) else a.end
        for s in caseload_spans(a.caseload, spec.weight, a):
            part = _clipped(s, first, last)
            if part is not None and part.size > spec.max:
                over.append((part, spec))
    if not over:
        return None
    span, spec = over[0]
    cap, weight = spec.max, spec.weight
    weighted = " (weighted)" if any(m.service in spec.weights for m in a.caseload) else ""
    peak = max(over, key=lambda sc: sc[0].size)[0]
    where, running, joiner = a.src["caseload"], span.before, None
    if running <= cap:  # over before anyone joins: the cap in force fell on this day
        for m in span.joined:
            running += weight(m.service)
            if running > cap:
                joiner = m
                break
    if joiner is not None and joiner.start is not None:
        where = joiner.src
    until = f" to {span.last}" if span.last is not None else ""
    who = f" ({joiner.teacher} joins)" if joiner is not None and joiner.start is not None else ""
    message = (
        f"{t.id}'s caseload for {role.id} is {_decimal_text(span.size)}{weighted} from {span.first}{who}{until}, "
        f"over the role's maximum of {cap}"
    )
    if peak.size > span.size:
        message += f"; at most {_decimal_text(peak.size)} from {peak.first}"
    return repo.error_at(where, "caseload-cap", message)


def _tightest_caseload(role: Role, a: Assignment, terms: tuple[Term, ...]) -> Role:
    """Of the roles in force on the days of an undated caseload's assignment (its start, and each version's term
    start within it), the one whose caseload the assignment's members overflow most: the least cap, then the
    heaviest weights (the size each gives, less its cap, greatest; a day with no caseload section has no cap)."""
    days = [a.start, *(t.start for t in terms if a.start < t.start and (a.end is None or t.start <= a.end))]
    worst: tuple[Decimal, Role] | None = None
    for d in days:
        in_force = role_in_force(role, d, terms)
        if in_force.caseload is None or a.caseload is None:
            continue
        spec = in_force.caseload
        over = sum((spec.weight(m.service) for m in a.caseload), Decimal(0)) - spec.max
        if worst is None or over > worst[0]:
            worst = (over, in_force)
    return worst[1] if worst is not None else role_in_force(role, a.start, terms)


def check_overlap(repo: Loaded, as_of: date) -> Iterator[Problem]:
    """The same teacher holding the same role twice at once; placed at the later-starting assignment."""
    for t in (repo.teachers[k] for k in sorted(repo.teachers)):
        by_role: dict[str, list[Assignment]] = defaultdict(list)
        for a in t.assignments or ():
            by_role[a.role].append(a)
        for role_id, items in sorted(by_role.items()):
            items.sort(key=lambda a: (a.start, a.src.node))
            # Each assignment is named against the first earlier one (in start order) still held on its start.
            # One that ended before a start ended before every later start too, so the first candidate only
            # moves forward: linear after the sort, where comparing every pair was quadratic.
            first = 0
            for i, later in enumerate(items):
                while first < i and items[first].end is not None and items[first].end < later.start:  # type: ignore[operator]
                    first += 1
                if first < i:
                    earlier = items[first]
                    until = "open-ended" if earlier.end is None else f"to {earlier.end}"
                    yield repo.error_at(
                        later.src,
                        "overlap",
                        f"{t.id} holds {role_id} twice at once: this assignment from {later.start} overlaps the one "
                        f"from {earlier.start} ({until})",
                    )


def check_tenure_cap(repo: Loaded, as_of: date) -> Iterator[Problem]:
    """Terms served in a role over term_limit.max_terms, counting each assignment up to its end (open-ended ones:
    the terms they overlap on a day before D); placed at the start of the assignment that passes the cap."""
    terms = repo.config.terms if repo.config else ()
    index = term_index(terms)
    last = as_of - ONE_DAY
    for t in (repo.teachers[k] for k in sorted(repo.teachers)):
        by_role: dict[str, list[Assignment]] = defaultdict(list)
        for a in t.assignments or ():
            by_role[a.role].append(a)
        for role_id, items in sorted(by_role.items()):
            role = repo.roles.get(role_id)
            if role is None:
                continue
            items.sort(key=lambda a: (a.start, a.src.node))
            if role.versions:  # the max_terms in force at the start of the term that passes the cap (SPEC 9.1)
                passed = _passing_by_term(role, items, index, last, terms)
                if passed is not None:
                    a, total, limit = passed
                    yield repo.error_at(
                        a.src["start"],
                        "tenure-cap",
                        f"{t.id} has served {total} terms in {role_id}, over its limit of {limit}",
                    )
                continue
            if role.term_limit is None:
                continue
            limit = role.term_limit.max_terms
            for a, total in zip(items, _running_terms(items, index, last), strict=True):
                if total > limit:
                    yield repo.error_at(
                        a.src["start"],
                        "tenure-cap",
                        f"{t.id} has served {total} terms in {role_id}, over its limit of {limit}",
                    )
                    break


def _passing_by_term(
    role: Role, items: list[Assignment], index: TermIndex, last: date, terms: tuple[Term, ...]
) -> tuple[Assignment, int, int] | None:
    """For a role with versions, its assignments in start order: (the assignment, terms served, the limit) where
    the terms served first pass the max_terms in force at the start of the term that makes them (a total of
    prior_terms alone: the limit in force at the assignment's start), or None. Terms are counted as
    `_running_terms` counts them; every term is looked at for every assignment, for the few roles with versions."""
    seen: set[str] = set()
    total = 0
    for a in items:
        end = a.end if a.end is not None else last
        if a.prior_terms:
            total += a.prior_terms
            in_force = role_in_force(role, a.start, terms)
            if in_force.term_limit is not None and total > in_force.term_limit.max_terms:
                return a, total, in_force.term_limit.max_terms
        if end < a.start:
            continue
        for term in sorted(index.terms, key=lambda t: t.start):
            if term.id in seen or not (a.start <= term.end and term.start <= end):
                continue
            seen.add(term.id)
            total += 1
            in_force = role_in_force(role, term.start, terms)
            if in_force.term_limit is not None and total > in_force.term_limit.max_terms:
                return a, total, in_force.term_limit.max_terms
    return None


def _quoted_roles(roles: dict[str, Role]) -> dict[str, Role]:
    """The roles as a problem message quotes them: every `cite` (of a rule, a term limit, an after_service entry)
    at most 80 characters (SPEC section 7). The reports quote a cite whole, as every reason does (SPEC section 3:
    the catalog's run to 174 characters); a message, shown in a public CI log, quotes an excerpt of it."""

    return {role_id: _quoted(role) for role_id, role in roles.items()}


def _cut(cite: str | None) -> str | None:
    return None if cite is None else shorten(cite)


def _quoted(role: Role) -> Role:
    """One role as written, as `_quoted_roles` quotes it: its sections and its versions' (so that the roles in
    force made from it, `role_in_force`, are quoted too: a cooling-off asks the left role's on the day it was
    left). The roles in force are made afresh from it, never taken from those made from the role unquoted."""
    return replace(
        role,
        **_quoted_sections(
            {
                "required": role.required,
                "preferred": role.preferred,
                "term_limit": role.term_limit,
                "after_service": role.after_service,
            }
        ),
        versions=tuple(replace(v, fields={**v.fields, **_quoted_sections(v.fields)}) for v in role.versions),
        in_force={},
    )


def _quoted_sections(fields: dict[str, Any]) -> dict[str, Any]:
    """The sections of `fields` (a role's, or a version's) that carry cites, each cite cut."""
    out: dict[str, Any] = {}
    for name in ("required", "preferred"):
        if name in fields:
            out[name] = tuple(replace(rule, cite=_cut(rule.cite)) for rule in fields[name])
    if "term_limit" in fields:
        limit = fields["term_limit"]
        out["term_limit"] = None if limit is None else replace(limit, cite=_cut(limit.cite))
    if "after_service" in fields:
        out["after_service"] = tuple(replace(entry, cite=_cut(entry.cite)) for entry in fields["after_service"])
    return out


def _running_terms(items: list[Assignment], index: TermIndex, last: date) -> Iterator[int]:
    """For assignments in start order: the terms served once each is counted (prior_terms, and the distinct terms
    it overlaps up to its end, or up to `last` when open-ended). O(log terms) an assignment for ordered terms (a
    run of terms each, counted beyond the furthest run so far: the runs start in order, so what they share is a
    prefix); otherwise each term's first covering assignment is found by bisection over the latest end so far.
    Looking at every term for every assignment was terms × assignments."""
    spans = [(a.start, a.end if a.end is not None else last) for a in items]
    prior = 0
    if index.ordered:
        counted, top = 0, -1
        for a, (start, end) in zip(items, spans, strict=True):
            prior += a.prior_terms
            if end >= start:
                first, final = index.run(start, end)
                counted += max(0, final - max(first, top + 1) + 1)
                top = max(top, final)
            yield prior + counted
        return
    starts = [start for start, _ in spans]
    latest: list[date] = []  # the latest end among the assignments up to each position (none: no day held)
    for start, end in spans:
        held = end if end >= start else date.min
        latest.append(held if not latest or held > latest[-1] else latest[-1])
    first_of: dict[str, int] = {}
    for term in index.terms:
        i = bisect_left(latest, term.start)  # the first assignment ending on or after the term's start ...
        if i < bisect_right(starts, term.end) and (term.id not in first_of or i < first_of[term.id]):
            first_of[term.id] = i  # ... and starting by its end: the first to count it
    firsts = sorted(first_of.values())
    for i, a in enumerate(items):
        prior += a.prior_terms
        yield prior + bisect_right(firsts, i)


def check_cooling_off_and_eligibility(repo: Loaded, as_of: date) -> Iterator[Problem]:
    """An assignment that starts inside a cooling-off (`cooling-off`), else one whose teacher was ineligible for
    the role by its written rules on the start date (`ineligible-assignment`)."""
    quoted = _quoted_roles(repo.roles)  # what rules quote of roles (a cooling-off), as messages quote them
    base = Context.build(repo.config, quoted, as_of)
    terms = repo.config.terms if repo.config else ()
    compiled: dict[Any, CompiledRole] = {}
    questions: dict[Any, Any] = {}  # one object per distinct question, shared by the roles
    answers = Answers()  # each teacher is judged on each of its assignments' start dates
    written: dict[tuple[str, Any], WrittenRules] = {}  # the teacher's rules no date changes, judged once
    for t, a in _assignments(repo):
        if written and next(iter(written))[0] != t.id:
            written.clear()  # one teacher's at a time (teachers come in order)
        if a.role not in repo.roles:
            continue
        which: Any = a.role
        written_role = quoted[a.role]
        if written_role.versions:  # the role in force on the assignment's start (SPEC 9.1)
            in_force = role_in_force(written_role, a.start, terms)
            which = (a.role, id(in_force))  # each role in force is made once (`role_in_force`)
            if which not in compiled:
                compiled[which] = compile_role(in_force, quoted, questions)
        elif which not in compiled:
            compiled[which] = compile_role(quoted[a.role], quoted, questions)
        role = compiled[which]
        ctx = base.on(a.start)
        barred = role.cooling_off
        if barred is not None:
            outcome, detail = answers(barred.question, t, ctx)
            if outcome == FAIL:
                yield repo.error_at(
                    a.src["start"],
                    "cooling-off",
                    f"{t.id} starts {a.role} on {a.start} inside a cooling-off: {detail.removeprefix('cooling-off: ')}",
                )
                continue
        key = (t.id, which)
        if key not in written:
            written[key] = WrittenRules(role, t, answers)
        ineligible, shown, total = written[key].failing(ctx, LIST_LIMIT)
        if ineligible:
            yield repo.error_at(
                a.src["start"],
                "ineligible-assignment",
                f"{t.id} was ineligible for {a.role} on {a.start}: {listed(shown, '; ', each=None, total=total)}",
            )


def _latest(items: list[Any]) -> Any:
    """The item that expires last; one without an expiry never expires."""
    if any(i.expires is None for i in items):
        return None
    return max(items, key=lambda i: i.expires)


def _documents(t: Teacher) -> Iterator[tuple[str, Src, date]]:
    """(what, where, expires) for the latest license of each state and type, clearance of each kind, credential."""
    groups: dict[tuple[str, str], list[Any]] = defaultdict(list)
    for lic in t.licenses or ():
        if lic.status == "active":  # a pending renewal does not make an expiring license safe
            groups[("license", f"{lic.state} {lic.type or ''}".strip())].append(lic)
    for c in t.clearances or ():
        groups[("clearance", c.kind)].append(c)
    for cred in t.credentials or ():
        groups[("credential", cred.id)].append(cred)
    for (kind, name), items in sorted(groups.items()):
        latest = _latest(items)
        if latest is not None:
            yield f"{shorten(name)} {kind}", latest.src, latest.expires  # a message quotes 80 characters of it


def check_expiring(repo: Loaded, as_of: date) -> Iterator[Problem]:
    """A current role holder's license, clearance or credential that expired before D or expires in [D, D+60]."""
    horizon = as_of + timedelta(days=EXPIRING_WINDOW_DAYS)
    for tid in sorted(repo.teachers):
        t = repo.teachers[tid]
        holding = sorted({a.role for a in t.assignments or () if a.active_on(as_of)})
        if not holding:
            continue
        for what, src, expires in _documents(t):
            if expires > horizon:
                continue
            days = (expires - as_of).days
            when = f"expired {expires} ({-days} days ago)" if days < 0 else f"expires {expires} (in {days} days)"
            line, col = repo.locate(src["expires"])
            yield warning(src.file, line, col, "expiring", f"{t.id} holds {listed(holding)}; their {what} {when}")


def staffing_holders(repo: Loaded, as_of: date) -> dict[str, set[str]]:
    """role → the teachers of `repo` holding it on a day of the term containing D (none: no such term)."""
    holders: dict[str, set[str]] = defaultdict(set)
    term = next((t for t in repo.config.terms if t.contains(as_of)), None) if repo.config else None
    if term is None:
        return {}
    for t, a in _assignments(repo):
        if a.overlaps(term.start, term.end):
            holders[a.role].add(t.id)
    return dict(holders)


def staffing_problems(repo: Repository, as_of: date, holders: dict[str, set[str]], total: int) -> Iterator[Problem]:
    """In the term containing D, the share of all `total` teachers holding a role outside its staffing range
    (inclusive); `holders` from `staffing_holders` over every teacher."""
    if repo.config is None or not total:
        return
    term = next((t for t in repo.config.terms if t.contains(as_of)), None)
    if term is None:
        return
    for role_id in sorted(repo.roles):
        role = repo.roles[role_id]
        if role.staffing is None:
            continue
        count = len(holders.get(role_id, ()))
        share = Decimal(count * 100) / Decimal(total)
        low, high = role.staffing.min_percent, role.staffing.max_percent
        if (low is not None and share < low) or (high is not None and share > high):
            bounds = " to ".join(
                x
                for x in (f"at least {low}%" if low is not None else "", f"at most {high}%" if high is not None else "")
                if x
            )
            shown = share.quantize(Decimal("0.1"))
            line, col = repo.locate(role.staffing.src)
            yield warning(
                role.src.file, line, col, "staffing",
                f"{count} of {total} teachers ({shown}%) hold {role_id} in {term.id}; the role wants {bounds}",
            )  # fmt: skip


def check_activity(repo: Loaded, as_of: date) -> Iterator[Problem]:
    """SPEC 10.1: a requirement `missed` in section 6's default term as of D (so only once that term has ended
    before D), one warning per (assignment, member, requirement), placed at the assignment's `role`. Each
    assignment is counted with the role in force at the term's start (SPEC 9.1), as `tlt activity` counts it."""
    if repo.config is None:
        return
    terms = repo.config.terms
    term = default_term(terms, as_of)
    if term is None or term.end >= as_of or term.end < term.start:
        return  # nothing can be missed before the term has ended
    for t, a in _assignments(repo):
        role = repo.roles.get(a.role)
        if role is None or not a.overlaps(term.start, term.end):
            continue
        role = role_in_force(role, term.start, terms, a.start)
        for tally in tallies(a, role, term, as_of):
            if tally.status != MISSED:
                continue
            r = tally.requirement
            cite = f" (per {shorten(r.cite)})" if r.cite else ""
            line, col = repo.locate(a.src["role"])
            yield warning(
                t.src.file, line, col, "activity",
                f"{t.id} missed {shorten(r.label)} with {tally.member} for {role.id} in {term.id}: "
                f"{_decimal_text(tally.done)} of {_decimal_text(r.min)}{cite}",
            )  # fmt: skip


POLICY_CHECKS = (
    check_caseload_cap,
    check_overlap,
    check_tenure_cap,
    check_cooling_off_and_eligibility,
    check_expiring,
    check_activity,
)  # each on the teachers alone; staffing needs them all: `tlt.checks.STAFFING`
