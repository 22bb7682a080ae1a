"""How many processes to use, and reading files one after another.

Several cores are used by loading the teacher files in shares, each share in its own process
(`tlt.workers.map_batches`), not by handing parsed files between processes: measured on 2 cores, a pool that
parsed files for one process to model was slower than one process alone (100,000 teachers: 20.7 s against
14.9 s; pickling the parsed data costs what the second core gains).
"""

from __future__ import annotations

import os
from collections.abc import Iterator

from tlt.loading.safeyaml import Document, read_document


def jobs() -> int:
    """The processes to use: TLT_JOBS when set (1 = stay in one process), else the cores this process may run on."""
    env = os.environ.get("TLT_JOBS", "")
    if env.isdigit() and int(env) > 0:
        return int(env)
    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else (os.cpu_count() or 1)


def read_many(root: str, items: list[tuple[str, str]], schema: str | None) -> Iterator[Document]:
    """Parse (absolute file, relative path) items in order."""
    for file, rel in items:
        yield read_document(file, rel, root, schema)
