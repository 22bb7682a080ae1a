"""docs/eligibility.md carries the rule reference made from the rule modules' docstrings, kept in step."""

import os
from pathlib import Path

from tlt.rules import REGISTRY
from tlt.rules.docs import rule_reference

DOC = Path(__file__).parent.parent / "docs" / "eligibility.md"
MARK = "## Rule reference\n\n"


def test_rule_reference_is_current():
    text = DOC.read_text(encoding="utf-8")
    head, _, tail = text.partition(MARK)
    if os.environ.get("TLT_UPDATE_GOLDEN"):
        DOC.write_text(head + MARK + rule_reference(), encoding="utf-8")
        return
    assert tail == rule_reference(), "docs/eligibility.md is stale: rerun with TLT_UPDATE_GOLDEN=1"


def test_every_rule_kind_is_in_the_docs():
    text = DOC.read_text(encoding="utf-8")
    for kind in REGISTRY:
        assert f"### `{kind}`" in text
