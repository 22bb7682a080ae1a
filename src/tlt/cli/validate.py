"""`tlt validate`: every problem of the repository, in the format CI wants; exit 1 on errors."""

from __future__ import annotations

import enum
import os
import re
import sys
from pathlib import Path
from typing import Annotated

import typer

from tlt.checks import validate_repository
from tlt.cli.app import app
from tlt.cli.common import (
    GLOBALS,
    AsOfOpt,
    OutputOpt,
    RepoOpt,
    as_of_date,
    clean_errors,
    format_of_path,
    is_input_file,
    loading_progress,
    message,
    terminal_width,
    write_output,
)
from tlt.errors import TltError
from tlt.loading import gitrev
from tlt.loading.repository import CONFIG_NAME, find_root
from tlt.pipeline import Repository
from tlt.policy import POLICY_CHECKS
from tlt.problems import Problem, escape_control, with_path_prefix
from tlt.render import problems as render


class ProblemFormat(str, enum.Enum):
    text = "text"
    json = "json"
    github = "github"
    sarif = "sarif"
    junit = "junit"


#: what `--output`'s extension picks when --format is not given (a name without one: text); github has none
PROBLEM_EXTENSIONS = {
    ".txt": ProblemFormat.text, ".json": ProblemFormat.json, ".sarif": ProblemFormat.sarif,
    ".sarif.json": ProblemFormat.sarif, ".xml": ProblemFormat.junit,
}  # fmt: skip

#: The formats whose paths a CI system resolves from the top of the git repository, not the data repository.
CI_FORMATS = (ProblemFormat.github, ProblemFormat.sarif, ProblemFormat.junit)

PathPrefixOpt = Annotated[
    str | None,
    typer.Option("--path-prefix", metavar="DIR",
                 help="github, sarif and junit: put DIR/ before every path, so that annotations land on the file "
                      "in the git repository (default: the data repository's folder in its git work tree; '' for "
                      "none).", show_default=False),
]  # fmt: skip
ChangedSinceOpt = Annotated[
    str | None,
    typer.Option("--changed-since", metavar="REV",
                 help="github: after the errors-first order, the problems of files that differ from git revision "
                      "REV (a pull request's base) come first.", show_default=False),
]  # fmt: skip


def path_prefix(value: str) -> str:
    """`--path-prefix DIR` as it goes before a path: '' or a relative folder with `/` separators ending in `/`.
    Refuses an absolute path, a `..` and control characters, which could only misplace every annotation."""
    shown = escape_control(value)
    if any(ord(ch) < 0x20 or 0x7F <= ord(ch) < 0xA0 for ch in value):
        raise TltError(f"--path-prefix {shown!r} holds a control character; name a folder such as district")
    text = value.replace("\\", "/")  # a Windows folder, as a user may type it
    if text.startswith("/") or re.match(r"[A-Za-z]:", text):
        raise TltError(
            f"--path-prefix {shown!r} is absolute; give the data repository's folder relative to the top of the "
            "git repository, such as district"
        )
    parts = [part for part in text.split("/") if part not in ("", ".")]
    if ".." in parts:
        raise TltError(
            f"--path-prefix {shown!r} goes up with '..'; give the data repository's folder relative to the top of "
            "the git repository, such as district"
        )
    return "".join(part + "/" for part in parts)


def automatic_prefix(root: Path) -> str:
    """The data repository's folder in its git work tree, or '' (outside git, a note when git cannot read it)."""
    try:
        return gitrev.work_tree_prefix(root) or ""
    except TltError as exc:
        message(f"tlt: note: paths are not prefixed with the data repository's folder: {exc}; pass --path-prefix")
        return ""


def changed_since(root: Path, rev: str, problems: list[Problem]) -> frozenset[str]:
    """The paths of `problems` whose files differ from revision `rev` (--changed-since)."""
    try:
        commit = gitrev.commit_of(root, rev)
    except TltError as exc:
        hint = ""
        if gitrev.is_shallow(root):  # actions/checkout fetches one commit unless told otherwise
            hint = "; this is a shallow clone, which lacks older commits: fetch them (actions/checkout: fetch-depth: 0)"
        raise TltError(f"--changed-since: {exc}{hint}") from None
    return frozenset(gitrev.changed_files(root, commit, {p.path for p in problems}))


def render_problems(
    fmt: ProblemFormat,
    problems: list[Problem],
    loaded: Repository,
    prefix: str,
    changed: frozenset[str],
    sources: dict[str, list[str]] | None = None,
    width: int = 100,
) -> str:
    """The output of `validate` in `fmt`. github, SARIF and JUnit paths get `prefix`; github output puts the
    problems of `changed` files (paths relative to the data repository) first."""
    if fmt is ProblemFormat.text:
        return render.render_text(problems, sources, width)
    if fmt is ProblemFormat.json:
        return render.render_json(problems)
    shown = with_path_prefix(problems, prefix)
    if fmt is ProblemFormat.github:
        return render.render_github(shown, {prefix + path for path in changed})
    from tlt.render import ci_formats  # SARIF and JUnit

    if fmt is ProblemFormat.sarif:
        return ci_formats.render_sarif(shown)
    files = [prefix + path for path in ("tlt.yaml", *loaded.role_files, *loaded.teacher_files)]
    return ci_formats.render_junit(shown, files)


def append_step_summary(
    summary_file: str, problems: list[Problem], loaded: Repository, prefix: str, changed: frozenset[str]
) -> None:
    """Append the job summary (`render.render_step_summary`) to `$GITHUB_STEP_SUMMARY`, within what GitHub keeps
    of one step's summary once what is already there is counted. The file is opened for appending, as by
    `>> "$GITHUB_STEP_SUMMARY"` in a workflow: what earlier commands of the step wrote stays, and the table goes
    after it in one write (a loop only if the system takes part of it)."""
    target = Path(summary_file).expanduser()
    where = f"$GITHUB_STEP_SUMMARY ({escape_control(str(target))})"
    if is_input_file(target, loaded):
        raise TltError(f"{where} is an input file of the repository; tlt never writes to one")
    try:
        present = target.stat().st_size if target.exists() else 0
        text = render.render_step_summary(
            with_path_prefix(problems, prefix),
            {prefix + path for path in changed},
            limit=render.STEP_SUMMARY_LIMIT - present,
        )
        if not text:
            message(f"tlt: note: {where} already holds the 1 MiB GitHub keeps; the problems were not added to it")
            return
        data = text.encode("utf-8")
        fd = os.open(target, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o644)
        try:
            view = memoryview(data)
            while view:
                view = view[os.write(fd, view) :]
        finally:
            os.close(fd)
    except OSError as exc:
        raise TltError(f"cannot write the job summary to {where}: {exc.strerror or exc}") from None


#: Source lines are shown for the problems of at most this many files, each read up to this many bytes.
SOURCE_FILES, SOURCE_BYTES = 1000, 1 << 20


def source_lines(root: Path, problems: list[Problem]) -> dict[str, list[str]]:
    """The lines of the files the problems name, as a terminal shows them under each problem: regular files
    inside the repository only (never through a link out of it), read as UTF-8 (an undecodable byte shown as
    U+FFFD); a file that cannot be read is left out, and its problems show no line."""
    found: dict[str, list[str]] = {}
    top = root.resolve()
    for rel in sorted({p.path for p in problems})[:SOURCE_FILES]:
        try:
            path = (root / rel).resolve()
            if top not in path.parents or not path.is_file():
                continue
            with open(path, "rb") as handle:
                data = handle.read(SOURCE_BYTES)
        except (OSError, ValueError):
            continue
        found[rel] = data.decode("utf-8", errors="replace").splitlines()
    return found


def shown_root(typed: Path | None, root: Path) -> str:
    """The repository root as validate's summary names it: as the user typed it (`-C examples/bps`), `.` for the
    current folder; when tlt.yaml was found above the folder typed (or the current one), its absolute path and
    where the search started: `/work/district (found above examples)`."""
    start = Path(typed) if typed is not None else Path(".")
    found = root.resolve()
    if start.expanduser().resolve() == found:
        return str(start)
    return f"{found} (found above {'the current folder' if typed is None else typed})"


@app.command()
@clean_errors
def validate(
    fmt_option: Annotated[
        ProblemFormat | None,
        typer.Option(
            "--format",
            "-f",
            help="text (the default), json, github, sarif or junit; with --output, the "
            "file's extension unless given (.txt, .json, .sarif, .xml for junit).",
            case_sensitive=False,
            show_default=False,
        ),
    ] = None,
    as_of: AsOfOpt = None,
    prefix_option: PathPrefixOpt = None,
    since: ChangedSinceOpt = None,
    output: OutputOpt = None,
    staged: Annotated[
        bool,
        typer.Option(
            "--staged",
            help="Check what git's index holds (what the next commit would hold), not the working tree.",
        ),
    ] = False,
    repo: RepoOpt = None,
) -> None:
    """Check every file of the data repository: YAML, schema, ids, references, dates, caps, tenure, cooling-off,
    eligibility on each assignment's start date, expiring documents, staffing.

    Exit 0 when there are no errors (warnings allowed), 1 when there are errors, 2 when it could not run.

    github output puts errors first; with $GITHUB_STEP_SUMMARY set (in a GitHub Actions step) it also appends
    the full list there as a Markdown table.

    Examples:

      tlt validate

      tlt validate --format github --as-of 2026-08-24

      tlt validate --format github --changed-since "$BASE_SHA"

      tlt -C examples/bps validate --format json --output problems.json

      tlt validate --format sarif --path-prefix checkout/district -o tlt.sarif

      tlt validate --staged     # as the next commit would hold it (the pre-commit hook)
    """
    d = as_of_date(as_of)
    fmt = fmt_option or (output is not None and format_of_path(output, PROBLEM_EXTENSIONS)) or ProblemFormat.text
    if prefix_option is not None and fmt not in CI_FORMATS:
        raise TltError(f"--path-prefix applies to --format github, sarif and junit, not {fmt.value}; drop it")
    prefix = path_prefix(prefix_option) if prefix_option is not None else None
    if since is not None:
        if fmt is not ProblemFormat.github:
            raise TltError(
                f"--changed-since orders --format github output only; {fmt.value} output keeps its order by path, "
                "line, column and code. Drop it, or add --format github"
            )
        try:  # before a long load: a REV that cannot be one is refused at once
            gitrev.check_revision(since)
        except TltError as exc:
            raise TltError(f"--changed-since: {exc}") from None
    start = repo or GLOBALS.repo
    source = None
    if staged:
        source = gitrev.index_source(find_root(start))
        if not source.has(CONFIG_NAME):
            raise TltError(
                f"{CONFIG_NAME} is not in git's index (not added yet, or staged for deletion), so nothing staged "
                f"in {source.root} is a data repository; `git add {CONFIG_NAME}` first"
            )
    with loading_progress() as progress:
        loaded, problems = validate_repository(start, d, POLICY_CHECKS, progress, source)
    changed = changed_since(loaded.root, since, problems) if since is not None else frozenset()
    if prefix is None:
        prefix = automatic_prefix(loaded.root) if fmt in CI_FORMATS else ""
    sources = None
    if fmt is ProblemFormat.text and output is None and sys.stdout.isatty() and source is None:
        sources = source_lines(loaded.root, problems)  # on a terminal, each problem's line under it (SPEC 13)
    text = render_problems(fmt, problems, loaded, prefix, changed, sources, terminal_width())
    summary_file = os.environ.get("GITHUB_STEP_SUMMARY")
    if fmt is ProblemFormat.github and summary_file:
        # before the output: a summary that cannot be written is exit 2 with nothing half done
        append_step_summary(summary_file, problems, loaded, prefix, changed)
    write_output(text, output, loaded)
    if not GLOBALS.quiet:
        counts = (len(loaded.role_files), len(loaded.teacher_files))
        message(render.run_summary(shown_root(start, loaded.root), *counts, problems))
    raise typer.Exit(1 if any(p.is_error for p in problems) else 0)
