"""Loading in batches on several processes gives what one process gives, including the facts that cross
batches: a caseload naming a teacher in another batch or in none, a duplicate id, staffing shares, a broken file.
Each command runs once in one process and once on three processes taking batches of two teachers."""

from __future__ import annotations

import pytest

from tlt.scale.batches import split_batches

AS_OF = "2025-09-15"

SCALED = {"TLT_JOBS": "3", "TLT_FORK_MIN_FILES": "2", "TLT_BATCH": "2"}
ALONE = {"TLT_JOBS": "1"}

MENTOR = """\
id: mentor
title: Mentor
category: mentoring
eligibility:
  required:
    - status: {in: [permanent]}
caseload: {max: 2}
staffing: {max_percent: 5}
compensation:
  stipend: {amount: 1000.00}
"""


def _teacher(tid: str, extra: str = "") -> str:
    return f"id: {tid}\nname: Teacher {tid}\nstatus: permanent\nbase_salary: 60000\n{extra}"


def _holder(tid: str, members: list[str]) -> str:
    caseload = "".join(f"\n      - {{teacher: {m}}}" for m in members)
    return _teacher(tid, f"assignments:\n  - role: mentor\n    start: 2025-08-25\n    caseload:{caseload}\n")


@pytest.fixture
def repo(make_repo):
    teachers = {f"t-{i:02d}": _teacher(f"t-{i:02d}") for i in range(1, 13)}
    teachers["t-01"] = _holder("t-01", ["t-12", "t-99"])  # t-12 sits in the last share; t-99 exists nowhere
    teachers["t-07"] = _holder("t-07", ["t-02", "t-03", "t-04"])  # over the cap
    teachers["a/t-05.yaml"] = _teacher("t-05")  # the same id in two folders
    teachers["t-09"] = "id: t-09\nname: [unclosed\n"
    return make_repo(roles={"mentor": MENTOR}, teachers=teachers)


@pytest.mark.parametrize(
    "args",
    [
        ["validate", "--format", "json", "--as-of", AS_OF],
        ["check-eligibility", "--all", "--format", "csv", "--as-of", AS_OF, "--skip-invalid"],
        ["check-eligibility", "--format", "json", "--explain", "--as-of", AS_OF, "--skip-invalid"],
        ["stipends", "--format", "json", "--as-of", AS_OF, "--skip-invalid"],
        ["report", "--format", "csv", "--as-of", AS_OF, "--skip-invalid"],
        ["caseload", "--format", "csv", "--as-of", AS_OF, "--skip-invalid"],
        ["expiring", "--format", "csv", "--as-of", AS_OF, "--skip-invalid"],
        ["stipends", "--format", "csv", "--as-of", AS_OF],  # refuses: a file fails to load
    ],
)
def test_processes_and_batches_answer_as_one_process(repo, run, monkeypatch, args):
    answers = []
    for env in (ALONE, SCALED):
        for key in ("TLT_JOBS", "TLT_FORK_MIN_FILES", "TLT_BATCH"):
            monkeypatch.delenv(key, raising=False)
        for key, value in env.items():
            monkeypatch.setenv(key, value)
        answers.append(run(["-C", repo, *args]))
    assert answers[0] == answers[1]
    if args[0] == "validate":
        out = answers[0][1]
        for expected in ("unknown-teacher", "t-99", "duplicate-id", "caseload-cap", "staffing", "yaml-syntax"):
            assert expected in out
        assert "t-12" not in out  # a member in another share exists


def test_split_batches_keeps_equal_names_together_and_in_name_order():
    paths = ["teachers/b/t-3.yaml", "teachers/a/t-1.yaml", "teachers/t-2.yaml", "teachers/a/t-2.yaml"]
    batches = split_batches(paths, 3)
    assert [p for batch in batches for p in batch] == [
        "teachers/a/t-1.yaml", "teachers/t-2.yaml", "teachers/a/t-2.yaml", "teachers/b/t-3.yaml",
    ]  # fmt: skip
    assert all(
        not {"teachers/t-2.yaml", "teachers/a/t-2.yaml"} - set(batch)
        for batch in batches
        if "teachers/t-2.yaml" in batch
    )


def test_the_last_batches_are_cut_finer_in_the_same_order():
    paths = [f"teachers/t-{i:03d}.yaml" for i in range(100)] + ["teachers/a/t-098.yaml"]
    batches = split_batches(paths, 5, last=2, finer=4)
    assert [p for batch in batches for p in batch] == split_batches(paths, 1)[0]
    assert [len(b) for b in batches[:3]] == [21, 21, 21]
    assert all(len(b) <= 6 for b in batches[3:]) and len(batches) > 5
    assert any({"teachers/t-098.yaml", "teachers/a/t-098.yaml"} <= set(b) for b in batches)
    assert split_batches(paths, 5, last=2, finer=1) == split_batches(paths, 5)


def test_a_failing_share_is_reported_in_one_line():
    from tlt.scale.workers import map_processes

    def run(index):
        if index == 1:
            raise ValueError("boom")
        return index

    with pytest.raises(RuntimeError, match="a worker process failed: ValueError: boom"):
        map_processes(run, 2)


def test_a_failing_first_share_stops_the_others_at_once():
    import time

    from tlt.scale.workers import map_processes

    def run(index):
        if index == 0:
            raise KeyError("first")
        time.sleep(60)  # a child still at work: it must be stopped, not waited for
        return index

    start = time.monotonic()
    with pytest.raises(KeyError):
        map_processes(run, 3)
    assert time.monotonic() - start < 20


def test_map_queued_answers_in_batch_order_whoever_takes_them():
    from tlt.scale.workers import map_queued

    assert map_queued(lambda k: k * k, 50, 3) == [k * k for k in range(50)]
    assert map_queued(lambda k: k, 1, 3) == [0]


@pytest.mark.parametrize("extra", [[], ["--role", "no-such-role"]])
def test_eligibility_leaves_no_temporary_files(repo, run, monkeypatch, tmp_path, extra):
    import tempfile

    scratch = tmp_path / "scratch"
    scratch.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(scratch))
    for key, value in SCALED.items():
        monkeypatch.setenv(key, value)
    code, out, _ = run(
        ["-C", repo, "check-eligibility", "--all", "-f", "csv", "--as-of", AS_OF, "--skip-invalid", *extra]
    )
    assert code == (2 if extra else 0)
    assert list(scratch.iterdir()) == []


def test_the_fork_threshold_is_read_under_its_old_name_too(monkeypatch):
    from tlt.scale.workers import process_count

    monkeypatch.setenv("TLT_JOBS", "2")
    assert process_count(10) == 1  # below the default 4,000 files
    monkeypatch.setenv("TLT_SHARE_MIN_FILES", "5")
    assert process_count(10) == 2
    monkeypatch.setenv("TLT_FORK_MIN_FILES", "50")
    assert process_count(10) == 1  # the new name wins
