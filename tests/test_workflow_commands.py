"""No value in any output a CI log shows can start a GitHub workflow command (SPEC sections 7 and 14): not `::` at
the start of a line after white space, and not the legacy `##[` anywhere in a line. Every format of `validate`,
the report formats and the messages on stderr are run on a repository whose values try both."""

from __future__ import annotations

import json
import re
import xml.etree.ElementTree as ET

import pytest
from hypothesis import given
from hypothesis import strategies as st

from tlt.problems import escape_control

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
    ]
    code, out, _ = run(args, env={"TERMINAL_WIDTH": "60"})
    assert code == 0
    assert_no_command(out)
    if fmt == "json":
        [row] = json.loads(out)
        assert row["teacher_name"] == NAME  # the same value to a JSON reader
    elif command == "check-eligibility":
        assert "#\\x23[error]x" in out
        if fmt == "table":  # the name folded at its spaces: its `::error::forged` on a line of its own, escaped
            assert "\n  \\x3a:error::forged\n" in out


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
# reach it escaped.
CONTROL = re.compile("[\x00-\x09\x0b-\x1f\x7f-\x9f\u2028\u2029]")


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
