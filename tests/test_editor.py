"""What an editor shows for a repository made by `tlt init`, with the real programs: the YAML language server
(VS Code's YAML extension) driven over LSP with the `.vscode/settings.json` that init writes, and ajv in strict
mode compiling the schemas init writes.

They are npm packages, found in the `npm install --prefix` folder that TLT_NODE_TOOLS names; without it these
tests skip, unless TLT_REQUIRE_TOOLS=1 (CI) makes that a failure.
"""

from __future__ import annotations

import json
import os
import queue
import shutil
import subprocess
import threading
import time
from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import Any

import pytest
import yaml

AS_OF = "2026-11-23"
# The exact versions CI installs; a different installed version fails here, so the pin cannot drift unseen.
NODE_TOOLS = {"yaml-language-server": "1.25.0", "ajv": "8.20.0", "ajv-formats": "3.0.1", "ajv-errors": "3.0.0"}
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


# ---- the YAML language server ----------------------------------------------------------------------------------


class LanguageServer:
    """A minimal LSP client over stdio: requests, notifications, and the server's messages from a reader thread
    (a thread rather than select(), so the test also runs where pipes cannot be polled)."""

    def __init__(self, command: list[str]) -> None:
        self.process = subprocess.Popen(command, stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        self.messages: queue.Queue[dict[str, Any] | None] = queue.Queue()
        self.last_id = 0
        self.reader = threading.Thread(target=self._read, daemon=True)
        self.reader.start()

    def _read(self) -> None:
        out = self.process.stdout
        assert out is not None
        while True:
            length = None
            while (line := out.readline()) not in (b"\r\n", b""):
                name, _, value = line.decode("ascii").partition(":")
                if name.strip().lower() == "content-length":
                    length = int(value)
            if not line or length is None:
                self.messages.put(None)
                return
            self.messages.put(json.loads(out.read(length)))

    def send(self, message: dict[str, Any]) -> None:
        body = json.dumps({"jsonrpc": "2.0", **message}).encode("utf-8")
        assert self.process.stdin is not None
        self.process.stdin.write(b"Content-Length: %d\r\n\r\n" % len(body) + body)
        self.process.stdin.flush()

    def request(self, method: str, params: dict[str, Any]) -> int:
        self.last_id += 1
        self.send({"id": self.last_id, "method": method, "params": params})
        return self.last_id

    def receive(self, deadline: float) -> dict[str, Any]:
        try:
            message = self.messages.get(timeout=max(0.0, deadline - time.monotonic()))
        except queue.Empty:
            raise TimeoutError("the language server sent nothing in time") from None
        if message is None:
            assert self.process.stderr is not None
            raise AssertionError(f"the language server stopped: {self.process.stderr.read().decode()[-2000:]}")
        return message

    def close(self) -> None:
        try:
            self.request("shutdown", {})
            self.send({"method": "exit"})
            self.process.wait(timeout=5)
        except (OSError, subprocess.TimeoutExpired):
            self.process.kill()
            self.process.wait()
        self.reader.join(timeout=5)  # it ends at the end of the server's output
        for pipe in (self.process.stdin, self.process.stdout, self.process.stderr):
            if pipe is not None:
                pipe.close()


def _diagnostics(server_dir: Path, root: Path, settings: dict[str, Any], files: dict[Path, str]) -> dict[Path, Any]:
    """Open `files` in the server as VS Code would for the workspace `root` with `settings`; return each file's
    diagnostics once one of them carries the text the file maps to (or whatever came last, after 8 s)."""
    server = LanguageServer(["node", str(server_dir / "bin" / "yaml-language-server"), "--stdio"])
    deadline = time.monotonic() + 8
    seen: dict[Path, Any] = {}
    try:
        # VS Code sends the `yaml` section with the "yaml." prefix removed from each setting
        section = {key.removeprefix("yaml."): value for key, value in settings.items() if key.startswith("yaml.")}
        # SchemaStore's catalog is a download, and this test runs offline; it is not part of the mapping
        section.setdefault("schemaStore", {"enable": False})
        started = server.request(
            "initialize",
            {
                "processId": os.getpid(),
                "rootUri": root.as_uri(),
                "workspaceFolders": [{"uri": root.as_uri(), "name": root.name}],
                "capabilities": {"workspace": {"configuration": True}, "textDocument": {"publishDiagnostics": {}}},
            },
        )
        while server.receive(deadline).get("id") != started:
            pass
        server.send({"method": "initialized", "params": {}})
        configured = False
        by_uri = {path.as_uri(): path for path in files}
        while True:
            message = server.receive(deadline)
            method = message.get("method")
            if method == "workspace/configuration":
                items = message["params"]["items"]
                result = [section if item.get("section") == "yaml" else None for item in items]
                server.send({"id": message["id"], "result": result})
                if not configured:  # open the files once the server has the settings, as VS Code does
                    configured = True
                    for path in files:
                        document = {"uri": path.as_uri(), "languageId": "yaml", "version": 1, "text": path.read_text()}
                        server.send({"method": "textDocument/didOpen", "params": {"textDocument": document}})
            elif "id" in message and method:  # any other request of the server's: answer it, empty
                server.send({"id": message["id"], "result": None})
            elif method == "textDocument/publishDiagnostics" and message["params"]["uri"] in by_uri:
                path = by_uri[message["params"]["uri"]]
                seen[path] = message["params"]["diagnostics"]
                if all(any(d["message"] == files[p] for d in seen.get(p, [])) for p in files):
                    return seen
    except TimeoutError:
        return {path: seen.get(path) for path in files}
    finally:
        server.close()


def test_the_editor_maps_every_folder_and_shows_tlts_messages(
    new_repo: Path, node_package: Callable[[str], Path]
) -> None:
    server_dir = node_package("yaml-language-server")
    root = new_repo.resolve()
    settings = json.loads((root / ".vscode" / "settings.json").read_text(encoding="utf-8"))
    teacher = _bad_teacher(root)
    role = root / "roles" / "drafts" / "new-coach.yaml"
    role.parent.mkdir()
    role.write_text(
        "id: new-coach\ntitle: New Coach\ncategory: coaching\neligibility:\n  required:\n"
        "    - experience: {employer: JPS, cite: Posting}\n",
        encoding="utf-8",
    )
    config = root / "tlt.yaml"
    config.write_text(config.read_text(encoding="utf-8").replace("{id: 2026-27,", "{id: Fall-2026,"), "utf-8")
    id_text = (
        "Expected an id: lowercase ASCII letters, digits, '-' and '_', starting with a letter or digit, at most 64 "
        "characters."
    )
    wanted = {teacher: STATE, role: "An experience rule needs min_years, or tag, or both.", config: id_text}

    seen = _diagnostics(server_dir, root, settings, wanted)

    shown = {
        path.relative_to(root).as_posix(): [(d["range"]["start"]["line"], d["message"]) for d in diagnostics or []]
        for path, diagnostics in seen.items()
    }
    config_line = next(i for i, line in enumerate(config.read_text().splitlines()) if "Fall-2026" in line)
    assert shown == {
        "teachers/north/t-0002.yaml": [(3, STATE)],  # the schema loads for a file in a subfolder
        "roles/drafts/new-coach.yaml": [(5, wanted[role])],
        "tlt.yaml": [(config_line, id_text)],
    }
    state = seen[teacher][0]["range"]
    assert (state["start"]["character"], state["end"]["character"]) == (12, 14)  # on the value `ms` itself


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
