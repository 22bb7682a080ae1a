"""The scale layer is a runner the pipeline never sees (`pipeline.RUNNER`, put there by `tlt.scale.install`): the
CLI runs on it, it really spreads batches over processes, reads ahead and pauses the garbage collector, and what
it gives is what the plain runner (one batch, this process) gives, the facts that cross batches included."""

from __future__ import annotations

import gc
import os
from datetime import date
from pathlib import Path
from typing import Any

import pytest

from tlt import pipeline
from tlt.checks import validate_repository
from tlt.pipeline import Runner, load_holders, load_repository
from tlt.policy import POLICY_CHECKS
from tlt.scale import read_ahead
from tlt.scale.runner import ScaledRunner

AS_OF = date(2026, 3, 2)
SCALED = {"TLT_JOBS": "2", "TLT_FORK_MIN_FILES": "1", "TLT_BATCH": "7"}

MENTOR = """\
id: zz-mentor
title: Mentor
category: mentoring
eligibility:
  required:
    - status: {in: [permanent, probationary]}
caseload: {max: 3}
staffing: {max_percent: 0.5}
compensation:
  stipend: {amount: 1000.00}
"""


def _holder(tid: str, members: list[str]) -> str:
    caseload = "".join(f"\n      - {{teacher: {m}}}" for m in members)
    return (
        f"id: {tid}\nname: Holder {tid}\nstatus: permanent\nbase_salary: 60000\n"
        f"assignments:\n  - role: zz-mentor\n    start: 2025-08-25\n    caseload:{caseload}\n"
    )


@pytest.fixture(scope="module")
def generated(project_script: Any, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A generated repository of 300 teachers with 14 broken files, and a role whose caseloads and staffing
    cross batches: the first teacher's caseload names the last teacher and one who exists nowhere."""
    root = tmp_path_factory.mktemp("runners") / "repo"
    project_script("benchmarks/generate.py").generate(300, root, seed=3, broken=14)
    (root / "roles" / "zz-mentor.yaml").write_text(MENTOR)
    first = root / "teachers" / "a-first.yaml"
    first.write_text(_holder("a-first", ["zz-last", "zz-nobody"]))
    (root / "teachers" / "zz-last.yaml").write_text(_holder("zz-last", ["a-first"]))
    return root


def _recorder(log: Path) -> Any:
    """A check of one teacher at a time that finds nothing and writes down where and how it ran."""

    def record(repo: Any, as_of: date) -> Any:
        with open(log, "a", encoding="utf-8") as out:
            out.write(f"{os.getpid()} {int(gc.isenabled())} {len(repo.teachers)}\n")
        return iter(())

    return record


def _runs(log: Path) -> list[tuple[str, str, str]]:
    return [tuple(line.split()) for line in log.read_text().splitlines()]  # type: ignore[misc]


def _on(monkeypatch: pytest.MonkeyPatch, runner: Runner, env: dict[str, str]) -> None:
    monkeypatch.setattr(pipeline, "RUNNER", runner)
    for key in ("TLT_JOBS", "TLT_FORK_MIN_FILES", "TLT_BATCH", "TLT_REFERENCE_ONLY"):
        monkeypatch.delenv(key, raising=False)
    for key, value in env.items():
        monkeypatch.setenv(key, value)


def test_the_plain_and_the_scaled_runner_find_the_same_problems(generated, monkeypatch, tmp_path):
    answers = {}
    for name, runner, env in (("plain", Runner(), {}), ("scaled", ScaledRunner(), SCALED)):
        _on(monkeypatch, runner, env)
        log = tmp_path / f"{name}.log"
        log.touch()
        answers[name] = validate_repository(generated, AS_OF, (*POLICY_CHECKS, _recorder(log)))[1]
        runs = _runs(log)
        if name == "plain":
            assert len(runs) == 1 and runs[0][0] == str(os.getpid())  # one batch, here
        else:
            assert len({pid for pid, _, _ in runs}) == 2 and len(runs) > 10  # batches on two processes
            assert {paused for _, paused, _ in runs} == {"0"}  # the garbage collector paused meanwhile
    plain = answers["plain"]
    assert answers["scaled"] == plain
    codes = {p.code for p in plain}
    for code in ("unknown-teacher", "staffing", "yaml-syntax", "duplicate-key", "schema", "date-order"):
        assert code in codes, code
    unknown = [p.message for p in plain if p.code == "unknown-teacher"]
    assert len(unknown) == 1 and "'zz-nobody'" in unknown[0]  # zz-last, in the last batch, exists
    staffing = [p.message for p in plain if p.code == "staffing"]
    # every valid teacher file counts (302 files, 8 that fail to load)
    assert staffing == ["2 of 294 teachers (0.7%) hold zz-mentor in 2025-26; the role wants at most 0.5%"]


def test_the_plain_and_the_scaled_runner_load_the_same_teachers(generated, monkeypatch):
    loaded = {}
    for name, runner, env in (("plain", Runner(), {}), ("scaled", ScaledRunner(), SCALED)):
        _on(monkeypatch, runner, env)
        whole, holders = load_repository(generated), load_holders(generated)
        loaded[name] = (whole.teachers, sorted(whole.problems), holders.teachers, sorted(holders.problems))
    assert loaded["scaled"] == loaded["plain"]
    whole_teachers, _, holding, _ = loaded["plain"]
    assert {"a-first", "zz-last"} <= set(holding) and len(holding) < len(whole_teachers)


def test_the_scaled_runner_reads_the_working_tree_ahead(generated, monkeypatch):
    opened: list[str] = []
    real = read_ahead.open_ahead

    def counting(file: str) -> int | None:
        opened.append(file)
        return real(file)

    monkeypatch.setattr(read_ahead, "open_ahead", counting)
    _on(monkeypatch, ScaledRunner(), {"TLT_JOBS": "1"})
    repo = load_repository(generated)
    assert sorted(opened) == sorted(str(generated / path) for path in (*repo.role_files, *repo.teacher_files))
    opened.clear()
    _on(monkeypatch, Runner(), {"TLT_JOBS": "1"})
    assert load_repository(generated).teachers == repo.teachers
    assert opened == []  # the plain runner reads plainly


def test_the_cli_runs_on_the_scaled_runner(generated, monkeypatch, run, tmp_path):
    _on(monkeypatch, Runner(), SCALED)  # as before any command: the CLI must put the scaled runner in itself
    log = tmp_path / "cli.log"
    log.touch()
    monkeypatch.setattr("tlt.cli.validate.POLICY_CHECKS", (*POLICY_CHECKS, _recorder(log)))
    code, out, _ = run(["-q", "-C", generated, "validate", "-f", "json", "--as-of", AS_OF.isoformat()])
    assert code == 1 and "unknown-teacher" in out
    runs = _runs(log)
    assert len({pid for pid, _, _ in runs}) == 2 and len(runs) > 10
    assert isinstance(pipeline.RUNNER, ScaledRunner)
