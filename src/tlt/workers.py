"""Work spread over the machine's cores.

`map_shares`: map-reduce over shares of the teacher files. One forked child per share beyond the first loads its
share and answers a question about it (its problems, its role holders, its eligibility rows); this process does
the first share meanwhile. Only the answers cross back (pickled through a pipe), never the model: shipping
parsed files between processes costs what the second core gains (measured: see docs/performance.md).

Set TLT_JOBS=1 to stay in one process; TLT_SHARE_MIN_FILES changes how many teacher files make sharing worth a
fork (tests set it low to run the shared path on small repositories).
"""

from __future__ import annotations

import contextlib
import os
import pickle
import signal
from collections.abc import Callable
from typing import TypeVar

from tlt.loading.parallel import jobs

T = TypeVar("T")

#: Load in shares from this many teacher files: below it a fork costs more than the second core gains.
SHARE_MIN_FILES = 4000


def share_count(files: int) -> int:
    """How many shares to load `files` teacher files in: one per core when there are enough of them."""
    env = os.environ.get("TLT_SHARE_MIN_FILES", "")
    threshold = int(env) if env.isdigit() else SHARE_MIN_FILES
    if files < max(threshold, 2) or not hasattr(os, "fork"):
        return 1
    return max(1, min(jobs(), files))


def map_shares(run: Callable[[int, list[str]], T], shares: list[list[str]]) -> list[T]:
    """`run(index, share)` for every share, each but the first in a forked child; the answers in order.

    A child that fails reports its error's type and message (no traceback, no data) and the whole call raises
    `RuntimeError`; a child that dies without answering too. Children never touch stdout, stderr or atexit."""
    if len(shares) == 1:
        return [run(0, shares[0])]
    children: list[tuple[int, int]] = []
    try:
        for index, share in enumerate(shares[1:], start=1):
            read_end, write_end = os.pipe()
            pid = os.fork()
            if pid == 0:  # the child: answer, write, leave without running anything of the parent's
                os.close(read_end)
                code = 0
                try:
                    payload = pickle.dumps((True, run(index, share)), protocol=pickle.HIGHEST_PROTOCOL)
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
        first = run(0, shares[0])
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
