"""The checks of `tlt validate` cost what their input is worth (issue 12, item 3), counted through seams rather
than timed: a quadratic check run on a file under 1 MiB took tens of seconds to minutes.

Hostile repositories come from benchmarks/hostile.py.
"""

from __future__ import annotations

import json
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tlt import suggest
from tlt.loading.sources import FileSource

ROOT = Path(__file__).resolve().parent.parent
AS_OF = "2026-03-02"


@pytest.fixture(scope="module")
def hostile(project_script: Any) -> Any:
    return project_script("benchmarks/hostile.py")


def _problems(run: Any, root: Path, tmp_path: Path, *args: str) -> list[dict[str, Any]]:
    out = tmp_path / "problems.json"
    code, _, err = run(["-q", "-C", root, "validate", "--format", "json", "--as-of", AS_OF, "-o", out, *args])
    assert code in (0, 1), err
    return json.loads(out.read_text())["problems"]  # type: ignore[no-any-return]


def _count_calls(monkeypatch: pytest.MonkeyPatch, owner: Any, name: str) -> list[int]:
    count = [0]
    real = getattr(owner, name)

    def counting(*args: Any, **kwargs: Any) -> Any:
        count[0] += 1
        return real(*args, **kwargs)

    monkeypatch.setattr(owner, name, counting)
    return count


# --- unknown caseload members -------------------------------------------------------------------------------------


def test_unknown_members_read_their_file_once(hostile, run, tmp_path, monkeypatch):
    monkeypatch.setenv("TLT_JOBS", "1")
    reads = _count_calls(monkeypatch, FileSource, "read")
    root = hostile.write("unknown-members", tmp_path / "repo", 4000)
    problems = _problems(run, root, tmp_path)
    assert sum(p["code"] == "unknown-teacher" for p in problems) == 4001
    assert reads[0] == 2  # the load, and one re-read to place the problems; was one per member too: 4,002


def test_a_file_gets_at_most_ten_suggestions(make_repo, run, tmp_path, monkeypatch):
    members = ", ".join(f"t-1{c}" for c in "abcdefghijklmnopqrstuvwxyz")
    root = make_repo(
        roles={"coach": "id: coach\ntitle: Coach\ncategory: coaching\n"},
        teachers={
            "t-1": "id: t-1\nname: A\n",
            "t-2": f"id: t-2\nname: B\nassignments:\n  - {{role: coach, start: 2024-09-01, caseload: [{members}]}}\n",
        },
    )
    asked = _count_calls(monkeypatch, suggest.Suggester, "_closest")
    problems = [p for p in _problems(run, root, tmp_path) if p["code"] == "unknown-teacher"]
    assert len(problems) == 26
    hinted = [p["message"] for p in problems if p["message"].endswith("(did you mean 't-1'?)")]
    assert len(hinted) == suggest.PER_FILE
    assert problems[0]["message"] == "caseload names teacher 't-1a', who has no teacher file (did you mean 't-1'?)"
    assert problems[-1]["message"] == "caseload names teacher 't-1z', who has no teacher file"
    assert asked[0] == suggest.PER_FILE


def test_among_many_teachers_a_suggestion_is_one_edit_away(make_repo, run, tmp_path):
    teachers = {f"t-{i:03d}": f"id: t-{i:03d}\nname: T\n" for i in range(1, suggest.SMALL + 20)}
    teachers["t-001"] += "assignments:\n  - {role: coach, start: 2024-09-01, caseload: [t-11x9, q-005, zz-999]}\n"
    root = make_repo(roles={"coach": "id: coach\ntitle: Coach\ncategory: coaching\n"}, teachers=teachers)
    messages = [p["message"] for p in _problems(run, root, tmp_path) if p["code"] == "unknown-teacher"]
    assert messages == [
        "caseload names teacher 't-11x9', who has no teacher file (did you mean 't-119'?)",
        "caseload names teacher 'q-005', who has no teacher file (did you mean 't-005'?)",
        "caseload names teacher 'zz-999', who has no teacher file",
    ]


class CountingSet(set):  # type: ignore[type-arg]
    lookups = 0

    def __contains__(self, item: object) -> bool:
        CountingSet.lookups += 1
        return super().__contains__(item)


def test_a_suggestion_costs_the_same_among_100_000_choices():
    choices = CountingSet(f"t-{i:06d}" for i in range(100_000))
    suggester = suggest.Suggester(choices)
    assert suggester("t-0012345") == "t-012345"
    long_word = "a" * 64
    CountingSet.lookups = 0
    assert suggester(long_word) is None
    assert CountingSet.lookups <= 77 * 64 + 38  # the edits of the word, never the choices


def _damerau_one(a: str, b: str) -> bool:
    """Whether b is one deletion, insertion, replacement or neighbour swap from a (brute force)."""
    if a == b:
        return False
    if len(a) == len(b):
        diff = [i for i in range(len(a)) if a[i] != b[i]]
        return len(diff) == 1 or (len(diff) == 2 and diff[1] == diff[0] + 1 and a[diff[0]] == b[diff[1]]
                                  and a[diff[1]] == b[diff[0]])  # fmt: skip
    short, long = (a, b) if len(a) < len(b) else (b, a)
    return len(long) == len(short) + 1 and any(long[:i] + long[i + 1 :] == short for i in range(len(long)))


words = st.text(alphabet="ab-1", max_size=5)


@settings(max_examples=300, deadline=None)
@given(words, words)
def test_one_edit_is_exactly_the_words_one_edit_away(word, other):
    assert (other in suggest.one_edit(word)) == _damerau_one(word, other)


# --- overlap ------------------------------------------------------------------------------------------------------


class CountedAssignment:
    """An assignment whose `end` counts its reads: the work of a check over assignments, by the access."""

    reads = 0
    __slots__ = ("role", "start", "_end", "src", "prior_terms", "caseload")

    def __init__(self, role: str, start: Any, end: Any, index: int) -> None:
        from tlt.model import Src

        self.role, self.start, self._end = role, start, end
        self.src = Src("teachers/t.yaml", ("assignments", index))
        self.prior_terms, self.caseload = 0, None

    @property
    def end(self) -> Any:
        CountedAssignment.reads += 1
        return self._end


def _repo_of(assignments: list[Any]) -> Any:
    from tlt.pipeline import Repository

    return Repository(
        root=Path("."), config=None, teachers={"t": SimpleNamespace(id="t", assignments=tuple(assignments))}
    )


def _brute_overlaps(assignments: list[Any]) -> list[tuple[int, int]]:
    """(later, earlier) index pairs as SPEC 4 words it, by comparing every pair (the check before issue 12)."""
    items = sorted(range(len(assignments)), key=lambda i: (assignments[i].start, i))
    out = []
    for k, later in enumerate(items):
        for earlier in items[:k]:
            e = assignments[earlier]._end
            if e is None or e >= assignments[later].start:
                out.append((later, earlier))
                break
    return out


def test_the_overlap_check_reads_each_assignment_a_few_times():
    from datetime import date, timedelta

    from tlt.policy import check_overlap

    n = 3000
    first = date(2000, 1, 1)
    items = [CountedAssignment("a", first + timedelta(days=i), first + timedelta(days=i), i) for i in range(n)]
    CountedAssignment.reads = 0
    assert list(check_overlap(_repo_of(items), date(2026, 3, 2))) == []
    assert CountedAssignment.reads <= 3 * n  # every pair: 4.5 million


day_offsets = st.integers(0, 30)


@settings(max_examples=300, deadline=None)
@given(st.lists(st.tuples(day_offsets, st.none() | st.integers(-3, 10), st.sampled_from("ab")), max_size=12))
def test_the_overlap_check_names_the_pairs_every_pair_comparison_names(spans):
    from datetime import date, timedelta

    from tlt.policy import check_overlap

    first = date(2024, 1, 1)
    items = [
        CountedAssignment(
            role, first + timedelta(days=s), None if length is None else first + timedelta(days=s + length), i
        )
        for i, (s, length, role) in enumerate(spans)
    ]
    expected = []
    for role in "ab":
        mine = [i for i, a in enumerate(items) if a.role == role]
        expected += [(mine[later], mine[earlier]) for later, earlier in _brute_overlaps([items[i] for i in mine])]
    found = list(check_overlap(_repo_of(items), date(2026, 3, 2)))
    assert len(found) == len(expected)
    for problem, (later, earlier) in zip(found, expected, strict=True):
        assert f"from {items[later].start} overlaps the one from {items[earlier].start}" in problem.message


# --- cooling-off --------------------------------------------------------------------------------------------------


@pytest.fixture
def end_reads(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """Counts every read of an assignment's `end` in this process (a quadratic check reads it pairs of times)."""
    from tlt.model import Assignment

    count = [0]
    slot = Assignment.__dict__["end"]

    def get(self: Any) -> Any:
        count[0] += 1
        return slot.__get__(self, Assignment)

    monkeypatch.setattr(Assignment, "end", property(get, lambda self, value: slot.__set__(self, value)))
    monkeypatch.setenv("TLT_JOBS", "1")
    return count


def test_cooling_off_on_every_start_reads_each_assignment_a_few_times(hostile, run, tmp_path, end_reads):
    n = 3000
    root = hostile.write("cooling-off", tmp_path / "repo", n)
    problems = _problems(run, root, tmp_path)
    cooling = [p for p in problems if p["code"] == "cooling-off"]
    assert len(cooling) == n
    assert cooling[0]["message"] == (
        "t-1 starts a on 2000-01-11 inside a cooling-off: left a on 2000-01-02; barred from role a until 2100-01-02"
    )
    assert end_reads[0] < 40 * n  # every assignment for every start: 9 million


day_numbers = st.integers(0, 40)
after_service = st.lists(
    st.tuples(st.sampled_from(["id", "category"]), st.integers(0, 3)), min_size=0, max_size=3
)  # (what the entry bars: role x by id, or the category mentoring; months)


@settings(max_examples=300, deadline=None)
@given(
    st.lists(st.tuples(st.sampled_from("abx"), day_numbers, st.none() | st.integers(-2, 15)), max_size=8),
    st.tuples(after_service, after_service, after_service),
    st.lists(day_numbers, min_size=1, max_size=6),
)
def test_the_cooling_off_index_names_what_the_scan_names(spans, entries, days):
    from datetime import date, timedelta

    from tlt.model import Assignment, Src, build_role
    from tlt.rules import implicit

    roles = {}
    for role_id, items in zip("abx", entries, strict=True):
        service = [
            {"bars": {"roles": ["x"]} if kind == "id" else {"categories": ["mentoring"]}, "months": months}
            for kind, months in items
        ]
        roles[role_id] = build_role(
            {"id": role_id, "title": role_id, "category": "mentoring", "after_service": service},
            f"roles/{role_id}.yaml",
        )
    first = date(2024, 1, 1)
    assignments = tuple(
        Assignment("t", role, first + timedelta(days=s), None if n is None else first + timedelta(days=s + n), None, 0,
                   Src("t.yaml", ("assignments", i)))
        for i, (role, s, n) in enumerate(spans)
    )  # fmt: skip
    bars = implicit.TeacherBars(assignments, roles)  # one index for every role, as `tlt.answers` keeps it
    for target in roles.values():
        barring = implicit.barring_entries(target, roles)
        if not barring:
            continue
        for n in days:
            d = first + timedelta(days=n)
            assert bars.answer(target, d) == implicit.scan_cooling_off(target, assignments, d, barring, roles)


def test_a_long_rating_scale_is_listed_cut_in_messages(config_yaml, make_repo, run, tmp_path):
    from tlt.problems import LIST_LIMIT

    scale = [f"r{i}" for i in range(2000)]
    root = make_repo(
        config=config_yaml(f"rating_scale: [{', '.join(scale)}]\n"),
        teachers={"t-1": "id: t-1\nname: A\nevaluations:\n" + "  - {term: 2024-25, rating: odd}\n" * 50},
    )
    messages = [p["message"] for p in _problems(run, root, tmp_path)]
    assert len(messages) == 50
    assert (
        messages[0]
        == f"rating 'odd' is not on the rating scale: {', '.join(scale[:LIST_LIMIT])}, and {2000 - LIST_LIMIT} more"
    )


def test_a_file_of_names_with_no_close_match_asks_ten_times(make_repo, run, tmp_path, monkeypatch):
    asked = _count_calls(monkeypatch, suggest.Suggester, "_closest")
    lines = "".join(f"  - {{role: zz-{i:05d}-q, start: 2024-09-01}}\n" for i in range(500))
    root = make_repo(roles={"coach": "id: coach\ntitle: Coach\ncategory: coaching\n"},
                     teachers={"t-1": f"id: t-1\nname: A\nassignments:\n{lines}"})  # fmt: skip
    problems = [p for p in _problems(run, root, tmp_path) if p["code"] == "unknown-role"]
    assert len(problems) == 500
    assert asked[0] == suggest.PER_FILE  # was one search for each of the 500, each finding nothing
