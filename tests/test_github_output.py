"""`tlt validate --format github` as SPEC section 14 wants it in a pull request: errors first, the pull request's
own files first with `--changed-since REV`, paths that land on the right file (`--path-prefix`, or the data
repository's folder in its git work tree), and the full list in the job summary (`$GITHUB_STEP_SUMMARY`).

Git runs for real, on repositories made in tmp_path, with a fixed identity and no global or system config.
"""

from __future__ import annotations

import os
import subprocess
from collections.abc import Callable
from pathlib import Path

import pytest

AS_OF = "2025-01-06"
OUTSIDE = "assignments:\n  - {role: coach, start: 2019-01-07, end: 2019-06-01}\n"  # an `outside-terms` warning
GIT_ENV = {
    "GIT_AUTHOR_NAME": "Test",
    "GIT_AUTHOR_EMAIL": "test@example.invalid",
    "GIT_COMMITTER_NAME": "Test",
    "GIT_COMMITTER_EMAIL": "test@example.invalid",
    "GIT_CONFIG_GLOBAL": os.devnull,
    "GIT_CONFIG_NOSYSTEM": "1",
}


def git(top: Path, *args: str) -> str:
    done = subprocess.run(
        ["git", *args], cwd=top, env={**os.environ, **GIT_ENV}, capture_output=True, text=True, check=True
    )
    return done.stdout


def commit_all(top: Path, message: str = "data") -> str:
    git(top, "add", "-A")
    git(top, "commit", "-q", "--no-verify", "-m", message)
    return git(top, "rev-parse", "HEAD").strip()


@pytest.fixture
def warned_repo(make_repo: Callable[..., Path], role_yaml, teacher_yaml) -> Callable[..., Path]:
    """`warned_repo(root=None)`: 12 teachers `a-01`..`a-12` with a warning each, and two errors at the end of the
    path order (`z-1` repeats a key, `z-2` names a missing role): the pull request of SPEC 14, in small."""

    def make(root: Path | None = None) -> Path:
        teachers = {f"a-{i:02}": teacher_yaml(f"a-{i:02}", OUTSIDE) for i in range(1, 13)}
        teachers["z-1"] = "id: z-1\nname: A\nname: B\n"
        teachers["z-2"] = teacher_yaml("z-2", "assignments:\n  - {role: nobody, start: 2024-09-02}\n")
        return make_repo(roles={"coach": role_yaml("coach")}, teachers=teachers, root=root)

    return make


def annotations(out: str) -> list[tuple[str, str]]:
    """(kind, file) of each annotation line."""
    found = []
    for line in out.splitlines():
        kind, _, rest = line[2:].partition(" ")
        found.append((kind, rest.split(",", 1)[0].removeprefix("file=")))
    return found


def test_errors_come_before_warnings(warned_repo, run):
    code, out, _ = run(["-C", warned_repo(), "validate", "--format", "github", "--as-of", AS_OF])
    assert code == 1
    assert annotations(out) == [
        ("error", "teachers/z-1.yaml"),
        ("error", "teachers/z-2.yaml"),
        *[("warning", f"teachers/a-{i:02}.yaml") for i in range(1, 13)],
    ]


def test_text_and_json_keep_the_order_of_section_4(warned_repo, run):
    root = warned_repo()
    code, out, _ = run(["-C", root, "validate", "--as-of", AS_OF])
    assert code == 1
    assert [line.split(":", 1)[0] for line in out.splitlines()] == [
        *[f"teachers/a-{i:02}.yaml" for i in range(1, 13)],
        "teachers/z-1.yaml",
        "teachers/z-2.yaml",
    ]
