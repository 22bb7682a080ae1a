"""Helpers for rule tests (a plain module, not a conftest: tests/conftest.py owns that name): judge one written rule, or a whole role, against a teacher given as a dict."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Any

import pytest

from tlt.judge import Verdict, compile_role, judge_compiled
from tlt.model import Role, Teacher, Term, build_config, build_role, build_teacher
from tlt.rules import REGISTRY
from tlt.rules.base import UNKNOWN, Context

TERMS = [
    {"id": f"{y}-{str(y + 1)[2:]}", "start": f"{y}-08-2{5 if y % 2 else 6}", "end": f"{y + 1}-06-1{2 if y % 2 else 3}"}
    for y in range(2018, 2028)
]
CONFIG = build_config({"program": "P", "organization": "BPS", "terms": TERMS}, "tlt.yaml")


def teacher(**fields: Any) -> Teacher:
    return build_teacher({"id": "t-1", "name": "T", **fields}, "teachers/t-1.yaml")


def role(rid: str = "r", **fields: Any) -> Role:
    return build_role({"id": rid, "title": rid.title(), "category": "mentoring", **fields}, f"roles/{rid}.yaml")


def context(as_of: date, roles: dict[str, Role] | None = None) -> Context:
    return Context.build(CONFIG, roles or {}, as_of)


def check_rule(kind: str, options: dict[str, Any], as_of: date, **teacher_fields: Any) -> tuple[str, str]:
    """(outcome, detail) of one rule, with the same absent-field handling as the judge."""
    t = teacher(**teacher_fields)
    module = REGISTRY[kind]
    if getattr(t, module.FIELD) is None:
        return UNKNOWN, f"{kind}: not recorded"
    return module.check(options, t, context(as_of))


def verdict(r: Role, t: Teacher, as_of: date, roles: dict[str, Role] | None = None) -> Verdict:
    roles = {r.id: r, **(roles or {})}
    return judge_compiled(compile_role(r, roles), t, context(as_of, roles))


@pytest.fixture
def check() -> Callable[..., tuple[str, str]]:
    return check_rule


def term(tid: str) -> Term:
    found = CONFIG.term(tid)
    assert found is not None
    return found
