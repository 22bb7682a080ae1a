"""The examples keep validating whatever day they are run (issue: nothing depends on today's date by accident).

examples/window.yaml says up to which as-of date the examples validate without errors; the release process
moves them forward with tools/roll_examples.py, which proves each move exact. This file checks that the window
is true, that a move is exact today, and, the one test in the suite that reads the real clock, that the window
still has months to run.
"""

from __future__ import annotations

import re
import shutil
from datetime import date, timedelta
from pathlib import Path

import pytest

from example_dates import PROJECT, REFERENCE, VALID_UNTIL
from tlt.checks import validate_repository
from tlt.policy import POLICY_CHECKS

EXAMPLES = sorted(p.parent.name for p in (PROJECT / "examples").glob("*/tlt.yaml"))
#: The examples must validate for at least this long after any day the suite runs: long enough to notice and
#: roll them forward in the next release, long before a newcomer's first command shows errors.
MARGIN = timedelta(days=180)
_DATE = re.compile(rb"(?<![0-9])[0-9]{4}-[0-9]{2}-[0-9]{2}(?![0-9])")


@pytest.fixture(scope="module")
def roll(project_script):  # type: ignore[no-untyped-def]
    return project_script("tools/roll_examples.py")


def test_the_examples_do_not_go_stale_within_the_margin() -> None:
    # The real clock, on purpose: this test exists to fail months before the examples would, not on the day.
    today = date.today()
    assert today + MARGIN <= VALID_UNTIL, (
        f"the examples stop validating after {VALID_UNTIL} ({(VALID_UNTIL - today).days} days from today, "
        f"less than {MARGIN.days}): move them forward with `python tools/roll_examples.py` (docs/releasing.md)"
    )


def _dates_in(root: Path) -> set[date]:
    found = set()
    for path in root.rglob("*.yaml"):
        for raw in _DATE.findall(path.read_bytes()):
            try:
                found.add(date.fromisoformat(raw.decode()))
            except ValueError:
                continue
    return found


@pytest.mark.parametrize("example", EXAMPLES)
def test_each_example_validates_on_every_day_of_its_window(example: str) -> None:
    """An answer can only change on a date the data names or the day after it: checking those days (and the
    window's ends) checks every day from the example's first date to `valid_until`."""
    root = PROJECT / "examples" / example
    named = _dates_in(root)
    first = min(named)
    days = {first, REFERENCE, VALID_UNTIL} | {
        d + step for d in named for step in (timedelta(0), timedelta(days=1)) if first <= d + step <= VALID_UNTIL
    }
    failing = {}
    for d in sorted(days):
        errors = [f"{p.path}:{p.line}: {p.code}" for p in validate_repository(root, d, POLICY_CHECKS)[1] if p.is_error]
        if errors:
            failing[d] = errors
    assert failing == {}, f"{len(days)} days checked from {first}"


def test_the_window_ends_where_the_first_error_appears() -> None:
    """`valid_until` is the last good day, not a guess: on the day after it some example has an error."""
    day_after = VALID_UNTIL + timedelta(days=1)
    errors = [
        p
        for example in EXAMPLES
        for p in validate_repository(PROJECT / "examples" / example, day_after, POLICY_CHECKS)[1]
        if p.is_error
    ]
    assert errors, f"no example has an error on {day_after}: set valid_until later in examples/window.yaml"


def test_the_examples_can_move_a_year_on_with_no_answer_changed(roll) -> None:
    """What the release process will do, proven on a copy: a move of about a year exists that every dated
    answer follows exactly (written nowhere)."""
    move, differences = roll.roll(PROJECT, 1, write=False)
    assert differences == []
    assert move is not None and move.years == 1 and move.days in (357, 364, 371)


def test_a_move_that_is_not_exact_is_refused(tmp_path: Path, roll) -> None:
    """The proof can fail: a copy whose move went wrong in one place (a license a day longer) is caught."""
    project = tmp_path / "project"
    shutil.copytree(PROJECT / "examples", project / "examples")
    for folder in ("tests/examples_expected", "tests/golden/examples"):
        shutil.copytree(PROJECT / folder, project / folder)
    before = {p: p.read_bytes() for p in project.rglob("*") if p.is_file()}
    move = roll.Move(1, 364)
    moved = tmp_path / "moved"
    roll.write_moved_copy(project, move, moved)
    teacher = moved / "examples" / "jps" / "teachers" / "t-0005.yaml"
    text = teacher.read_text(encoding="utf-8")
    expires = sorted(set(re.findall(r"expires: ([0-9-]{10})", text)))
    assert expires
    later = (date.fromisoformat(expires[0]) + timedelta(days=1)).isoformat()
    teacher.write_text(text.replace(f"expires: {expires[0]}", f"expires: {later}"), encoding="utf-8")
    differences = roll.prove(project, moved, move)
    assert differences and all("examples/jps:" in d and "answers differently after the move" in d for d in differences)
    assert {p: p.read_bytes() for p in project.rglob("*") if p.is_file()} == before


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("start: 2025-08-25, end: 2026-06-12", "start: 2026-08-24, end: 2027-06-11"),
        ("{id: 2025-26, start: 2025-08-25}", "{id: 2026-27, start: 2025-08-25}".replace("2025-08-25", "2026-08-24")),
        ("term 2099-00 and 1999-00", "term 2100-01 and 2000-01"),
        ("SY23-24, 2021-2024, 2021-23, MA-0001-22", "SY23-24, 2021-2024, 2021-23, MA-0001-22"),
        ("2026-02-30 is no date; 2024-02-29 is", "2026-02-30 is no date; 2025-02-27 is"),
    ],
)
def test_shift_text_moves_dates_by_whole_weeks_and_terms_by_years(text: str, expected: str, roll) -> None:
    assert roll.Move(1, 364).text(text) == expected


def test_the_moves_tried_end_with_one_that_keeps_every_kind_of_arithmetic(roll) -> None:
    assert roll.candidates(1) == [roll.Move(1), roll.Move(1, 364), roll.Move(1, 371), roll.Move(1, 357), roll.Move(4)]
    assert roll.candidates(6)[-1] == roll.Move(8)


def test_calendar_years_refuse_a_29_february_they_cannot_move(roll) -> None:
    with pytest.raises(roll.RollError, match="2024-02-29 has no counterpart"):
        roll.Move(1).text("expires: 2024-02-29")
    assert roll.Move(4).text("expires: 2024-02-29") == "expires: 2028-02-29"
