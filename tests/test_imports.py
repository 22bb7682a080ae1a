"""The "may import" column of docs/architecture.md is what the code does (issue 13): every import of every module
under src/tlt, read with `ast` (inside functions and `if TYPE_CHECKING:` too), is allowed by its module's row.

A row is the most specific `tlt.…` name of the table's first column that the module is or lies under (`tlt` is
the package's own `__init__` alone). What a row allows: its own package (the row's module and what lies under
it), the modules its column names (`problems`, `render.rows`, ... with what lies under them), and whatever those
may import in turn; "nothing" (or "nothing of tlt") allows only the row's own package, "all of the above" every
row above it, "everything" anything; words in brackets are remarks.
"""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

from example_dates import PROJECT

SRC = PROJECT / "src"
TABLE = PROJECT / "docs" / "architecture.md"


def module_name(path: Path) -> str:
    parts = list(path.relative_to(SRC).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


MODULES = {module_name(p): p for p in sorted((SRC / "tlt").rglob("*.py"))}


def imports_of(name: str, source: str, is_package: bool) -> set[str]:
    """The tlt modules `source` (module `name`) imports: `from a import b` is `a.b` when that is a module."""
    found: set[str] = set()
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                package = name.split(".") if is_package else name.split(".")[:-1]
                base = ".".join(package[: len(package) - node.level + 1] + ([node.module] if node.module else []))
            else:
                base = node.module or ""
            for alias in node.names:
                found.add(f"{base}.{alias.name}" if f"{base}.{alias.name}" in MODULES else base)
    return {m for m in found if m == "tlt" or m.startswith("tlt.")}


def table(text: str) -> dict[str, str]:
    """module → its "may import" cell, in the table's order."""
    rows = {}
    for line in text.splitlines():
        cells = [c.strip() for c in line.strip().strip("|").split("|")]
        match = re.fullmatch(r"`(tlt(?:\.[a-z_]+)*)`", cells[0]) if len(cells) >= 3 else None
        if match:
            rows[match.group(1)] = cells[-1]
    return rows


def under(module: str, package: str) -> bool:
    """Whether `module` is `package` or lies under it; `tlt` names the package's own `__init__` alone."""
    return module == package or (package != "tlt" and module.startswith(package + "."))


def row_of(module: str, rows: dict[str, str]) -> str | None:
    covering = [r for r in rows if under(module, r)]
    return max(covering, key=len) if covering else None


def named(rows: dict[str, str], row: str) -> list[str] | None:
    """The packages a row's cell names (None: everything)."""
    out: list[str] = []
    for part in re.sub(r"\([^)]*\)", "", rows[row]).split(","):  # a remark in brackets names nothing
        word = part.strip().strip("`")
        if word == "everything":
            return None
        if word.startswith("nothing"):
            continue
        if word == "all of the above":
            order = list(rows)
            out.extend(order[: order.index(row)])
        else:
            out.append(word if word == "tlt" or word.startswith("tlt.") else "tlt." + word)
    return out


def allowed(rows: dict[str, str]) -> dict[str, set[str] | None]:
    """row → the packages its modules may import (None: anything): what it names, and what the rows of those may."""
    result: dict[str, set[str] | None] = {}
    for row in rows:
        packages: set[str] | None = {row}
        seen, todo = {row}, [row]
        while todo and packages is not None:
            names = named(rows, todo.pop())
            if names is None:
                packages = None
                break
            packages.update(names)
            for target in names:
                for other in rows:
                    if other not in seen and (under(other, target) or under(target, other)):
                        seen.add(other)
                        todo.append(other)
        result[row] = packages
    return result


def violations(rows: dict[str, str], sources: dict[str, tuple[str, bool]]) -> list[str]:
    """'module imports target' for each import its row does not allow, and each module no row covers."""
    may = allowed(rows)
    out = []
    for name, (source, is_package) in sources.items():
        row = row_of(name, rows)
        if row is None:
            out.append(f"{name} has no row in docs/architecture.md")
            continue
        packages = may[row]
        if packages is None:
            continue
        for target in sorted(imports_of(name, source, is_package)):
            if not any(under(target, p) for p in packages) and not under(row, target):
                out.append(f"{name} imports {target}, which its row ({row}: {rows[row]}) does not allow")
    return out


def sources_of(modules: dict[str, Path]) -> dict[str, tuple[str, bool]]:
    return {name: (path.read_text(encoding="utf-8"), path.name == "__init__.py") for name, path in modules.items()}


def test_every_import_is_allowed_by_its_row_of_the_architecture_table() -> None:
    rows = table(TABLE.read_text(encoding="utf-8"))
    assert violations(rows, sources_of(MODULES)) == []


def test_an_import_the_row_does_not_allow_is_reported() -> None:
    """The test can fail: the model importing judging, anywhere in a function, is named."""
    rows = table(TABLE.read_text(encoding="utf-8"))
    sources = sources_of(MODULES)
    model, is_package = sources["tlt.model"]
    sources["tlt.model"] = (model + "\n\ndef _late():\n    from tlt.judge import judge\n", is_package)
    assert violations(rows, sources) == [
        "tlt.model imports tlt.judge, which its row (tlt.model: nothing) does not allow"
    ]


@pytest.mark.parametrize(
    ("source", "expected"),
    [
        ("import tlt.model\n", {"tlt.model"}),
        ("from tlt.loading import gitrev\n", {"tlt.loading.gitrev"}),
        ("from tlt.loading import FOO\n", {"tlt.loading"}),
        ("from . import common\n", {"tlt.cli.common"}),
        ("from .common import x\n", {"tlt.cli.common"}),
        ("from ..render import rows\n", {"tlt.render.rows"}),
        ("import json\nfrom typing import TYPE_CHECKING\n", set()),
        ("def f():\n    if True:\n        from tlt.judge import judge\n", {"tlt.judge"}),
    ],
)
def test_imports_are_read_wherever_they_are(source: str, expected: set[str]) -> None:
    assert imports_of("tlt.cli.validate", source, False) == expected


def test_a_module_without_a_row_is_reported() -> None:
    assert violations({"tlt.model": "nothing"}, {"tlt.newthing": ("", False)}) == [
        "tlt.newthing has no row in docs/architecture.md"
    ]
