"""Reading files one after another with the next ones opened ahead: the same documents, less waiting for a disk.

`read_ahead(source)` is a working tree (`FileSource`) whose `stream` goes through `read_many`; any other source
(a tree of blobs) is returned as it is.
"""

from __future__ import annotations

import os
from collections import deque
from collections.abc import Callable, Iterator
from itertools import islice
from pathlib import Path

from tlt.loading.safeyaml import Document, open_ahead, parse_bytes, read_document
from tlt.loading.sources import FileSource, Listing, Parse, Source


def read_ahead(source: Source) -> Source:
    """`source`, its files read ahead when it is the working tree."""
    return ReadAhead(source) if isinstance(source, FileSource) else source


class ReadAhead:
    """A `FileSource` that reads ahead: the same listings, the same documents."""

    def __init__(self, source: FileSource) -> None:
        self.source = source
        self.root: Path = source.root

    def folder(self, folder: str) -> Listing | str:
        return self.source.folder(folder)

    def read(self, paths: list[str], parse: Parse = parse_bytes) -> list[Document]:
        return self.source.read(paths, parse)  # what the pipeline reads alone (tlt.yaml): nothing to read ahead of

    def stream(self, paths: list[str], parse: Parse = parse_bytes) -> Iterator[Document]:
        return read_many(str(self.root), self.source.files(paths), parse)


def read_many(
    root: str, items: list[tuple[str, str]], parse: Callable[[bytes, str], Document] = parse_bytes
) -> Iterator[Document]:
    """`read_document` for (absolute file, relative path) items in order, each file's bytes given to `parse`;
    the next `READ_AHEAD` files are opened ahead and their reading started (`open_ahead`), so that a page cache
    gone cold costs no waiting (docs/performance.md, "Reading ahead"). With the files cached it costs one system
    call a file."""
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
