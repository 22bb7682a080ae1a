"""Git for the tests that build real repositories (a plain module, like rulekit.py and example_dates.py).

`GIT_IDENTITY` keeps the machine's git configuration out of the way and gives commits an author; `git_env()`
is the environment without any GIT_* variable of the caller (a hook's GIT_INDEX_FILE, say) plus that identity;
`git(root, *args)` runs git there and returns its stdout, failing the test with git's message.
"""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

GIT_IDENTITY = {
    "GIT_CONFIG_GLOBAL": os.devnull,
    "GIT_CONFIG_NOSYSTEM": "1",
    "GIT_AUTHOR_NAME": "Test",
    "GIT_AUTHOR_EMAIL": "test@example.invalid",
    "GIT_COMMITTER_NAME": "Test",
    "GIT_COMMITTER_EMAIL": "test@example.invalid",
}


def git_env() -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("GIT_")}
    env.update(GIT_IDENTITY)
    return env


def git(root: Path, *args: str, env: dict[str, str] | None = None, check: bool = True) -> str:
    done = subprocess.run(
        ["git", *args], cwd=root, env={**git_env(), **(env or {})}, capture_output=True, text=True, check=False
    )
    if check and done.returncode != 0:
        raise AssertionError(f"git {' '.join(args)} failed: {done.stderr}")
    return done.stdout
