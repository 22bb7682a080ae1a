"""The Typer app: global options and the command registry. Each command lives in its own module here."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any

import typer
from typer.core import TyperGroup, TyperOption

from tlt import __version__, scale
from tlt.cli.common import GLOBALS, RepoOpt
from tlt.cli.completion import completer

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


def _set_global(name: str) -> Any:
    """The callback of a global option given after the command: it sets what the app's callback set before."""

    def callback(ctx: Any, param: Any, value: Any) -> None:
        if value:  # absent after the command: what was given before it (or the default) stays
            setattr(GLOBALS, name, value)

    return callback


def _global_options() -> list[TyperOption]:
    """-C/--repo, --no-color, -q/--quiet and --no-pager as options of a command (SPEC 13: before or after the
    command)."""
    return [
        TyperOption(param_decls=["--repo", "-C"], type=Path, metavar="DIR", expose_value=False,
                    callback=_set_global("repo"), help=REPO_HELP),
        TyperOption(param_decls=["--no-color"], is_flag=True, default=False, expose_value=False,
                    callback=_set_global("no_color"), help=NO_COLOR_HELP),
        TyperOption(param_decls=["--quiet", "-q"], is_flag=True, default=False, expose_value=False,
                    callback=_set_global("quiet"), help=QUIET_HELP),
        TyperOption(param_decls=["--no-pager"], is_flag=True, default=False, expose_value=False,
                    callback=_set_global("no_pager"), help=NO_PAGER_HELP),
    ]  # fmt: skip


#: What an option's value is, in every command's help (instead of Click's `<str>`), by the option's name.
PLACEHOLDERS = {
    "--repo": "DIR", "--as-of": "YYYY-MM-DD", "--term": "TERM", "--role": "ROLE", "--teacher": "TEACHER",
    "--output": "FILE", "--catalog": "NAME",
}  # fmt: skip
#: The options whose values the shell completes from the repository (`tlt.cli.completion`).
COMPLETED = {"--role": "role", "--teacher": "teacher", "--term": "term"}


def _first_sentence(text: str | None) -> str | None:
    """A command's summary in `tlt --help`: its help's first sentence, whole (Click cuts it with `...`)."""
    if not text:
        return None
    paragraph = " ".join(text.strip().split("\n\n")[0].split())
    end = paragraph.find(". ")
    return paragraph if end < 0 else paragraph[: end + 1]


class TltGroup(TyperGroup):
    """The app's group. Each command it hands out (to run, to list in help, to complete) also takes the global
    options its own options do not already name; its options show placeholders (`PLACEHOLDERS`) and complete ids
    (`COMPLETED`); its summary is its first sentence, never cut."""

    def get_command(self, ctx: Any, cmd_name: str) -> Any:
        command = super().get_command(ctx, cmd_name)
        if command is None:
            return None
        # idempotent: the options added name themselves, so a second call adds none
        taken = {name for param in command.params for name in getattr(param, "opts", ())}
        command.params.extend(option for option in _global_options() if not taken & set(option.opts))
        for param in command.params:
            opts = getattr(param, "opts", ())
            for name in opts:
                if name in PLACEHOLDERS and param.metavar is None:
                    param.metavar = PLACEHOLDERS[name]
                if name in COMPLETED and getattr(param, "_custom_shell_complete", None) is None:
                    param._custom_shell_complete = completer(COMPLETED[name])
        if command.short_help is None:
            command.short_help = _first_sentence(command.help)
        return command


REPO_HELP = "The data repository (default: the folder holding tlt.yaml at or above here)."
NO_COLOR_HELP = "No colours (also when NO_COLOR is set)."
QUIET_HELP = "No progress bar and no summary lines on stderr."
NO_PAGER_HELP = "Never page output (default: $TLT_PAGER, $PAGER or less -FRX)."

app = typer.Typer(
    name="tlt",
    cls=TltGroup,
    help=HELP,
    no_args_is_help=True,
    add_completion=True,
    pretty_exceptions_enable=False,
    rich_markup_mode=None,
    # help as wide as the terminal up to 120 columns (Click's default stops at 80)
    context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 120},
)


def _version(value: bool) -> None:
    if value:
        from tlt.loading.fastyaml import engines_note

        typer.echo(f"tlt {__version__}\n{engines_note()}")
        raise typer.Exit(0)


@app.callback()
def _globals(
    repo: RepoOpt = None,
    no_color: Annotated[bool, typer.Option("--no-color", help=NO_COLOR_HELP)] = False,
    quiet: Annotated[bool, typer.Option("--quiet", "-q", help=QUIET_HELP)] = False,
    no_pager: Annotated[bool, typer.Option("--no-pager", help=NO_PAGER_HELP)] = False,
    version: Annotated[
        bool, typer.Option("--version", help="Print the version and exit.", callback=_version, is_eager=True)
    ] = False,
) -> None:
    GLOBALS.repo = repo
    GLOBALS.no_color = no_color
    GLOBALS.quiet = quiet
    GLOBALS.no_pager = no_pager
    scale.install()  # the one place the pipeline's runner is put on every core (docs/architecture.md)


def _register() -> None:
    # Explicit registry: importing a command module adds its command to `app`.
    from tlt.cli import eligibility, import_cmd, reports, review, schema_cmd, site, validate  # noqa: F401


_register()


def main() -> None:
    app()
