"""Schema problems of hostile files cost what the file is worth (issue 12, item 3).

A file under 1 MiB can break the schema 350,000 times. Listing every problem took 16 s and 1.7 GB for 160,000
`{}` caseload members; now a file lists at most `MAX_SCHEMA_PROBLEMS` and one more says how many follow (counted
up to `COUNTED_BEYOND`). jsonschema's `uniqueItems` compared every item with every earlier one when the items
could not be sorted (text and numbers mixed, mappings): minutes for one list; now it keys them.

The tests count the work through seams (errors drawn from the validator, `equal` calls), not the clock.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import jsonschema._utils
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tlt.schema import validate as schema_validate

ROOT = Path(__file__).resolve().parent.parent
AS_OF = "2026-03-02"


@pytest.fixture(scope="module")
def hostile(project_script: Any) -> Any:
    return project_script("benchmarks/hostile.py")


@pytest.fixture
def drawn(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """Counts the errors drawn from the reference validator, whichever schema."""
    count = [0]
    real = schema_validate._validator

    class Counting:
        def __init__(self, inner: Any) -> None:
            self.inner = inner

        def iter_errors(self, instance: Any) -> Any:
            for err in self.inner.iter_errors(instance):
                count[0] += 1
                yield err

    monkeypatch.setattr(schema_validate, "_validator", lambda name: Counting(real(name)))
    return count


def _problems(run: Any, root: Path, tmp_path: Path) -> list[dict[str, Any]]:
    out = tmp_path / "problems.json"
    code, _, err = run(["-q", "-C", root, "validate", "--format", "json", "--as-of", AS_OF, "-o", out])
    assert code == 1, err
    return json.loads(out.read_text())["problems"]  # type: ignore[no-any-return]


def test_a_file_lists_at_most_the_cap_and_counts_only_a_bounded_rest(hostile, run, tmp_path, drawn, monkeypatch):
    monkeypatch.setenv("TLT_JOBS", "1")  # the seam is in this process
    root = hostile.write("empty-members", tmp_path / "repo", 5000)
    problems = _problems(run, root, tmp_path)
    assert len(problems) == schema_validate.MAX_SCHEMA_PROBLEMS + 1
    assert {p["code"] for p in problems} == {"schema"}
    last = problems[-1]
    assert last["message"] == (
        "and more than 1,000 more schema problems from here on in this file (only the first 100 of a file are "
        "listed); fix these and run `tlt validate` again"
    )
    assert (last["line"], last["column"]) == (6, 316)  # the 101st member: where the next fix is
    # 5,000 members break the schema; the listed ones and the bounded count are all that is drawn
    assert drawn[0] <= schema_validate.MAX_SCHEMA_PROBLEMS + schema_validate.COUNTED_BEYOND + 2


def test_the_count_of_the_rest_is_exact_below_the_bound(hostile, run, tmp_path):
    root = hostile.write("empty-members", tmp_path / "repo", 149)  # 150 members: the list ends with one more
    problems = _problems(run, root, tmp_path)
    assert len(problems) == 101
    assert problems[-1]["message"].startswith("and 50 more schema problems from here on in this file")
    root = hostile.write("empty-members", tmp_path / "one", 100)  # 101 members
    assert _problems(run, root, tmp_path)[-1]["message"].startswith("and 1 more schema problem from here on")


def test_exactly_the_cap_lists_them_all(hostile, run, tmp_path):
    root = hostile.write("empty-members", tmp_path / "repo", 99)  # 100 members
    problems = _problems(run, root, tmp_path)
    assert len(problems) == 100
    assert not any(p["message"].startswith("and ") for p in problems)


def test_unknown_keys_are_counted_one_each(make_repo, run, tmp_path):
    keys = "".join(f"k{i}: 1\n" for i in range(130))
    root = make_repo(teachers={"t-1": f"id: t-1\nname: A\n{keys}"})
    problems = _problems(run, root, tmp_path)
    assert len(problems) == 101
    assert problems[-1]["message"].startswith("and 30 more schema problems from here on")
    assert problems[-1]["line"] == 103  # the 101st unknown key


def test_unique_items_is_linear_on_items_that_cannot_be_sorted(hostile, run, tmp_path, monkeypatch):
    calls = [0]
    real = jsonschema._utils.equal

    def counting(one: Any, two: Any) -> bool:
        calls[0] += 1
        return real(one, two)  # type: ignore[no-any-return]

    monkeypatch.setattr(jsonschema._utils, "equal", counting)
    monkeypatch.setenv("TLT_JOBS", "1")
    root = hostile.write("mixed-memberships", tmp_path / "repo", 3000)  # 4,500 different items, text and numbers
    problems = _problems(run, root, tmp_path)
    assert not any("more than once" in p["message"] for p in problems)
    assert calls[0] < 100  # every item against every earlier one was 10 million


def test_a_repeated_item_among_unsortable_ones_is_found(make_repo, run, tmp_path):
    root = make_repo(
        teachers={"t-1": "id: t-1\nname: A\nexperience:\n  - {employer: X, years: 1, tags: [{a: 1}, b, {a: 1.0}]}\n"}
    )
    messages = [p["message"] for p in _problems(run, root, tmp_path)]
    assert "experience[0].tags lists an item more than once" in messages


json_values = st.recursive(
    st.none() | st.booleans() | st.integers(-3, 3) | st.sampled_from([0.0, 1.0, 2.5, -1.0]) | st.sampled_from("ab"),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.sampled_from("xy"), inner, max_size=2),
    max_leaves=6,
)


@settings(max_examples=500, deadline=None)
@given(json_values, json_values)
def test_items_are_the_same_exactly_when_jsonschema_calls_them_equal(one, two):
    assert (schema_validate._same_as(one) == schema_validate._same_as(two)) == jsonschema._utils.equal(one, two)
