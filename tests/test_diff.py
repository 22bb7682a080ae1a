"""`tlt diff REV`: the repository at a git revision, loaded through the same pipeline, judged against the working
tree. First the sources (working tree, memory, git) agree and keep every safety check; then the command."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from gitkit import GIT_IDENTITY, git
from tlt.cli import app
from tlt.loading.gitrev import revision_source
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


# ---- tlt diff over a real git repository --------------------------------------------------------------------

AS_OF = "2025-09-01"


def role_yaml(ident: str, min_years: int | str, title: str = "A role") -> str:
    return (
        f"id: {ident}\ntitle: {title}\ncategory: mentoring\n"
        f"eligibility:\n  required:\n    - experience: {{min_years: {min_years}}}\n"
    )


def teacher_yaml(ident: str, years: float | None) -> str:
    text = f"id: {ident}\nname: Teacher {ident}\n"
    if years is not None:
        text += f"experience:\n  - {{employer: TST, years: {years}}}\n"
    return text


TEACHERS = {"t-1": 2, "t-2": 4, "t-3": 4.5, "t-4": 6, "t-5": None}


def write(root: Path, files: dict[str, str | bytes]) -> None:
    for rel, content in files.items():
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(content, bytes):
            path.write_bytes(content)
        else:
            path.write_text(content, encoding="utf-8")


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    """A committed data repository: roles mentor (3 years) and coach (5 years), five teachers."""
    root = tmp_path / "data"
    files: dict[str, str | bytes] = {
        "tlt.yaml": CONFIG.decode(),
        "roles/mentor.yaml": role_yaml("mentor", 3),
        "roles/coach.yaml": role_yaml("coach", 5),
    }
    files.update({f"teachers/{t}.yaml": teacher_yaml(t, y) for t, y in TEACHERS.items()})
    write(root, files)
    git(root, "init", "-q", "-b", "main")
    git(root, "add", ".")
    git(root, "commit", "-q", "-m", "base")
    return root


def cli(*args: str) -> tuple[int, str, str]:
    env = {"NO_COLOR": "1", "TLT_DEBUG": "1", "TERMINAL_WIDTH": "200", **GIT_IDENTITY}
    result = CliRunner().invoke(app, list(args), env=env)
    if result.exception and not isinstance(result.exception, SystemExit):
        raise result.exception
    return result.exit_code, result.stdout, result.stderr


def diff_json(root: Path, *args: str) -> dict:  # type: ignore[type-arg]
    code, out, err = cli("-C", str(root), "diff", *args, "--as-of", AS_OF, "--format", "json")
    assert code == 0, err
    return json.loads(out)


def test_changed_rules_list_exactly_the_teachers_whose_verdict_changed(repo: Path) -> None:
    write(repo, {"roles/mentor.yaml": role_yaml("mentor", 5), "roles/coach.yaml": role_yaml("coach", 1)})
    status_before = git(repo, "status", "--porcelain")  # (status refreshes the index: first)
    index_before = (repo / ".git" / "index").read_bytes()
    data = diff_json(repo, "HEAD")
    changes = {(c["role"], c["teacher"], c["before"], c["after"]) for c in data["changes"]}
    assert changes == {
        ("mentor", "t-2", "eligible", "ineligible"),
        ("mentor", "t-3", "eligible", "ineligible"),
        ("coach", "t-1", "ineligible", "eligible"),
        ("coach", "t-2", "ineligible", "eligible"),
        ("coach", "t-3", "ineligible", "eligible"),
    }  # t-4 stays eligible for both, t-5 (no experience recorded) stays needs_review
    t2 = next(c for c in data["changes"] if (c["role"], c["teacher"]) == ("mentor", "t-2"))
    assert t2["reasons_added"] == ["experience: 4.00 years, needs 5"] and t2["reasons_removed"] == []
    t1 = next(c for c in data["changes"] if (c["role"], c["teacher"]) == ("coach", "t-1"))
    assert t1["reasons_removed"] == ["experience: 2.00 years, needs 5"]
    counts = {
        r["role"]: (r["status"], r["eligible_before"], r["eligible_after"], r["gained"], r["lost"])
        for r in data["roles"]
    }
    assert counts == {"coach": ("changed", 1, 4, 3, 0), "mentor": ("changed", 3, 1, 0, 2)}
    assert data["commit"] == git(repo, "rev-parse", "HEAD").strip()
    # git was only read: the index and the working tree are as they were
    assert (repo / ".git" / "index").read_bytes() == index_before
    assert git(repo, "status", "--porcelain") == status_before
    assert (repo / "roles" / "mentor.yaml").read_text() == role_yaml("mentor", 5)


def test_table_shows_counts_per_role_and_each_change_with_its_reason(repo: Path) -> None:
    write(repo, {"roles/mentor.yaml": role_yaml("mentor", 5)})
    code, out, _ = cli("-C", str(repo), "diff", "HEAD", "--as-of", AS_OF, "--format", "table")
    assert code == 0
    lines = out.splitlines()
    assert lines[0].startswith("tlt diff: HEAD (") and lines[0].endswith(") → working tree, as of 2025-09-01")
    assert "mentor: +0 eligible, −2 (eligible 3 → 1; 2 verdicts changed)" in lines
    assert "1 other role: no verdict changed" in lines
    rows = [line.split(None, 4) for line in lines if line.strip().startswith("mentor ")]
    assert rows == [
        ["mentor", "t-2", "eligible", "ineligible", "experience: 4.00 years, needs 5"],
        ["mentor", "t-3", "eligible", "ineligible", "experience: 4.50 years, needs 5"],
    ]
    code, out, _ = cli("-C", str(repo), "diff", "HEAD", "--as-of", AS_OF, "--format", "csv")
    assert out.splitlines() == [
        "role_id,teacher_id,before,after,reason",
        'mentor,t-2,eligible,ineligible,"experience: 4.00 years, needs 5"',
        'mentor,t-3,eligible,ineligible,"experience: 4.50 years, needs 5"',
    ]


def test_no_change_says_so(repo: Path) -> None:
    code, out, _ = cli("-C", str(repo), "diff", "HEAD", "--as-of", AS_OF, "--format", "table")
    assert code == 0
    assert out.splitlines()[1:] == [
        "2 other roles: no verdict changed",
        "no verdict changed for any teacher and role that exist on both sides",
    ]


def test_renamed_role_and_deleted_teacher(repo: Path) -> None:
    git(repo, "mv", "roles/coach.yaml", "roles/peer-coach.yaml")
    write(repo, {"roles/peer-coach.yaml": role_yaml("peer-coach", 5, title="Peer coach")})
    (repo / "teachers" / "t-4.yaml").unlink()
    data = diff_json(repo, "HEAD")
    assert data["roles_renamed"] == [{"from": "coach", "to": "peer-coach"}]
    assert (data["roles_added"], data["roles_removed"]) == ([], [])
    assert (data["teachers_added"], data["teachers_removed"]) == ([], ["t-4"])
    assert data["changes"] == []  # same rules under a new id: no verdict changed
    counts = {r["role"]: (r["status"], r["was"], r["eligible_before"], r["eligible_after"]) for r in data["roles"]}
    assert counts == {"mentor": ("unchanged", None, 3, 2), "peer-coach": ("renamed", "coach", 1, 0)}
    # a rename that also changes the rules is a removed role and an added one
    write(repo, {"roles/peer-coach.yaml": role_yaml("peer-coach", 4, title="Peer coach")})
    data = diff_json(repo, "HEAD")
    assert (data["roles_added"], data["roles_removed"], data["roles_renamed"]) == (["peer-coach"], ["coach"], [])
    code, out, _ = cli("-C", str(repo), "diff", "HEAD", "--as-of", AS_OF, "--format", "table")
    assert "peer-coach: added (2 eligible)" in out and "coach: removed (was 1 eligible)" in out
    assert "teachers removed (1): t-4" in out


def test_revision_without_tlt_yaml_makes_everything_new(tmp_path: Path) -> None:
    root = tmp_path / "data"
    write(root, {"README.md": "data to come\n"})
    git(root, "init", "-q", "-b", "main")
    git(root, "add", ".")
    git(root, "commit", "-q", "-m", "empty")
    write(root, {"tlt.yaml": CONFIG.decode(), "roles/mentor.yaml": role_yaml("mentor", 3)})
    write(root, {f"teachers/{t}.yaml": teacher_yaml(t, y) for t, y in TEACHERS.items()})
    data = diff_json(root, "HEAD")
    assert data["rev_has_config"] is False
    assert data["roles_added"] == ["mentor"] and data["teachers_added"] == sorted(TEACHERS)
    assert data["roles"] == [
        {"role": "mentor", "status": "added", "was": None, "eligible_before": None, "eligible_after": 3,
         "gained": 0, "lost": 0, "changed": 0},
    ]  # fmt: skip
    code, out, _ = cli("-C", str(root), "diff", "HEAD", "--as-of", AS_OF, "--format", "table")
    assert "tlt.yaml does not exist here at HEAD: every role and teacher is new" in out


def test_data_repository_in_a_subfolder_and_a_missing_folder_at_the_revision(tmp_path: Path) -> None:
    top = tmp_path / "monorepo"
    write(top, {"district/tlt.yaml": CONFIG.decode(), "district/roles/mentor.yaml": role_yaml("mentor", 3)})
    git(top, "init", "-q", "-b", "main")
    git(top, "add", ".")
    git(top, "commit", "-q", "-m", "roles, no teachers yet")
    write(top, {f"district/teachers/{t}.yaml": teacher_yaml(t, y) for t, y in TEACHERS.items()})
    write(top, {"district/roles/mentor.yaml": role_yaml("mentor", 4)})
    data = diff_json(top / "district", "HEAD")
    assert data["teachers_added"] == sorted(TEACHERS) and data["changes"] == []
    assert data["roles"][0]["eligible_before"] == 0 and data["roles"][0]["eligible_after"] == 3


def test_term_sets_the_date(repo: Path) -> None:
    write(repo, {"roles/mentor.yaml": role_yaml("mentor", 5)})
    code, out, _ = cli("-C", str(repo), "diff", "HEAD", "--term", "2024-25", "--format", "json")
    assert code == 0 and json.loads(out)["as_of"] == "2024-08-26"
    code, _, err = cli("-C", str(repo), "diff", "HEAD", "--term", "1999-00", "--format", "json")
    assert code == 2 and "1999-00" in err


def test_not_a_git_repository_exits_2(tmp_path: Path) -> None:
    write(tmp_path, {"tlt.yaml": CONFIG.decode()})
    code, out, err = cli("-C", str(tmp_path), "diff", "HEAD", "--as-of", AS_OF)
    assert (code, out) == (2, "")
    assert "is not in a git repository" in err and "Traceback" not in err


@pytest.mark.parametrize(
    "rev", ["no-such-branch", "HEAD~5", "0123456789abcdef0123456789abcdef01234567", "HEAD:tlt.yaml"]
)
def test_a_revision_that_does_not_exist_exits_2(repo: Path, rev: str) -> None:
    code, out, err = cli("-C", str(repo), "diff", rev, "--as-of", AS_OF)
    assert (code, out) == (2, "")
    assert f"revision '{rev}' does not exist" in err


@pytest.mark.parametrize("rev", ["--output=/tmp/x", "-p", "--", "HEAD\nmain"])
def test_a_revision_that_looks_like_an_option_is_refused(repo: Path, rev: str) -> None:
    code, out, err = cli("-C", str(repo), "diff", "--as-of", AS_OF, "--", rev)
    assert (code, out) == (2, "")
    assert "is not a revision" in err


def test_a_broken_revision_refuses_unless_skip_invalid(repo: Path) -> None:
    write(repo, {"teachers/t-9.yaml": "id: t-9\nname: A\nname: B\n"})
    git(repo, "add", ".")
    git(repo, "commit", "-q", "-m", "broken teacher")
    (repo / "teachers" / "t-9.yaml").unlink()
    code, out, err = cli("-C", str(repo), "diff", "HEAD", "--as-of", AS_OF)
    assert (code, out) == (1, "")
    assert "at HEAD: 1 file has errors" in err
    code, out, err = cli("-C", str(repo), "diff", "HEAD", "--as-of", AS_OF, "--skip-invalid", "--format", "json")
    assert code == 0 and "at HEAD: skipped teachers/t-9.yaml" in err
    assert json.loads(out)["teachers_removed"] == []  # t-9 never loaded at HEAD


def test_git_symlinks_are_never_followed_and_big_blobs_never_read(repo: Path, tmp_path: Path) -> None:
    secret = tmp_path / "secret.yaml"
    secret.write_text("id: t-6\nname: Outside the repository\n")
    (repo / "teachers" / "t-6.yaml").symlink_to(secret)
    write(repo, {"roles/huge.yaml": b"id: huge\n#" + b"x" * (2 * 1024 * 1024) + b"\n"})
    git(repo, "add", ".")
    git(repo, "commit", "-q", "-m", "a link and a big file")
    (repo / "teachers" / "t-6.yaml").unlink()
    (repo / "roles" / "huge.yaml").unlink()
    code, out, err = cli("-C", str(repo), "diff", "HEAD", "--as-of", AS_OF, "--skip-invalid", "--format", "json")
    assert code == 0
    assert "at HEAD: skipped roles/huge.yaml" in err and "at HEAD: skipped teachers/t-6.yaml" in err
    data = json.loads(out)
    assert data["teachers_removed"] == [] and data["roles_removed"] == []
    tree = revision_source(repo, "HEAD")[0]
    [link] = tree.read(["teachers/t-6.yaml"])
    assert [p.message for p in link.problems] == ["a symbolic link; links are not followed in a git revision"]
    [big] = tree.read(["roles/huge.yaml"])
    assert [p.message for p in big.problems] == ["the file is 2.0 MiB; the limit is 1 MiB"]


def test_working_tree_that_fails_refuses(repo: Path) -> None:
    write(repo, {"roles/mentor.yaml": "id: mentor\ntitle: [\n"})
    code, out, err = cli("-C", str(repo), "diff", "HEAD", "--as-of", AS_OF)
    assert (code, out) == (1, "")
    assert "1 file has errors; run `tlt validate`" in err
