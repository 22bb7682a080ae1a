"""The Iowa teacher leadership and compensation (TLC) roles: the catalog entry `roles/iowa-tlc/` (Iowa Code
284.15 and 284.16), issue 15, item 6.

Every stipend is worked by hand below; each part rounds to cents on its own, half up.
"""

from __future__ import annotations

import csv
import io
from pathlib import Path


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
