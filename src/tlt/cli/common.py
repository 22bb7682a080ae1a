"""What every command shares: options, the repository, the as-of date, output writing and clean errors."""

from __future__ import annotations

import contextlib
import enum
import errno
import functools
import os
import re
import stat
import sys
import tempfile
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import IO, Annotated, Any, TextIO, TypeVar, cast

import typer
from rich.console import Console

from tlt.cli.pager import Paged
from tlt.errors import TltError
from tlt.pipeline import Repository, load_holders, load_repository
from tlt.problems import escape_control, excerpt, no_workflow_command, shorten_path
from tlt.render.rows import Table
from tlt.reports import unknown_term_hint
from tlt.suggest import in_error, suggestions

F = TypeVar("F", bound=Callable[..., Any])


@dataclass
class Globals:
    repo: Path | None = None
    no_color: bool = False
    quiet: bool = False
    no_pager: bool = False


GLOBALS = Globals()


def _parse_date(value: str | None) -> date | None:
    if value is None:
        return None
    if not re.fullmatch(r"[0-9]{4}-[0-9]{2}-[0-9]{2}", value):
        raise typer.BadParameter(f"{escape_control(value)!r} is not a date; write YYYY-MM-DD, such as 2025-08-25")
    try:
        parsed = date.fromisoformat(value)
    except ValueError:
        raise typer.BadParameter(f"{escape_control(value)!r} is not a real date") from None
    if not 1900 <= parsed.year <= 2199:  # as in the data files' schema: date arithmetic stays in range
        raise typer.BadParameter(f"{value!r} is outside the years 1900 to 2199")
    return parsed


def parse_days(value: str | int) -> int:
    """A number of days (`--within`): a whole number, 0 or more."""
    text = str(value).strip()
    if not text.isascii() or not text.isdigit():
        raise typer.BadParameter(f"{escape_control(text)!r} is not a number of days; write a whole number such as 30")
    return int(text)


RepoOpt = Annotated[
    Path | None,
    typer.Option("--repo", "-C", help="The data repository (default: the folder holding tlt.yaml at or above here).",
                 show_default=False, file_okay=False),
]  # fmt: skip
AsOfOpt = Annotated[
    str | None,
    typer.Option("--as-of", help="Judge as of this date, YYYY-MM-DD (default: today).", show_default=False),
]
TermOpt = Annotated[
    str | None, typer.Option("--term", help="A term id from tlt.yaml (default: the term containing the as-of date).")
]
OutputOpt = Annotated[
    Path | None,
    typer.Option("--output", "-o", help="Write to this file (atomically) instead of standard output.", dir_okay=False),
]
WideOpt = Annotated[
    bool,
    typer.Option("--wide", help="A table shows every column, every cell whole, and the terminal wraps its lines "
                 "(default: it fits the terminal, leaving out or cutting the least important).")
]  # fmt: skip
SkipInvalidOpt = Annotated[
    bool, typer.Option("--skip-invalid", help="Run even though some files fail to load; list them on stderr.")
]


class TableFormat(str, enum.Enum):
    table = "table"
    csv = "csv"
    json = "json"
    xlsx = "xlsx"


FormatOpt = Annotated[
    TableFormat | None,
    typer.Option("--format", "-f", help="table (default on a terminal), csv (default when piped), json or xlsx; "
                 "with --output, the file's extension (.csv, .json, .xlsx) unless given.",
                 show_default=False, case_sensitive=False),
]  # fmt: skip
BomOpt = Annotated[
    bool, typer.Option("--bom", help="CSV: start with a UTF-8 byte-order mark, for spreadsheets that need one.")
]

#: what `--output`'s extension picks for a command with table output (`output_format`)
TABLE_EXTENSIONS = {".csv": TableFormat.csv, ".json": TableFormat.json, ".xlsx": TableFormat.xlsx}
#: the byte-order mark `--bom` writes before CSV
BOM = "\ufeff"
E = TypeVar("E", bound=enum.Enum)


def format_of_path(output: Path, extensions: Mapping[str, E]) -> E | None:
    """The format `--output`'s extension names (the longest one it ends with: `.sarif.json` before `.json`), or
    None for a name without an extension or a path that is not a file (a FIFO, a device, `/dev/stdout`, whatever
    its name): the command's piped default applies; exit 2 for any other extension, naming those that work."""
    with contextlib.suppress(OSError, ValueError):
        if not stat.S_ISREG(os.stat(output.expanduser()).st_mode):
            return None
    name = output.name.lower()
    for ext in sorted(extensions, key=len, reverse=True):
        if name.endswith(ext) and len(name) > len(ext):
            return extensions[ext]
    suffix = Path(name).suffix
    if not suffix:
        return None
    names = list(extensions)
    known = ", ".join(names[:-1]) + " or " + names[-1] if len(names) > 1 else names[0]
    raise TltError(
        f"--output {escape_control(str(output))}: tlt writes no format for the extension {escape_control(suffix)}; "
        f"name a file ending in {known}, or give --format"
    )


def output_format(
    fmt: TableFormat | None, output: Path | None, terminal: TableFormat = TableFormat.table
) -> TableFormat:
    """The format a command with table output writes: `--format` when given (a table never to a file); else, for
    `--output`, its extension's (`TABLE_EXTENSIONS`; csv for a name without one); else `terminal` on a terminal
    and csv when piped."""
    if fmt is not None:
        if fmt is TableFormat.table and output is not None:
            raise TltError(
                f"--format table is drawn for a terminal, never written to a file (--output "
                f"{escape_control(str(output))}); give --format csv, json or xlsx, or drop --format"
            )
        return fmt
    if output is not None:
        return format_of_path(output, TABLE_EXTENSIONS) or TableFormat.csv
    return terminal if sys.stdout.isatty() else TableFormat.csv


def check_bom(bom: bool, fmt: TableFormat) -> None:
    """`--bom` goes with CSV only: exit 2 for any other format."""
    if bom and fmt is not TableFormat.csv:
        raise TltError(f"--bom starts CSV output, not {fmt.value}; drop it, or give --format csv")


def color_enabled() -> bool:
    """Whether data written to stdout gets ANSI escapes (SPEC 13, the conventions of no-color.org and
    force-color.org): never with `--no-color`, a non-empty `NO_COLOR` or `TERM=dumb`; else on a terminal, or
    when `FORCE_COLOR` is non-empty. An empty `NO_COLOR` or `FORCE_COLOR` is as if it were not set. Off, the
    renderers write no escape at all (bold and italic go with the colours)."""
    env = os.environ
    if GLOBALS.no_color or env.get("NO_COLOR") or env.get("TERM") == "dumb":
        return False
    return sys.stdout.isatty() or bool(env.get("FORCE_COLOR"))


def err_console() -> Console:
    """The console of messages and the progress bar, on stderr: Rich reads the terminal, `TERM=dumb` and
    `FORCE_COLOR` itself; `--no-color` and a non-empty `NO_COLOR` take its colours away."""
    no_color = GLOBALS.no_color or bool(os.environ.get("NO_COLOR"))
    return Console(stderr=True, no_color=no_color, highlight=False, soft_wrap=True, emoji=False)


def message(text: str) -> None:
    """A message for a person: to stderr, escaped, never markup, never a CI workflow command."""
    err_console().print(no_workflow_command(escape_control(text)), markup=False)


#: Show a progress bar while loading at least this many files (on a terminal, unless --quiet).
PROGRESS_MIN_FILES = 2000


@contextlib.contextmanager
def loading_progress() -> Iterator[Callable[..., None] | None]:
    """A Rich progress bar on stderr while files load: only on a terminal, not with --quiet, and only once there
    are enough files to wait for. Yields the pipeline's progress callback (or None)."""
    if GLOBALS.quiet or not sys.stderr.isatty() or os.environ.get("TLT_NO_PROGRESS"):
        yield None
        return
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

    bar = Progress(
        TextColumn("loading"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(),
        console=err_console(), transient=True,
    )  # fmt: skip
    task = bar.add_task("loading", total=None)
    state = {"shown": False, "pending": 0}

    def update(advance: int = 0, total: int | None = None) -> None:
        if total is not None:
            state["wanted"] = total >= PROGRESS_MIN_FILES
            bar.update(task, total=total)
            return
        if state.get("wanted") and not state["shown"]:
            # drawn from the first file on, not when the total is known: the bar's refresh thread must not
            # exist yet when the worker processes are forked (after the roles, before the teachers)
            bar.start()
            state["shown"] = True
        state["pending"] += advance
        if state["shown"] and state["pending"] >= 250:  # redraw in steps, not per file
            bar.advance(task, state["pending"])
            state["pending"] = 0

    try:
        yield update
    finally:
        if state["shown"]:
            bar.stop()


def open_repository(
    repo: Path | None, skip_invalid: bool = False, require: bool = True, holders_only: bool = False
) -> Repository:
    """Load the repository named by --repo (command or global) or found upward; refuse when files fail.
    `holders_only`: keep only the teachers with assignments (`load_holders`, on every core)."""
    start = repo or GLOBALS.repo
    with loading_progress() as progress:
        loaded = load_holders(start, progress) if holders_only else load_repository(start, progress)
    if require:
        loaded.require_loadable(skip_invalid, warn=message)
    return loaded


def as_of_date(value: str | None) -> date:
    parsed = _parse_date(value)
    return parsed if parsed is not None else date.today()


#: the width a table is drawn at with --wide where only a width can be passed: wider than any table's columns
UNBOUNDED_WIDTH = 100_000


def terminal_width(wide: bool = False) -> int:
    """The terminal's columns (TERMINAL_WIDTH or COLUMNS first; 100 when there is no terminal); with `wide`
    (`--wide`), `UNBOUNDED_WIDTH`: nothing is left out or cut to fit."""
    if wide:
        return UNBOUNDED_WIDTH
    env = os.environ.get("TERMINAL_WIDTH") or os.environ.get("COLUMNS")
    if env and env.isdigit():
        return max(40, int(env))
    try:
        return max(40, os.get_terminal_size(sys.stdout.fileno()).columns)
    except (OSError, ValueError):
        return 100


def terminal_height() -> int:
    env = os.environ.get("LINES")
    if env and env.isdigit():
        return max(1, int(env))
    try:
        lines = os.get_terminal_size(sys.stdout.fileno()).lines
    except (OSError, ValueError):
        lines = 0
    return lines or 24  # a terminal that gives no size (0: a new pseudo-terminal) is taken as 24 lines


def write_output(text: str, output: Path | None, repo: Repository | None = None, bom: bool = False) -> None:
    """Data to stdout, or to `output` atomically (temporary file, then rename). Never over an input file. `bom`:
    a UTF-8 byte-order mark first (`--bom`)."""
    with output_stream(output, repo) as handle:
        handle.write(BOM + text if bom else text)


@contextlib.contextmanager
def output_stream(output: Path | None, repo: Repository | None = None) -> Iterator[TextIO]:
    """A stream for data written piece by piece: stdout, or a temporary file beside `output` renamed over it only
    when everything was written (`file_stream`)."""
    if output is None:
        if GLOBALS.no_pager or not sys.stdout.isatty():
            yield sys.stdout
            sys.stdout.flush()
            return
        paged = Paged(terminal_width(), terminal_height(), warn=message)  # only when longer than the screen
        try:
            yield paged  # type: ignore[misc]
        finally:
            paged.close()
        return
    with file_stream(output, repo) as handle:
        yield cast(TextIO, handle)


def write_workbook(
    table: Table, output: Path | None, repo: Repository | None, sheet: str, more: Sequence[tuple[Table, str]] = ()
) -> None:
    """`table` as an .xlsx workbook (`render.xlsx`) to `output` atomically, or to stdout when it is not a terminal;
    `more`: further (table, sheet name) pairs, a sheet each after the first. Exit 2, before anything is written,
    when the rows of a table do not fit in a sheet or stdout is a terminal."""
    from tlt.render import xlsx

    for each in (table, *(t for t, _ in more)):
        if not xlsx.fits(len(each.rows)):
            raise TltError(too_many_for_a_sheet(len(each.rows)))
    if output is None and sys.stdout.isatty():
        raise TltError("xlsx is a file for a spreadsheet, not for a terminal: add --output FILE.xlsx")
    try:
        if output is None:
            xlsx.write_xlsx(table, sys.stdout.buffer, sheet, more)
            sys.stdout.buffer.flush()
            return
        with file_stream(output, repo, binary=True) as handle:
            xlsx.write_xlsx(table, handle, sheet, more)
    except xlsx.CellTooLong as exc:
        raise TltError(
            f"xlsx: {exc.column} of row {exc.row} holds {exc.length:,} characters, more than a spreadsheet cell "
            f"holds ({xlsx.MAX_CELL:,}); use --format csv"
        ) from None


def too_many_for_a_sheet(rows: int) -> str:
    """What is said when `rows` rows of data do not fit in one sheet of a workbook."""
    from tlt.render import xlsx

    return (
        f"xlsx: {rows:,} rows do not fit in a spreadsheet, which holds {xlsx.MAX_ROWS:,} below its header row; "
        "write them with --format csv, or ask for fewer rows"
    )


@contextlib.contextmanager
def file_stream(output: Path, repo: Repository | None = None, binary: bool = False) -> Iterator[IO[Any]]:
    """A stream (text, UTF-8; bytes with `binary`) onto a temporary file beside `output`, renamed over it only
    when everything was written (a crash never leaves a half-written file). Never over an input file. The file
    gets the mode the umask gives a new file, or, replacing a file, that file's mode (`_new_mode`).

    A path that is not a regular file is written in place, never renamed over (`_in_place`): a FIFO, a device
    (`/dev/null`: as root, a rename would have put a report where the device was) or a name of an open
    descriptor (`/dev/stdout`, `/dev/fd/3`: the descriptor itself is written, so `>>` still appends). A write
    that fails (a full disk, `/dev/full`) is exit 2 naming the path as typed, never a temporary file."""
    shown = escape_control(str(output))
    target = output.expanduser()
    if repo is not None and is_input_file(target, repo):
        raise TltError(f"--output {target} is an input file of the repository; choose another path")
    try:
        descriptor = _in_place(target)
    except OSError as exc:
        raise _write_error(shown, exc) from None
    if descriptor is not None:
        with _written(shown), _open(descriptor, binary) as handle:
            yield handle
            handle.flush()
        return
    folder = target.parent if str(target.parent) else Path(".")
    if not folder.is_dir():
        raise TltError(f"--output: no folder {folder}")
    try:
        fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=folder)
    except OSError as exc:
        raise _write_error(shown, exc) from None
    try:
        with _written(shown):
            with _open(fd, binary) as handle:
                _keep_mode(handle.fileno(), target)
                yield handle
                handle.flush()
                _finish(shown, lambda: os.fsync(handle.fileno()))
            _finish(shown, lambda: os.replace(tmp, target))
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise


def _open(fd: int, binary: bool) -> IO[Any]:
    return os.fdopen(fd, "wb") if binary else os.fdopen(fd, "w", encoding="utf-8", newline="")


def _finish(shown: str, step: Callable[[], object]) -> None:
    """A step of putting the written file in place (fsync, rename): any error of it names the output as typed
    (its own `filename` is the temporary file)."""
    try:
        step()
    except OSError as exc:
        raise _write_error(shown, exc) from None


def _keep_mode(fd: int, target: Path) -> None:
    """Give the temporary file (made 0600 by mkstemp) the mode `target` will have (`_new_mode`); replacing a
    file, its group too where it can (a group-shared report stays the group's)."""
    try:
        info = os.stat(target)
    except OSError:
        info = None
    os.fchmod(fd, _new_mode(info))
    if info is not None and hasattr(os, "fchown"):
        with contextlib.suppress(OSError):
            os.fchown(fd, -1, info.st_gid)


def _new_mode(existing: os.stat_result | None) -> int:
    """The permission bits of the written file: those of the regular file it replaces, else what the umask
    leaves of 0666 (what `open(path, "w")` or a shell's `>` would give a new file)."""
    if existing is not None and stat.S_ISREG(existing.st_mode):
        return stat.S_IMODE(existing.st_mode)
    mask = os.umask(0o022)  # the only way to read it: set, then put back at once
    os.umask(mask)
    return 0o666 & ~mask


#: errors of writing itself (not of computing what is written): they name the output, as typed
_WRITE_ERRNOS = frozenset(
    getattr(errno, name) for name in ("ENOSPC", "EDQUOT", "EFBIG", "EIO", "EROFS") if hasattr(errno, name)
)


@contextlib.contextmanager
def _written(shown: str) -> Iterator[None]:
    """Turn an error of writing the output into exit 2 naming the output as the user typed it."""
    try:
        yield
    except OSError as exc:
        if exc.errno not in _WRITE_ERRNOS:
            raise
        raise _write_error(shown, exc) from None


def _write_error(shown: str, exc: OSError) -> TltError:
    return TltError(f"cannot write --output {shown}: {exc.strerror or exc}")


def _in_place(target: Path) -> int | None:
    """A descriptor to write `target` through when it must be written in place, else None (then a temporary file
    is renamed over it): when it names an open descriptor of this process (`/dev/stdout`, `/dev/fd/N`,
    `/proc/self/fd/N`: that descriptor, duplicated), or exists and is not a regular file (a FIFO, a device, a
    socket: opened for writing; a FIFO waits for its reader as any writer of a FIFO does). A path that does not
    exist yet, or a regular file, is None."""
    own = _own_descriptor(target)
    if own is not None:
        return os.dup(own)
    try:
        info = os.stat(target)
    except FileNotFoundError:
        return None
    if stat.S_ISREG(info.st_mode):
        return None
    # no O_CREAT (it exists) and no O_TRUNC (a device or a FIFO has nothing to cut); never a controlling terminal
    return os.open(target, os.O_WRONLY | getattr(os, "O_NOCTTY", 0) | getattr(os, "O_CLOEXEC", 0))


_FD_FOLDER = re.compile(r"/proc/(?:self|thread-self|[0-9]+)(?:/task/[0-9]+)?/fd")


def _own_descriptor(target: Path) -> int | None:
    """The descriptor number when `target`, or a symbolic link it leads through, is an entry of this process's
    /proc/<pid>/fd (Linux; /dev/stdout and /dev/fd are links there), else None."""
    path = os.path.abspath(target)
    for _ in range(40):  # as many links as the kernel follows
        folder, name = os.path.split(path)
        real_folder = os.path.realpath(folder)
        if _FD_FOLDER.fullmatch(real_folder) and name.isdigit():
            owner = real_folder.split("/")[2]
            if owner in ("self", "thread-self") or int(owner) == os.getpid():
                return int(name)
            return None  # another process's descriptor: opened by name, as any special file
        if not os.path.islink(path):
            return None
        path = os.path.join(real_folder, os.readlink(path))
    return None


def is_input_file(target: Path, repo: Repository) -> bool:
    """Whether `target` is a file the repository reads, itself or through a symbolic link (which the loader
    follows only inside the repository). Resolves one path, not 100,000: the names are compared, and only when
    `target` exists inside the repository under another name are files compared by inode."""
    resolved = target.resolve()
    root = repo.root.resolve()
    if root not in resolved.parents:
        return False
    inputs = repo.input_paths() | set(repo.documents)
    if resolved.relative_to(root).as_posix() in inputs:
        return True
    try:
        info = resolved.stat()
    except OSError:
        return False  # not there yet: no input is it
    for rel in inputs:
        try:
            other = os.stat(root / rel)
        except OSError:
            continue
        if (other.st_dev, other.st_ino) == (info.st_dev, info.st_ino):
            return True
    return False


def clean_errors(fn: F) -> F:
    """Turn `TltError` into its message and exit code, and any unexpected error into one line, never a traceback."""

    @functools.wraps(fn)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return fn(*args, **kwargs)
        except TltError as exc:
            message(f"tlt: {exc}")
            raise typer.Exit(exc.exit_code) from None
        except typer.BadParameter as exc:
            message(f"tlt: {exc.format_message() if hasattr(exc, 'format_message') else exc}")
            raise typer.Exit(2) from None
        except (typer.Exit, typer.Abort, KeyboardInterrupt):
            raise
        except BrokenPipeError:
            # the reader went away (`tlt ... | head`): not an error of tlt's; the app ends quietly (`quiet_pipe`)
            raise
        except OSError as exc:
            # the path may come from the data (a folder tlt.yaml names): its end, at most 80 characters (SPEC 7)
            message(f"tlt: {exc.strerror or exc}: {escape_control(shorten_path(str(exc.filename or '')))}")
            raise typer.Exit(2) from None
        except Exception as exc:  # a bug: say so in one line, with no traceback and no data
            message(f"tlt: internal error ({type(exc).__name__}); please report it with the command you ran")
            if os.environ.get("TLT_DEBUG"):
                raise
            raise typer.Exit(2) from None

    return wrapper  # type: ignore[return-value]


def known_ids(kind: str, wanted: Iterable[str], known: Iterable[str]) -> list[str]:
    """`wanted` when every id exists; else exit 2 naming the unknown one, the ids it may have meant
    (`suggestions`: the same in another case, those containing it, the closest) and, for a role, `tlt roles`."""
    known = set(known)
    out = []
    for ident in wanted:
        if ident not in known:
            hint = in_error(suggestions(ident, known))
            if kind == "role":
                hint += " `tlt roles` lists every role" if hint else "; `tlt roles` lists every role"
            raise TltError(f"unknown {kind} id {excerpt(ident)}{hint}")
        out.append(ident)
    return out


def judging_date(loaded: Repository, as_of: str | None, term: str | None) -> date:
    """The date a command judges on: `--as-of`, or the start of `--term`, or today; never both given."""
    if as_of is not None and term is not None:
        raise TltError("give --as-of or --term, not both")
    if term is not None:
        assert loaded.config is not None
        found = loaded.config.term(term)
        if found is None:
            raise TltError(
                f"unknown term id {excerpt(term)}{unknown_term_hint(term, [t.id for t in loaded.config.terms])}"
            )
        return found.start
    return as_of_date(as_of)
