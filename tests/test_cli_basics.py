"""The command line's contract (SPEC sections 4 and 6): exit codes, --repo/-C, discovery, streams, --output,
and the installed console script."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path

import pytest

import tlt
from summaries import without_head  # noqa: E402
from tlt.problems import warning

AS_OF = "2025-09-01"
BROKEN = {"t-1": "id: t-1\nname: A\nname: B\n"}
BROKEN_LINE = "teachers/t-1.yaml:3:1: error[duplicate-key] duplicate key 'name': first at line 2\n"


# --- exit codes --------------------------------------------------------------------------------------------------


def test_exit_0_when_clean(teacher_yaml, make_repo, run):
    root = make_repo(teachers={"t-1": teacher_yaml("t-1")})
    assert run(["-C", root, "validate", "--as-of", AS_OF]) == (
        0,
        "",
        f"{root}: 1 file (0 roles, 1 teacher): no problems\n",
    )


def test_exit_0_with_warnings_only(make_repo, run, monkeypatch):
    def staffing_check(repo, as_of):
        yield warning("roles/mentor.yaml", 7, 3, "staffing", "2 of 10 teachers hold mentor; expected at most 10%")

    monkeypatch.setattr("tlt.cli.validate.POLICY_CHECKS", (staffing_check,))
    code, out, err = run(["-C", make_repo(), "validate", "--as-of", AS_OF])
    assert code == 0
    assert out == "roles/mentor.yaml:7:3: warning[staffing] 2 of 10 teachers hold mentor; expected at most 10%\n"
    assert without_head(err) == "0 errors, 1 warning in 1 file\n"
    code, out, _ = run(["-C", make_repo(), "validate", "--as-of", AS_OF, "--format", "github"])
    assert code == 0
    assert out.startswith("::warning file=roles/mentor.yaml,line=7,col=3,title=tlt staffing::2 of 10 teachers")


def test_exit_1_on_errors(make_repo, run):
    root = make_repo(teachers=BROKEN)
    assert run(["-C", root, "validate", "--as-of", AS_OF]) == (
        1,
        BROKEN_LINE,
        f"{root}: 1 file (0 roles, 1 teacher): 1 error, 0 warnings in 1 file\n",
    )


def test_exit_2_without_tlt_yaml(tmp_path, run):
    code, out, err = run(["-C", tmp_path, "validate", "--as-of", AS_OF])
    assert code == 2
    assert out == ""
    assert err.startswith(f"tlt: no tlt.yaml found in {tmp_path.resolve()} or any folder above it;")


@pytest.mark.parametrize(
    ("args", "said"),
    [
        (["validate", "--as-of", "2025-13-01"], "'2025-13-01' is not a real date"),
        (["validate", "--as-of", "next week"], "'next week' is not a date; write YYYY-MM-DD, such as 2025-08-25"),
        (["validate", "--as-of", "2025-9-1"], "is not a date"),
        (["validate", "--as-of", "0001-01-01"], "'0001-01-01' is outside the years 1900 to 2199"),
        (["validate", "--as-of", "9999-12-31"], "'9999-12-31' is outside the years 1900 to 2199"),
        (["validate", "--as-of", AS_OF, "--format", "xml"], "xml"),
        (["validate", "--as-of", AS_OF, "--bogus"], "--bogus"),
        (["frobnicate"], "frobnicate"),
    ],
)
def test_exit_2_on_a_bad_option(make_repo, run, args, said):
    code, out, err = run(["-C", make_repo(), *args])
    assert code == 2
    assert out == ""
    assert said in err
    assert "Traceback" not in err


def test_exit_2_when_repo_is_not_a_folder(tmp_path, run):
    code, _, err = run(["-C", tmp_path / "missing", "validate", "--as-of", AS_OF])
    assert code == 2
    assert "missing" in err
    (tmp_path / "file").write_text("x")
    code, _, err = run(["-C", tmp_path / "file", "validate", "--as-of", AS_OF])
    assert code == 2
    assert "file" in err


# --- finding the repository --------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "where", [["-C", "{root}", "validate"], ["--repo", "{root}", "validate"], ["validate", "-C", "{root}"],
              ["validate", "--repo", "{root}"]],
)  # fmt: skip
def test_repo_option_before_or_after_the_command(make_repo, run, where):
    root = make_repo(teachers=BROKEN)
    code, out, _ = run([a.format(root=root) for a in where] + ["--as-of", AS_OF])
    assert (code, out) == (1, BROKEN_LINE)


def test_discovers_tlt_yaml_upward_from_a_subfolder(teacher_yaml, make_repo, run, monkeypatch):
    root = make_repo(teachers={**BROKEN, "deep/t-2": teacher_yaml("t-2")})
    monkeypatch.chdir(root / "teachers" / "deep")
    code, out, _ = run(["validate", "--as-of", AS_OF])
    assert (code, out) == (1, BROKEN_LINE)  # paths stay relative to the root


def test_nearest_tlt_yaml_wins(teacher_yaml, make_repo, run, tmp_path, monkeypatch):
    outer = make_repo(teachers=BROKEN)
    inner = make_repo(root=outer / "nested", teachers={"t-1": teacher_yaml("t-1")})
    monkeypatch.chdir(inner / "teachers")
    assert run(["validate", "--as-of", AS_OF])[0] == 0


def test_no_tlt_yaml_above_the_working_directory(tmp_path, run, monkeypatch):
    monkeypatch.chdir(tmp_path)
    code, _, err = run(["validate", "--as-of", AS_OF])
    assert code == 2
    assert "no tlt.yaml found" in err


# --- streams and formats -----------------------------------------------------------------------------------------


def test_json_counts_are_integers(make_repo, run):
    root = make_repo(teachers={**BROKEN, "t-2": "id: t-2\nname: B\nfoo: 1\n"})
    code, out, err = run(["-C", root, "validate", "--as-of", AS_OF, "--format", "json"])
    assert code == 1
    data = json.loads(out)
    assert data["ok"] is False
    assert type(data["errors"]) is int and data["errors"] == 2
    assert type(data["warnings"]) is int and data["warnings"] == 0
    assert all(type(p["line"]) is int and type(p["column"]) is int for p in data["problems"])
    assert without_head(err) == "2 errors, 0 warnings in 2 files\n"


def test_json_when_clean(make_repo, run):
    code, out, _ = run(["-C", make_repo(), "validate", "--as-of", AS_OF, "--format", "json"])
    assert code == 0
    assert json.loads(out) == {"ok": True, "errors": 0, "warnings": 0, "problems": []}


def test_quiet_drops_the_summary(make_repo, run):
    assert run(["-q", "-C", make_repo(teachers=BROKEN), "validate", "--as-of", AS_OF]) == (1, BROKEN_LINE, "")


def test_version_and_help(run):
    code, out, err = run(["--version"])
    assert (code, err) == (0, "")
    version, parsers = out.splitlines()
    assert version == f"tlt {tlt.__version__}"
    assert parsers.startswith("parsers: ") and "PyYAML" in parsers and "jsonschema" in parsers
    code, out, _ = run(["--help"])
    assert code == 0
    assert "Examples:" in out and "--repo" in out and "validate" in out
    code, out, _ = run(["validate", "--help"])
    assert code == 0
    assert "Examples:" in out and "--as-of" in out and "--format" in out


# --- --output ----------------------------------------------------------------------------------------------------


def test_output_writes_the_file_and_nothing_else(make_repo, run, tmp_path):
    root = make_repo(teachers=BROKEN)
    target = tmp_path / "out" / "problems.txt"
    target.parent.mkdir()
    target.write_text("old report\n")
    code, out, err = run(["-C", root, "validate", "--as-of", AS_OF, "--output", target])
    assert (code, out, without_head(err)) == (1, "", "1 error, 0 warnings in 1 file\n")
    assert target.read_text() == BROKEN_LINE
    assert sorted(p.name for p in target.parent.iterdir()) == ["problems.txt"]


@pytest.mark.parametrize("victim", ["tlt.yaml", "teachers/t-1.yaml"])
def test_output_refuses_to_overwrite_an_input_file(teacher_yaml, make_repo, run, victim):
    root = make_repo(teachers={"t-1": teacher_yaml("t-1")})
    before = (root / victim).read_bytes()
    code, out, err = run(["-C", root, "validate", "--as-of", AS_OF, "-f", "text", "--output", root / victim])
    assert code == 2
    assert out == ""
    assert "is an input file of the repository; choose another path" in err
    assert (root / victim).read_bytes() == before


def test_output_refuses_an_input_file_reached_through_a_symlink(teacher_yaml, make_repo, run, tmp_path):
    root = make_repo(teachers={"t-1": teacher_yaml("t-1")})
    before = (root / "tlt.yaml").read_bytes()
    os.symlink(root / "tlt.yaml", tmp_path / "report.txt")
    code, _, err = run(["-C", root, "validate", "--as-of", AS_OF, "--output", tmp_path / "report.txt"])
    assert code == 2
    assert "is an input file of the repository" in err
    assert (root / "tlt.yaml").read_bytes() == before


def test_output_is_atomic_when_writing_fails(make_repo, run, tmp_path, monkeypatch):
    root = make_repo(teachers=BROKEN)
    target = tmp_path / "problems.txt"
    target.write_text("previous\n")

    def fail(src, dst):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, "replace", fail)
    code, out, err = run(["-C", root, "validate", "--as-of", AS_OF, "--output", target])
    assert code == 2
    assert "No space left on device" in err
    assert target.read_text() == "previous\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["problems.txt", "repo"]


def test_output_into_a_missing_folder(make_repo, run, tmp_path):
    code, _, err = run(["-C", make_repo(), "validate", "--as-of", AS_OF, "--output", tmp_path / "nope" / "x.txt"])
    assert code == 2
    assert "no folder" in err


# --- the installed console script --------------------------------------------------------------------------------


def _tlt(exe: str, *args: object, cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if k not in ("TLT_DEBUG", "GITHUB_STEP_SUMMARY")}
    env["GIT_CEILING_DIRECTORIES"] = tempfile.gettempdir()  # as conftest's `run`: no git repository above tmp
    return subprocess.run(
        [exe, *map(str, args)], capture_output=True, text=True, cwd=cwd, env=env, timeout=60, check=False
    )


def test_console_script_validates(tlt_exe, make_repo):
    root = make_repo(teachers=BROKEN)
    result = _tlt(tlt_exe, "validate", "--as-of", AS_OF, cwd=root / "teachers")
    found = f"{root} (found above the current folder): 1 file (0 roles, 1 teacher): 1 error, 0 warnings in 1 file\n"
    assert (result.returncode, result.stdout, result.stderr) == (1, BROKEN_LINE, found)
    result = _tlt(tlt_exe, "-C", root, "validate", "--as-of", AS_OF, "--format", "github")
    assert result.returncode == 1
    assert result.stdout.startswith("::error file=teachers/t-1.yaml,line=3,col=1,title=tlt duplicate-key::")


def test_console_script_usage_errors_have_no_traceback(tlt_exe, tmp_path):
    result = _tlt(tlt_exe, "validate", "--as-of", AS_OF, cwd=tmp_path)
    assert result.returncode == 2
    assert result.stdout == ""
    assert result.stderr.startswith("tlt: no tlt.yaml found")
    result = _tlt(tlt_exe, "--version")
    assert (result.returncode, result.stdout.splitlines()[0]) == (0, f"tlt {tlt.__version__}")


# --- start-up ----------------------------------------------------------------------------------------------------


def test_start_up_loads_no_library_of_one_command():
    """Every start of tlt (`tlt --help` among them, whose target is 0.3 s) imports the command line; the template
    engine of `tlt site` and the round-trip YAML library of `tlt import` load when those commands run."""
    code = (
        "import sys\n"
        "from tlt.cli.app import app\n"
        "heavy = sorted(m for m in ('jinja2', 'ruamel.yaml', 'openpyxl') if m in sys.modules)\n"
        "print(','.join(heavy))\n"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert done.stdout.strip() == ""
