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
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from typing import Any, TextIO

from tlt.errors import BrokenRepository
from tlt.judge import ELIGIBLE, INELIGIBLE, NEEDS_REVIEW, Verdict, judge_all
from tlt.model import Teacher
from tlt.pipeline import Progress, Repository, load_repository
from tlt.render.rows import Column, Table, render_csv, render_table, to_json

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

NO_PAIRS = "no pairs to show (add --all to include ineligible teachers)\n"
NO_PAIRS_ALL = "no pairs to show: no teacher and role to judge\n"  # with --all, every pair asked for is shown
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
    rows = [
        {"role_id": v.role, **teacher_cells(repo.teachers[v.teacher]), **verdict_cells(v, explain)}
        for v in verdicts
        if include_ineligible or v.verdict != INELIGIBLE
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


_TERMINAL_COLUMNS = [Column("teacher", "lines"), Column("verdict"), Column("preferred"), Column("why", "lines")]


def terminal_tables(repo: Repository, table: Table, as_of: date, explain: bool) -> list[Table]:
    """The rows as a terminal shows them: one table per role, titled with the role and its counts; the teacher
    as id and name, the checks that keep a pair from eligible (with `explain`, every check), one per line."""
    by_role: dict[str, list[dict[str, Any]]] = {}
    for row in table.rows:
        by_role.setdefault(row["role_id"], []).append(row)
    out = []
    for role_id, rows in by_role.items():
        role = repo.roles[role_id]
        counts = {k: sum(1 for r in rows if r["verdict"] == k) for k in (ELIGIBLE, NEEDS_REVIEW, INELIGIBLE)}
        shown = ", ".join(f"{n} {k.replace('_', ' ')}" for k, n in counts.items() if n)
        view = []
        for r in rows:
            checks = r["checks"]
            if explain:
                why = [f"{_OUTCOME_SIGN[c.outcome]} {'' if c.required else '(preferred) '}{c.detail}" for c in checks]
            else:
                why = [f"{_OUTCOME_SIGN[c.outcome]} {c.detail}" for c in checks if c.required and c.outcome != "pass"]
            view.append(
                {
                    "teacher": [r["teacher_id"], r["teacher_name"]],
                    "verdict": r["verdict"].replace("_", " "),
                    "preferred": f"{r['preferred_met']}/{r['preferred_total']}",
                    "why": why,
                }
            )
        out.append(
            Table(
                _TERMINAL_COLUMNS,
                view,
                title=f"{role.id} — {role.title} (as of {as_of}): {shown}",
                row_styles=[_VERDICT_STYLE[r["verdict"]] for r in rows],
            )
        )
    return out


def render_document(repo: Repository, table: Table, as_of: date, request: Request) -> str:
    """The rows in the asked format, as one text."""
    if request.fmt == "csv":
        return render_csv(table)
    if request.fmt == "json":
        return to_json(json_records(table))
    tables = terminal_tables(repo, table, as_of, request.explain)
    if not tables:
        return NO_PAIRS_ALL if request.include_ineligible else NO_PAIRS
    return "\n".join(render_table(t, width=request.width, color=request.color) for t in tables)


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
    repo = load_repository(start, progress)
    require_config(repo)
    selection = choose(repo)
    return repo, eligibility_table(repo, selection, request.include_ineligible, request.explain)


def check_eligibility(
    start: str | os.PathLike[str] | None, choose: Choose, request: Request, progress: Progress | None = None
) -> Eligibility:
    """The repository at or above `start`, judged: `choose(repo)` gives the date and the ids (after tlt.yaml
    and the roles are checked, before anything is judged), then the rows in `request`'s format. Files that
    failed to load are in `repo.problems`; refusing them (`Repository.require_loadable`) is the caller's."""
    repo = load_repository(start, progress)
    require_config(repo)
    selection = choose(repo)
    table = eligibility_table(repo, selection, request.include_ineligible, request.explain)
    return Eligibility(repo, render_document(repo, table, selection.as_of, request))
