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


# ---- paths as the git repository names them: --path-prefix and the automatic prefix --------------------------


@pytest.fixture
def subfolder_repo(tmp_path: Path, warned_repo) -> Path:
    """A git repository `top` whose data repository is `top/district`, committed; returns `top/district`."""
    top = tmp_path / "top"
    top.mkdir()
    git(top, "init", "-q", "-b", "main")
    root = warned_repo(top / "district")
    (top / "README.md").write_text("district data\n", encoding="utf-8")
    commit_all(top)
    return root


def ci_paths(run, root: Path, *options: str) -> dict[str, set[str]]:
    """The paths each CI format names for the repository at `root`, with these options."""
    import json
    import xml.etree.ElementTree as ET

    found: dict[str, set[str]] = {}
    for fmt in ("github", "sarif", "junit"):
        code, out, err = run(["-C", root, "validate", "--format", fmt, "--as-of", AS_OF, *options])
        assert code == 1, err
        if fmt == "github":
            found[fmt] = {path for _, path in annotations(out)}
        elif fmt == "sarif":
            results = json.loads(out)["runs"][0]["results"]
            found[fmt] = {r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] for r in results}
        else:
            cases = ET.fromstring(out).iter("testcase")
            found[fmt] = {c.get("name", "") for c in cases if c.find("failure") is not None}
    return found


def test_a_data_repository_in_a_subfolder_gets_its_folder_before_every_path(subfolder_repo, run):
    errors = {"teachers/z-1.yaml", "teachers/z-2.yaml"}
    warned = {f"teachers/a-{i:02}.yaml" for i in range(1, 13)}
    found = ci_paths(run, subfolder_repo)
    assert found["github"] == {"district/" + p for p in errors | warned}
    assert found["sarif"] == found["github"]
    assert found["junit"] == {"district/" + p for p in errors}
    code, out, _ = run(["-C", subfolder_repo, "validate", "--format", "junit", "--as-of", AS_OF])
    assert 'name="district/tlt.yaml"' in out  # passing files too: one test case per file, all prefixed


def test_path_prefix_overrides_the_automatic_one_and_empty_turns_it_off(subfolder_repo, run):
    found = ci_paths(run, subfolder_repo, "--path-prefix", "checkout\\data/./")
    assert all(p.startswith("checkout/data/teachers/") for paths in found.values() for p in paths)
    found = ci_paths(run, subfolder_repo, "--path-prefix", "")
    assert all(p.startswith("teachers/") for paths in found.values() for p in paths)


def test_text_and_json_paths_stay_relative_to_the_data_repository(subfolder_repo, run):
    import json

    code, out, _ = run(["-C", subfolder_repo, "validate", "--as-of", AS_OF])
    assert out.startswith("teachers/a-01.yaml:")
    code, out, _ = run(["-C", subfolder_repo, "validate", "--as-of", AS_OF, "--format", "json"])
    assert json.loads(out)["problems"][0]["path"] == "teachers/a-01.yaml"


def test_outside_git_paths_get_no_prefix_and_no_message(tmp_path, warned_repo, run):
    root = warned_repo()
    code, out, err = run(
        ["-C", root, "validate", "--format", "github", "--as-of", AS_OF],
        env={"GIT_CEILING_DIRECTORIES": str(tmp_path)},
    )
    assert code == 1
    assert annotations(out)[0] == ("error", "teachers/z-1.yaml")
    assert err.strip() == "2 errors, 12 warnings in 14 files"


@pytest.mark.parametrize(
    ("value", "says"),
    [
        ("/srv/district", "is absolute"),
        ("C:\\district", "is absolute"),
        ("../district", "goes up with '..'"),
        ("district/../../x", "goes up with '..'"),
        ("dis\ntrict", "holds a control character"),
    ],
)
def test_a_bad_path_prefix_is_refused(warned_repo, run, value, says):
    code, out, err = run(["-C", warned_repo(), "validate", "--format", "github", "--path-prefix", value])
    assert (code, out) == (2, "")
    assert err.startswith("tlt: --path-prefix ") and says in err
    assert "Traceback" not in err


@pytest.mark.parametrize("fmt", ["text", "json"])
def test_path_prefix_is_refused_where_it_changes_nothing(warned_repo, run, fmt):
    code, out, err = run(["-C", warned_repo(), "validate", "--format", fmt, "--path-prefix", "district"])
    assert (code, out) == (2, "")
    assert err.strip() == f"tlt: --path-prefix applies to --format github, sarif and junit, not {fmt}; drop it"


def test_a_git_repository_git_cannot_read_gives_a_note_and_no_prefix(tmp_path, warned_repo, run):
    top = tmp_path / "top"
    top.mkdir()
    git(top, "init", "-q")
    (top / ".git" / "config").write_text("[core\n", encoding="utf-8")  # git refuses to run here
    root = warned_repo(top / "district")
    code, out, err = run(["-C", root, "validate", "--format", "github", "--as-of", AS_OF])
    assert code == 1
    assert annotations(out)[0] == ("error", "teachers/z-1.yaml")
    assert "tlt: note: paths are not prefixed with the data repository's folder: git cannot read the repository" in err
    assert "bad config line 1" in err and "pass --path-prefix" in err
