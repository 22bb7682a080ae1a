"""benchmarks/generate.py writes a realistic repository that `tlt validate` finds clean except for what it intends.

The generator makes every assignment holder eligible on each start date, keeps term limits and cooling-off
periods, and records in its manifest (.tlt-benchmark.json) the problems it means to cause: a few caseloads over
their cap (errors), documents of current holders expiring soon (warnings) and, with --broken K, K broken files
(yaml-syntax, duplicate-key, schema, unknown-role, date-order in turn). Any other error means the generator or
tlt got SPEC sections 2-4 wrong.
"""

from __future__ import annotations

import json
import subprocess
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parent.parent
AS_OF = "2026-03-02"
ALLOWED_WARNINGS = {"expiring", "staffing", "outside-terms"}


@pytest.fixture(scope="module")
def generator(project_script: Any) -> Any:
    return project_script("benchmarks/generate.py")


def _validate(run: Callable[..., tuple[int, str, str]], repo: Path, out: Path) -> tuple[int, list[dict[str, Any]]]:
    code, _, stderr = run(["-q", "-C", repo, "validate", "--format", "json", "--as-of", AS_OF, "--output", out])
    assert code in (0, 1), stderr
    return code, json.loads(out.read_text(encoding="utf-8"))["problems"]


@pytest.mark.parametrize(("seed", "holders"), [(1, 0.08), (2, 0.4)])
def test_generated_repository_has_only_intended_problems(
    generator: Any, run: Any, tmp_path: Path, seed: int, holders: float
) -> None:
    repo = tmp_path / "repo"
    manifest = generator.generate(60, repo, seed=seed, holders=holders)
    assert manifest["teachers"] == 60 and manifest["holders"] > 0 and manifest["assignments"] >= manifest["holders"]
    assert len(list((repo / "teachers").rglob("*.yaml"))) == 60
    intended_errors = {(i["path"], i["code"]) for i in manifest["intended"] if i["severity"] == "error"}
    intended_warnings = {(i["path"], i["code"]) for i in manifest["intended"] if i["severity"] == "warning"}

    code, problems = _validate(run, repo, tmp_path / "problems.json")

    errors = {(p["path"], p["code"]) for p in problems if p["severity"] == "error"}
    unexpected = [p for p in problems if p["severity"] == "error" and (p["path"], p["code"]) not in intended_errors]
    assert unexpected == []
    assert code == (1 if errors else 0)
    warnings = [p for p in problems if p["severity"] == "warning"]
    assert {p["code"] for p in warnings} <= ALLOWED_WARNINGS
    expiring = {(p["path"], p["code"]) for p in warnings if p["code"] == "expiring"}
    assert expiring <= intended_warnings


def test_broken_files_are_exactly_the_failures(generator: Any, run: Any, tmp_path: Path) -> None:
    repo = tmp_path / "repo"
    manifest = generator.generate(60, repo, seed=3, broken=len(generator.BROKEN_KINDS))
    broken: dict[str, str] = manifest["broken"]
    assert sorted(broken.values()) == sorted(generator.BROKEN_KINDS)
    intended_errors = {i["path"] for i in manifest["intended"] if i["severity"] == "error"}

    code, problems = _validate(run, repo, tmp_path / "problems.json")

    assert code == 1
    failing = {p["path"] for p in problems if p["severity"] == "error"}
    assert failing == set(broken) | intended_errors
    for path, kind in broken.items():
        codes = [p["code"] for p in problems if p["path"] == path and p["severity"] == "error"]
        assert codes == [kind], (path, codes)


def test_generation_is_deterministic(generator: Any, tmp_path: Path) -> None:
    a = generator.generate(40, tmp_path / "a", seed=7, broken=2)
    b = generator.generate(40, tmp_path / "b", seed=7, broken=2)
    assert a == b
    files_a = sorted(p.relative_to(tmp_path / "a") for p in (tmp_path / "a").rglob("*") if p.is_file())
    files_b = sorted(p.relative_to(tmp_path / "b") for p in (tmp_path / "b").rglob("*") if p.is_file())
    assert files_a == files_b
    for rel in files_a:
        assert (tmp_path / "a" / rel).read_bytes() == (tmp_path / "b" / rel).read_bytes(), rel


def test_paid_roles_change_by_term_and_pay_in_parts(generator: Any, run: Any, tmp_path: Path) -> None:
    # The statewide benchmark must exercise SPEC 9: from 2024-25 every paid catalog role pays in parts with funds,
    # and the 2026-27 raise has `holders: keep`, so assignments begun before it are paid the 2024-25 parts.
    # Catalog roles that pay in parts of their own (the iowa-tlc roles) are copied as they are and get no
    # generated versions, so their rows are left out here.
    repo = tmp_path / "repo"
    generator.generate(200, repo, seed=2, holders=0.4)
    own_parts = {r.id for r in generator.load_catalog(generator.find_catalog(None)) if b"\n  parts:" in r.text}

    def rows(term: str) -> list[dict[str, Any]]:
        out = tmp_path / f"{term}.json"
        args = ["-q", "-C", repo, "stipends", "--as-of", AS_OF, "--term", term, "--output", out]
        code, _, stderr = run(args)
        assert code == 0, stderr
        found = json.loads(out.read_text(encoding="utf-8"))["rows"]
        return [r for r in found if r["part"] and r["role_id"] not in own_parts]

    paid = rows("2025-26")
    assert paid and {r["fund"] for r in paid} == {"general", "Title II-A"}
    assert {r["part"] for r in paid} >= {"stipend", "extra days", "per member"}
    assert all(r["basis"].endswith("(per Generated benchmark agreement 2024-25)") for r in paid)
    kept = rows("2026-27")
    assert kept and all(r["basis"].endswith("(per Generated benchmark agreement 2024-25)") for r in kept)


def test_credits_come_from_their_own_stream(generator: Any, run: Any, tmp_path: Path, monkeypatch: Any) -> None:
    """The holders' credits (SPEC 10.2) are added inside existing flow mappings from a random stream of their
    own: without them every file is byte for byte what the generator wrote before credits existed, and with
    them `tlt credits` has coursework rows and renewal rows."""
    import re

    with_credits = tmp_path / "with"
    generator.generate(60, with_credits, seed=2, holders=0.4)
    monkeypatch.setattr(generator, "with_credits", lambda text, rng: text)
    without = tmp_path / "without"
    generator.generate(60, without, seed=2, holders=0.4)
    added = re.compile(r", (credits: [0-9.]+|renewal: \{credits: [0-9]+\})(?=\}$)", re.MULTILINE)
    changed = 0
    for path in sorted((without / "teachers").rglob("*.yaml")):
        written = (with_credits / path.relative_to(without)).read_text(encoding="utf-8")
        assert added.sub("", written) == path.read_text(encoding="utf-8"), path.name
        changed += written != path.read_text(encoding="utf-8")
    assert changed > 0
    code, out, err = run(["-C", with_credits, "credits", "--format", "json", "--as-of", AS_OF])
    assert code == 0, err
    document = json.loads(out)
    assert {r["kind"] for r in document["credits"]} >= {"coursework"} and document["renewals"]


def test_activity_is_appended_from_a_stream_of_its_own(
    generator: Any, run: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """SPEC 10.1: holders of a role with `activity` log entries, which validate without an `activity-entry`
    error, and as of 2026-03-02 (the default term runs) miss nothing; without them every file is the same bytes
    up to the appended block, so the generator's other output is as it was before activity."""
    with_activity = generator.generate(300, tmp_path / "a", seed=1, holders=0.4)
    logged = [p for p in (tmp_path / "a" / "teachers").rglob("*.yaml") if "    activity:\n" in p.read_text("utf-8")]
    assert logged, "no holder logged activity"
    code, problems = _validate(run, tmp_path / "a", tmp_path / "problems.json")
    assert [p for p in problems if str(p["code"]).startswith("activity")] == []
    intended = {(i["path"], i["code"]) for i in with_activity["intended"] if i["severity"] == "error"}
    assert code == (1 if intended else 0)

    monkeypatch.setattr(generator, "activity_text", lambda rng, plans, width: "")
    generator.generate(300, tmp_path / "b", seed=1, holders=0.4)
    for path in (tmp_path / "a" / "teachers").rglob("*.yaml"):
        text = path.read_text("utf-8")
        plain = (tmp_path / "b" / path.relative_to(tmp_path / "a")).read_text("utf-8")
        assert text.split("    activity:\n")[0] == plain, path


def test_the_diff_rows_change_a_committed_copy_and_never_the_generated_repository(run, tmp_path, project_script):
    # benchmarks/run.py's diff rows (issue 18): each change shows in `tlt diff HEAD`, and is undone for the next
    generator = project_script("benchmarks/generate.py")
    bench = project_script("benchmarks/run.py")
    repo = tmp_path / "repo"
    generator.generate(150, repo, seed=2)
    before = {p: p.read_bytes() for p in repo.rglob("*") if p.is_file()}
    work = bench.diff_fixture(repo, 150, tmp_path / "scratch")
    args = ["-C", work, *bench.DIFF_ARGS]
    code, out, err = run(args)
    assert code == 0, err
    assert json.loads(out)["changes"] == [] and "stipends" not in json.loads(out)
    seen = {}
    for _name, kind in bench.DIFF_ROWS:
        bench.make_change(work, kind)
        code, out, err = run(args)
        assert code == 0, err
        seen[kind] = out
    assert len(set(seen.values())) == 3  # three different changes
    bench.make_change(work, "teacher")
    changed = subprocess.run(["git", "status", "--porcelain"], cwd=work, capture_output=True, text=True).stdout
    assert changed.count("\n") == 1 and "t-000123.yaml" in changed  # the earlier changes were undone
    assert {p: p.read_bytes() for p in repo.rglob("*") if p.is_file()} == before
