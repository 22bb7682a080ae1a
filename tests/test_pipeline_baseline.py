"""Every output of every command, byte for byte, against digests recorded before the pipeline was restructured
(issue 13: "behaviour stays exactly as it is").

The repositories are the three bundled examples and a generated statewide one of 10,000 teachers with broken
files (benchmarks/generate.py, seed 1, 14 broken files): the broken ones make every report take the
`--skip-invalid` path and `validate` report each kind of problem. Each case runs one command into a file and
compares the exit code, the file's bytes and stderr's bytes with tests/golden/pipeline/baseline.json.

A digest says only "different"; on a mismatch the test writes what it got beside the digest's name under
pytest's tmp folder and names the file, so the difference can be read. Re-record (after a deliberate change of
output, or when tools/roll_examples.py has moved the examples' dates) with

    TLT_RECORD_BASELINE=1 pytest tests/test_pipeline_baseline.py

and say in the commit which outputs changed and why.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from example_dates import REPORT_AS_OF, REPORT_TERM
from gitkit import git

PROJECT = Path(__file__).resolve().parents[1]
BASELINE = PROJECT / "tests" / "golden" / "pipeline" / "baseline.json"
RECORD = os.environ.get("TLT_RECORD_BASELINE") == "1"

GENERATED_AS_OF, GENERATED_TERM = "2026-03-02", "2025-26"
EXAMPLE_AS_OF, EXAMPLE_TERM = REPORT_AS_OF.isoformat(), REPORT_TERM


def _commands(as_of: str, term: str, role: str, teacher: str) -> dict[str, list[str]]:
    """name → arguments after `tlt -q -C REPO`; the output goes to a file (`-o`), tables to stdout at a pinned
    width."""
    dated = ["--as-of", as_of]
    termed = ["--term", term, *dated]
    skip = ["--skip-invalid"]
    cases: dict[str, list[str]] = {}
    for fmt in ("text", "json", "github", "sarif", "junit"):
        cases[f"validate-{fmt}"] = ["validate", "-f", fmt, *dated]
    for fmt in ("csv", "json", "table"):
        cases[f"eligibility-all-{fmt}"] = ["check-eligibility", "--all", "-f", fmt, *dated, *skip]
        cases[f"eligibility-{fmt}"] = ["check-eligibility", "-f", fmt, *dated, *skip]
        cases[f"eligibility-explain-{fmt}"] = [
            "check-eligibility", "--explain", "--all", "-r", role, "-f", fmt, *dated, *skip,
        ]  # fmt: skip
        cases[f"eligibility-teacher-{fmt}"] = ["check-eligibility", "--all", "-t", teacher, "-f", fmt, *dated, *skip]
        cases[f"roles-{fmt}"] = ["roles", "-f", fmt, *dated, *skip]
        cases[f"caseload-{fmt}"] = ["caseload", "-f", fmt, *termed, *skip]
        cases[f"report-{fmt}"] = ["report", "-f", fmt, *termed, *skip]
        cases[f"expiring-{fmt}"] = ["expiring", "-f", fmt, *dated, *skip]
        for by in ("teacher", "role", "school"):
            cases[f"stipends-{by}-{fmt}"] = ["stipends", "--by", by, "-f", fmt, *termed, *skip]
    return cases


EXAMPLES = {"acps": "acps-instructional-coach", "bps": "bps-esp-consulting-teacher", "jps": "jps-new-teacher-mentor"}
#: at 10,000 teachers, each command once in the format that shows all it knows, tables at one width: every
#: format and width is compared on the examples, and the suite stays within its budget
GENERATED = {
    "validate-text", "validate-json", "validate-github", "validate-sarif", "validate-junit",
    "eligibility-all-csv", "eligibility-all-json", "eligibility-csv", "eligibility-json", "eligibility-explain-csv",
    "eligibility-teacher-csv", "eligibility-teacher-table", "roles-csv", "caseload-csv", "caseload-json",
    "caseload-table", "report-csv", "report-json", "report-table", "expiring-csv", "expiring-json", "expiring-table",
    "stipends-teacher-csv", "stipends-teacher-json", "stipends-teacher-table", "stipends-role-csv",
    "stipends-school-csv",
}  # fmt: skip
#: with TLT_REFERENCE_ONLY=1 (a CI job of its own) every file takes the reference path, three to five times slower
#: at 10,000 teachers: there a few runs show that both paths read the same model, and the examples show the rest
REFERENCE_ONLY = bool(os.environ.get("TLT_REFERENCE_ONLY"))
REFERENCE_ONLY_GENERATED = {"validate-text", "validate-json", "eligibility-all-csv", "report-csv", "expiring-csv"}
WIDTHS = ("80", "120")


PINNED_DATES = {"GIT_AUTHOR_DATE": "2026-01-01T00:00:00Z", "GIT_COMMITTER_DATE": "2026-01-01T00:00:00Z"}


def _first_teacher(root: Path) -> str:
    return min(p.stem for p in (root / "teachers").rglob("*.yaml"))


#: the catalog folders the generated repository was recorded with: the generator copies every role of the
#: catalog it is given, so a folder added to roles/ later (iowa-tlc) would change every generated output; the
#: recording is of the pipeline's behaviour on this input, not of the catalog's growth
BASELINE_CATALOG = ("acps", "bps", "jps", "teacher-leader")


@pytest.fixture(scope="session")
def generated(tmp_path_factory: pytest.TempPathFactory) -> Path:
    catalog = tmp_path_factory.mktemp("catalog")
    for folder in BASELINE_CATALOG:
        shutil.copytree(PROJECT / "roles" / folder, catalog / folder)
    root = tmp_path_factory.mktemp("generated") / "state"
    subprocess.run(
        [
            sys.executable, str(PROJECT / "benchmarks" / "generate.py"), "10000", str(root), "--broken", "14", "-q",
            "--catalog", str(catalog),
        ],
        check=True,
    )  # fmt: skip
    return root


@pytest.fixture(scope="session")
def diffable(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The bps example committed to git, then changed in the working tree: its first teacher is no longer
    permanent, and a role file is gone."""
    root = tmp_path_factory.mktemp("diffable") / "bps"
    shutil.copytree(PROJECT / "examples" / "bps", root)
    git(root, "init", "-q", "-b", "main")
    git(root, "add", "-A")
    git(root, "commit", "-q", "-m", "before", env=PINNED_DATES)  # the same commit id on every run
    first = root / "teachers" / "t-0001.yaml"
    first.write_text(first.read_text(encoding="utf-8").replace("status: permanent", "status: provisional"))
    (root / "roles" / "bps-administrator.yaml").unlink()
    return root


def _all_cases() -> list[tuple[str, str, list[str], str | None]]:
    """(case id, repository key, arguments, COLUMNS or None)."""
    out: list[tuple[str, str, list[str], str | None]] = []
    for key in (*EXAMPLES, "generated"):
        as_of, term = (GENERATED_AS_OF, GENERATED_TERM) if key == "generated" else (EXAMPLE_AS_OF, EXAMPLE_TERM)
        role = EXAMPLES.get(key, "jps-new-teacher-mentor")
        for name, args in _commands(as_of, term, role, "TEACHER").items():
            if key == "generated" and name not in (REFERENCE_ONLY_GENERATED if REFERENCE_ONLY else GENERATED):
                continue
            if name.endswith("-table"):
                for width in WIDTHS if key != "generated" else WIDTHS[:1]:
                    out.append((f"{key}/{name}@{width}", key, args, width))
            else:
                out.append((f"{key}/{name}", key, args, None))
    for fmt in ("csv", "json", "table"):
        out.append((f"diff/bps-{fmt}", "diff", ["diff", "HEAD", "-f", fmt, "--as-of", EXAMPLE_AS_OF], "80"))
    return out


CASES = _all_cases()


def _load() -> dict[str, dict[str, object]]:
    return json.loads(BASELINE.read_text(encoding="utf-8")) if BASELINE.exists() else {}


def _digest(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


_recorded: dict[str, dict[str, object]] = {}


@pytest.mark.parametrize(("case", "key", "args", "width"), CASES, ids=[c[0] for c in CASES])
def test_output_is_as_recorded(case, key, args, width, generated, diffable, run, tmp_path, monkeypatch):
    root = generated if key == "generated" else diffable if key == "diff" else PROJECT / "examples" / key
    args = [a if a != "TEACHER" else _first_teacher(root) for a in args]
    if width is not None:
        monkeypatch.setenv("COLUMNS", width)
    target = tmp_path / "out"
    if args[args.index("-f") + 1] == "table":  # drawn for a terminal, never written to a file (SPEC 13): stdout
        code, stdout, stderr = run(["-q", "-C", str(root), *args])
        data = stdout.encode("utf-8")
    else:
        code, stdout, stderr = run(["-q", "-C", str(root), *args, "-o", str(target)])
        assert stdout == "", stdout  # everything went to the file
        data = target.read_bytes() if target.exists() else b""
    got = {"exit": code, "sha256": _digest(data), "bytes": len(data), "stderr_sha256": _digest(stderr.encode())}
    if RECORD:
        _recorded[case] = got
        baseline = _load()
        baseline[case] = got
        BASELINE.parent.mkdir(parents=True, exist_ok=True)
        BASELINE.write_text(json.dumps(baseline, indent=1, sort_keys=True) + "\n", encoding="utf-8")
        return
    expected = _load().get(case)
    assert expected is not None, f"{case} has no recorded output; record it (see the module doc)"
    if got != expected:
        kept = tmp_path / case.replace("/", "_").replace("@", "_")
        kept.write_bytes(data)
        (tmp_path / "stderr.txt").write_text(stderr, encoding="utf-8")
        pytest.fail(f"{case}: {got} differs from {expected}; the output is in {kept}, stderr in {tmp_path}/stderr.txt")


def test_every_recorded_case_is_still_run():
    recorded = sorted(_load())
    if REFERENCE_ONLY:
        assert set(c[0] for c in CASES) <= set(recorded)
    else:
        assert recorded == sorted(c[0] for c in CASES)
