"""`tlt check-eligibility` and `tlt roles`."""

from __future__ import annotations

import difflib
import os
from collections.abc import Iterable
from datetime import date
from typing import Annotated

import typer

from tlt.cli.app import app
from tlt.cli.common import (
    AsOfOpt,
    FormatOpt,
    OutputOpt,
    RepoOpt,
    SkipInvalidOpt,
    TableFormat,
    TermOpt,
    as_of_date,
    clean_errors,
    color_enabled,
    open_repository,
    output_stream,
    resolve_format,
    terminal_width,
    write_output,
)
from tlt.errors import TltError
from tlt.judge import ELIGIBLE, INELIGIBLE, NEEDS_REVIEW, Verdict, judge_all
from tlt.pipeline import Repository
from tlt.render.rows import (
    Column,
    Table,
    csv_cell,
    json_item,
    json_rows,
    render_csv,
    render_csv_cells,
    render_table,
    to_json,
)
from tlt.role_summary import summary
from tlt.workers import fork_map

_MARK = {"pass": "✓", "fail": "✗", "unknown": "?"}
_STYLE = {ELIGIBLE: "green", NEEDS_REVIEW: "yellow", INELIGIBLE: "red"}


def known_ids(kind: str, wanted: Iterable[str], known: Iterable[str]) -> list[str]:
    """`wanted` when every id exists; else exit 2 naming the unknown ones and the closest known ids."""
    known = sorted(known)
    out = []
    for ident in wanted:
        if ident not in known:
            close = difflib.get_close_matches(ident, known, n=3)
            hint = f"; did you mean {', '.join(close)}?" if close else ""
            raise TltError(f"unknown {kind} id {ident!r}{hint}")
        out.append(ident)
    return out


def judging_date(loaded: Repository, as_of: str | None, term: str | None) -> date:
    if as_of is not None and term is not None:
        raise TltError("give --as-of or --term, not both")
    if term is not None:
        assert loaded.config is not None
        found = loaded.config.term(term)
        if found is None:
            known_ids("term", [term], [t.id for t in loaded.config.terms])
        assert found is not None
        return found.start
    return as_of_date(as_of)


def _reason_text(v: Verdict, explain: bool) -> list[str]:
    if not explain:
        return v.reasons
    return [f"[{c.outcome}{'' if c.required else ', preferred'}] {c.detail}" for c in v.checks]


ELIGIBILITY_COLUMNS = [
    Column("role_id"),
    Column("teacher_id"),
    Column("teacher_name"),
    Column("school"),
    Column("verdict"),
    Column("preferred_met", "int"),
    Column("preferred_total", "int"),
    Column("reasons", "list"),
]


class EligibilityCsv:
    """Eligibility rows as CSV cells; a teacher's id, name and school cells are made once, not once per role."""

    def __init__(self, loaded: Repository, explain: bool) -> None:
        self.loaded = loaded
        self.explain = explain
        self.cell = {c.name: csv_cell(c) for c in ELIGIBILITY_COLUMNS}
        self.teacher_cells: dict[str, list[str]] = {}

    def rows(self, verdicts: list[Verdict]) -> str:
        cell = self.cell
        out = []
        for v in verdicts:
            tc = self.teacher_cells.get(v.teacher)
            if tc is None:
                t = self.loaded.teachers[v.teacher]
                tc = [cell["teacher_id"](t.id), cell["teacher_name"](t.name), cell["school"](t.school)]
                self.teacher_cells[v.teacher] = tc
            out.append(
                [
                    cell["role_id"](v.role),
                    *tc,
                    v.verdict,
                    str(v.preferred_met),
                    str(v.preferred_total),
                    cell["reasons"](_reason_text(v, self.explain)),
                ]
            )
        return render_csv_cells(out)


def _terminal(loaded: Repository, verdicts: list[Verdict], d: date, explain: bool, width: int, color: bool) -> str:
    out = []
    by_role: dict[str, list[Verdict]] = {}
    for v in verdicts:
        by_role.setdefault(v.role, []).append(v)
    for role_id, items in by_role.items():
        role = loaded.roles[role_id]
        counts = {k: sum(1 for v in items if v.verdict == k) for k in (ELIGIBLE, NEEDS_REVIEW, INELIGIBLE)}
        shown = ", ".join(f"{n} {k.replace('_', ' ')}" for k, n in counts.items() if n)
        rows, styles = [], []
        for v in items:
            t = loaded.teachers[v.teacher]
            if explain:
                lines = [f"{_MARK[c.outcome]} {'' if c.required else '(preferred) '}{c.detail}" for c in v.checks]
            else:
                lines = [f"{_MARK[c.outcome]} {c.detail}" for c in v.checks if c.required and c.outcome != "pass"]
            rows.append(
                {
                    "teacher": [t.id, t.name],
                    "verdict": v.verdict.replace("_", " "),
                    "preferred": f"{v.preferred_met}/{v.preferred_total}",
                    "why": lines,
                }
            )
            styles.append(_STYLE[v.verdict] if color else None)
        table = Table(
            [Column("teacher", "lines"), Column("verdict"), Column("preferred"), Column("why", "lines")],
            rows,
            title=f"{role.id} — {role.title} (as of {d}): {shown}",
            row_styles=styles,
        )
        out.append(render_table(table, width=width, color=color))
    return "\n".join(out) if out else "no pairs to show (add --all to include ineligible teachers)\n"


@app.command("check-eligibility")
@clean_errors
def check_eligibility(
    role: Annotated[list[str] | None, typer.Option("--role", "-r", help="Only this role (repeatable).")] = None,
    teacher: Annotated[
        list[str] | None, typer.Option("--teacher", "-t", help="Only this teacher (repeatable).")
    ] = None,
    as_of: AsOfOpt = None,
    term: TermOpt = None,
    all_: Annotated[bool, typer.Option("--all", "-a", help="Include ineligible pairs too.")] = False,
    explain: Annotated[
        bool, typer.Option("--explain", "-e", help="Show every rule of every pair, passing ones too.")
    ] = False,
    fmt: FormatOpt = None,
    output: OutputOpt = None,
    repo: RepoOpt = None,
    skip_invalid: SkipInvalidOpt = False,
) -> None:
    """Who is eligible for which role, and why not the others.

    Judges every teacher against every role (or those named) as of a date: eligible, needs_review (a required
    fact is not recorded) or ineligible, with the reasons and their figures. Sorted by role, verdict, preferred
    rules met (most first), teacher. By default only eligible and needs_review pairs are shown.

    Examples:

      tlt check-eligibility --role bps-esp-consulting-teacher --as-of 2026-08-24

      tlt check-eligibility --teacher t-0007 --all --explain

      tlt check-eligibility --term 2026-27 --all --format csv --output eligibility.csv
    """
    loaded = open_repository(repo, skip_invalid)
    d = judging_date(loaded, as_of, term)
    role_ids = known_ids("role", role, loaded.roles) if role else None
    teacher_ids = known_ids("teacher", teacher, loaded.teachers) if teacher else None
    chosen = resolve_format(fmt)
    if chosen is TableFormat.table:
        verdicts = judge_all(loaded, d, role_ids, teacher_ids)
        if not all_:
            verdicts = [v for v in verdicts if v.verdict != INELIGIBLE]
        text = _terminal(loaded, verdicts, d, explain, terminal_width(), color_enabled() and output is None)
        write_output(text, output, loaded)
        return
    # CSV and JSON stream role by role (one role's verdicts in memory at a time), judged on every core
    roles_wanted = role_ids if role_ids is not None else sorted(loaded.roles)
    teachers_wanted = teacher_ids if teacher_ids is not None else sorted(loaded.teachers)

    csv_rows = EligibilityCsv(loaded, explain)

    def chunk(role_id: str) -> str:
        verdicts = judge_all(loaded, d, [role_id], teachers_wanted)
        if not all_:
            verdicts = [v for v in verdicts if v.verdict != INELIGIBLE]
        if chosen is TableFormat.csv:
            return csv_rows.rows(verdicts)
        return ",".join(json_item(_verdict_json(v)) for v in verdicts)

    threshold = int(os.environ.get("TLT_PARALLEL_MIN_PAIRS", PARALLEL_MIN_PAIRS))
    parallel = len(roles_wanted) * len(teachers_wanted) >= threshold
    with output_stream(output, loaded) as out:
        if chosen is TableFormat.csv:
            out.write(render_csv(Table(ELIGIBILITY_COLUMNS, [])))
            for text in fork_map(chunk, roles_wanted, parallel):
                out.write(text)
        else:
            first = True
            out.write("[")
            for text in fork_map(chunk, roles_wanted, parallel):
                if text:
                    out.write(text if first else "," + text)
                    first = False
            out.write("]\n" if first else "\n]\n")


#: Judge on several cores from this many (teacher, role) pairs (a fork costs more than it saves below it).
PARALLEL_MIN_PAIRS = 200_000


def _verdict_json(v: Verdict) -> dict[str, object]:
    return {
        "role": v.role,
        "teacher": v.teacher,
        "verdict": v.verdict,
        "preferred_met": v.preferred_met,
        "preferred_total": v.preferred_total,
        "checks": [c.as_dict() for c in v.checks],
    }


ROLE_COLUMNS = [Column("role_id"), Column("title"), Column("organization"), Column("category"), Column("summary")]


@app.command("roles")
@clean_errors
def roles(
    fmt: FormatOpt = None,
    output: OutputOpt = None,
    repo: RepoOpt = None,
    skip_invalid: SkipInvalidOpt = False,
) -> None:
    """The roles, each with a one-line summary of its requirements, limits and pay.

    Examples:

      tlt roles

      tlt roles --format csv
    """
    loaded = open_repository(repo, skip_invalid)
    rows = [
        {
            "role_id": r.id,
            "title": r.title,
            "organization": r.organization,
            "category": r.category,
            "summary": summary(r),
        }
        for r in (loaded.roles[k] for k in sorted(loaded.roles))
    ]
    table = Table(ROLE_COLUMNS, rows)
    chosen = resolve_format(fmt)
    if chosen is TableFormat.json:
        text = to_json(json_rows(table))
    elif chosen is TableFormat.csv:
        text = render_csv(table)
    else:
        narrow = Table([Column("role_id", nowrap=True), Column("title"), Column("summary")], rows)
        text = render_table(narrow, width=terminal_width())
    write_output(text, output, loaded)
