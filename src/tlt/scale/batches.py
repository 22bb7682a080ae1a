"""Cutting the teacher files into batches: runs of contiguous file names (so ids), each loaded, asked and let go
by one process (`tlt.scale.runner`). Memory stays that of one batch however large the repository, and a
batch fits a processor's caches where the whole model does not (docs/performance.md, "Figures behind the code").
"""

from __future__ import annotations

import os

from tlt.pipeline import file_stem
from tlt.scale.workers import MAX_BATCHES

#: Teachers per batch: large enough that per-batch work is noise, small enough for caches (TLT_BATCH overrides
#: it; tests use tiny batches).
BATCH = 2000


def cut_batches(paths: list[str], processes: int) -> list[list[str]]:
    """`paths` in batches of `BATCH` (or TLT_BATCH) files, at most `MAX_BATCHES` of them, in file-name order;
    with several processes the last batch of each is cut in four, so that the processes finish close together.
    No paths: one empty batch (the checks still run once)."""
    if not paths:
        return [[]]
    env = os.environ.get("TLT_BATCH", "")
    size = int(env) if env.isdigit() and int(env) > 0 else BATCH
    size = max(size, -(-len(paths) // MAX_BATCHES))
    count = -(-len(paths) // size)
    return split_batches(paths, count, last=processes if processes > 1 else 0, finer=4)


def split_batches(paths: list[str], n: int, last: int = 0, finer: int = 1) -> list[list[str]]:
    """`paths` in file-name order (`teachers/b/t-2.yaml` sorts as `t-2`; equal names in listing order), cut
    into `n` batches of contiguous names, the `last` of them each cut `finer` times finer: processes that take
    batches from a queue then end within a small batch of each other. Files with the same name (so the same id)
    stay in one batch."""
    order = sorted(paths, key=file_stem)  # a stable sort: equal names stay in listing order
    if n <= 1 or len(paths) < 2:
        return [order]
    size = -(-len(order) // n)
    last = min(last, n - 1) if finer > 1 else 0
    sizes = [size] * (n - last) + [max(1, size // finer)] * (last * finer)
    batches: list[list[str]] = []
    start, k = 0, 0
    while True:
        end = start + sizes[min(k, len(sizes) - 1)]
        while end < len(order) and file_stem(order[end]) == file_stem(order[end - 1]):
            end += 1  # the same name: the same batch
        if end >= len(order):
            batches.append(order[start:])
            return batches
        batches.append(order[start:end])
        start, k = end, k + 1
