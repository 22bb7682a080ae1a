"""`tlt expiring` and `tlt diff` cost what their input is worth (issue 12, item 3): each compared every item with
every other (every license of a teacher with every other, every removed role's definition with every added
one's). Held to the code they replace on generated input, and the work counted through the functions' inputs.
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from tlt import review
from tlt.reports.expiring import Item, _latest

BASE = date(2024, 1, 1)


def old_latest(found: list[Item]) -> list[Item]:
    """`_latest` before issue 12."""
    out = []
    for x in found:
        if x.expires is None:
            continue
        replaced = any(
            y is not x
            and y.kind == x.kind
            and y.identity == x.identity
            and (y.expires is None or y.expires > x.expires)
            for y in found
        )
        if not replaced:
            out.append(x)
    return out


items = st.lists(
    st.builds(
        lambda kind, ident, days: Item(kind, (ident,), f"{kind} {ident}", None if days is None else BASE + timedelta(days=days)),
        st.sampled_from(["license", "clearance"]),
        st.sampled_from("ab"),
        st.none() | st.integers(0, 5),
    ),
    max_size=10,
)  # fmt: skip


@settings(max_examples=500, deadline=None)
@given(items)
def test_latest_keeps_what_it_kept(found):
    assert _latest(found) == old_latest(found)


class Passes(list):  # type: ignore[type-arg]
    """A list that counts how many times it is walked."""

    walks = 0

    def __iter__(self) -> Any:
        Passes.walks += 1
        return super().__iter__()


def test_latest_walks_the_items_a_fixed_number_of_times():
    found = Passes(Item("license", ("MA",), "MA", BASE + timedelta(days=i)) for i in range(2000))
    Passes.walks = 0
    assert _latest(found) == [found[-1]]
    assert Passes.walks <= 2  # each against every other: 2,001


def old_renames(defs_old: dict[str, Any], defs_new: dict[str, Any], removed: list[str], added: list[str]) -> list:
    pairs = []
    free = list(added)
    for old_id in removed:
        definition = defs_old.get(old_id)
        if definition is None:
            continue
        for new_id in free:
            if defs_new.get(new_id) == definition:
                pairs.append((old_id, new_id))
                free.remove(new_id)
                break
    return pairs


definitions = st.one_of(
    st.none(),
    st.fixed_dictionaries(
        {"category": st.sampled_from(["a", "b"])}, optional={"term_limit": st.sampled_from([{"max_terms": 1}, {"max_terms": 2}])}
    ),
)  # fmt: skip


@settings(max_examples=300, deadline=None)
@given(st.lists(definitions, max_size=6), st.lists(definitions, max_size=6))
def test_renames_pair_what_they_paired(old_defs, new_defs):
    defs_old = {f"o{i}": d for i, d in enumerate(old_defs)}
    defs_new = {f"n{i}": d for i, d in enumerate(new_defs)}
    old, new = object(), object()
    real = review._definition
    review._definition = lambda repo, rid: (defs_old if repo is old else defs_new).get(rid)  # type: ignore[assignment]
    try:
        got = review._renames(old, new, list(defs_old), list(defs_new))  # type: ignore[arg-type]
    finally:
        review._definition = real  # type: ignore[assignment]
    assert got == old_renames(defs_old, defs_new, list(defs_old), list(defs_new))


def test_renames_read_each_definition_once(monkeypatch):
    n = 1000
    defs_old = {f"o{i}": {"category": "a", "term_limit": {"max_terms": i}} for i in range(n)}
    defs_new = {f"n{i}": {"term_limit": {"max_terms": n - 1 - i}, "category": "a"} for i in range(n)}
    old, new = object(), object()
    calls = [0]

    def definition(repo: object, rid: str) -> Any:
        calls[0] += 1
        return (defs_old if repo is old else defs_new).get(rid)

    monkeypatch.setattr(review, "_definition", definition)
    pairs = review._renames(old, new, list(defs_old), list(defs_new))  # type: ignore[arg-type]
    assert pairs == [(f"o{i}", f"n{n - 1 - i}") for i in range(n)]
    assert calls[0] == 2 * n  # each removed role against each added one: half a million
