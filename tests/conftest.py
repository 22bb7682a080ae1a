"""Shared test helpers. Keep them general: every test file may use them.

Fixtures:

* ``make_repo(config=..., roles={...}, teachers={...}, files={...}, root=None) -> Path`` writes a small data
  repository under ``tmp_path`` and returns its root. Each value is YAML text (dedented, so triple-quoted
  blocks may be indented), raw ``bytes`` (written as they are), or a ``dict``/``list`` (dumped with
  ``yaml.safe_dump``; don't use this form when a test checks line numbers). A key of ``roles``/``teachers``
  is a file stem (``"mentor"`` → ``roles/mentor.yaml``) or a relative path ending in ``.yaml``/``.yml``
  (``"jps/mentor.yaml"`` → ``roles/jps/mentor.yaml``). ``config=None`` writes no ``tlt.yaml``; the default
  is ``CONFIG`` (two terms, 2024-25 and 2025-26).
* ``run(args, env=None, input=None) -> (exit_code, stdout, stderr)`` invokes ``tlt.cli.app`` in-process with
  typer's ``CliRunner`` (stdout and stderr kept apart). An exception that escapes the CLI fails the test with
  its traceback (``TLT_DEBUG=1`` makes ``clean_errors`` re-raise instead of printing "internal error").
* ``tlt_exe`` is the path of the installed ``tlt`` console script, for the few tests that run it as a
  subprocess.
* ``external_tool(name, path_or_none, how_to_get)`` returns the path of a real program a test drives
  (pre-commit, zizmor, actionlint, ajv, ...). When it is missing the test is skipped on a developer's machine,
  but fails when ``TLT_REQUIRE_TOOLS=1`` (set by ``.ci/run``, which installs every one of them), so a tool that
  CI stops installing cannot turn its tests into silent skips.
* ``project_script(relpath)`` imports a script of the project that is not part of the package
  (``benchmarks/generate.py``, ``tools/roll_examples.py``) as a module, once per session.
* ``config_yaml(extra="")``, ``role_yaml(id, extra="")``, ``teacher_yaml(id, extra="")`` return minimal
  valid file texts (``CONFIG``, ``ROLE``, ``TEACHER`` below) with ``extra`` appended as it is. The config has
  two terms, 2024-25 (2024-08-26..2025-06-13) and 2025-26 (2025-08-25..2026-06-12), on lines 4 and 5.

Don't ``from conftest import ...`` in a test: tests/rules/ has a conftest.py of its own, so the name is
ambiguous. Use the fixtures.
"""

from __future__ import annotations

import os
import re
import shutil
import sys
import sysconfig
import tempfile
import textwrap
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from typing import Any

import pytest
import yaml
from typer.testing import CliRunner

CONFIG = """\
program: Test Program
organization: TST
terms:
  - {id: 2024-25, start: 2024-08-26, end: 2025-06-13}
  - {id: 2025-26, start: 2025-08-25, end: 2026-06-12}
"""

ROLE = """\
id: {id}
title: Test Role
category: mentoring
"""

TEACHER = """\
id: {id}
name: Test Teacher
"""

Content = str | bytes | Mapping[str, Any] | Sequence[Any]

# git stops looking for a repository at the temporary folder: a repository made in tmp_path is found, but one
# the temporary folder happens to sit in is not (it would put its folder before the paths of github output).
# A suite run inside a GitHub Actions step must not append to that step's job summary.
_ENV: dict[str, str | None] = {
    "TLT_DEBUG": "1", "NO_COLOR": "1", "TERMINAL_WIDTH": "100", "COLUMNS": "100",
    "GIT_CEILING_DIRECTORIES": tempfile.gettempdir(), "GITHUB_STEP_SUMMARY": None,
}  # fmt: skip


def _text(content: Content) -> bytes:
    if isinstance(content, bytes):
        return content
    if isinstance(content, str):
        return textwrap.dedent(content).encode("utf-8")
    return yaml.safe_dump(content, sort_keys=False, allow_unicode=True).encode("utf-8")


def _file_name(key: str) -> str:
    return key if key.endswith((".yaml", ".yml")) else f"{key}.yaml"


def write_repo(
    root: Path,
    config: Content | None = CONFIG,
    roles: Mapping[str, Content] | None = None,
    teachers: Mapping[str, Content] | None = None,
    files: Mapping[str, Content] | None = None,
) -> Path:
    """Write a data repository at `root` (see the module docstring); return `root`."""
    root.mkdir(parents=True, exist_ok=True)
    if config is not None:
        (root / "tlt.yaml").write_bytes(_text(config))
    for folder, entries in (("roles", roles), ("teachers", teachers)):
        for key, content in (entries or {}).items():
            path = root / folder / _file_name(key)
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_bytes(_text(content))
    for rel, content in (files or {}).items():
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(_text(content))
    return root


@pytest.fixture
def make_repo(tmp_path: Path) -> Callable[..., Path]:
    """`make_repo(config=CONFIG, roles=None, teachers=None, files=None, root=None) -> Path` (root defaults to
    `tmp_path / "repo"`)."""

    def make(
        config: Content | None = CONFIG,
        roles: Mapping[str, Content] | None = None,
        teachers: Mapping[str, Content] | None = None,
        files: Mapping[str, Content] | None = None,
        root: Path | None = None,
    ) -> Path:
        return write_repo(root or tmp_path / "repo", config, roles, teachers, files)

    return make


def invoke(
    args: Sequence[str], env: Mapping[str, str | None] | None = None, input: str | None = None
) -> tuple[int, str, str]:
    """Run `tlt ARGS` in-process; (exit code, stdout, stderr). Re-raises anything that escaped the CLI."""
    from tlt.cli import app

    result = CliRunner().invoke(app, [str(a) for a in args], env={**_ENV, **(env or {})}, input=input)
    exc = result.exception
    if exc is not None and not isinstance(exc, SystemExit):
        raise exc
    return result.exit_code, result.stdout, result.stderr


@pytest.fixture(scope="session")
def run() -> Callable[..., tuple[int, str, str]]:
    """`run(args, env=None, input=None) -> (exit_code, stdout, stderr)` via CliRunner on `tlt.cli.app`."""
    return invoke


@pytest.fixture(scope="session")
def tlt_exe() -> str:
    """The installed `tlt` console script (beside the running interpreter, else on PATH)."""
    candidates = [Path(sysconfig.get_path("scripts")) / "tlt", Path(sys.executable).parent / "tlt"]
    for candidate in candidates:
        if candidate.is_file() and os.access(candidate, os.X_OK):
            return str(candidate)
    found = shutil.which("tlt")
    if found is None:
        pytest.fail("the tlt console script is not installed; run `pip install -e .`")
    return found


def require_tool(name: str, path: str | Path | None, how: str) -> str:
    if path is not None and Path(path).exists():
        return str(path)
    if os.environ.get("TLT_REQUIRE_TOOLS") == "1":
        pytest.fail(f"{name} is required here (TLT_REQUIRE_TOOLS=1) but was not found; {how}")
    pytest.skip(f"{name} is not installed ({how}); CI installs it and sets TLT_REQUIRE_TOOLS=1")


@pytest.fixture(scope="session")
def external_tool() -> Callable[[str, str | Path | None, str], str]:
    """`external_tool(name, path_or_none, how_to_get) -> path`: skip when missing, fail when CI requires it."""
    return require_tool


PROJECT = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="session")
def project_script() -> Callable[[str], Any]:
    """`project_script("benchmarks/generate.py")`: that file, imported as a module (each file once)."""
    import importlib.util

    loaded: dict[str, Any] = {}

    def load(relpath: str) -> Any:
        if relpath not in loaded:
            name = "tlt_script_" + re.sub(r"\W", "_", relpath)
            spec = importlib.util.spec_from_file_location(name, PROJECT / relpath)
            assert spec is not None and spec.loader is not None
            module = importlib.util.module_from_spec(spec)
            sys.modules[name] = module  # dataclasses look their module up there
            spec.loader.exec_module(module)
            loaded[relpath] = module
        return loaded[relpath]

    return load


@pytest.fixture(scope="session")
def config_yaml() -> Callable[..., str]:
    """`config_yaml(extra="")`: the default tlt.yaml text with `extra` lines appended."""
    return lambda extra="": CONFIG + extra


@pytest.fixture(scope="session")
def role_yaml() -> Callable[..., str]:
    """`role_yaml(id, extra="")`: a minimal valid role file (title, category mentoring) plus `extra` lines."""
    return lambda ident, extra="": ROLE.format(id=ident) + extra


@pytest.fixture(scope="session")
def teacher_yaml() -> Callable[..., str]:
    """`teacher_yaml(id, extra="")`: a minimal valid teacher file (id and name only) plus `extra` lines."""
    return lambda ident, extra="": TEACHER.format(id=ident) + extra
