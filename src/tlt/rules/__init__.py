"""Eligibility rule kinds (SPEC section 3): one module each, and this explicit registry.

Adding a kind: write its module (KIND, FIELD, check, summarize, a docstring with options and semantics; where a
date changes the answer, `over_dates` too: rules/base.py says what each is), add it here, add its branch
`rule-<kind>` to src/tlt/schema/role.schema.json, and its tests. Nothing else changes.
"""

from __future__ import annotations

from types import ModuleType

from tlt.rules import (
    clearances,
    coursework,
    credentials,
    degree,
    evaluation,
    experience,
    license,
    membership,
    prior_role,
    status,
)

REGISTRY: dict[str, ModuleType] = {
    m.KIND: m
    for m in (
        experience,
        license,
        degree,
        status,
        membership,
        clearances,
        evaluation,
        prior_role,
        credentials,
        coursework,
    )
}
