"""The rule reference in Markdown, made from the rule modules' own docstrings (docs/eligibility.md holds a copy
that tests/test_rule_docs.py keeps in step)."""

from __future__ import annotations

import inspect

from tlt.rules import REGISTRY, implicit


def rule_reference() -> str:
    parts = ["<!-- generated from the rule modules' docstrings by tlt.rules.docs; do not edit by hand -->", ""]
    for kind, module in REGISTRY.items():
        doc = inspect.cleandoc(module.__doc__ or "")
        title, _, body = doc.partition("\n")
        parts.append(f"### `{kind}`")
        parts.append("")
        summary = title.split(" — ", 1)[-1].rstrip(".")
        parts.append(summary[:1].upper() + summary[1:] + ".")
        parts.append("")
        parts.append(body.strip().replace("``", "`"))
        parts.append("")
    parts.append("### Implicit rules")
    parts.append("")
    parts.append(inspect.cleandoc(implicit.__doc__ or "").split("\n", 1)[1].strip().replace("``", "`"))
    parts.append("")
    return "\n".join(parts)
