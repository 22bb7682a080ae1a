"""Nothing is dropped without a word (issue 12, item 4): a teacher folder that cannot be listed, or a path longer
than PATH_MAX, is a `file` problem, so `validate` fails and the reports refuse to run (SPEC 4: a report that
silently drops a record loses money) instead of leaving a 3,000.00 row out.

Tests run as root here, and root reads any folder whatever its permissions: an unreadable folder is simulated
through the one call that lists folders (`os.scandir`, which `os.walk` calls), and the PATH_MAX case is real (a
chain of folders made with `dir_fd`, whose path the kernel refuses).
"""

from __future__ import annotations

import errno
import os
from pathlib import Path

import pytest

AS_OF = "2025-01-01"
ROLE = "id: flat\ntitle: Flat\ncategory: mentoring\ncompensation:\n  stipend: {amount: 3000}\n"
HOLDER = "id: {id}\nname: Pat Doe\nassignments:\n  - {{role: flat, start: 2024-08-26}}\n"


@pytest.fixture
def locked(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Folders (absolute paths) that `os.scandir` refuses as an unreadable folder is refused to a user."""
    refused: list[str] = []
    real = os.scandir

    def scandir(path: object = ".") -> object:
        if os.fspath(path) in refused:  # type: ignore[call-overload]
            raise PermissionError(errno.EACCES, "Permission denied", os.fspath(path))  # type: ignore[call-overload]
        return real(path)  # type: ignore[call-overload]

    monkeypatch.setattr(os, "scandir", scandir)
    return refused


def _repo(make_repo):
    return make_repo(
        roles={"flat": ROLE},
        teachers={"t-1": HOLDER.format(id="t-1"), "locked/t-2.yaml": HOLDER.format(id="t-2")},
    )


def test_an_unlistable_teacher_folder_is_a_file_problem(make_repo, run, locked):
    root = _repo(make_repo)
    locked.append(str(root / "teachers" / "locked"))
    code, out, err = run(["-C", root, "validate", "--as-of", AS_OF])
    assert code == 1
    assert out == (
        "teachers/locked:1:1: error[file] cannot list the folder (permission denied), so its files are not read; "
        "let tlt read the folder\n"
    )


def test_an_unlistable_teachers_folder_itself_is_a_file_problem(make_repo, run, locked):
    root = _repo(make_repo)
    locked.append(str(root / "teachers"))
    code, out, _ = run(["-C", root, "validate", "--as-of", AS_OF])
    assert code == 1
    assert out.startswith("teachers:1:1: error[file] cannot list the folder (permission denied)")


def test_reports_refuse_rather_than_drop_the_unlisted_teachers(make_repo, run, locked):
    root = _repo(make_repo)
    locked.append(str(root / "teachers" / "locked"))
    code, out, err = run(["-C", root, "stipends", "--format", "csv", "--as-of", AS_OF])
    assert (code, out) == (1, "")
    assert "1 file has errors; run `tlt validate`" in err
    code, out, err = run(["-C", root, "stipends", "--format", "csv", "--as-of", AS_OF, "--skip-invalid"])
    assert code == 0
    assert "skipped teachers/locked: it fails to load" in err
    assert "t-1" in out and "t-2" not in out


def _deep_folder(start: Path, depth: int) -> int:
    """`depth` nested folders of 250-character names under `start`, made relative to open folders (their full path
    is beyond PATH_MAX); the descriptor of the deepest."""
    fd = os.open(start, os.O_RDONLY)
    for _ in range(depth):
        os.mkdir("d" * 250, dir_fd=fd)
        deeper = os.open("d" * 250, os.O_RDONLY, dir_fd=fd)
        os.close(fd)
        fd = deeper
    return fd


def _write_at(fd: int, name: str, text: str) -> None:
    with open(os.open(name, os.O_WRONLY | os.O_CREAT, 0o644, dir_fd=fd), "w", encoding="utf-8") as handle:
        handle.write(text)


def test_a_folder_beyond_path_max_is_a_file_problem(make_repo, run):
    root = make_repo(roles={"flat": ROLE}, teachers={"t-1": HOLDER.format(id="t-1")})
    fd = _deep_folder(root / "teachers", 20)  # 20 × 251 characters: beyond Linux's 4,096
    try:
        _write_at(fd, "t-2.yaml", HOLDER.format(id="t-2"))
    finally:
        os.close(fd)
    code, out, _ = run(["-C", root, "validate", "--as-of", AS_OF])
    assert code == 1
    assert out.count("\n") == 1
    path, rest = out.split(":1:1: ", 1)
    assert path.startswith("teachers/" + "d" * 250 + "/")
    assert rest == (
        "error[file] cannot list the folder: its path is longer than this system allows (PATH_MAX), so its files "
        "are not read; use shorter folder names\n"
    )
    code, out, err = run(["-C", root, "stipends", "--format", "csv", "--as-of", AS_OF])
    assert (code, out) == (1, "")


def test_a_file_whose_path_is_beyond_path_max_is_a_file_problem(make_repo, run):
    """The folder can be listed (its path is just under PATH_MAX) but the file's own path is over it."""
    root = make_repo(roles={"flat": ROLE}, teachers={"t-1": HOLDER.format(id="t-1")})
    limit = os.pathconf(root, "PC_PATH_MAX")
    base = len(str(root / "teachers"))
    depth = (limit - 2 - base) // 251
    folder = base + 251 * depth  # under PATH_MAX: listed
    name = "t-" + "2" * (limit - folder + 10 - len("t-.yaml")) + ".yaml"  # the file's path: over it
    assert folder < limit <= folder + 1 + len(name) and len(name) <= 255
    fd = _deep_folder(root / "teachers", depth)
    try:
        _write_at(fd, name, HOLDER.format(id="t-2"))
    finally:
        os.close(fd)
    code, out, _ = run(["-C", root, "validate", "--as-of", AS_OF])
    assert code == 1
    assert out.endswith(f"/{name}:1:1: error[file] cannot read the file: File name too long\n"), out[-200:]
