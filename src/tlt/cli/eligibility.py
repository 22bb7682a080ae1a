"""`tlt check-eligibility` and `tlt roles`."""

from __future__ import annotations

import difflib
from collections.abc import Iterable
from datetime import date
from pathlib import Path
from typing import Annotated

import typer

from tlt.cli.app import app
from tlt.cli.common import (
    GLOBALS,
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
    loading_progress,
    message,
    open_repository,
    output_stream,
    resolve_format,
    terminal_width,
    write_output,
)
from tlt.eligibility import ELIGIBILITY_COLUMNS, RowMaker, discard, eligibility_in_shares, write_rows
from tlt.errors import BrokenRepository, TltError
from tlt.judge import ELIGIBLE, INELIGIBLE, NEEDS_REVIEW, Verdict, judge_all
from tlt.pipeline import Repository
from tlt.render.rows import Column, Table, json_rows, render_csv, render_table, to_json
from tlt.role_summary import summary

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
    chosen = resolve_format(fmt)
    if chosen is not TableFormat.table and not teacher:
        _rows_in_shares(repo, as_of, term, role, all_, explain, chosen.value, output, skip_invalid)
        return
    loaded = open_repository(repo, skip_invalid)
    d = judging_date(loaded, as_of, term)
    role_ids = known_ids("role", role, loaded.roles) if role else None
    teacher_ids = known_ids("teacher", teacher, loaded.teachers) if teacher else None
    verdicts = judge_all(loaded, d, role_ids, teacher_ids)
    if not all_:
        verdicts = [v for v in verdicts if v.verdict != INELIGIBLE]
    if chosen is TableFormat.table:
        text = _terminal(loaded, verdicts, d, explain, terminal_width(), color_enabled() and output is None)
    elif chosen is TableFormat.csv:
        text = render_csv(Table(ELIGIBILITY_COLUMNS, [])) + RowMaker("csv", explain).rows(verdicts, loaded.teachers)
    else:
        items = RowMaker("json", explain).rows(verdicts, loaded.teachers)
        text = "[" + (items + "\n]\n" if items else "]\n")
    write_output(text, output, loaded)


def _rows_in_shares(
    repo: Path | None,
    as_of: str | None,
    term: str | None,
    role: list[str] | None,
    all_: bool,
    explain: bool,
    fmt: str,
    output: Path | None,
    skip_invalid: bool,
) -> None:
    """CSV or JSON of every teacher: judged and rendered on every core (`tlt.eligibility`)."""

    def when(base: Repository) -> tuple[date, list[str]]:
        if base.config is None:
            raise BrokenRepository("tlt.yaml has errors; run `tlt validate`")
        d = judging_date(base, as_of, term)
        return d, known_ids("role", role, base.roles) if role else sorted(base.roles)

    with loading_progress() as progress:
        loaded, answers = eligibility_in_shares(repo or GLOBALS.repo, when, all_, fmt, explain, progress)
    try:
        loaded.require_loadable(skip_invalid, warn=message)
        with output_stream(output, loaded) as out:
            write_rows(out, answers, fmt)
    finally:
        discard(answers)


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
