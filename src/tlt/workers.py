"""Work spread over the machine's cores after the repository is loaded: forked workers inherit the loaded model
(nothing is pickled but the task and its text result) and run pure Python on it.

Only pure-Python work runs in a forked worker (judging, rendering): the Rust extensions used while loading are
never called there. Set TLT_JOBS=1 to stay in one process.
"""

from __future__ import annotations

import multiprocessing
from collections.abc import Callable, Iterable, Iterator
from typing import Any

from tlt.loading.parallel import jobs

_TASK: Callable[[Any], str] | None = None


def _run(item: Any) -> str:
    assert _TASK is not None
    return _TASK(item)


def fork_map(task: Callable[[Any], str], items: Iterable[Any], parallel: bool = True) -> Iterator[str]:
    """`task(item)` for each item, in order; on forked workers when `parallel` and there are cores to use."""
    global _TASK
    items = list(items)
    workers = min(jobs(), len(items))
    if not parallel or workers < 2 or "fork" not in multiprocessing.get_all_start_methods():
        for item in items:
            yield task(item)
        return
    _TASK = task
    try:
        with multiprocessing.get_context("fork").Pool(workers) as pool:
            yield from pool.imap(_run, items)
    finally:
        _TASK = None
