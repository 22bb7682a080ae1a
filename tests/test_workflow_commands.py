"""No value in any output a CI log shows can start a GitHub workflow command (SPEC sections 7 and 14): not `::` at
the start of a line after white space, and not the legacy `##[` anywhere in a line. Every format of `validate`,
the report formats and the messages on stderr are run on a repository whose values try both."""

from __future__ import annotations

import json
import re
import tempfile
import textwrap
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from gitkit import git
from tlt.problems import escape_control
from tlt.render.rows import Column, Table, render_table

AS_OF = "2025-01-06"
KEY = "##[error]forged ::warning::x"
NAME = "Sam ##[error]x aaaaaaaaaaaaaaaaaa ::error::forged"  # folds at a space in a narrow table
ANNOTATION = re.compile(r"::(error|warning) file=[^:]*,line=[0-9]+,col=[0-9]+,title=tlt [a-z-]+::.*")


def assert_no_command(text: str, annotations_allowed: bool = False) -> None:
    assert "##[" not in text
    for line in re.split("\r\n|\r|\n", text):
        if line.lstrip().startswith("::"):
            assert annotations_allowed and ANNOTATION.fullmatch(line), line


@pytest.fixture
def forged(make_repo, role_yaml, teacher_yaml):
    return make_repo(
        roles={"coach": role_yaml("coach")},
        teachers={
            "t-1": teacher_yaml("t-1", f'"{KEY}": 1\n'),
            "t-2": f'id: t-2\nname: "{NAME}"\n',
            "##[error]x": teacher_yaml("x"),  # a file name too
        },
    )


@pytest.mark.parametrize("fmt", ["text", "json", "github", "sarif", "junit"])
def test_no_validate_format_lets_a_value_start_a_command(forged, run, fmt):
    code, out, err = run(["-C", forged, "validate", "--format", fmt, "--as-of", AS_OF])
    assert code == 1
    assert_no_command(out, annotations_allowed=fmt == "github")
    assert_no_command(err)
    if fmt == "json":  # the same values to a JSON reader
        messages = [p["message"] for p in json.loads(out)["problems"]]
        assert any(f"unknown key '{KEY}'" in m for m in messages)
        assert "teachers/##[error]x.yaml" in {p["path"] for p in json.loads(out)["problems"]}
    elif fmt == "sarif":
        results = json.loads(out)["runs"][0]["results"]
        assert any(f"unknown key '{KEY}'" in r["message"]["text"] for r in results)
    elif fmt == "junit":  # and to an XML reader
        names = {c.get("name") for c in ET.fromstring(out).iter("testcase")}
        assert "teachers/##[error]x.yaml" in names
        assert any(f"unknown key '{KEY}'" in (f.get("message") or "") for f in ET.fromstring(out).iter("failure"))
    elif fmt in ("text", "github"):
        assert "#\\x23[error]forged" in out


@pytest.mark.parametrize(
    ("command", "fmt"),
    [("check-eligibility", "table"), ("check-eligibility", "csv"), ("report", "csv"), ("report", "json")],
)
def test_no_report_format_lets_a_value_start_a_command(make_repo, role_yaml, run, command, fmt):
    teacher = f'id: t-2\nname: "{NAME}"\nassignments:\n  - {{role: coach, start: 2024-09-02}}\n'
    root = make_repo(roles={"coach": role_yaml("coach")}, teachers={"t-2": teacher})
    args = [
        "-C",
        root,
        command,
        "--as-of",
        AS_OF,
        "--format",
        fmt,
        *(["--term", "2024-25"] if command == "report" else []),
        # the role states no requirement: its eligible teachers are listed only with --explain (SPEC 13)
        *(["--explain"] if fmt == "table" else []),
    ]
    code, out, _ = run(args, env={"TERMINAL_WIDTH": "60"})
    assert code == 0
    assert_no_command(out)
    if fmt == "json":
        [row] = json.loads(out)
        assert row["teacher_name"] == NAME  # the same value to a JSON reader
    elif command == "check-eligibility":
        assert "#\\x23[error]x" in out  # (on a terminal a name is cut with `…`, never folded)


def test_messages_on_stderr_start_no_command(forged, run):
    code, out, err = run(["-C", forged, "stipends", "--as-of", AS_OF, "--skip-invalid"])
    assert "skipped teachers/#\\x23[error]x.yaml" in err
    assert_no_command(err)


@given(st.text(alphabet=st.sampled_from(":#[ \t\r\n\u3000ax\\")))
def test_no_workflow_command_leaves_no_command_and_changes_nothing_else(text):
    from tlt.problems import no_workflow_command

    shown = no_workflow_command(text)
    assert_no_command(shown)
    if "##[" not in text and not any(line.lstrip().startswith("::") for line in re.split("\r\n|\r|\n", text)):
        assert shown == text


# The runner reads a step's output line by line (CR, LF and CR LF end a line): a value's control characters must
# reach it escaped. It trims white space before it looks for `::`; Python's `str.lstrip` trims every character
# .NET's `TrimStart` does.
CONTROL = re.compile("[\x00-\x09\x0b-\x1f\x7f-\x9f\u2028\u2029]")
WORDS = " ".join(["::error::forged"] * 12)  # a value made of commands: any fold of it starts a line with one


def assert_no_line_starts_a_command(text: str) -> None:
    for line in re.split("\r\n|\r|\n", text):
        assert not line.lstrip().startswith("::"), line


@pytest.fixture
def wordy(make_repo):
    """A role titled and a teacher named with `::error::` words, the teacher holding the role with a caseload and
    a stipend, and a clearance that expires: a line of every report and table holds them."""
    role = (
        f'id: coach\ntitle: "{WORDS}"\ncategory: mentoring\n'
        "caseload: {max: 3}\ncompensation: {stipend: {amount: 100}}\n"
    )
    teacher = (
        f'id: t-1\nname: "{WORDS}"\nschool: "{WORDS}"\n'
        "clearances: [{kind: fingerprint, date: 2020-01-01, expires: 2025-01-20}]\n"
        "assignments:\n  - {role: coach, start: 2024-09-02, caseload: [t-2]}\n"
    )
    return make_repo(roles={"coach": role}, teachers={"t-1": teacher, "t-2": "id: t-2\nname: Pat\n"})


TABLES = [
    ["check-eligibility", "--all", "--explain", "--as-of", AS_OF],
    ["check-eligibility", "--teacher", "t-1", "--as-of", AS_OF],
    ["roles"],
    ["caseload", "--term", "2024-25"],
    ["stipends", "--term", "2024-25"],
    ["report", "--term", "2024-25"],
    ["expiring", "--as-of", AS_OF],
]


@pytest.mark.parametrize("width", ["80", "100", "120"])
@pytest.mark.parametrize("command", TABLES, ids=lambda c: " ".join(c))
def test_a_table_folded_at_any_width_starts_no_line_with_a_command(wordy, run, command, width):
    code, out, err = run(
        ["-C", wordy, *command, "--format", "table"],
        env={"TERMINAL_WIDTH": width, "COLUMNS": width},
    )
    assert code == 0, err
    assert_no_line_starts_a_command(out)
    assert_no_line_starts_a_command(err)
    # the value reached the table (folded, where a fold at the start of a line shows it escaped, or cut with …),
    # unless its column was left out to fit
    assert "::error" in out or "\\x3a:error" in out or "left out to fit" in out


# A file name can hold any character but `/` and NUL: the runner, and the log a person reads, must see them escaped.
NAMES = {"esc": "a\x1b[31mred", "bel": "b\x07bell", "nel": "c\x85nel", "line separator": "d\u2028ls", "tab": "e\tf"}


@pytest.mark.parametrize("name", NAMES.values(), ids=NAMES.keys())
def test_github_output_escapes_control_characters_of_a_file_name(make_repo, run, name):
    # the name is in the path (`file=`) and, quoted by id-mismatch, in the message; a key holds the same characters
    key = name.encode("unicode_escape").decode()
    root = make_repo(teachers={name: "id: t-1\nname: x\n", "t-2": f'id: t-2\nname: x\n"{key}": 1\n'})
    code, out, _ = run(["-C", root, "validate", "--as-of", AS_OF, "--format", "github", "--path-prefix", ""])
    assert code == 1
    lines = out.splitlines()
    assert len(lines) == 2
    for line in lines:
        assert not CONTROL.search(line), repr(line)
        assert ANNOTATION.fullmatch(line), line
    shown = escape_control(name)
    assert f"::error file=teachers/{shown}.yaml,line=1,col=5,title=tlt id-mismatch::" in out
    assert f"expected '{shown}'" in out
    assert f"unknown key '{shown}'" in out


# (a tab is a control character, which a folder name in tlt.yaml may not hold: tests/test_bounds.py)
LEADING = {"space": " ", "two spaces": "  ", "no-break space": "\u00a0", "ideographic space": "\u3000"}


@pytest.mark.parametrize("lead", LEADING.values(), ids=LEADING.keys())
def test_a_line_with_white_space_before_colons_starts_no_command(make_repo, config_yaml, run, lead):
    # a teacher folder named so that every path, in every line that begins with one, begins with white space
    # and `::`
    folder = f"{lead}::error::forged"
    config = config_yaml().replace("terms:", f'teachers: ["{folder.encode("unicode_escape").decode()}"]\nterms:')
    root = make_repo(config=config, files={f"{folder}/t-1.yaml": "id: t-1\nname: x\nbogus: 1\n"})
    for fmt in ("text", "json", "github", "sarif", "junit"):
        code, out, err = run(["-C", root, "validate", "--as-of", AS_OF, "--format", fmt])
        assert code == 1, err
        assert "##[" not in out
        for line in re.split("\r\n|\r|\n", out):
            if line.lstrip().startswith("::"):
                assert fmt == "github" and ANNOTATION.fullmatch(line), line
        assert_no_line_starts_a_command(err)
    code, out, err = run(["-C", root, "stipends", "--as-of", AS_OF, "--skip-invalid"])
    assert code == 0
    assert "skipped" in err
    assert_no_line_starts_a_command(err)


# Pieces of values that try every way into a CI log: the two commands, the white space the runner trims, line
# breaks (CR, LF, and NEL and U+2028, which the runner does not split at), terminal escapes and plain letters.
PIECES = ["::", "::error::", "##[", "#", "[error]", ":", " ", "\t", "\u00a0", "\u3000", "\r", "\n", "\r\n", "\x85",
          "\u2028", "\x1b[2K", "\x07", "a", "forged", "%0A", ","]  # fmt: skip
hostile_values = st.lists(st.sampled_from(PIECES), min_size=1, max_size=12).map("".join)


def hostile_repo(root: Path, value: str, config: str) -> Path:
    """A repository in which every free-text field tlt shows holds `value`: a role's title and cites, its rules'
    options, a teacher's name, school, status, memberships, employer, license type and clearance kind, a key,
    and a file's name. Every command has rows, reasons and problems to show."""
    v = json.dumps(value)  # a YAML double-quoted scalar: control characters written as escapes
    role = f"""\
        id: coach
        title: {v}
        category: mentoring
        eligibility:
          required:
            - status: {{in: [{v}], cite: {v}}}
            - license: {{states: [MA], types: [{v}], cite: {v}}}
            - clearances: {{kinds: [{v}]}}
            - membership: {{any_of: [{v}]}}
            - experience: {{min_years: 3, employer: {v}}}
        term_limit: {{max_terms: 1, cite: {v}}}
        caseload: {{max: 0}}
        compensation: {{stipend: {{amount: 1000, cite: {v}}}}}
        after_service:
          - {{bars: {{roles: [coach]}}, months: 12, cite: {v}}}
        """
    teacher = f"""\
        id: t-1
        name: {v}
        school: {v}
        status: {json.dumps(value + "x")}
        memberships: [{json.dumps(value + "y")}]
        experience: [{{employer: {v}, years: 1}}]
        licenses: [{{state: MA, type: {json.dumps(value + "z")}, expires: 2025-01-20}}]
        clearances: [{{kind: {v}, date: 2020-01-01, expires: 2025-01-20}}]
        assignments:
          - {{role: coach, start: 2024-09-02, end: 2024-09-30}}
          - {{role: coach, start: 2024-10-01, caseload: [t-2, t-9]}}
        """
    name = value.replace("/", "_").replace("\x00", "_")  # the only two characters a file name cannot hold
    files = {
        "tlt.yaml": config,
        "roles/coach.yaml": textwrap.dedent(role),
        "teachers/t-1.yaml": textwrap.dedent(teacher),
        "teachers/t-2.yaml": f"id: t-2\nname: {v}\n{v}: 1\n",
        f"teachers/{name}.yaml": "id: t-3\nname: x\n",
    }
    for rel, text in files.items():
        (root / rel).parent.mkdir(parents=True, exist_ok=True)
        (root / rel).write_text(text, encoding="utf-8")
    return root


RUNS = [
    *(["validate", "--as-of", AS_OF, "--format", fmt] for fmt in ("text", "json", "github", "sarif", "junit")),
    *(
        [*command, "--format", fmt, "--skip-invalid"]
        for command in (
            ["check-eligibility", "--all", "--explain", "--as-of", AS_OF],
            ["roles"],
            ["caseload", "--term", "2024-25"],
            ["stipends", "--term", "2024-25"],
            ["report", "--term", "2024-25"],
            ["expiring", "--as-of", AS_OF],
        )
        for fmt in ("table", "csv", "json")
    ),
]


@settings(max_examples=10, deadline=None)
@given(value=hostile_values, width=st.sampled_from(["40", "80", "100", "120"]))
def test_no_value_starts_a_command_in_any_output_of_any_command(run, config_yaml, value, width):
    with tempfile.TemporaryDirectory() as folder:  # not tmp_path: one repository per example
        root = hostile_repo(Path(folder) / "repo", value, config_yaml())
        for args in RUNS:
            code, out, err = run(["-C", root, *args], env={"TERMINAL_WIDTH": width, "COLUMNS": width})
            assert code in (0, 1), (args, err)
            github = args[-1] == "github"
            assert_no_command(out, annotations_allowed=github)
            assert_no_command(err)
            if github:  # tlt's own lines only, each with every control character of a value escaped
                assert out and not CONTROL.search(out.replace("\n", "")), out


@settings(max_examples=200, deadline=None)
@given(
    cells=st.lists(hostile_values, min_size=1, max_size=4),
    lines=st.lists(hostile_values, max_size=3),
    width=st.integers(min_value=20, max_value=160),
)
def test_a_table_of_hostile_cells_folded_at_any_width_starts_no_command(cells, lines, width):
    fits = [None, "cut", "whole", "wrap"]  # folded, cut with …, whole: no line of any starts a command
    columns = [Column(f"c{i}", fit=fits[i % 4], priority=i) for i in range(len(cells))] + [Column("why", "lines")]
    row = {**{f"c{i}": cell for i, cell in enumerate(cells)}, "why": lines}
    table = Table(columns, [row], title=cells[0], caption=cells[-1])
    assert_no_command(render_table(table, width=width))


@pytest.mark.parametrize("width", ["40", "80", "120"])
def test_tlt_diff_lets_no_value_start_a_command(make_repo, run, width):
    cite = json.dumps(f"##[error]x \u3000::error::y {WORDS}")
    role = (
        "id: coach\ntitle: x\ncategory: mentoring\neligibility:\n  required:\n"
        f"    - experience: {{min_years: 3, cite: {cite}}}\n"
    )
    teacher = f'id: t-1\nname: "{WORDS}"\nexperience: [{{employer: TST, years: 4}}]\n'
    root = make_repo(roles={"coach": role}, teachers={"t-1": teacher})
    git(root, "init", "-q")
    git(root, "add", ".")
    git(root, "commit", "-q", "-m", "start")
    (root / "roles" / "coach.yaml").write_text(role.replace("min_years: 3", "min_years: 5"), encoding="utf-8")
    for fmt in ("table", "csv", "json"):
        code, out, err = run(
            ["-C", root, "diff", "HEAD", "--as-of", AS_OF, "--format", fmt], env={"TERMINAL_WIDTH": width}
        )
        assert code == 0, err
        assert "t-1" in out  # the verdict changed, with the cite in its reason
        assert_no_command(out)
        assert_no_command(err)
