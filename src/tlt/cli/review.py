"""The review workflow: `tlt init` (a new data repository from the role catalog) and `tlt diff` (verdict changes
between a git revision and the working tree)."""

from __future__ import annotations

import contextlib
import os
from pathlib import Path
from typing import Annotated

import typer

from tlt.cli.app import app
from tlt.cli.common import AsOfOpt, as_of_date, clean_errors, message, write_output
from tlt.errors import TltError
from tlt.render.rows import Column, Table, render_table
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
    as_of: AsOfOpt = None,
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
        "schemas/, .pre-commit-config.yaml, .github/workflows/tlt.yml"
    )
    message(f"next: cd {root} && tlt validate && git init && git add . && git commit -m 'tlt data repository'")
    message("then: set TLT_REQUIREMENT in .github/workflows/tlt.yml, and run `pre-commit install`")


__all__ = ["init"]
