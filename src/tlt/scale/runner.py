"""The pipeline's runner on every core (`ScaledRunner`, installed by `tlt.scale.install`): the plain
`pipeline.Runner`'s answers, faster.

`map_batches` cuts the teacher files in batches (`tlt.scale.batches`) and hands them out one at a time to this
process and one forked child per extra core (`tlt.scale.workers`); each process loads its batch
(`pipeline.load_batch`), answers `work(batch)` and lets the batch go. A process on a slower core simply takes
fewer batches; the answers come back in batch order, so in id order. A small repository, or one core, is one
process. Both loops read the working tree ahead (`tlt.scale.read_ahead`) and run with the garbage collector
paused (`gc_paused`).
"""

from __future__ import annotations

import gc
import os
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import TypeVar

from tlt.loading.sources import Source
from tlt.pipeline import Batch, Keep, Progress, Repository, Runner, load_batch
from tlt.scale.batches import cut_batches
from tlt.scale.read_ahead import read_ahead
from tlt.scale.workers import map_queued, process_count

T = TypeVar("T")


class ScaledRunner(Runner):
    """`pipeline.Runner`, on every core, reading ahead, the garbage collector paused."""

    def load(self, source: Source, load: Callable[[Source], T]) -> T:
        with gc_paused():
            return load(read_ahead(source))

    def map_batches(
        self,
        base: Repository,
        source: Source,
        paths: list[str],
        work: Callable[[Batch], T],
        keep: Keep = None,
        progress: Progress | None = None,
    ) -> list[T]:
        with gc_paused():
            source = read_ahead(source)
            processes = process_count(len(paths))
            batches = cut_batches(paths, processes)
            parent = os.getpid()
            # only this process draws progress (a forked child must not touch the bar); its batches stand for all
            scaled = None if progress is None else (lambda n=1, total=None: progress(n * processes, total))

            def run(k: int) -> T:
                shown = scaled if os.getpid() == parent else None
                return work(load_batch(base, source, batches[k], keep, shown))

            return map_queued(run, len(batches), processes if len(batches) > 1 else 1)


@contextmanager
def gc_paused() -> Iterator[None]:
    """The cyclic garbage collector paused meanwhile, and what was made frozen after: the model is millions of
    small acyclic objects that it would otherwise traverse again and again, and later collections need not walk
    what was loaded (docs/performance.md, "Figures behind the code")."""
    paused = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if paused:
            gc.enable()
        gc.freeze()
