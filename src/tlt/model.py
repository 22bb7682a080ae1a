"""The model: dataclasses built from schema-valid documents, immutable by convention (`slots=True` without
`frozen`, whose per-field `object.__setattr__` slows building the model: docs/performance.md, "Figures behind
the code"). Dates become `datetime.date` and money `Decimal` here and nowhere earlier. Imports nothing from tlt.

Absent versus empty (SPEC 2.3): a list field that was absent from the file is `None` ("not recorded"); an empty
list is `()` ("recorded, none"). Every object that a problem may point at keeps `src`: the file and the node
path inside it, so positions are looked up only when a problem is reported.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import date
from decimal import Decimal
from typing import Any, NamedTuple

DEGREE_LEVELS = ("associate", "bachelor", "master", "specialist", "doctorate")
DEFAULT_RATING_SCALE = ("unsatisfactory", "needs_improvement", "proficient", "exemplary")
CATEGORIES = (
    "mentoring", "coaching", "curriculum", "department", "intervention", "advisory",
    "leadership-pipeline", "pathway", "administrator", "other",
)  # fmt: skip

NodePath = tuple[str | int, ...]
Date = date  # for classes whose field is called `date`


class Src(tuple):  # type: ignore[type-arg]
    """Where a model object came from: a file (relative path) and the node path inside it. `src["key"][0]` is a
    child's place. A tuple underneath, made without a Python-level __init__: the model makes more of them than of
    anything else (docs/performance.md, "Figures behind the code")."""

    __slots__ = ()

    def __new__(cls, file: str, node: NodePath = ()) -> Src:
        return tuple.__new__(cls, (file, node))

    @property
    def file(self) -> str:
        return tuple.__getitem__(self, 0)  # type: ignore[no-any-return]

    @property
    def node(self) -> NodePath:
        return tuple.__getitem__(self, 1)  # type: ignore[no-any-return]

    def __getitem__(self, key: str | int) -> Src:  # type: ignore[override]
        return tuple.__new__(Src, (tuple.__getitem__(self, 0), tuple.__getitem__(self, 1) + (key,)))

    def __getnewargs__(self) -> tuple[str, NodePath]:  # type: ignore[override]
        return (self.file, self.node)

    def __repr__(self) -> str:
        return f"Src({self.file!r}, {self.node!r})"


@dataclass(slots=True)
class Term:
    id: str
    start: date
    end: date
    src: Src

    @property
    def days(self) -> int:
        return (self.end - self.start).days + 1

    def contains(self, d: date) -> bool:
        return self.start <= d <= self.end


@dataclass(slots=True)
class Config:
    program: str
    organization: str
    role_dirs: tuple[str, ...]
    teacher_dirs: tuple[str, ...]
    rating_scale: tuple[str, ...]
    contract_days: int | None
    terms: tuple[Term, ...]
    src: Src
    #: SPEC 10.2: the unit `tlt credits` names its credits in (`credit_unit`, default CEU)
    credit_unit: str = "CEU"

    def term(self, term_id: str) -> Term | None:
        return next((t for t in self.terms if t.id == term_id), None)


class Choices(list):  # type: ignore[type-arg]
    """A list of options from a role file (states, statuses, kinds, ids): the list as written, for messages and
    order, with its set, so that `x in choices` costs the same for 1 option or 100,000 (a rule asks it for every
    teacher and date; `rules.base.as_set` hands out the set itself)."""

    __slots__ = ("set",)

    def __init__(self, items: list[Any]) -> None:
        super().__init__(items)
        self.set: frozenset[Any] = frozenset(items)

    def __contains__(self, item: object) -> bool:
        try:
            return item in self.set
        except TypeError:  # an unhashable value is in no list of text
            return list.__contains__(self, item)


def _choices(options: dict[str, Any]) -> dict[str, Any]:
    """A rule's options with each list of text as `Choices`."""
    return {
        key: Choices(value) if isinstance(value, list) and all(isinstance(v, str) for v in value) else value
        for key, value in options.items()
    }


@dataclass(slots=True)
class RuleSpec:
    """One written rule: its kind, its options (as in the file, minus `cite`), its citation and its place."""

    kind: str
    options: dict[str, Any]
    cite: str | None
    required: bool
    src: Src


@dataclass(slots=True)
class TermLimit:
    max_terms: int
    cite: str | None
    src: Src


@dataclass(slots=True)
class CaseloadSpec:
    max: int
    weights: dict[str, Decimal]
    src: Src

    def weight(self, service: str | None) -> Decimal:
        if service is None:
            return Decimal(1)
        return self.weights.get(service, Decimal(1))


@dataclass(slots=True)
class Staffing:
    min_percent: Decimal | None
    max_percent: Decimal | None
    src: Src


@dataclass(slots=True)
class AfterService:
    categories: tuple[str, ...]
    roles: tuple[str, ...]
    months: int
    cite: str | None
    src: Src

    def bars(self, role: Role) -> bool:
        return role.id in self.roles or role.category in self.categories


@dataclass(slots=True)
class Stipend:
    """One part of a role's pay (SPEC 2.2, 9.2): exactly one of amount, percent_of_base, extra_days is set, or
    `unspecified`; `per_member` (amount or percent_of_base only) pays it for each caseload member. A role's
    `compensation.stipend` is one part whose `part` is None (no label, no fund); each of `compensation.parts`
    has `part`, its label or else its position from 1."""

    amount: Decimal | None = None
    percent_of_base: Decimal | None = None
    extra_days: Decimal | None = None
    unspecified: bool = False
    cite: str | None = None
    per_member: bool = False
    label: str | None = None
    fund: str | None = None
    part: str | None = None
    #: the `cite` of the version the stipend comes from, when the stipend has none of its own (SPEC 9.1)
    version_cite: str | None = None


@dataclass(slots=True)
class Requirement:
    """One entry of a role's `activity` (SPEC 10.1): at least `min` of `kind` (and `tag`) with each caseload member
    (of `service`, when given) per term; `kind` hours sums the entries' hours instead of counting them. `min` is a
    whole number for a counted kind (the schema says so), a Decimal of hours for kind hours."""

    kind: str
    tag: str | None
    min: Decimal
    service: str | None
    cite: str | None
    src: Src

    @property
    def label(self) -> str:
        """How a row or a message names it: `observation (announced)`, `hours`."""
        return self.kind if self.tag is None else f"{self.kind} ({self.tag})"

    @property
    def hours(self) -> bool:
        return self.kind == HOURS


#: the requirement kind that sums entries' hours instead of counting entries (SPEC 10.1)
HOURS = "hours"


@dataclass(slots=True)
class Role:
    id: str
    title: str
    organization: str | None
    category: str
    description: str | None
    source: str | None
    reports_to: str | None
    required: tuple[RuleSpec, ...]
    preferred: tuple[RuleSpec, ...]
    term_limit: TermLimit | None
    caseload: CaseloadSpec | None
    staffing: Staffing | None
    after_service: tuple[AfterService, ...]
    parts: tuple[Stipend, ...]  # the pay in part order: () with no stipend, one part for `stipend`
    ceu: Decimal | None
    work_days: int | None
    src: Src
    #: SPEC 9.1: the changes by term, in file order (`role_in_force` applies them)
    versions: tuple[RoleVersion, ...] = ()
    #: the role as written, for a role in force on a date made from it (None: this is the role as written)
    origin: Role | None = field(default=None, compare=False, repr=False)
    #: the roles in force made from this one, by the versions applied (`role_in_force`)
    in_force: dict[tuple[tuple[int, bool], ...], Role] = field(default_factory=dict, compare=False, repr=False)
    # --- activity (SPEC 10.1) ---
    #: what the holder must log with each caseload member per term, in file order
    activity: tuple[Requirement, ...] = ()
    #: `compensation.paid_when` (`activity_met`: a term's stipend only once every requirement is met), or None
    paid_when: str | None = None


@dataclass(slots=True)
class RoleVersion:
    """One entry of a role's `versions` (SPEC 9.1): from the start of term `term` on, the `Role` fields in
    `fields` replace the role's (a section replaces whole: `eligibility` gives `required` and `preferred`,
    `compensation` gives `parts` and `ceu`). The version's `cite` is already in every rule, term limit and
    after_service entry of its sections that had none, and in `Stipend.version_cite`. `keep` is `holders: keep`."""

    term: str
    cite: str | None
    keep: bool
    fields: dict[str, Any]
    src: Src


#: the `Role` fields a version's `compensation` gives (what `holders: keep` leaves as it was)
COMPENSATION_FIELDS = frozenset({"parts", "ceu", "paid_when"})


def role_in_force(role: Role, d: date, terms: tuple[Term, ...], started: date | None = None) -> Role:
    """The role in force on `d` (SPEC 9.1): the file's sections with every version whose term starts on or
    before `d` applied in file order; a version naming a term tlt.yaml lacks applies never (`tlt validate` says
    `unknown-term`). With `started` (an assignment's start), a `holders: keep` version whose term starts after
    it leaves the compensation as it was. A role without versions is itself; the same role in force is made
    once, whatever the number of dates that ask for it."""
    base = role.origin or role
    if not base.versions:
        return role
    applied: list[tuple[int, bool]] = []
    for i, version in enumerate(base.versions):
        start = next((t.start for t in terms if t.id == version.term), None)
        if start is None or start > d:
            continue
        applied.append((i, version.keep and started is not None and started < start))
    key = tuple(applied)
    made = base.in_force.get(key)
    if made is None:
        changes: dict[str, Any] = {}
        for i, kept in key:
            for name, value in base.versions[i].fields.items():
                if not (kept and name in COMPENSATION_FIELDS):
                    changes[name] = value
        made = replace(base, **changes, origin=base) if changes else base
        base.in_force[key] = made
    return made


def roles_in_force(roles: dict[str, Role], d: date, terms: tuple[Term, ...]) -> dict[str, Role]:
    """Every role in force on `d`; `roles` itself when no role has versions (a repository without them)."""
    if not any(role.versions for role in roles.values()):
        return roles
    return {role_id: role_in_force(role, d, terms) for role_id, role in roles.items()}


@dataclass(slots=True)
class Experience:
    employer: str
    start: date | None
    end: date | None
    fte: Decimal
    years: Decimal | None
    tags: tuple[str, ...]
    src: Src


@dataclass(slots=True)
class License:
    state: str
    type: str | None
    number: str | None
    status: str
    issued: date | None
    expires: date | None
    src: Src
    #: SPEC 10.2: `renewal: {credits: N}`, the credits the license's renewal needs (None: no renewal recorded)
    renewal: Decimal | None = None


class Degree(NamedTuple):  # hashed by value in C: teachers with the same degrees share rule answers
    level: str
    field: str | None


@dataclass(slots=True)
class Clearance:
    kind: str
    date: Date
    expires: Date | None
    src: Src


@dataclass(slots=True)
class Evaluation:
    term: str
    rating: str
    src: Src


@dataclass(slots=True)
class Credential:
    id: str
    date: Date
    expires: Date | None
    src: Src


@dataclass(slots=True)
class Course:
    id: str
    date: date
    #: SPEC 10.2: the credits the course earns toward license renewal (None: it earns none recorded)
    credits: Decimal | None = None


@dataclass(slots=True)
class Member:
    """A caseload member (SPEC 9.3): on the caseload from `start` to `end`, both inclusive; a side that is None
    runs with the assignment (an undated member is on the caseload for the whole assignment)."""

    teacher: str
    service: str | None
    src: Src
    start: date | None = None
    end: date | None = None

    def label(self) -> str:
        return f"{self.teacher}:{self.service}" if self.service else self.teacher

    @property
    def dated(self) -> bool:
        return self.start is not None or self.end is not None


@dataclass(slots=True)
class ActivityEntry:
    """One entry of an assignment's `activity` (SPEC 10.1): counts and dates only, never notes about a person."""

    date: Date
    member: str
    kind: str
    tag: str | None
    hours: Decimal | None
    src: Src


@dataclass(slots=True)
class Assignment:
    teacher: str
    role: str
    start: date
    end: date | None
    caseload: tuple[Member, ...] | None
    prior_terms: int
    src: Src
    #: SPEC 10.1: what the holder logged, in file order (None: the assignment has no `activity` key)
    activity: tuple[ActivityEntry, ...] | None = None

    def overlaps(self, start: date, end: date) -> bool:
        """Whether the assignment holds at least one day of [start, end] (both inclusive)."""
        return self.start <= end and (self.end is None or self.end >= start)

    def active_on(self, d: date) -> bool:
        return self.start <= d and (self.end is None or self.end >= d)


@dataclass(slots=True)
class Teacher:
    id: str
    name: str
    school: str | None
    status: str | None
    memberships: tuple[str, ...] | None
    base_salary: Decimal | None
    contract_days: int | None
    experience: tuple[Experience, ...] | None
    licenses: tuple[License, ...] | None
    degrees: tuple[Degree, ...] | None
    clearances: tuple[Clearance, ...] | None
    evaluations: tuple[Evaluation, ...] | None
    credentials: tuple[Credential, ...] | None
    coursework: tuple[Course, ...] | None
    assignments: tuple[Assignment, ...] | None
    src: Src = field(compare=False)


# --- building from schema-valid data -------------------------------------------------------------------------


def _date(value: Any) -> date | None:
    return None if value is None else _req_date(value)


def _req_date(value: Any) -> date:
    """The date of an ISO text or date; texts seen before are looked up (a repository repeats its dates)."""
    parsed = _DATES.get(value)
    if parsed is None:
        parsed = date.fromisoformat(str(value))
        if len(_DATES) < _MAX_DATES:
            _DATES[value] = parsed
    return parsed


_DATES: dict[Any, date] = {}
_MAX_DATES = 100_000


_ONE = Decimal(1)


def _dec(value: Any) -> Decimal | None:
    return None if value is None else Decimal(str(value))


def build_config(data: dict[str, Any], path: str) -> Config:
    src = Src(path)
    terms = tuple(
        Term(str(t["id"]), _date(t["start"]), _date(t["end"]), src["terms"][i])  # type: ignore[arg-type]
        for i, t in enumerate(data["terms"])
    )
    return Config(
        program=data["program"],
        organization=data["organization"],
        role_dirs=tuple(data.get("roles", ["roles"])),
        teacher_dirs=tuple(data.get("teachers", ["teachers"])),
        rating_scale=tuple(data.get("rating_scale", DEFAULT_RATING_SCALE)),
        contract_days=data.get("contract_days"),
        terms=terms,
        src=src,
        credit_unit=data.get("credit_unit", "CEU"),
    )


def _rules(items: list[dict[str, Any]], required: bool, src: Src, cite: str | None = None) -> tuple[RuleSpec, ...]:
    out = []
    for i, item in enumerate(items):
        ((kind, options),) = item.items()
        opts = _choices(options)
        own = opts.pop("cite", None)
        out.append(RuleSpec(kind, opts, own if own is not None else cite, required, src[i][kind]))
    return tuple(out)


def _stipend(data: dict[str, Any], position: int | None = None, cite: str | None = None) -> Stipend:
    """A pay part from `compensation.stipend` (`position` None) or the `position`-th of `compensation.parts`;
    `cite`: the version's, which a part without a cite of its own takes (SPEC 9.1)."""
    each = data.get("per_member")
    form = each if each is not None else data
    label = data.get("label")
    own = data.get("cite")
    return Stipend(
        amount=_dec(form.get("amount")),
        percent_of_base=_dec(form.get("percent_of_base")),
        extra_days=_dec(form.get("extra_days")),
        unspecified=bool(form.get("unspecified", False)),
        cite=own,
        per_member=each is not None,
        label=label,
        fund=data.get("fund"),
        part=None if position is None else (label if label is not None else str(position)),
        version_cite=cite if own is None else None,
    )


def _parts(comp: dict[str, Any], cite: str | None = None) -> tuple[Stipend, ...]:
    if "parts" in comp:
        return tuple(_stipend(p, i, cite) for i, p in enumerate(comp["parts"], start=1))
    stipend = comp.get("stipend")
    return () if stipend is None else (_stipend(stipend, None, cite),)


def _sections(data: dict[str, Any], src: Src, cite: str | None = None) -> dict[str, Any]:
    """The `Role` fields of the sections in `data` (a role file, or one of its versions: then only the sections
    it names, each rule, term limit, after_service entry and stipend without a cite of its own taking `cite`)."""
    out: dict[str, Any] = {}
    if "eligibility" in data:
        elig = data["eligibility"] or {}
        out["required"] = _rules(elig.get("required", []), True, src["eligibility"]["required"], cite)
        out["preferred"] = _rules(elig.get("preferred", []), False, src["eligibility"]["preferred"], cite)
    if "term_limit" in data:
        tl = data["term_limit"]
        own = tl.get("cite") if tl else None
        out["term_limit"] = (
            TermLimit(tl["max_terms"], own if own is not None else cite, src["term_limit"]) if tl else None
        )
    if "caseload" in data:
        cl = data["caseload"]
        out["caseload"] = (
            CaseloadSpec(cl["max"], {k: Decimal(str(v)) for k, v in (cl.get("weights") or {}).items()}, src["caseload"])
            if cl
            else None
        )
    if "staffing" in data:
        st = data["staffing"]
        out["staffing"] = (
            Staffing(_dec(st.get("min_percent")), _dec(st.get("max_percent")), src["staffing"]) if st else None
        )
    if "after_service" in data:
        out["after_service"] = tuple(
            AfterService(
                tuple(a["bars"].get("categories", ())),
                tuple(a["bars"].get("roles", ())),
                a["months"],
                a["cite"] if a.get("cite") is not None else cite,
                src["after_service"][i],
            )
            for i, a in enumerate(data["after_service"] or [])
        )
    if "compensation" in data:
        comp = data["compensation"] or {}
        out["parts"] = _parts(comp, cite)
        out["ceu"] = _dec(comp.get("ceu"))
        out["paid_when"] = comp.get("paid_when")  # SPEC 10.1
    if "activity" in data:  # SPEC 10.1
        out["activity"] = tuple(
            Requirement(
                r["kind"], r.get("tag"), Decimal(str(r["min"])), r.get("service"),
                r["cite"] if r.get("cite") is not None else cite, src["activity"][i],
            )
            for i, r in enumerate(data["activity"] or [])
        )  # fmt: skip
    if "work_days" in data:
        out["work_days"] = data["work_days"]
    return out


_NO_SECTIONS: dict[str, Any] = {
    "required": (), "preferred": (), "term_limit": None, "caseload": None, "staffing": None, "after_service": (),
    "parts": (), "ceu": None, "work_days": None, "activity": (), "paid_when": None,
}  # fmt: skip


def build_role(data: dict[str, Any], path: str) -> Role:
    src = Src(path)
    versions = tuple(
        RoleVersion(
            str(v["from"]),
            v.get("cite"),
            v.get("holders") == "keep",
            _sections(v, src["versions"][i], v.get("cite")),
            src["versions"][i],
        )
        for i, v in enumerate(data.get("versions") or ())
    )
    return Role(
        id=data["id"],
        title=data["title"],
        organization=data.get("organization"),
        category=data["category"],
        description=data.get("description"),
        source=data.get("source"),
        reports_to=data.get("reports_to"),
        **{**_NO_SECTIONS, **_sections(data, src)},
        src=src,
        versions=versions,
    )


def _member(item: Any, teacher: str, src: Src) -> Member:
    if isinstance(item, dict):
        get = item.get
        return Member(item["teacher"], get("service"), src, _date(get("start")), _date(get("end")))
    return Member(str(item), None, src)


def _items(data: dict[str, Any], key: str, build: Any, path: str) -> tuple[Any, ...] | None:
    """The list under `key` of a teacher file built item by item (`build(item, src)`); None when absent."""
    if key not in data:
        return None
    items = data[key]
    if not items:
        return ()
    new = tuple.__new__
    return tuple([build(item, new(Src, (path, (key, i)))) for i, item in enumerate(items)])


def _experience(e: dict[str, Any], s: Src) -> Experience:
    get = e.get
    fte = (_dec(e["fte"]) or _ONE) if "fte" in e else _ONE
    return Experience(e["employer"], _date(get("start")), _date(get("end")), fte, _dec(get("years")),
                      tuple(get("tags", ())), s)  # fmt: skip


def _license(x: dict[str, Any], s: Src) -> License:
    get = x.get
    number = get("number")
    renewal = get("renewal")
    return License(x["state"], get("type"), None if number is None else str(number), get("status", "active"),
                   _date(get("issued")), _date(get("expires")), s,
                   None if renewal is None else _dec(renewal["credits"]))  # fmt: skip


def _degree(x: dict[str, Any], s: Src) -> Degree:
    return Degree(x["level"], x.get("field"))


def _clearance(x: dict[str, Any], s: Src) -> Clearance:
    return Clearance(x["kind"], _req_date(x["date"]), _date(x.get("expires")), s)


def _evaluation(x: dict[str, Any], s: Src) -> Evaluation:
    return Evaluation(x["term"], x["rating"], s)


def _credential(x: dict[str, Any], s: Src) -> Credential:
    return Credential(x["id"], _req_date(x["date"]), _date(x.get("expires")), s)


def _course(x: dict[str, Any], s: Src) -> Course:
    return Course(x["id"], _req_date(x["date"]), _dec(x.get("credits")))


def _activity(items: list[dict[str, Any]] | None, src: Src) -> tuple[ActivityEntry, ...]:
    """An assignment's activity entries (SPEC 10.1); hours are Decimals from their text, so sums are exact."""
    return tuple(
        ActivityEntry(_req_date(e["date"]), e["member"], e["kind"], e.get("tag"), _dec(e.get("hours")), src[i])
        for i, e in enumerate(items or ())
    )


def build_teacher(data: dict[str, Any], path: str) -> Teacher:
    tid = data["id"]
    get = data.get

    def assignment(a: dict[str, Any], s: Src) -> Assignment:
        caseload = a.get("caseload")
        return Assignment(
            teacher=tid,
            role=a["role"],
            start=_req_date(a["start"]),
            end=_date(a.get("end")),
            caseload=None
            if caseload is None
            else tuple(_member(m, tid, s["caseload"][j]) for j, m in enumerate(caseload)),
            prior_terms=int(a.get("prior_terms", 0)),
            src=s,
            activity=_activity(a["activity"], s["activity"]) if "activity" in a else None,
        )

    return Teacher(
        tid,
        data["name"],
        get("school"),
        get("status"),
        tuple(data["memberships"]) if "memberships" in data else None,
        _dec(get("base_salary")),
        get("contract_days"),
        _items(data, "experience", _experience, path),
        _items(data, "licenses", _license, path),
        _items(data, "degrees", _degree, path),
        _items(data, "clearances", _clearance, path),
        _items(data, "evaluations", _evaluation, path),
        _items(data, "credentials", _credential, path),
        _items(data, "coursework", _course, path),
        _items(data, "assignments", assignment, path),
        Src(path),
    )
