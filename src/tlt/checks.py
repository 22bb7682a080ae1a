"""Repository checks for `tlt validate` (SPEC section 4) beyond loading: references, date order, terms,
caseload members, and the policy checks that need judgement (caps, tenure, cooling-off, eligibility on the
start date, expiring documents, staffing) from `tlt.policy`.

Each check is a generator of `Problem`s over the loaded `Repository`; `check_repository` runs them all.
"""

from __future__ import annotations

import difflib
from collections.abc import Callable, Iterator
from datetime import date

from tlt.model import Src, Teacher
from tlt.pipeline import Repository
from tlt.problems import Problem, excerpt, sort_problems, warning

Check = Callable[[Repository, date], Iterator[Problem]]


def _suggest(word: str, choices: object) -> str:
    match = difflib.get_close_matches(word, sorted(choices), n=1)  # type: ignore[call-overload]
    return f" (did you mean '{match[0]}'?)" if match else ""


def check_terms(repo: Repository, as_of: date) -> Iterator[Problem]:
    """tlt.yaml's terms: each ends on or after it starts, ids are unique, each starts after the previous ends."""
    if repo.config is None:
        return
    previous = None
    ids: set[str] = set()
    for term in repo.config.terms:
        if term.id in ids:
            yield repo.error_at(term.src["id"], "terms", f"term id '{term.id}' is used twice")
        ids.add(term.id)
        if term.end < term.start:
            yield repo.error_at(
                term.src["end"], "terms", f"term '{term.id}' ends {term.end} before it starts {term.start}"
            )
        if previous is not None and term.start <= previous.end:
            what = "overlaps" if term.start >= previous.start else "comes before"
            yield repo.error_at(
                term.src["start"],
                "terms",
                f"term '{term.id}' (from {term.start}) {what} term '{previous.id}' (to {previous.end}); "
                "terms must be ascending and must not overlap",
            )
        previous = term


def _order(
    repo: Repository, src: Src, first: date | None, second: date | None, names: tuple[str, str], what: str
) -> Iterator[Problem]:
    if first is not None and second is not None and second < first:
        yield repo.error_at(src[names[1]], "date-order", f"{what} {names[1]} {second} is before its {names[0]} {first}")


def _teacher_dates(repo: Repository, t: Teacher) -> Iterator[Problem]:
    for e in t.experience or ():
        yield from _order(repo, e.src, e.start, e.end, ("start", "end"), "experience")
    for lic in t.licenses or ():
        yield from _order(repo, lic.src, lic.issued, lic.expires, ("issued", "expires"), f"{lic.state} license")
    for c in t.clearances or ():
        yield from _order(repo, c.src, c.date, c.expires, ("date", "expires"), f"{excerpt(c.kind)[1:-1]} clearance")
    for cred in t.credentials or ():
        yield from _order(repo, cred.src, cred.date, cred.expires, ("date", "expires"), f"credential {cred.id}")
    for a in t.assignments or ():
        yield from _order(repo, a.src, a.start, a.end, ("start", "end"), f"assignment to {a.role}")


def check_dates(repo: Repository, as_of: date) -> Iterator[Problem]:
    """End before start, expires before issued (or before the clearance's or credential's date)."""
    for t in repo.teachers.values():
        yield from _teacher_dates(repo, t)


def check_references(repo: Repository, as_of: date) -> Iterator[Problem]:
    """Assignments name existing roles, caseloads existing teachers, evaluations existing terms, ratings the scale."""
    term_ids = {t.id for t in repo.config.terms} if repo.config else None
    scale = repo.config.rating_scale if repo.config else None
    for t in repo.teachers.values():
        for a in t.assignments or ():
            if a.role not in repo.roles:
                yield repo.error_at(
                    a.src["role"],
                    "unknown-role",
                    f"assignment names role '{a.role}', which no role file defines{_suggest(a.role, repo.roles)}",
                )
            for m in a.caseload or ():
                if m.teacher not in repo.teachers and m.teacher != t.id:
                    yield repo.error_at(
                        m.src,
                        "unknown-teacher",
                        f"caseload names teacher '{m.teacher}', who has no teacher file{_suggest(m.teacher, repo.teachers)}",
                    )
        for ev in t.evaluations or ():
            if term_ids is not None and ev.term not in term_ids:
                yield repo.error_at(
                    ev.src["term"],
                    "unknown-term",
                    f"evaluation names term '{ev.term}', which tlt.yaml lacks{_suggest(ev.term, term_ids)}",
                )
            if scale is not None and ev.rating not in scale:
                yield repo.error_at(
                    ev.src["rating"],
                    "schema",
                    f"rating {excerpt(ev.rating)} is not on the rating scale: {', '.join(scale)}",
                )
    for role in repo.roles.values():
        for rule in (*role.required, *role.preferred):
            if rule.kind == "evaluation" and scale is not None and rule.options["min"] not in scale:
                yield repo.error_at(
                    rule.src["min"],
                    "schema",
                    f"rating {excerpt(rule.options['min'])} is not on the rating scale: {', '.join(scale)}",
                )
            if rule.kind == "prior_role":
                for i, rid in enumerate(rule.options.get("roles", [])):
                    if rid not in repo.roles:
                        yield repo.error_at(
                            rule.src["roles"][i],
                            "unknown-role",
                            f"prior_role names role '{rid}', which no role file defines{_suggest(rid, repo.roles)}",
                        )
        for entry in role.after_service:
            for i, rid in enumerate(entry.roles):
                if rid not in repo.roles:
                    yield repo.error_at(
                        entry.src["bars"]["roles"][i],
                        "unknown-role",
                        f"after_service bars role '{rid}', which no role file defines{_suggest(rid, repo.roles)}",
                    )


def check_caseload_members(repo: Repository, as_of: date) -> Iterator[Problem]:
    """No one on their own caseload; no member listed twice in one assignment."""
    for t in repo.teachers.values():
        for a in t.assignments or ():
            seen: set[str] = set()
            for m in a.caseload or ():
                if m.teacher == t.id:
                    yield repo.error_at(m.src, "caseload-member", f"{t.id} is on their own caseload for {a.role}")
                elif m.teacher in seen:
                    yield repo.error_at(m.src, "caseload-member", f"{m.teacher} is listed twice on this caseload")
                seen.add(m.teacher)


def check_outside_terms(repo: Repository, as_of: date) -> Iterator[Problem]:
    """An assignment that overlaps no term of tlt.yaml (an open end runs on): no report would count it."""
    if repo.config is None or not repo.config.terms:
        return
    terms = repo.config.terms
    for t in repo.teachers.values():
        for a in t.assignments or ():
            if a.end is not None and a.end < a.start:
                continue  # a date-order problem already
            if not any(a.overlaps(term.start, term.end) for term in terms):
                span = f"{a.start} to {a.end}" if a.end is not None else f"from {a.start}, open-ended"
                yield warning(
                    *_at(repo, a.src["start"]),
                    "outside-terms",
                    f"assignment to {a.role} ({span}) overlaps no term of tlt.yaml "
                    f"({terms[0].start} to {terms[-1].end}); no report counts it",
                )


def _at(repo: Repository, src: Src) -> tuple[str, int, int]:
    line, col = repo.locate(src)
    return src.file, line, col


STRUCTURAL_CHECKS: tuple[Check, ...] = (
    check_terms, check_dates, check_references, check_caseload_members, check_outside_terms,
)  # fmt: skip


def check_repository(repo: Repository, as_of: date, extra: tuple[Check, ...] = ()) -> list[Problem]:
    """Every problem of the repository: load problems, structural checks, then policy checks."""
    problems = list(repo.problems)
    for check in (*STRUCTURAL_CHECKS, *extra):
        problems.extend(check(repo, as_of))
    return sort_problems(problems)
