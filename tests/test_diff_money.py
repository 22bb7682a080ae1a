"""`tlt diff REV` shows the money (SPEC 9.4): for the default term, each role's stipend total at REV and in the
working tree, the difference, and what the change costs; only when some role's total moves.

The repository: terms 2024-25 (2024-08-26 – 2025-06-13) and 2025-26 (2025-08-25 – 2026-06-12); mentor pays
amount 3000, coach amount 2000; t-1 is a mentor since 2024-08-26 (open), t-2 a mentor and t-3 a coach from
2025-08-25 (open). Every assignment holds the whole of 2025-26 (fraction 1), so in 2025-26 mentor totals
2 × 3000 = 6000.00 and coach 2000.00. As of 2025-09-01 the default term is 2025-26.
"""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import openpyxl
import pytest
from typer.testing import CliRunner

from gitkit import GIT_IDENTITY, git
from tlt.cli import app

AS_OF = "2025-09-01"

CONFIG = """\
program: Test
organization: TST
terms:
  - {id: 2024-25, start: 2024-08-26, end: 2025-06-13}
  - {id: 2025-26, start: 2025-08-25, end: 2026-06-12}
"""


def role_yaml(ident: str, stipend: str, extra: str = "", min_years: int = 1) -> str:
    return (
        f"id: {ident}\ntitle: A role\ncategory: mentoring\n"
        f"eligibility:\n  required:\n    - experience: {{min_years: {min_years}}}\n"
        f"compensation:\n  stipend: {stipend}\n{extra}"
    )


def teacher_yaml(ident: str, role: str, start: str) -> str:
    return (
        f"id: {ident}\nname: Teacher {ident}\nexperience:\n  - {{employer: TST, years: 4}}\n"
        f"assignments:\n  - {{role: {role}, start: {start}}}\n"
    )


BASE = {
    "tlt.yaml": CONFIG,
    "roles/mentor.yaml": role_yaml("mentor", "{amount: 3000}"),
    "roles/coach.yaml": role_yaml("coach", "{amount: 2000}"),
    "teachers/t-1.yaml": teacher_yaml("t-1", "mentor", "2024-08-26"),
    "teachers/t-2.yaml": teacher_yaml("t-2", "mentor", "2025-08-25"),
    "teachers/t-3.yaml": teacher_yaml("t-3", "coach", "2025-08-25"),
}


def write(root: Path, files: dict[str, str]) -> None:
    for rel, content in files.items():
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(content, encoding="utf-8")


def commit(root: Path, files: dict[str, str]) -> Path:
    write(root, files)
    git(root, "init", "-q", "-b", "main")
    git(root, "add", ".")
    git(root, "commit", "-q", "-m", "base")
    return root


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    return commit(tmp_path / "data", BASE)


def cli(*args: str) -> tuple[int, str, str]:
    env = {"NO_COLOR": "1", "TLT_DEBUG": "1", "TERMINAL_WIDTH": "200", **GIT_IDENTITY}
    result = CliRunner().invoke(app, list(args), env=env)
    if result.exception and not isinstance(result.exception, SystemExit):
        raise result.exception
    return result.exit_code, result.stdout, result.stderr


def diff(root: Path, fmt: str, *args: str) -> str:
    code, out, err = cli("-C", str(root), "diff", "HEAD", "--as-of", AS_OF, *args, "--format", fmt)
    assert code == 0, err
    return out


def money_lines(root: Path, *args: str) -> list[str]:
    """The text output's money block: from its `stipends in` line to its closing `this change` line."""
    lines = diff(root, "table", *args).splitlines()
    starts = [i for i, line in enumerate(lines) if line.startswith("stipends in ")]
    if not starts:
        return []
    end = next(i for i, line in enumerate(lines) if line.startswith("this change "))
    return lines[starts[0] : end + 1]


def stipends_json(root: Path, *args: str) -> dict | None:  # type: ignore[type-arg]
    return json.loads(diff(root, "json", *args)).get("stipends")


def test_a_raised_stipend_for_two_holders_costs_the_difference(repo: Path) -> None:
    write(repo, {"roles/mentor.yaml": role_yaml("mentor", "{amount: 3600}")})
    # mentor: 2 holders × 3000 = 6000.00 → 2 × 3600 = 7200.00: +1200.00; coach 2000.00 both sides
    # totals: 6000 + 2000 = 8000.00 → 7200 + 2000 = 9200.00
    assert money_lines(repo) == [
        "stipends in 2025-26: $8,000.00 at HEAD → $9,200.00 in the working tree",
        "  mentor: $6,000.00 → $7,200.00 (+$1,200.00)",
        "  1 other role: stipend total unchanged",
        "this change costs $1,200.00 in 2025-26",
    ]
    text = diff(repo, "table")
    # the money comes before the first blank line: a CI comment cut there (docs/ci.md) keeps it
    assert "this change costs $1,200.00 in 2025-26" in text.split("\n\n")[0]
    assert text.splitlines()[-1] == "no verdict changed for any teacher and role that exist on both sides"


def test_a_version_from_the_term_costs_what_it_adds(repo: Path) -> None:
    version = (
        '\nversions:\n  - from: 2025-26\n    cite: "CBA 2025, art. 9"\n    compensation: {stipend: {amount: 3500}}\n'
    )
    write(repo, {"roles/mentor.yaml": role_yaml("mentor", "{amount: 3000}") + version})
    # 2025-26: the version is in force at the term's start: 2 × 3500 = 7000.00 against 6000.00: +1000.00
    assert money_lines(repo)[1:] == [
        "  mentor: $6,000.00 → $7,000.00 (+$1,000.00)",
        "  1 other role: stipend total unchanged",
        "this change costs $1,000.00 in 2025-26",
    ]
    # as of 2025-06-01 the default term is 2024-25 (t-1 alone, 3000.00): the version is not in force yet
    code, out, _ = cli("-C", str(repo), "diff", "HEAD", "--as-of", "2025-06-01", "--format", "json")
    assert code == 0 and "stipends" not in json.loads(out)
    # holders: keep: t-1 (started 2024-08-26, before 2025-26) keeps 3000; t-2 gets 3500: 6500.00, +500.00
    write(repo, {"roles/mentor.yaml": role_yaml("mentor", "{amount: 3000}") + version + "    holders: keep\n"})
    assert money_lines(repo)[1] == "  mentor: $6,000.00 → $6,500.00 (+$500.00)"


def test_a_removed_role_saves_its_total(repo: Path) -> None:
    (repo / "roles" / "coach.yaml").unlink()
    # coach 2000.00 → 0.00 (t-3's assignment now names an unknown role: no amount); 8000.00 → 6000.00
    assert money_lines(repo) == [
        "stipends in 2025-26: $8,000.00 at HEAD → $6,000.00 in the working tree",
        "  coach (removed): $2,000.00 → $0.00 (−$2,000.00)",
        "  1 other role: stipend total unchanged",
        "this change saves $2,000.00 in 2025-26",
    ]
    data = stipends_json(repo)
    assert data is not None
    coach = next(r for r in data["rows"] if r["role_id"] == "coach")
    assert (coach["before"], coach["after"], coach["difference"]) == ("2000.00", "0.00", "-2000.00")


def test_changes_that_cancel_out_cost_nothing(repo: Path) -> None:
    write(
        repo,
        {
            "roles/mentor.yaml": role_yaml("mentor", "{amount: 2000}"),  # 2 × (2000 − 3000) = −2000.00
            "roles/coach.yaml": role_yaml("coach", "{amount: 4000}"),  # 1 × (4000 − 2000) = +2000.00
        },
    )
    assert money_lines(repo) == [
        "stipends in 2025-26: $8,000.00 at HEAD → $8,000.00 in the working tree",
        "  coach: $2,000.00 → $4,000.00 (+$2,000.00)",
        "  mentor: $6,000.00 → $4,000.00 (−$2,000.00)",
        "this change costs nothing in 2025-26: the roles' totals move but cancel out",
    ]
    data = stipends_json(repo)
    assert data is not None and (data["before"], data["after"], data["difference"]) == ("8000.00", "8000.00", "0.00")


def test_json_csv_and_xlsx_carry_every_role(repo: Path, tmp_path: Path) -> None:
    write(repo, {"roles/mentor.yaml": role_yaml("mentor", "{amount: 3600}")})
    data = json.loads(diff(repo, "json"))
    assert list(data)[-1] == "stipends"  # after every member the diff always had
    assert data["stipends"] == {
        "term": "2025-26",
        "rows": [
            {"term": "2025-26", "role_id": "coach", "was": None, "before": "2000.00", "after": "2000.00",
             "difference": "0.00"},
            {"term": "2025-26", "role_id": "mentor", "was": None, "before": "6000.00", "after": "7200.00",
             "difference": "1200.00"},
        ],
        "before": "8000.00",
        "after": "9200.00",
        "difference": "1200.00",
    }  # fmt: skip
    # CSV: the changes (none changed: the header alone), a blank line, the money with its own header
    out = diff(repo, "csv")
    assert out.split("\n") == [
        "role_id,teacher_id,before,after,reason",
        "",
        "term,role_id,was,before,after,difference",
        "2025-26,coach,,2000.00,2000.00,0.00",
        "2025-26,mentor,,6000.00,7200.00,1200.00",
        "",
    ]
    target = tmp_path / "diff.xlsx"
    code, _, err = cli("-C", str(repo), "diff", "HEAD", "--as-of", AS_OF, "--output", str(target))
    assert code == 0, err
    workbook = openpyxl.load_workbook(target)
    assert workbook.sheetnames == ["diff", "stipends"]
    money = workbook["stipends"]
    rows = [[c.value for c in row] for row in money.iter_rows()]
    assert rows == [
        ["term", "role_id", "was", "before", "after", "difference"],
        ["2025-26", "coach", None, 2000, 2000, 0],
        ["2025-26", "mentor", None, 6000, 7200, 1200],
    ]
    assert money["F3"].number_format == "0.00" and money.freeze_panes == "A2"
    assert money.auto_filter.ref == "A1:F3"


def test_a_diff_that_changes_no_pay_has_no_money(repo: Path, tmp_path: Path) -> None:
    # the mentor's rule tightens: all three teachers (4 years each) become ineligible, no stipend moves
    write(repo, {"roles/mentor.yaml": role_yaml("mentor", "{amount: 3000}", min_years=5)})
    text = diff(repo, "table")
    assert "stipends in" not in text and "this change" not in text
    assert "mentor: +0 eligible, −3 (eligible 3 → 0; 3 verdicts changed)" in text
    assert "stipends" not in json.loads(diff(repo, "json"))
    assert diff(repo, "csv").split("\n") == [
        "role_id,teacher_id,before,after,reason",
        'mentor,t-1,eligible,ineligible,"experience: 4.00 years, needs 5"',
        'mentor,t-2,eligible,ineligible,"experience: 4.00 years, needs 5"',
        'mentor,t-3,eligible,ineligible,"experience: 4.00 years, needs 5"',
        "",
    ]
    target = tmp_path / "diff.xlsx"
    code, _, err = cli("-C", str(repo), "diff", "HEAD", "--as-of", AS_OF, "--output", str(target))
    assert code == 0, err
    assert openpyxl.load_workbook(target).sheetnames == ["diff"]
    # a renamed role keeps its total (its total at HEAD is its old id's): no money either
    git(repo, "checkout", "-q", "--", "roles/mentor.yaml")
    git(repo, "mv", "roles/mentor.yaml", "roles/peer-mentor.yaml")
    write(repo, {"roles/peer-mentor.yaml": role_yaml("peer-mentor", "{amount: 3000}")})
    for t, start in (("t-1", "2024-08-26"), ("t-2", "2025-08-25")):
        write(repo, {f"teachers/{t}.yaml": teacher_yaml(t, "peer-mentor", start)})
    data = json.loads(diff(repo, "json"))
    assert data["roles_renamed"] == [{"from": "mentor", "to": "peer-mentor"}] and "stipends" not in data


def test_a_revision_without_the_term_or_tlt_yaml_counts_zero(tmp_path: Path) -> None:
    # HEAD's tlt.yaml has only 2024-25: every 2025-26 total at HEAD is 0.00
    root = commit(tmp_path / "data", {**BASE, "tlt.yaml": CONFIG.split("  - {id: 2025-26")[0]})
    write(root, {"tlt.yaml": CONFIG})
    assert money_lines(root) == [
        "stipends in 2025-26: $0.00 at HEAD → $8,000.00 in the working tree",
        "  coach: $0.00 → $2,000.00 (+$2,000.00)",
        "  mentor: $0.00 → $6,000.00 (+$6,000.00)",
        "this change costs $8,000.00 in 2025-26",
    ]
    # no tlt.yaml at HEAD: every role is added, at 0.00 before
    empty = commit(tmp_path / "empty", {"README.md": "data to come\n"})
    write(empty, BASE)
    assert money_lines(empty)[1:3] == [
        "  coach (added): $0.00 → $2,000.00 (+$2,000.00)",
        "  mentor (added): $0.00 → $6,000.00 (+$6,000.00)",
    ]


def test_term_picks_the_term_and_a_broken_term_leaves_the_money_out(repo: Path) -> None:
    write(repo, {"roles/mentor.yaml": role_yaml("mentor", "{amount: 3600}")})
    # --term 2024-25: t-1 alone (2024-08-26, open): 3000.00 → 3600.00
    code, out, err = cli("-C", str(repo), "diff", "HEAD", "--term", "2024-25", "--format", "json")
    assert code == 0, err
    mentor = next(r for r in json.loads(out)["stipends"]["rows"] if r["role_id"] == "mentor")
    assert (mentor["term"], mentor["before"], mentor["after"]) == ("2024-25", "3000.00", "3600.00")
    # a term that ends before it starts has no stipends to compare: the diff runs without them and says why
    write(repo, {"tlt.yaml": CONFIG.replace("end: 2026-06-12", "end: 2025-08-01")})
    code, out, err = cli("-C", str(repo), "diff", "HEAD", "--as-of", AS_OF, "--format", "json")
    assert code == 0 and "stipends" not in json.loads(out)
    assert "no stipend totals: term '2025-26' in tlt.yaml ends 2025-08-01 before it starts 2025-08-25" in err


def test_csv_money_reads_back_as_numbers(repo: Path) -> None:
    write(repo, {"roles/mentor.yaml": role_yaml("mentor", "{amount: 3000.005}")})
    # 3000.005 rounds half up to 3000.01 a row: 2 × 3000.01 = 6000.02, +0.02 against 6000.00
    out = diff(repo, "csv")
    money = list(csv.DictReader(io.StringIO(out.split("\n\n")[1])))
    assert [(r["role_id"], r["difference"]) for r in money] == [("coach", "0.00"), ("mentor", "0.02")]
    assert money_lines(repo)[-1] == "this change costs $0.02 in 2025-26"
