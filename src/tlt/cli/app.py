"""The Typer app: global options and the command registry. Each command lives in its own module here."""

from __future__ import annotations

from typing import Annotated

import typer

from tlt import __version__, scale
from tlt.cli.common import GLOBALS, RepoOpt

HELP = """\
tlt — the teacher leadership tracker: validate a district's teacher-leadership data (roles and teacher records
as YAML in a git repository), decide who is eligible for which role and why, and report caseloads, stipends
and terms.

Examples:

\b
  tlt validate                      # check the repository you are in
  tlt -C examples/bps validate -f github --as-of 2026-08-24
  tlt check-eligibility --role bps-esp-consulting-teacher --explain
  tlt stipends --term 2025-26 --format csv --output stipends.csv
"""

app = typer.Typer(
    name="tlt",
    help=HELP,
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
    rich_markup_mode=None,
    context_settings={"help_option_names": ["-h", "--help"]},
)


def _version(value: bool) -> None:
    if value:
        from tlt.loading.fastyaml import engines_note

        typer.echo(f"tlt {__version__}\n{engines_note()}")
        raise typer.Exit(0)


@app.callback()
def _globals(
    repo: RepoOpt = None,
    no_color: Annotated[bool, typer.Option("--no-color", help="No colors (also when NO_COLOR is set).")] = False,
    quiet: Annotated[bool, typer.Option("--quiet", "-q", help="No progress bar or summary lines.")] = False,
    version: Annotated[
        bool, typer.Option("--version", help="Print the version and exit.", callback=_version, is_eager=True)
    ] = False,
) -> None:
    GLOBALS.repo = repo
    GLOBALS.no_color = no_color
    GLOBALS.quiet = quiet
    scale.install()  # the one place the pipeline's runner is put on every core (docs/architecture.md)


def _register() -> None:
    # Explicit registry: importing a command module adds its command to `app`.
    from tlt.cli import eligibility, reports, review, schema_cmd, validate  # noqa: F401


_register()


def main() -> None:
    app()
