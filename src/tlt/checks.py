"""Repository checks for `tlt validate` (SPEC section 4) beyond loading: references, date order, terms,
caseload members, and the policy checks that need judgement (caps, tenure, cooling-off, eligibility on the
start date, expiring documents, staffing) from `tlt.policy`.

Each check says what it looks at, by the table it is in:
- `STRUCTURAL_CHECKS` (and the `extra` checks the caller adds: the CLI adds `tlt.policy.POLICY_CHECKS`) look at
  one teacher at a time: a generator of `Problem`s over a whole repository or one batch of it (`pipeline.Loaded`);
- `BASE_CHECKS` look at tlt.yaml and the roles alone;
- `GATHERED_CHECKS` need facts about every teacher (caseload members exist, staffing shares): each `gather`s its
  facts from each batch, and `finish`es once over what every batch gathered.
`validate_repository` is the program, top to bottom: the one validate pipeline, which the CLI, the pre-commit
hook and the tests call. It never knows how many batches there were, nor where they ran.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import date
from typing import Any, Generic, TypeVar

from tlt.activity import entry_problems
from tlt.loading.fastyaml import reference_only
from tlt.loading.repository import find_root
from tlt.loading.safeyaml import Document
from tlt.loading.sources import FileSource, Source
from tlt.model import Assignment, Config, Member, Role, Src, Teacher
from tlt.pipeline import Batch, Loaded, Progress, Repository, load_base, map_batches
from tlt.policy import staffing_holders, staffing_problems
from tlt.problems import Problem, error, excerpt, listed, sort_problems, warning
from tlt.suggest import Hints
from tlt.timeline import term_index

#: A validate check: the problems it finds in a repository (whole, or one batch of its teachers) on a date.
RepositoryCheck = Callable[[Loaded, date], Iterator[Problem]]


def check_terms(repo: Loaded, as_of: date) -> Iterator[Problem]:
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


#: (teacher field, first date, second date, what an item is called): the second may not come before the first
_DATE_PAIRS: tuple[tuple[str, str, str, Callable[[Any], str]], ...] = (
    ("experience", "start", "end", lambda e: "experience"),
    ("licenses", "issued", "expires", lambda lic: f"{lic.state} license"),
    ("clearances", "date", "expires", lambda c: f"{excerpt(c.kind)[1:-1]} clearance"),
    ("credentials", "date", "expires", lambda cred: f"credential {cred.id}"),
    ("assignments", "start", "end", lambda a: f"assignment to {a.role}"),
)


def _teacher_dates(repo: Loaded, t: Teacher) -> Iterator[Problem]:
    for name, first_name, second_name, what in _DATE_PAIRS:
        for item in getattr(t, name) or ():
            first, second = getattr(item, first_name), getattr(item, second_name)
            if first is not None and second is not None and second < first:
                yield repo.error_at(
                    item.src[second_name],
                    "date-order",
                    f"{what(item)} {second_name} {second} is before its {first_name} {first}",
                )


def _member_dates(repo: Loaded, t: Teacher) -> Iterator[Problem]:
    """SPEC 9.3: a caseload member's dates lie within the assignment and end on or after start; one problem a
    member, placed at its mapping."""
    for a in t.assignments or ():
        for m in a.caseload or ():
            if m.start is None and m.end is None:
                continue
            what = f"caseload member {m.teacher}"
            if m.start is not None and m.end is not None and m.end < m.start:
                message = f"{what} end {m.end} is before its start {m.start}"
            elif a.end is not None and a.end < a.start:
                continue  # the assignment's own date-order problem: no days to lie within
            elif m.start is not None and m.start < a.start:
                message = f"{what} start {m.start} is before the assignment's start {a.start}"
            elif m.end is not None and m.end < a.start:
                message = f"{what} end {m.end} is before the assignment's start {a.start}"
            elif a.end is not None and m.start is not None and m.start > a.end:
                message = f"{what} start {m.start} is after the assignment's end {a.end}"
            elif a.end is not None and m.end is not None and m.end > a.end:
                message = f"{what} end {m.end} is after the assignment's end {a.end}"
            else:
                continue
            yield repo.error_at(m.src, "date-order", f"{message} (to {a.role})")


def check_dates(repo: Loaded, as_of: date) -> Iterator[Problem]:
    """End before start, expires before issued (or before the clearance's or credential's date); a caseload
    member's dates outside its assignment or out of order."""
    for t in repo.teachers.values():
        yield from _teacher_dates(repo, t)
        yield from _member_dates(repo, t)


def check_references(repo: Loaded, as_of: date) -> Iterator[Problem]:
    """Assignments name existing roles, evaluations existing terms and ratings on the scale. (Caseload members
    are checked against every teacher file once all are loaded: `CASELOAD_MEMBERS_EXIST`.)"""
    term_ids = {t.id for t in repo.config.terms} if repo.config else None
    scale = repo.config.rating_scale if repo.config else None
    ranked = frozenset(scale) if scale is not None else None
    role_hint, term_hint = Hints(repo.roles), Hints(term_ids or ())
    for t in repo.teachers.values():
        for a in t.assignments or ():
            if a.role not in repo.roles:
                yield repo.error_at(
                    a.src["role"],
                    "unknown-role",
                    f"assignment names role '{a.role}', which no role file defines{role_hint(a.role, t.src.file)}",
                )
        for ev in t.evaluations or ():
            if term_ids is not None and ev.term not in term_ids:
                yield repo.error_at(
                    ev.src["term"],
                    "unknown-term",
                    f"evaluation names term '{ev.term}', which tlt.yaml lacks{term_hint(ev.term, t.src.file)}",
                )
            if scale is not None and ranked is not None and ev.rating not in ranked:
                yield repo.error_at(
                    ev.src["rating"],
                    "schema",
                    f"rating {excerpt(ev.rating)} is not on the rating scale: {listed(scale)}",
                )


def needs_checking(config: Config | None) -> Callable[[dict[str, Any]], bool]:
    """For `tlt validate`: a test of a schema-valid teacher file's data that is False only when no check of a
    teacher on its own (`STRUCTURAL_CHECKS`, `tlt.policy.POLICY_CHECKS`) could find anything in it, so that the
    file need not be modelled (docs/performance.md, "Figures behind the code"): it holds no assignment (the
    caseload, term, cap, overlap, tenure, cooling-off, eligibility and expiring checks are all about assignments),
    each date pair of `_DATE_PAIRS` is in order, and each evaluation names a term of tlt.yaml and a rating on its
    scale (`check_references`). The same table and the same rules as those checks, on the data as loaded; dates
    that are not YYYY-MM-DD text are left to the model. tests/test_screen.py holds it to the checks both ways."""
    pairs = tuple((key, first, second) for key, first, second, _ in _DATE_PAIRS)
    terms = frozenset(t.id for t in config.terms) if config is not None else None
    scale = frozenset(config.rating_scale) if config is not None else frozenset()

    def needs(data: dict[str, Any]) -> bool:
        if data.get("assignments"):
            return True
        for key, first, second in pairs:
            for item in data.get(key) or ():
                start, end = item.get(first), item.get(second)
                if start is not None and end is not None and not _in_order(start, end):
                    return True
        if terms is not None:
            for ev in data.get("evaluations") or ():
                if ev["term"] not in terms or ev["rating"] not in scale:
                    return True
        return False

    return needs


def _in_order(first: Any, second: Any) -> bool:
    """Whether two dates of a file, as loaded, are surely in order: YYYY-MM-DD texts compare as text."""
    return type(first) is str and type(second) is str and len(first) == len(second) == 10 and first <= second


def check_role_references(repo: Loaded, as_of: date) -> Iterator[Problem]:
    """Roles' rules name ratings on the scale and existing roles."""
    scale = repo.config.rating_scale if repo.config else None
    ranked = frozenset(scale) if scale is not None else frozenset()
    hint = Hints(repo.roles)
    for role in repo.roles.values():
        yield from _version_order(repo, role)
        rules = [*role.required, *role.preferred]
        entries = list(role.after_service)
        for version in role.versions:  # the sections a version brings are checked as the file's are
            rules.extend((*version.fields.get("required", ()), *version.fields.get("preferred", ())))
            entries.extend(version.fields.get("after_service", ()))
        for rule in rules:
            if rule.kind == "evaluation" and scale is not None and rule.options["min"] not in ranked:
                yield repo.error_at(
                    rule.src["min"],
                    "schema",
                    f"rating {excerpt(rule.options['min'])} is not on the rating scale: {listed(scale)}",
                )
            if rule.kind == "prior_role":
                for i, rid in enumerate(rule.options.get("roles", [])):
                    if rid not in repo.roles:
                        yield repo.error_at(
                            rule.src["roles"][i],
                            "unknown-role",
                            f"prior_role names role '{rid}', which no role file defines{hint(rid, role.src.file)}",
                        )
        for entry in entries:
            for i, rid in enumerate(entry.roles):
                if rid not in repo.roles:
                    yield repo.error_at(
                        entry.src["bars"]["roles"][i],
                        "unknown-role",
                        f"after_service bars role '{rid}', which no role file defines{hint(rid, role.src.file)}",
                    )


def _version_order(repo: Loaded, role: Role) -> Iterator[Problem]:
    """A role's versions name terms of tlt.yaml (`unknown-term`), in ascending term order with no term twice
    (`schema`, at the `from` of the first version that does not come after its predecessor; one problem a role:
    the versions after it are out of order with it or not, but the fix starts there)."""
    if not role.versions or repo.config is None:
        return
    position = {t.id: i for i, t in enumerate(repo.config.terms)}
    hint = Hints(list(position))
    previous: tuple[int, str] | None = None
    misordered = False
    for version in role.versions:
        where = version.src["from"]
        if version.term not in position:
            yield repo.error_at(
                where,
                "unknown-term",
                f"version names term '{version.term}', which tlt.yaml lacks{hint(version.term, role.src.file)}",
            )
            continue
        at = position[version.term]
        if previous is not None and at <= previous[0] and not misordered:
            misordered = True
            same = "the same term as" if at == previous[0] else "a term before that of"
            yield repo.error_at(
                where,
                "schema",
                f"version from '{version.term}' names {same} the version before it (from '{previous[1]}'); "
                "versions are listed in ascending term order, each term once",
            )
        previous = (at, version.term)


def caseload_references(repo: Loaded) -> list[tuple[str, Src]]:
    """(member, where) for each caseload member who is not a teacher of `repo` (nor the holder: that is a
    `caseload-member` problem) as far as `repo` knows: only every batch's teachers say who exists."""
    return [
        (m.teacher, m.src)
        for t in repo.teachers.values()
        for a in t.assignments or ()
        for m in a.caseload or ()
        if m.teacher not in repo.teachers and m.teacher != t.id
    ]


def check_caseload_members(repo: Loaded, as_of: date) -> Iterator[Problem]:
    """No one on their own caseload; no member listed twice in one assignment with days that overlap (SPEC 9.3:
    an undated member is on it for the whole assignment, so two undated entries always overlap). Placed at the
    later entry, naming the first earlier one it overlaps."""
    for t in repo.teachers.values():
        for a in t.assignments or ():
            seen: dict[str, list[Member]] = {}
            for m in a.caseload or ():
                if m.teacher == t.id:
                    yield repo.error_at(m.src, "caseload-member", f"{t.id} is on their own caseload for {a.role}")
                earlier = seen.setdefault(m.teacher, [])
                if m.teacher != t.id and earlier:
                    clash = next((e for e in earlier if _member_overlap(e, m, a)), None)
                    if clash is not None and not (clash.dated or m.dated):
                        yield repo.error_at(m.src, "caseload-member", f"{m.teacher} is listed twice on this caseload")
                    elif clash is not None:
                        yield repo.error_at(
                            m.src,
                            "caseload-member",
                            f"{m.teacher} is listed twice on this caseload with days that overlap: "
                            f"{_member_days_text(m, a)} and {_member_days_text(clash, a)}",
                        )
                earlier.append(m)


def _member_overlap(one: Member, other: Member, a: Assignment) -> bool:
    """Whether two entries of a caseload share a day (each side a member leaves open runs with the assignment)."""
    first = max(one.start or a.start, other.start or a.start)
    ends = [d for d in (one.end or a.end, other.end or a.end) if d is not None]
    return not ends or first <= min(ends)


def _member_days_text(m: Member, a: Assignment) -> str:
    start = m.start or a.start
    end = m.end or a.end
    return f"from {start} to {end}" if end is not None else f"from {start}, open-ended"


def check_activity_entries(repo: Loaded, as_of: date) -> Iterator[Problem]:
    """SPEC 10.1's `activity-entry`: an entry dated outside its assignment, or naming a teacher who is not on the
    caseload on that date (`activity.entry_problems`), placed at the entry. Whatever D: an entry after D is not
    yet counted, and is no error."""
    for t in repo.teachers.values():
        for a in t.assignments or ():
            for entry, message in entry_problems(a):
                yield repo.error_at(entry.src, "activity-entry", f"{message} (to {a.role})")


def check_outside_terms(repo: Loaded, as_of: date) -> Iterator[Problem]:
    """An assignment that overlaps no term of tlt.yaml (an open end runs on): no report would count it."""
    if repo.config is None or not repo.config.terms:
        return
    terms = repo.config.terms
    index = term_index(terms)  # a bisection an assignment, not a look at every term
    for t in repo.teachers.values():
        for a in t.assignments or ():
            if a.end is not None and a.end < a.start:
                continue  # a date-order problem already
            if not index.covers_any(a.start, a.end if a.end is not None else date.max):
                span = f"{a.start} to {a.end}" if a.end is not None else f"from {a.start}, open-ended"
                yield warning(
                    *_at(repo, a.src["start"]),
                    "outside-terms",
                    f"assignment to {a.role} ({span}) overlaps no term of tlt.yaml "
                    f"({terms[0].start} to {terms[-1].end}); no report counts it",
                )


def _at(repo: Loaded, src: Src) -> tuple[str, int, int]:
    line, col = repo.locate(src)
    return src.file, line, col


#: Checks of one teacher at a time (with tlt.yaml and the roles): they run on each batch of the teachers.
STRUCTURAL_CHECKS: tuple[RepositoryCheck, ...] = (
    check_dates,
    check_references,
    check_caseload_members,
    check_outside_terms,
    check_activity_entries,
)

#: Checks of tlt.yaml and the roles alone: they run once.
BASE_CHECKS: tuple[RepositoryCheck, ...] = (check_terms, check_role_references)

#: Where a node of any file is: (file, line, column). Some files were read in another process.
Locate = Callable[[Src], tuple[str, int, int]]

F = TypeVar("F")


@dataclass(frozen=True)
class GatheredCheck(Generic[F]):
    """A check of facts about every teacher: `gather(batch, as_of)` collects one batch's facts; `finish(repo,
    as_of, facts, locate)` finds the problems in the facts of every batch (a list, in id order)."""

    gather: Callable[[Batch, date], F]
    finish: Callable[[Repository, date, list[F], Locate], Iterator[Problem]]


def _ids_and_caseloads(batch: Batch, as_of: date) -> tuple[list[str], list[tuple[str, Src]]]:
    """The ids of the batch's valid teacher files (modelled or not), and its caseload references."""
    return [*batch.teachers, *batch.unmodelled], caseload_references(batch)


def _unknown_teachers(
    repo: Repository, as_of: date, facts: list[tuple[list[str], list[tuple[str, Src]]]], locate: Locate
) -> Iterator[Problem]:
    """A caseload member with no teacher file."""
    known = {ident for ids, _ in facts for ident in ids}
    hint = Hints(known)
    for member, src in (ref for _, refs in facts for ref in refs):
        if member not in known:
            file, line, col = locate(src)
            yield error(
                file, line, col, "unknown-teacher",
                f"caseload names teacher '{member}', who has no teacher file{hint(member, src.file)}",
            )  # fmt: skip


#: caseload members exist (SPEC section 4): every teacher file's id against every caseload
CASELOAD_MEMBERS_EXIST = GatheredCheck(_ids_and_caseloads, _unknown_teachers)


def _holders_and_count(batch: Batch, as_of: date) -> tuple[dict[str, set[str]], int]:
    """role → the batch's teachers holding it in the term of D, and how many valid teacher files the batch has."""
    return staffing_holders(batch, as_of), len(batch.teachers) + len(batch.unmodelled)


def _staffing(
    repo: Repository, as_of: date, facts: list[tuple[dict[str, set[str]], int]], locate: Locate
) -> Iterator[Problem]:
    holders: dict[str, set[str]] = {}
    for by_role, _ in facts:
        for role_id, ids in by_role.items():
            holders.setdefault(role_id, set()).update(ids)
    yield from staffing_problems(repo, as_of, holders, sum(count for _, count in facts))


#: staffing shares (`policy.staffing_problems`): the holders of each role among all teachers
STAFFING = GatheredCheck(_holders_and_count, _staffing)

#: Checks of facts about every teacher, gathered from each batch and finished once.
GATHERED_CHECKS: tuple[GatheredCheck[Any], ...] = (CASELOAD_MEMBERS_EXIST, STAFFING)


@dataclass
class Findings:
    """What `tlt validate` learns from one batch of the teacher files: its problems (loading's and the checks of
    one teacher's), and the facts each of `GATHERED_CHECKS` gathered from it, in the table's order."""

    problems: list[Problem]
    facts: list[Any]


def check_each_teacher(repo: Loaded, as_of: date, extra: tuple[RepositoryCheck, ...] = ()) -> list[Problem]:
    """What the checks of one teacher at a time (`STRUCTURAL_CHECKS`, then `extra`) find in `repo`'s teachers."""
    problems: list[Problem] = []
    for check in (*STRUCTURAL_CHECKS, *extra):
        problems.extend(check(repo, as_of))
    return problems


def check_batch(batch: Batch, as_of: date, extra: tuple[RepositoryCheck, ...] = ()) -> Findings:
    """One batch's findings: its load problems and its teachers' (`check_each_teacher`), and the gathered facts."""
    problems = [*batch.problems, *check_each_teacher(batch, as_of, extra)]
    return Findings(problems, [check.gather(batch, as_of) for check in GATHERED_CHECKS])


def finish_checks(repo: Repository, as_of: date, findings: list[Findings], locate: Locate) -> list[Problem]:
    """Every problem, sorted: the problems before the teachers (tlt.yaml, folders, roles), each batch's, the
    checks of tlt.yaml and the roles, and the gathered checks over the facts of every batch."""
    problems = list(repo.problems)
    for found in findings:
        problems.extend(found.problems)
    for check in BASE_CHECKS:
        problems.extend(check(repo, as_of))
    for i, gathered in enumerate(GATHERED_CHECKS):
        problems.extend(gathered.finish(repo, as_of, [found.facts[i] for found in findings], locate))
    return sort_problems(problems)


def validate_repository(
    start: str | os.PathLike[str] | None,
    as_of: date,
    extra: tuple[RepositoryCheck, ...] = (),
    progress: Progress | None = None,
    source: Source | None = None,
) -> tuple[Repository, list[Problem]]:
    """Load and check a repository. Returns the repository (tlt.yaml and the roles, the files it lists; no
    teacher is kept) and the problems, sorted. `extra`: more checks of one teacher at a time.
    `source`: read the files from there (git's index) instead of the working tree at or above `start`."""
    if source is None:
        source = FileSource(find_root(start))
    repo, teacher_paths = load_base(source, progress)
    screen = None if reference_only() else needs_checking(repo.config)
    findings = map_batches(
        repo, source, teacher_paths, lambda batch: check_batch(batch, as_of, extra), screen, progress
    )
    return repo, finish_checks(repo, as_of, findings, _locator(repo, source))


def _locator(repo: Repository, source: Source) -> Locate:
    """Where a node of any file is: a teacher file's document is gone with its batch, so it is read again from
    `source` (only ever for a problem to show)."""
    last: dict[str, Document] = {}

    def locate(src: Src) -> tuple[str, int, int]:
        doc = repo.documents.get(src.file) or last.get(src.file)
        if doc is None:
            # once a file, not once a problem: a file's problems come one after another, and only the last
            # file is kept, so memory stays one file's (docs/performance.md, "Figures behind the code")
            last.clear()
            doc = last[src.file] = source.read([src.file])[0]
        line, col = doc.position(src.node)
        return src.file, line, col

    return locate
