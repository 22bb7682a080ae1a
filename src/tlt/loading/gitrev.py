"""A data repository as it was at a git revision (`tlt diff`) or as it is staged in git's index
(`tlt validate --staged`), read through git itself and never from the working tree.

Only plumbing commands run, each with a fixed argument vector (the revision is the only variable and it may
not start with `-`): `git rev-parse` to find the repository and resolve the revision to a commit,
`git ls-tree -r -l -z` to list the data repository's folder at that commit (sizes included, so a blob over
1 MiB is never read), and one `git cat-file --batch` to read the blobs that are needed. The index is read the
same way: `git ls-files --stage -z` lists it (modes, blob ids, stages), one `git cat-file --batch-check` gives
the sizes, and the blobs come through the same `git cat-file --batch` (when a path is staged as the empty blob,
two `git diff-index --cached` against HEAD tell a file added with `--intent-to-add`, which is not committed).
None of them writes anything, and none reads the working tree. Symbolic links (mode 120000) are entries that are
never followed.

Imports `tlt.loading.sources` and `tlt.errors`.
"""

from __future__ import annotations

import hashlib
import os
import stat
import subprocess
from collections.abc import Iterable, Iterator, Mapping
from pathlib import Path

from tlt.errors import TltError
from tlt.loading.safeyaml import MAX_BYTES
from tlt.loading.sources import LINK_IN_INDEX, Entry, TreeSource
from tlt.problems import escape_control, shorten_path

LINK_MODE = "120000"
GITLINK_MODE = "160000"  # a submodule's commit, in a tree or the index: not this repository's data

_ENV_DROP = ("GIT_DIR", "GIT_WORK_TREE", "GIT_INDEX_FILE", "GIT_OBJECT_DIRECTORY", "GIT_NAMESPACE")


def _env() -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in _ENV_DROP}
    env.update({"LC_ALL": "C", "GIT_TERMINAL_PROMPT": "0", "GIT_OPTIONAL_LOCKS": "0", "GIT_PAGER": "cat"})
    return env


def _git(
    root: Path, args: list[str], stdin: bytes | None = None, index: str | None = None
) -> subprocess.CompletedProcess[bytes]:
    env = _env()
    if index is not None:
        env["GIT_INDEX_FILE"] = index
    try:
        return subprocess.run(["git", *args], cwd=root, input=stdin, capture_output=True, env=env, check=False)
    except FileNotFoundError:
        raise TltError("git is not installed (tlt reads git revisions and git's index through git)") from None


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


def git_prefix(root: Path, missing: str = "there is no revision to compare with") -> str:
    """The data repository's folder relative to the top of its git work tree ('' at the top). Outside a git
    repository, raises `TltError` saying "{root} is not in a git repository, so {missing}"."""
    done = _show_prefix(root)
    if done.returncode != 0:
        detail = _first_line(done.stderr)
        if "not a git repository" in detail:
            raise TltError(f"{root} is not in a git repository, so {missing}")
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
    for (mode, kind, oid, size), raw_path in _records(done.stdout, 4):
        if kind != "blob":  # a submodule's commit: not part of this repository's data
            continue
        entries[_display(raw_path)] = _entry(mode, oid, size)
    return entries


def _records(output: bytes, width: int) -> Iterator[tuple[list[str], bytes]]:
    """The records of `git ls-tree -z` or `git ls-files --stage -z`: (the `width` fields before the tab, the raw
    path). A record of another shape is not one tlt knows how to read, and is left out."""
    for record in output.split(b"\0"):
        meta, tab, raw_path = record.partition(b"\t")
        fields = meta.split()
        if tab and len(fields) == width:
            yield [f.decode("ascii", "replace") for f in fields], raw_path


def _entry(mode: str, oid: str, size: str) -> Entry:
    """A tree's or the index's blob as an entry: a symbolic link (never followed, its target never read), or a
    file whose size git reported (a size that is not a number is over the limit: never read)."""
    if mode == LINK_MODE:
        return Entry(0, oid, link=True)
    return Entry(int(size) if size.isdigit() else MAX_BYTES + 1, oid)


def _cat_file(root: Path, batch: str, oids: list[str], what: str) -> bytes:
    """The output of one `git cat-file --batch` or `--batch-check` over these object ids."""
    done = _git(root, ["cat-file", batch], stdin="".join(f"{oid}\n" for oid in oids).encode("ascii"))
    if done.returncode != 0:
        raise TltError(f"git cannot read {what}: {_first_line(done.stderr)}")
    return done.stdout


def read_blobs(root: Path, oids: list[str]) -> Mapping[str, bytes]:
    """The contents of these blobs, read in one `git cat-file --batch`."""
    unique = sorted(set(oids))
    if not unique:
        return {}
    data = _cat_file(root, "--batch", unique, "the files' contents")
    out: dict[str, bytes] = {}
    pos = 0
    for oid in unique:
        end = data.index(b"\n", pos)
        header = data[pos:end].split()
        pos = end + 1
        if len(header) != 3 or header[1] != b"blob":
            raise TltError(f"git cannot read object {oid[:12]}")
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


# ---- git's index ----------------------------------------------------------------------------------------------

#: The empty blob's id (SHA-1, SHA-256): what `git add --intent-to-add` stages for a file it does not add yet.
EMPTY_BLOBS = frozenset(
    {
        "e69de29bb2d1d6434b8b29ae775ad8c2e48c5391",
        "473a0f4c3be8a93681a267e3b1e9a7dcda1185436fe141f7749120a303721813",
    }
)

#: How many conflicted paths an error message names before it says how many more there are.
SHOWN_CONFLICTS = 5


def index_file(root: Path) -> str | None:
    """The index to read: `GIT_INDEX_FILE` when it belongs to the repository at `root`, else None (the
    repository's own index).

    `git commit` tells its hooks which index it is about to commit through `GIT_INDEX_FILE`: `.git/index` for a
    plain commit (relative to the hook's working directory), `.git/index.lock` for `git commit -a`, and a
    temporary `next-index-*.lock` for `git commit PATH`. In the last two the repository's own index is not what
    is committed, so the variable must be honoured. It is honoured only when it names a file inside this
    repository's git directory, which is where git puts every index it commits: a variable left over from
    another repository's hook (a hook that runs tlt on a second repository) must not make tlt read the wrong
    index."""
    value = os.environ.get("GIT_INDEX_FILE")
    if not value:
        return None
    done = _git(root, ["rev-parse", "--absolute-git-dir"])
    if done.returncode != 0:
        return None
    git_dir = os.path.realpath(done.stdout.decode("utf-8", "surrogateescape").strip())
    index = os.path.realpath(os.path.abspath(value))  # relative to this process's directory, as git reads it
    return index if os.path.commonpath([git_dir, index]) == git_dir else None


def blob_sizes(root: Path, oids: list[str]) -> dict[str, int | None]:
    """The size of each blob, read in one `git cat-file --batch-check` (no content is read); None for a blob
    that the object database does not hold."""
    unique = sorted(set(oids))
    if not unique:
        return {}
    sizes: dict[str, int | None] = {}
    for line in (
        _cat_file(root, "--batch-check", unique, "the sizes of the staged files")
        .decode("ascii", "replace")
        .splitlines()
    ):
        fields = line.split()
        if len(fields) == 3 and fields[1] == "blob" and fields[2].isdigit():
            sizes[fields[0]] = int(fields[2])
        elif len(fields) == 2 and fields[1] == "missing":
            sizes[fields[0]] = None
    return sizes


def _intent_to_add(root: Path, index: str | None) -> set[bytes]:
    """The paths (as git lists them under `root`) added with `git add --intent-to-add`: staged as the empty
    blob, but not part of the next commit. The index lists them like any file; a diff of the index against
    HEAD shows them only without `--ita-invisible-in-index`, so they are the paths whose status differs
    between the two diffs. Asked only when some path is staged as the empty blob."""
    head = _git(root, ["rev-parse", "--verify", "--quiet", "HEAD^{commit}"])
    if head.returncode == 0:
        base = head.stdout.decode("ascii", "replace").strip()
    else:  # no commit yet: compare with the empty tree (computed, not written)
        base = _git(root, ["hash-object", "-t", "tree", "--stdin"], stdin=b"").stdout.decode("ascii").strip()

    def statuses(*flags: str) -> dict[bytes, bytes]:
        args = ["diff-index", "--cached", "--no-renames", "--relative", "--name-status", "-z", *flags, base]
        done = _git(root, args, index=index)
        if done.returncode != 0:
            raise TltError(f"git cannot compare its index with HEAD: {_first_line(done.stderr)}")
        fields = done.stdout.split(b"\0")
        return dict(zip(fields[1::2], fields[0::2], strict=False))

    shown, hidden = statuses(), statuses("--ita-invisible-in-index")
    return {path for path in shown.keys() | hidden.keys() if shown.get(path) != hidden.get(path)}


def list_index(root: Path, index: str | None = None) -> dict[str, Entry]:
    """Every file and link staged under the data repository's folder, keyed by path relative to it: what the
    next commit would hold there.

    `git ls-files` lists only what is under its working directory, relative to it, so a data repository in a
    subfolder of its git repository sees its own files. A path in conflict (stages 1 to 3, during a merge that
    stopped) has no staged version: git refuses to commit then, and so does this, naming the paths. Submodules
    and files added with `git add --intent-to-add` are not this repository's files in the commit."""
    done = _git(root, ["ls-files", "--stage", "-z"], index=index)
    if done.returncode != 0:
        raise TltError(f"git cannot read its index at {root}: {_first_line(done.stderr)}")
    staged: dict[bytes, tuple[str, str]] = {}
    conflicts: set[str] = set()
    for (mode, oid, stage), raw_path in _records(done.stdout, 3):
        if stage != "0":
            conflicts.add(_display(raw_path))
        elif mode != GITLINK_MODE:
            staged[raw_path] = (mode, oid)
    if conflicts:
        shown = sorted(conflicts)
        names = ", ".join(escape_control(shorten_path(p)) for p in shown[:SHOWN_CONFLICTS])
        more = f" and {len(shown) - SHOWN_CONFLICTS} more" if len(shown) > SHOWN_CONFLICTS else ""
        raise TltError(
            f"git's index has unresolved merge conflicts in {names}{more}, so nothing is staged for "
            f"{'them' if len(shown) > 1 else 'it'}; resolve each and `git add` it (or `git merge --abort`), "
            "then validate again"
        )
    if any(oid in EMPTY_BLOBS for _, oid in staged.values()):
        for raw_path in _intent_to_add(root, index):
            staged.pop(raw_path, None)
    sizes = blob_sizes(root, [oid for mode, oid in staged.values() if mode != LINK_MODE])
    entries: dict[str, Entry] = {}
    for raw_path, (mode, oid) in staged.items():
        path = _display(raw_path)
        size = sizes.get(oid) if mode != LINK_MODE else 0
        if size is None:
            raise TltError(
                f"git's index names object {oid[:12]} for {escape_control(shorten_path(path))}, which the "
                "repository does not hold; run `git add` on the file again"
            )
        entries[path] = _entry(mode, oid, str(size))
    return entries


def index_source(root: Path) -> TreeSource:
    """The data repository at `root` as staged in git's index: what the next commit would hold (a source for
    the pipeline). Untracked files and unstaged changes are not part of it."""
    git_prefix(root, "there is no index to validate")  # says clearly when root is not in a git repository
    entries = list_index(root, index_file(root))
    return TreeSource(root, entries, lambda keys: read_blobs(root, keys), link_message=LINK_IN_INDEX)
