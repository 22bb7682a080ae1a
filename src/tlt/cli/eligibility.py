"""`tlt check-eligibility` and `tlt roles`.

check-eligibility parses its options, asks `check_eligibility` (the plain `tlt.eligibility` one, or its speed
wrapper from `tlt.scale.spool` when that layer is installed: the same bytes) and writes the answer."""

from __future__ import annotations

from typing import Annotated

import typer

from tlt.cli.app import app
from tlt.cli.common import (
    BOM,
    GLOBALS,
    AsOfOpt,
    BomOpt,
    FormatOpt,
    OutputOpt,
    RepoOpt,
    SkipInvalidOpt,
    TableFormat,
    TermOpt,
    WideOpt,
    as_of_date,
    check_bom,
    clean_errors,
    color_enabled,
    judging_date,
    known_ids,
    loading_progress,
    message,
    open_repository,
    output_format,
    output_stream,
    terminal_width,
    too_many_for_a_sheet,
    write_output,
    write_workbook,
)
from tlt.eligibility import Request, Selection, judged_table
from tlt.errors import TltError
from tlt.pipeline import Repository
from tlt.render.rows import Column, Table, json_rows, render_csv, render_table, to_json
from tlt.render.xlsx import fits as xlsx_fits
from tlt.role_summary import roles_rows

try:  # the one place the speed wrapper is installed; without it, the plain path gives the same bytes
    from tlt.scale.spool import check_eligibility as judge_eligibility
except ModuleNotFoundError as exc:
    if exc.name not in ("tlt.scale", "tlt.scale.spool"):
        raise
    from tlt.eligibility import check_eligibility as judge_eligibility


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
    wide: WideOpt = False,
    bom: BomOpt = False,
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
    chosen = output_format(fmt, output)
    check_bom(bom, chosen)
    request = Request(
        chosen.value,
        include_ineligible=all_,
        explain=explain,
        teachers=tuple(teacher or ()),
        width=terminal_width(wide),
        color=color_enabled() and output is None,
    )

    def choose(loaded: Repository) -> Selection:
        d = judging_date(loaded, as_of, term)
        role_ids = known_ids("role", role, loaded.roles) if role else None
        teacher_ids = known_ids("teacher", teacher, loaded.teacher_ids()) if teacher else None
        if chosen is TableFormat.xlsx and all_:  # every pair is a row: refused before judging when too many
            pairs = len(teacher_ids or loaded.teachers) * len(role_ids or loaded.roles)
            if not xlsx_fits(pairs):
                raise TltError(too_many_for_a_sheet(pairs))
        return Selection(d, role_ids, teacher_ids)

    if chosen is TableFormat.xlsx:
        with loading_progress() as progress:
            loaded, table = judged_table(repo or GLOBALS.repo, choose, request, progress)
        loaded.require_loadable(skip_invalid, warn=message)
        write_workbook(table, output, loaded, "check-eligibility")
        return
    with loading_progress() as progress:
        answer = judge_eligibility(repo or GLOBALS.repo, choose, request, progress)
    with answer:
        answer.repo.require_loadable(skip_invalid, warn=message)
        with output_stream(output, answer.repo) as out:
            if bom:
                out.write(BOM)
            answer.write(out)


#: on a narrow terminal the category goes first, then the organization, then the title; the title and the summary
#: (what `tlt roles` is for) are cut with `…`
ROLE_COLUMNS = [
    Column("role_id", header="role id", priority=100, fit="whole"),
    Column("title", priority=70, fit="cut", min_width=20),
    Column("organization", priority=20, fit="whole"),
    Column("category", priority=10, fit="whole"),
    Column("summary", priority=80, fit="cut", min_width=30),
]


@app.command("roles")
@clean_errors
def roles(
    fmt: FormatOpt = None,
    output: OutputOpt = None,
    wide: WideOpt = False,
    bom: BomOpt = False,
    as_of: Annotated[
        str | None,
        typer.Option(
            "--as-of", help="Show each role as in force on this date, YYYY-MM-DD (default: today).", show_default=False
        ),
    ] = None,
    history: Annotated[
        bool,
        typer.Option("--history", help="Show each role as written, then as in force from each of its versions."),
    ] = False,
    repo: RepoOpt = None,
    skip_invalid: SkipInvalidOpt = False,
) -> None:
    """The roles, each with a one-line summary of its requirements, limits and pay.

    Examples:

      tlt roles

      tlt roles --as-of 2025-08-25

      tlt roles --history --format csv
    """
    chosen = output_format(fmt, output)
    check_bom(bom, chosen)
    if history and as_of is not None:
        raise TltError("give --as-of or --history, not both: --history shows every version whatever the date")
    d = as_of_date(as_of)
    loaded = open_repository(repo, skip_invalid)
    terms = loaded.config.terms if loaded.config is not None else ()
    rows = roles_rows(loaded.roles, terms, d, history)
    columns = ROLE_COLUMNS
    if history:
        columns = [*ROLE_COLUMNS[:1], Column("from", header="from", priority=95, fit="whole"), *ROLE_COLUMNS[1:]]
    table = Table(columns, rows)
    if chosen is TableFormat.xlsx:
        write_workbook(table, output, loaded, "roles")
        return
    if chosen is TableFormat.json:
        text = to_json(json_rows(table))
    elif chosen is TableFormat.csv:
        text = render_csv(table)
    else:
        text = render_table(table, width=terminal_width(), wide=wide)
    write_output(text, output, loaded, bom)
