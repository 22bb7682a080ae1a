"""Every rule kind is one self-documenting unit with its schema branch."""

import pytest

from tlt.rules import REGISTRY
from tlt.schema import load_schema


def test_registry_and_schema_agree():
    schema = load_schema("role")
    kinds = set(schema["$defs"]["rule"]["properties"])
    assert kinds == set(REGISTRY)
    assert {k.removeprefix("rule-") for k in schema["$defs"] if k.startswith("rule-")} == set(REGISTRY)


@pytest.mark.parametrize("kind", sorted(REGISTRY))
def test_each_rule_documents_options_and_semantics(kind):
    module = REGISTRY[kind]
    doc = module.__doc__ or ""
    assert doc.startswith(f"{kind} — ")
    assert "Options:" in doc and "Unknown when" in doc
    options = set(load_schema("role")["$defs"][f"rule-{kind}"]["properties"]) - {"cite"}
    for option in options:
        assert f"``{option}``" in doc, f"{kind} docstring does not document {option}"
