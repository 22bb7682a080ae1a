"""`tlt validate --staged`: the data repository as git's index holds it (what the next commit would hold), read
through git plumbing into a `TreeSource` (`tlt.loading.gitrev.index_source`), with the same output as the
working tree gives for the same files and every safety check of SPEC section 7."""

from __future__ import annotations

import os
import shutil
from collections.abc import Callable
from pathlib import Path

import pytest

from gitkit import git
from tlt.loading import gitrev
from tlt.loading.gitrev import index_source

PROJECT = Path(__file__).resolve().parents[1]
AS_OF = "2025-09-01"

Run = Callable[..., tuple[int, str, str]]

MENTOR = "id: mentor\ntitle: Mentor\ncategory: mentoring\n"
HOLDER = "id: t-1\nname: A\nassignments:\n  - role: mentor\n    start: 2024-09-01\n    caseload: [t-2]\n"


@pytest.fixture
def committed(make_repo: Callable[..., Path], teacher_yaml: Callable[..., str]) -> Path:
    """A data repository at the top of a git repository, committed: role mentor, t-1 mentors t-2, and t-3."""
    root = make_repo(
        roles={"mentor": MENTOR},
        teachers={"t-1": HOLDER, "t-2": teacher_yaml("t-2"), "t-3": teacher_yaml("t-3")},
    )
    git(root, "init", "-q", "-b", "main")
    git(root, "add", ".")
    git(root, "commit", "-q", "-m", "base")
    return root


def validate(run: Run, root: Path, *args: str, env: dict[str, str] | None = None) -> tuple[int, str, str]:
    return run(["-C", root, "validate", "--as-of", AS_OF, *args], env=env)  # type: ignore[no-any-return]


def test_a_staged_deletion_is_seen_though_the_working_tree_still_has_the_file(run: Run, committed: Path) -> None:
    git(committed, "rm", "-q", "--cached", "teachers/t-2.yaml")  # staged for deletion, still on disk
    code, out, _ = validate(run, committed, "--staged")
    assert code == 1
    assert out == (
        "teachers/t-1.yaml:6:16: error[unknown-teacher] caseload names teacher 't-2', who has no teacher file "
        "(did you mean 't-3'?)\n"
    )
    assert validate(run, committed)[:2] == (0, "")  # the working tree still has it


def test_untracked_files_and_unstaged_edits_do_not_count(run: Run, committed: Path) -> None:
    (committed / "teachers" / "t-9.yaml").write_text("id: t-9\nname: [\n")  # untracked and broken
    (committed / "teachers" / "t-3.yaml").write_text("id: t-3\nname: A\nbogus: 1\n")  # staged, then fixed
    git(committed, "add", "teachers/t-3.yaml")
    (committed / "teachers" / "t-3.yaml").write_text("id: t-3\nname: A\n")
    code, out, _ = validate(run, committed, "--staged")
    assert code == 1
    assert out.startswith("teachers/t-3.yaml:3:1: error[schema] unknown key 'bogus'") and out.count("\n") == 1
    code, out, _ = validate(run, committed)  # the working tree: the untracked file, not the staged one
    assert code == 1 and out.startswith("teachers/t-9.yaml:") and "t-3.yaml" not in out


@pytest.mark.parametrize("fmt", ["text", "json", "github", "sarif", "junit"])
def test_the_same_output_as_the_working_tree_in_every_format(run: Run, tmp_path: Path, fmt: str) -> None:
    root = tmp_path / "bps"
    shutil.copytree(PROJECT / "examples" / "bps", root)
    (root / "teachers" / "t-0001.yaml").write_text("id: t-0001\nname: [\n")  # a problem to show
    git(root, "init", "-q", "-b", "main")
    git(root, "add", ".")
    # batches of 5 teachers on 2 processes: problems found by another process are located through the index too
    env = {"TLT_FORK_MIN_FILES": "1", "TLT_BATCH": "5", "TLT_JOBS": "2"}
    on_disk = validate(run, root, "--format", fmt, env=env)
    staged = validate(run, root, "--format", fmt, "--staged", env=env)
    assert staged == on_disk
    assert on_disk[0] == 1 and "t-0001.yaml" in on_disk[1]


def test_symbolic_links_are_entries_never_followed(run: Run, committed: Path, tmp_path: Path) -> None:
    secret = tmp_path / "secret.yaml"
    secret.write_text("id: t-4\nname: SECRET OUTSIDE\n")
    (committed / "teachers" / "t-4.yaml").symlink_to(secret)
    (committed / "teachers" / "t-5.yaml").symlink_to("t-3.yaml")  # inside: the working tree follows it
    (committed / "roles" / "more").symlink_to(tmp_path)
    git(committed, "add", ".")
    code, out, err = validate(run, committed, "--staged")
    assert code == 1
    link = "error[file] a symbolic link; links are not followed in git's index (stage the file itself)"
    assert out.splitlines() == [
        f"roles/more:1:1: {link}",
        f"teachers/t-4.yaml:1:1: {link}",
        f"teachers/t-5.yaml:1:1: {link}",
    ]
    assert "SECRET" not in out + err


def test_a_blob_over_1_mib_is_never_read(run: Run, committed: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (committed / "roles" / "huge.yaml").write_bytes(b"id: huge\n#" + b"x" * (2 * 1024 * 1024) + b"\n")
    git(committed, "add", ".")
    huge = git(committed, "rev-parse", ":roles/huge.yaml").strip()
    asked: list[str] = []
    real = gitrev.read_blobs

    def recording(root: Path, oids: list[str]):  # type: ignore[no-untyped-def]
        asked.extend(oids)
        return real(root, oids)

    monkeypatch.setattr(gitrev, "read_blobs", recording)
    code, out, _ = validate(run, committed, "--staged")
    assert (code, out) == (1, "roles/huge.yaml:1:1: error[file] the file is 2.0 MiB; the limit is 1 MiB\n")
    assert asked and huge not in asked


def test_hostile_file_names_are_data(run: Run, committed: Path, teacher_yaml: Callable[..., str]) -> None:
    folder = os.fsencode(committed / "teachers")
    for name in (b"-rf.yaml", b"a\n::error::x.yaml", b"caf\xe9.yaml", b"%0A.yaml"):
        with open(os.path.join(folder, name), "wb") as handle:
            handle.write(teacher_yaml("t-8").encode())
    git(committed, "add", ".")
    for fmt in ("text", "github"):
        staged = validate(run, committed, "--staged", "--format", fmt)
        assert staged == validate(run, committed, "--format", fmt)  # shown exactly as the working tree's
        code, out, _ = staged
        lines = out.splitlines()
        assert code == 1 and len(lines) == 4 and all("id-mismatch" in line for line in lines)
        # one line per file: no name starts a line or a workflow command of its own
        assert all(line.startswith("teachers/" if fmt == "text" else "::error file=teachers/") for line in lines)
        assert ("teachers/caf\\xe9.yaml" if fmt == "text" else "file=teachers/caf\\xe9.yaml") in out


def test_a_data_repository_in_a_subfolder_sees_only_its_own_entries(
    run: Run, make_repo: Callable[..., Path], tmp_path: Path
) -> None:
    top = tmp_path / "monorepo"
    district = make_repo(root=top / "district", roles={"mentor": MENTOR}, teachers={"t-1": HOLDER})
    make_repo(root=top / "other", teachers={"t-2": "id: t-2\nname: Elsewhere\n"})
    (top / "roles").mkdir()
    (top / "roles" / "broken.yaml").write_text("id: [\n")  # not the data repository's
    git(top, "init", "-q", "-b", "main")
    git(top, "add", ".")
    assert sorted(index_source(district).entries) == ["roles/mentor.yaml", "teachers/t-1.yaml", "tlt.yaml"]
    code, out, _ = validate(run, district, "--staged")
    assert code == 1
    assert out == (
        "teachers/t-1.yaml:6:16: error[unknown-teacher] caseload names teacher 't-2', who has no teacher file "
        "(did you mean 't-1'?)\n"
    )


def test_submodules_and_intent_to_add_files_are_not_committed_so_not_checked(run: Run, committed: Path) -> None:
    head = git(committed, "rev-parse", "HEAD").strip()
    git(committed, "update-index", "--add", "--cacheinfo", f"160000,{head},teachers/vendored.yaml")
    (committed / "teachers" / "t-7.yaml").write_text("not: [valid\n")
    git(committed, "add", "--intent-to-add", "teachers/t-7.yaml")
    assert "teachers/t-7.yaml" in git(committed, "ls-files")
    assert sorted(index_source(committed).entries) == [
        "roles/mentor.yaml", "teachers/t-1.yaml", "teachers/t-2.yaml", "teachers/t-3.yaml", "tlt.yaml",
    ]  # fmt: skip
    assert validate(run, committed, "--staged")[:2] == (0, "")


def test_before_the_first_commit_an_empty_file_is_checked_and_an_intent_to_add_is_not(
    run: Run, make_repo: Callable[..., Path], teacher_yaml: Callable[..., str]
) -> None:
    root = make_repo(teachers={"t-1": teacher_yaml("t-1"), "t-2": b"", "t-3": "id: t-3\nname: [\n"})
    git(root, "init", "-q", "-b", "main")  # no commit yet: nothing to compare the index with but the empty tree
    git(root, "add", "tlt.yaml", "teachers/t-1.yaml", "teachers/t-2.yaml")
    git(root, "add", "--intent-to-add", "teachers/t-3.yaml")
    assert sorted(index_source(root).entries) == ["teachers/t-1.yaml", "teachers/t-2.yaml", "tlt.yaml"]
    code, out, _ = validate(run, root, "--staged")
    assert (code, out) == (1, "teachers/t-2.yaml:1:1: error[file] the file is empty; it must be one YAML mapping\n")


def test_a_merge_conflict_in_the_index_exits_2_naming_the_paths(run: Run, committed: Path) -> None:
    git(committed, "checkout", "-q", "-b", "other")
    (committed / "teachers" / "t-3.yaml").write_text("id: t-3\nname: Other\n")
    git(committed, "commit", "-q", "-am", "other")
    git(committed, "checkout", "-q", "main")
    (committed / "teachers" / "t-3.yaml").write_text("id: t-3\nname: Main\n")
    git(committed, "commit", "-q", "-am", "main")
    git(committed, "merge", "-q", "other", check=False)
    code, out, err = validate(run, committed, "--staged")
    assert (code, out) == (2, "")
    assert "unresolved merge conflicts in teachers/t-3.yaml, so nothing is staged for it" in err
    assert "git add" in err and "Traceback" not in err


def test_the_index_git_commit_names_is_read_and_another_repositorys_is_not(
    run: Run, committed: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # what `git commit -a` and `git commit PATH` do: the commit is built in another index file in .git
    other = {"GIT_INDEX_FILE": str(committed / ".git" / "next-index.lock")}
    git(committed, "read-tree", "HEAD", env=other)
    git(committed, "rm", "-q", "--cached", "teachers/t-2.yaml", env=other)
    code, out, _ = validate(run, committed, "--staged", env=other)
    assert code == 1 and "error[unknown-teacher] caseload names teacher 't-2'" in out
    monkeypatch.chdir(committed)  # a plain commit's hook gets GIT_INDEX_FILE=.git/index, relative to the top
    assert validate(run, committed, "--staged", env={"GIT_INDEX_FILE": ".git/next-index.lock"})[0] == 1
    assert validate(run, committed, "--staged", env={"GIT_INDEX_FILE": ".git/index"})[:2] == (0, "")
    # an index left in the environment by another repository's hook is not this repository's
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    git(elsewhere, "init", "-q")
    assert validate(run, committed, "--staged", env={"GIT_INDEX_FILE": str(elsewhere / ".git" / "index")})[:2] == (
        0,
        "",
    )


def test_tlt_yaml_missing_from_the_index_exits_2(run: Run, committed: Path) -> None:
    git(committed, "rm", "-q", "--cached", "tlt.yaml")
    code, out, err = validate(run, committed, "--staged")
    assert (code, out) == (2, "")
    assert "tlt.yaml is not in git's index (not added yet, or staged for deletion)" in err


def test_outside_git_or_without_git_exits_2(run: Run, make_repo: Callable[..., Path], tmp_path: Path) -> None:
    root = make_repo()
    code, out, err = validate(run, root, "--staged")
    assert (code, out) == (2, "")
    assert f"{root} is not in a git repository, so there is no index to validate" in err
    empty = tmp_path / "no-programs"
    empty.mkdir()
    code, out, err = validate(run, root, "--staged", env={"PATH": str(empty)})
    assert (code, out) == (2, "")
    assert "git is not installed" in err and "Traceback" not in err
