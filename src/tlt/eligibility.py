"""Eligibility of many teachers at once, as CSV or JSON rows, on every core.

The rows are sorted as SPEC section 3 asks: by role, verdict (eligible, needs_review, ineligible), preferred rules
met (most first), teacher id. Each share of the teacher files (`pipeline.load_in_shares`) judges its own teachers
against every role (`judge.judge_teacher`: each rule once per teacher, shared verdicts once) and spools its rows
to a temporary file grouped by (role, verdict, preferred met). Share k's teacher ids all sort before share
k+1's, so the output is each group of each role, share after share: no row is compared with another process's.

A teacher's id, name and school cells are made once, and a verdict's cells once per distinct verdict, not once
per row (a statewide run is millions of rows). The layout is exactly `render.rows`' CSV and JSON.
"""

from __future__ import annotations

import contextlib
import os
import tempfile
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from typing import TextIO

from tlt.judge import INELIGIBLE, VERDICT_ORDER, Verdict, compile_roles, judge_teacher
from tlt.model import Teacher
from tlt.pipeline import Progress, Repository, load_in_shares
from tlt.problems import Problem
from tlt.render.rows import Column, Table, csv_cell, json_item, render_csv, render_csv_cells
from tlt.rules.base import Context

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


def reason_text(v: Verdict, explain: bool) -> list[str]:
    """The reasons column: failing and unknown required checks; with `explain`, every check with its outcome."""
    if not explain:
        return v.reasons
    return [f"[{c.outcome}{'' if c.required else ', preferred'}] {c.detail}" for c in v.checks]


def verdict_json(v: Verdict) -> dict[str, object]:
    return {
        "role": v.role,
        "teacher": v.teacher,
        "verdict": v.verdict,
        "preferred_met": v.preferred_met,
        "preferred_total": v.preferred_total,
        "checks": [c.as_dict() for c in v.checks],
    }


class RowMaker:
    """The CSV line or JSON item of a verdict. CSV lines are joined from pieces that `render_csv_cells` made (the
    role cell, the teacher's three cells, the verdict's four), each piece made once and reused."""

    def __init__(self, fmt: str, explain: bool) -> None:
        self.csv = fmt == "csv"
        self.explain = explain
        self.cell = {c.name: csv_cell(c) for c in ELIGIBILITY_COLUMNS}
        self._roles: dict[str, str] = {}
        self._tails: dict[tuple[str, int, int, tuple[str, ...]], str] = {}

    @staticmethod
    def _piece(cells: list[str]) -> str:
        return render_csv_cells([cells])[:-2]  # one CSV line without its \r\n

    def teacher_piece(self, t: Teacher) -> str:
        cell = self.cell
        return self._piece([cell["teacher_id"](t.id), cell["teacher_name"](t.name), cell["school"](t.school)])

    def csv_line(self, v: Verdict, teacher_piece: str) -> str:
        role = self._roles.get(v.role)
        if role is None:
            role = self._roles[v.role] = self._piece([self.cell["role_id"](v.role)])
        reasons = tuple(reason_text(v, self.explain))
        key = (v.verdict, v.preferred_met, v.preferred_total, reasons)
        tail = self._tails.get(key)
        if tail is None:
            cells = [v.verdict, str(v.preferred_met), str(v.preferred_total), self.cell["reasons"](list(reasons))]
            tail = self._tails[key] = self._piece(cells)
        return f"{role},{teacher_piece},{tail}\r\n"

    def rows(self, verdicts: list[Verdict], teachers: dict[str, Teacher]) -> str:
        """The text of these verdicts, in order (CSV lines, or JSON items joined by commas)."""
        if not self.csv:
            return ",".join(json_item(verdict_json(v)) for v in verdicts)
        pieces: dict[str, str] = {}
        out = []
        for v in verdicts:
            piece = pieces.get(v.teacher)
            if piece is None:
                piece = pieces[v.teacher] = self.teacher_piece(teachers[v.teacher])
            out.append(self.csv_line(v, piece))
        return "".join(out)


GroupKey = tuple[int, int]  # (verdict order, -preferred met)


@dataclass
class ShareRows:
    """One share's rows, spooled: for each role (in order), its groups as (key, offset, length) in `path`."""

    path: str
    groups: list[list[tuple[GroupKey, int, int]]]
    problems: list[Problem] = field(default_factory=list)


def share_rows(
    repo: Repository, as_of: date, role_ids: list[str], include_ineligible: bool, maker: RowMaker
) -> ShareRows:
    """Judge the teachers of `repo` (a share) against the roles and spool their rows, grouped (see module doc)."""
    ctx = Context.build(repo.config, repo.roles, as_of)
    compiled = compile_roles(repo, role_ids)
    grouped: list[dict[GroupKey, list[str]]] = [{} for _ in compiled]
    for tid in sorted(repo.teachers):
        teacher = repo.teachers[tid]
        piece = maker.teacher_piece(teacher) if maker.csv else ""
        for index, v in enumerate(judge_teacher(compiled, teacher, ctx)):
            if v.verdict == INELIGIBLE and not include_ineligible:
                continue
            key = (VERDICT_ORDER[v.verdict], -v.preferred_met)
            text = maker.csv_line(v, piece) if maker.csv else json_item(verdict_json(v))
            bucket = grouped[index].get(key)
            if bucket is None:
                grouped[index][key] = [text]
            else:
                bucket.append(text)
    fd, path = tempfile.mkstemp(prefix="tlt-eligibility-", suffix=".spool")
    try:
        index_out: list[list[tuple[GroupKey, int, int]]] = []
        offset = 0
        with os.fdopen(fd, "wb") as spool:
            for groups in grouped:
                placed = []
                for key in sorted(groups):
                    data = ("" if maker.csv else ",").join(groups.pop(key)).encode("utf-8")
                    spool.write(data)
                    placed.append((key, offset, len(data)))
                    offset += len(data)
                index_out.append(placed)
    except BaseException:
        os.unlink(path)
        raise
    return ShareRows(path, index_out, list(repo.teacher_problems))


def eligibility_in_shares(
    start: str | os.PathLike[str] | None,
    when: Callable[[Repository], tuple[date, list[str]]],
    include_ineligible: bool,
    fmt: str,
    explain: bool,
    progress: Progress | None = None,
) -> tuple[Repository, list[ShareRows]]:
    """Load in shares and spool every share's rows. `when(repo)` gives the date and the role ids once tlt.yaml and
    the roles are loaded, before any teacher file is read (its usage errors come first). The caller must
    `write_rows` or `discard` the answers: they are temporary files."""
    maker = RowMaker(fmt, explain)
    chosen: list[tuple[date, list[str]]] = []

    def work(share: Repository) -> ShareRows:
        as_of, role_ids = chosen[0]
        return share_rows(share, as_of, role_ids, include_ineligible, maker)

    repo, answers = load_in_shares(start, work, progress, before=lambda base: chosen.append(when(base)))
    for answer in answers:
        repo.problems.extend(answer.problems)
    return repo, answers


def discard(answers: list[ShareRows]) -> None:
    for answer in answers:
        with contextlib.suppress(OSError):
            os.unlink(answer.path)


def write_rows(out: TextIO, answers: list[ShareRows], fmt: str) -> None:
    """The whole document to `out`: the CSV header or JSON bracket, then every share's rows in order, role by
    role, group by group, share by share. The spool files are removed."""
    handles = [open(a.path, "rb") for a in answers]  # noqa: SIM115 - closed below
    try:
        out.write(render_csv(Table(ELIGIBILITY_COLUMNS, [])) if fmt == "csv" else "[")
        first = True
        roles = len(answers[0].groups) if answers else 0
        for role in range(roles):
            by_key: dict[GroupKey, list[tuple[int, int, int]]] = {}
            for share, answer in enumerate(answers):
                for key, offset, length in answer.groups[role]:
                    by_key.setdefault(key, []).append((share, offset, length))
            for key in sorted(by_key):
                for share, offset, length in by_key[key]:
                    handles[share].seek(offset)
                    text = handles[share].read(length).decode("utf-8")
                    if fmt == "csv":
                        out.write(text)
                    elif text:
                        out.write(text if first else "," + text)
                        first = False
        if fmt == "json":
            out.write("]\n" if first else "\n]\n")
    finally:
        for handle in handles:
            handle.close()
        discard(answers)
