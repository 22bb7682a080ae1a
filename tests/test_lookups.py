"""Lookups read what they need (issue 18, item 2): `check-eligibility --teacher X` models and judges X alone, and
a terminal's table (`--role R`) holds only the teachers it shows; every file is still read and checked (SPEC 4).
Counted through seams (`pipeline.build_teacher`: one call a teacher modelled), as tests/test_checks_scale.py
counts its checks, so that a lookup that silently goes back to modelling everyone fails here."""

from __future__ import annotations

import csv
import io
from datetime import date
from pathlib import Path
from typing import Any

import pytest

from tlt import eligibility, pipeline
from tlt.eligibility import Request, Selection

AS_OF = "2025-09-01"

COACH = """\
id: coach
title: Coach
category: coaching
eligibility:
  required:
    - degree: {min: bachelor}
"""


def _teachers() -> dict[str, str]:
    return {
        "t-able": "id: t-able\nname: Able Ames\nschool: North\ndegrees: [{level: master}]\n",
        "t-bell": "id: t-bell\nname: Bell Boyd\nschool: South\ndegrees: [{level: bachelor}]\n",
        "t-cruz": "id: t-cruz\nname: Cruz Cole\nschool: North\n",
        "t-dunn": "id: t-dunn\nname: Dunn Diaz\nschool: East\ndegrees: [{level: associate}]\n",
    }


def _count_calls(monkeypatch: pytest.MonkeyPatch, owner: Any, name: str) -> list[int]:
    count = [0]
    real = getattr(owner, name)

    def counting(*args: Any, **kwargs: Any) -> Any:
        count[0] += 1
        return real(*args, **kwargs)

    monkeypatch.setattr(owner, name, counting)
    return count


@pytest.fixture
def built(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """How many teachers were modelled (in this process: TLT_JOBS=1)."""
    monkeypatch.setenv("TLT_JOBS", "1")
    return _count_calls(monkeypatch, pipeline, "build_teacher")


def _lookup(run: Any, root: Path, *args: str) -> tuple[int, str, str]:
    return run(["-C", root, "check-eligibility", "--as-of", AS_OF, "--all", "-f", "csv", *args])  # type: ignore[no-any-return]


def test_a_teacher_lookup_models_that_teacher_alone(make_repo, run, built):
    root = make_repo(roles={"coach": COACH}, teachers=_teachers())
    code, out, err = _lookup(run, root, "--teacher", "t-cruz")
    assert code == 0, err
    # t-cruz records no degrees: the coach's one required rule is unknown, so needs_review, no preferred rules
    assert list(csv.reader(io.StringIO(out)))[1:] == [
        ["coach", "t-cruz", "Cruz Cole", "North", "needs_review", "0", "0", "degree: degrees not recorded"]
    ]
    assert built[0] == 1  # every file read and checked, only t-cruz modelled (was 4: every teacher)


def test_an_unknown_teacher_is_still_looked_up_among_every_teacher(make_repo, run, built):
    root = make_repo(roles={"coach": COACH}, teachers=_teachers())
    code, out, err = _lookup(run, root, "--teacher", "t-bel")
    assert code == 2 and out == ""
    # t-bell is not modelled, yet its id is known: the suggestion comes from every teacher whose file loaded
    assert "unknown teacher id 't-bel'" in err and "t-bell" in err
    assert built[0] == 0  # no teacher matches: none modelled (was 4)


def test_a_teacher_lookup_still_refuses_another_broken_file(make_repo, run, built):
    files = {**_teachers(), "t-dunn": "id: t-dunn\nname: [unclosed\n"}
    root = make_repo(roles={"coach": COACH}, teachers=files)
    code, out, err = _lookup(run, root, "--teacher", "t-able")
    assert code == 1 and out == ""
    assert "1 file has errors; run `tlt validate`" in err and "t-dunn.yaml" in err
    code, out, err = _lookup(run, root, "--teacher", "t-able", "--skip-invalid")
    assert code == 0, err
    assert "skipped teachers/t-dunn.yaml" in err
    assert [r[1] for r in csv.reader(io.StringIO(out))][1:] == ["t-able"]
    assert built[0] == 2  # t-able, once a run


def test_a_terminal_table_holds_only_the_teachers_it_shows(make_repo, monkeypatch):
    monkeypatch.setenv("TLT_JOBS", "1")
    root = make_repo(roles={"coach": COACH}, teachers=_teachers())
    request = Request("table", width=100)
    with eligibility.check_eligibility(root, lambda repo: Selection(date(2025, 9, 1), ["coach"]), request) as answer:
        text = io.StringIO()
        answer.write(text)
        # shown: t-able (master ≥ bachelor) and t-bell eligible, t-cruz needs review; t-dunn (associate) is not
        assert sorted(answer.repo.teachers) == ["t-able", "t-bell", "t-cruz"]  # was all four
    assert "1 role, 4 teachers" in text.getvalue()  # yet every teacher is counted
    assert "1 ineligible not listed" in text.getvalue()


def test_a_terminal_table_that_fits_is_counted_then_judged_once(tmp_path, make_repo, monkeypatch, built):
    # 30 roles × 400 teachers = 12,000 pairs > 10,000, so the shown pairs are counted first. No teacher holds a
    # bachelor's degree: none is shown, and after PROBE_FILES (200 here) files the rate (0 a file) says the table fits.
    monkeypatch.setattr(eligibility, "PROBE_FILES", 200, raising=False)
    roles = {f"r-{i:02d}": COACH.replace("id: coach", f"id: r-{i:02d}") for i in range(30)}
    teachers = {f"t-{i:04d}": f"id: t-{i:04d}\nname: T {i}\ndegrees: [{{level: associate}}]\n" for i in range(400)}
    root = make_repo(roles=roles, teachers=teachers)
    request = Request("table", width=100)
    with eligibility.check_eligibility(root, lambda repo: Selection(date(2025, 9, 1)), request) as answer:
        text = io.StringIO()
        answer.write(text)
    assert "30 roles, 400 teachers" in text.getvalue()
    assert built[0] == 200 + 400  # the first 200 files counted, then every file judged (was 400 + 400)


def test_a_table_found_too_long_after_every_file_is_refused_as_the_count_would_have_been():
    # what `shown_at_least` gives, counted 200 files at a time: 450 files showing 30 pairs each are 6,000 after
    # the first 200, 12,000 > 10,000 after 400, so (12,000, 400); a file not named shows none
    paths = [f"teachers/t-{i:03d}.yaml" for i in range(450)]
    assert eligibility.counted_in(paths, dict.fromkeys(paths, 30), 10_000) == (12_000, 400)
    # 10,000 is not too many: every file read, the sum shown
    fits = {path: 25 for path in paths[:400]}  # 400 × 25 = 10,000
    assert eligibility.counted_in(paths, fits, 10_000) == (10_000, 450)
