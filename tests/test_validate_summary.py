"""validate's summary (SPEC 13, issue 14 finding 5): on stderr, terminal or not, it names the repository root as
the user typed it and counts the role and teacher files read (tlt.yaml not counted). Before, it said only
`no problems`, and `tlt -C examples validate` validated the project's catalog (tlt.yaml found above examples/)
without saying which repository it read."""

from __future__ import annotations

import os
from pathlib import Path

from terminal import on_a_pty

PROJECT = Path(__file__).resolve().parent.parent
AS_OF = "2025-09-01"


def test_examples_bps_as_the_spec_shows_it(run, monkeypatch):
    monkeypatch.chdir(PROJECT)
    code, _, err = run(["-C", "examples/bps", "validate", "--as-of", AS_OF])
    assert (code, err) == (0, "examples/bps: 32 files (2 roles, 30 teachers): no problems\n")


def test_a_root_found_above_the_folder_typed_is_named(run, monkeypatch):
    monkeypatch.chdir(PROJECT)
    code, _, err = run(["-C", "examples", "validate", "--as-of", AS_OF])
    roles = len(list((PROJECT / "roles").rglob("*.yaml")))
    assert err == f"{PROJECT} (found above examples): {roles} files ({roles} roles, 0 teachers): no problems\n"


def test_the_current_folder_and_problems(make_repo, role_yaml, teacher_yaml, run, monkeypatch):
    root = make_repo(roles={"coach": role_yaml("coach")}, teachers={"t-1": teacher_yaml("t-1"), "t-2": "id: t-3\n"})
    monkeypatch.chdir(root)
    code, _, err = run(["validate", "--as-of", AS_OF])
    assert code == 1
    assert err.startswith(".: 3 files (1 role, 2 teachers): 1 error, 0 warnings in 1 file")
    monkeypatch.chdir(root / "teachers")
    _, _, err = run(["validate", "--as-of", AS_OF])
    assert err.startswith(f"{root} (found above the current folder): 3 files (1 role, 2 teachers): 1 error")
    _, _, err = run(["validate", "--as-of", AS_OF, "-q"])
    assert err == ""


def test_the_summary_on_a_terminal(tlt_exe, make_repo, teacher_yaml):
    root = make_repo(teachers={"t-1": teacher_yaml("t-1")})
    env = {k: v for k, v in os.environ.items() if k != "TLT_DEBUG"}
    command = [tlt_exe, "-C", str(root), "validate", "--as-of", AS_OF]
    code, out, _ = on_a_pty(command, {**env, "NO_COLOR": "1"}, stdin=True, stderr=True)
    assert code == 0
    assert out.decode() == f"{root}: 1 file (0 roles, 1 teacher): no problems\r\n"
