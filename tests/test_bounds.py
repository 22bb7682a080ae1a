"""Figures that reach money, dates and exact arithmetic are bounded (issue 12, items 1 and 8): a value the schema
accepts never ends a command in "internal error", and one it refuses is a `schema` problem at its line.

Every command runs on each repository below in one process (`run` re-raises anything that escapes the CLI), each
within the issue's budget of 10 s."""

from __future__ import annotations

import time

import pytest

AS_OF = "2025-09-01"
COMMANDS = [
    ["validate"],
    ["check-eligibility", "--all", "--format", "csv"],
    ["check-eligibility", "--all", "--format", "json", "--explain"],
    ["stipends", "--term", "2025-26", "--format", "csv"],
    ["stipends", "--term", "2025-26", "--format", "json", "--by", "role"],
    ["report", "--term", "2025-26", "--format", "csv"],
    ["caseload", "--term", "2025-26", "--format", "csv"],
    ["expiring", "--format", "csv"],
    ["credits", "--format", "json"],
    ["activity", "--term", "2025-26", "--format", "csv"],
    ["roles"],
]


def _role(stipend: str = "{percent_of_base: 5}", extra: str = "") -> str:
    return (
        "id: mentor\ntitle: Mentor\ncategory: mentoring\n"
        "eligibility:\n  required:\n    - experience: {min_years: 1}\n"
        f"caseload: {{max: 12, weights: {{PAR: 2}}}}\ncompensation:\n  stipend: {stipend}\n  ceu: 1\n{extra}"
    )


def _teacher(salary: str = "92000", extra: str = "") -> str:
    return (
        f"id: t-1\nname: Pat Doe\nbase_salary: {salary}\ncontract_days: 185\n"
        "experience:\n  - {employer: TST, years: 3}\n"
        "assignments:\n  - {role: mentor, start: 2025-08-25, caseload: [{teacher: t-2, service: PAR}]}\n" + extra
    )


def every_command(run, root) -> dict[str, tuple[int, str, str]]:
    """Each command's (code, stdout, stderr); none raises, none says "internal error", none takes 10 s."""
    out = {}
    for command in COMMANDS:
        started = time.perf_counter()
        extra = [] if command == ["roles"] else ["--as-of", AS_OF]
        skip = [] if command[0] in ("validate", "roles") else ["--skip-invalid"]
        code, stdout, stderr = run(["-C", root, *command, *extra, *skip])
        assert time.perf_counter() - started < 10, command
        assert "internal error" not in stderr, (command, stderr)
        assert code in (0, 1), (command, code, stderr)
        out[command[0] + " " + " ".join(command[1:])] = (code, stdout, stderr)
    return out


@pytest.mark.parametrize(
    ("where", "value"),
    [("base_salary", "1e-99999999"), ("base_salary", "0." + "0" * 30 + "1"), ("amount", "1e-99999999"),
     ("percent_of_base", "1.5e-40"), ("years", "1e-99999999"), ("weight", "1E-31"), ("ceu", "1e-99999999")],
)  # fmt: skip
def test_a_number_with_more_than_30_decimal_places_is_a_schema_problem(make_repo, run, teacher_yaml, where, value):
    """`1e-99999999` passed the schema and then made exact arithmetic build a 10^99999999 denominator: stipends and
    report ran for minutes. Now more than 30 decimal places is a schema problem, and every command is quick."""
    role = _role()
    teacher = _teacher()
    if where == "base_salary":
        teacher = _teacher(value)
    elif where == "years":
        teacher = teacher.replace("years: 3", f"years: {value}")
    elif where in ("amount", "percent_of_base"):
        role = _role(f"{{{where}: {value}}}")
    elif where == "weight":
        role = role.replace("PAR: 2", f"PAR: {value}")
    else:
        role = role.replace("ceu: 1", f"ceu: {value}")
    root = make_repo(roles={"mentor": role}, teachers={"t-1": teacher, "t-2": teacher_yaml("t-2")})
    code, out, _ = run(["-C", root, "validate", "--as-of", AS_OF])
    assert code == 1
    [line] = [line for line in out.splitlines() if "error[schema]" in line]  # (a broken role: unknown-role too)
    assert "is a number with more than 30 decimal places; expected a number" in line, line
    every_command(run, root)


def test_thirty_decimal_places_are_fine(make_repo, run, teacher_yaml):
    root = make_repo(
        roles={"mentor": _role()}, teachers={"t-1": _teacher("92000." + "0" * 29 + "1"), "t-2": teacher_yaml("t-2")}
    )
    results = every_command(run, root)
    assert results["validate "][0] == 0
    assert results["stipends --term 2025-26 --format csv"][1].splitlines()[1].endswith(",4600.00,")


INT64 = "9223372036854775807"


@pytest.mark.parametrize(
    ("salary", "stipend", "message"),
    [
        (INT64, f"{{percent_of_base: {INT64}}}", "expected at most 100"),
        (INT64, f"{{extra_days: {INT64}}}", "expected at most 366"),
        ("92000", f"{{amount: {INT64}}}", "expected at most 1000000000000"),
        (INT64, "{percent_of_base: 5}", "expected at most 1000000000000"),
        ("92000", "{percent_of_base: 100.01}", "expected at most 100"),
    ],
)
def test_figures_that_reach_money_are_bounded(make_repo, run, teacher_yaml, salary, stipend, message):
    """A 64-bit percent_of_base on a 64-bit salary was schema-valid, and then stipends and report stopped with
    "internal error (InvalidOperation)": 10^36 has no cents in a 28-digit context. The schema bounds what reaches
    money: a salary or amount at most 10^12, a percent at most 100, extra days at most 366."""
    root = make_repo(roles={"mentor": _role(stipend)}, teachers={"t-1": _teacher(salary), "t-2": teacher_yaml("t-2")})
    code, out, _ = run(["-C", root, "validate", "--as-of", AS_OF])
    assert code == 1
    assert any("error[schema]" in line and line.endswith(message) for line in out.splitlines()), out
    every_command(run, root)


@pytest.mark.parametrize(
    ("stipend", "amount"),
    [
        ("{percent_of_base: 100}", "1000000000000.00"),
        ("{extra_days: 366}", "366000000000000.00"),
        ("{amount: 1000000000000}", "1000000000000.00"),
    ],
)
def test_money_at_its_bounds_is_paid_exactly(make_repo, run, teacher_yaml, stipend, amount):
    teacher = _teacher("1000000000000").replace("contract_days: 185", "contract_days: 1")
    root = make_repo(roles={"mentor": _role(stipend)}, teachers={"t-1": teacher, "t-2": teacher_yaml("t-2")})
    results = every_command(run, root)
    assert results["validate "][0] == 0
    rows = results["stipends --term 2025-26 --format csv"][1].splitlines()
    assert rows[1].endswith(f",{amount},")  # from 2025-08-25, the whole term
    assert f'"amount": "{amount}"' in results["stipends --term 2025-26 --format json --by role"][1]


COACH = "id: coach\ntitle: Coach\ncategory: coaching\nafter_service:\n  - bars: {{categories: [mentoring]}}\n    months: {}\n"


def _left_coaching(end: str = "2024-06-30") -> str:
    return _teacher().replace("assignments:\n", f"assignments:\n  - {{role: coach, start: 2023-08-28, end: {end}}}\n")


@pytest.mark.parametrize("months", ["100000", INT64, "1201"])
def test_a_cooling_off_beyond_a_hundred_years_is_a_schema_problem(make_repo, run, teacher_yaml, months):
    """`after_service.months: 100000` was schema-valid; validate and check-eligibility then stopped with
    "internal error (ValueError)" (year 10358 is out of range), or OverflowError for a 64-bit count."""
    root = make_repo(
        roles={"mentor": _role(), "coach": COACH.format(months)},
        teachers={"t-1": _left_coaching(), "t-2": teacher_yaml("t-2")},
    )
    code, out, _ = run(["-C", root, "validate", "--as-of", AS_OF])
    assert code == 1
    assert "roles/coach.yaml:6:13: error[schema] after_service[0].months is the number " in out
    assert out.splitlines()[0].endswith("; expected at most 1200"), out
    every_command(run, root)


def test_the_longest_cooling_off_from_the_last_date_a_file_may_hold(make_repo, run, teacher_yaml):
    root = make_repo(
        roles={"mentor": _role(), "coach": COACH.format(1200)},
        teachers={"t-1": _left_coaching(), "t-2": teacher_yaml("t-2")},
    )
    results = every_command(run, root)
    assert "error[cooling-off]" in results["validate "][1]
    assert "t-1,Pat Doe,,ineligible," in results["check-eligibility --all --format csv"][1]
    # the far end of the calendar: a role left on 2199-12-31 bars for 100 years, to 2299-12-31
    late = make_repo(
        roles={"mentor": _role(), "coach": COACH.format(1200)},
        teachers={"t-1": _left_coaching("2199-12-31"), "t-2": teacher_yaml("t-2")},
        root=root.parent / "late",
    )
    code, out, err = run(["-C", late, "check-eligibility", "--all", "--format", "csv", "--as-of", "2199-12-31"])
    assert code == 0 and "internal error" not in err


@pytest.mark.parametrize("end", ["2025-08-24", "2025-01-01"])
def test_a_report_on_a_term_that_ends_before_it_starts_stops_cleanly(make_repo, run, teacher_yaml, end):
    """validate flags the term (`terms`); stipends and report then divided by its zero days (ZeroDivisionError:
    "internal error", exit 2), or prorated over a negative number of days. A term with no days cannot share out a
    stipend: every report on it stops with exit 1 and says which term and why; other commands run."""
    config = (
        "program: P\norganization: TST\nterms:\n  - {id: 2024-25, start: 2024-08-26, end: 2025-06-13}\n"
        f"  - {{id: 2025-26, start: 2025-08-25, end: {end}}}\n"
    )
    teacher = _teacher().replace("start: 2025-08-25", "start: 2024-08-26")  # open-ended: it overlaps both terms
    root = make_repo(config=config, roles={"mentor": _role()}, teachers={"t-1": teacher, "t-2": teacher_yaml("t-2")})
    code, out, _ = run(["-C", root, "validate", "--as-of", AS_OF])
    assert code == 1 and f"tlt.yaml:5:43: error[terms] term '2025-26' ends {end} before it starts 2025-08-25" in out
    for command in (["stipends"], ["report"], ["caseload"], ["stipends", "--by", "role"]):
        code, out, err = run(["-C", root, *command, "--term", "2025-26", "--format", "csv", "--as-of", AS_OF])
        assert (code, out) == (1, ""), command
        assert err == (
            f"tlt: term '2025-26' in tlt.yaml ends {end} before it starts 2025-08-25, so no report can run on it; "
            "fix tlt.yaml (run `tlt validate`)\n"
        )
    code, out, _ = run(["-C", root, "stipends", "--term", "2024-25", "--format", "csv", "--as-of", AS_OF])
    assert code == 0 and out.splitlines()[1].endswith(",4600.00,")  # the sound term still reports
    assert run(["-C", root, "check-eligibility", "--all", "--format", "csv", "--as-of", AS_OF])[0] == 0


@pytest.mark.parametrize("within", ["2932896", "10000000", "99999999999999999999"])
def test_expiring_within_any_number_of_days(make_repo, run, teacher_yaml, within):
    """`tlt expiring --within 10000000` stopped with "internal error (OverflowError)": D + DAYS passed year 9999.
    Any number of days now reaches at most the calendar's end, which no date in a file passes."""
    teacher = _teacher(extra="licenses:\n  - {state: MA, expires: 2199-12-31}\n")
    root = make_repo(roles={"mentor": _role()}, teachers={"t-1": teacher, "t-2": teacher_yaml("t-2")})
    code, out, err = run(["-C", root, "expiring", "--within", within, "--format", "csv", "--as-of", "2199-12-30"])
    assert code == 0, err
    assert out.splitlines()[1].startswith("t-1,Pat Doe,"), out


@pytest.mark.parametrize(
    ("folders", "shown"),
    [('roles: ["ro\\0les"]', "roles[0] is 'ro\\x00les'"), ('teachers: [teachers, "t\\x1b[2J"]', "teachers[1] is 't\\x1b[2J'"),
     ('teachers: ["teachers\\n"]', "teachers[0] is 'teachers\\n'")],
)  # fmt: skip
def test_a_control_character_in_a_folder_name_is_a_schema_problem(make_repo, run, config_yaml, folders, shown):
    """An escaped NUL in a folder name of tlt.yaml made every command stop with "internal error (ValueError)"
    (embedded null byte) before any problem was reported."""
    teachers = {"t-1": _teacher(), "t-2": "id: t-2\nname: Q\n"}
    root = make_repo(config=config_yaml(folders + "\n"), roles={"mentor": _role()}, teachers=teachers)
    code, out, err = run(["-C", root, "validate", "--as-of", AS_OF])
    assert code == 1
    assert out == (
        f"tlt.yaml:6:{folders.index('[') + 2 + (10 if '[teachers,' in folders else 0)}: error[schema] {shown}; "
        "expected a folder path without control characters (NUL, tab, line breaks)\n"
    )
    for command in (["stipends", "--term", "2025-26"], ["check-eligibility"]):
        code, out, err = run(["-C", root, *command, "--as-of", AS_OF])
        assert (code, out, err) == (1, "", "tlt: tlt.yaml has errors; run `tlt validate`\n")
