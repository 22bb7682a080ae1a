"""The README documents every problem code (with its severity) and every command, and its quick start is the two
commands CI relies on."""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

from tlt.cli import app
from tlt.render.ci_formats import PROBLEM_CODES

PROJECT = Path(__file__).resolve().parent.parent
README = (PROJECT / "README.md").read_text(encoding="utf-8")
CODE = re.compile(r"[a-z]+(?:-[a-z]+)*")
_PROBLEM_MAKERS = {"error", "warning", "error_at", "warning_at", "Problem"}


def _codes_in_source() -> dict[str, set[str]]:
    """Problem codes written as string literals in calls to error()/warning()/error_at()/..., by file."""
    found: dict[str, set[str]] = {}
    for path in sorted((PROJECT / "src" / "tlt").rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if not isinstance(node, ast.Call):
                continue
            func = node.func
            name = func.id if isinstance(func, ast.Name) else func.attr if isinstance(func, ast.Attribute) else ""
            if name not in _PROBLEM_MAKERS:
                continue
            for arg in node.args:
                if isinstance(arg, ast.Constant) and isinstance(arg.value, str) and CODE.fullmatch(arg.value):
                    found.setdefault(arg.value, set()).add(path.relative_to(PROJECT).as_posix())
    return found


def _readme_code_rows() -> dict[str, str]:
    """`code` → severity, from the README table whose header is `| code | severity | ...`."""
    section = README.split("## Problem codes", 1)[1].split("\n## ", 1)[0]
    rows = re.findall(r"^\| `([a-z-]+)` \| (error|warning) \|", section, flags=re.MULTILINE)
    return dict(rows)


def test_the_source_scan_finds_codes():
    found = _codes_in_source()
    assert {"yaml-syntax", "duplicate-key", "file", "schema", "terms"} <= set(found)


def test_every_code_in_the_source_is_described():
    undescribed = {code: sorted(files) for code, files in _codes_in_source().items() if code not in PROBLEM_CODES}
    assert undescribed == {}, "add these codes to PROBLEM_CODES in src/tlt/render/ci_formats.py and to README.md"


@pytest.mark.parametrize("code", list(PROBLEM_CODES))
def test_every_problem_code_is_in_the_readme_with_its_severity(code):
    rows = _readme_code_rows()
    assert code in rows, f"README.md's problem-code table lacks `{code}`"
    assert rows[code] == PROBLEM_CODES[code].severity.value


def test_the_readme_lists_no_code_that_does_not_exist():
    assert sorted(set(_readme_code_rows()) - set(PROBLEM_CODES)) == []


def test_every_command_is_in_the_readme():
    names = sorted(c.name or c.callback.__name__.replace("_", "-") for c in app.registered_commands)
    assert "validate" in names and "schema" in names
    missing = [name for name in names if f"`tlt {name}" not in README]
    assert missing == []


def test_quick_start_is_two_commands_that_need_only_python_and_pip():
    first_section = README.split("\n## ", 2)[1]
    assert first_section.startswith("Quick start\n")
    block = re.search(r"```sh\n(.*?)```", first_section, flags=re.DOTALL)
    assert block is not None
    commands = block.group(1).strip().splitlines()
    assert commands == [
        "python3 -m venv .venv && .venv/bin/pip install -c constraints.txt -e . && .venv/bin/tlt validate -C examples/bps",
        "python3 -m venv .venv && .venv/bin/pip install -c constraints.txt -e '.[test]' && .venv/bin/python -m pytest",
    ]
    assert (PROJECT / "examples" / "bps" / "tlt.yaml").is_file()


def test_ci_runs_the_readme_test_command():
    script = (PROJECT / ".ci" / "run").read_text(encoding="utf-8")
    assert "-m pytest" in script
    assert re.search(r"pip install .*-c constraints\.txt -e '\.\[dev\]'", script)  # dev = test + lint tools
    assert re.search(r"pip install .*--upgrade -e '\.\[test\]'", script)  # the newest releases allowed


def _requirements() -> dict[str, list[str]]:
    import tomllib

    project = tomllib.loads((PROJECT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    return {"runtime": project["dependencies"], **project["optional-dependencies"]}


def _name(requirement: str) -> str:
    return re.sub(r"[-_.]+", "-", re.match(r"[A-Za-z0-9._-]+", requirement).group(0)).lower()


def test_every_runtime_dependency_has_an_upper_bound():
    for group in ("runtime", "fast"):
        for requirement in _requirements()[group]:
            assert "<" in requirement.split(";")[0], f"{requirement}: no upper bound"


def test_constraints_pin_every_dependency_the_project_names():
    pinned = {}
    for line in (PROJECT / "constraints.txt").read_text(encoding="utf-8").splitlines():
        line = line.split("#", 1)[0].strip()
        if line:
            name, _, version = line.partition("==")
            assert version, f"constraints.txt: {line!r} is not name==version"
            pinned[_name(name)] = version
    named = {_name(r) for group in _requirements().values() for r in group}
    assert named - pinned.keys() == set()
