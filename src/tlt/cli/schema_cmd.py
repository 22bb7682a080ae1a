"""`tlt schema role|teacher|config|import`: print a JSON Schema as tlt publishes it (`tlt.schema.published`)."""

from __future__ import annotations

import enum
from typing import Annotated

import typer

from tlt.cli.app import app
from tlt.cli.common import OutputOpt, clean_errors, write_output
from tlt.render.rows import to_json
from tlt.schema import published_schema


class SchemaName(str, enum.Enum):
    role = "role"
    teacher = "teacher"
    config = "config"
    import_ = "import"


@app.command()
@clean_errors
def schema(
    name: Annotated[
        SchemaName,
        typer.Argument(help="role, teacher, config (tlt.yaml) or import (a `tlt import` map).", case_sensitive=False),
    ],
    output: OutputOpt = None,
) -> None:
    """Print the JSON Schema (draft 2020-12) for role files, teacher files, tlt.yaml or `tlt import` maps.

    Examples:

      tlt schema teacher > teacher.schema.json
    """
    write_output(to_json(published_schema(name.value)), output)
