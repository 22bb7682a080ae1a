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


class _OnlyField:
    """A teacher that shows one field and refuses every other: a rule must read nothing but its FIELD."""

    def __init__(self, teacher, field):
        self._teacher, self._field = teacher, field

    def __getattr__(self, name):
        if name != self._field:
            raise AssertionError(f"the rule read teacher.{name}, not its FIELD {self._field}")
        return getattr(self._teacher, name)


@pytest.mark.parametrize("example", ["bps", "jps", "acps"])
def test_rules_read_only_their_field(example):
    """Teachers whose rule field is equal share one answer (`tlt.judge`): sound only if the rule reads nothing
    else. Every catalog rule, every example teacher, as of two dates."""
    from pathlib import Path

    from example_dates import moved_day
    from tlt.pipeline import load_repository
    from tlt.rules.base import Context

    repo = load_repository(Path(__file__).parents[2] / "examples" / example)
    specs = [s for r in repo.roles.values() for s in (*r.required, *r.preferred)]
    assert specs
    for as_of in (moved_day("2025-09-01"), moved_day("2027-03-01")):
        ctx = Context.build(repo.config, repo.roles, as_of)
        for t in repo.teachers.values():
            for spec in specs:
                module = REGISTRY[spec.kind]
                if getattr(t, module.FIELD) is None:
                    continue
                assert module.check(spec.options, _OnlyField(t, module.FIELD), ctx) == module.check(
                    spec.options, t, ctx
                )
