"""`tlt caseload`, `tlt stipends`, `tlt report`, `tlt expiring`, `tlt credits`, `tlt activity`: the reports of SPEC
sections 5, 6, 10.1 and 10.2.

Each command parses its options, opens the repository (refusing a broken one unless --skip-invalid), calls the
library (`tlt.reports`) for a `Table`, renders it with `tlt.render.rows` and writes it with `write_output`.
"""

from __future__ import annotations

import enum
from pathlib import Path
from typing import Annotated, Any

import typer

from tlt.cli.app import app
from tlt.cli.common import (
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
    known_ids,
    message,
    open_repository,
    output_format,
    parse_days,
    terminal_width,
    write_output,
    write_workbook,
)
from tlt.pipeline import Repository
from tlt.render.rows import Table, json_rows, render_csv, render_table, to_json
from tlt.reports import select_term, terminal_view
from tlt.reports.activity import activity_table
from tlt.reports.caseload import caseload_table
from tlt.reports.credits import credits_report
from tlt.reports.expiring import DEFAULT_WITHIN, expiring_table
from tlt.reports.stipends import json_document, missing_amounts, stipends_report
from tlt.reports.term_report import report_table


class Grouping(enum.StrEnum):
    teacher = "teacher"
    role = "role"
    school = "school"
    fund = "fund"


def _format(
    fmt: TableFormat | None, output: Path | None, default: TableFormat | None = None, bom: bool = False
) -> TableFormat:
    """--format, else --output's extension (`output_format`), else `default` when given, else table on a terminal
    and csv when piped; `--bom` only with csv. Called before the repository loads: a bad option fails at once."""
    chosen = output_format(fmt, output, default or TableFormat.table)
    check_bom(bom, chosen)
    return chosen


def _render(table: Table, fmt: TableFormat, output: Path | None, json_data: Any = None, wide: bool = False) -> str:
    if fmt is TableFormat.csv:
        return render_csv(table)
    if fmt is TableFormat.json:
        return to_json(json_rows(table) if json_data is None else json_data)
    to_terminal = output is None
    return render_table(
        terminal_view(table), width=terminal_width() if to_terminal else 100, color=to_terminal and color_enabled(),
        wide=wide,
    )  # fmt: skip


def _emit(
    table: Table,
    fmt: TableFormat,
    output: Path | None,
    repo: Repository,
    json_data: Any = None,
    bom: bool = False,
    sheet: str = "Sheet1",
    wide: bool = False,
) -> None:
    if fmt is TableFormat.xlsx:
        write_workbook(table, output, repo, sheet)
        return
    write_output(_render(table, fmt, output, json_data, wide), output, repo, bom)


@app.command()
@clean_errors
def caseload(
    term: TermOpt = None,
    as_of: AsOfOpt = None,
    fmt: FormatOpt = None,
    output: OutputOpt = None,
    wide: WideOpt = False,
    bom: BomOpt = False,
    skip_invalid: SkipInvalidOpt = False,
    repo: RepoOpt = None,
) -> None:
    """Caseloads in a term: one row per assignment that carries a caseload, with its weighted size, the role's
    cap and whether it is over.

    Columns: term, teacher_id, teacher_name, role_id, size, max, over, members. Size counts each member the
    role's weight for its service (default 1); max is empty when the role has no cap. The table highlights rows
    over their cap (red) and rows without one (yellow).

    Examples:

      tlt caseload --term 2025-26

      tlt caseload --as-of 2025-10-01 --format json

      tlt -C examples/bps caseload --term 2025-26 --output caseloads.csv
    """
    d = as_of_date(as_of)
    chosen = _format(fmt, output, bom=bom)
    loaded = open_repository(repo, skip_invalid, holders_only=True)
    assert loaded.config is not None
    selected = select_term(loaded.config, term, d)
    _emit(caseload_table(loaded, selected), chosen, output, loaded, bom=bom, sheet="caseload", wide=wide)


@app.command()
@clean_errors
def stipends(
    term: TermOpt = None,
    as_of: AsOfOpt = None,
    by: Annotated[
        Grouping | None,
        typer.Option(
            "--by",
            help="Group by teacher (id), role (id), school or fund (of a pay part): term, group, assignments, amount.",
            case_sensitive=False,
            show_default=False,
        ),
    ] = None,
    fmt: FormatOpt = None,
    output: OutputOpt = None,
    wide: WideOpt = False,
    bom: BomOpt = False,
    skip_invalid: SkipInvalidOpt = False,
    repo: RepoOpt = None,
) -> None:
    """Stipends owed for a term: per assignment and pay part, each prorated by its share of the term and
    rounded to cents (half up); or grouped with --by. The table adds the total; CSV holds data rows only; JSON
    is {term, rows, total}, money as strings with two decimals.

    Columns: term, teacher_id, teacher_name, school, role_id, fraction, basis, amount, note (why an amount is
    empty), and part, fund when some role is paid in parts. With --by: term, group, assignments, amount.

    Examples:

      tlt stipends --term 2025-26

      tlt stipends --term 2025-26 --by school

      tlt stipends --term 2025-26 --by fund

      tlt stipends --term 2025-26 --format json --output stipends.json
    """  # fmt: skip
    d = as_of_date(as_of)
    chosen = _format(fmt, output, bom=bom)
    loaded = open_repository(repo, skip_invalid, holders_only=True)
    assert loaded.config is not None
    selected = select_term(loaded.config, term, d)
    report = stipends_report(loaded, selected, by.value if by is not None else None, as_of=d)
    json_data = json_document(report, json_rows(report.table)) if chosen is TableFormat.json else None
    _emit(report.table, chosen, output, loaded, json_data, bom, "stipends", wide=wide)
    missing = missing_amounts(report)
    if missing and not GLOBALS.quiet:
        parts = any(c.name == "part" for c in report.table.columns)
        what = "group" if by is not None else "part" if parts else "assignment"
        why = "its note column says why" if by is None else "`tlt stipends` without --by says why in its note column"
        message(f"{missing} {what}{'s' if missing != 1 else ''} without an amount in {selected.id}; {why}")


@app.command()
@clean_errors
def report(
    term: TermOpt = None,
    as_of: AsOfOpt = None,
    fmt: Annotated[
        TableFormat | None,
        typer.Option(
            "--format",
            "-f",
            help="csv (the default), json, xlsx or table; with --output, the file's extension "
            "(.csv, .json, .xlsx) unless given.",
            show_default=False,
            case_sensitive=False,
        ),
    ] = None,
    output: OutputOpt = None,
    wide: WideOpt = False,
    bom: BomOpt = False,
    skip_invalid: SkipInvalidOpt = False,
    repo: RepoOpt = None,
) -> None:
    """The term report: one row per assignment overlapping the term, sorted by role, teacher and start. CSV by
    default, even on a terminal.

    Columns: term, teacher_id, teacher_name, school, role_id, role_title, start, end, fraction, caseload_size,
    caseload_max, terms_served (this term included), term_limit, stipend, stipend_basis. Cells with no value
    (open end, no caseload, no limit) are empty.

    Examples:

      tlt report --term 2025-26 --output report.csv

      tlt report --term 2025-26 --format json

      tlt -C examples/jps report --term 2025-26 --format table
    """  # fmt: skip
    d = as_of_date(as_of)
    chosen = _format(fmt, output, TableFormat.csv, bom)
    loaded = open_repository(repo, skip_invalid, holders_only=True)
    assert loaded.config is not None
    selected = select_term(loaded.config, term, d)
    _emit(report_table(loaded, selected, as_of=d), chosen, output, loaded, bom=bom, sheet="report", wide=wide)


@app.command()
@clean_errors
def expiring(
    within: Annotated[
        int, typer.Option("--within", parser=parse_days, help="Days ahead of the as-of date to look.", metavar="DAYS")
    ] = DEFAULT_WITHIN,
    as_of: AsOfOpt = None,
    fmt: FormatOpt = None,
    output: OutputOpt = None,
    wide: WideOpt = False,
    bom: BomOpt = False,
    skip_invalid: SkipInvalidOpt = False,
    repo: RepoOpt = None,
) -> None:
    """Licenses, clearances and credentials of current role holders (an assignment active on the as-of date D)
    that expired before D or expire within DAYS of it, soonest first.

    Columns: teacher_id, teacher_name, school, roles, kind (license, clearance, credential), item, expires,
    days_left (negative once expired), status (expired or expiring). A renewed item hides the one it replaces.

    Examples:

      tlt expiring

      tlt expiring --within 30 --as-of 2025-08-25

      tlt expiring --format csv --output expiring.csv
    """
    d = as_of_date(as_of)
    chosen = _format(fmt, output, bom=bom)
    loaded = open_repository(repo, skip_invalid, holders_only=True)
    _emit(expiring_table(loaded, d, within), chosen, output, loaded, bom=bom, sheet="expiring", wide=wide)


# --- tlt credits (SPEC 10.2) ---------------------------------------------------------------------------------


@app.command()
@clean_errors
def credits(
    term: Annotated[
        str | None,
        typer.Option(
            "--term", help="Only the credits of this term id (the renewals still count every term).", show_default=False
        ),
    ] = None,
    as_of: AsOfOpt = None,
    teacher: Annotated[
        list[str] | None, typer.Option("--teacher", "-t", help="Only this teacher (repeatable).")
    ] = None,
    renewals: Annotated[
        bool,
        typer.Option(
            "--renewals",
            help="Table, CSV and xlsx: the license renewals instead of the credit rows (JSON always holds both).",
        ),
    ] = False,
    fmt: FormatOpt = None,
    output: OutputOpt = None,
    wide: WideOpt = False,
    bom: BomOpt = False,
    skip_invalid: SkipInvalidOpt = False,
    repo: RepoOpt = None,
) -> None:
    """Continuing-education credits toward license renewal, as of a date: what each role served and each course
    earned, and whether each license with a renewal has the credits it needs.

    Credit columns: teacher_id, teacher_name, source (a role or course id), kind (role or coursework), date,
    credits. A role with compensation.ceu earns it per term, pro-rated by the assignment's days of the term and
    dated the last of them, once that day has passed; a course's credits count from its date. Credits show two
    decimals, rounded down.

    Renewal columns (--renewals): teacher_id, license, issued, expires, earned (the credits dated from issued to
    expires), needed, status (met, short or expired). The table shows both; JSON is {credits, renewals}.

    Examples:

      tlt credits --as-of 2026-06-30

      tlt credits --teacher t-0001 --renewals

      tlt credits --term 2025-26 --format csv --output credits.csv
    """  # fmt: skip
    d = as_of_date(as_of)
    chosen = _format(fmt, output, bom=bom)
    loaded = open_repository(repo, skip_invalid)  # every teacher: coursework and licenses need no assignment
    assert loaded.config is not None
    selected = select_term(loaded.config, term, d) if term is not None else None
    teachers = known_ids("teacher", teacher, loaded.teachers) if teacher else None
    report = credits_report(loaded, d, selected, teachers)
    if chosen is TableFormat.json:
        document = {"credits": json_rows(report.credits), "renewals": json_rows(report.renewals)}
        write_output(to_json(document), output, loaded, bom)
        return
    if chosen is TableFormat.table and not renewals:  # a person sees both tables, one under the other
        # (a table is never written to a file: `--format table --output F` stopped in `_format`)
        width, color = terminal_width(), color_enabled()
        tables = (report.credits, report.renewals)
        write_output("\n".join(render_table(t, width=width, color=color, wide=wide) for t in tables), output, loaded)
        return
    table = report.renewals if renewals else report.credits
    _emit(table, chosen, output, loaded, bom=bom, sheet="renewals" if renewals else "credits", wide=wide)


# --- SPEC 10.1 -----------------------------------------------------------------------------------------------------


@app.command()
@clean_errors
def activity(
    term: TermOpt = None,
    as_of: AsOfOpt = None,
    fmt: FormatOpt = None,
    output: OutputOpt = None,
    wide: WideOpt = False,
    bom: BomOpt = False,
    skip_invalid: SkipInvalidOpt = False,
    repo: RepoOpt = None,
) -> None:
    """Activity in a term: one row per (holder, caseload member, requirement of the role's `activity`), with what
    was logged before the as-of date and its status: met, due (the term has not ended) or missed.

    Columns: term, teacher_id, teacher_name, role_id, member, requirement (the kind, and its tag in brackets),
    done, min, status. Hours are summed exactly. The table shows missed rows in red and due rows in yellow.

    Examples:

      tlt activity --term 2024-25 --as-of 2025-07-01

      tlt activity --format json

      tlt -C examples/bps activity --term 2024-25 --output activity.xlsx
    """  # fmt: skip
    d = as_of_date(as_of)
    chosen = _format(fmt, output, bom=bom)
    loaded = open_repository(repo, skip_invalid, holders_only=True)
    assert loaded.config is not None
    selected = select_term(loaded.config, term, d)
    _emit(activity_table(loaded, selected, d), chosen, output, loaded, bom=bom, sheet="activity", wide=wide)
