"""Rules judged on many dates give what they gave when each date scanned the teacher's lists (issue 12, item 3).

`tlt validate` judges a teacher's rules on each assignment's start date. Scanning every license, clearance,
credential, course, evaluation and experience entry on each date cost assignments × list length for one teacher
(9,000 licenses and 9,000 assignments: past 100 s and 7 GB, every reason listing every license). From the second
date on, each rule answers from its `over_dates` index (`tlt.answers.Answers` decides when). Here each rule is
asked on several dates both ways, `check` (the scan) and `over_dates` (the index, built once), and each answer is
held to the rule as it was written before (the oracles below, copied from it), on lists short enough that no
listing is cut. Then the work is
counted on a hostile file, and the cut listings are checked.
"""

from __future__ import annotations

import json
from datetime import date, timedelta
from operator import itemgetter
from types import SimpleNamespace
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tlt.model import Choices, Clearance, Course, Credential, Evaluation, Experience, License, Src
from tlt.problems import LIST_LIMIT
from tlt.rules import clearances, coursework, credentials, evaluation, experience, license
from tlt.rules.base import FAIL, PASS, Context, words
from tlt.timeline import Credited, credited_parts

BASE = date(2024, 1, 1)
SRC = Src("t.yaml")


def _day(n: int) -> date:
    return BASE + timedelta(days=n)


def _ctx(d: date, terms: dict[str, date] | None = None) -> Context:
    scale = ("low", "mid", "high")
    rank = {rating: i for i, rating in enumerate(scale)}
    return Context(as_of=d, terms=(), rating_scale=scale, organization=None, term_end=terms or {}, rank=rank)


def _both(module: Any, options: dict, teacher: Any, when: list[date], terms: dict[str, date] | None = None) -> Any:
    """(date, `check`'s answer on it, the answer of `over_dates` built once) for each date."""
    on = module.over_dates(options, teacher, _ctx(when[0], terms))
    return [(d, module.check(options, teacher, _ctx(d, terms)), on(d)) for d in when]


days = st.integers(0, 40)
maybe_day = st.none() | days
dates = st.lists(days.map(_day), min_size=2, max_size=6)


# --- the rules as written before issue 12 (the oracles) -----------------------------------------------------------


def old_license(options: dict, licenses: tuple, d: date) -> tuple[str, str]:
    def name(lic: License) -> str:
        return f"{lic.state} {lic.type}" if lic.type else f"{lic.state} license"

    def problem(lic: License) -> str | None:
        types = options.get("types")
        if types and lic.type not in types:
            return f"{name(lic)} is not {words(list(types))}"
        allowed = ("active", "pending") if options.get("allow_pending") else ("active",)
        if lic.status not in allowed:
            return f"{name(lic)} is {lic.status}"
        if lic.issued is not None and lic.issued > d:
            return f"{name(lic)} is issued {lic.issued}, after {d}"
        if lic.expires is not None and lic.expires < d:
            return f"{name(lic)} expired {lic.expires}"
        return None

    candidates = [lic for lic in licenses if lic.state in options["states"]]
    if not candidates:
        return FAIL, f"license: no {words(list(options['states']))} license"
    problems = []
    for lic in candidates:
        why = problem(lic)
        if why is None:
            until = f", expires {lic.expires}" if lic.expires else ""
            return PASS, f"license: {name(lic)} {lic.status}{until}"
        problems.append(why)
    return FAIL, "license: " + "; ".join(problems)


def old_clearances(options: dict, items: tuple, d: date) -> tuple[str, str]:
    missing: list[str] = []
    held: list[str] = []
    for kind in options["kinds"]:
        of_kind = [c for c in items if c.kind == kind]
        valid = [c for c in of_kind if c.date <= d and (c.expires is None or c.expires >= d)]
        if valid:
            held.append(kind)
        elif not of_kind:
            missing.append(f"no {kind}")
        elif all(c.date > d for c in of_kind):
            missing.append(f"{kind} dated {min(c.date for c in of_kind)}, after {d}")
        else:
            expiries = [c.expires for c in of_kind if c.expires is not None and c.date <= d]
            missing.append(f"{kind} expired {max(expiries) if expiries else None}")
    if missing:
        return FAIL, "clearances: " + "; ".join(missing)
    return PASS, "clearances: " + ", ".join(held)


def old_credentials(options: dict, items: tuple, d: date) -> tuple[str, str]:
    def why_not(cid: str) -> str:
        mine = [c for c in items if c.id == cid]
        if not mine:
            return f"no {cid}"
        if all(c.date > d for c in mine):
            return f"{cid} dated {min(c.date for c in mine)}, after {d}"
        expiries = [c.expires for c in mine if c.expires is not None]
        return f"{cid} expired {max(expiries) if expiries else None}"

    held = {c.id for c in items if c.date <= d and (c.expires is None or c.expires >= d)}
    problems = [why_not(cid) for cid in options.get("all_of", ()) if cid not in held]
    any_of = options.get("any_of")
    if any_of and not held.intersection(any_of):
        problems.append(f"none of {words(list(any_of))}")
    if problems:
        return FAIL, "credentials: " + "; ".join(problems)
    relevant = sorted(held.intersection([*options.get("all_of", ()), *(any_of or ())]))
    return PASS, "credentials: " + ", ".join(relevant)


def old_coursework(options: dict, items: tuple, d: date) -> tuple[str, str]:
    done = {c.id for c in items if c.date <= d}
    problems = []
    missing = [cid for cid in options.get("all_of", ()) if cid not in done]
    if missing:
        problems.append("missing " + ", ".join(missing))
    min_count = options.get("min_count")
    if min_count is not None and len(done) < int(min_count):
        problems.append(f"{len(done)} course{'s' if len(done) != 1 else ''} completed, needs {min_count}")
    if problems:
        return FAIL, "coursework: " + "; ".join(problems)
    return PASS, f"coursework: {len(done)} course{'s' if len(done) != 1 else ''} completed"


def old_evaluation(options: dict, items: tuple, ctx: Context) -> tuple[str, str]:
    minimum = options["min"]
    last = int(options.get("last", 1))
    scale = ctx.rating_scale
    floor = scale.index(minimum) if minimum in scale else len(scale)
    ended = []
    for e in items:
        end = ctx.term_end.get(e.term)
        if end is not None and end < ctx.as_of:
            ended.append((end, e))
    ended.sort(key=itemgetter(0), reverse=True)
    recent = [e for _, e in ended[:last]]
    need = f"{minimum} or better" if last == 1 else f"the last {last} at {minimum} or better"
    if len(recent) < last:
        have = f"{len(recent)} rating{'s' if len(recent) != 1 else ''} of ended terms"
        return FAIL, f"evaluation: {have}, needs {need}"
    low = [e for e in recent if (scale.index(e.rating) if e.rating in scale else -1) < floor]
    if low:
        return FAIL, f"evaluation: {', '.join(f'{e.term} {e.rating}' for e in low)}, needs {need}"
    return PASS, "evaluation: " + ", ".join(f"{e.term} {e.rating}" for e in recent)


# --- each rule on several dates: the scan's answer, then the index's ----------------------------------------------

licenses_st = st.lists(
    st.builds(
        lambda state, kind, status, issued, expires: License(
            state, kind, None, status, None if issued is None else _day(issued), None if expires is None else _day(expires), SRC
        ),
        st.sampled_from(["MA", "VT"]),
        st.sampled_from([None, "pro", "initial"]),
        st.sampled_from(["active", "pending", "expired"]),
        maybe_day,
        maybe_day,
    ),
    max_size=6,
).map(tuple)  # fmt: skip
license_options = st.fixed_dictionaries(
    {"states": st.sampled_from([["MA"], ["MA", "VT"]])},
    optional={"types": st.sampled_from([["pro"], ["pro", "initial"]]), "allow_pending": st.booleans()},
)


@settings(max_examples=300, deadline=None)
@given(license_options, licenses_st, dates)
def test_license(options, items, when):
    for d, scanned, indexed in _both(license, options, SimpleNamespace(licenses=items), when):
        assert scanned == indexed == old_license(options, items, d)


clearances_st = st.lists(
    st.builds(lambda k, d, e: Clearance(k, _day(d), None if e is None else _day(e), SRC), st.sampled_from("abc"), days, maybe_day),
    max_size=6,
).map(tuple)  # fmt: skip


@settings(max_examples=300, deadline=None)
@given(
    st.lists(st.sampled_from("abcd"), min_size=1, max_size=4, unique=True), clearances_st, dates
)  # unique: the schema
def test_clearances(kinds, items, when):
    for d, scanned, indexed in _both(clearances, {"kinds": kinds}, SimpleNamespace(clearances=items), when):
        assert scanned == indexed == old_clearances({"kinds": kinds}, items, d)


credentials_st = st.lists(
    st.builds(lambda i, d, e: Credential(i, _day(d), None if e is None else _day(e), SRC), st.sampled_from("abc"), days, maybe_day),
    max_size=6,
).map(tuple)  # fmt: skip
credential_options = st.fixed_dictionaries(
    {}, optional={"all_of": st.lists(st.sampled_from("abcd"), max_size=3, unique=True), "any_of": st.lists(st.sampled_from("abcd"), min_size=1, max_size=3, unique=True)}
)  # fmt: skip


@settings(max_examples=300, deadline=None)
@given(credential_options, credentials_st, dates)
def test_credentials(options, items, when):
    for d, scanned, indexed in _both(credentials, options, SimpleNamespace(credentials=items), when):
        assert scanned == indexed == old_credentials(options, items, d)


courses_st = st.lists(st.builds(lambda i, d: Course(i, _day(d)), st.sampled_from("abc"), days), max_size=6).map(tuple)
course_options = st.fixed_dictionaries(
    {}, optional={"all_of": st.lists(st.sampled_from("abcd"), max_size=3, unique=True), "min_count": st.integers(0, 4)}
)


@settings(max_examples=300, deadline=None)
@given(course_options, courses_st, dates)
def test_coursework(options, items, when):
    for d, scanned, indexed in _both(coursework, options, SimpleNamespace(coursework=items), when):
        assert scanned == indexed == old_coursework(options, items, d)


TERM_ENDS = {f"t{i}": _day(5 * i) for i in range(8)}
evaluations_st = st.lists(
    st.builds(lambda t, r: Evaluation(t, r, SRC), st.sampled_from([*TERM_ENDS, "gone"]), st.sampled_from(["low", "mid", "high", "odd"])),
    max_size=7,
).map(tuple)  # fmt: skip
evaluation_options = st.fixed_dictionaries(
    {"min": st.sampled_from(["low", "mid", "high", "off-scale"])}, optional={"last": st.integers(1, 3)}
)


@settings(max_examples=300, deadline=None)
@given(evaluation_options, evaluations_st, dates)
def test_evaluation(options, items, when):
    for d, scanned, indexed in _both(evaluation, options, SimpleNamespace(evaluations=items), when, TERM_ENDS):
        assert scanned == indexed == old_evaluation(options, items, _ctx(d, TERM_ENDS))


experience_st = st.lists(
    st.builds(
        lambda employer, start, length, fte, years, tags: Experience(
            employer,
            None if years is not None else _day(start),
            None if years is not None or length is None else _day(start + length),
            fte,
            years,
            tags,
            SRC,
        ),
        st.sampled_from(["BPS", "X"]),
        days,
        st.none() | st.integers(-5, 30),
        st.sampled_from([__import__("decimal").Decimal(v) for v in ("1", "0.5", "0.33333", "0.25")]),
        st.none() | st.sampled_from([__import__("decimal").Decimal(v) for v in ("1", "2.5", "0.125")]),
        st.sampled_from([(), ("el",)]),
    ),
    max_size=6,
).map(tuple)  # fmt: skip


@settings(max_examples=300, deadline=None)
@given(experience_st, st.sampled_from([None, "BPS"]), st.sampled_from([None, "el"]), dates)
def test_experience(items, employer, tag, when):
    index = Credited(items, employer, tag)
    options = {"min_years": 1, **({"employer": employer} if employer else {}), **({"tag": tag} if tag else {})}
    for d, scanned, indexed in _both(experience, options, SimpleNamespace(experience=items), when):
        units, other = credited_parts(items, d, employer, tag)
        assert index(d) == (units, other)
        assert scanned == indexed == experience._answer(options, units, other)


# --- the work, counted, and listings cut ----------------------------------------------------------------------------


def _count_reads(monkeypatch: pytest.MonkeyPatch, cls: type, attr: str) -> list[int]:
    count = [0]
    slot = cls.__dict__[attr]

    def get(self: Any) -> Any:
        count[0] += 1
        return slot.__get__(self, cls)

    monkeypatch.setattr(cls, attr, property(get, lambda self, value: slot.__set__(self, value)))
    return count


ROLE = """\
id: a
title: A
category: mentoring
eligibility:
  required:
    - license: {states: [MA]}
    - experience: {min_years: 90}
    - clearances: {kinds: [k]}
    - credentials: {all_of: [c]}
    - coursework: {all_of: [x]}
    - evaluation: {min: exemplary}
"""


def test_each_list_is_read_a_few_times_however_many_dates(make_repo, run, tmp_path, monkeypatch):
    n = 1500
    monkeypatch.setenv("TLT_JOBS", "1")
    reads = {
        cls.__name__: _count_reads(monkeypatch, cls, attr)
        for cls, attr in ((License, "issued"), (Experience, "start"), (Clearance, "date"), (Credential, "date"),
                          (Course, "date"), (Evaluation, "term"))
    }  # fmt: skip
    lists = {
        "licenses": "{state: MA, issued: 1990-01-01, expires: 1990-01-02}",
        "experience": "{employer: X, start: 1990-01-01, end: 1990-01-02}",
        "clearances": "{kind: k, date: 1990-01-01, expires: 1990-01-02}",
        "credentials": "{id: c, date: 1990-01-01, expires: 1990-01-02}",
        "coursework": "{id: y, date: 1990-01-01}",
        "evaluations": "{term: 2024-25, rating: proficient}",
    }
    text = "id: t-1\nname: A\n" + "".join(f"{key}:\n" + f"  - {item}\n" * n for key, item in lists.items())
    text += "assignments:\n" + "".join(f"  - {{role: a, start: {_day(i)}, end: {_day(i)}}}\n" for i in range(n))
    root = make_repo(roles={"a": ROLE}, teachers={"t-1": text})
    out = tmp_path / "p.json"
    code, _, err = run(["-q", "-C", root, "validate", "--format", "json", "--as-of", "2026-03-02", "-o", out])
    assert code == 1, err
    problems = [p for p in json.loads(out.read_text())["problems"] if p["code"] == "ineligible-assignment"]
    assert len(problems) == n
    licenses = "; ".join(["MA license expired 1990-01-02"] * LIST_LIMIT) + f"; and {n - LIST_LIMIT} more"
    assert problems[0]["message"] == (
        f"t-1 was ineligible for a on 2024-01-01: license: {licenses}; experience: 8.21 years, needs 90; "
        "clearances: k expired 1990-01-02; credentials: c expired 1990-01-02; coursework: missing x; evaluation: "
        "0 ratings of ended terms, needs exemplary or better"
    )
    for name, count in reads.items():
        # a few reads an item, and the first LIST_LIMIT licenses' reasons on each date; scanning each list on each
        # date read it 2.25 million times
        assert count[0] < (10 + 3 * LIST_LIMIT) * n, (name, count[0])


def test_long_lists_in_reasons_are_cut():
    from tlt.rules import membership, status

    many = [f"m{i}" for i in range(LIST_LIMIT + 5)]
    teacher = SimpleNamespace(memberships=tuple(many), status="temp")
    shown = ", ".join(many[:LIST_LIMIT])
    assert membership.check({"any_of": many}, teacher, _ctx(BASE))[1] == f"membership: {shown}, and 5 more"
    assert status.check({"in": many}, teacher, _ctx(BASE))[1] == f"status: temp, needs {shown} or 5 more"
    short = {"in": ["a", "b", "c"]}
    assert status.check(short, teacher, _ctx(BASE))[1] == "status: temp, needs a, b or c"


# --- a role's written rules on many dates: those no date changes, judged once -------------------------------------


def _oracle(compiled: Any, teacher: Any, ctx: Context) -> tuple[bool, list[str], int]:
    from tlt.judge import INELIGIBLE, judge_compiled

    verdict = judge_compiled(compiled, teacher, ctx, implicit=False)
    reasons = verdict.reasons
    return verdict.verdict == INELIGIBLE, reasons[:LIST_LIMIT], len(reasons)


rule_items = st.sampled_from(
    [
        {"status": {"in": ["permanent"]}},
        {"status": {"in": ["temp"]}},
        {"membership": {"any_of": ["BTU"]}},
        {"degree": {"min": "master"}},
        {"license": {"states": ["MA"]}},
        {"experience": {"min_years": 1}},
        {"experience": {"min_years": 1, "cite": "x"}},
    ]
)


@settings(max_examples=200, deadline=None)
@given(
    st.lists(rule_items, max_size=5),
    st.lists(rule_items, max_size=3),
    st.fixed_dictionaries(
        {},
        optional={
            "status": st.sampled_from(["permanent", "temp"]),
            "memberships": st.sampled_from([[], ["BTU"]]),
            "degrees": st.sampled_from([[], [{"level": "master"}]]),
            "licenses": st.sampled_from([[], [{"state": "MA", "issued": "2024-01-10", "expires": "2024-01-20"}]]),
            "experience": st.sampled_from([[], [{"employer": "X", "start": "2023-01-01", "end": "2024-01-15"}]]),
        },
    ),
    dates,
)
def test_written_rules_on_many_dates_are_the_verdicts_rules(required, preferred, data, when):
    from tlt.answers import Answers
    from tlt.judge import WrittenRules, compile_role
    from tlt.model import build_role, build_teacher

    role = build_role(
        {"id": "r", "title": "R", "category": "other", "eligibility": {"required": required, "preferred": preferred}},
        "roles/r.yaml",
    )
    teacher = build_teacher({"id": "t", "name": "T", **data}, "teachers/t.yaml")
    compiled = compile_role(role, {"r": role})
    written = WrittenRules(compiled, teacher, Answers())
    for d in when:
        ctx = Context.build(None, {"r": role}, d)
        assert written.failing(ctx, LIST_LIMIT) == _oracle(compiled, teacher, ctx)


def test_rules_no_date_changes_are_judged_once_per_teacher(make_repo, run, tmp_path, monkeypatch):
    from tlt.rules import status

    monkeypatch.setenv("TLT_JOBS", "1")
    asked = [0]
    real = status.check

    def counting(*args: Any) -> Any:
        asked[0] += 1
        return real(*args)

    monkeypatch.setattr(status, "check", counting)
    rules = "".join(f"    - status: {{in: [s{i}]}}\n" for i in range(3000))
    role = f"id: a\ntitle: A\ncategory: mentoring\neligibility:\n  required:\n{rules}"
    lines = "".join(f"  - {{role: a, start: {_day(i)}, end: {_day(i)}}}\n" for i in range(300))
    root = make_repo(roles={"a": role}, teachers={"t-1": f"id: t-1\nname: A\nstatus: x\nassignments:\n{lines}"})
    out = tmp_path / "p.json"
    code, _, err = run(["-q", "-C", root, "validate", "--format", "json", "--as-of", "2026-03-02", "-o", out])
    assert code == 1, err
    problems = [p for p in json.loads(out.read_text())["problems"] if p["code"] == "ineligible-assignment"]
    assert len(problems) == 300
    assert problems[0]["message"].endswith(f"status: x, needs s{LIST_LIMIT - 1}; and {3000 - LIST_LIMIT} more")
    assert asked[0] == 3000  # every rule on every date: 900,000


class Walked(Choices):
    """A rule's option list, as a role file gives it (`model.Choices`), that counts the items walked through."""

    items = 0

    def __iter__(self) -> Any:
        for item in super().__iter__():
            Walked.items += 1
            yield item


def test_a_long_option_list_is_walked_once_not_on_every_date():
    """A role naming 50,000 kinds, ids or courses: the set is made once (by the model), then each date looks at the teacher's
    few items and the reasons shown, never the whole list (every date walked all of it)."""
    n, dates_asked = 50_000, 200
    names = Walked([f"k{i}" for i in range(n)])
    teacher = SimpleNamespace(
        clearances=(Clearance("k7", BASE, None, SRC),),
        credentials=(Credential("k7", BASE, None, SRC),),
        coursework=(Course("k7", BASE),),
    )
    cases = [
        (clearances, {"kinds": names}),
        (credentials, {"all_of": names, "any_of": names}),
        (coursework, {"all_of": names}),
    ]
    for module, options in cases:
        Walked.items = 0
        for k in range(dates_asked):
            outcome, detail = module.check(options, teacher, _ctx(_day(k)))
            assert outcome == FAIL
            assert detail.endswith(f"and {n - 1 - LIST_LIMIT} more"), detail[-80:]
        assert Walked.items <= 2 * n + dates_asked * (LIST_LIMIT + 2), module.KIND  # every date: 10 million
