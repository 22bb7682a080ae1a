"""Colour rules of SPEC 13 (issue 14, deliverable 4): a non-empty NO_COLOR and --no-color remove colours;
TERM=dumb and a stdout that is not a terminal remove every escape; a non-empty FORCE_COLOR turns colour on when
stdout is not a terminal (NO_COLOR, --no-color and TERM=dumb still win).

Before the fix TERM=dumb still got colour on a terminal, an empty NO_COLOR turned colour off, and FORCE_COLOR
was ignored. The terminal cases run the console script in a pseudo-terminal; `expiring` on examples/bps as of
2030-09-01 lists expired documents, which colour shows in red."""

from __future__ import annotations

import os
import pty
import re
import subprocess
from pathlib import Path

import pytest

BPS = Path(__file__).resolve().parent.parent / "examples" / "bps"
ARGS = ["-C", str(BPS), "expiring", "--as-of", "2030-09-01", "--format", "table"]
SGR = re.compile(rb"\x1b\[([0-9;]*)m")


def colours(out: bytes | str) -> set[int]:
    """The colour codes (foreground and background) of the SGR escapes in `out`: bold and italic are not colours."""
    data = out.encode() if isinstance(out, str) else out
    codes = {int(c) for params in SGR.findall(data) for c in params.split(b";") if c}
    return {c for c in codes if 30 <= c <= 49 or 90 <= c <= 107}


RED = 31


def _in_terminal(tlt_exe: str, env: dict[str, str], extra: tuple[str, ...] = ()) -> bytes:
    """What `tlt ARGS` writes to a pseudo-terminal (stdout and stderr both the terminal)."""
    base = {k: v for k, v in os.environ.items() if k not in ("NO_COLOR", "FORCE_COLOR", "TLT_DEBUG")}
    full = {**base, "TERM": "xterm-256color", "COLUMNS": "120", "TLT_PAGER": "cat", **env}
    controller, terminal = pty.openpty()
    with subprocess.Popen([tlt_exe, *ARGS, *extra], stdin=terminal, stdout=terminal, stderr=terminal, env=full) as proc:
        os.close(terminal)
        out = b""
        while True:
            try:
                chunk = os.read(controller, 65536)
            except OSError:  # EIO: the terminal's other end closed
                break
            if not chunk:
                break
            out += chunk
        assert proc.wait(timeout=60) == 0, out[-500:]
    os.close(controller)
    assert b"expired" in out
    return out


def test_terminal_gets_colour(tlt_exe):
    assert RED in colours(_in_terminal(tlt_exe, {}))


def test_empty_no_color_is_not_set(tlt_exe):
    assert RED in colours(_in_terminal(tlt_exe, {"NO_COLOR": ""}))


@pytest.mark.parametrize(("env", "extra"), [({"NO_COLOR": "1"}, ()), ({}, ("--no-color",))])
def test_no_color_removes_colours(tlt_exe, env, extra):
    assert colours(_in_terminal(tlt_exe, env, extra)) == set()  # bold and italic may stay


def test_dumb_terminal_gets_no_escape(tlt_exe):
    assert b"\x1b" not in _in_terminal(tlt_exe, {"TERM": "dumb"})


def test_not_a_terminal_gets_no_escape(run):
    code, out, _ = run(ARGS, env={"NO_COLOR": None})
    assert code == 0 and "\x1b" not in out


def test_force_color_when_not_a_terminal(run):
    code, out, _ = run(ARGS, env={"NO_COLOR": None, "FORCE_COLOR": "1"})
    assert code == 0 and RED in colours(out)


@pytest.mark.parametrize(
    ("env", "extra"),
    [({"FORCE_COLOR": "1", "NO_COLOR": "1"}, []), ({"FORCE_COLOR": "1", "TERM": "dumb"}, []),
     ({"FORCE_COLOR": "1"}, ["--no-color"]), ({"FORCE_COLOR": ""}, [])],
)  # fmt: skip
def test_force_color_loses(run, env, extra):
    code, out, _ = run([*ARGS, *extra], env={"NO_COLOR": None, **env})
    assert code == 0 and "\x1b" not in out
