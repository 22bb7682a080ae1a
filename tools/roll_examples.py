"""Move the bundled examples forward in time, and prove that the move changed nothing but the dates.

The examples are built around one as-of date (examples/window.yaml: `reference`) and validate without errors
up to `valid_until`. Time passes and they go stale: a consultant's open-ended assignment runs into her term
limit, licenses expire. The release process (docs/releasing.md) moves them forward with this script:

    python tools/roll_examples.py            # about one year
    python tools/roll_examples.py --years 2
    python tools/roll_examples.py --check    # find the move and prove it, write nothing

Every ISO date (YYYY-MM-DD) and every school-year id (YYYY-YY whose second half is the next year) moves, in the
example repositories (not their roles/, which are copies of the role catalog and carry no dates), in
examples/README.md and examples/window.yaml, and in the tests that pin the examples' answers
(tests/examples_expected/, tests/golden/examples/, tests/golden/tables/). The window records each move; the
tests read it and move their own as-of dates the same way (tests/example_dates.py).

No single way of moving dates is exact for every rule. Calendar years keep month arithmetic (a 12-month
cooling-off) but lengthen or shorten every span that gains or loses a 29 February, and experience is counted in
days (one year on, 11.00 years became 10.99); whole weeks keep every span's days and each day's weekday but
not month arithmetic (a second 52-week move put a cooling-off's end a day off). So the script tries the moves of
`candidates()`, nearest first, and keeps the first that proves exact: it moves a copy and runs the commands
whose answers depend on dates on both, the original as of its dates and the copy as of the moved ones, and
each output of the copy must equal the original's with its dates moved. A multiple of 4 calendar years keeps
both kinds of arithmetic from 1901 to 2099, so some move is always found. Nothing is written before the proof.
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import sys
import tempfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path

import yaml

PROJECT = Path(__file__).resolve().parents[1]
WINDOW_FILE = Path("examples/window.yaml")

_DATE = re.compile(r"(?<![0-9])([0-9]{4})-([0-9]{2})-([0-9]{2})(?![0-9])")
# a school-year id: not part of a date (no `-` or digit on either side), second half the next year
_TERM = re.compile(r"(?<![0-9-])([0-9]{4})-([0-9]{2})(?![0-9-])")


class RollError(Exception):
    pass


@dataclass(frozen=True)
class Move:
    """School-year ids move by `years`; dates by `days` days, or by `years` calendar years when `days` is None."""

    years: int
    days: int | None = None

    def __str__(self) -> str:
        return f"{self.years} calendar years" if self.days is None else f"{self.days} days"

    def record(self) -> str:
        """As examples/window.yaml's `moves` lists it (a YAML flow mapping)."""
        return f"{{years: {self.years}}}" if self.days is None else f"{{years: {self.years}, days: {self.days}}}"

    def date(self, d: date) -> date:
        if self.days is not None:
            return d + timedelta(days=self.days)
        try:
            return d.replace(year=d.year + self.years)
        except ValueError:  # 29 February into a common year
            raise RollError(f"{d} has no counterpart {self.years} calendar years on") from None

    def text(self, text: str) -> str:
        """`text` with every ISO date and every school-year id moved."""

        def one_date(m: re.Match[str]) -> str:
            try:
                d = date(int(m[1]), int(m[2]), int(m[3]))
            except ValueError:
                return m[0]  # not a date (a license number, say): left as it is
            return self.date(d).isoformat()

        def one_term(m: re.Match[str]) -> str:
            first, second = int(m[1]), int(m[2])
            if (first + 1) % 100 != second:
                return m[0]
            return f"{first + self.years}-{(first + self.years + 1) % 100:02d}"

        return _TERM.sub(one_term, _DATE.sub(one_date, text))


def candidates(years: int) -> list[Move]:
    """The moves to try for `years` years, nearest first; the last, a multiple of 4 calendar years, is exact."""
    weeks = 52 * years + years // 7
    moves = [Move(years), *(Move(years, 7 * w) for w in (weeks, weeks + 1, weeks - 1)), Move(4 * -(-years // 4))]
    return list(dict.fromkeys(moves))


def moved_files(project: Path) -> Iterator[Path]:
    """The files whose dates move, relative to `project`."""
    yield Path("examples/README.md")
    yield WINDOW_FILE
    for repo in sorted(p.parent for p in (project / "examples").glob("*/tlt.yaml")):
        for path in sorted(repo.rglob("*")):
            rel = path.relative_to(project)
            if path.is_file() and rel.parts[2] != "roles":
                yield rel
    for folder in (
        "tests/examples_expected",
        "tests/golden/examples",
        "tests/golden/tables",
        "tests/golden/eligibility",
    ):
        for path in sorted((project / folder).rglob("*")):
            if path.is_file():
                yield path.relative_to(project)


def read_window(project: Path) -> dict[str, object]:
    window = yaml.safe_load((project / WINDOW_FILE).read_text(encoding="utf-8"))
    for key in ("moves", "reference", "valid_until", "report_term", "report_as_of"):
        if key not in window:
            raise RollError(f"examples/window.yaml lacks `{key}`")
    return window


def _commands(window: dict[str, object]) -> list[tuple[str, list[str]]]:
    """Every command whose answer depends on the dates, with the window's dates (as text, to be moved)."""
    ref, until = str(window["reference"]), str(window["valid_until"])
    term, term_day = str(window["report_term"]), str(window["report_as_of"])
    out: list[tuple[str, list[str]]] = []
    for d in (ref, until):
        out += [
            (f"validate as of {d}", ["validate", "--format", "json", "--as-of", d]),
            (
                f"check-eligibility as of {d}",
                ["check-eligibility", "--all", "--explain", "--format", "json", "--as-of", d],
            ),
            (f"expiring as of {d}", ["expiring", "--format", "json", "--as-of", d]),
            (f"credits as of {d}", ["credits", "--format", "json", "--as-of", d]),  # SPEC 10.2: terms' days
        ]
    for name in ("report", "caseload", "stipends"):
        out.append((f"{name} {term}", [name, "--term", term, "--as-of", term_day, "--format", "json"]))
    return out


def _tlt() -> Callable[[list[str]], tuple[int, str]]:
    from typer.testing import CliRunner

    from tlt.cli import app

    runner = CliRunner()
    env = {"NO_COLOR": "1", "COLUMNS": "120", "TERMINAL_WIDTH": "120"}

    def run(args: list[str]) -> tuple[int, str]:
        result = runner.invoke(app, args, env=env)
        return result.exit_code, result.stdout

    return run


def prove(project: Path, moved: Path, move: Move) -> list[str]:
    """Differences between each example's answers and its moved copy's (none when the move is exact)."""
    window = read_window(project)
    run = _tlt()
    differences = []
    for config in sorted((project / "examples").glob("*/tlt.yaml")):
        name = config.parent.name
        for what, args in _commands(window):
            old_code, old = run(["-C", str(project / "examples" / name), *args])
            new_code, new = run(["-C", str(moved / "examples" / name), *[move.text(a) for a in args]])
            expected = move.text(old)
            if (old_code, expected) != (new_code, new):
                first = next(
                    (
                        f"expected {a.strip()!r}, got {b.strip()!r}"
                        for a, b in zip(expected.splitlines(), new.splitlines(), strict=False)
                        if a != b
                    ),
                    f"exit {old_code} before, {new_code} after",
                )
                differences.append(f"examples/{name}: {what} answers differently after the move: {first}")
    return differences


def _write(path: Path, text: str) -> None:
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.")
    with os.fdopen(fd, "w", encoding="utf-8", newline="") as handle:
        handle.write(text)
    os.replace(tmp, path)


def write_moved_copy(project: Path, move: Move, dest: Path, shifted: dict[Path, str] | None = None) -> None:
    """The examples, moved, under `dest/examples` (the project's own files untouched)."""
    shutil.copytree(project / "examples", dest / "examples")
    for rel in moved_files(project):
        if rel.parts[0] == "examples":
            text = shifted[rel] if shifted else move.text((project / rel).read_text(encoding="utf-8"))
            (dest / rel).write_text(text, encoding="utf-8", newline="")


def _moved_texts(project: Path, move: Move) -> tuple[dict[Path, str], dict[Path, str]]:
    """(each file's text now, moved), the window with this move added to its record."""
    texts = {rel: (project / rel).read_text(encoding="utf-8") for rel in moved_files(project)}
    shifted = {rel: move.text(text) for rel, text in texts.items()}
    made = [Move(**m).record() for m in read_window(project)["moves"]] + [move.record()]  # type: ignore[attr-defined]
    shifted[WINDOW_FILE], count = re.subn(r"(?m)^moves: *\[.*\]", f"moves: [{', '.join(made)}]", shifted[WINDOW_FILE])
    if count != 1:
        raise RollError("examples/window.yaml must keep `moves: [...]` on one line")
    return texts, shifted


def roll(project: Path, years: int, write: bool) -> tuple[Move | None, list[str]]:
    """Move the examples about `years` years by the nearest exact move (`candidates`); write only then.
    Returns the move (None when no move is exact) and, when none is, the differences of the nearest."""
    if years <= 0:
        raise RollError("--years must be 1 or more: the examples only move forward")
    nearest: list[str] = []
    for move in candidates(years):
        try:
            texts, shifted = _moved_texts(project, move)
        except RollError as exc:  # a 29 February in the data, moved by calendar years
            nearest = nearest or [str(exc)]
            continue
        with tempfile.TemporaryDirectory(prefix="tlt-roll-") as tmp:
            write_moved_copy(project, move, Path(tmp), shifted)
            differences = prove(project, Path(tmp), move)
        if differences:
            nearest = nearest or [f"moved by {move}: {d}" for d in differences]
            continue
        if write:
            for rel, text in shifted.items():
                if text != texts[rel]:
                    _write(project / rel, text)
        return move, []
    return None, nearest


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--years", type=int, default=1, help="about how many years to move forward (default 1)")
    parser.add_argument("--check", action="store_true", help="find the move and prove it; write nothing")
    args = parser.parse_args(argv)
    try:
        move, differences = roll(PROJECT, args.years, write=not args.check)
    except RollError as exc:
        print(f"roll_examples: {exc}", file=sys.stderr)
        return 2
    if move is None:
        print("roll_examples: no move is exact, nothing was written; the nearest one differs:", file=sys.stderr)
        for line in differences:
            print(f"  {line}", file=sys.stderr)
        return 1
    done = "would move" if args.check else "moved"
    print(f"roll_examples: {done} the examples by {move} (school years by {move.years}); every answer agrees")
    return 0


if __name__ == "__main__":
    sys.exit(main())
