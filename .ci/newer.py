"""Print the installed distributions whose versions differ from a constraints file, as `name old -> new`.

.ci/run calls it in the virtualenv of the newest allowed releases, so that a failure there names the release
that caused it. Standard library only."""

from __future__ import annotations

import re
import sys
from importlib.metadata import distributions


def canonical(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def main(constraints: str) -> None:
    pinned: dict[str, str] = {}
    with open(constraints, encoding="utf-8") as handle:
        for line in handle:
            line = line.split("#", 1)[0].strip()
            if "==" in line:
                name, version = line.split("==", 1)
                pinned[canonical(name)] = version.strip()
    changes = []
    for dist in distributions():
        name = canonical(dist.metadata["Name"])
        if name in pinned and pinned[name] != dist.version:
            changes.append(f"{name} {pinned[name]} -> {dist.version}")
    print(", ".join(sorted(changes)))


if __name__ == "__main__":
    main(sys.argv[1])
