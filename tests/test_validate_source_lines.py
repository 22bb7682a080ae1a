"""On a terminal, `tlt validate` shows each problem's source line under it with a caret at the column, as ruff
does (SPEC 13, issue 14 deliverable 4); piped, one line per problem as before. Control characters in the line
show escaped, and a line wider than the terminal is cut around the column. Before: one line per problem on a
terminal too."""

from __future__ import annotations

import os

from terminal import on_a_pty
from tlt.render.problems import source_excerpt

AS_OF = "2025-09-01"
BROKEN = "id: t-1\nname: A\nschool North\nstatus: active\n"


def _in_terminal(args: list[str], columns: str = "80") -> str:
    env = {k: v for k, v in os.environ.items() if k not in ("TLT_DEBUG", "FORCE_COLOR")}
    env.update(NO_COLOR="1", COLUMNS=columns, TERMINAL_WIDTH=columns, TLT_PAGER="cat", PAGER="cat")
    _, out, _ = on_a_pty(args, env, stdin=True)
    return out.decode("utf-8").replace("\r\n", "\n")


def test_terminal_shows_the_source_line_and_a_caret(tlt_exe, make_repo):
    root = make_repo(teachers={"t-1": BROKEN, "t-2": "id: t-2\nname: B\nschool: [x\n"})
    out = _in_terminal([tlt_exe, "-C", str(root), "validate", "--as-of", AS_OF])
    assert out == (
        "teachers/t-1.yaml:3:1: error[yaml-syntax] not well-formed YAML: while scanning a simple key could not find "
        "expected ':' (the parser stopped at line 4, column 1)\n"
        "  |\n"
        "3 | school North\n"
        "  | ^\n"
        "\n"
        "teachers/t-2.yaml:3:9: error[yaml-syntax] not well-formed YAML: while parsing a flow sequence did not find "
        "expected ',' or ']' (the parser stopped at the end of the file)\n"
        "  |\n"
        "3 | school: [x\n"
        "  |         ^\n"
        "\n"
    )


def test_piped_stays_one_line_per_problem(make_repo, run):
    code, out, _ = run(["-C", make_repo(teachers={"t-1": BROKEN}), "validate", "--as-of", AS_OF])
    assert code == 1 and len(out.splitlines()) == 1 and "|" not in out


def test_control_characters_show_escaped_and_the_caret_follows():
    _, body, caret, _ = source_excerpt(2, 12, "name: \x1b[31mred").split("\n")
    assert body == "2 | name: \\x1b[31mred" and body[caret.index("^") :] == "red"
    assert source_excerpt(4, 1, "\t- a") == "  |\n4 | \\t- a\n  | ^\n"


def test_a_long_line_is_cut_around_the_column():
    text = "a" * 200 + "X" + "b" * 200
    shown = source_excerpt(10, 201, text, width=80)
    _, body, caret, _ = shown.split("\n")
    assert len(body) <= 80 and body.startswith("10 | …a") and body.endswith("b…")
    assert body[caret.index("^")] == "X"


def test_wide_characters_keep_the_caret_under_the_column():
    _, body, caret, _ = source_excerpt(1, 9, "name: 名前: x").split("\n")
    assert caret.index("^") == len("1 | name: ") + 4  # two characters of two cells each
