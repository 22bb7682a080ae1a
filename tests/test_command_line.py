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

COMMANDS = ["check-eligibility", "roles", "caseload", "stipends", "report", "expiring", "credits", "activity", "init",
            "diff", "schema", "validate", "import", "site"]  # fmt: skip


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


# --- shell completion --------------------------------------------------------------------------------------------


def complete(run, words: str, env: dict[str, str] | None = None) -> list[str]:
    """What bash completion offers for the last word of `words` (the cursor at its end)."""
    parts = words.split(" ")
    code, out, err = run([], env={"_TLT_COMPLETE": "complete_bash", "COMP_WORDS": words,
                                  "COMP_CWORD": str(len(parts) - 1), **(env or {})})  # fmt: skip
    assert code == 0 and err == ""
    return out.split()


@pytest.fixture
def repo(make_repo, role_yaml, teacher_yaml):
    roles = {"jps-mentor": role_yaml("jps-mentor"), "jps-coach": role_yaml("jps-coach"), "bps-chair": role_yaml("x")}
    teachers = {f"t-{i:03d}": teacher_yaml(f"t-{i:03d}") for i in range(1, 13)}
    return make_repo(roles=roles, teachers=teachers)


def test_completes_commands_and_options(run):
    assert complete(run, "tlt sti") == ["stipends"]
    assert complete(run, "tlt validate --fo") == ["--format"]
    assert complete(run, "tlt stipends --format ") == ["table", "csv", "json", "xlsx"]
    assert "--no-color" in complete(run, "tlt roles --no")


def test_completes_role_teacher_and_term_ids(run, repo):
    assert complete(run, f"tlt -C {repo} check-eligibility --role jps-") == ["jps-coach", "jps-mentor"]
    assert complete(run, f"tlt check-eligibility -C {repo} --teacher t-01") == ["t-010", "t-011", "t-012"]
    assert complete(run, f"tlt -C {repo} stipends --term 2025") == ["2025-26"]
    assert complete(run, f"tlt -C {repo} diff HEAD --term ") == ["2024-25", "2025-26"]


def test_completion_from_the_current_folder(run, repo, monkeypatch):
    monkeypatch.chdir(repo / "teachers")
    assert complete(run, "tlt check-eligibility --role jps-m") == ["jps-mentor"]


def test_completion_outside_a_repository_offers_nothing(run, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    assert complete(run, "tlt check-eligibility --role ") == []
    assert complete(run, f"tlt -C {tmp_path / 'nowhere'} check-eligibility --teacher t") == []
    (tmp_path / "tlt.yaml").write_text("terms: *nothing\n")  # a broken tlt.yaml: nothing, never a traceback
    assert complete(run, f"tlt -C {tmp_path} stipends --term ") == []


@pytest.mark.parametrize("shell", ["bash", "zsh", "fish"])
def test_show_completion_for_each_shell(tlt_exe, shell):
    import os
    import subprocess

    env = {**os.environ, "_TYPER_COMPLETE_TEST_DISABLE_SHELL_DETECTION": "1"}
    result = subprocess.run([tlt_exe, "--show-completion", shell], capture_output=True, text=True, env=env,
                            timeout=60, check=False)  # fmt: skip
    assert result.returncode == 0 and f"_TLT_COMPLETE=complete_{shell}" in result.stdout


def test_completion_on_a_big_repository_is_quick(run, make_repo):
    import time

    root = make_repo()
    folder = root / "teachers"
    folder.mkdir()
    for i in range(20000):  # names only: completion never opens a teacher file
        (folder / f"t-{i:06d}.yaml").touch()
    started = time.perf_counter()
    got = complete(run, f"tlt -C {root} check-eligibility --teacher t-01999")
    assert got == [f"t-{i:06d}" for i in range(19990, 20000)]
    assert time.perf_counter() - started < 2.0  # about 0.05 s; the margin is for a loaded machine
