"""What tools that read JSON Schema make of the schemas `tlt init` writes, with the real programs: ajv in strict
mode compiling them.

They are npm packages, found in the `npm install --prefix` folder that TLT_NODE_TOOLS names; without it these
tests skip, unless TLT_REQUIRE_TOOLS=1 (CI) makes that a failure.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import Any

import pytest
import yaml

AS_OF = "2026-11-23"
# The exact versions CI installs; a different installed version fails here, so the pin cannot drift unseen.
NODE_TOOLS = {"ajv": "8.20.0", "ajv-formats": "3.0.1", "ajv-errors": "3.0.0"}
HOW = (
    "npm install --prefix DIR "
    + " ".join(f"{name}@{version}" for name, version in NODE_TOOLS.items())
    + ", then set TLT_NODE_TOOLS=DIR"
)
AJV_SCRIPT = Path(__file__).parent / "node" / "ajv_strict.cjs"
STATE = "Expected a state's two capital letters, such as MA."


@pytest.fixture
def node_package(external_tool: Callable[..., str]) -> Callable[[str], Path]:
    """node_package(name) -> the folder of an npm package under TLT_NODE_TOOLS, at its pinned version."""
    external_tool("node", shutil.which("node"), "install Node.js 20 or later")
    base = os.environ.get("TLT_NODE_TOOLS")

    def find(name: str) -> Path:
        manifest = Path(base, "node_modules", name, "package.json") if base else None
        folder = Path(external_tool(name, manifest, HOW)).parent
        installed = json.loads((folder / "package.json").read_text(encoding="utf-8"))["version"]
        if installed != NODE_TOOLS[name]:
            pytest.fail(f"{name} {installed} is installed in {base}; the tests pin {NODE_TOOLS[name]} ({HOW})")
        return folder

    return find


@pytest.fixture
def new_repo(run: Callable[..., tuple[int, str, str]], tmp_path: Path) -> Path:
    root = tmp_path / "district"
    code, _, err = run(["init", str(root), "--catalog", "jps", "--as-of", AS_OF])
    assert code == 0, err
    return root


def _bad_teacher(root: Path) -> Path:
    """A teacher file a user adds in a subfolder, without any schema comment, with a lowercase state."""
    path = root / "teachers" / "north" / "t-0002.yaml"
    path.parent.mkdir(parents=True)
    path.write_text(
        "id: t-0002\nname: Second Teacher\nlicenses:\n  - {state: ms, type: standard, status: active}\n",
        encoding="utf-8",
    )
    return path


# ---- ajv in strict mode ----------------------------------------------------------------------------------------


def _json_ready(value: Any) -> Any:
    if isinstance(value, dict):
        return {str(k): _json_ready(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_json_ready(v) for v in value]
    return value.isoformat() if isinstance(value, date) else value


def test_ajv_strict_compiles_the_schemas_and_agrees_with_tlt(
    new_repo: Path, node_package: Callable[[str], Path], tmp_path: Path
) -> None:
    tools = node_package("ajv").parent.parent
    for name in ("ajv-formats", "ajv-errors"):
        node_package(name)
    schemas = {name: str(new_repo / "schemas" / f"{name}.schema.json") for name in ("config", "role", "teacher")}
    files = [
        (new_repo / "tlt.yaml", "config"),
        *((p, "role") for p in sorted((new_repo / "roles").glob("*.yaml"))),
        (new_repo / "teachers" / "t-0001.yaml", "teacher"),
        (_bad_teacher(new_repo), "teacher"),
    ]
    documents = [
        {
            "name": path.relative_to(new_repo).as_posix(),
            "schema": schemas[kind],
            "data": _json_ready(yaml.safe_load(path.read_text(encoding="utf-8"))),
        }
        for path, kind in files
    ]
    job = tmp_path / "job.json"
    job.write_text(json.dumps({"schemas": list(schemas.values()), "documents": documents}), encoding="utf-8")

    result = subprocess.run(["node", str(AJV_SCRIPT), str(tools), str(job)], capture_output=True, text=True, timeout=60)

    assert result.returncode == 0, result.stderr
    outcome = {d["name"]: (d["valid"], d["errors"]) for d in json.loads(result.stdout)["documents"]}
    bad = outcome.pop("teachers/north/t-0002.yaml")
    assert outcome == {name: (True, []) for name in outcome} and len(outcome) == len(files) - 1
    assert bad == (False, [{"instancePath": "/licenses/0/state", "keyword": "errorMessage", "message": STATE}])
