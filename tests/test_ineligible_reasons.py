"""`ineligible-assignment` lists the failing required rules only (SPEC 3: preferred rules never disqualify;
issue 14 deliverable 5). A bps teacher without a master's holds the consulting-teacher role from 2024-08-26;
before issue 12 the message also listed the preferred prior-role rule ("prior role (coaching or mentoring): 0
terms, needs 1 (…Qualifications - Preferred…)"). Already right on main when issue 14 was worked: this pins it."""

from __future__ import annotations

import shutil
from pathlib import Path

BPS = Path(__file__).resolve().parent.parent / "examples" / "bps"


def test_only_failing_required_rules_are_reasons(tmp_path, run):
    root = tmp_path / "bps"
    shutil.copytree(BPS, root)
    teacher = root / "teachers" / "t-0001.yaml"
    text = teacher.read_text(encoding="utf-8")
    assert "  - {level: master, field: Teaching of English}\n" in text
    teacher.write_text(text.replace("  - {level: master, field: Teaching of English}\n", ""), encoding="utf-8")
    code, out, _ = run(["-C", root, "validate", "--as-of", "2025-09-01"])
    assert code == 1
    assert out == (
        "teachers/t-0001.yaml:23:12: error[ineligible-assignment] t-0001 was ineligible for "
        "bps-esp-consulting-teacher on 2024-08-26: degree: bachelor, needs master (per BPS ESP Consulting Teacher, "
        'Qualifications - Required: "Masters Degree")\n'
    )
    assert "Preferred" not in out and "prior role" not in out
