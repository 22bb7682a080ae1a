"""`on_a_terminal`: run the installed `tlt` with its stdout on a pseudo-terminal (`pty`), as a coordinator does.
A plain module (like goldens.py): `from terminal import on_a_terminal`."""

from __future__ import annotations

import os
import subprocess

import pytest


def on_a_terminal(tlt_exe: str, args: list[str], env: dict[str, str], piped: bool = False) -> tuple[int, str, str]:
    """Run the installed `tlt` with stdout on a pseudo-terminal (or a pipe); (exit status, stdout, stderr)."""
    pty = pytest.importorskip("pty")
    full = {**os.environ, "NO_COLOR": "1", "COLUMNS": "80", "TERMINAL_WIDTH": "80", "LINES": "24", **env}
    for name in [k for k, v in full.items() if v is None]:
        del full[name]
    if piped:
        done = subprocess.run([tlt_exe, *args], capture_output=True, env=full, timeout=60, check=False)
        return done.returncode, done.stdout.decode(), done.stderr.decode()
    leader, follower = pty.openpty()
    with subprocess.Popen([tlt_exe, *args], stdout=follower, stderr=subprocess.PIPE, env=full) as proc:
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
    return proc.returncode, b"".join(chunks).decode("utf-8").replace("\r\n", "\n"), err
