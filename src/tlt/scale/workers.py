"""Work spread over the machine's cores: worker processes, forked from this one.

`map_queued`: batches of the teacher files handed out one at a time to this process and forked children, each
answering a question about its batch (its problems, its role holders, its eligibility rows). Only the answers
cross back (pickled through a pipe, by `map_processes`), never the model: shipping parsed files between
processes costs what the second core gains (docs/performance.md, "Figures behind the code").

Set TLT_JOBS=1 to stay in one process; TLT_FORK_MIN_FILES changes how many teacher files make more processes
worth a fork (tests set it low to run that path on small repositories).
"""

from __future__ import annotations

import contextlib
import os
import pickle
import signal
import sys
import threading
from collections.abc import Callable
from functools import cache
from typing import Any, TypeVar

T = TypeVar("T")


def jobs() -> int:
    """The processes to use: TLT_JOBS when set (1 = stay in one process), else the cores this process may run on."""
    env = os.environ.get("TLT_JOBS", "")
    if env.isdigit() and int(env) > 0:
        return int(env)
    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else (os.cpu_count() or 1)


#: Use more processes from this many teacher files: below it a fork costs more than the second core gains.
FORK_MIN_FILES = 4000


def process_count(files: int) -> int:
    """How many processes to load `files` teacher files on: one per core when there are enough of them."""
    # TLT_SHARE_MIN_FILES: the name it had before issue 13, still read
    env = os.environ.get("TLT_FORK_MIN_FILES", os.environ.get("TLT_SHARE_MIN_FILES", ""))
    threshold = int(env) if env.isdigit() else FORK_MIN_FILES
    if files < max(threshold, 2) or not hasattr(os, "fork"):
        return 1
    return max(1, min(jobs(), files))


#: The work queue of `map_queued` is a pipe filled before any process reads it: at most this many batches.
MAX_BATCHES = 16_000


def map_queued(run: Callable[[int], T], count: int, processes: int) -> list[T]:
    """`run(k)` for k in range(count), on `processes` processes (this one and forked children), the answers in
    order of k. Batches are handed out one at a time from a queue, so a process on a slower core simply does
    fewer (this VM's two cores are often uneven); each process keeps its answers and sends them back at the end.

    The queue is a pipe holding every batch number (4 bytes each, written before any process starts): a read of
    4 bytes from a pipe is never split, so each number goes to exactly one process."""
    if processes <= 1 or count <= 1:
        return [run(k) for k in range(count)]
    if count > MAX_BATCHES:
        raise ValueError(f"at most {MAX_BATCHES} batches")
    read_end, write_end = os.pipe()
    try:
        os.write(write_end, b"".join(k.to_bytes(4, "little") for k in range(count)))  # fits the pipe's buffer
    finally:
        os.close(write_end)

    def take(process: int) -> list[tuple[int, T]]:
        done = []
        while item := os.read(read_end, 4):
            k = int.from_bytes(item, "little")
            done.append((k, run(k)))
        return done

    try:
        per_process = map_processes(take, min(processes, count))
    finally:
        os.close(read_end)
    return [answer for _, answer in sorted((pair for pairs in per_process for pair in pairs), key=lambda p: p[0])]


def map_processes(run: Callable[[int], T], processes: int) -> list[T]:
    """`run(index)` for index in range(processes), each but the first in a forked child; the answers in order.

    A child that fails reports its error's type and message (no traceback, no data) and the whole call raises
    `RuntimeError`; a child that dies without answering too. Children never touch stdout, stderr or atexit, and
    they end with this process however it ends (`_die_with_parent`)."""
    if processes <= 1:
        return [run(0)]
    children: list[tuple[int, int]] = []
    parent = os.getpid()
    pdeathsig = _pdeathsig()  # looked up here, once: the children only call it
    # a pipe only this process holds open for writing: a child sees its end when this process ends
    life_read, life_write = os.pipe()
    try:
        for index in range(1, processes):
            read_end, write_end = os.pipe()
            pid = os.fork()
            if pid == 0:  # the child: answer, write, leave without running anything of the parent's
                os.close(read_end)
                os.close(life_write)
                _die_with_parent(parent, pdeathsig, life_read)
                code = 0
                try:
                    payload = pickle.dumps((True, run(index)), protocol=pickle.HIGHEST_PROTOCOL)
                except BaseException as exc:  # noqa: BLE001 - every failure must reach the parent
                    payload = pickle.dumps((False, f"{type(exc).__name__}: {exc}"))
                    code = 1
                try:
                    with os.fdopen(write_end, "wb") as pipe:
                        pipe.write(payload)
                finally:
                    os._exit(code)
            os.close(write_end)
            children.append((pid, read_end))
        first = run(0)
        answers = [first]
        while children:
            pid, read_end = children[0]
            with os.fdopen(read_end, "rb") as pipe:
                payload = pipe.read()
            os.waitpid(pid, 0)
            del children[0]  # read and reaped: nothing of it is left to clean up
            if not payload:
                raise RuntimeError("a worker process ended without an answer")
            ok, value = pickle.loads(payload)
            if not ok:
                raise RuntimeError(f"a worker process failed: {value}")
            answers.append(value)
        return answers
    finally:
        for pid, read_end in children:  # on failure here: no child left behind, none left running
            with contextlib.suppress(OSError):
                os.close(read_end)
            with contextlib.suppress(OSError):
                os.kill(pid, signal.SIGTERM)
            with contextlib.suppress(OSError):
                os.waitpid(pid, 0)
        for fd in (life_read, life_write):
            with contextlib.suppress(OSError):
                os.close(fd)


def _die_with_parent(parent: int, pdeathsig: Callable[[], bool] | None, life_read: int) -> None:
    """Make this forked worker end as soon as `parent` does, whatever ends it: a SIGTERM, SIGHUP or SIGKILL
    leaves the parent no chance to end its children (its `finally` never runs), and a worker left behind went on
    computing its remaining batches for seconds (issue 12).

    On Linux the kernel sends the worker SIGKILL when the parent ends (prctl PR_SET_PDEATHSIG); the parent may
    have ended before that request was made, hence the check of the parent's id after it. Everywhere, a thread
    also waits on a pipe whose write end only the parent holds (each worker closes its copy at once): its read
    returns when the parent is gone, and the worker leaves. A daemon thread blocked in a read costs nothing."""
    if pdeathsig is not None:
        pdeathsig()
    if os.getppid() != parent:
        os._exit(1)

    def watch() -> None:
        with contextlib.suppress(OSError):
            while os.read(life_read, 1):
                pass
        os._exit(1)

    threading.Thread(target=watch, name="tlt-parent-watch", daemon=True).start()


@cache
def _pdeathsig() -> Callable[[], bool] | None:
    """A call asking the kernel to SIGKILL this process when its parent ends (Linux's prctl), or None."""
    if not sys.platform.startswith("linux"):
        return None
    try:
        import ctypes

        prctl: Any = ctypes.CDLL(None, use_errno=True).prctl
    except (OSError, AttributeError):
        return None
    pr_set_pdeathsig = 1  # <linux/prctl.h>
    return lambda: bool(prctl(pr_set_pdeathsig, int(signal.SIGKILL), 0, 0, 0) == 0)
