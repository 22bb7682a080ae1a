"""Worker processes die with tlt (issue 12, item 9): whatever ends the process that forked them — SIGTERM,
SIGINT, SIGHUP, or SIGKILL, which no handler sees — no worker goes on computing.

Each test runs the real console script on a repository written by benchmarks/generate.py, on the reference
parsers (TLT_REFERENCE_ONLY=1: about 1.5 ms a file, so each worker has seconds of work ahead of it), waits until
the forked worker exists and has started, signals tlt alone (not its process group), and then gives the worker a
moment to go. Before the fix a worker left behind went on for the rest of its batches (2-4 s here).
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parent.parent
TEACHERS = 5000

pytestmark = pytest.mark.skipif(not sys.platform.startswith("linux"), reason="reads /proc to find the workers")


@pytest.fixture(scope="module")
def repo(tmp_path_factory: pytest.TempPathFactory, project_script: Any) -> Path:
    module = project_script("benchmarks/generate.py")
    root = tmp_path_factory.mktemp("signals") / "repo"
    module.generate(TEACHERS, root, seed=5)
    return root


def _children(pid: int) -> list[int]:
    """The live processes whose parent is `pid` (zombies are dead: a container's init may never reap them)."""
    found = []
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            stat = Path(f"/proc/{entry}/stat").read_text()
        except OSError:
            continue
        state, ppid = stat.rsplit(")", 1)[1].split()[:2]
        if int(ppid) == pid and state != "Z":
            found.append(int(entry))
    return found


def _alive(pid: int) -> bool:
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return False
    return stat.rsplit(")", 1)[1].split()[0] != "Z"


def _cpu_ticks(pid: int) -> int:
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return 0
    return int(fields[11]) + int(fields[12])  # utime + stime


@pytest.mark.parametrize("signum", [signal.SIGTERM, signal.SIGINT, signal.SIGHUP, signal.SIGKILL])
@pytest.mark.parametrize("command", [["validate"], ["check-eligibility", "--all", "--format", "csv"]])
def test_workers_die_with_tlt(repo: Path, tlt_exe: str, signum: int, command: list[str]) -> None:
    env = {
        **os.environ,
        "TLT_REFERENCE_ONLY": "1",  # seconds of work a worker: a worker left behind is seen computing
        "TLT_JOBS": "2",
        "TLT_FORK_MIN_FILES": "2",
        "TLT_BATCH": "200",
        "NO_COLOR": "1",
    }
    env.pop("TLT_DEBUG", None)
    proc = subprocess.Popen(
        [tlt_exe, "-q", "-C", str(repo), *command, "--as-of", "2026-03-02"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        env=env,
        start_new_session=True,  # its own process group: the test signals tlt alone, and cleans up the group
    )
    workers: list[int] = []
    try:
        deadline = time.monotonic() + 30
        while not workers and time.monotonic() < deadline and proc.poll() is None:
            workers = _children(proc.pid)
            time.sleep(0.01)
        assert workers, "tlt forked no worker"
        while max(_cpu_ticks(w) for w in workers) < 20 and time.monotonic() < deadline:  # 0.2 s of CPU: working
            time.sleep(0.01)
        assert all(_alive(w) for w in workers), "the worker ended before it was signalled; give it more work"
        os.kill(proc.pid, signum)
        proc.wait(timeout=10)
        gone_by = time.monotonic() + 1.0
        while any(_alive(w) for w in workers) and time.monotonic() < gone_by:
            time.sleep(0.01)
        left = [w for w in workers if _alive(w)]
        assert left == [], f"worker(s) {left} still running after tlt got signal {signum}"
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
        for w in workers:
            if _alive(w):
                os.kill(w, signal.SIGKILL)
