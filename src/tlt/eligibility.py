"""Eligibility of many teachers at once, as CSV or JSON rows, on every core.

The rows are sorted as SPEC section 3 asks: by role, verdict (eligible, needs_review, ineligible), preferred rules
met (most first), teacher id. Each batch of the teacher files (`pipeline.load_in_shares`, on every core) judges
its teachers against every role (`judge.judge_teacher`: each rule once per teacher, shared verdicts once) and
appends its rows to its process's spool file, grouped by (role, verdict, preferred met). Batch k's teacher ids
all sort before batch k+1's, so the output is each group of each role, batch after batch: no row is compared
with another batch's.

A teacher's id, name and school cells are made once, and a verdict's cells once per distinct verdict, not once
per row (a statewide run is millions of rows). The layout is exactly `render.rows`' CSV and JSON.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from typing import BinaryIO, TextIO

from tlt.judge import ELIGIBLE, INELIGIBLE, VERDICT_ORDER, Verdict, compile_roles, judge_teacher
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


def verdict_json(v: Verdict, role: str | None = None) -> dict[str, object]:
    """The JSON object of a verdict (`role`: the role it is shown for, when the verdict is shared)."""
    return {
        "role": v.role if role is None else role,
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

    def role_piece(self, role_id: str) -> str:
        piece = self._roles.get(role_id)
        if piece is None:
            piece = self._roles[role_id] = self._piece([self.cell["role_id"](role_id)])
        return piece

    def tail(self, v: Verdict) -> str:
        """The verdict's cells (verdict, preferred met and total, reasons) and the line end."""
        if v.verdict == ELIGIBLE and not self.explain:
            reasons: tuple[str, ...] = ()  # eligible: no required check failed or is unknown
        else:
            reasons = tuple(reason_text(v, self.explain))
        key = (v.verdict, v.preferred_met, v.preferred_total, reasons)
        tail = self._tails.get(key)
        if tail is None:
            if len(self._tails) >= _MAX_TAILS:  # figures differ from teacher to teacher: keep memory bounded
                self._tails.clear()
            cells = [v.verdict, str(v.preferred_met), str(v.preferred_total), self.cell["reasons"](list(reasons))]
            tail = self._tails[key] = self._piece(cells) + "\r\n"
        return tail

    def csv_line(self, v: Verdict, teacher_piece: str) -> str:
        return f"{self.role_piece(v.role)},{teacher_piece},{self.tail(v)}"

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


#: distinct verdict tails kept for reuse (then forgotten): enough for the catalog's common verdicts
_MAX_TAILS = 20_000

GroupKey = tuple[int, int]  # (verdict order, -preferred met)


@dataclass
class ShareRows:
    """One share's rows, spooled: for each role (in order), its groups as (key, offset, length) in `path`."""

    path: str
    groups: list[list[tuple[GroupKey, int, int]]]
    problems: list[Problem] = field(default_factory=list)


def share_rows(
    repo: Repository, as_of: date, role_ids: list[str], include_ineligible: bool, maker: RowMaker, spool: BinaryIO
) -> ShareRows:
    """Judge the teachers of `repo` (a batch of a share) against the roles and append their rows to `spool`
    (a file opened for binary writing), grouped (see module doc)."""
    ctx = Context.build(repo.config, repo.roles, as_of)
    compiled = compile_roles(repo, role_ids)
    grouped: list[dict[GroupKey, list[str]]] = [{} for _ in compiled]
    role_ids = [c.role.id for c, _ in compiled]
    roles = [maker.role_piece(r) for r in role_ids]
    csv = maker.csv
    for tid in sorted(repo.teachers):
        teacher = repo.teachers[tid]
        middle = "," + maker.teacher_piece(teacher) + "," if csv else ""
        # roles that share a verdict (the same object) share its cells and group
        seen: dict[int, tuple[str, GroupKey] | None] = {}
        for index, v in enumerate(judge_teacher(compiled, teacher, ctx, copy_shared=False)):
            if id(v) in seen:
                hit = seen[id(v)]
            else:
                if v.verdict == INELIGIBLE and not include_ineligible:
                    hit = None
                else:
                    hit = (maker.tail(v) if csv else "", (VERDICT_ORDER[v.verdict], -v.preferred_met))
                seen[id(v)] = hit
            if hit is None:
                continue
            tail, key = hit
            text = roles[index] + middle + tail if csv else json_item(verdict_json(v, role_ids[index]))
            groups = grouped[index]
            bucket = groups.get(key)
            if bucket is None:
                groups[key] = [text]
            else:
                bucket.append(text)
    index_out: list[list[tuple[GroupKey, int, int]]] = []
    offset = spool.tell()
    for groups in grouped:
        placed = []
        for key in sorted(groups):
            data = ("" if maker.csv else ",").join(groups.pop(key)).encode("utf-8")
            spool.write(data)
            placed.append((key, offset, len(data)))
            offset += len(data)
        index_out.append(placed)
    spool.flush()
    return ShareRows(getattr(spool, "name", ""), index_out, list(repo.teacher_problems))


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
    `write_rows` or `discard` the answers: they are temporary files, in a temporary folder of their own that
    goes when anything fails (in any process: the children's files are in it too)."""
    maker = RowMaker(fmt, explain)
    chosen: list[tuple[date, list[str]]] = []
    spools: dict[int, BinaryIO] = {}  # one spool file per process, opened on its first batch
    folder = tempfile.mkdtemp(prefix="tlt-eligibility-")

    def work(batch: Repository) -> ShareRows:
        as_of, role_ids = chosen[0]
        spool = spools.get(os.getpid())
        if spool is None:
            path = os.path.join(folder, f"rows-{os.getpid()}.spool")
            spool = spools[os.getpid()] = open(path, "xb")  # noqa: SIM115 - kept for the next batch
        return share_rows(batch, as_of, role_ids, include_ineligible, maker, spool)

    try:
        repo, answers = load_in_shares(start, work, progress, before=lambda base: chosen.append(when(base)))
    except BaseException:
        shutil.rmtree(folder, ignore_errors=True)
        raise
    finally:
        for spool in spools.values():
            spool.close()
    if not answers or not answers[0].path:
        os.rmdir(folder)  # nothing spooled (no teachers)
    for answer in answers:
        repo.problems.extend(answer.problems)
    return repo, answers


def discard(answers: list[ShareRows]) -> None:
    """Remove the spool files and their folder."""
    for path in {answer.path for answer in answers if answer.path}:
        shutil.rmtree(os.path.dirname(path), ignore_errors=True)


def write_rows(out: TextIO, answers: list[ShareRows], fmt: str) -> None:
    """The whole document to `out`: the CSV header or JSON bracket, then every batch's rows in order, role by
    role, group by group, batch by batch. The spool files are removed."""
    paths = sorted({a.path for a in answers})
    opened = {path: open(path, "rb") for path in paths}  # noqa: SIM115 - closed below
    handles = [opened[a.path] for a in answers]
    try:
        out.write(render_csv(Table(ELIGIBILITY_COLUMNS, [])) if fmt == "csv" else "[")
        out.flush()
        # the spooled bytes are UTF-8 already: copied as they are to a UTF-8 stream, not decoded and encoded again
        utf8 = str(getattr(out, "encoding", "")).lower().replace("-", "") == "utf8"
        binary = getattr(out, "buffer", None) if utf8 and os.linesep == "\n" else None
        write = binary.write if binary is not None else (lambda data: out.write(data.decode("utf-8")))
        fd = _file_descriptor(out) if binary is not None else None
        kernel = [True]
        first = True
        roles = len(answers[0].groups) if answers else 0
        for role in range(roles):
            by_key: dict[GroupKey, list[tuple[int, int, int]]] = {}
            for share, answer in enumerate(answers):
                for key, offset, length in answer.groups[role]:
                    by_key.setdefault(key, []).append((share, offset, length))
            for key in sorted(by_key):
                for share, offset, length in by_key[key]:
                    if not length:
                        continue
                    prefix = b"" if fmt == "csv" or first else b","
                    first = False
                    if fd is not None:
                        _copy(fd, handles[share], offset, length, prefix, kernel)
                    else:
                        handles[share].seek(offset)
                        write(prefix + handles[share].read(length))
        if binary is not None:
            binary.flush()
        if fmt == "json":
            out.write("]\n" if first else "\n]\n")
    finally:
        for handle in opened.values():
            handle.close()
        discard(answers)


def _file_descriptor(out: TextIO) -> int | None:
    """The descriptor under `out` (a file or a pipe) when spooled bytes may be sent to it by the kernel."""
    if not hasattr(os, "sendfile"):
        return None
    try:
        return out.fileno()
    except (OSError, ValueError, AttributeError):  # io.UnsupportedOperation is both: an in-memory stream
        return None


def _copy(fd: int, spool: BinaryIO, offset: int, length: int, prefix: bytes, kernel: list[bool]) -> None:
    """`prefix`, then `length` bytes at `offset` of the spool, to `fd`: by the kernel (`sendfile`, no copy
    through Python) while it can (`kernel[0]`), else read and written here."""
    if prefix:
        _write_all(fd, prefix)
    sent = 0
    while kernel[0] and sent < length:
        try:
            n = os.sendfile(fd, spool.fileno(), offset + sent, length - sent)
        except OSError:
            if sent:
                raise
            kernel[0] = False  # this kind of output cannot take it: copy from here on
            break
        if not n:
            raise OSError(f"the spool file ended {length - sent} bytes early")
        sent += n
    if sent < length:
        spool.seek(offset + sent)
        _write_all(fd, spool.read(length - sent))


def _write_all(fd: int, data: bytes) -> None:
    view = memoryview(data)
    while view:
        view = view[os.write(fd, view) :]
