"""The review workflow: `tlt init` (a new data repository from the role catalog) and `tlt diff` (verdict changes
between a git revision and the working tree)."""

from __future__ import annotations

import contextlib
import os
from pathlib import Path
from typing import Annotated

import typer

from tlt import DISTRIBUTION, __version__
from tlt.cli.app import app
from tlt.cli.common import (
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
    message,
    open_repository,
    output_format,
    terminal_width,
    write_output,
    write_workbook,
)
from tlt.errors import BrokenRepository, TltError
from tlt.loading.gitrev import check_revision, revision_source
from tlt.loading.repository import CONFIG_NAME
from tlt.pipeline import Repository, load_source
from tlt.problems import escape_control
from tlt.render.rows import Column, Table, render_csv, render_table, to_json
from tlt.reports import select_term
from tlt.review import DiffResult, diff_repositories, dollars, role_totals, with_money
from tlt.scaffold import ALL, describe_catalogs, new_repository


def _conflicts(root: Path, paths: list[str]) -> list[str]:
    """The targets that exist already (or whose folder is a file or a link): init writes none of its files then."""
    found: list[str] = []
    for rel in paths:
        parts = rel.split("/")
        for i in range(1, len(parts)):
            folder = root.joinpath(*parts[:i])
            shown = "/".join(parts[:i])
            if folder.is_symlink():
                found.append(f"{shown} (a symbolic link; tlt init does not write through links)")
                break
            if folder.exists() and not folder.is_dir():
                found.append(f"{shown} (a file where a folder is needed)")
                break
        else:
            if os.path.lexists(root / rel):
                found.append(rel)
    return sorted(set(found))


def _write_new(root: Path, files: dict[str, str]) -> None:
    """Create every file (never over an existing one); on failure remove what this call created."""
    made_files: list[Path] = []
    made_dirs: list[Path] = []
    try:
        for rel, text in files.items():
            target = root / rel
            missing = [p for p in (target.parent, *target.parent.parents) if not p.exists()]
            for folder in reversed(missing):
                folder.mkdir()
                made_dirs.append(folder)
            with open(target, "x", encoding="utf-8", newline="\n") as handle:
                made_files.append(target)
                handle.write(text)
    except BaseException:
        for f in reversed(made_files):
            f.unlink(missing_ok=True)
        for d in reversed(made_dirs):
            with contextlib.suppress(OSError):
                d.rmdir()
        raise


@app.command()
@clean_errors
def init(
    path: Annotated[
        Path | None,
        typer.Argument(help="The folder of the new data repository (created when missing).", show_default=False),
    ] = None,
    catalog: Annotated[
        str, typer.Option("--catalog", help="The roles to start from: a catalog name from `tlt init --list`, or all.")
    ] = ALL,
    list_catalogs: Annotated[bool, typer.Option("--list", help="List the catalogs and exit.")] = False,
    as_of: Annotated[
        str | None,
        typer.Option(
            "--as-of", help="The date that picks the school years, YYYY-MM-DD (default: today).", show_default=False
        ),
    ] = None,
) -> None:
    """Create a data repository: tlt.yaml with the current and next school years, the catalog's roles, a sample
    teacher, JSON Schemas for editors, a pre-commit config and a GitHub Actions workflow.

    It never overwrites a file: when any file it would write exists, it writes nothing, lists them and exits 2.
    The terms run from the last Monday of August to the second Friday of June; --as-of picks the school year
    (default today).

    Examples:

      tlt init --list

      tlt init district-data --catalog jps
    """
    if list_catalogs:
        rows = [
            {"catalog": c["catalog"], "roles": c["roles"], "organizations": c["organizations"]}
            for c in describe_catalogs()
        ]
        table = Table([Column("catalog"), Column("roles", "int"), Column("organizations", "list")], rows)
        write_output(render_table(table, width=100), None)
        return
    if path is None:
        raise TltError("name the folder of the new repository: tlt init PATH [--catalog NAME]")
    files = new_repository(catalog, as_of_date(as_of))
    root = path.expanduser()
    if root.exists() and not root.is_dir():
        raise TltError(f"{root} exists and is not a folder")
    conflicts = _conflicts(root, list(files))
    if conflicts:
        for c in conflicts:
            message(f"exists: {root / c}")
        n = len(conflicts)
        raise TltError(
            f"{n} of the files tlt init would write exist{'s' if n == 1 else ''} already; nothing was written"
        )
    _write_new(root, files)
    roles = sum(1 for f in files if f.startswith("roles/"))
    message(
        f"created {len(files)} files in {root}: tlt.yaml, {roles} roles (catalog {catalog}), a sample teacher, "
        "schemas/, .vscode/ (editor settings), .pre-commit-config.yaml, .github/workflows/tlt.yml"
    )
    message(f"next: cd {root} && tlt validate && git init && git add . && git commit -m 'tlt data repository'")
    message(
        "then: run `pre-commit install`; the workflow installs tlt from PyPI as "
        f"{DISTRIBUTION}=={__version__} (TLT_REQUIREMENT in .github/workflows/tlt.yml)"
    )


def _revision_side(root: Path, rev: str, skip_invalid: bool) -> tuple[Repository | None, str]:
    """The repository at `rev` (None when the revision has no tlt.yaml there) and the commit's hash."""
    source, commit = revision_source(root, rev)
    if not source.has(CONFIG_NAME):
        return None, commit
    old = load_source(source)
    try:
        old.require_loadable(skip_invalid, warn=lambda text: message(f"at {rev}: {text}"))
    except BrokenRepository as exc:
        raise BrokenRepository(f"at {rev}: {exc}") from None
    return old, commit


def _render_text(
    result: DiffResult, rev: str, commit: str, old_exists: bool, width: int, color: bool, wide: bool = False
) -> str:
    lines = [f"tlt diff: {rev} ({commit[:12]}) → working tree, as of {result.as_of.isoformat()}"]
    if not old_exists:
        lines.append(f"{CONFIG_NAME} does not exist here at {rev}: every role and teacher is new")
    for label, ids in (
        ("roles added", result.roles_added),
        ("roles removed", result.roles_removed),
        ("roles renamed", [f"{a} → {b}" for a, b in result.roles_renamed]),
        ("teachers added", result.teachers_added),
        ("teachers removed", result.teachers_removed),
    ):
        if ids:
            lines.append(f"{label} ({len(ids)}): {', '.join(ids)}")
    touched = result.touched_roles
    lines.extend(r.summary() for r in touched)
    unchanged = len(result.roles) - len(touched)
    if unchanged:
        lines.append(f"{unchanged} other role{'s' if unchanged != 1 else ''}: no verdict changed")
    if result.shows_money:
        lines.extend(_money_lines(result, rev))
    text = "".join(escape_control(line) + "\n" for line in lines)
    if not result.changes:
        return text + "no verdict changed for any teacher and role that exist on both sides\n"
    return text + render_table(result.changes_table(), width=width, color=color, wide=wide)


def _money_lines(result: DiffResult, rev: str) -> list[str]:
    """The money of SPEC 9.4 as lines before the table of changes (so a CI comment that keeps only the lines
    before the first blank one keeps it too): the term's totals, each role whose total moved, the closing line."""
    money = result.money
    assert money is not None
    moved = money.moved_roles
    lines = [f"stipends in {money.term}: {dollars(money.before)} at {rev} → {dollars(money.after)} in the working tree"]
    lines.extend(f"  {r.summary()}" for r in moved)
    others = len(money.roles) - len(moved)
    if others:
        lines.append(f"  {others} other role{'s' if others != 1 else ''}: stipend total unchanged")
    lines.append(money.closing())
    return lines


def _with_money(result: DiffResult, old: Repository | None, new: Repository, rev: str, term: str | None) -> None:
    """Add the stipend totals of the term SPEC 9.4 names to `result`: `--term`, else section 6's default term
    for the judging date, both from the working tree's tlt.yaml. A term that ends before it starts (on either
    side) has no stipends to compare: the diff runs without the money and says so on stderr."""
    assert new.config is not None
    try:
        chosen = select_term(new.config, term, result.as_of)
    except BrokenRepository as exc:
        message(f"no stipend totals: {exc}")
        return
    try:
        before = role_totals(old, chosen.id, result.as_of)
    except BrokenRepository as exc:
        message(f"no stipend totals: at {rev}: {exc}")
        return
    with_money(result, chosen.id, before, role_totals(new, chosen.id, result.as_of))


@app.command()
@clean_errors
def diff(
    rev: Annotated[
        str, typer.Argument(help="A git revision: HEAD, main, origin/main, a commit hash.", show_default=False)
    ],
    as_of: AsOfOpt = None,
    term: TermOpt = None,
    fmt: FormatOpt = None,
    output: OutputOpt = None,
    wide: WideOpt = False,
    bom: BomOpt = False,
    skip_invalid: SkipInvalidOpt = False,
    repo: RepoOpt = None,
) -> None:
    """Show whose eligibility changes between git revision REV and the working tree: every (teacher, role)
    whose verdict changed, before and after, with the reason that changed; counts per role; roles and teachers
    added, removed or renamed. When the change moves pay, each role's stipend total in the term (--term, else
    the term of the as-of date) at REV and now, and what the change costs.

    REV is read through git (never checking it out); when it has no tlt.yaml, everything is new. Exit 2 when the
    folder is not in a git repository or REV does not exist.

    Examples:

      tlt diff HEAD --as-of 2026-08-24

      tlt diff origin/main --term 2026-27 --format json
    """
    chosen = output_format(fmt, output)
    check_bom(bom, chosen)
    check_revision(rev)
    new = open_repository(repo, skip_invalid)
    d = judging_date(new, as_of, term)
    old, commit = _revision_side(new.root, rev, skip_invalid)
    result = diff_repositories(old, new, d)
    _with_money(result, old, new, rev, term)
    money = result.money if result.shows_money else None  # no pay moved: the output it always had
    if chosen is TableFormat.xlsx:
        more = [] if money is None else [(money.table(), "stipends")]
        write_workbook(result.changes_table(), output, new, "diff", more)
        return
    if chosen is TableFormat.json:
        text = to_json({"revision": rev, "commit": commit, "rev_has_config": old is not None, **result.as_json()})
    elif chosen is TableFormat.csv:
        # two tables in one file: the changes, a blank line, then the money with its own header row
        text = render_csv(result.changes_table())
        if money is not None:
            text += "\r\n" + render_csv(money.table())
    else:
        color = color_enabled() and output is None
        text = _render_text(result, rev, commit, old is not None, terminal_width(), color, wide)
    write_output(text, output, new, bom)


__all__ = ["diff", "init"]
