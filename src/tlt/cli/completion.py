"""Shell completion of ids (SPEC 13): role, teacher and term ids of the repository named by -C (before or after
the command) or found upward from the current folder.

Completion runs on every press of Tab, so it reads as little as it can: tlt.yaml (with tlt's own safe YAML
reader: no alias can make it large) for the term ids and the folders, then only the names of the files in the
role and teacher folders (a file's name is its id, SPEC 2), never their contents: a folder of 100,000 teachers
is listed in about a tenth of a second. Anything that goes wrong completes nothing; it never prints a
traceback into the user's shell."""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

from tlt.loading.repository import CONFIG_NAME, DATA_SUFFIXES, find_root, inside
from tlt.loading.safeyaml import parse_text

#: tlt.yaml larger than this is not read for completion.
CONFIG_LIMIT = 1 << 20


def _start(ctx: Any) -> Path | None:
    """The folder -C named, in this command's options or the app's, else None (the current folder). Read from the
    contexts being completed, never from `GLOBALS`: the app's callback does not run while completing."""
    while ctx is not None:
        value = (ctx.params or {}).get("repo")
        if value:
            return Path(value)
        ctx = ctx.parent
    return None


def _config(root: Path) -> dict[str, Any]:
    path = root / CONFIG_NAME
    if path.stat().st_size > CONFIG_LIMIT:
        return {}
    data = parse_text(path.read_text(encoding="utf-8", errors="replace"), CONFIG_NAME).data
    return data if isinstance(data, dict) else {}


def _folders(config: dict[str, Any], key: str) -> list[str]:
    value = config.get(key, [key])
    return [v for v in value if isinstance(v, str)] if isinstance(value, list) else [key]


def _stems(root: Path, folders: list[str], prefix: str) -> Iterator[str]:
    for folder in folders:
        top = inside(root, folder)
        if top is None:
            continue
        for _, dirnames, filenames in os.walk(top, followlinks=False):
            dirnames[:] = [d for d in dirnames if not d.startswith(".")]
            for name in filenames:
                if name.startswith(prefix) and name.endswith(DATA_SUFFIXES):
                    yield name.rsplit(".", 1)[0]


def ids(kind: str, start: Path | None, prefix: str = "") -> list[str]:
    """The `kind` ids ("role", "teacher" or "term") of the repository at or above `start` that start with
    `prefix`, sorted; [] when there is no repository or it cannot be read."""
    try:
        root = find_root(start)
        config = _config(root)
        if kind == "term":
            terms = config.get("terms")
            found = (
                [t["id"] for t in terms if isinstance(t, dict) and isinstance(t.get("id"), str)]
                if isinstance(terms, list)
                else []
            )
            return sorted(t for t in found if t.startswith(prefix))
        return sorted(set(_stems(root, _folders(config, f"{kind}s"), prefix)))
    except Exception:  # completion never fails loudly: a broken repository completes nothing
        return []


def completer(kind: str) -> Callable[[Any, Any, str], list[str]]:
    """A Click `shell_complete` callback completing `kind` ids."""

    def complete(ctx: Any, param: Any, incomplete: str) -> list[str]:
        return ids(kind, _start(ctx), incomplete)

    return complete
