"""A reader that goes away (`tlt ... | head`) ends tlt quietly (SPEC 13, issue 14 finding 4): no message, no
traceback, exit 0, 1 or SIGPIPE's. Before the fix every command said `tlt: Broken pipe:` and exited 2.

Each case runs the installed console script with stdout a pipe: either closed before tlt writes anything, or
read for one line and then closed as `head -1` does (the jps example with --all writes 3,000 lines, more than a
pipe holds, so tlt is still writing when the reader goes)."""

from __future__ import annotations

import os
import signal
import subprocess
from pathlib import Path

import pytest

EXAMPLES = Path(__file__).resolve().parent.parent / "examples"
AS_OF = ["--as-of", "2025-09-01"]

COMMANDS = [
    ["check-eligibility", "--all", "--format", "csv", *AS_OF],
    ["check-eligibility", "--all", "--format", "json", *AS_OF],
    ["check-eligibility", "--all", "--format", "table", *AS_OF],
    ["roles", "--format", "csv"],
    ["caseload", "--format", "json", *AS_OF],
    ["stipends", "--term", "2025-26", "--format", "csv"],
    ["report", "--term", "2025-26", "--format", "csv"],
    ["expiring", "--format", "csv", *AS_OF],
    ["credits", "--format", "csv", *AS_OF],
    ["schema", "teacher"],
]

QUIET_EXITS = (0, 1, -signal.SIGPIPE, 128 + signal.SIGPIPE)


def _env() -> dict[str, str]:
    env = {**os.environ, "NO_COLOR": "1", "COLUMNS": "80"}
    env.pop("TLT_DEBUG", None)
    return env


def _run(args: list[str], lines: int) -> tuple[int, str]:
    """Run `args` with stdout a pipe read for `lines` lines and then closed; (exit status, stderr)."""
    with subprocess.Popen(args, stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=_env()) as proc:
        assert proc.stdout is not None and proc.stderr is not None
        for _ in range(lines):
            assert proc.stdout.readline()
        proc.stdout.close()
        err = proc.stderr.read().decode()
        return proc.wait(timeout=60), err


@pytest.mark.parametrize("command", COMMANDS, ids=lambda c: " ".join(c[:2]))
def test_closed_before_any_output(tlt_exe: str, command: list[str]) -> None:
    code, err = _run([tlt_exe, "-C", str(EXAMPLES / "bps"), *command], lines=0)
    assert err == ""
    assert code in QUIET_EXITS


@pytest.mark.parametrize("fmt", ["csv", "json"])
def test_reader_goes_after_one_line(tlt_exe: str, fmt: str) -> None:
    code, err = _run([tlt_exe, "-C", str(EXAMPLES / "jps"), "check-eligibility", "--all", "--format", fmt, *AS_OF], 1)
    assert err == ""
    assert code in QUIET_EXITS


def test_validate_piped_to_a_reader_that_went(tlt_exe: str, tmp_path: Path) -> None:
    root = tmp_path / "repo"
    (root / "teachers").mkdir(parents=True)
    (root / "tlt.yaml").write_text("program: P\norganization: O\nterms: []\n")
    for i in range(50):
        (root / "teachers" / f"t-{i:04d}.yaml").write_text("id: wrong\nname: 3\n")
    code, err = _run([tlt_exe, "-C", str(root), "validate"], lines=0)
    assert err == ""
    assert code in QUIET_EXITS
