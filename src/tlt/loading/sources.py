"""Where the pipeline reads a repository's files from: the working tree (`FileSource`) or a tree of blobs held
in memory or read from git (`TreeSource`). Both give the same answers to the same two questions — "which data
files are in this folder?" and "parse these files" — so every check of SPEC section 7 applies to both.

A `TreeSource` never touches the disk: its entries are paths (relative to the data repository's root, `/`
separators) mapped to a regular file (size and a key to fetch its bytes) or a symbolic link, which is never
followed. Sizes are known before any byte is fetched, so a file over 1 MiB is reported without being read.

Imports `tlt.loading.safeyaml`, `tlt.loading.repository` and `tlt.problems`.
"""

from __future__ import annotations

import os
import posixpath
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Protocol

from tlt.loading.repository import DATA_SUFFIXES, data_files, inside, relpath
from tlt.loading.safeyaml import MAX_BYTES, Document, parse_bytes, read_document
from tlt.problems import error

#: What turns a file's bytes into a document: (bytes, path as shown) → document.
Parse = Callable[[bytes, str], Document]

#: A folder named in tlt.yaml that leaves the repository / is not a folder / is a symbolic link.
OUTSIDE, MISSING, LINK = "outside", "missing", "link"

LINK_IN_TREE = "a symbolic link; links are not followed in a git revision"
LINK_IN_INDEX = "a symbolic link; links are not followed in git's index (stage the file itself)"


@dataclass
class Listing:
    """The data files of one folder (paths relative to the root, sorted) and the links that were not followed."""

    files: list[str] = field(default_factory=list)
    skipped: list[tuple[str, str]] = field(default_factory=list)  # (path, message)


class Source(Protocol):
    root: Path

    def folder(self, folder: str) -> Listing | str:
        """The listing of `folder` (as written in tlt.yaml), or OUTSIDE, MISSING or LINK."""
        ...

    def read(self, paths: list[str], parse: Parse = parse_bytes) -> list[Document]:
        """These files (paths relative to the root), in order, each file's bytes given to `parse` (the pipeline
        passes its reader, bound to the files' kind). Never raises for bad input."""
        ...


class FileSource:
    """The working tree under `root`: file symlinks are followed only inside it, folder symlinks never."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self._files: dict[str, str] = {}

    def folder(self, folder: str) -> Listing | str:
        if not os.path.isabs(folder) and (self.root / folder).is_symlink():
            return LINK
        target = inside(self.root, folder)
        if target is None:
            return OUTSIDE
        if not target.is_dir():
            return MISSING
        files, real, skipped = data_files(self.root, target)
        listing = Listing()
        self._files.update(real)
        listing.files = files
        listing.skipped = [(relpath(self.root, path), why) for path, why in skipped]
        return listing

    def read(self, paths: list[str], parse: Parse = parse_bytes) -> list[Document]:
        return list(self.stream(paths, parse))

    def stream(self, paths: list[str], parse: Parse = parse_bytes) -> Iterator[Document]:
        """Like `read`, but yields each document as soon as it is parsed (the model is built meanwhile)."""
        root = str(self.root)
        return (read_document(file, rel, root, None, parse) for file, rel in self.files(paths))

    def files(self, paths: list[str]) -> list[tuple[str, str]]:
        """(the file to open, the path as shown) for each of `paths`: a listed file where the listing found it."""
        root = str(self.root)
        files = self._files
        return [(files[rel] if rel in files else os.path.join(root, rel), rel) for rel in paths]


@dataclass(frozen=True)
class Entry:
    """One entry of a tree: a regular file of `size` bytes (fetched by `key`), or a symbolic link."""

    size: int
    key: str = ""
    link: bool = False


class TreeSource:
    """A repository as a tree of entries, fetched in one batch by `fetch(keys) -> {key: bytes}`. A link is a
    `file` problem saying `link_message` (where the tree came from: a revision, git's index)."""

    def __init__(
        self,
        root: Path,
        entries: Mapping[str, Entry],
        fetch: Callable[[list[str]], Mapping[str, bytes]],
        link_message: str = LINK_IN_TREE,
    ):
        self.root = root
        self.entries = dict(entries)
        self._fetch = fetch
        self.link_message = link_message
        self._folders: set[str] = {""}
        for path in self.entries:
            parts = path.split("/")
            for i in range(1, len(parts)):
                self._folders.add("/".join(parts[:i]))

    @classmethod
    def from_bytes(cls, files: Mapping[str, bytes], root: Path | str = ".", links: Iterable[str] = ()) -> TreeSource:
        """A tree held in memory: path → content, plus paths that are symbolic links."""
        entries = {path: Entry(len(data), path) for path, data in files.items()}
        entries.update({path: Entry(0, link=True) for path in links})
        data = dict(files)
        return cls(Path(root), entries, lambda keys: {k: data[k] for k in keys})

    def has(self, path: str) -> bool:
        """Whether the tree holds an entry at `path`: `tlt diff` and `tlt validate --staged` ask it of tlt.yaml."""
        return path in self.entries

    def folder(self, folder: str) -> Listing | str:
        if os.path.isabs(folder) or folder.startswith("\\"):
            return OUTSIDE
        norm = posixpath.normpath(folder)
        if norm == ".." or norm.startswith("../"):
            return OUTSIDE
        norm = "" if norm == "." else norm
        parts = norm.split("/") if norm else []
        for i in range(1, len(parts) + 1):
            entry = self.entries.get("/".join(parts[:i]))
            if entry is not None and entry.link:
                return LINK
        if norm in self.entries:
            return MISSING
        if norm not in self._folders:
            # git cannot hold an empty folder: a folder absent from a revision is an empty one
            return Listing()
        listing = Listing()
        base = f"{norm}/" if norm else ""
        for path in sorted(self.entries):
            if not path.startswith(base):
                continue
            below = path[len(base) :].split("/")
            if any(part.startswith(".") for part in below):
                continue
            if path.endswith(DATA_SUFFIXES):
                listing.files.append(path)
            elif self.entries[path].link:
                listing.skipped.append((path, self.link_message))
        return listing

    def read(self, paths: list[str], parse: Parse = parse_bytes) -> list[Document]:
        wanted = [
            self.entries[p].key
            for p in paths
            if p in self.entries and not self.entries[p].link and self.entries[p].size <= MAX_BYTES
        ]
        blobs = self._fetch(wanted) if wanted else {}
        out = []
        for path in paths:
            entry = self.entries.get(path)
            if entry is None:
                out.append(_problem(path, "not a regular file"))
            elif entry.link:
                out.append(_problem(path, self.link_message))
            elif entry.size > MAX_BYTES:
                out.append(_problem(path, f"the file is {entry.size / (1024 * 1024):.1f} MiB; the limit is 1 MiB"))
            else:
                out.append(parse(blobs[entry.key], path))
        return out


def _problem(path: str, message: str) -> Document:
    return Document(path, None, problems=[error(path, 1, 1, "file", message)])
