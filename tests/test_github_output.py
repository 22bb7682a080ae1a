"""`tlt validate --format github` as SPEC section 14 wants it in a pull request: errors first, the pull request's
own files first with `--changed-since REV`, paths that land on the right file (`--path-prefix`, or the data
repository's folder in its git work tree), and the full list in the job summary (`$GITHUB_STEP_SUMMARY`).

Git runs for real, on repositories made in tmp_path, with a fixed identity and no global or system config.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from gitkit import git
from summaries import without_head  # noqa: E402
from tlt.problems import Problem, Severity
from tlt.render.problems import github_order

AS_OF = "2025-01-06"
OUTSIDE = "assignments:\n  - {role: coach, start: 2019-01-07, end: 2019-06-01}\n"  # an `outside-terms` warning


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
    assert without_head(err).strip() == "2 errors, 12 warnings in 14 files"


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


# ---- --changed-since REV: a pull request's own files first ---------------------------------------------------


@pytest.fixture
def pull_request(tmp_path: Path, warned_repo, teacher_yaml) -> Callable[[str], tuple[Path, str]]:
    """`pull_request(folder)`: a git repository whose base commit holds `warned_repo` at `folder` ('' for the
    top), then a commit that changes a-07 and adds m-1 (an error), and in the working tree an unstaged change to
    a-11, an untracked n-1 (an error), a-03 rewritten with the same bytes and a-05 with CR LF line ends.
    Returns (data repository, base commit)."""

    def make(folder: str) -> tuple[Path, str]:
        top = tmp_path / "top"
        top.mkdir()
        git(top, "init", "-q", "-b", "main")
        root = warned_repo(top / folder if folder else top)
        base = commit_all(top, "base")
        teachers = root / "teachers"
        (teachers / "a-07.yaml").write_text(teacher_yaml("a-07", OUTSIDE) + "# moved\n", encoding="utf-8")
        (teachers / "m-1.yaml").write_text(teacher_yaml("m-1", "school: [x]\n"), encoding="utf-8")
        commit_all(top, "the pull request")
        (teachers / "a-11.yaml").write_text(teacher_yaml("a-11", OUTSIDE) + "# unstaged\n", encoding="utf-8")
        (teachers / "n-1.yaml").write_text(teacher_yaml("n-1", "school: [x]\n"), encoding="utf-8")
        (teachers / "a-03.yaml").write_bytes((teachers / "a-03.yaml").read_bytes())
        os.utime(teachers / "a-03.yaml", (1, 1))  # git's index would take it as changed
        (teachers / "a-05.yaml").write_bytes((teachers / "a-05.yaml").read_bytes().replace(b"\n", b"\r\n"))
        return root, base

    return make


PR_ORDER = [
    ("error", "teachers/m-1.yaml"),
    ("error", "teachers/n-1.yaml"),
    ("error", "teachers/z-1.yaml"),
    ("error", "teachers/z-2.yaml"),
    ("warning", "teachers/a-07.yaml"),
    ("warning", "teachers/a-11.yaml"),
    *[("warning", f"teachers/a-{i:02}.yaml") for i in range(1, 13) if i not in (7, 11)],
]


def test_changed_since_puts_the_problems_of_changed_files_first(pull_request, run):
    root, base = pull_request("")
    code, out, _ = run(["-C", root, "validate", "--format", "github", "--as-of", AS_OF, "--changed-since", base])
    assert code == 1
    assert annotations(out) == PR_ORDER
    code, out, _ = run(["-C", root, "validate", "--format", "github", "--as-of", AS_OF, "--changed-since", "HEAD"])
    assert code == 1  # since HEAD only the working tree's changes count: n-1 and a-11
    assert annotations(out) == [
        ("error", "teachers/n-1.yaml"),
        ("error", "teachers/m-1.yaml"),
        ("error", "teachers/z-1.yaml"),
        ("error", "teachers/z-2.yaml"),
        ("warning", "teachers/a-11.yaml"),
        *[("warning", f"teachers/a-{i:02}.yaml") for i in range(1, 13) if i != 11],
    ]


_PROBLEMS = st.lists(
    st.builds(
        Problem,
        path=st.sampled_from(["tlt.yaml", "roles/a.yaml", "teachers/b.yaml", "teachers/c.yaml"]),
        line=st.integers(1, 3),
        column=st.integers(1, 3),
        code=st.sampled_from(["schema", "expiring"]),
        severity=st.sampled_from(Severity),
        message=st.sampled_from(["m", "n"]),
    )
)


@given(_PROBLEMS, st.sets(st.sampled_from(["roles/a.yaml", "teachers/c.yaml", "teachers/gone.yaml"])))
def test_github_order_is_errors_then_changed_files_then_position(problems, changed):
    ordered = github_order(problems, changed)
    assert sorted(ordered) == sorted(set(problems))  # every problem once
    keys = [(not p.is_error, p.path not in changed, p.path, p.line, p.column, p.code, p.message) for p in ordered]
    assert keys == sorted(keys)


def test_changed_since_in_a_sha256_repository(tmp_path, warned_repo, teacher_yaml, run):
    top = tmp_path / "top"
    top.mkdir()
    git(top, "init", "-q", "--object-format=sha256")
    root = warned_repo(top)
    commit_all(top)
    (root / "teachers" / "a-11.yaml").write_text(teacher_yaml("a-11", OUTSIDE) + "# changed\n", encoding="utf-8")
    code, out, _ = run(["-C", root, "validate", "--format", "github", "--as-of", AS_OF, "--changed-since", "HEAD"])
    assert code == 1
    assert annotations(out)[2:4] == [("warning", "teachers/a-11.yaml"), ("warning", "teachers/a-01.yaml")]


def test_changed_since_in_a_subfolder_matches_the_prefixed_paths(pull_request, run):
    root, base = pull_request("district")
    code, out, _ = run(["-C", root, "validate", "--format", "github", "--as-of", AS_OF, "--changed-since", base])
    assert code == 1
    assert annotations(out) == [(kind, "district/" + path) for kind, path in PR_ORDER]


@pytest.mark.parametrize(
    ("rev", "says"),
    [
        ("no-such-branch", "--changed-since: revision 'no-such-branch' does not exist in the git repository at"),
        ("--output=/tmp/x", "--changed-since: '--output=/tmp/x' is not a revision; name a commit such as HEAD"),
        ("main\n::error::x", "--changed-since: 'main\\\\n::error::x' is not a revision"),
    ],
)
def test_changed_since_an_unknown_revision_is_refused(pull_request, run, rev, says):
    root, _ = pull_request("")
    code, out, err = run(["-C", root, "validate", "--format", "github", "--as-of", AS_OF, "--changed-since", rev])
    assert (code, out) == (2, "")
    assert err.startswith("tlt: " + says), err


def test_changed_since_outside_git_is_refused(tmp_path, warned_repo, run):
    root = warned_repo()
    code, out, err = run(
        ["-C", root, "validate", "--format", "github", "--changed-since", "HEAD"],
        env={"GIT_CEILING_DIRECTORIES": str(tmp_path)},
    )
    assert (code, out) == (2, "")
    assert err.startswith("tlt: --changed-since: ") and "is not in a git repository" in err


@pytest.mark.parametrize("fmt", ["text", "json", "sarif", "junit"])
def test_changed_since_is_refused_for_other_formats(warned_repo, run, fmt):
    code, out, err = run(["-C", warned_repo(), "validate", "--format", fmt, "--changed-since", "HEAD"])
    assert (code, out) == (2, "")
    assert err.startswith(f"tlt: --changed-since orders --format github output only; {fmt} output keeps its order")


# ---- the job summary: $GITHUB_STEP_SUMMARY -------------------------------------------------------------------

HOSTILE_KEY = "a|b <s>x</s> `t` [l](https://x.t) ![i](y.png) ##[e] :100: @a *b* _c_ &amp;"  # + "\\n::e": 79


def markdown_table(text: str) -> list[list[str]]:
    """The body rows of the one table in `text` as a GitHub-flavoured Markdown renderer shows them: the text of
    each cell (markdown-it-py, CommonMark with tables), after checking that a cell holds nothing but one <code>."""
    from html.parser import HTMLParser

    from markdown_it import MarkdownIt

    html = MarkdownIt("commonmark").enable("table").render(text)

    class Cells(HTMLParser):
        def __init__(self) -> None:
            super().__init__(convert_charrefs=True)
            self.rows: list[list[str]] = []
            self.tags: list[str] = []  # the elements inside body cells
            self.in_cell = False

        def handle_starttag(self, tag: str, attrs: object) -> None:
            if tag == "tr":
                self.rows.append([])
            elif tag == "td":
                self.rows[-1].append("")
                self.in_cell = True
            elif self.in_cell:
                self.tags.append(tag)

        def handle_endtag(self, tag: str) -> None:
            if tag == "td":
                self.in_cell = False

        def handle_data(self, data: str) -> None:
            if self.in_cell:
                self.rows[-1][-1] += data

    parser = Cells()
    parser.feed(html)
    assert set(parser.tags) <= {"code"}, html  # no link, image, emphasis or HTML of a value's making
    return [row for row in parser.rows if row]  # (the heading's row has <th> cells)


def test_the_job_summary_gets_the_full_list_as_a_table(tmp_path, pull_request, run):
    root, base = pull_request("district")
    summary = tmp_path / "summary.md"
    summary.write_text("earlier step output\n", encoding="utf-8")
    code, out, _ = run(
        ["-C", root, "validate", "--format", "github", "--as-of", AS_OF, "--changed-since", base],
        env={"GITHUB_STEP_SUMMARY": str(summary)},
    )
    assert code == 1
    assert annotations(out) == [(kind, "district/" + path) for kind, path in PR_ORDER]  # the output as ever
    text = summary.read_text(encoding="utf-8")
    assert text.startswith("earlier step output\n### tlt validate\n\n4 errors, 12 warnings in 16 files\n\n")
    rows = markdown_table(text)
    assert [(kind, where.split(":")[0]) for kind, where, _, _ in rows] == annotations(out)
    assert rows[0][1:3] == ["district/teachers/m-1.yaml:3:9", "schema"]
    assert rows[2] == [
        "error",
        "district/teachers/z-1.yaml:3:1",
        "duplicate-key",
        "duplicate key 'name': first at line 2",
    ]


def test_the_job_summary_shows_every_value_as_text(tmp_path, make_repo, teacher_yaml, run):
    root = make_repo(teachers={"t-1": teacher_yaml("t-1", f'"{HOSTILE_KEY}\\n::e": 1\n')})
    summary = tmp_path / "summary.md"
    code, _, _ = run(
        ["-C", root, "validate", "--format", "github", "--as-of", AS_OF], env={"GITHUB_STEP_SUMMARY": str(summary)}
    )
    assert code == 1
    text = summary.read_text(encoding="utf-8")
    assert "##[" not in text and "`" not in text and "<s>" not in text and "](" not in text
    assert not any(line.lstrip().startswith("::") for line in text.splitlines())
    [row] = markdown_table(text)
    assert row[:3] == ["error", "teachers/t-1.yaml:3:1", "schema"]
    assert row[3].startswith(f"unknown key '{HOSTILE_KEY}\\n::e' in the document")


def test_the_job_summary_stops_at_the_1_mib_github_keeps(tmp_path, warned_repo, run):
    summary = tmp_path / "summary.md"
    filler = 1024 * 1024 - 1200  # an earlier command of the step left almost all of it
    summary.write_bytes(b"x" * (filler - 1) + b"\n")
    code, _, err = run(
        ["-C", warned_repo(), "validate", "--format", "github", "--as-of", AS_OF],
        env={"GITHUB_STEP_SUMMARY": str(summary)},
    )
    assert code == 1
    data = summary.read_bytes()
    assert len(data) <= 1024 * 1024
    text = data[filler:].decode("utf-8")
    rows = markdown_table(text)
    assert 1 <= len(rows) < 14
    assert [r[1].split(":")[0] for r in rows[:2]] == ["teachers/z-1.yaml", "teachers/z-2.yaml"][: len(rows)]
    n = 14 - len(rows)
    assert text.endswith(
        f"\n{n} more problems not shown: GitHub keeps at most 1 MiB of a step's summary; `tlt validate` lists them all.\n"
    )
    assert without_head(err).strip() == "2 errors, 12 warnings in 14 files"


def test_a_full_job_summary_is_left_as_it_is_with_a_note(tmp_path, warned_repo, run):
    summary = tmp_path / "summary.md"
    summary.write_bytes(b"x" * (1024 * 1024))
    code, out, err = run(
        ["-C", warned_repo(), "validate", "--format", "github", "--as-of", AS_OF],
        env={"GITHUB_STEP_SUMMARY": str(summary)},
    )
    assert code == 1 and len(annotations(out)) == 14
    assert summary.read_bytes() == b"x" * (1024 * 1024)
    assert "already holds the 1 MiB GitHub keeps; the problems were not added to it" in err


def test_a_clean_repository_says_so_in_the_job_summary(tmp_path, make_repo, run):
    summary = tmp_path / "summary.md"
    code, out, _ = run(
        ["-C", make_repo(), "validate", "--format", "github", "--as-of", AS_OF],
        env={"GITHUB_STEP_SUMMARY": str(summary)},
    )
    assert (code, out) == (0, "")
    assert summary.read_text(encoding="utf-8") == "### tlt validate\n\nno problems\n\n"


@pytest.mark.parametrize("where", ["folder", "missing/summary.md", "input"])
def test_a_job_summary_that_cannot_be_written_stops_with_exit_2(tmp_path, warned_repo, run, where):
    root = warned_repo()
    target = {"folder": tmp_path, "missing/summary.md": tmp_path / "missing" / "summary.md"}.get(
        where, root / "teachers" / "z-1.yaml"
    )
    before = (root / "teachers" / "z-1.yaml").read_bytes()
    code, out, err = run(
        ["-C", root, "validate", "--format", "github", "--as-of", AS_OF], env={"GITHUB_STEP_SUMMARY": str(target)}
    )
    assert (code, out) == (2, "")
    assert err.startswith("tlt: ") and "$GITHUB_STEP_SUMMARY (" in err
    assert ("input file of the repository" in err) == (where == "input")
    assert "Traceback" not in err
    assert (root / "teachers" / "z-1.yaml").read_bytes() == before


@pytest.mark.parametrize("fmt", ["text", "json", "sarif", "junit"])
def test_only_github_output_writes_the_job_summary(tmp_path, warned_repo, run, fmt):
    summary = tmp_path / "summary.md"
    code, _, _ = run(
        ["-C", warned_repo(), "validate", "--format", fmt, "--as-of", AS_OF], env={"GITHUB_STEP_SUMMARY": str(summary)}
    )
    assert code == 1
    assert not summary.exists()


_VALUE = st.text(
    alphabet=st.characters(codec="utf-8", exclude_categories=("Cs",)) | st.sampled_from("|<>&`*_[]()!#:.@\\\n\r\t~$")
)


@settings(max_examples=60, deadline=None)
@given(st.lists(st.tuples(_VALUE, st.booleans(), _VALUE), min_size=1, max_size=5), st.integers(200, 3000))
def test_a_summary_cell_shows_exactly_its_value_and_the_summary_fits(found, limit):
    from tlt.problems import error, escape_control, warning
    from tlt.render.problems import render_step_summary

    problems = [
        (error if is_error else warning)(f"teachers/{name}.yaml", 1, 1, "schema", text)
        for name, is_error, text in found
    ]
    text = render_step_summary(problems, limit=limit)
    assert len(text.encode("utf-8")) <= limit
    assert "##[" not in text and not any(line.lstrip().startswith("::") for line in text.splitlines())
    if not text:
        return
    rows = markdown_table(text)
    expected = [
        [p.severity.value, escape_control(f"{p.path}:1:1"), "schema", escape_control(p.message)]
        for p in github_order(problems)
    ]
    assert rows == expected[: len(rows)]
    assert text.endswith("`tlt validate` lists them all.\n") == (len(rows) < len(expected))


def test_changed_since_a_commit_a_shallow_clone_lacks_says_how_to_fetch_it(tmp_path, pull_request, run):
    origin, base = pull_request("")
    clone = tmp_path / "clone"
    git(tmp_path, "clone", "-q", "--depth", "1", f"file://{origin}", str(clone))
    code, out, err = run(["-C", clone, "validate", "--format", "github", "--as-of", AS_OF, "--changed-since", base])
    assert (code, out) == (2, "")
    assert f"--changed-since: revision '{base}' does not exist in the git repository at" in err
    assert "this is a shallow clone, which lacks older commits: fetch them (actions/checkout: fetch-depth: 0)" in err
