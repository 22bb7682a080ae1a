"""How many processes to use, and reading files one after another.

Several cores are used by loading the teacher files in batches, each batch in its own process
(`tlt.workers.map_batches`), not by handing parsed files between processes: pickling the parsed data costs what
the second core gains (docs/performance.md, "Figures behind the code").
"""

from __future__ import annotations

import os
from collections import deque
from collections.abc import Callable, Iterator
from itertools import islice

from tlt.loading.safeyaml import Document, open_ahead, parse_bytes, read_document


def jobs() -> int:
    """The processes to use: TLT_JOBS when set (1 = stay in one process), else the cores this process may run on."""
    env = os.environ.get("TLT_JOBS", "")
    if env.isdigit() and int(env) > 0:
        return int(env)
    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else (os.cpu_count() or 1)


def read_many(
    root: str, items: list[tuple[str, str]], parse: Callable[[bytes, str], Document] = parse_bytes
) -> Iterator[Document]:
    """`read_document` for (absolute file, relative path) items in order, each file's bytes given to `parse`;
    the next `READ_AHEAD` files are opened ahead and their reading started (`open_ahead`), so that a page cache
    gone cold costs no waiting: on this project's VM, whose page cache drops file data left unread for a minute,
    loading 100,000 teachers had waited about a quarter of its time for the disk. With the files cached it costs
    one system call a file."""
    ahead: deque[int | None] = deque()
    upcoming = iter(items)
    try:
        for file, _ in islice(upcoming, READ_AHEAD):
            ahead.append(open_ahead(file))
        for file, rel in items:
            fd = ahead.popleft()
            following = next(upcoming, None)
            if following is not None:
                ahead.append(open_ahead(following[0]))
            yield read_document(file, rel, root, fd, parse)
    finally:  # a reader that stops early leaves no file open
        for fd in ahead:
            if fd is not None:
                os.close(fd)


#: files opened ahead of the one being parsed
READ_AHEAD = 64
