"""YAML syntax errors at the line of the cause (SPEC 13, issue 14 finding 8), through `tlt validate`. Before the
fix libyaml's context mark was dropped: a missing colon on line 3 was reported at 4:1 (where the parser gave up),
an unclosed `[` past the end of the file, and a tab as indentation said "found character that cannot start any
token" without the word tab."""

from __future__ import annotations

import pytest

AS_OF = "2025-09-01"
CASES = {
    "missing colon": (
        "id: t-1\nname: A\nschool North\nstatus: active\n",
        "teachers/t-1.yaml:3:1: error[yaml-syntax] not well-formed YAML: while scanning a simple key could not find "
        "expected ':' (the parser stopped at line 4, column 1)",
    ),
    "missing colon on the last line": (
        "id: t-1\nname: A\nschool North\n",
        "teachers/t-1.yaml:3:1: error[yaml-syntax] not well-formed YAML: while scanning a simple key could not find "
        "expected ':' (the parser stopped at the end of the file)",
    ),
    "unclosed quote": (
        'id: t-1\nname: "Jordan\nschool: North\n',
        "teachers/t-1.yaml:2:7: error[yaml-syntax] not well-formed YAML: while scanning a quoted scalar found "
        "unexpected end of stream",
    ),
    "tab as indentation": (
        "id: t-1\nname: A\nlicenses:\n\t- state: MA\n",
        "teachers/t-1.yaml:4:1: error[yaml-syntax] not well-formed YAML: a tab character here; YAML indents and "
        "separates with spaces, never tabs",
    ),
    "tab inside the indentation": (
        "id: t-1\nname: A\n  \tschool: B\n",
        "teachers/t-1.yaml:3:3: error[yaml-syntax] not well-formed YAML: mapping values are not allowed in this "
        "context (the line is indented with a tab; YAML indents with spaces)",
    ),
    "a mapping value on its own line stays where it is": (
        "id: t-1\nname: a: b\n",
        "teachers/t-1.yaml:2:8: error[yaml-syntax] not well-formed YAML: mapping values are not allowed in this "
        "context",
    ),
}


@pytest.mark.parametrize("name", list(CASES))
def test_syntax_error_at_its_cause(make_repo, run, name):
    text, expected = CASES[name]
    code, out, _ = run(["-C", make_repo(teachers={"t-1": text}), "validate", "--as-of", AS_OF])
    assert (code, out) == (1, expected + "\n")


def test_a_block_mappings_context_is_not_the_cause(make_repo, run):
    # libyaml's context here is where the document's mapping began (1:1); the cause is where it stopped
    text = "id: t-1\nname: A\nlicenses:\n  - {state: MA}\n x: 1\n"
    code, out, _ = run(["-C", make_repo(teachers={"t-1": text}), "validate", "--as-of", AS_OF])
    assert code == 1 and out.startswith("teachers/t-1.yaml:5:2: error[yaml-syntax]") and "stopped" not in out
