"""Golden files: `assert_golden(name, text)` compares output with tests/golden/NAME; TLT_UPDATE_GOLDEN=1 rewrites
the file instead (a plain module, imported by the report tests)."""

from __future__ import annotations

import os
from pathlib import Path

GOLDEN = Path(__file__).parent / "golden"


def assert_golden(name: str, text: str) -> None:
    """Compare with tests/golden/NAME; TLT_UPDATE_GOLDEN=1 rewrites the file instead."""
    path = GOLDEN / name
    if os.environ.get("TLT_UPDATE_GOLDEN"):
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(text.encode("utf-8"))
    assert path.exists(), f"no golden file {name}; run with TLT_UPDATE_GOLDEN=1 to create it"
    assert text == path.read_bytes().decode("utf-8"), f"{name} differs; if intended, rerun with TLT_UPDATE_GOLDEN=1"
