"""check-eligibility's CSV and JSON of every teacher, judged on every core and spooled: a wrapper around
`tlt.eligibility.check_eligibility` that gives its bytes, faster, and hands every other request to it.

Each batch of the teacher files (`pipeline.map_batches`, on every core) is judged by its process's `scale.bench.Bench`
(made once, before the children fork), which decides each distinct tuple of answers once per unit of roles judged
alike; the batch's rows go to the process's spool file, a temporary file in a folder of this run's own (removed
when the run ends or fails, in any process), grouped by (unit, verdict, preferred met). A unit's row is spooled
once, with PLACEHOLDER where the role goes; `write_rows` copies each role's groups out with the role put in (a unit of
one role has it put in as it is spooled, on every core, and its bytes are copied by the kernel, `sendfile`, where
the output allows). Batch k's teacher ids all sort before batch k+1's, so the output is each group of each role,
batch after batch: no row is compared with another batch's.

Every piece of a row is rendered by `render.rows` from `tlt.eligibility`'s columns and cells: a teacher's cells
once, a verdict's once per distinct verdict, not once per row (a statewide run is millions of rows;
docs/performance.md). tests/test_bench.py holds the bytes to the plain path's, rendered by other code.
"""

from __future__ import annotations

import contextlib
import errno
import io
import os
import shutil
import stat
import sys
import tempfile
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from typing import Any, BinaryIO, TextIO

from tlt import eligibility
from tlt.eligibility import (
    ELIGIBILITY_COLUMNS,
    ROLE_COLUMNS,
    TEACHER_COLUMNS,
    VERDICT_COLUMNS,
    Choose,
    Request,
    json_record,
    require_config,
    teacher_cells,
    verdict_cells,
)
from tlt.judge import INELIGIBLE, VERDICT_ORDER, Verdict, compile_roles
from tlt.loading.repository import find_root
from tlt.loading.sources import FileSource
from tlt.model import Teacher
from tlt.pipeline import Batch, Progress, Repository, load_base, map_batches
from tlt.problems import Problem
from tlt.render.rows import Table, csv_cell, csv_line, json_item, render_csv
from tlt.rules.base import Context
from tlt.scale.bench import Bench

#: Where a spooled row's role goes (see `batch_rows`): no rendered row holds it otherwise, as CSV cells and JSON
#: strings show every control character escaped.
PLACEHOLDER = "\x00"
PLACEHOLDER_BYTES = PLACEHOLDER.encode("utf-8")
#: what a JSON item's text ends with after its last key (`json_item`)
_JSON_END = "\n  }"


def check_eligibility(
    start: str | os.PathLike[str] | None, choose: Choose, request: Request, progress: Progress | None = None
) -> eligibility.Eligibility:
    """`tlt.eligibility.check_eligibility`, the same answer: spooled for CSV or JSON of every teacher, else the
    plain path's."""
    if request.fmt not in ("csv", "json") or request.teachers:
        return eligibility.check_eligibility(start, choose, request, progress)

    def when(base: Repository) -> tuple[date, list[str]]:
        require_config(base)
        selection = choose(base)
        return selection.as_of, selection.role_ids or sorted(base.roles)

    repo, answers = eligibility_in_batches(
        start, when, request.include_ineligible, request.fmt, request.explain, progress
    )
    return Spooled(repo, answers, request.fmt)


class Spooled(eligibility.Eligibility):
    """An answer whose rows are in spool files: `write` copies them out; `close` removes them."""

    def __init__(self, repo: Repository, answers: list[BatchRows], fmt: str) -> None:
        super().__init__(repo, "")
        self._answers = answers
        self._fmt = fmt

    def write(self, out: TextIO) -> None:
        write_rows(out, self._answers, self._fmt)

    def close(self) -> None:
        discard(self._answers)


class RowMaker:
    """The pieces a spooled row is joined from, each rendered by `render.rows` from `tlt.eligibility`'s columns:
    the role's cell (or the JSON item's head up to its role), the teacher's cells, the verdict's cells and the
    line end (CSV), or the JSON item after its role. A CSV line of cells is its parts' lines joined by commas."""

    def __init__(self, fmt: str, explain: bool) -> None:
        self.csv = fmt == "csv"
        self.explain = explain
        self._role_cell = csv_cell(ROLE_COLUMNS[0])
        self._teacher_cells = [(c.name, csv_cell(c)) for c in TEACHER_COLUMNS]
        self._verdict_cells = [(c.name, csv_cell(c)) for c in VERDICT_COLUMNS]
        self._json_head = self.role_piece("")
        self._tails: dict[tuple[str, int, int, tuple[str, ...]], str] = {}

    def teacher_piece(self, t: Teacher) -> str:
        cells = teacher_cells(t)
        return csv_line([cell(cells[name]) for name, cell in self._teacher_cells])

    def role_piece(self, role_id: str) -> str:
        """What a row starts with up to its role: the CSV role cell, or the JSON item's head and role."""
        if self.csv:
            return csv_line([self._role_cell(role_id)])
        item = json_item({"role": role_id})
        assert item.endswith(_JSON_END)
        return item[: -len(_JSON_END)]

    def verdict_part(self, v: Verdict) -> dict[str, Any]:
        return verdict_cells(v, self.explain)

    def tail(self, part: dict[str, Any]) -> str:
        """The verdict's cells (`verdict_part`) and the line end, made once per distinct verdict."""
        key = (part["verdict"], part["preferred_met"], part["preferred_total"], tuple(part["reasons"]))
        tail = self._tails.get(key)
        if tail is None:
            if len(self._tails) >= _MAX_TAILS:  # figures differ from teacher to teacher: keep memory bounded
                self._tails.clear()
            tail = self._tails[key] = csv_line([cell(part[name]) for name, cell in self._verdict_cells]) + "\r\n"
        return tail

    def json_record(self, part: dict[str, Any]) -> dict[str, Any]:
        """A verdict's JSON record (`verdict_part`), its role and teacher left empty: made once per distinct
        verdict, each row's teacher put in by `json_rest`."""
        return json_record({**part, "role_id": "", "teacher_id": ""})

    def json_rest(self, record: dict[str, Any], teacher: str) -> str:
        """A JSON record (`json_record`) for this teacher, after its role (see `role_piece`)."""
        item = json_item({**record, "teacher": teacher})
        assert item.startswith(self._json_head)
        return item[len(self._json_head) :]


#: distinct verdict tails kept for reuse (then forgotten): enough for the catalog's common verdicts
_MAX_TAILS = 20_000

GroupKey = tuple[int, int]  # (verdict order, -preferred met)


@dataclass
class BatchRows:
    """One batch's rows, spooled: for each unit (roles judged alike, see `units`), its groups as
    (key, offset, length) in `path`; `units[u]` lists the unit's roles by index, `pieces[r]` is the UTF-8 text
    that replaces each row's PLACEHOLDER for role r."""

    path: str
    groups: list[list[tuple[GroupKey, int, int]]]
    units: list[list[int]] = field(default_factory=list)
    pieces: list[bytes] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)


def batch_rows(batch: Batch, bench: Bench, include_ineligible: bool, maker: RowMaker, spool: BinaryIO) -> BatchRows:
    """Judge the teachers of `batch` with `bench` (`new_bench`: one for every batch of a process) and
    append their rows to `spool` (a file opened for binary writing), grouped (see module doc).

    Roles judged alike (`scale.bench.judging_units`) share their rows: a row is spooled once per unit with PLACEHOLDER where
    the role goes, and `write_rows` puts each role of the unit in its place. A row's cells after the teacher's
    are made once per distinct answers (`Bench.judge`)."""
    csv = maker.csv
    buckets: dict[tuple[int, int, int], list[bytes]] = {}  # (unit, verdict order, -preferred met) → rows

    def make(u: int, v: Verdict) -> tuple[dict[str, Any], tuple[int, int, int], bytes] | None:
        if v.verdict == INELIGIBLE and not include_ineligible:
            return None
        part = maker.verdict_part(v)  # v is the first teacher's with these answers: only its verdict is used
        if csv:
            return ({}, (u, VERDICT_ORDER[v.verdict], -v.preferred_met), maker.tail(part).encode("utf-8"))
        return (maker.json_record(part), (u, VERDICT_ORDER[v.verdict], -v.preferred_met), b"")

    # rows are bytes from the start: one cite beyond Latin-1 would make every joined text twice as wide
    for tid in sorted(batch.teachers):
        teacher = batch.teachers[tid]
        middle = (PLACEHOLDER + "," + maker.teacher_piece(teacher) + ",").encode("utf-8") if csv else b""
        for _, hit in bench.judge(teacher, make):
            if hit is None:
                continue
            record, key, tail = hit
            text = middle + tail if csv else (PLACEHOLDER + maker.json_rest(record, tid)).encode("utf-8")
            bucket = buckets.get(key)
            if bucket is None:
                buckets[key] = [text]
            else:
                bucket.append(text)
    index_out: list[list[tuple[GroupKey, int, int]]] = [[] for _ in bench.units]
    offset = spool.tell()
    joiner = b"" if csv else b","
    pieces = [maker.role_piece(r).encode("utf-8") for r in bench.role_ids]
    alone = [pieces[roles[0]] if len(roles) == 1 else None for _, roles in bench.units]
    for key in sorted(buckets):
        data = joiner.join(buckets.pop(key))
        piece = alone[key[0]]
        if piece is not None:  # a unit of one role: its role put in here, on every core, so that
            data = data.replace(PLACEHOLDER_BYTES, piece)  # `write_rows` copies the bytes as they are
        spool.write(data)
        index_out[key[0]].append((key[1:], offset, len(data)))
        offset += len(data)
    spool.flush()
    return BatchRows(
        getattr(spool, "name", ""),
        index_out,
        [indices for _, indices in bench.units],
        pieces,
        list(batch.problems),
    )


def new_bench(repo: Repository, as_of: date, role_ids: list[str], maker: RowMaker) -> Bench:
    """The bench that judges every batch of a run: coarse when the rows show no passing check."""
    ctx = Context.build(repo.config, repo.roles, as_of)
    return Bench(compile_roles(repo, role_ids, as_of), ctx, coarse=maker.csv and not maker.explain)


def eligibility_in_batches(
    start: str | os.PathLike[str] | None,
    when: Callable[[Repository], tuple[date, list[str]]],
    include_ineligible: bool,
    fmt: str,
    explain: bool,
    progress: Progress | None = None,
) -> tuple[Repository, list[BatchRows]]:
    """Load in batches and spool every batch's rows. `when(repo)` gives the date and the role ids once tlt.yaml and
    the roles are loaded, before any teacher file is read (its usage errors come first). The caller must
    `write_rows` or `discard` the answers: they are temporary files, in a temporary folder of their own that
    goes when anything fails (in any process: the children's files are in it too)."""
    maker = RowMaker(fmt, explain)
    source = FileSource(find_root(start))
    repo, teacher_paths = load_base(source, progress)
    as_of, role_ids = when(repo)
    bench = new_bench(repo, as_of, role_ids, maker)  # made before the children fork: one for every batch
    spools: dict[int, BinaryIO] = {}  # one spool file per process, opened on its first batch
    folder = tempfile.mkdtemp(prefix="tlt-eligibility-")

    def work(batch: Batch) -> BatchRows:
        spool = spools.get(os.getpid())
        if spool is None:
            path = os.path.join(folder, f"rows-{os.getpid()}.spool")
            spool = spools[os.getpid()] = open(path, "xb")  # noqa: SIM115 - kept for the next batch
        return batch_rows(batch, bench, include_ineligible, maker, spool)

    try:
        answers = map_batches(repo, source, teacher_paths, work, progress=progress)
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


def discard(answers: list[BatchRows]) -> None:
    """Remove the spool files and their folder."""
    for path in {answer.path for answer in answers if answer.path}:
        shutil.rmtree(os.path.dirname(path), ignore_errors=True)


def write_rows(out: TextIO, answers: list[BatchRows], fmt: str) -> None:
    """The whole document to `out`: the CSV header or JSON bracket, then every batch's rows in order, role by
    role, group by group, batch by batch, each role's text in its rows' PLACEHOLDER (a unit of one role has its role in
    place already: its bytes are copied as they are, by the kernel where it can). The spool files are removed."""
    paths = sorted({a.path for a in answers})
    opened = {path: os.open(path, os.O_RDONLY | getattr(os, "O_CLOEXEC", 0)) for path in paths}
    spools = [opened[a.path] for a in answers]
    try:
        out.write(render_csv(Table(ELIGIBILITY_COLUMNS, [])) if fmt == "csv" else "[")
        # the spooled bytes are UTF-8 already: written as they are to a UTF-8 stream, not decoded and encoded again
        utf8 = str(getattr(out, "encoding", "")).lower().replace("-", "") == "utf8"
        binary = getattr(out, "buffer", None) if utf8 and os.linesep == "\n" else None
        if binary is not None:
            out.flush()
        write = binary.write if binary is not None else (lambda data: out.write(data.decode("utf-8")))
        copy = _copier(binary, write)
        first = True
        units = answers[0].units if answers else []
        pieces = answers[0].pieces if answers else []
        unit_of = {role: u for u, roles in enumerate(units) for role in roles}
        for role in range(len(pieces)):
            u = unit_of[role]
            by_key: dict[GroupKey, list[tuple[int, int, int]]] = {}
            for batch, answer in enumerate(answers):
                for key, offset, length in answer.groups[u]:
                    by_key.setdefault(key, []).append((batch, offset, length))
            for key in sorted(by_key):
                for batch, offset, length in by_key[key]:
                    if not length:
                        continue
                    if fmt == "json" and not first:
                        write(b",")
                    first = False
                    if len(units[u]) == 1:
                        copy(spools[batch], offset, length)
                    else:
                        write(_pread(spools[batch], offset, length).replace(PLACEHOLDER_BYTES, pieces[role]))
        if binary is not None:
            binary.flush()
        if fmt == "json":
            out.write("]\n" if first else "\n]\n")
    finally:
        for fd in opened.values():
            os.close(fd)
        discard(answers)


def _pread(fd: int, offset: int, length: int) -> bytes:
    data = os.pread(fd, length, offset)
    if len(data) != length:
        raise OSError(f"a spool file ended {length - len(data)} bytes early")
    return data


def _copier(binary: BinaryIO | None, write: Callable[[bytes], object]) -> Callable[[int, int, int], None]:
    """copy(spool, offset, length): bytes of a spool file to the output, unchanged. On Linux, to a regular file
    or a pipe, `os.sendfile` copies them in the kernel (the output's buffer flushed first); an output it cannot
    take (opened for appending, say) and every other platform get them read and written."""
    kernel: list[int] = []  # the output's descriptor, while sendfile may be used
    if binary is not None and sys.platform.startswith("linux") and hasattr(os, "sendfile"):
        with contextlib.suppress(OSError, ValueError, io.UnsupportedOperation):
            fileno = binary.fileno()
            mode = os.fstat(fileno).st_mode
            if stat.S_ISREG(mode) or stat.S_ISFIFO(mode):
                kernel.append(fileno)

    def copy(fd: int, offset: int, length: int) -> None:
        end = offset + length
        if kernel:
            assert binary is not None
            binary.flush()
            try:
                while offset < end:
                    sent = os.sendfile(kernel[0], fd, offset, end - offset)
                    if sent == 0:
                        raise OSError(f"a spool file ended {end - offset} bytes early")
                    offset += sent
                return
            except OSError as exc:
                if exc.errno not in (errno.EINVAL, errno.ENOSYS, errno.EOPNOTSUPP):
                    raise
                kernel.clear()  # not for this output: read and write from here on
        write(_pread(fd, offset, end - offset))

    return copy
