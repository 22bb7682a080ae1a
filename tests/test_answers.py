"""What remembers answers (`tlt.answers.Answers`) gives the answers the rules give (`judge.ask`), on every path:
asked again, shared between teachers holding a plain field, and from a rule's `over_dates` index once a teacher
is asked about on a second date. And each speed path is taken: a test fails if one silently stops being used."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from tlt.answers import Answers
from tlt.judge import ask, compile_roles, judge_all
from tlt.model import build_config, build_role, build_teacher
from tlt.rules import experience, license, status
from tlt.rules.base import Context

TERMS = [{"id": f"{y}-{y + 1}", "start": f"{y}-09-01", "end": f"{y + 1}-06-30"} for y in range(2018, 2027)]
CONFIG = build_config({"program": "P", "organization": "X", "terms": TERMS}, "tlt.yaml")
FIRST = date(2019, 1, 1)


def _day(n: int) -> str:
    return (FIRST + timedelta(days=n)).isoformat()


ROLES = {
    "coach": {
        "category": "coaching",
        "term_limit": {"max_terms": 2},
        "after_service": [{"bars": {"roles": ["coach"]}, "months": 6}],
        "eligibility": {
            "required": [{"license": {"states": ["MA"]}}, {"experience": {"min_years": 1, "employer": "X"}}],
            "preferred": [{"prior_role": {"categories": ["mentoring"]}}, {"status": {"in": ["permanent"]}}],
        },
    },
    "mentor": {
        "category": "mentoring",
        "after_service": [{"bars": {"categories": ["coaching"]}, "months": 3}],
        "eligibility": {
            "required": [
                {"license": {"states": ["MA"], "cite": "CBA 1"}},
                {"evaluation": {"min": "proficient", "last": 2}},
                {"clearances": {"kinds": ["cori"]}},
            ],
            "preferred": [{"credentials": {"any_of": ["ell"]}}, {"coursework": {"all_of": ["m1"]}}],
        },
    },
    "chair": {"category": "leadership", "eligibility": {"required": [{"membership": {"any_of": ["BTU"]}}]}},
}
REPO_ROLES = {
    rid: build_role({"id": rid, "title": rid.title(), **data}, f"roles/{rid}.yaml") for rid, data in ROLES.items()
}

days = st.integers(0, 2500)
teachers = st.fixed_dictionaries(
    {},
    optional={
        "status": st.sampled_from(["permanent", "temp"]),
        "memberships": st.sampled_from([[], ["BTU"], ["MTA", "BTU"]]),
        "licenses": st.lists(
            st.builds(
                lambda s, i, n: {"state": s, "issued": _day(i), "expires": _day(i + n)},
                st.sampled_from(["MA", "VT"]),
                days,
                st.integers(0, 900),
            ),
            max_size=4,
        ),
        "experience": st.lists(
            st.builds(
                lambda e, i, n: {"employer": e, "start": _day(i), "end": _day(i + n)},
                st.sampled_from(["X", "Y"]),
                days,
                st.integers(0, 900),
            ),
            max_size=3,
        ),
        "evaluations": st.lists(
            st.builds(
                lambda t, r: {"term": t, "rating": r},
                st.sampled_from([t["id"] for t in TERMS]),
                st.sampled_from(["needs_improvement", "proficient", "exemplary"]),
            ),
            max_size=4,
        ),
        "clearances": st.lists(
            st.builds(
                lambda i, n: {"kind": "cori", "date": _day(i), "expires": _day(i + n)}, days, st.integers(0, 900)
            ),
            max_size=2,
        ),
        "credentials": st.lists(st.builds(lambda i: {"id": "ell", "date": _day(i)}, days), max_size=2),
        "coursework": st.lists(st.builds(lambda i: {"id": "m1", "date": _day(i)}, days), max_size=2),
        "assignments": st.lists(
            st.builds(
                lambda r, i, n: {"role": r, "start": _day(i), "end": _day(i + n)},
                st.sampled_from(["coach", "mentor", "chair"]),
                days,
                st.integers(0, 400),
            ),
            max_size=5,
        ),
    },
)


class _Repo:
    def __init__(self, people: dict[str, Any]) -> None:
        self.config = CONFIG
        self.roles = REPO_ROLES
        self.teachers = people


@settings(max_examples=150, deadline=None)
@given(st.lists(teachers, min_size=1, max_size=4), st.lists(days, min_size=1, max_size=5))
def test_remembered_answers_are_the_rules_answers(people, when):
    """Each teacher asked every question on several dates (validate's order: a teacher's dates one after another),
    through one `Answers` for all of them: the answers `ask` gives."""
    repo = _Repo(
        {f"t-{i}": build_teacher({"id": f"t-{i}", "name": "T", **d}, f"t-{i}.yaml") for i, d in enumerate(people)}
    )
    questions = [r.question for c in compile_roles(repo) for r in (*c.required, *c.implicit, *c.preferred)]
    base = Context.build(CONFIG, REPO_ROLES, FIRST)
    answers = Answers()
    for teacher in repo.teachers.values():
        for n in when:
            ctx = base.on(FIRST + timedelta(days=n))
            for q in questions:
                assert answers(q, teacher, ctx) == ask(q, teacher, ctx), (q.key, ctx.as_of)


def _count(monkeypatch: Any, module: Any, name: str) -> list[int]:
    calls = [0]
    real = getattr(module, name)

    def counted(*args: Any) -> Any:
        calls[0] += 1
        return real(*args)

    monkeypatch.setattr(module, name, counted)
    return calls


def test_a_teacher_asked_on_many_dates_is_answered_from_the_index(monkeypatch):
    licenses = [{"state": "MA", "issued": _day(10 * i), "expires": _day(10 * i + 5)} for i in range(50)]
    teacher = build_teacher({"id": "t", "name": "T", "licenses": licenses}, "t.yaml")
    question = next(r.question for c in compile_roles(_Repo({})) for r in c.required if r.kind == "license")
    checked, indexed = _count(monkeypatch, license, "check"), _count(monkeypatch, license, "over_dates")
    answers = Answers()
    base = Context.build(CONFIG, REPO_ROLES, FIRST)
    for n in range(0, 500, 7):
        ctx = base.on(FIRST + timedelta(days=n))
        assert answers(question, teacher, ctx) == ask(question, teacher, ctx)
    checked[0] -= 500 // 7 + 1  # `ask` above, each date
    assert (checked[0], indexed[0]) == (1, 1)  # the first date scanned; every other from the index, built once


def test_teachers_with_equal_plain_fields_share_an_answer(monkeypatch):
    people = {
        f"t-{i}": build_teacher({"id": f"t-{i}", "name": "T", "status": "temp"}, f"t-{i}.yaml") for i in range(30)
    }
    checked = _count(monkeypatch, status, "check")
    verdicts = judge_all(_Repo(people), FIRST)
    assert len(verdicts) == 90
    assert checked[0] == 1  # one status, asked once for the thirty


def test_a_question_many_roles_ask_is_answered_once_a_teacher(monkeypatch):
    teacher = build_teacher({"id": "t", "name": "T", "licenses": [{"state": "MA"}], "experience": []}, "t.yaml")
    checked = _count(monkeypatch, license, "check")
    experienced = _count(monkeypatch, experience, "check")
    judge_all(_Repo({"t": teacher}), FIRST)
    assert checked[0] == 1  # coach and mentor ask it (mentor with a cite of its own)
    assert experienced[0] == 1
