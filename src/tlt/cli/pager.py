"""Output longer than the screen through a pager, as git does (SPEC section 13).

The pager is `$TLT_PAGER`, else `$PAGER`, else `less -FRX` (an empty value or `cat`: no pager); with `LESS` and `LV`
set as git sets them when they are not. `Paged` is the stream a command writes its data to when stdout is a
terminal: it holds the text until it is longer than the screen (lines as the terminal shows them: a line wider than
the screen takes several, `rich.cells.cell_len` measures them), then starts the pager and feeds it everything, the
rest as it comes. Output that fits the screen is printed as it is, and so is everything when the pager cannot be
started (not found, not executable: a message on stderr says so) or ends in failure (a status other than 0):
output is never lost. A reader that quits early (`q` in less) ends the writing quietly.

The command line is split as a shell would (`shlex`) and run without a shell. May import nothing of tlt.
"""

from __future__ import annotations

import contextlib
import os
import re
import shlex
import shutil
import subprocess
import sys
from collections.abc import Callable
from typing import TextIO

from rich.cells import cell_len

DEFAULT = "less -FRX"
_ANSI = re.compile(r"\x1b\[[0-9;?]*[A-Za-z]")


def pager_command(environ: dict[str, str] | os._Environ[str] | None = None) -> tuple[list[str], str] | None:
    """The pager's arguments and where they came from (`$TLT_PAGER`, `$PAGER` or the default), or None for no
    pager (an empty value, or `cat`, as git reads them)."""
    env = os.environ if environ is None else environ
    for name in ("TLT_PAGER", "PAGER"):
        if name in env:
            value, source = env[name], f"${name}"
            break
    else:
        value, source = DEFAULT, "the default pager"
    try:
        argv = shlex.split(value)
    except ValueError:
        argv = value.split()
    if not argv or argv == ["cat"]:
        return None
    return argv, source


def screen_lines(text: str, width: int) -> int:
    """How many lines of a `width`-column terminal `text` takes (colour codes take none)."""
    total = 0
    for line in text.split("\n"):
        cells = cell_len(_ANSI.sub("", line))
        total += max(1, -(-cells // width))
    return total - (1 if text.endswith("\n") else 0)


class Paged:
    """A text stream to stdout that goes through the pager once it is longer than `height` lines of `width`
    columns. `close()` ends it: what fits is printed; the pager is waited for."""

    def __init__(self, width: int, height: int, out: TextIO | None = None, warn: Callable[[str], None] | None = None):
        self.width = max(1, width)
        self.height = max(1, height)
        self.out = out if out is not None else sys.stdout
        self.warn = warn or (lambda text: print(text, file=sys.stderr))
        self.held: list[str] = []  # everything written, until the pager has ended well
        self.lines = 0  # screen lines of the complete lines held, until the pager starts
        self.tail = ""  # the line begun and not ended yet
        self.process: subprocess.Popen[str] | None = None
        self.direct = False  # printing directly (no pager wanted, or it could not start)
        self.gone = False  # the pager stopped reading (quit early)
        self.command = pager_command()

    @property
    def encoding(self) -> str:
        return "utf-8"

    def isatty(self) -> bool:
        return True

    def write(self, text: str) -> int:
        if self.direct:
            return self.out.write(text)
        self.held.append(text)
        if self.process is not None:
            self._feed(text)
        else:
            *complete, self.tail = (self.tail + text).split("\n")
            self.lines += sum(screen_lines(line, self.width) for line in complete)
            if self.lines + (screen_lines(self.tail, self.width) if self.tail else 0) > self.height - 1:
                self._start()  # one line stays for the prompt, as less keeps one
        return len(text)

    def flush(self) -> None:
        if self.direct:
            self.out.flush()

    def _start(self) -> None:
        if self.command is None:
            self._print_held()
            return
        argv, source = self.command
        env = dict(os.environ)
        env.setdefault("LESS", "FRX")  # as git: less quits on one screen, keeps colours, leaves the screen
        env.setdefault("LV", "-c")
        program = shutil.which(argv[0])
        try:
            if program is None:
                raise FileNotFoundError(argv[0])
            self.process = subprocess.Popen(
                [program, *argv[1:]], stdin=subprocess.PIPE, env=env, text=True, encoding="utf-8", errors="replace"
            )
        except OSError as exc:
            self.warn(f"tlt: cannot run the pager {shlex.join(argv)!r} ({source}): {exc.strerror or 'not found'}")
            self._print_held()
            return
        self._feed("".join(self.held))

    def _feed(self, text: str) -> None:
        if self.gone or self.process is None or self.process.stdin is None:
            return
        try:
            self.process.stdin.write(text)
        except (BrokenPipeError, OSError):
            self.gone = True

    def _print_held(self) -> None:
        self.direct = True
        self.out.write("".join(self.held))
        self.held = []

    def close(self) -> None:
        if self.process is None:
            if not self.direct:
                self._print_held()
            self.out.flush()
            return
        process = self.process
        if process.stdin is not None:
            with contextlib.suppress(BrokenPipeError, OSError):
                process.stdin.close()
        while True:
            try:
                status = process.wait()
                break
            except KeyboardInterrupt:  # ^C reaches the pager too; it decides when to end (as git waits for it)
                continue
        if status != 0:
            argv, source = self.command or ([DEFAULT], "")
            self.warn(f"tlt: the pager {shlex.join(argv)!r} ({source}) failed (exit status {status}); printing instead")
            self._print_held()
            self.out.flush()
