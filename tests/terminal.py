"""`on_a_terminal`: run the installed `tlt` with its stdout on a pseudo-terminal (`pty`), as a coordinator does;
`on_a_pty`, any command so, stdin and stderr too when asked. A plain module (like goldens.py): `from terminal
import on_a_terminal`."""

from __future__ import annotations

import os
import subprocess

import pytest


def on_a_terminal(tlt_exe: str, args: list[str], env: dict[str, str], piped: bool = False) -> tuple[int, str, str]:
    """Run the installed `tlt` with stdout on a pseudo-terminal (or a pipe); (exit status, stdout, stderr)."""
    full = {**os.environ, "NO_COLOR": "1", "COLUMNS": "80", "TERMINAL_WIDTH": "80", "LINES": "24", **env}
    for name in [k for k, v in full.items() if v is None]:
        del full[name]
    if piped:
        done = subprocess.run([tlt_exe, *args], capture_output=True, env=full, timeout=60, check=False)
        return done.returncode, done.stdout.decode(), done.stderr.decode()
    code, out, err = on_a_pty([tlt_exe, *args], full)
    return code, out.decode("utf-8").replace("\r\n", "\n"), err


def on_a_pty(
    command: list[str], env: dict[str, str], stdin: bool = False, stderr: bool = False
) -> tuple[int, bytes, str]:
    """Run `command` with stdout (and with `stdin`, `stderr`, those too) on a pseudo-terminal; (exit status,
    the terminal's bytes as written, stderr when it is not on the terminal)."""
    pty = pytest.importorskip("pty")
    leader, follower = pty.openpty()
    with subprocess.Popen(
        command,
        stdin=follower if stdin else None,
        stdout=follower,
        stderr=follower if stderr else subprocess.PIPE,
        env=env,
    ) as proc:
        os.close(follower)
        chunks = []
        while True:
            try:
                chunk = os.read(leader, 65536)
            except OSError:  # the terminal closed
                break
            if not chunk:
                break
            chunks.append(chunk)
        err = proc.stderr.read().decode() if proc.stderr else ""
        proc.wait(timeout=60)
    os.close(leader)
    return proc.returncode, b"".join(chunks), err
