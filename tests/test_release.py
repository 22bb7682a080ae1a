"""Every place that tells a user which tlt to install names the distribution on PyPI and the release the
package is (`tlt.DISTRIBUTION`, `tlt.__version__`): the docs, the hook manifest's comments and what `tlt init`
writes. The release process (docs/releasing.md) tags `v<__version__>`, so a pin that matches `__version__`
names a tag and a release that exist."""

from __future__ import annotations

import re
import tomllib
from datetime import date
from pathlib import Path

import pytest

from tlt import DISTRIBUTION, __version__
from tlt.scaffold import new_repository

PROJECT = Path(__file__).resolve().parents[1]
# The names a requirement for tlt could use: ours, and the command's name, which on PyPI is another project.
TLT_NAMES = {"tlt", "teacher-leadership-tracker"}
VERSION = r"\d+(?:\.\d+)+(?:[a-z]+\d+)?"
PIN_PATTERNS = {
    # pip requirements: `NAME==X.Y.Z`, `NAME[extra]==X.Y.Z`, `NAME @ git+URL@vX.Y.Z`
    "requirement": re.compile(
        rf"(?<![\w.-])(?P<name>[A-Za-z0-9][A-Za-z0-9._-]*)(?:\[[^\]\s]*\])?"
        rf"(?:\s*==\s*(?P<version>{VERSION})|\s+@\s+git\+\S*?@v(?P<tag>{VERSION}))"
    ),
    # a git URL of tlt at a tag: `.../tlt@vX.Y.Z` (pip, the GitHub Actions `uses:` form)
    "git-tag": re.compile(rf"(?P<url>[\w.:/+-]*/tlt(?:\.git)?)@v(?P<version>{VERSION})"),
    # prose: "the git tag `vX.Y.Z`" (only tlt's tags are called that here)
    "tag": re.compile(rf"\bgit tag\s+`?v(?P<version>{VERSION})"),
    # pre-commit's `rev: vX.Y.Z` (only tlt's hook appears in these files)
    "rev": re.compile(rf"\brev:\s*['\"]?v(?P<version>{VERSION})"),
    # `pip install tlt`: the other project
    "pip-install": re.compile(r"\bpip install\s+(?:-[-\w]+\s+)*(?P<name>tlt)(?![\w.-])"),
}


def canonical(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def pins(text: str) -> list[tuple[int, str, str, str | None]]:
    """(line, kind, distribution name or '', version or None) for every reference to a tlt release in `text`."""
    out = []
    for kind, pattern in PIN_PATTERNS.items():
        for match in pattern.finditer(text):
            line = text.count("\n", 0, match.start()) + 1
            groups = match.groupdict()
            name = groups.get("name") or ""
            if kind in ("requirement", "pip-install") and canonical(name) not in TLT_NAMES:
                continue
            version = groups.get("version") or groups.get("tag")
            out.append((line, kind, name, version))
    return sorted(out)


def wrong(text: str) -> list[str]:
    """The pins in `text` that name another distribution or another release than this package."""
    problems = []
    for line, kind, name, version in pins(text):
        if kind == "pip-install":
            problems.append(f"line {line}: `pip install tlt` installs another project; use {DISTRIBUTION}")
        elif name and name != DISTRIBUTION:
            problems.append(f"line {line}: {kind} names {name!r}; the distribution is {DISTRIBUTION!r}")
        if version is not None and version != __version__:
            problems.append(f"line {line}: {kind} pins {version}; this is tlt {__version__}")
    return problems


def documents() -> dict[str, str]:
    """Every file a user reads or copies an install line from: the docs, the hook manifest, the workflows."""
    paths = [
        PROJECT / "README.md",
        *sorted((PROJECT / "docs").rglob("*.md")),
        PROJECT / "examples" / "README.md",
        PROJECT / ".pre-commit-hooks.yaml",
        *sorted((PROJECT / ".github").rglob("*.yml")),
    ]
    return {p.relative_to(PROJECT).as_posix(): p.read_text(encoding="utf-8") for p in paths if p.is_file()}


def scaffold() -> dict[str, str]:
    return {f"tlt init: {path}": text for path, text in new_repository("all", date(2026, 11, 23)).items()}


def test_the_scanner_finds_every_kind_of_pin_and_judges_it() -> None:
    sample = (
        'TLT_REQUIREMENT: "tlt @ git+https://github.com/OWNER/tlt@v0.0.9"\n'
        "  rev: v9.9.9 (the git tag v9.9.8)\n"
        "pip install 'teacher-leadership-tracker[fast]==1.2.3' yaml-rs==0.1.6\n"
        "python -m pip install tlt\n"
        f"pip install {DISTRIBUTION}=={__version__}\n"
    )
    assert pins(sample) == [
        (1, "git-tag", "", "0.0.9"),
        (1, "requirement", "tlt", "0.0.9"),
        (2, "rev", "", "9.9.9"),
        (2, "tag", "", "9.9.8"),
        (3, "requirement", "teacher-leadership-tracker", "1.2.3"),
        (4, "pip-install", "tlt", None),
        (5, "requirement", DISTRIBUTION, __version__),
    ]
    assert len(wrong(sample)) == 7  # line 1 twice for the version, once for the name; line 2 twice; lines 3, 4
    assert wrong(f"pip install {DISTRIBUTION}=={__version__}\nrev: v{__version__}\n") == []


def test_the_distribution_is_the_package_name_in_pyproject() -> None:
    project = tomllib.loads((PROJECT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    assert project["name"] == DISTRIBUTION
    assert project["scripts"] == {"tlt": "tlt.cli:main"}  # the command keeps its name
    assert re.fullmatch(r"\d+\.\d+\.\d+", __version__), "a release is MAJOR.MINOR.PATCH (docs/releasing.md)"


@pytest.mark.parametrize("source", ["documents", "scaffold"])
def test_every_pinned_reference_names_this_distribution_and_release(source: str) -> None:
    texts = documents() if source == "documents" else scaffold()
    problems = [f"{path}: {problem}" for path, text in texts.items() for problem in wrong(text)]
    assert problems == []


def test_the_scaffold_and_the_hook_manifest_do_pin_tlt() -> None:
    # the test above could pass on files that lost their pins; these are the ones a user follows
    found = {path: {kind for _, kind, _, _ in pins(text)} for path, text in {**documents(), **scaffold()}.items()}
    assert "requirement" in found["tlt init: .github/workflows/tlt.yml"]
    assert "rev" in found["tlt init: .pre-commit-config.yaml"]
    assert "rev" in found[".pre-commit-hooks.yaml"]
    assert "requirement" in found["docs/install.md"]
