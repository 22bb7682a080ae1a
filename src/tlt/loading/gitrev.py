"""A data repository as it was at a git revision, read through git itself and never from the working tree.

Only plumbing commands run, each with a fixed argument vector (the revision is the only variable and it may
not start with `-`): `git rev-parse` to find the repository and resolve the revision to a commit,
`git ls-tree -r -l -z` to list the data repository's folder at that commit (sizes included, so a blob over
1 MiB is never read), and one `git cat-file --batch` to read the blobs that are needed. None of them touches the
working tree or the index. Symbolic links (mode 120000) are entries that are never followed.

Imports `tlt.loading.sources` and `tlt.errors`.
"""

from __future__ import annotations

import hashlib
import os
import stat
import subprocess
from collections.abc import Iterable, Mapping
from pathlib import Path

from tlt.errors import TltError
from tlt.loading.safeyaml import MAX_BYTES
from tlt.loading.sources import Entry, TreeSource
from tlt.problems import escape_control

_ENV_DROP = ("GIT_DIR", "GIT_WORK_TREE", "GIT_INDEX_FILE", "GIT_OBJECT_DIRECTORY", "GIT_NAMESPACE")


def _env() -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in _ENV_DROP}
    env.update({"LC_ALL": "C", "GIT_TERMINAL_PROMPT": "0", "GIT_OPTIONAL_LOCKS": "0", "GIT_PAGER": "cat"})
    return env


def _git(root: Path, args: list[str], stdin: bytes | None = None) -> subprocess.CompletedProcess[bytes]:
    try:
        return subprocess.run(["git", *args], cwd=root, input=stdin, capture_output=True, env=_env(), check=False)
    except FileNotFoundError:
        raise TltError("git is not installed (tlt diff reads the revision through git)") from None


def _first_line(stderr: bytes) -> str:
    text = stderr.decode("utf-8", "replace").strip().splitlines()
    return escape_control(text[0]) if text else "git failed"


def check_revision(rev: str) -> None:
    if not rev or rev.startswith("-") or any(ord(ch) < 0x20 or ord(ch) == 0x7F for ch in rev):
        raise TltError(f"{escape_control(rev)!r} is not a revision; name a commit such as HEAD, main or a hash")


def _show_prefix(root: Path) -> subprocess.CompletedProcess[bytes]:
    return _git(root, ["rev-parse", "--show-prefix"])


def _prefix_of(done: subprocess.CompletedProcess[bytes]) -> str:
    # only the line end goes: a folder's name may begin or end with a space
    return _display(done.stdout.removesuffix(b"\n"))


def git_prefix(root: Path) -> str:
    """The data repository's folder relative to the top of its git work tree ('' at the top)."""
    done = _show_prefix(root)
    if done.returncode != 0:
        detail = _first_line(done.stderr)
        if "not a git repository" in detail:
            raise TltError(f"{root} is not in a git repository, so there is no revision to compare with")
        raise TltError(f"git cannot read the repository at {root}: {detail}")
    return _prefix_of(done)


def work_tree_prefix(root: Path) -> str | None:
    """`git_prefix`, or None when `root` is not in a git work tree or git is not installed (then there is no
    prefix to add, and nothing to say). Raises TltError when git is there but cannot read the repository."""
    try:
        done = _show_prefix(root)
    except TltError:  # git is not installed
        return None
    if done.returncode != 0:
        detail = _first_line(done.stderr)
        if "not a git repository" in detail:
            return None
        raise TltError(f"git cannot read the repository at {root}: {detail}")
    return _prefix_of(done)


def resolve_commit(root: Path, rev: str) -> str:
    check_revision(rev)
    done = _git(root, ["rev-parse", "--verify", "--quiet", "--end-of-options", f"{rev}^{{commit}}"])
    sha = done.stdout.decode("ascii", "replace").strip()
    if done.returncode != 0 or not sha:
        raise TltError(f"revision {escape_control(rev)!r} does not exist in the git repository at {root}")
    return sha


def _display(raw: bytes) -> str:
    """A path as tlt shows it: UTF-8, and any byte that is not shows as `\\xff` (as in the working tree)."""
    return raw.decode("utf-8", "backslashreplace")


def list_tree(root: Path, commit: str) -> dict[str, Entry]:
    """Every blob and link under the data repository's folder at `commit`, keyed by path relative to it."""
    done = _git(root, ["ls-tree", "-r", "-l", "-z", "--end-of-options", commit])
    if done.returncode != 0:
        raise TltError(f"git cannot list revision {commit[:12]}: {_first_line(done.stderr)}")
    entries: dict[str, Entry] = {}
    for record in done.stdout.split(b"\0"):
        if not record:
            continue
        meta, _, raw_path = record.partition(b"\t")
        fields = meta.split()
        if len(fields) != 4:
            continue
        mode, kind, oid, size = (f.decode("ascii", "replace") for f in fields)
        path = _display(raw_path)
        if kind != "blob":  # a submodule's commit: not part of this repository's data
            continue
        if mode == "120000":
            entries[path] = Entry(0, oid, link=True)
        else:
            entries[path] = Entry(int(size) if size.isdigit() else MAX_BYTES + 1, oid)
    return entries


def read_blobs(root: Path, oids: list[str]) -> Mapping[str, bytes]:
    """The contents of these blobs, read in one `git cat-file --batch`."""
    unique = sorted(set(oids))
    if not unique:
        return {}
    done = _git(root, ["cat-file", "--batch"], stdin="".join(f"{oid}\n" for oid in unique).encode("ascii"))
    if done.returncode != 0:
        raise TltError(f"git cannot read the revision's files: {_first_line(done.stderr)}")
    out: dict[str, bytes] = {}
    data = done.stdout
    pos = 0
    for oid in unique:
        end = data.index(b"\n", pos)
        header = data[pos:end].split()
        pos = end + 1
        if len(header) != 3 or header[1] != b"blob":
            raise TltError(f"git cannot read object {oid[:12]} of the revision")
        size = int(header[2])
        out[oid] = data[pos : pos + size]
        pos += size + 1
    return out


def commit_of(root: Path, rev: str) -> str:
    """The commit `rev` names in the git repository holding `root`; a clear TltError when there is none."""
    check_revision(rev)
    git_prefix(root)  # says clearly when root is not in a git repository
    return resolve_commit(root, rev)


def is_shallow(root: Path) -> bool:
    """Whether the git repository holding `root` is a shallow clone (CI's default checkout: one commit)."""
    try:
        done = _git(root, ["rev-parse", "--is-shallow-repository"])
    except TltError:
        return False
    return done.returncode == 0 and done.stdout.strip() == b"true"


def _blob_id(data: bytes, like: str) -> str:
    """The id git gives a blob of `data`, in the hash of `like` (SHA-1, or SHA-256 in a repository that uses it)."""
    digest = hashlib.sha256 if len(like) == 64 else hashlib.sha1
    return digest(b"blob %d\0" % len(data) + data).hexdigest()


def _unchanged(root: Path, path: str, entry: Entry | None) -> bool:
    """Whether the working tree's `path` has the content of the revision's `entry` (None: the revision lacks it)."""
    full = os.path.join(root, path)
    try:
        info = os.lstat(full)
    except OSError:  # not in the working tree (nor under this name: a name that is not UTF-8 shows escaped)
        return entry is None
    if entry is None:
        return False
    if stat.S_ISLNK(info.st_mode):
        return entry.link and _blob_id(os.readlink(os.fsencode(full)), entry.key) == entry.key
    if entry.link or not stat.S_ISREG(info.st_mode) or info.st_size > 2 * entry.size:
        return False  # (CR LF line ends at most double a file's size)
    with open(full, "rb") as handle:
        data = handle.read()
    # a checkout with core.autocrlf (GitHub's Windows runners) has CR LF where the blob has LF: the same content
    return entry.key in (_blob_id(data, entry.key), _blob_id(data.replace(b"\r\n", b"\n"), entry.key))


def changed_files(root: Path, commit: str, paths: Iterable[str]) -> set[str]:
    """Which of `paths` (relative to the data repository at `root`, as tlt shows them) differ between the working
    tree and `commit`: content that is not the commit's (committed since, staged or not), files the commit lacks
    (untracked ones too) and files the working tree lacks. Reads only these files, and git's listing of the
    commit; git's index is never read, so a file touched but not changed is not changed."""
    wanted = set(paths)
    if not wanted:
        return set()
    entries = list_tree(root, commit)
    return {path for path in wanted if not _unchanged(root, path, entries.get(path))}


def revision_source(root: Path, rev: str) -> tuple[TreeSource, str]:
    """The data repository at `root` as it was at `rev`: (a source for the pipeline, the commit's hash)."""
    check_revision(rev)
    git_prefix(root)  # says clearly when root is not in a git repository
    commit = resolve_commit(root, rev)
    entries = list_tree(root, commit)
    return TreeSource(root, entries, lambda keys: read_blobs(root, keys)), commit
