"""`tlt validate`: every problem of the repository, in the format CI wants; exit 1 on errors."""

from __future__ import annotations

import enum
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
    loading_progress,
    message,
    write_output,
)
from tlt.render import problems as render


class ProblemFormat(str, enum.Enum):
    text = "text"
    json = "json"
    github = "github"
    sarif = "sarif"
    junit = "junit"


def policy_checks() -> tuple:  # type: ignore[type-arg]
    try:
        from tlt.policy import POLICY_CHECKS
    except ModuleNotFoundError as exc:
        if exc.name != "tlt.policy":
            raise
        return ()
    return POLICY_CHECKS


@app.command()
@clean_errors
def validate(
    fmt: Annotated[
        ProblemFormat, typer.Option("--format", "-f", help="text, json, github, sarif or junit.", case_sensitive=False)
    ] = ProblemFormat.text,
    as_of: AsOfOpt = None,
    output: OutputOpt = None,
    repo: RepoOpt = None,
) -> None:
    """Check every file of the data repository: YAML, schema, ids, references, dates, caps, tenure, cooling-off,
    eligibility on each assignment's start date, expiring documents, staffing.

    Exit 0 when there are no errors (warnings allowed), 1 when there are errors, 2 when it could not run.

    Examples:

      tlt validate

      tlt validate --format github --as-of 2026-08-24

      tlt -C examples/bps validate --format json --output problems.json
    """
    d = as_of_date(as_of)
    with loading_progress() as progress:
        loaded, problems = validate_repository(repo or GLOBALS.repo, d, policy_checks(), progress)
    if fmt is ProblemFormat.text:
        text = render.render_text(problems)
    elif fmt is ProblemFormat.json:
        text = render.render_json(problems)
    elif fmt is ProblemFormat.github:
        text = render.render_github(problems)
    else:
        from tlt.render import ci_formats  # SARIF and JUnit

        files = ["tlt.yaml", *loaded.role_files, *loaded.teacher_files]
        text = (
            ci_formats.render_sarif(problems)
            if fmt is ProblemFormat.sarif
            else ci_formats.render_junit(problems, files)
        )
    write_output(text, output, loaded)
    if not GLOBALS.quiet:
        message(render.summary(problems))
    raise typer.Exit(1 if any(p.is_error for p in problems) else 0)
