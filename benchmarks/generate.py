#!/usr/bin/env python3
"""Generate a realistic, deterministic tlt data repository for benchmarks and correctness comparisons.

    python benchmarks/generate.py N DIR [--seed S] [--broken K] [--holders 0.08] [--catalog ROLES_DIR]

Writes under DIR (SPEC section 2):

* ``tlt.yaml``: a statewide program (organization STATE) with terms 2016-17 … 2027-28;
* ``roles/``: every role of the project's catalog (``roles/**/*.yaml`` of this checkout, copied byte for byte;
  a small built-in set only when no catalog is found);
* ``teachers/<district>-<nnn>/t-NNNNNN.yaml``: N teachers, about 1,000 files per folder, with experience (dated
  and credited years), licenses, degrees, clearances, evaluations, credentials, coursework, memberships and
  base salaries, absent and empty lists mixed in as real records have them (the holders' courses carry credits
  now and then, and half of them a license with a ``renewal``: SPEC 10.2). About 8% of the teachers hold
  assignments (current and ended, annual re-appointments, prior_terms, caseloads naming other teachers, some
  ``{teacher, service: PAR}``). Every assignment holder is made eligible for the role's written rules on the
  assignment's start date, term limits and cooling-off periods are respected, so the repository validates
  clean except for the *intended* policy problems: a few consulting teachers over their caseload cap
  (``caseload-cap`` errors) and some current holders with a document expiring soon (``expiring`` warnings).
  A holder whose last assignment is of a role with ``activity`` requirements (SPEC 10.1) and has a caseload logs
  activity with its members, from a random stream of its own (``activity_text``): as of 2026-03-02 the default
  term runs, so nothing is missed and validate shows no ``activity`` warning;
* ``.tlt-benchmark.json``: a manifest (not a data file: tlt reads only tlt.yaml, roles/ and teachers/) listing
  the counts, the intended problems and, with ``--broken K``, the K deliberately broken files and the problem
  code each must produce (yaml-syntax, duplicate-key, schema, unknown-role, date-order, unknown-term, in turn).

Deterministic: the output depends only on N, the seed, --broken, --holders and the catalog's bytes; never on
today's date, hash order or the file system. The reference date of the data is 2026-03-02 (run every command
with ``--as-of 2026-03-02``). Fast: YAML is written with f-strings, not yaml.dump (100,000 teachers in 15-30 s).
"""

from __future__ import annotations

import argparse
import bisect
import calendar
import hashlib
import json
import random
import shutil
import sys
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path
from typing import Any

GENERATOR_VERSION = 4
AS_OF = date(2026, 3, 2)
FIRST_YEAR, LAST_YEAR = 2016, 2027  # terms 2016-17 … 2027-28
MANIFEST = ".tlt-benchmark.json"
PROJECT = Path(__file__).resolve().parent.parent
RATINGS = ("unsatisfactory", "needs_improvement", "proficient", "exemplary")
DEGREES = ("associate", "bachelor", "master", "specialist", "doctorate")
BROKEN_KINDS = ("yaml-syntax", "duplicate-key", "schema", "unknown-role", "date-order", "unknown-term")
EXPIRING_WINDOW = 60  # days, SPEC section 4
CAP_OVER_RATE = 0.04  # share of capped caseloads written over the cap (intended caseload-cap errors)
EXPIRING_RATE = 0.05  # share of current holders with a document expiring within the window (intended warnings)


# --- calendar ---------------------------------------------------------------------------------------------------


def _weekday_on_or_after(d: date, weekday: int) -> date:
    return d + timedelta(days=(weekday - d.weekday()) % 7)


@dataclass(frozen=True)
class Term:
    id: str
    start: date
    end: date


TERMS: tuple[Term, ...] = tuple(
    Term(
        f"{y}-{(y + 1) % 100:02d}", _weekday_on_or_after(date(y, 8, 22), 0), _weekday_on_or_after(date(y + 1, 6, 8), 4)
    )
    for y in range(FIRST_YEAR, LAST_YEAR + 1)
)
CURRENT = next(i for i, t in enumerate(TERMS) if t.start <= AS_OF <= t.end)  # 2025-26
ENDED = [i for i, t in enumerate(TERMS) if t.end < AS_OF]  # terms that can carry an evaluation
MIN_START = 2  # assignments start in 2018-19 or later, so "the last rating before the start" exists
_TERM_STARTS = [t.start for t in TERMS]


def add_months(d: date, months: int) -> date:
    index = d.month - 1 + months
    year, month = d.year + index // 12, index % 12 + 1
    return date(year, month, min(d.day, calendar.monthrange(year, month)[1]))


def add_years(d: date, years: int) -> date:
    return add_months(d, 12 * years)


def term_at(d: date) -> int:
    """Index of the last term starting on or before d (-1 before the first)."""
    return bisect.bisect_right(_TERM_STARTS, d) - 1


# --- the world --------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class District:
    code: str
    name: str
    state: str
    union: str
    weight: int
    license_types: tuple[str, ...]


DISTRICTS = (
    District("BPS", "Boston Public Schools", "MA", "BTU", 20, ("professional", "initial", "provisional")),
    District("JPS", "Jackson Public Schools", "MS", "JFT", 15, ("standard", "alternate-route", "provisional")),
    District(
        "ACPS",
        "Alexandria City Public Schools",
        "VA",
        "EAA",
        8,
        ("collegiate-professional", "postgraduate-professional", "provisional"),
    ),  # fmt: skip
    District("SPS", "Springfield Public Schools", "MA", "SEA", 12, ("professional", "initial", "provisional")),
    District("WPS", "Worcester Public Schools", "MA", "EAW", 12, ("professional", "initial", "provisional")),
    District("MSD", "Madison School District", "MS", "MAE", 8, ("standard", "alternate-route", "provisional")),
    District(
        "FCPS",
        "Fairfax County Public Schools",
        "VA",
        "FEA",
        25,
        ("collegiate-professional", "postgraduate-professional", "provisional"),
    ),  # fmt: skip
)
OTHER_EMPLOYERS = (
    "Chelsea Public Schools", "Revere Public Schools", "Lynn Public Schools", "Hinds County School District",
    "Rankin County School District", "Arlington Public Schools", "Prince William County Public Schools",
    "Teach For America", "Saint Mary Academy", "Peace Corps Education Program",
)  # fmt: skip
PLACES = (
    "Harborview", "Maple Hill", "Lincoln", "Washington", "Riverside", "Oak Grove", "Jefferson", "Cedar Ridge",
    "Franklin", "Lakeside", "Douglass", "Hillcrest", "Parkway", "Madison", "Garfield", "Eastside", "Westview",
    "Northgate", "Southfield", "King", "Roosevelt", "Brookside", "Pine Street", "Union Square", "Highland",
    "Fairmont", "Mill Creek", "Bayside", "Ellington", "Tubman", "Chavez", "Adams", "Monroe", "Stonewall",
    "Carver", "Hamilton", "Elm Park", "Greenwood", "Mount Vernon", "Duke Street",
)  # fmt: skip
LEVELS = ("Elementary School", "Elementary School", "Middle School", "High School", "K-8 School", "Academy")
FIRST = (
    "Jordan", "Maria", "James", "Aisha", "Wei", "Priya", "Carlos", "Emily", "DeShawn", "Olivia", "Mohammed", "Sofia",
    "Liam", "Keisha", "Hiroshi", "Ana", "Noah", "Fatima", "Ethan", "Grace", "Mateo", "Chloe", "Tyrone", "Hannah",
    "Luis", "Zoë", "Samuel", "Imani", "Daniel", "Mei", "Andre", "Rachel", "Kwame", "Isabella", "Patrick", "Yuki",
    "José", "Nadia", "Michael", "Leah", "Omar", "Abigail", "Darnell", "Camila", "Thomas", "Amara", "Victor",
    "Jasmine", "Robert", "Elena", "Marcus", "Siobhan", "Tariq", "Beatriz", "Kevin", "Ngozi", "Brian", "Lucía",
    "Anthony", "Sarah", "Dmitri", "Latoya", "Ravi", "Julia", "Xavier", "Megan", "Alejandro", "Tanisha", "Chen",
    "Rebecca", "Kofi", "Laura", "Ibrahim", "Naomi", "Christopher", "Dana", "Jamal", "Katherine", "Minh", "Ruth",
)  # fmt: skip
LAST = (
    "Rivera", "Smith", "Johnson", "Nguyen", "Williams", "Garcia", "Brown", "Patel", "Jones", "Kim", "Davis",
    "Martinez", "Wilson", "Lee", "Anderson", "Hernandez", "Thomas", "Lopez", "Jackson", "Chen", "White", "Gonzalez",
    "Harris", "Wang", "Clark", "Robinson", "Lewis", "Walker", "Young", "Allen", "King", "Wright", "Scott", "Torres",
    "Hill", "Green", "Adams", "Baker", "Nelson", "Carter", "Mitchell", "Perez", "Roberts", "Turner", "Phillips",
    "Campbell", "Parker", "Evans", "Edwards", "Collins", "Stewart", "Sanchez", "Morris", "Rogers", "Reed", "Cook",
    "Morgan", "Bell", "Murphy", "Bailey", "Cooper", "Richardson", "Cox", "Howard", "Ward", "Peterson", "Gray",
    "Ramirez", "James", "Watson", "Brooks", "Kelly", "Sanders", "Price", "Bennett", "Wood", "Barnes", "Ross",
    "O'Brien", "Okafor", "Baptiste", "Nakamura", "Kowalski", "Abdullah", "Mensah", "Haddad", "Fitzgerald",
    "Nguyễn", "Müller", "Brackenridge", "Delacroix", "Washington", "Oyelaran", "Santos", "Ivanova", "Achebe",
)  # fmt: skip
FIELDS = (
    "Elementary Education", "English", "Mathematics", "Biology", "Chemistry", "History", "Special Education",
    "Curriculum and Instruction", "Educational Leadership", "Reading and Literacy", "Music Education",
    "Physical Education", "Spanish", "Computer Science", "Early Childhood Education", "ESL and Bilingual Education",
    "Art Education", "Physics", "Social Studies", "School Counseling",
)  # fmt: skip
TAGS = ("english-learners", "linguistically-diverse-learners", "special-education", "title-i", "urban-schools")
CREDENTIALS = ("national-board", "esl-endorsement", "reading-specialist", "special-education-endorsement")
COURSES = (
    "cognitive-coaching", "leadership", "adult-professional-learning", "state-education-law", "privacy-law",
    "project-based-learning", "personalized-learning", "technology-workflow", "interpersonal-communication",
    "digital-literacy", "time-management", "brain-based-learning", "understanding-by-design",
    "restorative-practices", "trauma-informed-teaching", "data-driven-instruction", "mentoring-foundations",
    "sheltered-english-immersion", "culturally-responsive-teaching",
)  # fmt: skip
STATUSES = (("permanent", 58), ("probationary", 22), ("provisional", 7), ("continuing-contract", 8),
            ("long-term-substitute", 2), ("on-leave", 3))  # fmt: skip
CATEGORY_WEIGHTS = {
    "mentoring": 6, "department": 6, "advisory": 4, "coaching": 3, "intervention": 3, "curriculum": 2,
    "leadership-pipeline": 1.5, "other": 2, "pathway": 1, "administrator": 0.5,
}  # fmt: skip


# --- the role catalog -------------------------------------------------------------------------------------------


@dataclass
class RoleInfo:
    id: str
    rel: str  # path under roles/
    text: bytes
    organization: str | None
    category: str
    required: list[tuple[str, dict[str, Any]]]
    caseload_max: int | None = None
    weights: dict[str, float] = field(default_factory=dict)
    max_terms: int | None = None
    after_service: list[tuple[tuple[str, ...], tuple[str, ...], int]] = field(default_factory=list)
    #: SPEC 10.1: (kind, tag, min, service) of each `activity` requirement
    activity: list[tuple[str, str | None, float, str | None]] = field(default_factory=list)

    @property
    def status_in(self) -> tuple[str, ...] | None:
        for kind, opts in self.required:
            if kind == "status":
                return tuple(opts.get("in", ()))
        return None

    @property
    def annual(self) -> bool:
        return self.category == "advisory"

    @property
    def assignable(self) -> bool:
        # A required prior_role would need a generated history in another role first; such roles are not
        # assigned (the catalog has none today).
        return all(kind != "prior_role" for kind, _ in self.required)

    def bars(self, other: RoleInfo, end: date, start: date) -> bool:
        """Whether leaving self on `end` bars `other` starting on `start` (SPEC 3, cooling-off)."""
        for categories, roles, months in self.after_service:
            if (other.id in roles or other.category in categories) and start <= add_months(end, months):
                return True
        return False


BUILTIN_ROLES = {
    "builtin/esp-consulting-teacher.yaml": """\
id: esp-consulting-teacher
title: Consulting Teacher (built-in benchmark role)
organization: BPS
category: coaching
description: A built-in role used only when the project's role catalog is not found.
source: benchmarks/generate.py
eligibility:
  required:
    - status: {in: [permanent]}
    - membership: {any_of: [BTU]}
    - experience: {min_years: 10}
    - license: {states: [MA]}
    - degree: {min: master}
term_limit: {max_terms: 4}
caseload: {max: 12, weights: {PAR: 2}}
after_service:
  - bars: {categories: [administrator]}
    months: 12
compensation:
  stipend: {percent_of_base: 5}
""",
    "builtin/new-teacher-mentor.yaml": """\
id: new-teacher-mentor
title: New Teacher Mentor (built-in benchmark role)
organization: JPS
category: mentoring
description: A built-in role used only when the project's role catalog is not found.
source: benchmarks/generate.py
eligibility:
  required:
    - license: {states: [MS], types: [standard]}
    - experience: {min_years: 3, employer: JPS}
    - evaluation: {min: proficient}
compensation:
  stipend: {amount: 3000}
""",
    "builtin/department-chair.yaml": """\
id: department-chair
title: Department Chair (built-in benchmark role)
category: department
description: A built-in role used only when the project's role catalog is not found.
source: benchmarks/generate.py
eligibility:
  required: []
compensation:
  stipend: {unspecified: true}
""",
}


def find_catalog(explicit: str | None) -> Path | None:
    candidates = [Path(explicit)] if explicit else [PROJECT / "roles", PROJECT / "src" / "tlt" / "catalog"]
    for c in candidates:
        if c.is_dir() and any(c.rglob("*.yaml")):
            return c
    if explicit:
        raise SystemExit(f"generate.py: no role files under {explicit}")
    return None


def load_catalog(catalog: Path | None) -> list[RoleInfo]:
    import yaml  # only to read the catalog's few role files

    if catalog is None:
        sources = [(rel, text.encode("utf-8")) for rel, text in sorted(BUILTIN_ROLES.items())]
    else:
        sources = [(p.relative_to(catalog).as_posix(), p.read_bytes()) for p in sorted(catalog.rglob("*.yaml"))]
    roles: list[RoleInfo] = []
    seen: set[str] = set()
    for rel, raw in sources:
        try:
            data = yaml.safe_load(raw)
        except yaml.YAMLError as exc:
            print(f"generate.py: skipping catalog file {rel}: {exc}", file=sys.stderr)
            continue
        if not isinstance(data, dict) or not isinstance(data.get("id"), str) or data["id"] in seen:
            print(f"generate.py: skipping catalog file {rel}: no usable id", file=sys.stderr)
            continue
        seen.add(data["id"])
        elig = data.get("eligibility") or {}
        required = []
        for item in elig.get("required") or []:
            if isinstance(item, dict) and len(item) == 1:
                ((kind, opts),) = item.items()
                required.append((str(kind), dict(opts or {})))
        info = RoleInfo(
            id=data["id"], rel=rel, text=raw, organization=data.get("organization"),
            category=str(data.get("category", "other")), required=required,
        )  # fmt: skip
        if isinstance(data.get("caseload"), dict):
            info.caseload_max = int(data["caseload"]["max"])
            info.weights = {str(k): float(v) for k, v in (data["caseload"].get("weights") or {}).items()}
        if isinstance(data.get("term_limit"), dict):
            info.max_terms = int(data["term_limit"]["max_terms"])
        for entry in data.get("after_service") or []:
            bars = entry.get("bars") or {}
            info.after_service.append(
                (tuple(bars.get("categories", ())), tuple(bars.get("roles", ())), int(entry.get("months", 0)))
            )
        info.text = info.text.rstrip(b"\n") + b"\n" + versions_text(data)
        for req in data.get("activity") or []:
            info.activity.append((str(req["kind"]), req.get("tag"), float(req["min"]), req.get("service")))
        roles.append(info)
    if not roles:
        raise SystemExit("generate.py: the role catalog holds no usable role")
    return roles


VERSION_CITE = "Generated benchmark agreement"


def versions_text(data: dict[str, Any]) -> bytes:
    """Two compensation versions for a role paying a fixed or percentage stipend and having none of its own.

    Real contracts change pay by school year and pay in parts (SPEC 9.1, 9.2), so the statewide benchmark must too:
    from 2024-25 the stipend is paid as parts with funds (plus a per-member part where the role has a caseload),
    and from 2026-27 it is raised with `holders: keep`, so assignments begun before keep the 2024-25 parts. Other
    compensation keys (such as `ceu`) are carried into each version, since a version replaces the section whole.
    """
    comp = data.get("compensation")
    if "versions" in data or not isinstance(comp, dict) or not isinstance(comp.get("stipend"), dict):
        return b""
    stipend = comp["stipend"]
    if "amount" in stipend:
        base, raised = f"amount: {stipend['amount']}", f"amount: {round(float(stipend['amount']) * 1.1)}"
    elif "percent_of_base" in stipend:
        base, raised = (
            f"percent_of_base: {stipend['percent_of_base']}",
            f"percent_of_base: {stipend['percent_of_base'] + 1}",
        )
    else:
        return b""
    rest = "".join(f"      {key}: {json.dumps(value)}\n" for key, value in comp.items() if key != "stipend")
    member = (
        "        - {per_member: {amount: 250}, label: per member, fund: Title II-A}\n" if data.get("caseload") else ""
    )

    def version(term: str, stipend_form: str, keep: bool) -> str:
        return (
            f"  - from: {term}\n"
            f'    cite: "{VERSION_CITE} {term}"\n' + ("    holders: keep\n" if keep else "") + "    compensation:\n"
            "      parts:\n"
            f"        - {{{stipend_form}, label: stipend, fund: general}}\n"
            "        - {extra_days: 2, label: extra days, fund: Title II-A}\n"
            f"{member}{rest}"
        )

    return ("versions:\n" + version("2024-25", base, False) + version("2026-27", raised, True)).encode("utf-8")


# --- planning -----------------------------------------------------------------------------------------------------


@dataclass
class Plan:
    role: RoleInfo
    start: date
    end: date | None
    prior_terms: int = 0
    caseload: list[tuple[int, str | None]] | None = None  # (teacher number, service)


def _pick(rng: random.Random, items: list[Any], weights: list[float]) -> Any:
    return rng.choices(items, weights)[0]


def terms_counted(a: Plan) -> set[int]:
    """Terms an assignment counts toward a term limit: up to its end, or up to D - 1 day when open-ended."""
    stop = a.end if a.end is not None else AS_OF - timedelta(days=1)
    return {i for i, t in enumerate(TERMS) if a.start <= t.end and stop >= t.start and a.start <= stop}


def served(plans: list[Plan], role_id: str) -> int:
    mine = [p for p in plans if p.role.id == role_id]
    terms: set[int] = set()
    for p in mine:
        terms |= terms_counted(p)
    return len(terms) + sum(p.prior_terms for p in mine)


def plan_holder(rng: random.Random, choices: tuple[list[RoleInfo], list[float]]) -> list[Plan]:
    """Assignments of one holder: usually a current one, plus ended ones (or annual re-appointments)."""
    roles, weights = choices
    plans: list[Plan] = []
    status: tuple[str, ...] | None = None

    def compatible(role: RoleInfo) -> bool:
        wanted = role.status_in
        return status is None or wanted is None or bool(set(status) & set(wanted))

    def fits(candidate: list[Plan]) -> bool:
        for role in {p.role.id: p.role for p in candidate}.values():
            if role.max_terms is not None and served(candidate, role.id) > role.max_terms:
                return False
        for a in candidate:  # cooling-off: an ended assignment bars later starts
            if a.end is None:
                continue
            for b in candidate:
                if b is not a and b.start > a.end and a.role.bars(b.role, a.end, b.start):
                    return False
        for a in candidate:  # no overlap of the same role
            for b in candidate:
                if (
                    a is not b
                    and a.role.id == b.role.id
                    and a.start <= (b.end or date.max)
                    and b.start <= (a.end or date.max)
                    and a.start <= b.start
                ):
                    return False
        return True

    if rng.random() < 0.86:  # a current assignment
        for _ in range(6):
            role = _pick(rng, roles, weights)
            if not compatible(role):
                continue
            back = rng.choice((0, 0, 0, 0, 1, 1, 2, 3))
            first = max(MIN_START, CURRENT - back)
            if role.annual:
                cand = [Plan(role, TERMS[k].start, TERMS[k].end) for k in range(first, CURRENT + 1)]
            else:
                start = TERMS[first].start
                if first == CURRENT and rng.random() < 0.12:  # a mid-year appointment
                    start += timedelta(days=rng.randrange(21, 140))
                end = None if rng.random() < 0.8 else TERMS[CURRENT].end
                cand = [Plan(role, start, end)]
            if fits(plans + cand):
                plans += cand
                status = status or role.status_in
                break
    n_hist = rng.choice((0, 0, 1, 1, 1, 2)) if plans else rng.choice((1, 1, 2))
    for _ in range(n_hist):
        boundary = min((term_at(p.start) for p in plans), default=CURRENT)
        for _ in range(6):
            role = _pick(rng, roles, weights)
            if not compatible(role):
                continue
            end_idx = boundary - 1 - rng.choice((0, 0, 1))
            if not plans:
                end_idx = CURRENT - 1 - rng.choice((0, 0, 1, 2))
            length = rng.choice((1, 1, 2, 3)) if not role.annual else 1
            start_idx = end_idx - length + 1
            if start_idx < MIN_START:
                break
            end = TERMS[end_idx].end
            if rng.random() < 0.12:  # left before the term ended
                end = TERMS[end_idx].start + timedelta(days=rng.randrange(60, 200))
            cand = [Plan(role, TERMS[start_idx].start, end)]
            if fits(plans + cand):
                plans += cand
                status = status or role.status_in
                break
    if plans and rng.random() < 0.08:  # terms served before records began
        first = min(plans, key=lambda p: p.start)
        room = 2 if first.role.max_terms is None else first.role.max_terms - served(plans, first.role.id)
        if room > 0:
            first.prior_terms = rng.randint(1, min(2, room))
    plans.sort(key=lambda p: (p.start, p.role.id))
    return plans


def fill_caseloads(rng: random.Random, plans: list[Plan], me: int, n: int, excluded: set[int]) -> bool:
    """Caseloads for capped roles (and mentees for mentors and coaches). True when written over the cap."""
    over = False
    for p in plans:
        current = p.end is None or p.end >= AS_OF
        capped = p.role.caseload_max is not None
        if not capped and not (p.role.category in ("mentoring", "coaching") and rng.random() < 0.6):
            continue
        if not capped and not current and rng.random() < 0.5:
            continue
        if capped:
            cap = p.role.caseload_max or 0
            target = rng.randint(max(1, cap // 2), cap)
            if current and rng.random() < CAP_OVER_RATE:
                target = cap + rng.randint(1, 2)
                over = True
        else:
            target = rng.randint(1, 6)
        members: list[tuple[int, str | None]] = []
        used = {me}
        size = 0.0
        tries = 0
        while size < target and tries < 20 * (target + 1) and len(used) < n:
            tries += 1
            other = rng.randint(1, n)
            if other in used or other in excluded:
                continue
            service = None
            if capped and rng.random() < 0.2:
                service = "PAR"
            elif not capped and rng.random() < 0.15:
                service = "induction"
            w = p.role.weights.get(service, 1.0) if service else 1.0
            if size + w > target:
                if service is None:
                    break
                continue
            used.add(other)
            members.append((other, service))
            size += w
        p.caseload = members if members else None
    return over


# --- one teacher --------------------------------------------------------------------------------------------------


@dataclass
class Needs:
    """What an assignment holder's record must show so that each written rule passes on each start date."""

    first_start: date
    status: str | None = None
    memberships: list[str] = field(default_factory=list)
    experience: list[tuple[str | None, float, str | None]] = field(default_factory=list)  # employer, years, tag
    licenses: list[tuple[list[str], list[str], bool]] = field(default_factory=list)
    degree: int = -1
    clearances: list[str] = field(default_factory=list)
    rating_min: int = -1
    credentials: list[str] = field(default_factory=list)
    courses: list[str] = field(default_factory=list)
    course_count: int = 0


def needs_of(plans: list[Plan]) -> Needs:
    needs = Needs(first_start=min(p.start for p in plans))
    for p in plans:
        for kind, o in p.role.required:
            if kind == "status" and o.get("in") and needs.status is None:
                needs.status = str(o["in"][0])
            elif kind == "membership" and o.get("any_of"):
                if not set(needs.memberships) & set(o["any_of"]):
                    needs.memberships.append(str(o["any_of"][0]))
            elif kind == "experience":
                needs.experience.append((o.get("employer"), float(o.get("min_years", 0)), o.get("tag")))
            elif kind == "license":
                needs.licenses.append(
                    (list(o.get("states", [])), list(o.get("types", [])), bool(o.get("allow_pending")))
                )
            elif kind == "degree" and o.get("min") in DEGREES:
                needs.degree = max(needs.degree, DEGREES.index(o["min"]))
            elif kind == "clearances":
                needs.clearances += [k for k in o.get("kinds", []) if k not in needs.clearances]
            elif kind == "evaluation":
                needs.rating_min = max(needs.rating_min, RATINGS.index(o["min"]) if o.get("min") in RATINGS else 2)
            elif kind == "credentials":
                wanted = list(o.get("all_of", [])) + list(o.get("any_of", [])[:1])
                needs.credentials += [c for c in wanted if c not in needs.credentials]
            elif kind == "coursework":
                needs.courses += [c for c in o.get("all_of", []) if c not in needs.courses]
                needs.course_count = max(needs.course_count, int(o.get("min_count", 0)))
    return needs


def _flow(items: list[tuple[str, str]]) -> str:
    return "{" + ", ".join(f"{k}: {v}" for k, v in items) + "}"


def _rand_date(rng: random.Random, lo: date, hi: date) -> date:
    span = (hi - lo).days
    return lo + timedelta(days=rng.randint(0, span)) if span > 0 else lo


def teacher_text(
    rng: random.Random,
    num: int,
    tid: str,
    width: int,
    district: District,
    schools: list[str],
    plans: list[Plan] | None,
    expiring: bool,
) -> str:
    """One teacher file. `plans` (assignment holders only) drive a record that meets every required rule."""
    needs = needs_of(plans) if plans else None
    # an intended `expiring` warning goes on a required clearance that expires, else on the first license
    expiring_target = None
    if expiring and needs is not None:
        expiring_target = "license"
        for kind in needs.clearances:
            if kind != "fingerprint":
                expiring_target = kind
                break
    out: list[str] = [f"id: {tid}", f"name: {rng.choice(FIRST)} {rng.choice(LAST)}"]
    if needs is None and rng.random() < 0.15:  # a second last name now and then
        out[-1] += f"-{rng.choice(LAST)}"
    if rng.random() < 0.97 or needs is not None:
        out.append(f"school: {rng.choice(schools)}")
    # status and memberships
    if needs is not None and needs.status:
        out.append(f"status: {needs.status}")
    elif rng.random() < 0.97:
        out.append(f"status: {_pick(rng, [s for s, _ in STATUSES], [w for _, w in STATUSES])}")
    r = rng.random()
    members: list[str] | None
    if needs is not None:
        members = [district.union] + [m for m in needs.memberships if m != district.union]
    elif r < 0.78:
        members = [district.union]
        if rng.random() < 0.1:
            members.append("NEA")
    elif r < 0.93:
        members = []
    else:
        members = None
    if members is not None:
        out.append(f"memberships: [{', '.join(members)}]")
    salary_present = needs is not None or rng.random() < 0.98
    if salary_present:
        out.append(f"base_salary: {rng.randrange(4650000, 12400000) / 100:.2f}")
    if rng.random() < 0.04:
        out.append(f"contract_days: {rng.choice((183, 185, 190, 196))}")

    # experience
    margin_years = rng.randint(1, 14)
    if needs is not None:
        need_years = max([y for _, y, _ in needs.experience] + [0.0])
        hire = _rand_date(rng, add_years(needs.first_start, -int(need_years) - margin_years - 1),
                          add_years(needs.first_start, -int(need_years) - margin_years))  # fmt: skip
        hire = date(hire.year, 8, rng.randint(20, 31))
    else:
        years_in = int(rng.triangular(0, 34, 4))
        hire = date(2025 - years_in, 8, rng.randint(18, 31))
        if years_in == 0 and rng.random() < 0.3:
            hire = date(2025, 8, 25) + timedelta(days=rng.randrange(0, 150))  # hired this year
    experience: list[str] | None = []
    home: list[tuple[str, str]] = [("employer", district.code), ("start", hire.isoformat())]
    if needs is None and rng.random() < 0.08:
        home.append(("fte", rng.choice(("0.5", "0.6", "0.8"))))
    tags = sorted({t for _, _, t in (needs.experience if needs else []) if t})
    if not tags and rng.random() < 0.12:
        tags = [rng.choice(TAGS)]
    if tags:
        home.append(("tags", f"[{', '.join(tags)}]"))
    experience.append(_flow(home))
    if needs is not None:
        for employer, years, tag in needs.experience:
            if employer is not None and employer != district.code:
                extra = [("employer", employer), ("years", str(int(years) + 1))]
                if tag:
                    extra.append(("tags", f"[{tag}]"))
                experience.append(_flow(extra))
    if rng.random() < 0.35 and hire.year > 1995:
        prior_end = hire - timedelta(days=rng.randint(40, 120))
        prior_years = rng.randint(1, 6)
        if rng.random() < 0.5:
            entry = [("employer", rng.choice(OTHER_EMPLOYERS)),
                     ("start", date(prior_end.year - prior_years, 8, 27).isoformat()), ("end", prior_end.isoformat())]  # fmt: skip
        else:
            entry = [("employer", rng.choice(OTHER_EMPLOYERS)), ("years", str(prior_years))]
            if rng.random() < 0.3:
                entry.append(("tags", f"[{rng.choice(TAGS)}]"))
        experience.insert(0, _flow(entry))
    if needs is None:
        r = rng.random()
        if r < 0.03:
            experience = None
        elif r < 0.04:
            experience = []

    # licenses
    licenses: list[str] | None = []
    issued = date(max(hire.year, 1990), 7, 1)
    if needs is not None:
        states_needed = []
        for states, types, _pending in needs.licenses:
            state = district.state if district.state in states else (states[0] if states else district.state)
            typ = types[0] if types else district.license_types[0] if state == district.state else "professional"
            states_needed.append((state, typ))
        if not states_needed:
            states_needed.append((district.state, district.license_types[0]))
        for j, (state, typ) in enumerate(dict.fromkeys(states_needed)):
            lic_issued = min(issued, needs.first_start - timedelta(days=rng.randint(30, 400)))
            expires = date(rng.randint(AS_OF.year + 1, AS_OF.year + 6), 6, 30)
            if expiring and j == 0 and expiring_target == "license":
                expires = AS_OF + timedelta(days=rng.randint(3, EXPIRING_WINDOW - 3))
            licenses.append(_flow([("state", state), ("type", typ), ("number", f'"{rng.randrange(10**7):07d}"'),
                                   ("status", "active"), ("issued", lic_issued.isoformat()), ("expires", expires.isoformat())]))  # fmt: skip
    else:
        r = rng.random()
        if r < 0.04:
            licenses = None
        elif r < 0.06:
            licenses = []
        else:
            typ = rng.choice(district.license_types)
            expires = add_years(issued, rng.choice((5, 5, 5, 10)))
            while expires < AS_OF and rng.random() < 0.85:  # most teachers renew
                issued, expires = expires + timedelta(days=1), add_years(expires, 5)
            status = "active" if expires >= AS_OF else rng.choice(("expired", "active"))
            if typ == "provisional" and rng.random() < 0.3:
                status = "pending"
            items = [("state", district.state), ("type", typ), ("number", f'"{rng.randrange(10**7):07d}"')]
            if rng.random() < 0.9:
                items.append(("status", status))
            items += [("issued", issued.isoformat()), ("expires", expires.isoformat())]
            licenses.append(_flow(items))
            if rng.random() < 0.08:
                other = rng.choice([d for d in DISTRICTS if d.state != district.state])
                old = date(rng.randint(1998, 2020), 7, 1)
                licenses.append(_flow([("state", other.state), ("type", other.license_types[0]),
                                       ("status", "expired"), ("issued", old.isoformat()),
                                       ("expires", add_years(old, 5).isoformat())]))  # fmt: skip

    # degrees
    degrees: list[str] | None = []
    level = 1 if rng.random() < 0.97 else 0
    if rng.random() < 0.55:
        level = 2
    if rng.random() < 0.05:
        level = rng.choice((3, 4))
    if needs is not None:
        level = max(level, needs.degree)
    field_ = rng.choice(FIELDS)
    for lv in range(min(level, 1), level + 1):
        if lv in (0, 1) or lv == level or rng.random() < 0.5:
            degrees.append(_flow([("level", DEGREES[lv]), ("field", field_ if lv <= 1 else rng.choice(FIELDS))]))
    if needs is None and rng.random() < 0.02:
        degrees = None

    # clearances
    clearances: list[str] | None = []
    fp = hire - timedelta(days=rng.randint(20, 60))
    kinds = list(needs.clearances) if needs is not None else []
    if rng.random() < 0.9:
        kinds.append("fingerprint")
    if needs is None and rng.random() < 0.5:
        kinds.append("tuberculosis")
    for kind in dict.fromkeys(kinds):
        if kind == "fingerprint":
            clearances.append(_flow([("kind", kind), ("date", fp.isoformat())]))
        else:
            if needs is not None:
                when = needs.first_start - timedelta(days=rng.randint(20, 200))
                exp = date(rng.randint(AS_OF.year + 1, AS_OF.year + 3), rng.randint(1, 12), 15)
                if kind == expiring_target:
                    exp = AS_OF + timedelta(days=rng.randint(3, EXPIRING_WINDOW - 3))
            else:
                when = _rand_date(rng, max(hire, date(2019, 1, 1)), date(2025, 8, 15))
                exp = add_years(when, 3)
            clearances.append(_flow([("kind", kind), ("date", when.isoformat()), ("expires", exp.isoformat())]))
    if needs is None and rng.random() < 0.06:
        clearances = None

    # evaluations: the ended terms since hire; veterans on a two-year cycle skip some
    evaluations: list[str] | None = []
    hired_term = max(0, term_at(hire + timedelta(days=30)))
    for k in ENDED:
        if k < hired_term:
            continue
        if needs is None and k < ENDED[-1] and rng.random() < 0.25:
            continue
        if needs is not None and needs.rating_min >= 0:
            rating = RATINGS[max(needs.rating_min, 2 if rng.random() < 0.7 else 3)]
        else:
            rating = _pick(rng, list(RATINGS), [3, 12, 65, 20])
        evaluations.append(_flow([("term", TERMS[k].id), ("rating", rating)]))
    if needs is None and rng.random() < 0.05:
        evaluations = None

    # credentials
    credentials: list[str] | None = []
    creds = list(needs.credentials) if needs is not None else []
    if rng.random() < 0.1:
        creds.append("national-board")
    if needs is None and rng.random() < 0.03:
        creds.append("teacher-leader-certification")
    if rng.random() < 0.08:
        creds.append(rng.choice(CREDENTIALS[1:]))
    for cid in dict.fromkeys(creds):
        latest = needs.first_start - timedelta(days=30) if needs is not None else date(2025, 12, 31)
        when = _rand_date(
            rng,
            max(hire, date(2010, 1, 1)) if max(hire, date(2010, 1, 1)) < latest else latest - timedelta(days=400),
            latest,
        )
        items = [("id", cid), ("date", when.isoformat())]
        if cid == "national-board":
            exp = add_years(when, 10)
            if needs is None or exp > AS_OF + timedelta(days=EXPIRING_WINDOW + 5):
                items.append(("expires", exp.isoformat()))
        credentials.append(_flow(items))
    if needs is None and rng.random() < 0.45:
        credentials = None if rng.random() < 0.6 else credentials

    # coursework
    coursework: list[str] | None = []
    courses = list(needs.courses) if needs is not None else []
    extra = rng.choice((0, 0, 1, 2, 3, 5)) + (needs.course_count if needs is not None else 0)
    courses += rng.sample(COURSES, min(extra, len(COURSES)))
    for cid in dict.fromkeys(courses):
        latest = needs.first_start - timedelta(days=10) if needs is not None else date(2025, 12, 31)
        lo = date(2012, 1, 1) if date(2012, 1, 1) < latest else latest - timedelta(days=300)
        coursework.append(_flow([("id", cid), ("date", _rand_date(rng, lo, latest).isoformat())]))
    if needs is None and not coursework and rng.random() < 0.5:
        coursework = None

    for key, items in (("experience", experience), ("licenses", licenses), ("degrees", degrees),
                       ("clearances", clearances), ("evaluations", evaluations),
                       ("credentials", credentials), ("coursework", coursework)):  # fmt: skip
        if items is None:
            continue
        if not items:
            out.append(f"{key}: []")
            continue
        out.append(f"{key}:")
        out.extend(f"  - {item}" for item in items)

    if plans:
        out.append("assignments:")
        for p in plans:
            out.append(f"  - role: {p.role.id}")
            out.append(f"    start: {p.start.isoformat()}")
            if p.end is not None:
                out.append(f"    end: {p.end.isoformat()}")
            elif rng.random() < 0.3:
                out.append("    end: null")
            if p.caseload:
                labels = [
                    f"t-{m:0{width}d}" if s is None else f"{{teacher: t-{m:0{width}d}, service: {s}}}"
                    for m, s in p.caseload
                ]
                if len(labels) > 6:
                    out.append("    caseload:")
                    out.extend(f"      - {lab}" for lab in labels)
                else:
                    out.append(f"    caseload: [{', '.join(labels)}]")
            if p.prior_terms:
                out.append(f"    prior_terms: {p.prior_terms}")
    elif rng.random() < 0.03:
        out.append("assignments: []")
    return "\n".join(out) + "\n"


# --- credits toward license renewal (SPEC 10.2) ----------------------------------------------------------------

COURSE_CREDITS = ("0.5", "1", "1", "1.5", "2", "3")
RENEWAL_CREDITS = ("2", "3", "5", "10")


def with_credits(text: str, rng: random.Random) -> str:
    """An assignment holder's file with credits: about half of its courses carry `credits`, and half of the
    holders' first license a `renewal: {credits: N}`. Added to the written lines (inside their flow mappings, so
    no line moves) from a random stream of their own, so every other byte and every other answer of the
    generated repository stays as it was before credits existed."""
    out = []
    section = ""
    licensed = False
    for line in text.split("\n"):
        if line and not line.startswith(" "):
            section = line.split(":", 1)[0]
        elif section == "coursework" and line.startswith("  - {") and rng.random() < 0.5:
            line = f"{line[:-1]}, credits: {rng.choice(COURSE_CREDITS)}}}"
        elif section == "licenses" and line.startswith("  - {") and not licensed:
            licensed = True
            if rng.random() < 0.5:
                line = f"{line[:-1]}, renewal: {{credits: {rng.choice(RENEWAL_CREDITS)}}}}}"
        out.append(line)
    return "\n".join(out)


def activity_text(rng: random.Random, plans: list[Plan] | None, width: int) -> str:
    """SPEC 10.1: the activity entries of a holder's last assignment, when its role requires activity and it has a
    caseload: for each term it overlaps before AS_OF and each member a requirement applies to, about the
    requirement's minimum (most meet it, some fall one short), dated on days of the term, the assignment and before
    AS_OF. Appended after the file's last line (the last assignment's last key), so no line before it moves, and
    drawn from a random stream of its own, so every other byte of the repository is as before activity existed."""
    if not plans:
        return ""
    p = plans[-1]
    if not p.role.activity or not p.caseload:
        return ""
    last_day = AS_OF - timedelta(days=1)
    if p.end is not None and p.end < last_day:
        last_day = p.end
    entries: list[tuple[date, str]] = []
    for term in TERMS:
        lo, hi = max(term.start, p.start), min(term.end, last_day)
        if hi < lo:
            continue
        for member, service in p.caseload:
            tid = f"t-{member:0{width}d}"
            for kind, tag, minimum, wanted in p.role.activity:
                if wanted is not None and service != wanted:
                    continue
                count = int(minimum) if rng.random() < 0.85 else max(0, int(minimum) - 1)
                for _ in range(count):
                    day = _rand_date(rng, lo, hi)
                    if kind == "hours":
                        hours = rng.choice(("0.5", "0.75", "1", "1.5", "2"))
                        entries.append(
                            (day, f"{{date: {day.isoformat()}, member: {tid}, kind: meeting, hours: {hours}}}")
                        )
                    else:
                        tagged = f", tag: {tag}" if tag is not None else ""
                        entries.append((day, f"{{date: {day.isoformat()}, member: {tid}, kind: {kind}{tagged}}}"))
    if not entries:
        return ""
    entries.sort(key=lambda e: e[0])  # stable: one day's entries keep their order
    return "    activity:\n" + "".join(f"      - {text}\n" for _, text in entries)


def break_text(text: str, kind: str, rng: random.Random, role_ids: list[str]) -> str:
    """Damage a valid teacher file so that it yields exactly one problem of `kind`."""
    lines = text.splitlines()
    if kind == "yaml-syntax":  # an unterminated quoted scalar swallows the rest of the file
        lines = [f'name: "{ln[6:]}' if ln.startswith("name: ") else ln for ln in lines]
    elif kind == "duplicate-key":
        lines.append(f"name: {rng.choice(FIRST)} {rng.choice(LAST)}")
    elif kind == "schema":  # a misspelt key
        if any(ln.startswith("base_salary: ") for ln in lines):
            lines = [
                ("salary: " + ln[len("base_salary: ") :]) if ln.startswith("base_salary: ") else ln for ln in lines
            ]
        else:
            lines.insert(2, "salary: 61000.00")
    elif kind == "unknown-role":
        rid = rng.choice(role_ids)
        typo = rid[:-2] + rid[-1]  # drop a letter
        while typo in role_ids:
            typo += "x"
        lines = [ln for ln in lines if not ln.startswith("assignments:")]
        lines += ["assignments:", f"  - role: {typo}", "    start: 2024-08-26", "    end: 2025-06-13"]
    elif kind == "date-order":
        entry = "  - {employer: Revere Public Schools, start: 2015-08-24, end: 2014-06-13}"
        if "experience:" in lines:
            lines.insert(lines.index("experience:") + 1, entry)
        else:
            lines = [ln for ln in lines if not ln.startswith("experience: ")]
            lines[2:2] = ["experience:", entry]
    elif kind == "unknown-term":  # an evaluation in a school year that tlt.yaml does not have
        entry = "  - {term: 1991-92, rating: proficient}"
        lines = [ln for ln in lines if not ln.startswith("evaluations: ")]
        if "evaluations:" in lines:
            lines.insert(lines.index("evaluations:") + 1, entry)
        else:
            lines += ["evaluations:", entry]
    else:  # pragma: no cover
        raise ValueError(kind)
    return "\n".join(lines) + "\n"


# --- the repository -----------------------------------------------------------------------------------------------


def config_text(n: int, seed: int) -> str:
    terms = "\n".join(f"  - {{id: {t.id}, start: {t.start.isoformat()}, end: {t.end.isoformat()}}}" for t in TERMS)
    return (
        f"# Generated by benchmarks/generate.py ({n} teachers, seed {seed}): synthetic data, not real people.\n"
        "program: Statewide Teacher Leadership Program\n"
        "organization: STATE\n"
        "roles: [roles]\n"
        "teachers: [teachers]\n"
        "rating_scale: [unsatisfactory, needs_improvement, proficient, exemplary]\n"
        "contract_days: 185\n"
        f"terms:\n{terms}\n"
    )


def generate(
    n: int, out: Path, seed: int = 1, broken: int = 0, holders: float = 0.08, catalog: str | None = None
) -> dict[str, Any]:
    """Write the repository; return the manifest (also written to DIR/.tlt-benchmark.json)."""
    if n < 1:
        raise SystemExit("generate.py: N must be at least 1")
    if broken > n:
        raise SystemExit("generate.py: --broken cannot exceed N")
    roles = [r for r in load_catalog(find_catalog(catalog))]
    catalog_hash = hashlib.sha256(b"".join(r.rel.encode() + b"\0" + r.text for r in roles)).hexdigest()[:16]
    width = max(6, len(str(n)))
    plan_rng = random.Random(f"tlt-benchmark/{seed}/plan")
    district_codes = {d.code for d in DISTRICTS}

    # who works where, and which roles each district's teachers can hold
    districts = plan_rng.choices(DISTRICTS, [d.weight for d in DISTRICTS], k=n)
    schools: dict[str, list[str]] = {}
    for d in DISTRICTS:
        places = plan_rng.sample(PLACES, 24)
        schools[d.code] = [f"{p} {plan_rng.choice(LEVELS)}" for p in places]
    role_choices: dict[str, tuple[list[RoleInfo], list[float]]] = {}
    for d in DISTRICTS:
        mine = [r for r in roles if r.assignable and (r.organization == d.code or r.organization not in district_codes)]
        weights = [CATEGORY_WEIGHTS.get(r.category, 1) * (1.0 if r.organization == d.code else 0.4) for r in mine]
        role_choices[d.code] = (mine, weights)

    # assignment holders, then the broken files among the others, then the plans (caseloads avoid broken files)
    holder_count = round(n * holders) if n > 1 else 0
    holder_nums = sorted(plan_rng.sample(range(1, n + 1), holder_count))
    holder_set = set(holder_nums)
    others = [i for i in range(1, n + 1) if i not in holder_set]
    broken_nums = sorted(plan_rng.sample(others, min(broken, len(others))))
    if len(broken_nums) < broken:
        raise SystemExit("generate.py: too few non-holders to break; lower --broken or --holders")
    broken_set = set(broken_nums)
    plans: dict[int, list[Plan]] = {}
    over_cap: set[int] = set()
    expiring: set[int] = set()
    for num in holder_nums:
        choices = role_choices[districts[num - 1].code]
        if not choices[0]:
            continue
        p = plan_holder(plan_rng, choices)
        if not p:
            continue
        if fill_caseloads(plan_rng, p, num, n, broken_set):
            over_cap.add(num)
        if any(a.start <= AS_OF and (a.end is None or a.end >= AS_OF) for a in p) and plan_rng.random() < EXPIRING_RATE:
            expiring.add(num)
        plans[num] = p

    # write
    if out.exists() and any(out.iterdir()):
        if not (out / MANIFEST).is_file():
            raise SystemExit(f"generate.py: {out} is not empty and was not made by this generator; choose another DIR")
        shutil.rmtree(out)
    out.mkdir(parents=True, exist_ok=True)
    (out / MANIFEST).write_text('{"complete": false}\n', encoding="utf-8")  # marks the folder as ours, unfinished
    (out / "tlt.yaml").write_text(config_text(n, seed), encoding="utf-8")
    for r in roles:
        target = out / "roles" / r.rel
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(r.text)
    role_ids = sorted(r.id for r in roles)
    counters: dict[str, int] = {}
    made_dirs: set[str] = set()
    broken_files: dict[str, str] = {}
    intended: list[dict[str, str]] = []
    files: list[str] = []
    write_rng = random.Random(f"tlt-benchmark/{seed}/write")
    credit_rng = random.Random(f"tlt-benchmark/{seed}/credits")  # its own stream: write_rng's draws stay as they were
    activity_rng = random.Random(f"tlt-benchmark/{seed}/activity")  # SPEC 10.1: a stream of its own
    for num in range(1, n + 1):
        d = districts[num - 1]
        k = counters.get(d.code, 0)
        counters[d.code] = k + 1
        folder = f"teachers/{d.code.lower()}-{k // 1000:03d}"
        if folder not in made_dirs:
            (out / folder).mkdir(parents=True, exist_ok=True)
            made_dirs.add(folder)
        tid = f"t-{num:0{width}d}"
        rel = f"{folder}/{tid}.yaml"
        files.append(rel)
        text = teacher_text(write_rng, num, tid, width, d, schools[d.code], plans.get(num), num in expiring)
        if num in plans:
            text = with_credits(text, credit_rng)
        text += activity_text(activity_rng, plans.get(num), width)
        if num in broken_set:
            kind = BROKEN_KINDS[broken_nums.index(num) % len(BROKEN_KINDS)]
            text = break_text(text, kind, write_rng, role_ids)
            broken_files[rel] = kind
        if num in over_cap:
            intended.append({"path": rel, "code": "caseload-cap", "severity": "error"})
        if num in expiring:
            intended.append({"path": rel, "code": "expiring", "severity": "warning"})
        with open(out / rel, "w", encoding="utf-8", newline="\n") as handle:
            handle.write(text)

    assignments = sum(len(p) for p in plans.values())
    manifest = {
        "complete": True,
        "generator_version": GENERATOR_VERSION,
        "generator_hash": hashlib.sha256(Path(__file__).read_bytes()).hexdigest()[:16],
        "teachers": n,
        "seed": seed,
        "holders_rate": holders,
        "as_of": AS_OF.isoformat(),
        "catalog": str(find_catalog(catalog) or "built-in"),
        "catalog_hash": catalog_hash,
        "roles": len(roles),
        "role_files": [f"roles/{r.rel}" for r in roles],
        "files": 1 + len(roles) + n,
        "holders": len(plans),
        "assignments": assignments,
        "current_assignments": sum(
            1 for p in plans.values() for a in p if a.start <= AS_OF and (a.end is None or a.end >= AS_OF)
        ),
        "caseload_members": sum(len(a.caseload or ()) for p in plans.values() for a in p),
        "folders": len(made_dirs),
        "broken": broken_files,
        "intended": intended,
    }
    (out / MANIFEST).write_text(json.dumps(manifest, indent=2) + "\n", encoding="utf-8")
    return manifest


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(
        description=__doc__.split("\n\n")[0], formatter_class=argparse.RawDescriptionHelpFormatter
    )
    ap.add_argument("n", type=int, help="number of teachers")
    ap.add_argument("dir", type=Path, help="output folder (created; replaced if made by this generator before)")
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--broken", type=int, default=0, metavar="K", help="write K deliberately broken teacher files")
    ap.add_argument("--holders", type=float, default=0.08, help="share of teachers holding assignments (0.08)")
    ap.add_argument("--catalog", help="folder of role files (default: this checkout's roles/)")
    ap.add_argument("--quiet", "-q", action="store_true")
    args = ap.parse_args(argv)
    import time

    t0 = time.perf_counter()
    manifest = generate(args.n, args.dir, args.seed, args.broken, args.holders, args.catalog)
    if not args.quiet:
        print(
            f"wrote {args.dir}: {manifest['teachers']} teachers in {manifest['folders']} folders, {manifest['roles']} roles, "
            f"{manifest['assignments']} assignments ({manifest['holders']} holders), {len(manifest['broken'])} broken files, "
            f"{len(manifest['intended'])} intended problems in {time.perf_counter() - t0:.1f} s",
            file=sys.stderr,
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
