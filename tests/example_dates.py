"""The bundled examples' dates (examples/window.yaml), for the tests that ask the examples a dated question.

`tools/roll_examples.py` moves every date of the examples forward in the release process, so that they keep
validating whatever day a newcomer runs them. A test that asks an example something as of a fixed date names
the date as it was when the examples were built (the 2026-08-24 era) and passes it through `moved()` (and a
term id through `moved_term()`): after a roll it asks the same question of the moved data and gets the moved
answer, which the roll has written into the golden files. A plain module, like tests/rules/rulekit.py.
"""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path

import yaml

PROJECT = Path(__file__).resolve().parents[1]
WINDOW = yaml.safe_load((PROJECT / "examples" / "window.yaml").read_text(encoding="utf-8"))
REFERENCE: date = WINDOW["reference"]
VALID_UNTIL: date = WINDOW["valid_until"]
REPORT_TERM: str = str(WINDOW["report_term"])
REPORT_AS_OF: date = WINDOW["report_as_of"]


def moved(d: str | date) -> str:
    """An as-of date of the examples as built, moved as the examples have been since (YYYY-MM-DD): each move
    of the window's record in turn, by its days, or by calendar years when it names none."""
    day = d if isinstance(d, date) else date.fromisoformat(d)
    for move in WINDOW["moves"]:
        day = day + timedelta(days=move["days"]) if "days" in move else day.replace(year=day.year + move["years"])
    return day.isoformat()


def moved_day(d: str | date) -> date:
    return date.fromisoformat(moved(d))


def moved_term(term: str) -> str:
    """A school-year id of the examples as built (`2025-26`), moved by the years the examples have moved."""
    first = int(term[:4]) + sum(int(move["years"]) for move in WINDOW["moves"])
    return f"{first}-{(first + 1) % 100:02d}"
