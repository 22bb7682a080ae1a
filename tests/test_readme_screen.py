"""README's "For coordinators" shows what a coordinator sees at 80 columns: the screen there is the command's
output, byte for byte (after a roll of the examples, `tools/roll_examples.py`, re-capture it)."""

from __future__ import annotations

import re
from pathlib import Path

README = Path(__file__).resolve().parents[1] / "README.md"


def test_the_captured_screen_is_what_the_command_prints(run):
    section = README.read_text(encoding="utf-8").split("## For coordinators", 1)[1].split("\n## ", 1)[0]
    command = re.search(r"\(`tlt (-C \S+ check-eligibility --as-of \S+)`\)", section)
    assert command is not None, "the section names the command it captured"
    screen = section.split("```\n", 1)[1].split("```", 1)[0]
    root = Path(__file__).resolve().parents[1]
    args = command.group(1).split()
    args[1] = str(root / args[1])
    code, out, _ = run([*args, "--format", "table"], env={"COLUMNS": "80", "TERMINAL_WIDTH": "80"})
    assert code == 0
    assert out == screen
