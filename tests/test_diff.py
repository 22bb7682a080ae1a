"""`tlt diff REV`: the repository at a git revision, loaded through the same pipeline, judged against the working
tree. First the sources (working tree, memory, git) agree and keep every safety check; then the command."""

from __future__ import annotations

from pathlib import Path

from tlt.pipeline import load_repository, load_tree

PROJECT = Path(__file__).resolve().parents[1]

CONFIG = b"""\
program: Test
organization: TST
terms:
  - {id: 2024-25, start: 2024-08-26, end: 2025-06-13}
  - {id: 2025-26, start: 2025-08-25, end: 2026-06-12}
"""


def problems(repo) -> list[tuple[str, int, str, str]]:  # type: ignore[no-untyped-def]
    return sorted((p.path, p.line, p.code, p.message) for p in repo.problems)


def test_memory_tree_loads_exactly_like_the_working_tree() -> None:
    root = PROJECT / "examples" / "bps"
    files = {p.relative_to(root).as_posix(): p.read_bytes() for p in root.rglob("*") if p.is_file()}
    on_disk = load_repository(root)
    in_memory = load_tree(files, root)
    assert in_memory.config == on_disk.config
    assert in_memory.roles == on_disk.roles and len(in_memory.roles) >= 2
    assert in_memory.teachers == on_disk.teachers and len(in_memory.teachers) >= 10
    assert (in_memory.role_files, in_memory.teacher_files) == (on_disk.role_files, on_disk.teacher_files)
    assert in_memory.problems == on_disk.problems


def test_memory_tree_keeps_every_safety_check() -> None:
    repo = load_tree(
        {
            "tlt.yaml": CONFIG + b"roles: [roles, linked, ../outside]\n",
            "roles/big.yaml": b"id: big\n#" + b"x" * (1024 * 1024) + b"\n",
            "roles/nul.yaml": b"id: nul\x00\n",
            "roles/latin1.yaml": b"id: latin1\ntitle: caf\xe9\n",
            "roles/.hidden/skip.yaml": b"not: loaded",
            "roles/notes.txt": b"ignored",
            "teachers/t-1.yaml": b"id: t-1\nname: A\n",
        },
        links=["roles/link.yaml", "roles/more", "linked"],
    )
    assert problems(repo) == [
        ("linked", 1, "file", "a symbolic link to a folder; it is not followed"),
        ("roles/big.yaml", 1, "file", "the file is 1.0 MiB; the limit is 1 MiB"),
        ("roles/latin1.yaml", 2, "file", "the file is not UTF-8 text (byte 0xe9)"),
        ("roles/link.yaml", 1, "file", "a symbolic link; links are not followed in a git revision"),
        ("roles/more", 1, "file", "a symbolic link; links are not followed in a git revision"),
        ("roles/nul.yaml", 1, "file", "the file contains a NUL byte; data files are UTF-8 text"),
        ("tlt.yaml", 6, "schema", "roles[2] '../outside' leaves the repository; name a folder inside it"),
    ]
    assert repo.role_files == ["roles/big.yaml", "roles/latin1.yaml", "roles/link.yaml", "roles/nul.yaml"]
    assert list(repo.teachers) == ["t-1"]
