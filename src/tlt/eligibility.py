"""Who is eligible for which role, as rows: the report of `tlt check-eligibility` (SPEC section 3).

`check_eligibility` is the whole command as plain calls: load the repository, let the caller choose the date and
the roles once tlt.yaml and the roles are known (its usage errors), judge every pair (`judge.judge_all`), keep the
rows asked for and render them in the asked format. `eligibility_table` gives the rows: one per (role, teacher), in
SPEC order (role, verdict: eligible, needs_review, ineligible; preferred rules met, most first; teacher id), the same
`render.rows.Table` every report returns. CSV is `render_csv` of it, JSON `to_json` of `json_records`, the terminal
one `render_table` per role (`terminal_tables`).

A speed layer may answer in this module's place (`tlt.scale.spool`: the same bytes, for CSV and JSON of every
teacher); nothing here knows it exists. May import judge, pipeline, render.rows, errors.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date
from typing import Any, TextIO

from tlt.answers import Answers
from tlt.errors import BrokenRepository, TltError
from tlt.judge import ELIGIBLE, INELIGIBLE, NEEDS_REVIEW, Check, Verdict, compile_roles, judge_all, judge_compiled
from tlt.loading.repository import find_root
from tlt.loading.sources import FileSource
from tlt.model import Role, Teacher, roles_in_force
from tlt.pipeline import (
    Batch,
    Progress,
    Repository,
    Source,
    load_base,
    load_batch,
    load_kept,
    load_repository,
    map_batches,
)
from tlt.problems import Problem
from tlt.render.rows import Column, Table, render_csv, to_json
from tlt.render.screen import Grid, Section, render_screen
from tlt.rules.base import Context
from tlt.rules.implicit import barring_entries

#: the CSV columns, in three parts: whom a row is for (role, teacher) and what was decided (the verdict)
ROLE_COLUMNS = [Column("role_id")]
TEACHER_COLUMNS = [Column("teacher_id"), Column("teacher_name"), Column("school")]
VERDICT_COLUMNS = [
    Column("verdict"),
    Column("preferred_met", "int"),
    Column("preferred_total", "int"),
    Column("reasons", "list"),
]
ELIGIBILITY_COLUMNS = [*ROLE_COLUMNS, *TEACHER_COLUMNS, *VERDICT_COLUMNS]

NO_PAIRS = "no pairs to show: no teacher or no role to judge"
_OUTCOME_SIGN = {"pass": "✓", "fail": "✗", "unknown": "?"}
_VERDICT_STYLE = {ELIGIBLE: "green", NEEDS_REVIEW: "yellow", INELIGIBLE: "red"}


@dataclass(frozen=True)
class Request:
    """What is asked, beyond the date and the roles: the format (csv, json or table), whether ineligible pairs
    and passing checks are shown, the teacher ids asked for (none: every teacher), and the terminal's width and
    colours (for the table)."""

    fmt: str
    include_ineligible: bool = False
    explain: bool = False
    teachers: tuple[str, ...] = ()
    width: int = 100
    color: bool = False


@dataclass(frozen=True)
class Selection:
    """The date and the ids the rows are for (None: every role, every teacher)."""

    as_of: date
    role_ids: list[str] | None = None
    teacher_ids: list[str] | None = None


#: chooses the date and the ids once tlt.yaml and the roles are loaded; raises `TltError` for a bad option
Choose = Callable[[Repository], Selection]


def reason_text(v: Verdict, explain: bool) -> list[str]:
    """The reasons cell: failing and unknown required checks; with `explain`, every check with its outcome."""
    if not explain:
        return v.reasons
    return [f"[{c.outcome}{'' if c.required else ', preferred'}] {c.detail}" for c in v.checks]


def teacher_cells(t: Teacher) -> dict[str, Any]:
    return {"teacher_id": t.id, "teacher_name": t.name, "school": t.school}


def verdict_cells(v: Verdict, explain: bool) -> dict[str, Any]:
    """A row's cells of the verdict (`VERDICT_COLUMNS`), and its checks (the JSON and the table show them)."""
    return {
        "verdict": v.verdict,
        "preferred_met": v.preferred_met,
        "preferred_total": v.preferred_total,
        "reasons": reason_text(v, explain),
        "checks": v.checks,
    }


def eligibility_table(
    repo: Repository, selection: Selection, include_ineligible: bool = False, explain: bool = False
) -> Table:
    """One row per (role, teacher) of `selection`, in SPEC order; ineligible pairs only with `include_ineligible`."""
    verdicts = judge_all(repo, selection.as_of, selection.role_ids, selection.teacher_ids)
    return verdict_table(repo, [v for v in verdicts if include_ineligible or v.verdict != INELIGIBLE], explain)


def verdict_table(repo: Repository, verdicts: list[Verdict], explain: bool = False) -> Table:
    """One row per verdict, in their order."""
    rows = [
        {"role_id": v.role, **teacher_cells(repo.teachers[v.teacher]), **verdict_cells(v, explain)} for v in verdicts
    ]
    return Table(ELIGIBILITY_COLUMNS, rows)


def json_record(row: dict[str, Any]) -> dict[str, Any]:
    """A row as the JSON list holds it: role, teacher, verdict, preferred met and total, and every check."""
    return {
        "role": row["role_id"],
        "teacher": row["teacher_id"],
        "verdict": row["verdict"],
        "preferred_met": row["preferred_met"],
        "preferred_total": row["preferred_total"],
        "checks": [c.as_dict() for c in row["checks"]],
    }


def json_records(table: Table) -> list[dict[str, Any]]:
    return [json_record(row) for row in table.rows]


#: a terminal draws at most this many pairs (SPEC section 13); more is refused, with the ways to get them
MAX_DRAWN_ROWS = 10_000
_VERDICT_SHOWN = {ELIGIBLE: "eligible", NEEDS_REVIEW: "needs review", INELIGIBLE: "ineligible"}


def too_many_rows(count: int, why: str = "") -> TltError:
    """The refusal of a table of `count` (> MAX_DRAWN_ROWS) pairs: what to do instead."""
    return TltError(
        f"{count:,} pairs{why} are too many to draw on a terminal (at most {MAX_DRAWN_ROWS:,}); get them with "
        "--format csv (or json), or into a file with --output FILE.csv; or ask for fewer with --role or --teacher"
    )


def role_cites(roles: dict[str, Role], role: Role) -> list[str]:
    """The citations a role's checks end with (`judge.gather`: "... (per CITE)"), in rule order: its required
    rules, its term limit, the after_service entries that bar it (of any of `roles`, the roles in force on the
    date judged, and of any of their versions: a left assignment's entries are those in force on its end), its
    preferred rules."""
    cites = [spec.cite for spec in role.required]
    cites.append(role.term_limit.cite if role.term_limit else None)
    cites.extend(entry.cite for _, entry in barring_entries(role, roles))
    cites.extend(spec.cite for spec in role.preferred)
    return list(dict.fromkeys(c for c in cites if c))


class _Cites:
    """A role's footnotes: each check's detail without its citation and the citation's mark, `[1]`, numbered
    in the order the role's shown reasons first use them."""

    def __init__(self, cites: list[str]) -> None:
        self.cites = cites
        self.marks: dict[str, str] = {}

    def cut(self, detail: str) -> str:
        for cite in self.cites:
            suffix = f" (per {cite})"
            if detail.endswith(suffix):
                mark = self.marks.setdefault(cite, f"[{len(self.marks) + 1}]")
                return f"{detail[: -len(suffix)]} {mark}"
        return detail

    def footnotes(self) -> list[tuple[str, str]]:
        return [(mark, cite) for cite, mark in self.marks.items()]


def states_no_requirement(role: Role) -> bool:
    """A role with no written rule: every teacher is eligible for it, but for its implicit rules."""
    return not role.required and not role.preferred


def _why(checks: tuple[Check, ...], explain: bool, cites: _Cites) -> list[str]:
    if explain:
        return [
            f"{_OUTCOME_SIGN[c.outcome]} {'' if c.required else '(preferred) '}{cites.cut(c.detail)}" for c in checks
        ]
    return [f"{_OUTCOME_SIGN[c.outcome]} {cites.cut(c.detail)}" for c in checks if c.required and c.outcome != "pass"]


Counts = dict[str, dict[str, int]]


def verdict_counts(verdicts: Iterable[tuple[str, str]], role_ids: list[str]) -> Counts:
    """role id → verdict → how many of the (role id, verdict) pairs have it (every role of `role_ids`, zeros too)."""
    counts = {r: dict.fromkeys((ELIGIBLE, NEEDS_REVIEW, INELIGIBLE), 0) for r in role_ids}
    for role_id, verdict in verdicts:
        counts[role_id][verdict] += 1
    return counts


def terminal_view(
    repo: Repository, table: Table, counts: Counts, as_of: date, explain: bool, teachers: int
) -> tuple[str, Grid, list[Section]]:
    """What a terminal shows (SPEC section 13): a title; one line per role (id, title and its counts of each
    verdict, `counts`); then each role of `table`'s rows, its candidates ranked as the rows are (SPEC order),
    each with the reasons it is not eligible (with `explain`, every check). A reason's citation is a mark, `[1]`,
    whose text is shown once under the role's heading. A role that states no requirement shows its eligible
    teachers as one line, not one row each."""
    plural = "" if teachers == 1 else "s"
    title = (
        f"Eligibility as of {as_of}: {len(counts)} role{'' if len(counts) == 1 else 's'}, {teachers} teacher{plural}"
    )
    summary = Grid(
        ["role", "title", "eligible", "review", "ineligible"],
        [[r, repo.roles[r].title, *(str(n) for n in counts[r].values())] for r in counts],
        flexible=1,
        right=frozenset({2, 3, 4}),
    )
    by_role: dict[str, list[dict[str, Any]]] = {}
    for row in table.rows:
        by_role.setdefault(row["role_id"], []).append(row)
    sections = []
    in_force = roles_in_force(repo.roles, as_of, repo.config.terms) if repo.config is not None else repo.roles
    for role_id, rows in by_role.items():
        role = in_force[role_id]
        heading = f"{role.id} — {role.title}"
        lines = []
        if states_no_requirement(role) and not explain:
            eligible = sum(1 for r in rows if r["verdict"] == ELIGIBLE)
            if eligible:
                lines.append(f"states no requirement: {eligible:,} eligible, not listed (--format csv lists them)")
            rows = [r for r in rows if r["verdict"] != ELIGIBLE]
        cites = _Cites(role_cites(in_force, role))
        grid = None
        if rows:
            preferred = any(r["preferred_total"] for r in rows)
            header = ["verdict", "teacher", "name", *(["preferred"] if preferred else [])]
            cells = [
                [
                    _VERDICT_SHOWN[r["verdict"]], r["teacher_id"], r["teacher_name"],
                    *([f"{r['preferred_met']}/{r['preferred_total']}"] if preferred else []),
                ]
                for r in rows
            ]  # fmt: skip
            notes = [_why(r["checks"], explain, cites) for r in rows]
            grid = Grid(
                header, cells, flexible=2, right=frozenset({3}), styles=[_VERDICT_STYLE[r["verdict"]] for r in rows],
                notes=notes,
            )  # fmt: skip
        sections.append(Section(heading, lines, cites.footnotes(), grid))
    return title, summary, sections


def closing_line(shown: int, include_ineligible: bool, counts: Counts) -> str:
    """The last line: none when every pair judged is shown; else why none or not all are, and (without --all) how
    to see the ineligible ones."""
    ineligible = sum(c[INELIGIBLE] for c in counts.values())
    if shown and (include_ineligible or not ineligible):
        return ""
    if include_ineligible or not ineligible:
        return NO_PAIRS
    if not shown:
        return f"no eligible or needs-review pairs; add --all to list the {ineligible:,} ineligible"
    return f"{ineligible:,} ineligible not listed; add --all to list them"


def render_document(
    repo: Repository,
    table: Table,
    as_of: date,
    request: Request,
    counts: Counts | None = None,
    teachers: int | None = None,
) -> str:
    """The rows in the asked format, as one text. The terminal's (`terminal_view`) also shows `counts`, every
    verdict's, ineligible ones too (default: the table's), and how many `teachers` were judged (default: all)."""
    if request.fmt == "csv":
        return render_csv(table)
    if request.fmt == "json":
        return to_json(json_records(table))
    if counts is None:
        pairs = [(r["role_id"], r["verdict"]) for r in table.rows]
        counts = verdict_counts(pairs, sorted({r for r, _ in pairs}))
    if teachers is None:
        teachers = len(repo.teachers)
    title, summary, sections = terminal_view(repo, table, counts, as_of, request.explain, teachers)
    end = closing_line(len(table.rows), request.include_ineligible, counts)
    return render_screen(title, summary, sections, width=request.width, color=request.color, end=end)


class Eligibility:
    """What `check_eligibility` found: the repository it loaded (its problems, its input files) and the
    document, which `write` writes. Use it in a `with` block (an answer may hold temporary files)."""

    def __init__(self, repo: Repository, text: str) -> None:
        self.repo = repo
        self._text = text

    def write(self, out: TextIO) -> None:
        out.write(self._text)

    def close(self) -> None:
        """Let go of what the answer holds (nothing here)."""

    def __enter__(self) -> Eligibility:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def require_config(repo: Repository) -> None:
    """Refuse (exit 1) a repository whose tlt.yaml failed: nothing can be judged without it."""
    if repo.config is None:
        raise BrokenRepository("tlt.yaml has errors; run `tlt validate`")


def judged_table(
    start: str | os.PathLike[str] | None, choose: Choose, request: Request, progress: Progress | None = None
) -> tuple[Repository, Table]:
    """What `check_eligibility` judges, as the repository and its rows' `Table` (not rendered): for a writer
    that needs typed cells (an .xlsx workbook)."""
    repo = load_named(start, request.teachers, progress) if request.teachers else load_repository(start, progress)
    require_config(repo)
    selection = choose(repo)
    return repo, eligibility_table(repo, selection, request.include_ineligible, request.explain)


def load_named(
    start: str | os.PathLike[str] | None, teacher_ids: Iterable[str], progress: Progress | None = None
) -> Repository:
    """The repository with only the teachers of `teacher_ids` modelled (`pipeline.load_kept`; the ids of the
    others in `unmodelled`, for `Repository.teacher_ids`): a lookup of one teacher reads and checks every file, as
    SPEC 4 asks, but builds and judges that one teacher alone, not 100,000 (issue 18)."""
    wanted = frozenset(teacher_ids)
    return load_kept(start, lambda data: data["id"] in wanted, progress)


#: Teacher files read at a time while counting the pairs a terminal would show (`shown_at_least`).
COUNT_FILES = 200
#: Teacher files counted in file order, in this process, before the count may stop for a table that, at the rate
#: counted, fits (`shown_at_least`'s `probe`): `terminal_answer` then judges every file on every core, the first ones again
#: (2% of 100,000). A table far too long to draw is still refused having read only the files it takes to know.
PROBE_FILES = 2000


def shown_at_least(
    base: Repository, source: Source, paths: list[str], selection: Selection, limit: int, probe: int | None = None
) -> tuple[int, int]:
    """The pairs a terminal's table would show (eligible or needs review), counted a few teacher files at a time
    in file order until there are more than `limit`, and how many files were read: a table too long to draw is
    refused having read only the files it takes to know (a statewide repository: a few hundred of them). With
    `probe`, the count also stops once `probe` files are read if, at the rate counted so far, every file would
    show no more than `limit`: the caller then judges every file anyway (`terminal_answer`), on every core."""
    ctx = Context.build(base.config, base.roles, selection.as_of)
    roles = compile_roles(base, selection.role_ids, selection.as_of)
    answers = Answers()
    shown = read = 0
    for first in range(0, len(paths), COUNT_FILES):
        batch = load_batch(base, source, paths[first : first + COUNT_FILES])
        read += len(paths[first : first + COUNT_FILES])
        for teacher in batch.teachers.values():
            shown += sum(judge_compiled(c, teacher, ctx, answers).verdict != INELIGIBLE for c in roles)
        if shown > limit or (probe is not None and read >= probe and shown * len(paths) <= limit * read):
            break
    return shown, read


def counted_in(paths: list[str], shown_by_file: dict[str, int], limit: int) -> tuple[int, int]:
    """What `shown_at_least` gives, from each file's count of shown pairs (`shown_by_file`; none: 0): the files in
    order, `COUNT_FILES` at a time, until more than `limit` pairs."""
    shown = read = 0
    for first in range(0, len(paths), COUNT_FILES):
        chunk = paths[first : first + COUNT_FILES]
        read += len(chunk)
        shown += sum(shown_by_file.get(path, 0) for path in chunk)
        if shown > limit:
            break
    return shown, read


@dataclass
class TerminalPart:
    """What one batch of teacher files gives a terminal's table (`terminal_answer`): its load problems, how many teachers
    it modelled, every verdict's count by role, the pairs shown (eligible and needs review; with --all every
    pair) and their teachers, and how many pairs each file shows (for the refusal of too many; its rows are let
    go once they alone are too many)."""

    problems: list[Problem]
    teachers: int
    counts: Counts
    shown: list[Verdict]
    shown_teachers: dict[str, Teacher]
    shown_by_file: dict[str, int]


def terminal_part(batch: Batch, selection: Selection, role_ids: list[str], include_ineligible: bool) -> TerminalPart:
    """One batch judged against the selected roles (`judge_all`), as a terminal's table needs it (`TerminalPart`)."""
    verdicts = judge_all(batch, selection.as_of, selection.role_ids)
    counts = verdict_counts(((v.role, v.verdict) for v in verdicts), role_ids)
    shown = verdicts if include_ineligible else [v for v in verdicts if v.verdict != INELIGIBLE]
    by_file: dict[str, int] = {}
    for v in shown:
        path = batch.teachers[v.teacher].src.file
        by_file[path] = by_file.get(path, 0) + 1
    if len(shown) > MAX_DRAWN_ROWS:
        shown = []  # too many to draw whatever the other batches hold: only their number is needed
    teachers = {v.teacher: batch.teachers[v.teacher] for v in shown}
    return TerminalPart(batch.problems, len(batch.teachers), counts, shown, teachers, by_file)


def terminal_answer(
    start: str | os.PathLike[str] | None, choose: Choose, request: Request, progress: Progress | None = None
) -> Eligibility:
    """A terminal's table of every teacher (no --teacher): `check_eligibility`'s answer, judged batch by batch
    (`pipeline.map_batches`, on every core under a speed layer), each batch let go once its counts and shown
    pairs are taken: a table shows at most `MAX_DRAWN_ROWS` pairs, so it never needs every teacher's model
    (issue 18: `--role R` cost a count of every file, then the model of every teacher, then its judgment).

    More than `MAX_DRAWN_ROWS` pairs are refused as soon as their number is known: with `include_ineligible`
    before any teacher file is read (teacher files × roles); else counted in file order (`shown_at_least`) until
    past the limit or, past `PROBE_FILES` files, until the rate counted says the table fits; then once every file
    is judged, the refusal naming what `shown_at_least` over them all would (`counted_in`)."""
    source = FileSource(find_root(start))
    base, paths = load_base(source, progress)
    require_config(base)
    selection = choose(base)
    role_ids = sorted(set(selection.role_ids or base.roles))
    pairs = len(paths) * len(role_ids)
    if pairs > MAX_DRAWN_ROWS:
        if request.include_ineligible:
            raise too_many_rows(pairs, f" ({len(paths):,} teachers × {len(role_ids):,} roles)")
        shown, read = shown_at_least(base, source, paths, selection, MAX_DRAWN_ROWS, PROBE_FILES)
        if shown > MAX_DRAWN_ROWS:
            raise _counted(shown, read, len(paths))
    include = request.include_ineligible
    parts = map_batches(
        base, source, paths, lambda batch: terminal_part(batch, selection, role_ids, include), progress=progress
    )
    counts = verdict_counts((), role_ids)
    shown_by_file: dict[str, int] = {}
    verdicts: list[Verdict] = []
    teachers = 0
    for part in parts:
        base.problems.extend(part.problems)
        base.teachers.update(part.shown_teachers)
        teachers += part.teachers
        for role_id, by_verdict in part.counts.items():
            for verdict, n in by_verdict.items():
                counts[role_id][verdict] += n
        shown_by_file.update(part.shown_by_file)
        verdicts += part.shown
    total = sum(shown_by_file.values())
    if total > MAX_DRAWN_ROWS:
        raise _counted(*counted_in(paths, shown_by_file, MAX_DRAWN_ROWS), len(paths))
    verdicts.sort(key=Verdict.sort_key)
    table = verdict_table(base, verdicts, request.explain)
    return Eligibility(base, render_document(base, table, selection.as_of, request, counts, teachers))


def _counted(shown: int, read: int, files: int) -> TltError:
    return too_many_rows(shown, f" (counted in the first {read:,} of {files:,} teacher files)" if read < files else "")


def check_eligibility(
    start: str | os.PathLike[str] | None, choose: Choose, request: Request, progress: Progress | None = None
) -> Eligibility:
    """The repository at or above `start`, judged: `choose(repo)` gives the date and the ids (after tlt.yaml
    and the roles are checked, before anything is judged; before any teacher file is read unless teachers are
    asked for by id), then the rows in `request`'s format. A terminal's table of more than `MAX_DRAWN_ROWS`
    pairs is refused as soon as their number is known (`terminal_answer`). Only what is asked is built and judged: the
    teachers asked for by id (`load_named`), or for a terminal's table the shown pairs (`terminal_answer`). Files that
    failed to load are in `repo.problems`; refusing them (`Repository.require_loadable`) is the caller's."""
    if request.fmt == "table" and not request.teachers:
        return terminal_answer(start, choose, request, progress)
    early: list[Selection] = []

    def before_teachers(base: Repository, source: Source, teacher_paths: list[str]) -> None:
        require_config(base)
        early.append(choose(base))

    if request.teachers:  # only they are judged: only they are modelled (their ids are known once all are read)
        repo = load_named(start, request.teachers, progress)
    else:
        repo = load_repository(start, progress, before_teachers)
    require_config(repo)
    selection = early[0] if early else choose(repo)
    if request.fmt != "table":
        table = eligibility_table(repo, selection, request.include_ineligible, request.explain)
        return Eligibility(repo, render_document(repo, table, selection.as_of, request))
    verdicts = judge_all(repo, selection.as_of, selection.role_ids, selection.teacher_ids)
    counts = verdict_counts(((v.role, v.verdict) for v in verdicts), sorted(set(selection.role_ids or repo.roles)))
    if not request.include_ineligible:
        verdicts = [v for v in verdicts if v.verdict != INELIGIBLE]
    if len(verdicts) > MAX_DRAWN_ROWS:  # judged, not made into rows or drawn
        raise too_many_rows(len(verdicts))
    shown = verdict_table(repo, verdicts, request.explain)
    teachers = len(set(selection.teacher_ids)) if selection.teacher_ids is not None else len(repo.teachers)
    return Eligibility(repo, render_document(repo, shown, selection.as_of, request, counts, teachers))
