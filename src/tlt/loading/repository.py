"""Find the data repository (`tlt.yaml` upward, as git does) and list its data files safely.

Directory symlinks are never descended; a file symlink is handed to the reader, which follows it only inside the
repository. Folders named in tlt.yaml must lie inside the repository.
"""

from __future__ import annotations

import errno
import os
from pathlib import Path

from tlt.errors import TltError

CONFIG_NAME = "tlt.yaml"
DATA_SUFFIXES = (".yaml", ".yml")
LINK_TO_FOLDER = "a symbolic link to a folder; it is not followed"


def find_root(start: str | os.PathLike[str] | None = None) -> Path:
    """The nearest folder at or above `start` (default: the working directory) holding tlt.yaml."""
    here = Path(start) if start is not None else Path.cwd()
    if not here.exists():
        raise TltError(f"no such folder: {here}")
    if not here.is_dir():
        raise TltError(f"not a folder: {here}")
    here = here.resolve()
    for folder in (here, *here.parents):
        if (folder / CONFIG_NAME).is_file() or (folder / CONFIG_NAME).is_symlink():
            return folder
    raise TltError(
        f"no {CONFIG_NAME} found in {here} or any folder above it; run tlt inside a data repository, "
        "pass --repo PATH, or create one with `tlt init PATH`"
    )


def inside(root: Path, folder: str) -> Path | None:
    """`folder` (relative, from tlt.yaml) resolved under root, or None when it would leave the repository."""
    if os.path.isabs(folder):
        return None
    candidate = (root / folder).resolve()
    root_real = root.resolve()
    if candidate != root_real and root_real not in candidate.parents:
        return None
    return candidate


def relpath(root: Path, file: Path | str) -> str:
    """The path shown for `file`: relative to root, and a name that is not UTF-8 shows its bytes as `\\xff`, so no
    output ever carries an undecodable byte."""
    text, base = str(file), str(root)
    if text.startswith(base + os.sep):  # plain string slicing: 100,000 files, no Path objects
        rel = text[len(base) + 1 :].replace(os.sep, "/")
    else:
        rel = Path(file).relative_to(root).as_posix()
    return rel.encode("utf-8", "surrogateescape").decode("utf-8", "backslashreplace")


def data_files(root: Path, folder: Path) -> tuple[list[str], dict[str, str], list[tuple[str, str]]]:
    """The YAML files under folder: (their paths as shown, relative to root with `/` separators, sorted by their
    real names; shown path → the file's own path, for the few files whose own path is not root/shown path (a
    name that is not UTF-8, another separator); (path, why) for each folder whose files were not read: a
    directory symlink, never followed, or a folder that cannot be listed). Plain strings, one per file: a
    statewide folder holds 100,000.

    A folder that cannot be listed (no read permission, a path longer than PATH_MAX, an I/O error) is reported,
    never skipped without a word: os.walk drops it silently unless told (`onerror`), and its teachers would
    have been left out of every report (issue 12)."""
    files: list[str] = []
    real: dict[str, str] = {}  # shown → the file's path, where root/shown is not it
    order: dict[str, str] = {}  # shown → its real name relative to root, where the two differ
    skipped: list[tuple[str, str]] = []
    base = str(root)

    def unlistable(exc: OSError) -> None:
        skipped.append((str(exc.filename) if exc.filename is not None else str(folder), _cannot_list(exc)))

    for dirpath, dirnames, filenames in os.walk(folder, followlinks=False, onerror=unlistable):
        kept = []
        for d in sorted(dirnames):
            if d.startswith("."):
                continue
            if os.path.islink(os.path.join(dirpath, d)):
                skipped.append((os.path.join(dirpath, d), LINK_TO_FOLDER))
                continue
            kept.append(d)
        dirnames[:] = kept
        shown_dir = relpath(root, dirpath) + "/" if dirpath != base else ""
        prefix = dirpath + os.sep
        names = [name for name in filenames if name.endswith(DATA_SUFFIXES) and not name.startswith(".")]
        if os.path.join(base, shown_dir) == prefix and "".join(names).isascii():  # shown paths are the real ones
            files.extend([shown_dir + name for name in names])
            continue
        raw_dir = dirpath.replace(os.sep, "/") + "/"
        for name in names:
            shown = shown_dir + (name if name.isascii() else relpath(Path(dirpath), prefix + name))
            files.append(shown)
            real[shown] = prefix + name
            order[shown] = raw_dir[len(base) + 1 :] + name if raw_dir.startswith(base + "/") else raw_dir + name
    if order:
        files.sort(key=lambda shown: order.get(shown, shown))
    else:
        files.sort()
    return files, real, sorted(skipped)


def _cannot_list(exc: OSError) -> str:
    """Why a folder's files were not read, and what would let them be."""
    if exc.errno == errno.ENAMETOOLONG:
        return (
            "cannot list the folder: its path is longer than this system allows (PATH_MAX), so its files are not "
            "read; use shorter folder names"
        )
    if exc.errno in (errno.EACCES, errno.EPERM):
        return "cannot list the folder (permission denied), so its files are not read; let tlt read the folder"
    return f"cannot list the folder ({exc.strerror or 'error'}), so its files are not read"
