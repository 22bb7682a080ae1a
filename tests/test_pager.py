"""The pager (SPEC 13): output longer than the screen goes through `$TLT_PAGER`, else `$PAGER`, else `less -FRX`, as
git does; never with `--no-pager`, when piped, or when the output fits; a pager that is missing or fails loses no
output. Run with the installed `tlt` on a pseudo-terminal (tests/terminal.py), a fake pager recording what it got."""

from __future__ import annotations

from pathlib import Path

import pytest

from example_dates import PROJECT, moved
from terminal import on_a_terminal

BPS = PROJECT / "examples" / "bps"
AS_OF = moved("2026-08-24")


RECORDER = """\
#!/bin/sh
printf '%s\\n' "$*" > "$RECORD.args"
cat > "$RECORD"
exit "${PAGER_STATUS:-0}"
"""


@pytest.fixture
def recorder(tmp_path):
    script = tmp_path / "pager.sh"
    script.write_text(RECORDER, encoding="utf-8")
    script.chmod(0o755)
    return script, tmp_path / "paged"


def _args(*extra: str) -> list[str]:
    return ["-C", str(BPS), *extra, "check-eligibility", "--as-of", AS_OF]


def test_output_longer_than_the_screen_goes_through_tlt_pager(tlt_exe, recorder):
    script, record = recorder
    env = {"TLT_PAGER": f"{script} --flag", "PAGER": "false", "RECORD": str(record)}
    code, out, err = on_a_terminal(tlt_exe, _args(), env)
    assert code == 0, err
    assert out == ""  # all of it went to the pager
    assert record.with_suffix(".args").read_text() == "--flag\n"
    code, plain, _ = on_a_terminal(tlt_exe, _args("--no-pager"), {**env, "RECORD": str(record) + "2"})
    assert code == 0 and plain.startswith("Eligibility as of")
    assert record.read_text(encoding="utf-8") == plain  # the pager got the whole text, as printed without it
    assert not Path(str(record) + "2").exists()  # --no-pager: never started


def test_pager_is_pager_then_less_frx_and_never_when_piped_or_short(tlt_exe, recorder):
    script, record = recorder
    code, _, err = on_a_terminal(tlt_exe, _args(), {"TLT_PAGER": None, "PAGER": str(script), "RECORD": str(record)})
    assert code == 0, err
    assert record.read_text(encoding="utf-8").startswith("Eligibility as of")
    record.unlink()
    code, out, _ = on_a_terminal(tlt_exe, _args(), {"TLT_PAGER": str(script), "RECORD": str(record)}, piped=True)
    assert code == 0 and out.startswith("role_id,teacher_id") and not record.exists()  # piped: never paged
    short = [*_args(), "--role", "bps-administrator"]  # fits in 24 lines: printed as it is
    code, out, _ = on_a_terminal(tlt_exe, short, {"TLT_PAGER": str(script), "RECORD": str(record)})
    assert code == 0 and out.startswith("Eligibility as of") and not record.exists()
    code, out, _ = on_a_terminal(tlt_exe, short, {"TLT_PAGER": str(script), "RECORD": str(record), "LINES": "5"})
    assert out == "" and record.exists()  # the same text on a screen of 5 lines is paged


def test_the_default_pager_is_less_frx(monkeypatch):
    from tlt.cli.pager import pager_command

    assert pager_command({}) == (["less", "-FRX"], "the default pager")
    assert pager_command({"PAGER": "more -s"}) == (["more", "-s"], "$PAGER")
    assert pager_command({"PAGER": "more", "TLT_PAGER": "most"}) == (["most"], "$TLT_PAGER")
    assert pager_command({"TLT_PAGER": ""}) is None and pager_command({"PAGER": "cat"}) is None


@pytest.mark.parametrize("case", ["missing", "failing"])
def test_a_pager_that_is_missing_or_fails_loses_no_output(tlt_exe, recorder, case):
    script, record = recorder
    pager = str(script.parent / "no-such-pager") if case == "missing" else str(script)
    env = {"TLT_PAGER": pager, "RECORD": str(record), "PAGER_STATUS": "3"}
    code, out, err = on_a_terminal(tlt_exe, _args(), env)
    _, plain, _ = on_a_terminal(tlt_exe, _args("--no-pager"), {})
    assert code == 0
    assert out == plain and plain.startswith("Eligibility as of")
    assert "the pager" in err and pager in err and "TLT_PAGER" in err
    assert ("not found" if case == "missing" else "exit status 3") in err


def test_paged_counts_screen_lines_as_the_terminal_shows_them():
    from tlt.cli.pager import screen_lines

    assert screen_lines("a\nb\n", 80) == 2
    assert screen_lines("x" * 81 + "\n", 80) == 2  # a line wider than the screen takes two
    assert screen_lines("名" * 41 + "\n", 80) == 2  # wide characters take two columns
    assert screen_lines("\x1b[31mred\x1b[0m\n", 3) == 1  # colour codes take none
