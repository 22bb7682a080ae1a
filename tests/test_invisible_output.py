"""No output shows a line separator or a bidirectional control raw (issue 12, item 2).

Values written as escapes in double-quoted strings (`"\\u2028"`) are data, and reach every output. Raw, NEL,
U+2028 and U+2029 break a line in some viewers and not in others, and the bidi controls (U+202A–U+202E,
U+2066–U+2069, U+200E, U+200F, U+061C) reorder what a terminal, a CI log or a spreadsheet shows ("Trojan
Source"). Every command in every format, stdout, stderr and written files, shows them escaped: `\\u2028` in
text, CSV, tables, GitHub annotations, SARIF and JUnit; a JSON string escape (`\\u2028`, the same value once
decoded) in JSON.
"""

from __future__ import annotations

import json
import subprocess

import pytest

from tlt.problems import escape_control

AS_OF = "2025-09-01"
INVISIBLE = "\x85\u2028\u2029\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069\u200e\u200f\u061c"
#: one value holding them all, written as YAML escapes, between letters
YAML_VALUE = "x" + "".join(f"\\u{ord(c):04x}y" for c in INVISIBLE)
VALUE = "x" + "".join(f"{c}y" for c in INVISIBLE)

CONFIG = f"""\
program: "P{YAML_VALUE}"
organization: TST
terms:
  - {{id: 2024-25, start: 2024-08-26, end: 2025-06-13}}
  - {{id: 2025-26, start: 2025-08-25, end: 2026-06-12}}
"""
ROLE = f"""\
id: mentor
title: "Mentor {YAML_VALUE}"
category: mentoring
description: "{YAML_VALUE}"
eligibility:
  required:
    - status: {{in: [permanent], cite: "{YAML_VALUE}"}}
    - license: {{states: [MA], types: ["{YAML_VALUE}"]}}
caseload: {{max: 1, weights: {{"{YAML_VALUE}": 2}}}}
compensation:
  stipend: {{amount: 3000}}
"""
TEACHER = f"""\
id: t-1
name: "Pat {YAML_VALUE}"
school: "{YAML_VALUE}"
status: "{YAML_VALUE}"
licenses:
  - {{state: MA, type: "{YAML_VALUE}", number: "{YAML_VALUE}", expires: 2025-09-10, renewal: {{credits: 1}}}}
clearances:
  - {{kind: "{YAML_VALUE}", date: 2020-01-01, expires: 2025-09-20}}
experience:
  - {{employer: "{YAML_VALUE}", years: 3}}
coursework:
  - {{id: law, date: 2020-01-01, credits: 1}}
assignments:
  - role: mentor
    start: 2025-08-25
    caseload: [{{teacher: t-2, service: "{YAML_VALUE}"}}, t-3]
"""
OTHER = 'id: {id}\nname: "Other {value}"\n"bad{value}key": 1\n'

COMMANDS = [
    ["validate", "--format", fmt] for fmt in ("text", "json", "github", "sarif", "junit")
] + [
    [command, "--format", fmt, *extra]
    for command, extra in (
        ("check-eligibility", ["--all", "--explain"]),
        ("caseload", []),
        ("stipends", []),
        ("stipends", ["--by", "school"]),
        ("report", []),
        ("expiring", []),
        ("credits", []),
    )
    for fmt in ("table", "csv", "json")
] + [["roles"]]  # fmt: skip


@pytest.fixture
def repo(make_repo):
    other = OTHER.format(id="t-2", value=YAML_VALUE)
    return make_repo(
        config=CONFIG, roles={"mentor": ROLE}, teachers={"t-1": TEACHER, "t-2": other, "t-3": "id: t-3\nname: Q\n"}
    )


def _raw(text: str) -> list[str]:
    return sorted({f"U+{ord(c):04X}" for c in text if c in INVISIBLE})


@pytest.mark.parametrize("command", COMMANDS, ids=[" ".join(c) for c in COMMANDS])
def test_no_output_shows_them_raw(repo, run, tmp_path, command):
    tail = [] if command == ["roles"] else ["--as-of", AS_OF]
    skip = ["--skip-invalid"] if command[0] != "validate" else []  # (t-2 has an unknown key)
    # a table fits the terminal by cutting text and leaving columns out: --wide shows every value whole
    wide = ["--wide"] if "table" in command or command == ["roles"] else []
    code, out, err = run(["-C", repo, *command, *tail, *skip, *wide])
    assert code in (0, 1), err
    assert _raw(out) == [] and _raw(err) == []
    # the values did reach the output, escaped
    if "json" in command:
        assert "\\u2028" in out and VALUE in json.dumps(json.loads(out), ensure_ascii=False)
    elif "table" in command or command == ["roles"]:  # a table wraps long cells, side by side: escapes show
        assert "\\u20" in out and "\\x85" in "".join(out.split()), "the value is not shown"
    elif "sarif" in command:  # escaped text, in JSON
        assert escape_control(VALUE) in out.replace("\\\\", "\\")
    else:
        assert escape_control(VALUE) in out + err, "the value is not shown"
    if "table" not in command and command != ["roles"]:  # --output: the same bytes, nothing raw
        name = tmp_path / f"out.{'json' if 'json' in command else 'txt'}"
        assert run(["-C", repo, *command, *tail, *skip, "--output", name])[0] in (0, 1)
        assert _raw(name.read_text(encoding="utf-8")) == []


def test_the_diff_shows_them_escaped(repo, run, tmp_path):
    def git(*args):
        subprocess.run(["git", *args], cwd=repo, check=True, capture_output=True)

    git("init", "-q")
    git("-c", "user.name=t", "-c", "user.email=t@example.org", "add", ".")
    git("-c", "user.name=t", "-c", "user.email=t@example.org", "commit", "-qm", "base")
    (repo / "roles" / "mentor.yaml").write_text(ROLE.replace("[permanent]", f'[permanent, "{YAML_VALUE}"]'))
    for fmt in ("table", "csv", "json"):
        code, out, err = run(["-C", repo, "diff", "HEAD", "--format", fmt, "--as-of", AS_OF, "--skip-invalid"])
        assert code == 0, err
        assert _raw(out) == [] and _raw(err) == []
        assert "t-1" in out
