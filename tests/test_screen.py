"""`tlt validate` models only the teacher files a check could find something in (`checks.needs_checking`): the
screen must say "check it" exactly when the checks of a teacher on its own would report a problem, and the
command must report what it reports with every teacher modelled (TLT_REFERENCE_ONLY=1)."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path
from typing import Any

import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

from tlt.checks import check_each_teacher, needs_checking
from tlt.model import build_config, build_teacher
from tlt.pipeline import Repository
from tlt.policy import POLICY_CHECKS

AS_OF = date(2025, 9, 15)
CONFIG = {
    "program": "Test Program",
    "organization": "TST",
    "rating_scale": ["unsatisfactory", "proficient", "exemplary"],
    "terms": [
        {"id": "2024-25", "start": "2024-08-26", "end": "2025-06-13"},
        {"id": "2025-26", "start": "2025-08-25", "end": "2026-06-12"},
    ],
}

# few dates, so that equal and reversed pairs are common; the end of one month against the start of the next
# is where text order and date order would part if the texts were not YYYY-MM-DD
dates = st.sampled_from(["2019-01-31", "2019-02-01", "2019-12-31", "2020-01-01", "2020-01-02", "2021-06-30"])
maybe = st.one_of(st.none(), dates)


def _entry(**fields: Any) -> st.SearchStrategy[dict[str, Any]]:
    """A list item with these fields; a field drawn as None is left out of it."""
    return st.fixed_dictionaries(fields).map(lambda d: {k: v for k, v in d.items() if v is not None})


teachers = st.fixed_dictionaries(
    {"id": st.just("t-1"), "name": st.just("Test Teacher")},
    optional={
        "experience": st.lists(_entry(employer=st.just("JPS"), start=maybe, end=maybe), max_size=3),
        "licenses": st.lists(_entry(state=st.just("VA"), issued=maybe, expires=maybe), max_size=3),
        "clearances": st.lists(_entry(kind=st.just("fingerprint"), date=dates, expires=maybe), max_size=3),
        "credentials": st.lists(_entry(id=st.just("nbct"), date=dates, expires=maybe), max_size=3),
        "evaluations": st.lists(
            _entry(
                term=st.sampled_from(["2024-25", "2025-26", "2023-24"]),
                rating=st.sampled_from(["proficient", "exemplary", "needs_improvement"]),
            ),
            max_size=3,
        ),
        "assignments": st.just([]),
    },
)


def _problems(data: dict[str, Any], config: dict[str, Any] | None) -> list[Any]:
    repo = Repository(root=Path("."), config=build_config(config, "tlt.yaml") if config else None)
    repo.teachers["t-1"] = build_teacher(data, "teachers/t-1.yaml")
    return check_each_teacher(repo, AS_OF, POLICY_CHECKS)


@settings(max_examples=400, deadline=None)
@given(teachers, st.booleans())
def test_the_screen_asks_for_checks_exactly_when_a_check_finds_something(data, with_config):
    config = CONFIG if with_config else None
    problems = _problems(data, config)
    assert needs_checking(build_config(config, "tlt.yaml") if config else None)(data) == bool(problems), problems


def test_every_holder_is_checked():
    data = {"id": "t-1", "name": "T", "assignments": [{"role": "mentor", "start": "2025-08-25"}]}
    assert needs_checking(build_config(CONFIG, "tlt.yaml"))(data)


def test_dates_not_written_as_iso_text_are_left_to_the_model():
    screen = needs_checking(None)
    assert screen(
        {
            "id": "t-1",
            "name": "T",
            "licenses": [{"state": "VA", "issued": date(2020, 1, 1), "expires": date(2021, 1, 1)}],
        }
    )
    assert not screen(
        {"id": "t-1", "name": "T", "licenses": [{"state": "VA", "issued": "2020-01-01", "expires": "2021-01-01"}]}
    )


def test_validate_reports_what_it_reports_with_every_teacher_modelled(make_repo, run, monkeypatch):
    """Non-holders with each problem a teacher on their own can have, beside clean ones and a holder."""
    bad = {
        "t-01": {"licenses": [{"state": "VA", "issued": "2020-07-01", "expires": "2019-06-30"}]},
        "t-02": {"clearances": [{"kind": "fingerprint", "date": "2020-07-01", "expires": "2020-06-30"}]},
        "t-03": {"credentials": [{"id": "nbct", "date": "2020-07-01", "expires": "2020-01-01"}]},
        "t-04": {"experience": [{"employer": "JPS", "start": "2020-08-25", "end": "2020-06-12"}]},
        "t-05": {"evaluations": [{"term": "2019-20", "rating": "proficient"}]},
        "t-06": {"evaluations": [{"term": "2024-25", "rating": "superb"}]},
        "t-07": {
            "evaluations": [{"term": "2024-25", "rating": "proficient"}],
            "experience": [{"employer": "JPS", "start": "2019-08-26"}],
        },
        "t-08": {"assignments": [{"role": "mentor", "start": "2025-08-25", "end": "2025-06-01"}]},
    }
    teachers = {tid: yaml.safe_dump({"id": tid, "name": f"Teacher {tid}", **extra}) for tid, extra in bad.items()}
    repo = make_repo(roles={"mentor": "id: mentor\ntitle: Mentor\ncategory: mentoring\n"}, teachers=teachers)
    outputs = []
    for reference in ("1", ""):
        monkeypatch.setenv("TLT_REFERENCE_ONLY", reference)
        outputs.append(run(["-C", str(repo), "validate", "--format", "json", "--as-of", "2025-09-15"]))
    assert outputs[0] == outputs[1]
    code, out, _ = outputs[1]
    assert code == 1
    found = {(p["path"].rsplit("/", 1)[-1], p["code"]) for p in json.loads(out)["problems"]}
    assert found == {
        ("t-01.yaml", "date-order"),
        ("t-02.yaml", "date-order"),
        ("t-03.yaml", "date-order"),
        ("t-04.yaml", "date-order"),
        ("t-05.yaml", "unknown-term"),
        ("t-06.yaml", "schema"),
        ("t-08.yaml", "date-order"),
    }


def test_a_members_dates_do_not_escape_the_screen():
    # a caseload member's dates live in an assignment, and any assignment is checked: a member ending before it
    # starts (SPEC 9.3) is found, and the screen says "check it"
    member = {"teacher": "t-2", "start": "2025-10-10", "end": "2025-10-01"}
    data = {"id": "t-1", "name": "T", "assignments": [{"role": "mentor", "start": "2025-08-25", "caseload": [member]}]}
    codes = [p.code for p in _problems(data, CONFIG)]
    assert "date-order" in codes
    assert needs_checking(build_config(CONFIG, "tlt.yaml"))(data)
