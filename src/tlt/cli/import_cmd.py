"""`tlt import teachers EXPORT.csv --map MAP.yaml [--dry-run]`: a district's CSV export into teacher files
(SPEC 11, `tlt.importer`)."""

from __future__ import annotations

import enum
import os
import sys
from pathlib import Path
from typing import Annotated

import typer

from tlt.cli.app import app
from tlt.cli.common import GLOBALS, RepoOpt, as_of_date, clean_errors, message
from tlt.errors import TltError
from tlt.loading.repository import find_root
from tlt.problems import escape_control

#: teacher files the export lacks that are named one by one, unless --all-missing
MISSING_NAMED = 10


class ImportKind(str, enum.Enum):
    teachers = "teachers"


def _shown(path: Path, root: Path) -> str:
    """A path as messages name it: relative to the repository when it lies inside, else as typed."""
    try:
        return path.resolve().relative_to(root.resolve()).as_posix()
    except ValueError:
        return str(path)


@app.command("import")
@clean_errors
def import_(
    kind: Annotated[ImportKind, typer.Argument(help="What the export holds: teachers.", case_sensitive=False)],
    export: Annotated[Path, typer.Argument(help="The CSV export (UTF-8, or the map's encoding).", dir_okay=False)],
    map_file: Annotated[
        Path,
        typer.Option(
            "--map", metavar="FILE", help="The import map, a YAML file in the repository (`tlt schema import`)."
        ),
    ],
    dry_run: Annotated[
        bool, typer.Option("--dry-run", help="Print what would change, file by file, as a unified diff; write nothing.")
    ] = False,
    as_of: Annotated[
        str | None,
        typer.Option(
            "--as-of",
            help="Accepted as every command accepts it (YYYY-MM-DD); nothing an import does depends on a date.",
            show_default=False,
        ),
    ] = None,
    all_missing: Annotated[
        bool,
        typer.Option(
            "--all-missing",
            help=f"Name every teacher file the export lacks (by default the first {MISSING_NAMED}, then how many more).",
        ),
    ] = False,
    repo: RepoOpt = None,
) -> None:
    """Create and update teacher files from a CSV export, as a map says (SPEC 11).

    Every row is checked before anything is written: a row with a problem (named by its line and column) writes
    nothing and exits 1. Only the fields the map owns change; every other field, comment and line of an
    existing file stays. Teachers missing from the export are listed, never deleted. A second import of the
    same export changes nothing.

    Examples:

      tlt import teachers staff.csv --map import/hr.yaml --dry-run

      tlt import teachers licenses.csv --map import/licensure.yaml
    """
    # imported here, not at the top: the round-trip YAML library (ruamel.yaml, pure Python) is worth loading when
    # an import runs, not at every start of tlt (`tlt --help` among them)
    from tlt.importer.plan import make_plan, unified_diff, write_plan

    as_of_date(as_of)  # checked like every command's; nothing in an import depends on the date (docs/import.md)
    root = find_root(repo or GLOBALS.repo)
    if not map_file.is_file():
        raise TltError(f"--map {escape_control(str(map_file))}: no such file")
    if os.path.isdir(export):
        raise TltError(f"{escape_control(str(export))} is a folder, not a CSV export")
    plan = make_plan(root, export, str(export), map_file, _shown(map_file, root))
    if plan.problems:
        for problem in sorted(plan.problems, key=lambda p: (p.path, p.line, p.column)):
            message(problem.render())
        more = f" (and {plan.more_problems} more)" if plan.more_problems else ""
        n = len(plan.problems) + plan.more_problems
        message(f"{n} problem{'s' if n != 1 else ''}{more}; nothing written")
        raise typer.Exit(1)
    out = sys.stdout
    for item in plan.files:
        if item.status == "unchanged":
            continue
        if dry_run:
            out.write(unified_diff(item))
        else:
            what = "" if item.status == "created" else f" ({', '.join(item.changed)})"
            out.write(f"{item.status} {escape_control(item.path)}{what}\n")
    if not dry_run:
        write_plan(root, plan)
    if not GLOBALS.quiet:
        for note in plan.notes:
            message(note)
        # an empty or partial export of a state's repository would name 100,000 files: the first few, then a count
        named = plan.missing if all_missing else plan.missing[:MISSING_NAMED]
        for path in named:
            message(f"in the repository but not in the export: {escape_control(path)}")
        if len(plan.missing) > len(named):
            message(
                f"and {len(plan.missing) - len(named)} more in the repository but not in the export "
                "(--all-missing names every one)"
            )
        lead = "dry run, nothing written: " if dry_run else ""
        nothing = "; nothing to change" if not (plan.count("created") or plan.count("changed")) else ""
        message(f"{lead}{plan.summary()}{nothing}")
