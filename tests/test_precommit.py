"""The pre-commit hook, driven for real: pre-commit itself, `pre-commit install`, and real `git commit`s and
merges in a data repository made by `tlt init` (SPEC 14: the hook runs on every commit that touches the data
repository, deletions included, and validates what is staged, not untracked files)."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from collections.abc import Callable
from datetime import date
from pathlib import Path

import pytest
import yaml

from gitkit import git_env

PROJECT = Path(__file__).resolve().parents[1]
AS_OF = "2026-11-23"
HOOK_LINE = "tlt validate"

MENTOR = "id: test-mentor\ntitle: Test Mentor\ncategory: mentoring\n"


def holder(ident: str, caseload: list[str]) -> str:
    return (
        f"id: {ident}\nname: Holder {ident}\nassignments:\n  - role: test-mentor\n    start: 2026-08-31\n"
        f"    caseload: [{', '.join(caseload)}]\n"
    )


def plain(ident: str) -> str:
    return f"id: {ident}\nname: Teacher {ident}\n"


class Repo:
    """A git repository at `top` holding a data repository made by `tlt init` at `data` (the same folder, or a
    subfolder), with pre-commit installed from the hook configuration that `tlt init` wrote."""

    def __init__(self, top: Path, data: Path, precommit: str, home: Path) -> None:
        self.top, self.data, self.precommit = top, data, precommit
        self.env = {k: v for k, v in git_env().items() if not k.startswith("PRE_COMMIT")}
        self.env.update(
            {
                # the hook runs `tlt` and pre-commit from this virtual environment, found on PATH
                "PATH": os.path.dirname(sys.executable) + os.pathsep + os.environ.get("PATH", ""),
                "PRE_COMMIT_HOME": str(home),
                "NO_COLOR": "1",
                "TLT_NO_PROGRESS": "1",
            }
        )

    def sh(self, *argv: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(argv, cwd=self.top, env=self.env, capture_output=True, text=True, timeout=120)

    def git(self, *args: str) -> str:
        done = self.sh("git", *args)
        assert done.returncode == 0, f"git {' '.join(args)}: {done.stdout}{done.stderr}"
        return done.stdout

    def commit(self, *args: str) -> subprocess.CompletedProcess[str]:
        return self.sh("git", "commit", "-m", "change", *args)

    def write(self, rel: str, text: str) -> None:
        path = self.data / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")

    def head(self) -> str:
        return self.git("rev-parse", "HEAD").strip()


def hook_output(done: subprocess.CompletedProcess[str]) -> str:
    return done.stdout + done.stderr


def hook_status(done: subprocess.CompletedProcess[str]) -> str:
    """pre-commit's verdict for the tlt hook: Passed, Failed, or Skipped."""
    for line in hook_output(done).splitlines():
        if line.startswith(HOOK_LINE + "."):
            return line.rsplit(".", 1)[-1].split(")")[-1].strip()
    raise AssertionError(f"the tlt hook did not run:\n{hook_output(done)}")


@pytest.fixture
def make_git_repo(
    tmp_path: Path, run: Callable[..., tuple[int, str, str]], external_tool: Callable[[str, str | None, str], str]
) -> Callable[..., Repo]:
    """`make_git_repo(subfolder=None) -> Repo`: `tlt init` (catalog bps), a test role, t-1 mentoring t-2, and
    t-3; committed with the hook installed. With `subfolder`, the data repository is that subfolder of the git
    repository, and the hook configuration moves to the top with `args: [-C, subfolder]`, as docs/ci.md says.
    The hook gets `--as-of` too: it judges as of today, and tests fix their dates."""
    found = shutil.which("pre-commit", path=os.path.dirname(sys.executable)) or shutil.which("pre-commit")
    precommit = external_tool("pre-commit", found, "pip install -e '.[test]' (pre-commit is in the test extra)")

    def make(subfolder: str | None = None) -> Repo:
        top = tmp_path / "git"
        data = top / subfolder if subfolder else top
        code, _, err = run(["init", data, "--catalog", "bps", "--as-of", AS_OF])
        assert code == 0, err
        repo = Repo(top, data, precommit, tmp_path / "pre-commit-home")
        repo.write("roles/test-mentor.yaml", MENTOR)
        repo.write("teachers/t-1.yaml", holder("t-1", ["t-2"]))
        repo.write("teachers/t-2.yaml", plain("t-2"))
        repo.write("teachers/t-3.yaml", plain("t-3"))
        config_path = data / ".pre-commit-config.yaml"
        config = yaml.safe_load(config_path.read_text())
        [hook] = config["repos"][0]["hooks"]
        hook["args"] = (["-C", subfolder] if subfolder else []) + ["--as-of", AS_OF]
        if subfolder:
            config_path.unlink()
            config_path = top / ".pre-commit-config.yaml"
        config_path.write_text(yaml.safe_dump(config, sort_keys=False))
        repo.git("init", "-q", "-b", "main")
        installed = repo.sh(precommit, "install")
        assert installed.returncode == 0, hook_output(installed)
        assert "pre-merge-commit" in installed.stdout  # default_install_hook_types: merges are checked too
        repo.git("add", ".")
        first = repo.commit()
        assert first.returncode == 0, hook_output(first)
        assert hook_status(first) == "Passed"
        return repo

    return make


def test_a_commit_that_only_deletes_a_teacher_a_caseload_names_is_rejected(make_git_repo: Callable[..., Repo]) -> None:
    repo = make_git_repo()
    before = repo.head()
    repo.git("rm", "-q", "teachers/t-2.yaml")
    done = repo.commit()
    assert done.returncode != 0 and hook_status(done) == "Failed"
    assert "teachers/t-1.yaml:6:16: error[unknown-teacher] caseload names teacher 't-2'" in hook_output(done)
    assert repo.head() == before
    # `git commit -a` builds the commit in another index (.git/index.lock): a deletion it stages is seen
    repo.git("reset", "-q")
    assert (repo.data / "teachers" / "t-2.yaml").exists() is False
    done = repo.commit("-a")
    assert done.returncode != 0 and "error[unknown-teacher]" in hook_output(done)
    assert repo.head() == before


def test_a_good_commit_that_only_deletes_a_file_is_checked_and_passes(make_git_repo: Callable[..., Repo]) -> None:
    repo = make_git_repo()
    repo.git("rm", "-q", "teachers/t-3.yaml")  # named by no caseload
    done = repo.commit()
    assert done.returncode == 0, hook_output(done)
    assert hook_status(done) == "Passed"  # checked, not "(no files to check)Skipped"


def test_a_broken_untracked_file_does_not_fail_the_commit(make_git_repo: Callable[..., Repo]) -> None:
    repo = make_git_repo()
    repo.write("teachers/t-9.yaml", "id: t-9\nname: [\n")  # never added
    repo.write("teachers/t-3.yaml", plain("t-3") + "school: Sample School\n")
    repo.git("add", "teachers/t-3.yaml")
    done = repo.commit()
    assert done.returncode == 0, hook_output(done)
    assert hook_status(done) == "Passed" and "t-9.yaml" not in hook_output(done)
    assert "t-9.yaml" in repo.git("status", "--porcelain")  # still there, still untracked


def test_a_broken_staged_file_fixed_only_in_the_working_tree_is_rejected(make_git_repo: Callable[..., Repo]) -> None:
    repo = make_git_repo()
    before = repo.head()
    repo.write("teachers/t-3.yaml", plain("t-3") + "bogus: 1\n")
    repo.git("add", "teachers/t-3.yaml")
    repo.write("teachers/t-3.yaml", plain("t-3"))  # the fix is not staged
    done = repo.commit()
    assert done.returncode != 0 and hook_status(done) == "Failed"
    assert "teachers/t-3.yaml:3:1: error[schema] unknown key 'bogus'" in hook_output(done)
    assert repo.head() == before
    assert (repo.data / "teachers" / "t-3.yaml").read_text() == plain("t-3")  # the unstaged fix is kept
    # pre-commit stashes unstaged edits before a commit's hooks, but not for `run --all-files`: the hook reads
    # the index itself, so it checks what would be committed either way
    done = repo.sh(repo.precommit, "run", "--all-files")
    assert done.returncode == 1 and hook_status(done) == "Failed"
    assert "teachers/t-3.yaml:3:1: error[schema] unknown key 'bogus'" in hook_output(done)


def test_a_merge_of_two_good_branches_that_breaks_the_repository_is_rejected(
    make_git_repo: Callable[..., Repo],
) -> None:
    repo = make_git_repo()
    repo.git("checkout", "-q", "-b", "caseload")
    repo.write("teachers/t-1.yaml", holder("t-1", ["t-2", "t-3"]))  # t-3 joins the caseload
    repo.git("add", ".")
    assert repo.commit().returncode == 0
    repo.git("checkout", "-q", "main")
    repo.git("rm", "-q", "teachers/t-3.yaml")  # t-3 leaves: good on main, where no caseload names t-3
    assert repo.commit().returncode == 0
    before = repo.head()
    merged = repo.sh("git", "merge", "--no-edit", "caseload")  # no conflict: only the pre-merge-commit hook runs
    assert merged.returncode != 0 and hook_status(merged) == "Failed"
    assert "caseload names teacher 't-3', who has no teacher file" in hook_output(merged)
    assert repo.head() == before


def test_a_data_repository_in_a_subfolder(make_git_repo: Callable[..., Repo]) -> None:
    repo = make_git_repo("district")
    before = repo.head()
    repo.git("rm", "-q", "district/teachers/t-2.yaml")
    done = repo.commit()
    assert done.returncode != 0 and hook_status(done) == "Failed"
    assert "teachers/t-1.yaml:6:16: error[unknown-teacher] caseload names teacher 't-2'" in hook_output(done)
    repo.git("reset", "-q", "--hard")
    assert repo.head() == before
    repo.write("teachers/t-9.yaml", "id: t-9\nname: [\n")  # untracked, in the data repository
    (repo.top / "README.md").write_text("Outside the data repository.\n")
    repo.git("add", "README.md")
    done = repo.commit()
    assert done.returncode == 0, hook_output(done)
    assert hook_status(done) == "Passed"


def test_pre_commit_run_all_files_checks_the_staged_repository(make_git_repo: Callable[..., Repo]) -> None:
    repo = make_git_repo()
    with open(repo.data / "roles" / "bps-administrator.yaml", "a", encoding="utf-8") as handle:
        handle.write("bogus: 1\n")
    repo.git("add", ".")
    bad = repo.sh(repo.precommit, "run", "--all-files")
    assert bad.returncode == 1 and hook_status(bad) == "Failed"
    assert "roles/bps-administrator.yaml:" in bad.stdout and "error[schema] unknown key 'bogus'" in bad.stdout


def test_the_published_hook_is_the_offline_hook_with_tlt_installed_by_pre_commit(tmp_path: Path) -> None:
    from pre_commit.clientlib import load_config, load_manifest

    from tlt.scaffold import PRECOMMIT_PATH, new_repository

    [published] = load_manifest(str(PROJECT / ".pre-commit-hooks.yaml"))
    text = new_repository("bps", date(2026, 11, 23))[PRECOMMIT_PATH]
    (tmp_path / "offline.yaml").write_text(text)
    config = load_config(str(tmp_path / "offline.yaml"))
    [offline] = config["repos"][0]["hooks"]
    assert config["default_install_hook_types"] == ["pre-commit", "pre-merge-commit"]
    # `system` is the name every pre-commit from 3.2 knows (4.4 reads it as its new name, `unsupported`)
    assert yaml.safe_load(text)["repos"][0]["hooks"][0]["language"] == "system"
    assert (published["id"], published["language"]) == ("tlt-validate", "python")
    for key in ("id", "entry", "pass_filenames", "always_run", "stages"):
        assert published[key] == offline[key], key
    assert published["entry"] == "tlt validate --staged"
    assert published["pass_filenames"] is False and published["always_run"] is True
    assert published["stages"] == ["pre-commit", "pre-merge-commit"]
