"""`tlt site`: the program page of SPEC 12, a static `index.html` and the CSV files of its panels.

One pass over the teacher files (`load_site`, on `pipeline.map_batches`, so on every core) keeps the role
holders (all the reports need), counts the verdicts of every teacher for every role as of D and the teachers in
all (the staffing shares). The panels are then made by the report functions the CSV commands call
(`reports.caseload`, `reports.stipends`, `reports.expiring`, `reports.activity`, `reports.credits`), so each
panel's CSV is byte for byte what the command prints, and the page's figures are those rows. Staffing and eligibility counts have no command of
their own: their tables are made here (`staffing_table`, `eligibility_table`).

The page (`render_page`) is a Jinja2 template with autoescaping on (`page.html.j2`): every value is text, never
markup. It holds no script and fetches nothing; its charts are plain HTML and CSS. Per-teacher panels
(caseloads, expiring) show their first `SHOWN_ROWS` rows; the CSV beside the page has them all, so the page of a
statewide repository stays small. Teacher names appear only in those two panels and in the tables of the
activity panel (its missed rows) and the credits panel (its renewal rows), what a coordinator acts on; never in
the totals or the charts. The credits panel needs the teachers with a license `renewal` whether they hold a role
or not (coursework needs no assignment), so the pass keeps those too (`SiteData.renewing`).

A panel is a `Panel` made by one function of `PANELS`, and the template draws every panel with the same block.
"""

from __future__ import annotations

import importlib.resources
from collections import Counter
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field, replace
from datetime import date
from decimal import Decimal
from fractions import Fraction
from typing import Any

import jinja2

from tlt import __version__
from tlt.activity import DUE, MET, MISSED
from tlt.answers import Answers
from tlt.errors import BrokenRepository
from tlt.judge import VERDICT_ORDER, CompiledRole, compile_roles, judge_compiled, judging_units
from tlt.loading.sources import Source
from tlt.model import Teacher, Term, roles_in_force
from tlt.pipeline import Batch, Progress, Repository, load_base, map_batches
from tlt.problems import escape_control
from tlt.render.rows import Column, Table, money, plain_number, render_csv, text_cell
from tlt.reports import column, round_half_up, select_term
from tlt.reports.activity import activity_table
from tlt.reports.caseload import caseload_table
from tlt.reports.credits import credits_report
from tlt.reports.expiring import DEFAULT_WITHIN, expiring_table
from tlt.reports.stipends import has_parts, stipends_report
from tlt.rules.base import Context

#: rows of a per-teacher panel drawn on the page; the CSV beside it holds every row. 100 rows keep the page of a
#: 100,000-teacher repository near 160 KB (docs/performance.md) and are more than a screen of what needs action.
SHOWN_ROWS = 100

VERDICTS = tuple(sorted(VERDICT_ORDER, key=VERDICT_ORDER.__getitem__))  # eligible, needs_review, ineligible


@dataclass
class SiteData:
    """What the page is made of: the repository with its role holders modelled (as `load_holders` gives it), the
    term and D, the verdict counts per (role, verdict) as of D, and how many teachers the repository has."""

    repo: Repository
    term: Term
    as_of: date
    verdicts: Counter[tuple[str, str]]
    teachers: int
    revision: str | None = None
    #: the teachers with a license `renewal` (SPEC 10.2), holders or not: a renewal counts coursework, which
    #: needs no assignment, so these are kept beside the holders for the credits panel
    renewing: dict[str, Teacher] = field(default_factory=dict)


@dataclass(frozen=True)
class _BatchAnswer:
    holders: dict[str, Teacher]
    problems: list[Any]
    verdicts: Counter[tuple[str, str]]
    teachers: int
    renewing: dict[str, Teacher]


#: How a batch's teachers are judged for the counts: `(compiled roles, context) -> (teacher -> (role id, verdict)
#: for every role)`. `plain_verdicts` is the definition; the scale layer's `tlt.scale.bench.bench_verdicts` gives
#: the same verdicts faster, and the CLI picks it when that layer is there.
Verdicts = Callable[[list[CompiledRole], Context], Callable[[Teacher], Iterable[tuple[str, str]]]]


def plain_verdicts(compiled: list[CompiledRole], ctx: Context) -> Callable[[Teacher], Iterable[tuple[str, str]]]:
    """Each teacher judged once per unit of roles judged alike (`judge.judging_units`), answers remembered
    across teachers (`Answers`), as `judge.judge_all` judges them."""
    units = [(c, [compiled[i].role.id for i in indices]) for c, indices in judging_units(compiled)]
    answers = Answers()

    def verdicts(teacher: Teacher) -> Iterator[tuple[str, str]]:
        for c, ids in units:
            verdict = judge_compiled(c, teacher, ctx, answers).verdict
            for role_id in ids:
                yield role_id, verdict

    return verdicts


def load_site(
    source: Source,
    term_id: str | None,
    as_of: date,
    progress: Progress | None = None,
    judge: Verdicts = plain_verdicts,
) -> SiteData:
    """Load the repository of `source` for the page: tlt.yaml and the roles, the term (`--term`, else SPEC 6's
    default for D), then one pass over the teacher files that keeps the holders and judges every teacher."""
    base, paths = load_base(source, progress)
    if base.config is None:  # no term, no dates: what `require_loadable` says of it, before any teacher is read
        raise BrokenRepository("tlt.yaml has errors; run `tlt validate`")
    term = select_term(base.config, term_id, as_of)
    # made once, before any worker forks, and used by every batch: the roles' rules as of D
    verdicts_of = judge(compile_roles(base, None, as_of), Context.build(base.config, base.roles, as_of))

    def work(batch: Batch) -> _BatchAnswer:
        counts: Counter[tuple[str, str]] = Counter()
        for teacher in batch.teachers.values():
            counts.update(verdicts_of(teacher))
        holders = {k: t for k, t in batch.teachers.items() if t.assignments}
        renewing = {k: t for k, t in batch.teachers.items() if any(x.renewal is not None for x in t.licenses or ())}
        return _BatchAnswer(holders, batch.problems, counts, len(batch.teachers) + len(batch.unmodelled), renewing)

    verdicts: Counter[tuple[str, str]] = Counter()
    total = 0
    renewing: dict[str, Teacher] = {}
    for answer in map_batches(base, source, paths, work, None, progress):
        base.teachers.update(answer.holders)
        base.problems.extend(answer.problems)
        verdicts.update(answer.verdicts)
        renewing.update(answer.renewing)
        total += answer.teachers
    return SiteData(base, term, as_of, verdicts, total, renewing=renewing)


# ---- the panels -------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Bar:
    """One bar of a chart: its label, the figure written beside it, its length and, for a range or a cap, where
    the range starts and how wide it is, or where the cap is, on the same scale (percent of the chart's width). `tone` names its colour
    (`ok`, `over`, `under`, `none`); `segments` stack several lengths in one bar (eligibility)."""

    label: str
    figure: str
    width: float = 0.0
    tone: str = "ok"
    band: tuple[float, float] | None = None
    marker: float | None = None
    segments: tuple[tuple[str, float], ...] = ()


@dataclass
class Panel:
    """One panel: an id (the HTML anchor, the CSV's name), a title, a sentence saying what it shows, a chart,
    the table of the same rows (`shown` of them drawn) and the CSV written beside the page."""

    id: str
    title: str
    summary: str
    bars: list[Bar]
    table: Table
    csv_name: str
    csv_text: str
    shown: int
    notes: list[str] = field(default_factory=list)
    legend: list[tuple[str, str]] = field(default_factory=list)

    @property
    def columns(self) -> list[Column]:
        return self.table.columns

    def cells(self) -> Iterable[tuple[list[tuple[str, str]], str | None]]:
        """The drawn rows: each cell's text (as the CSV has it, unguarded: the page is no spreadsheet) and its
        class (`_cell_class`), with the row's tone."""
        for i, row in enumerate(self.table.rows[: self.shown]):
            style = self.table.row_styles[i] if i < len(self.table.row_styles) else None
            yield [(text_cell(c, row.get(c.name)), _cell_class(c)) for c in self.table.columns], _tone(style)

    def footer_cells(self) -> list[tuple[str, str]] | None:
        footer = self.table.footer
        if footer is None:
            return None
        return [
            (text_cell(c, footer.get(c.name)) if c.name in footer else "", _cell_class(c)) for c in self.table.columns
        ]


def _cell_class(c: Column) -> str:
    """`num` for a figure (right-aligned), `whole` for a cell a terminal never breaks (an id, a date, a term),
    as on a terminal: neither wraps on the page."""
    return "num" if c.right else "whole" if c.shape == "whole" else ""


def _tone(style: str | None) -> str | None:
    if style is None:
        return None
    return "over" if "red" in style else "warn"


def _width(value: Fraction | Decimal | int, scale: Fraction | Decimal | int) -> float:
    """A length in percent of the chart, one decimal (the page is the same bytes each run)."""
    if not scale:
        return 0.0
    share = Fraction(value) / Fraction(scale) * 100
    return float(round_half_up(min(share, Fraction(100)), 1))


STAFFING_COLUMNS = [
    column("term", priority=100, fit="whole"),
    column("role_id", priority=100, fit="whole"),
    column("role_title", priority=50, fit="cut"),
    column("holders", "int", priority=90),
    column("teachers", "int", priority=80),
    column("percent", "number", priority=90),
    column("min_percent", "number", priority=70),
    column("max_percent", "number", priority=70),
    column("status", priority=85, fit="whole"),
]


def staffing_table(data: SiteData) -> Table:
    """Per role: the teachers holding it on a day of the term, their share of all teachers (one decimal, half
    up) and the role's staffing range (SPEC 9, as `tlt validate`'s staffing check reads it) with a status:
    `below`, `above`, `within` or `no range`."""
    repo, term = data.repo, data.term
    assert repo.config is not None
    roles = roles_in_force(repo.roles, term.start, repo.config.terms)
    holders: dict[str, set[str]] = {}
    for teacher in repo.teachers.values():
        for a in teacher.assignments or ():
            if a.overlaps(term.start, term.end):
                holders.setdefault(a.role, set()).add(teacher.id)
    rows = []
    for role_id in sorted(roles):
        role = roles[role_id]
        count = len(holders.get(role_id, ()))
        share = Fraction(count * 100, data.teachers) if data.teachers else Fraction(0)
        low = role.staffing.min_percent if role.staffing else None
        high = role.staffing.max_percent if role.staffing else None
        if low is None and high is None:
            status = "no range"
        elif low is not None and share < low:
            status = "below"
        elif high is not None and share > high:
            status = "above"
        else:
            status = "within"
        rows.append(
            {
                "term": term.id, "role_id": role_id, "role_title": role.title, "holders": count,
                "teachers": data.teachers, "percent": round_half_up(share, 1), "min_percent": low,
                "max_percent": high, "status": status, "_share": share,
            }
        )  # fmt: skip
    return Table(
        columns=list(STAFFING_COLUMNS),
        rows=rows,
        title=f"Staffing, term {term.id}",
        row_styles=["yellow" if r["status"] in ("below", "above") else None for r in rows],
    )


def staffing_panel(data: SiteData) -> Panel:
    table = staffing_table(data)
    # one scale for every bar: the largest share or range end, so bars compare across roles
    ends = [r["_share"] for r in table.rows] + [
        Fraction(r[k]) for r in table.rows for k in ("min_percent", "max_percent") if r[k] is not None
    ]
    scale = max(ends, default=Fraction(0)) * Fraction(5, 4) or Fraction(1)
    bars = []
    for r in table.rows:
        low, high = r["min_percent"], r["max_percent"]
        band = None
        if low is not None or high is not None:
            left = _width(low or 0, scale)
            band = (left, round(_width(high if high is not None else scale, scale) - left, 1))
        tone = {"below": "under", "above": "over", "within": "ok"}.get(r["status"], "none")
        bars.append(
            Bar(r["role_id"], f"{plain_number(r['percent'])}% ({r['holders']})", _width(r["_share"], scale), tone, band)
        )
    off = sum(r["status"] in ("below", "above") for r in table.rows)
    summary = (
        f"Teachers holding each role in {data.term.id}, as a share of all {data.teachers:,} teachers, against "
        f"the role's staffing range (shaded). {off} role{'s' if off != 1 else ''} outside {'their' if off != 1 else 'its'} range."
    )
    return _panel(
        "staffing",
        "Staffing",
        summary,
        bars,
        table,
        [("ok", "within range"), ("under", "below"), ("over", "above"), ("none", "no range"), ("band", "range")],
    )


def _over_first(row: dict[str, Any]) -> tuple[bool, Decimal]:
    """A caseload's place on the page: over its cap first, the largest excess first."""
    excess = Decimal(row["size"]) - row["max"] if row["over"] else Decimal(0)
    return not row["over"], -excess


def caseload_panel(data: SiteData) -> Panel:
    table = caseload_table(data.repo, data.term)
    # over-cap first (the largest excess first), then the others in the report's order; the CSV keeps the order
    # of `tlt caseload`
    order = sorted(range(len(table.rows)), key=lambda i: (*_over_first(table.rows[i]), i))
    shown = Table(
        columns=table.columns,
        rows=[table.rows[i] for i in order],
        title=table.title,
        row_styles=[table.row_styles[i] for i in order],
    )
    bars = []
    for row in shown.rows[:SHOWN_ROWS]:
        size, cap = Decimal(row["size"]), row["max"]
        scale = max(size, Decimal(cap or 0)) or Decimal(1)
        figure = f"{plain_number(size)} / {cap}" if cap is not None else f"{plain_number(size)} (no cap)"
        tone = "over" if row["over"] else "none" if cap is None else "ok"
        marker = _width(cap, scale) if cap is not None else None
        bars.append(Bar(f"{row['teacher_name']} ({row['role_id']})", figure, _width(size, scale), tone, marker=marker))
    summary = f"Caseloads in {data.term.id} against their role's cap, over-cap first. {table.caption}."
    panel = _panel(
        "caseloads",
        "Caseloads",
        summary,
        bars,
        shown,
        [("ok", "within cap"), ("over", "over cap"), ("none", "no cap"), ("marker", "cap")],
    )
    panel.csv_text = render_csv(table)
    return panel


def _stipend_panel(data: SiteData, by: str) -> Panel:
    report = stipends_report(data.repo, data.term, by, as_of=data.as_of)
    table = report.table
    amounts = [r["amount"] for r in table.rows if r["amount"] is not None]
    scale = max(amounts, default=Decimal(0)) or Decimal(1)
    bars = [
        Bar(r["group"] or f"(no {by})", money(r["amount"]) if r["amount"] is not None else "no amount",
            _width(r["amount"] or 0, scale), "ok" if r["amount"] is not None else "none")
        for r in table.rows[:SHOWN_ROWS]
    ]  # fmt: skip
    summary = f"Stipends owed for {data.term.id} by {by}: total {money(report.total)} ({table.caption})."
    return _panel(f"stipends-by-{by}", f"Stipends by {by}", summary, bars, table)


def stipends_by_role_panel(data: SiteData) -> Panel:
    return _stipend_panel(data, "role")


def stipends_by_school_panel(data: SiteData) -> Panel:
    return _stipend_panel(data, "school")


def stipends_by_fund_panel(data: SiteData) -> Panel:
    panel = _stipend_panel(data, "fund")
    if not has_parts(data.repo):
        panel.notes.append("No role of this repository pays in parts, so no pay names a fund.")
    return panel


ELIGIBILITY_COLUMNS = [
    column("role_id", priority=100, fit="whole"),
    column("role_title", priority=50, fit="cut"),
    *(column(v, "int", priority=90) for v in VERDICTS),
]


def eligibility_table(data: SiteData) -> Table:
    """Per role: how many teachers are eligible, need review or are ineligible as of D (the counts of
    `tlt check-eligibility --all --as-of D`)."""
    rows = [
        {"role_id": r, "role_title": data.repo.roles[r].title, **{v: data.verdicts[(r, v)] for v in VERDICTS}}
        for r in sorted(data.repo.roles)
    ]
    return Table(columns=list(ELIGIBILITY_COLUMNS), rows=rows, title=f"Eligibility as of {data.as_of.isoformat()}")


def eligibility_panel(data: SiteData) -> Panel:
    table = eligibility_table(data)
    bars = []
    for r in table.rows:
        judged = sum(r[v] for v in VERDICTS)
        segments = tuple((v, _width(r[v], judged)) for v in VERDICTS)
        bars.append(
            Bar(r["role_id"], " / ".join(f"{r[v]:,}" for v in VERDICTS), 100.0 if judged else 0.0, segments=segments)
        )
    summary = (
        f"Every teacher judged against every role as of {data.as_of.isoformat()}: eligible, needs review (a "
        "required fact is not recorded) and ineligible."
    )
    return _panel("eligibility", "Eligibility", summary, bars, table, [(v, v.replace("_", " ")) for v in VERDICTS])


def expiring_panel(data: SiteData) -> Panel:
    table = expiring_table(data.repo, data.as_of, DEFAULT_WITHIN)
    counts = Counter(r["status"] for r in table.rows)
    total = len(table.rows)
    bars = [
        Bar(status, f"{counts[status]:,}", _width(counts[status], total), "over" if status == "expired" else "warn")
        for status in ("expired", "expiring")
    ]
    summary = (
        f"Licenses, clearances and credentials of current role holders that expired before "
        f"{data.as_of.isoformat()} or expire in the next {DEFAULT_WITHIN} days, soonest first: {table.caption}."
    )
    return _panel("expiring", "Documents expiring", summary, bars, table, [("over", "expired"), ("warn", "expiring")])


def _count_bars(counts: Counter[str], tones: dict[str, str]) -> list[Bar]:
    """One bar per status, its length the status's share of all the rows."""
    total = sum(counts.values())
    return [Bar(s, f"{counts[s]:,}", _width(counts[s], total), tone) for s, tone in tones.items()]


ACTIVITY_TONES = {MET: "ok", DUE: "warn", MISSED: "over"}


def activity_panel(data: SiteData) -> Panel:
    """SPEC 10.1: per role, the requirements met, due and missed (a stacked bar, no name); the table lists the
    missed rows only (holder and member: what a coordinator follows up); the CSV is `tlt activity`'s."""
    full = activity_table(data.repo, data.term, data.as_of)
    counts: dict[str, Counter[str]] = {}
    for r in full.rows:
        counts.setdefault(r["role_id"], Counter())[r["status"]] += 1
    bars = []
    for role_id in sorted(counts):
        c = counts[role_id]
        total = sum(c.values())
        segments = tuple((tone, _width(c[s], total)) for s, tone in ACTIVITY_TONES.items())
        bars.append(Bar(role_id, " / ".join(f"{c[s]:,}" for s in ACTIVITY_TONES), 100.0, segments=segments))
    missed = [i for i, r in enumerate(full.rows) if r["status"] == MISSED]
    table = Table(
        columns=full.columns,
        rows=[full.rows[i] for i in missed],
        title=full.title,
        caption=full.caption,
        row_styles=[full.row_styles[i] for i in missed],
    )
    summary = (
        f"Activity requirements of the role holders in {data.term.id} as of {data.as_of.isoformat()}, per role: "
        f"met, due (the term has not ended) and missed. {full.caption}. The table lists the missed ones."
    )
    legend = [(tone, s) for s, tone in ACTIVITY_TONES.items()]
    panel = _panel("activity", "Activity", summary, bars, table, legend)
    panel.csv_text = render_csv(full)
    if not full.rows:
        panel.notes.append("No role held in this term asks for activity.")
    elif not missed:
        panel.notes.append("No requirement is missed.")
    return panel


RENEWAL_TONES = {"met": "ok", "short": "warn", "expired": "over"}


def credits_panel(data: SiteData) -> Panel:
    """SPEC 10.2: the licenses with a `renewal` per status (met, short, expired) and their rows; the CSV is
    `tlt credits --renewals`'s. Only teachers with a renewal have renewal rows, so the report is asked of
    those alone, on the repository with them modelled (`SiteData.renewing`)."""
    repo = replace(data.repo, teachers={**data.repo.teachers, **data.renewing})
    table = credits_report(repo, data.as_of, None, sorted(data.renewing)).renewals
    bars = _count_bars(Counter(r["status"] for r in table.rows), RENEWAL_TONES)
    summary = (
        f"Licenses with a renewal requirement as of {data.as_of.isoformat()}: the continuing-education credits "
        f"earned between issue and expiry against those needed. {table.caption}."
    )
    panel = _panel("credits", "Renewal credits", summary, bars, table, [(t, s) for s, t in RENEWAL_TONES.items()])
    if not table.rows:
        panel.notes.append("No license of this repository has a renewal requirement.")
    return panel


def _panel(
    ident: str, title: str, summary: str, bars: list[Bar], table: Table, legend: list[tuple[str, str]] | None = None
) -> Panel:
    shown = min(len(table.rows), SHOWN_ROWS)
    panel = Panel(ident, title, summary, bars, table, f"{ident}.csv", render_csv(table), shown, legend=legend or [])
    if shown < len(table.rows):
        panel.notes.append(f"The first {shown:,} of {len(table.rows):,} rows; {ident}.csv has them all.")
    return panel


#: The panels in page order, each one function of the page's data (docs/site.md, "Adding a panel").
PANELS: tuple[Callable[[SiteData], Panel], ...] = (
    staffing_panel,
    caseload_panel,
    stipends_by_role_panel,
    stipends_by_school_panel,
    stipends_by_fund_panel,
    eligibility_panel,
    expiring_panel,
    activity_panel,
    credits_panel,
)


# ---- the page ---------------------------------------------------------------------------------------------------


def _finalize(value: Any) -> Any:
    """Every value the template prints, before it is escaped: control characters (terminal escapes, bidi
    overrides, line separators) shown as visible escapes, as in every text output (SPEC 7), so no name can
    reverse the text around it. The template's own markup (a macro's output, which has `__html__`) is left as it
    is: its line ends are the page's."""
    return escape_control(value) if isinstance(value, str) and not hasattr(value, "__html__") else value


def _environment() -> jinja2.Environment:
    # autoescape on for every template, whatever its name: a value is never markup; StrictUndefined: a name the
    # template misspells fails the tests instead of printing nothing
    return jinja2.Environment(
        autoescape=True, undefined=jinja2.StrictUndefined, keep_trailing_newline=True, finalize=_finalize
    )


def _template() -> jinja2.Template:
    text = importlib.resources.files(__package__).joinpath("page.html.j2").read_text(encoding="utf-8")
    return _environment().from_string(text)


def render_page(data: SiteData, panels: list[Panel]) -> str:
    config = data.repo.config
    assert config is not None
    return _template().render(
        program=config.program,
        organization=config.organization,
        term=data.term,
        as_of=data.as_of.isoformat(),
        revision=data.revision,
        version=__version__,
        panels=panels,
        teachers=data.teachers,
        roles=len(data.repo.roles),
    )


def site_files(data: SiteData) -> dict[str, str]:
    """Every file of the page's folder: `index.html` and each panel's CSV, by name."""
    panels = [make(data) for make in PANELS]
    files = {p.csv_name: p.csv_text for p in panels}
    files["index.html"] = render_page(data, panels)
    return files
