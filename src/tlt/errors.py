"""Exceptions that end a command cleanly: the CLI prints the message and exits with the code, never a traceback."""

from __future__ import annotations


class TltError(Exception):
    """A command could not run: bad option, unknown id, missing repository. Exit code 2."""

    exit_code = 2


class BrokenRepository(TltError):
    """Files fail to load or break their schema, so a report would silently drop records. Exit code 1."""

    exit_code = 1
