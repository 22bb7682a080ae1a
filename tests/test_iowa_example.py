"""The Iowa teacher leadership and compensation (TLC) roles: the catalog entry `roles/iowa-tlc/` (Iowa Code
284.15 and 284.16) and the example district built on it, `examples/iowa/` (issue 15, item 6).

Every stipend is worked by hand below. The example's terms (examples/iowa/tlt.yaml) are
2025-26 = 2025-08-25..2026-06-12 and 2026-27 = 2026-08-24..2027-06-11, each 292 days (both ends inclusive:
7 days of August + 30 + 31 + 30 + 31 + 31 + 28 + 31 + 30 + 31 + 12 of June = 292, and the same for 2026-27);
contract_days is 185 unless a teacher's record says otherwise. Each part rounds to cents on its own, half up.
The example's dates go through `moved()` and `moved_term()`, so the test keeps asking the same questions after
tools/roll_examples.py moves the examples on (a move keeps every span's days, so every figure stays).
"""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

from example_dates import moved, moved_term

PROJECT = Path(__file__).resolve().parents[1]
EXAMPLE = PROJECT / "examples" / "iowa"
TERM_1, TERM_2 = moved_term("2025-26"), moved_term("2026-27")
AS_OF_1, AS_OF_2 = moved("2025-09-15"), moved("2026-09-15")


def stipend_rows(run, repo: Path, term: str, as_of: str) -> dict[tuple[str, str], dict[str, str]]:
    code, out, err = run(["-C", repo, "stipends", "--term", term, "--as-of", as_of, "--format", "csv"])
    assert code == 0, err
    return {(r["teacher_id"], r["part"]): r for r in csv.DictReader(io.StringIO(out))}


def test_the_catalog_pays_the_statutory_minimums(tmp_path, run):
    """`tlt init --catalog iowa-tlc`, one teacher in each role for a whole term: each role pays its supplement
    plus its extra contract days, both charged to the TLC fund."""
    root = tmp_path / "district"
    code, _, err = run(["init", root, "--catalog", "iowa-tlc", "--as-of", "2026-11-23"])
    assert code == 0, err
    config = (root / "tlt.yaml").read_text(encoding="utf-8")
    (root / "tlt.yaml").write_text(config.replace("# contract_days: 185", "contract_days: 185"), encoding="utf-8")
    term_start = next(line for line in config.splitlines() if "{id: 2026-27" in line).split("start: ")[1][:10]
    for n, role in enumerate(("model-teacher", "mentor-teacher", "lead-teacher", "cpd-leader"), start=1):
        (root / "teachers" / f"t-{n}.yaml").write_text(
            f"id: t-{n}\nname: Teacher {n}\nbase_salary: 50000\nexperience: [{{employer: IA, years: 3}}]\n"
            f"assignments:\n  - {{role: iowa-tlc-{role}, start: {term_start}}}\n",
            encoding="utf-8",
        )
    rows = stipend_rows(run, root, "2026-27", "2026-11-23")
    amounts = {key: row["amount"] for key, row in rows.items()}  # the sample teacher init writes holds no role
    # base 50000, contract_days 185: the per-diem is 50000 / 185 = 270.270270…
    assert amounts == {
        ("t-1", "salary supplement"): "2000.00",  # model teacher, 284.15: at least $2,000
        ("t-1", "extra contract days"): "1351.35",  # 270.270… × 5 = 1351.351… → 1351.35
        ("t-2", "salary supplement"): "5000.00",  # mentor teacher: at least $5,000
        ("t-2", "extra contract days"): "2702.70",  # 270.270… × 10 = 2702.702… → 2702.70
        ("t-3", "salary supplement"): "10000.00",  # lead teacher: at least $10,000
        ("t-3", "extra contract days"): "4054.05",  # 270.270… × 15 = 4054.054… → 4054.05
        ("t-4", "stipend"): "10000.00",  # curriculum and PD leader, 284.16: $10,000 to $12,000, the minimum
        ("t-4", "extra contract days"): "4054.05",  # 15 days, as the lead teacher's
    }
    assert {row["fund"] for row in rows.values()} == {"TLC"}


def test_the_example_validates_and_names_its_sources(run):
    code, _, err = run(["-C", EXAMPLE, "validate", "--as-of", moved("2026-08-24")])
    assert code == 0, err
    assert "64 files (4 roles, 60 teachers): no problems" in err
    code, out, err = run(["-C", EXAMPLE, "roles", "--format", "json", "--as-of", moved("2026-08-24")])
    assert code == 0, err
    assert sorted(r["role_id"] for r in json.loads(out)) == [
        "iowa-tlc-cpd-leader",
        "iowa-tlc-lead-teacher",
        "iowa-tlc-mentor-teacher",
        "iowa-tlc-model-teacher",
    ]


def test_stipends_in_the_first_term(run):
    rows = stipend_rows(run, EXAMPLE, TERM_1, AS_OF_1)
    amounts = {key: row["amount"] for key, row in rows.items()}
    assert amounts == {
        # model teachers: 2000 + base / contract_days × 5, the whole term (fraction 1)
        ("t-0001", "salary supplement"): "2000.00",
        ("t-0001", "extra contract days"): "1297.30",  # 48000 / 185 × 5 = 1297.297… → 1297.30
        ("t-0002", "salary supplement"): "2000.00",
        ("t-0002", "extra contract days"): "1363.16",  # her own contract_days 190: 51800 / 190 × 5 = 1363.157…
        ("t-0003", "salary supplement"): "2000.00",
        ("t-0003", "extra contract days"): "",  # no base_salary recorded: no amount, the note says why
        ("t-0004", "salary supplement"): "2000.00",
        ("t-0004", "extra contract days"): "1250.00",  # 46250 / 185 = 250 exactly; × 5 = 1250.00
        ("t-0006", "salary supplement"): "2000.00",
        ("t-0006", "extra contract days"): "1348.65",  # 49900 / 185 × 5 = 1348.648… → 1348.65
        # mentor teachers: 5000 + base / 185 × 10
        ("t-0011", "salary supplement"): "5000.00",
        ("t-0011", "extra contract days"): "2702.70",  # 50000 / 185 × 10 = 2702.702… → 2702.70
        # t-0012 from 2026-01-05 to the term's end: 159 of 292 days (27 of January + 28 + 31 + 30 + 31 + 12)
        ("t-0012", "salary supplement"): "2722.60",  # 5000 × 159 / 292 = 2722.602… → 2722.60
        ("t-0012", "extra contract days"): "1633.56",  # 55500 / 185 = 300; × 10 × 159 / 292 = 1633.561…
        ("t-0013", "salary supplement"): "5000.00",
        ("t-0013", "extra contract days"): "3100.00",  # 57350 / 185 = 310; × 10 = 3100.00
        ("t-0015", "salary supplement"): "5000.00",
        ("t-0015", "extra contract days"): "3250.00",  # 60125 / 185 = 325; × 10 = 3250.00
        # t-0016 from the term's start to 2025-12-19: 117 of 292 days (7 + 30 + 31 + 30 + 19)
        ("t-0016", "salary supplement"): "2003.42",  # 5000 × 117 / 292 = 2003.424… → 2003.42
        ("t-0016", "extra contract days"): "1178.23",  # 54400 / 185 × 10 × 117 / 292 = 1178.230… → 1178.23
        # lead teachers: 10000 + base / 185 × 15
        ("t-0021", "salary supplement"): "10000.00",
        ("t-0021", "extra contract days"): "5027.03",  # 62000 / 185 × 15 = 5027.027… → 5027.03
        ("t-0022", "salary supplement"): "10000.00",
        ("t-0022", "extra contract days"): "5250.00",  # 64750 / 185 = 350; × 15 = 5250.00
        # curriculum and professional development leader: 10000 + base / 185 × 15
        ("t-0031", "stipend"): "10000.00",
        ("t-0031", "extra contract days"): "5400.00",  # 66600 / 185 = 360; × 15 = 5400.00
    }
    assert rows[("t-0012", "salary supplement")]["fraction"] == "0.5445"  # 159 / 292 = 0.54452…
    assert rows[("t-0016", "salary supplement")]["fraction"] == "0.4007"  # 117 / 292 = 0.40068…
    assert rows[("t-0003", "extra contract days")]["note"] == "no base_salary in the teacher's record"
    assert {row["fund"] for row in rows.values()} == {"TLC"}


def test_the_first_terms_total_by_fund(run):
    code, out, err = run(["-C", EXAMPLE, "stipends", "--term", TERM_1, "--as-of", AS_OF_1, "--by", "fund"])
    assert code == 0, err
    # supplements: model 5 × 2000 = 10000; mentor 5000 + 2722.60 + 5000 + 5000 + 2003.42 = 19726.02;
    #   lead 2 × 10000 = 20000; leader 10000 → 59726.02
    # extra days: model 1297.30 + 1363.16 + 1250.00 + 1348.65 = 5259.11; mentor 2702.70 + 1633.56 + 3100.00 +
    #   3250.00 + 1178.23 = 11864.49; lead 5027.03 + 5250.00 = 10277.03; leader 5400.00 → 32800.63
    # total 59726.02 + 32800.63 = 92526.65, over 13 assignments
    assert out.splitlines()[1:] == [f"{TERM_1},TLC,13,92526.65"]


def test_the_district_raise_applies_from_the_second_term(run):
    """examples/iowa/district/ holds the district's mentor teacher role: the catalog's file plus a version from
    2026-27 that raises the supplement to $5,500 (and keeps the 10 extra days)."""
    rows = stipend_rows(run, EXAMPLE, TERM_2, AS_OF_2)
    supplement = rows[("t-0011", "salary supplement")]
    assert supplement["amount"] == "5500.00"  # the version's 5500 × 1 (the open-ended assignment covers 2026-27)
    assert supplement["basis"] == (
        "amount: 5500 (per Prairie Valley CSD board resolution 2026-14: mentor teacher supplement $5,500 from "
        f"{TERM_2})"
    )
    assert rows[("t-0011", "extra contract days")]["amount"] == "2702.70"  # 50000 / 185 × 10, as before
    assert rows[("t-0014", "salary supplement")]["amount"] == "5500.00"
    assert rows[("t-0014", "extra contract days")]["amount"] == "2810.81"  # 52000 / 185 × 10 = 2810.810…
    # the other roles have no version: a model teacher's pay is the same in both terms
    assert rows[("t-0001", "salary supplement")]["amount"] == "2000.00"
    assert rows[("t-0001", "extra contract days")]["amount"] == "1297.30"

    code, out, err = run(["-C", EXAMPLE, "report", "--term", TERM_2, "--as-of", AS_OF_2])
    assert code == 0, err
    (row,) = [r for r in csv.DictReader(io.StringIO(out)) if r["teacher_id"] == "t-0011"]
    assert row["stipend"] == "8202.70"  # 5500.00 + 2702.70
    assert row["terms_served"] == "2"  # 2025-26 and 2026-27, one open-ended assignment


def test_a_part_without_an_amount_empties_the_report_stipend(run):
    code, out, err = run(["-C", EXAMPLE, "report", "--term", TERM_1, "--as-of", AS_OF_1])
    assert code == 0, err
    (row,) = [r for r in csv.DictReader(io.StringIO(out)) if r["teacher_id"] == "t-0003"]
    assert row["stipend"] == ""  # her extra contract days have no amount (no base_salary), so no sum
    assert "extra contract days" in row["stipend_basis"]
