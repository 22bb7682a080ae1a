"""The command line itself (SPEC 13, issue 14 deliverable 4): global options before or after the command, help
that fits, shell completion of commands, options and ids."""

from __future__ import annotations

import pytest

AS_OF = "2025-09-01"


# --- global options anywhere -------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "args",
    [
        ["validate", "-q", "--as-of", AS_OF],
        ["validate", "--as-of", AS_OF, "--quiet"],
        ["-q", "validate", "--as-of", AS_OF],
    ],
)
def test_quiet_before_or_after_the_command(make_repo, run, args):
    root = make_repo()
    assert run(["-C", root, *args]) == (0, "", "")


@pytest.mark.parametrize("command", [["roles"], ["schema", "role"], ["caseload", "--as-of", AS_OF]])
def test_no_color_after_the_command(make_repo, run, command):
    code, _, err = run(["-C", make_repo(), *command, "--no-color"])
    assert (code, err) == (0, "")


def test_repo_after_a_command_without_its_own(make_repo, run):
    # schema reads no repository, but -C after it is accepted as before it
    code, out, _ = run(["schema", "teacher", "-C", make_repo()])
    assert code == 0 and out.startswith("{")


def test_global_options_in_every_commands_help(run):
    for command in ("validate", "roles", "schema", "init", "check-eligibility", "diff"):
        code, out, _ = run([command, "--help"], env={"COLUMNS": "120"})
        assert code == 0
        assert "--no-color" in out and "-q, --quiet" in out, command


# --- help --------------------------------------------------------------------------------------------------------

COMMANDS = ["check-eligibility", "roles", "caseload", "stipends", "report", "expiring", "init", "diff", "schema",
            "validate"]  # fmt: skip


def test_help_summaries_are_whole_at_120_columns(tlt_exe):
    # the console script: in-process, Click's test runner pins help at 80 columns
    import os
    import subprocess

    env = {**os.environ, "COLUMNS": "120"}
    result = subprocess.run([tlt_exe, "--help"], capture_output=True, text=True, env=env, timeout=60, check=False)
    code, out = result.returncode, result.stdout
    assert code == 0
    commands = out[out.index("Commands:") :]
    assert "..." not in commands and "…" not in commands
    assert max(len(line) for line in out.splitlines()) <= 120
    assert "  validate           Check every file of the data repository: YAML, schema, ids, references, dates," in out


@pytest.mark.parametrize("command", COMMANDS)
def test_placeholders_say_what_goes_there(run, command):
    code, out, _ = run([command, "--help"], env={"COLUMNS": "120"})
    assert code == 0
    assert "<str>" not in out and "<directory>" not in out and "<file>" not in out
    for option, placeholder in (("--as-of", "YYYY-MM-DD"), ("--term", "TERM"), ("--output", "FILE")):
        if f"{option} " in out:
            assert f"{option} {placeholder}" in out, (command, option)
