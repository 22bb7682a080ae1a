"""The bundled examples decide as a person reading the seed documents would: named teachers built for it,
with the verdicts worked out by hand in tests/examples_expected/<district>.yaml."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import pytest
import yaml

from example_dates import REFERENCE
from tlt.judge import judge_all
from tlt.pipeline import load_repository

HERE = Path(__file__).parent
ROOT = HERE.parent
CASES = []
for file in sorted((HERE / "examples_expected").glob("*.yaml")):
    spec = yaml.safe_load(file.read_text(encoding="utf-8"))
    for case in spec["expected"]:
        CASES.append(
            pytest.param(spec["repo"], spec["as_of"], case, id=f"{file.stem}:{case['teacher']}:{case['role']}")
        )


@pytest.mark.parametrize("repo, as_of, case", CASES)
def test_expected_verdict(repo, as_of, case):
    loaded = load_repository(ROOT / repo)
    d = as_of if isinstance(as_of, date) else date.fromisoformat(str(as_of))
    (v,) = judge_all(loaded, d, [case["role"]], [case["teacher"]])
    assert v.verdict == case["verdict"], f"{case['why']}\n{[c.detail for c in v.checks]}"


def test_the_verdicts_are_judged_on_the_examples_reference_date():
    """examples/window.yaml's `reference` is the date the hand-checked verdicts are for (a roll moves both)."""
    assert {param.values[1] for param in CASES} == {REFERENCE}


def test_every_district_has_all_three_verdicts():
    verdicts: dict[str, set[str]] = {}
    for param in CASES:
        repo, _, case = param.values
        verdicts.setdefault(repo, set()).add(case["verdict"])
    assert len(verdicts) >= 3
    for repo, seen in verdicts.items():
        assert seen == {"eligible", "needs_review", "ineligible"}, repo


@pytest.mark.parametrize("district", ["bps", "jps", "acps"])
def test_explain_shows_every_rule_with_figures(run, district):
    code, out, err = run(
        [
            "-C",
            ROOT / "examples" / district,
            "check-eligibility",
            "--all",
            "--explain",
            "--as-of",
            REFERENCE.isoformat(),
            "--format",
            "json",
        ]
    )
    assert code == 0, err
    data = json.loads(out)
    assert data, "no pairs"
    outcomes = {c["outcome"] for v in data for c in v["checks"]}
    assert outcomes == {"pass", "fail", "unknown"}
    for v in data:
        assert all(
            c["detail"].startswith(c["rule"].replace("_", " ").replace("prior role", "prior role").split()[0])
            or c["rule"] in ("term_limit", "cooling-off")
            for c in v["checks"]
        )
