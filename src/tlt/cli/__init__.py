"""The command line: Typer app, options in, one library call, render, exit code. Computes nothing itself."""

from tlt.cli.app import app, main

__all__ = ["app", "main"]
