"""Reading many files on every core: a process pool (spawned: the Rust extensions are not fork-safe) parses chunks of files (the fast path or the
reference path, exactly as one process would) and hands back the parsed documents, while this process builds
the model from the chunks already done.

Used for large folders only (`PARALLEL_MIN_FILES`) on machines with `MIN_CORES` or more; a small repository, or
a 2-core machine, reads in-process, where a pool costs more than it saves (measured: see below). Set TLT_JOBS=1 to read in one process (or TLT_JOBS=N for N workers);
TLT_PARALLEL_MIN_FILES changes the threshold (tests use it to exercise the pool on small repositories).
"""

from __future__ import annotations

import multiprocessing
import os
from collections.abc import Iterator
from typing import Any

from tlt.loading.fastyaml import LazyDocument
from tlt.loading.safeyaml import Document, read_document

PARALLEL_MIN_FILES = 2000
MIN_CORES = 4
CHUNK = 250


def jobs() -> int:
    env = os.environ.get("TLT_JOBS", "")
    if env.isdigit() and int(env) > 0:
        return int(env)
    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else (os.cpu_count() or 1)


def _read_chunk(args: tuple[str, list[tuple[str, str]], str | None]) -> list[tuple[Any, Any]]:
    """In a worker: (data, text) of each file that takes the fast path, else (None, None): plain values only, so
    nothing a file contains can fail to cross back. The parent reads the other files itself."""
    root, items, schema = args
    out: list[tuple[Any, Any]] = []
    for file, rel in items:
        doc = read_document(file, rel, root, schema)
        out.append((doc.data, doc.text) if isinstance(doc, LazyDocument) else (None, None))
    return out


def read_many(root: str, items: list[tuple[str, str]], schema: str | None) -> Iterator[Document]:
    """Parse (absolute file, relative path) items in order, on several processes when there are many."""
    workers = jobs()
    forced = os.environ.get("TLT_PARALLEL_MIN_FILES")
    threshold = int(forced) if forced and forced.isdigit() else PARALLEL_MIN_FILES
    # measured on 2 cores: one parsing worker plus this process building the model is slower than one process
    # (100,000 teachers: 20.7 s against 14.9 s; the pickling costs what the second core gains), so the pool is
    # used from MIN_CORES on, where several workers parse while this process builds
    enough_cores = workers >= MIN_CORES or forced is not None
    if workers < 2 or not enough_cores or len(items) < threshold or schema is None:
        for file, rel in items:
            yield read_document(file, rel, root, schema)
        return
    chunks = [(root, items[i : i + CHUNK], schema) for i in range(0, len(items), CHUNK)]
    # spawn, not fork: the Rust parser and validator keep state that a forked child must not inherit mid-use
    with multiprocessing.get_context("spawn").Pool(max(1, workers - 1)) as pool:  # this process builds the model
        for chunk, results in zip(chunks, pool.imap(_read_chunk, chunks), strict=True):
            for (file, rel), (data, text) in zip(chunk[1], results, strict=True):
                if data is not None:
                    yield LazyDocument(rel, data, text)
                else:
                    yield read_document(file, rel, root, schema)
