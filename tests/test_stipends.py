"""`tlt stipends` (SPEC 5 and 6): hand-computed money, rounding, totals, grouping, output shapes, goldens.

The hand-computed repositories use two terms of exactly 100 days, so a fraction is days / 100:
T1 = 2025-01-01..2025-04-10 and T2 = 2025-05-01..2025-08-08.
"""

from __future__ import annotations

import csv
import io
import json
from datetime import date, timedelta
from decimal import ROUND_HALF_UP, Decimal, localcontext
from fractions import Fraction
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tlt.model import Term, build_config, build_role, build_teacher
from tlt.reports.stipends import pay_parts
from tlt.timeline import term_fraction

DATA = Path(__file__).parent / "data" / "reports_repo"
from goldens import assert_golden  # noqa: E402

CONFIG = """\
program: Pay Test
organization: PAY
contract_days: 200
terms:
  - {id: t1, start: 2025-01-01, end: 2025-04-10}
  - {id: t2, start: 2025-05-01, end: 2025-08-08}
"""
CONFIG_NO_DAYS = CONFIG.replace("contract_days: 200\n", "")

ROLES = {
    "flat": "id: flat\ntitle: Flat\ncategory: mentoring\ncompensation:\n  stipend: {amount: 3000}\n",
    "pct": "id: pct\ntitle: Percent\ncategory: coaching\ncompensation:\n  stipend: {percent_of_base: 5}\n",
    "days": "id: days\ntitle: Days\ncategory: curriculum\ncompensation:\n  stipend: {extra_days: 10}\n",
    "odd": "id: odd\ntitle: Odd\ncategory: other\ncompensation:\n  stipend: {amount: 1000.01}\n",
    "tbd": "id: tbd\ntitle: To Be Decided\ncategory: department\ncompensation:\n  stipend: {unspecified: true}\n",
    "none": "id: none\ntitle: Unpaid\ncategory: advisory\n",
}


def teacher(tid: str, *assignments: tuple[str, str, str | None], extra: str = "", school: str | None = None) -> str:
    lines = [f"id: {tid}", f"name: Teacher {tid}"]
    if school:
        lines.append(f"school: {school}")
    if extra:
        lines.append(extra.strip())
    lines.append("assignments:")
    for role, start, end in assignments:
        lines.append(f"  - {{role: {role}, start: {start}" + (f", end: {end}}}" if end else "}"))
    return "\n".join(lines) + "\n"


def rows(run, repo: Path, *args: str) -> list[dict[str, str]]:
    code, out, err = run(["-C", repo, "stipends", "--format", "csv", "--as-of", "2025-01-01", *args])
    assert code == 0, err
    return list(csv.DictReader(io.StringIO(out)))


def only(run, repo: Path, *args: str) -> dict[str, str]:
    (row,) = rows(run, repo, *args)
    return row


# --- hand-computed rows ---------------------------------------------------------------------------------------


def test_full_term_amount(make_repo, run):
    repo = make_repo(CONFIG, ROLES, {"a": teacher("a", ("flat", "2025-01-01", "2025-04-10"))})
    row = only(run, repo, "--term", "t1")
    assert row == {
        "term": "t1", "teacher_id": "a", "teacher_name": "Teacher a", "school": "", "role_id": "flat",
        "fraction": "1.0000", "basis": "amount: 3000", "amount": "3000.00", "note": "",
    }  # fmt: skip


def test_partial_term_start_and_end_mid_term(make_repo, run):
    # 2025-01-11..2025-02-19 = 21 + 19 = 40 days of 100: 3000 × 0.4
    repo = make_repo(CONFIG, ROLES, {"a": teacher("a", ("flat", "2025-01-11", "2025-02-19"))})
    row = only(run, repo, "--term", "t1")
    assert (row["fraction"], row["amount"]) == ("0.4000", "1200.00")


def test_assignment_spanning_two_terms_is_prorated_in_each(make_repo, run):
    # 2025-03-22..2025-05-30: 20 days of t1 (Mar 22..Apr 10) and 30 days of t2 (May 1..30)
    repo = make_repo(CONFIG, ROLES, {"a": teacher("a", ("flat", "2025-03-22", "2025-05-30"))})
    t1, t2 = only(run, repo, "--term", "t1"), only(run, repo, "--term", "t2")
    assert (t1["term"], t1["fraction"], t1["amount"]) == ("t1", "0.2000", "600.00")
    assert (t2["term"], t2["fraction"], t2["amount"]) == ("t2", "0.3000", "900.00")


def test_open_end_runs_to_the_term_end(make_repo, run):
    # from 2025-03-02, open: 40 days of t1 (Mar 2..Apr 10), all of t2
    repo = make_repo(CONFIG, ROLES, {"a": teacher("a", ("flat", "2025-03-02", None))})
    assert only(run, repo, "--term", "t1")["amount"] == "1200.00"
    assert only(run, repo, "--term", "t2")["amount"] == "3000.00"


def test_percent_of_base(make_repo, run):
    # 80000 × 5 / 100 = 4000 a full term; 40 days → 1600
    teachers = {
        "a": teacher("a", ("pct", "2025-01-01", None), extra="base_salary: 80000"),
        "b": teacher("b", ("pct", "2025-01-11", "2025-02-19"), extra="base_salary: 80000"),
    }
    repo = make_repo(CONFIG, ROLES, teachers)
    got = {r["teacher_id"]: (r["basis"], r["amount"]) for r in rows(run, repo, "--term", "t1")}
    assert got == {"a": ("percent_of_base: 5", "4000.00"), "b": ("percent_of_base: 5", "1600.00")}


def test_extra_days_with_the_teachers_contract_days(make_repo, run):
    # 90000 / 180 = 500 a day × 10 days = 5000 a full term; half the term (50 days) → 2500
    teachers = {
        "a": teacher("a", ("days", "2025-01-01", None), extra="base_salary: 90000\ncontract_days: 180"),
        "b": teacher("b", ("days", "2025-02-20", None), extra="base_salary: 90000\ncontract_days: 180"),
    }
    repo = make_repo(CONFIG, ROLES, teachers)
    got = {r["teacher_id"]: (r["fraction"], r["amount"]) for r in rows(run, repo, "--term", "t1")}
    assert got == {"a": ("1.0000", "5000.00"), "b": ("0.5000", "2500.00")}


def test_extra_days_falls_back_to_tlt_yaml_contract_days(make_repo, run):
    # 90000 / 200 (tlt.yaml) = 450 × 10 = 4500
    repo = make_repo(CONFIG, ROLES, {"a": teacher("a", ("days", "2025-01-01", None), extra="base_salary: 90000")})
    assert only(run, repo, "--term", "t1")["amount"] == "4500.00"


def test_extra_days_per_diem_is_not_rounded(make_repo, run):
    # 65000.50 / 185 × 10 = 3513.5405… → 3513.54 (a per-diem rounded first would give 351.35 × 10 = 3513.50)
    repo = make_repo(
        CONFIG,
        ROLES,
        {"a": teacher("a", ("days", "2025-01-01", None), extra="base_salary: 65000.50\ncontract_days: 185")},
    )
    assert only(run, repo, "--term", "t1")["amount"] == "3513.54"


def test_extra_days_without_any_contract_days_has_no_amount(make_repo, run):
    repo = make_repo(
        CONFIG_NO_DAYS, ROLES, {"a": teacher("a", ("days", "2025-01-01", None), extra="base_salary: 90000")}
    )
    row = only(run, repo, "--term", "t1")
    assert (row["basis"], row["amount"]) == ("extra_days: 10", "")
    assert row["note"] == "no contract_days in the teacher's record or tlt.yaml"


def test_unspecified_pay_has_no_amount_and_says_why(make_repo, run):
    repo = make_repo(CONFIG, ROLES, {"a": teacher("a", ("tbd", "2025-01-01", None), extra="base_salary: 90000")})
    row = only(run, repo, "--term", "t1")
    assert (row["basis"], row["amount"], row["note"]) == ("unspecified", "", "the role's stipend is unspecified")


@pytest.mark.parametrize("role", ["pct", "days"])
def test_missing_salary_has_no_amount_and_says_why(make_repo, run, role):
    repo = make_repo(CONFIG, ROLES, {"a": teacher("a", (role, "2025-01-01", None))})
    row = only(run, repo, "--term", "t1")
    assert (row["amount"], row["note"]) == ("", "no base_salary in the teacher's record")


def test_role_without_compensation_has_no_amount(make_repo, run):
    repo = make_repo(CONFIG, ROLES, {"a": teacher("a", ("none", "2025-01-01", None))})
    row = only(run, repo, "--term", "t1")
    assert (row["basis"], row["amount"], row["note"]) == ("", "", "the role has no stipend")


def test_unknown_role_is_reported_not_dropped(make_repo, run):
    repo = make_repo(CONFIG, ROLES, {"a": teacher("a", ("ghost", "2025-01-01", None))})
    row = only(run, repo, "--term", "t1")
    assert (row["role_id"], row["amount"], row["note"]) == ("ghost", "", "unknown role; run `tlt validate`")


def test_half_cent_rounds_up(make_repo, run):
    # 1000.01 × 50/100 = 500.005 → 500.01 (banker's rounding would give 500.00);
    # 3000 × 1/100 = 30 exactly; 1000.01 × 1/100 = 10.0001 → 10.00
    teachers = {
        "a": teacher("a", ("odd", "2025-02-20", None)),
        "b": teacher("b", ("odd", "2025-04-10", None)),
    }
    repo = make_repo(CONFIG, ROLES, teachers)
    got = {r["teacher_id"]: (r["fraction"], r["amount"]) for r in rows(run, repo, "--term", "t1")}
    assert got == {"a": ("0.5000", "500.01"), "b": ("0.0100", "10.00")}


def test_total_adds_the_rounded_rows(make_repo, run):
    # three rows of 500.005 → 500.01 each; the total is 1500.03, not round(1500.015) = 1500.02
    teachers = {tid: teacher(tid, ("odd", "2025-02-20", None)) for tid in ("a", "b", "c")}
    repo = make_repo(CONFIG, ROLES, teachers)
    code, out, err = run(["-C", repo, "stipends", "--term", "t1", "--as-of", "2025-01-01", "--format", "json"])
    assert code == 0, err
    doc = json.loads(out)
    assert [r["amount"] for r in doc["rows"]] == ["500.01", "500.01", "500.01"]
    assert doc["total"] == "1500.03"
    code, out, _ = run(["-C", repo, "stipends", "--term", "t1", "--as-of", "2025-01-01", "--format", "table"])
    total_line = next(line for line in out.splitlines() if line.strip().startswith("total"))
    assert total_line.split()[-1] == "1500.03"


def test_csv_holds_data_rows_only(make_repo, run):
    teachers = {tid: teacher(tid, ("odd", "2025-02-20", None)) for tid in ("a", "b")}
    repo = make_repo(CONFIG, ROLES, teachers)
    code, out, _ = run(["-C", repo, "stipends", "--term", "t1", "--as-of", "2025-01-01", "--format", "csv"])
    assert out.splitlines()[0] == "term,teacher_id,teacher_name,school,role_id,fraction,basis,amount,note"
    assert [r["teacher_id"] for r in csv.DictReader(io.StringIO(out))] == ["a", "b"]
    assert "total" not in out and "1000.02" not in out


def test_one_day_fraction_rounds_half_up_to_four_decimals(make_repo, run):
    # a 32-day term; one day is 1/32 = 0.03125 → 0.0313
    config = "program: P\norganization: P\nterms:\n  - {id: short, start: 2025-01-01, end: 2025-02-01}\n"
    repo = make_repo(config, ROLES, {"a": teacher("a", ("flat", "2025-02-01", None))})
    row = only(run, repo, "--term", "short")
    assert (row["fraction"], row["amount"]) == ("0.0313", "93.75")  # 3000 / 32 = 93.75 exactly


def test_assignments_outside_the_term_are_left_out(make_repo, run):
    teachers = {
        "a": teacher("a", ("flat", "2024-01-01", "2024-12-31")),  # ends the day before t1
        "b": teacher("b", ("flat", "2025-04-11", "2025-04-30")),  # between t1 and t2
        "c": teacher("c", ("flat", "2025-04-10", "2025-04-10")),  # t1's last day
    }
    repo = make_repo(CONFIG, ROLES, teachers)
    assert [(r["teacher_id"], r["fraction"], r["amount"]) for r in rows(run, repo, "--term", "t1")] == [
        ("c", "0.0100", "30.00")
    ]


def test_rows_sort_by_teacher_role_start(make_repo, run):
    teachers = {
        "b": teacher("b", ("pct", "2025-01-01", None), ("flat", "2025-02-01", None), extra="base_salary: 1000"),
        "a": teacher("a", ("flat", "2025-03-01", None), ("flat", "2025-01-01", "2025-01-31")),
    }
    repo = make_repo(CONFIG, ROLES, teachers)
    got = [(r["teacher_id"], r["role_id"], r["fraction"]) for r in rows(run, repo, "--term", "t1")]
    assert got == [("a", "flat", "0.3100"), ("a", "flat", "0.4100"), ("b", "flat", "0.6900"), ("b", "pct", "1.0000")]


def test_missing_amounts_are_announced_on_stderr(make_repo, run):
    repo = make_repo(CONFIG, ROLES, {"a": teacher("a", ("tbd", "2025-01-01", None))})
    code, out, err = run(["-C", repo, "stipends", "--term", "t1", "--as-of", "2025-01-01", "--format", "csv"])
    assert code == 0
    assert "1 assignment without an amount in t1" in err
    assert "without an amount" not in out
    code, out, err = run(
        ["-C", repo, "--quiet", "stipends", "--term", "t1", "--as-of", "2025-01-01", "--format", "csv"]
    )
    assert code == 0 and err == "" and out.startswith("term,")


def test_formula_values_are_inert_in_every_csv(run):
    # tests/data/reports_repo: t-02 is named =HYPERLINK(...) at school +cmd, t-03's school is @SUM(1), t-04 is -2+3
    args = ["-C", DATA, "stipends", "--term", "2025-26", "--as-of", "2025-09-15", "-f", "csv"]
    code, out, _ = run(args)
    got = {r["teacher_id"]: (r["teacher_name"], r["school"]) for r in csv.DictReader(io.StringIO(out))}
    assert got["t-02"] == ('\'=HYPERLINK("http://x","y")', "'+cmd")
    assert got["t-03"] == ("Cam Diaz", "'@SUM(1)")
    assert got["t-04"] == ("'-2+3", "North High")
    code, out, _ = run([*args, "--by", "school"])
    assert [r["group"] for r in csv.DictReader(io.StringIO(out))][:2] == ["'+cmd", "'@SUM(1)"]
    code, out, _ = run([*args[:-2], "-f", "json"])
    assert {r["teacher_id"]: r["teacher_name"] for r in json.loads(out)["rows"]}["t-04"] == "-2+3"  # JSON is data


# --- grouping -------------------------------------------------------------------------------------------------


@pytest.fixture
def grouped_repo(make_repo):
    teachers = {
        "a": teacher("a", ("flat", "2025-01-01", None), ("odd", "2025-02-20", None), school="North"),
        "b": teacher("b", ("odd", "2025-02-20", None), school="North"),
        "c": teacher("c", ("tbd", "2025-01-01", None), school="South"),
        "d": teacher("d", ("flat", "2025-01-11", "2025-02-19")),
    }
    return make_repo(CONFIG, ROLES, teachers)


def grouped(run, repo: Path, by: str) -> tuple[list[dict[str, str]], dict]:
    args = ["-C", repo, "stipends", "--term", "t1", "--as-of", "2025-01-01", "--by", by]
    code, out, err = run([*args, "--format", "csv"])
    assert code == 0, err
    assert out.splitlines()[0] == "term,group,assignments,amount"
    code, js, err = run([*args, "--format", "json"])
    assert code == 0, err
    return list(csv.DictReader(io.StringIO(out))), json.loads(js)


def test_by_role_adds_the_rounded_rows_of_each_role(grouped_repo, run):
    got, doc = grouped(run, grouped_repo, "role")
    assert [(r["group"], r["assignments"], r["amount"]) for r in got] == [
        ("flat", "2", "4200.00"),  # 3000 + 1200
        ("odd", "2", "1000.02"),  # 500.01 + 500.01
        ("tbd", "1", ""),  # no amount in the group
    ]
    assert doc["total"] == "5200.02"
    assert doc["rows"][2] == {"term": "t1", "group": "tbd", "assignments": 1, "amount": None}


def test_by_school_puts_teachers_without_a_school_last(grouped_repo, run):
    got, doc = grouped(run, grouped_repo, "school")
    assert [(r["group"], r["assignments"], r["amount"]) for r in got] == [
        ("North", "3", "4000.02"),  # 3000 + 500.01 + 500.01
        ("South", "1", ""),
        ("", "1", "1200.00"),
    ]
    assert doc["rows"][-1]["group"] is None


def test_by_teacher_groups_by_teacher_id(grouped_repo, run):
    got, doc = grouped(run, grouped_repo, "teacher")
    assert [(r["group"], r["assignments"], r["amount"]) for r in got] == [
        ("a", "2", "3500.01"),
        ("b", "1", "500.01"),
        ("c", "1", ""),
        ("d", "1", "1200.00"),
    ]
    assert doc["total"] == "5200.02"


def test_grouped_table_shows_the_total(grouped_repo, run):
    code, out, _ = run(
        ["-C", grouped_repo, "stipends", "--term", "t1", "--as-of", "2025-01-01", "--by", "role", "-f", "table"]
    )
    assert code == 0
    total_line = next(line for line in out.splitlines() if line.strip().startswith("total"))
    assert total_line.split()[1:] == ["5", "5200.02"]


def test_unknown_grouping_is_a_usage_error(grouped_repo, run):
    code, out, err = run(["-C", grouped_repo, "stipends", "--term", "t1", "--by", "district"])
    assert code == 2 and out == ""
    assert "district" in err


# --- options --------------------------------------------------------------------------------------------------


def test_json_shape(make_repo, run):
    repo = make_repo(CONFIG, ROLES, {"a": teacher("a", ("flat", "2025-01-11", "2025-02-19"))})
    code, out, _ = run(["-C", repo, "stipends", "--term", "t1", "--as-of", "2025-01-01", "--format", "json"])
    assert json.loads(out) == {
        "term": "t1",
        "rows": [
            {
                "term": "t1", "teacher_id": "a", "teacher_name": "Teacher a", "school": None, "role_id": "flat",
                "fraction": "0.4000", "basis": "amount: 3000", "amount": "1200.00", "note": None,
            }
        ],
        "total": "1200.00",
    }  # fmt: skip


def test_default_term_follows_as_of(make_repo, run):
    repo = make_repo(CONFIG, ROLES, {"a": teacher("a", ("flat", "2025-03-22", "2025-05-30"))})
    code, out, _ = run(["-C", repo, "stipends", "--as-of", "2025-06-01", "--format", "csv"])
    assert [r["term"] for r in csv.DictReader(io.StringIO(out))] == ["t2"]
    code, out, _ = run(["-C", repo, "stipends", "--as-of", "2025-04-20", "--format", "csv"])  # between terms
    assert [r["term"] for r in csv.DictReader(io.StringIO(out))] == ["t1"]


def test_unknown_term_exits_2_naming_it_and_the_closest(make_repo, run):
    repo = make_repo(CONFIG, ROLES, {"a": teacher("a", ("flat", "2025-01-01", None))})
    code, out, err = run(["-C", repo, "stipends", "--term", "T1", "--as-of", "2025-01-01"])
    assert code == 2 and out == ""
    assert "no term 'T1' in tlt.yaml; did you mean t1?" in err  # t2 is not a near spelling of T1 (issue 14)
    assert "Traceback" not in err


def test_output_writes_the_file_and_nothing_to_stdout(make_repo, run, tmp_path):
    repo = make_repo(CONFIG, ROLES, {"a": teacher("a", ("flat", "2025-01-01", None))})
    target = tmp_path / "pay.json"
    code, out, _ = run(["-C", repo, "stipends", "--term", "t1", "--as-of", "2025-01-01", "--output", target])
    assert code == 0 and out == ""
    assert json.loads(target.read_text(encoding="utf-8"))["total"] == "3000.00"  # .json → JSON by default
    target = tmp_path / "pay.csv"
    run(["-C", repo, "stipends", "--term", "t1", "--as-of", "2025-01-01", "--output", target])
    assert target.read_text(encoding="utf-8").startswith("term,teacher_id,")
    assert sorted(p.name for p in tmp_path.iterdir() if p.name.startswith(".")) == []  # no temporary file left


def test_broken_repository_refuses_unless_skip_invalid(make_repo, run):
    repo = make_repo(
        CONFIG, ROLES, {"a": teacher("a", ("flat", "2025-01-01", None)), "b": "id: b\nname: B\nbogus: 1\n"}
    )
    code, out, err = run(["-C", repo, "stipends", "--term", "t1", "--as-of", "2025-01-01", "-f", "csv"])
    assert code == 1 and out == ""
    assert "1 file has errors; run `tlt validate`" in err
    code, out, err = run(
        ["-C", repo, "stipends", "--term", "t1", "--as-of", "2025-01-01", "-f", "csv", "--skip-invalid"]
    )
    assert code == 0
    assert "skipped teachers/b.yaml" in err
    assert [r["teacher_id"] for r in csv.DictReader(io.StringIO(out))] == ["a"]


# --- properties -----------------------------------------------------------------------------------------------

CONFIG_MODEL = build_config(
    {"program": "P", "organization": "P", "terms": [{"id": "t", "start": "2025-01-01", "end": "2025-12-31"}]},
    "tlt.yaml",
)


def _exact_cents(value: Decimal) -> Decimal:
    with localcontext() as ctx:
        ctx.prec = 60
        return value.quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)


dates = st.dates(min_value=date(2000, 1, 1), max_value=date(2040, 12, 31))
money_values = st.decimals(min_value=0, max_value=10**6, places=2, allow_nan=False, allow_infinity=False)


@st.composite
def terms(draw):
    start = draw(dates)
    return Term("t", start, start + timedelta(days=draw(st.integers(0, 400))), CONFIG_MODEL.src)


@settings(max_examples=200, deadline=None)
@given(term=terms(), amount=money_values, before=st.integers(0, 500), after=st.one_of(st.none(), st.integers(0, 500)))
def test_full_term_assignment_earns_exactly_the_amount(term, amount, before, after):
    role = build_role(
        {"id": "r", "title": "R", "category": "other", "compensation": {"stipend": {"amount": str(amount)}}}, "r"
    )
    t = build_teacher({"id": "a", "name": "A"}, "a")
    start = term.start - timedelta(days=before)
    end = None if after is None else term.end + timedelta(days=after)
    (got,) = pay_parts(role, t, CONFIG_MODEL, term_fraction(start, end, term))
    assert got.amount == amount and got.note is None


@settings(max_examples=200, deadline=None)
@given(
    term=terms(),
    base=money_values,
    percent=st.decimals(min_value=0, max_value=100, places=2, allow_nan=False, allow_infinity=False),
)
def test_full_term_assignment_earns_exactly_the_percent_of_base(term, base, percent):
    role = build_role(
        {"id": "r", "title": "R", "category": "other", "compensation": {"stipend": {"percent_of_base": str(percent)}}},
        "r",
    )
    t = build_teacher({"id": "a", "name": "A", "base_salary": str(base)}, "a")
    (got,) = pay_parts(role, t, CONFIG_MODEL, term_fraction(term.start, term.end, term))
    assert got.amount == _exact_cents(base * percent / 100)


@settings(max_examples=300, deadline=None)
@given(term=terms(), start=dates, length=st.one_of(st.none(), st.integers(0, 900)))
def test_fraction_is_between_0_and_1(term, start, length):
    end = None if length is None else start + timedelta(days=length)
    f = term_fraction(start, end, term)
    assert Fraction(0) <= f <= Fraction(1)
    overlaps = start <= term.end and (end is None or end >= term.start)
    assert (f > 0) == overlaps


# --- goldens --------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "args"),
    [
        ("stipends.csv", ["--format", "csv"]),
        ("stipends.json", ["--format", "json"]),
        ("stipends.txt", ["--format", "table"]),
        ("stipends_by_school.csv", ["--by", "school", "--format", "csv"]),
        ("stipends_by_role.json", ["--by", "role", "--format", "json"]),
    ],
)
def test_golden(run, name, args):
    code, out, err = run(["-C", DATA, "stipends", "--term", "2025-26", "--as-of", "2025-09-15", *args])
    assert code == 0, err
    assert_golden(f"reports_repo/{name}", out)


def test_golden_repo_figures(run):
    """Hand checks of the golden repository (term 2025-26 = 2025-08-25..2026-06-12, 292 days)."""
    code, out, _ = run(["-C", DATA, "stipends", "--term", "2025-26", "--as-of", "2025-09-15", "--format", "csv"])
    got = {(r["teacher_id"], r["role_id"]): (r["fraction"], r["amount"]) for r in csv.DictReader(io.StringIO(out))}
    assert got[("t-02", "mentor")] == ("0.5685", "1989.73")  # 166/292 × 70000 × 5% = 1989.726…
    assert got[("t-03", "coach")] == ("0.0171", "51.37")  # ended 2025-08-29: 5/292 × 3000 = 51.369…
    assert got[("t-03", "lead")] == ("1.0000", "5000.00")  # 90000 / 180 × 10
    assert got[("t-06", "lead")] == ("1.0000", "3513.54")  # 65000.50 / 185 (tlt.yaml) × 10
    assert got[("t-08", "coach")] == ("0.4007", "1202.05")  # 2025-11-03..2026-02-27 = 117 days: 3000 × 117/292
