"""`tlt schema`, the shipped JSON Schemas, their copies in schemas/, and the messages schema problems give."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from jsonschema import Draft202012Validator

from tlt.render.rows import to_json
from tlt.schema import SCHEMA_NAMES, load_schema, published_schema

PROJECT = Path(__file__).resolve().parent.parent
PACKAGED = PROJECT / "src" / "tlt" / "schema"
AS_OF = "2025-09-01"


@pytest.mark.parametrize("name", SCHEMA_NAMES)
def test_schema_command_prints_a_valid_json_schema(run, name):
    code, out, err = run(["schema", name])
    assert code == 0, err
    schema = json.loads(out)
    Draft202012Validator.check_schema(schema)
    assert schema["$schema"] == "https://json-schema.org/draft/2020-12/schema"
    assert schema == published_schema(name)


def test_schema_command_refuses_an_unknown_name(run):
    code, out, err = run(["schema", "district"])
    assert code == 2
    assert out == ""
    assert "district" in err


def test_schema_command_writes_to_output(run, tmp_path):
    target = tmp_path / "role.schema.json"
    code, out, _ = run(["schema", "role", "--output", target])
    assert code == 0
    assert out == ""
    assert json.loads(target.read_text()) == published_schema("role")


def _properties(node, where="#"):
    """(where, property name, property schema) for every `properties` entry, however deep."""
    if isinstance(node, dict):
        for name, sub in node.get("properties", {}).items():
            yield f"{where}/properties/{name}", name, sub
        for key, sub in node.items():
            yield from _properties(sub, f"{where}/{key}")
    elif isinstance(node, list):
        for i, sub in enumerate(node):
            yield from _properties(sub, f"{where}/{i}")


def _resolve(schema, node):
    while isinstance(node, dict) and "$ref" in node and not ("description" in node or "title" in node):
        assert node["$ref"].startswith("#/$defs/"), node["$ref"]
        node = schema["$defs"][node["$ref"].removeprefix("#/$defs/")]
    return node


@pytest.mark.parametrize("name", SCHEMA_NAMES)
def test_every_property_is_described(name):
    schema = load_schema(name)
    undocumented = [
        where for where, _, sub in _properties(schema) if not ({"description", "title"} & set(_resolve(schema, sub)))
    ]
    assert undocumented == []


@pytest.mark.parametrize("name", SCHEMA_NAMES)
def test_titles_are_whole_phrases(name):
    text = json.dumps(load_schema(name))
    cut = [t for t in re.findall(r'"title": "([^"]*)"', text) if re.search(r"(, e|\be)$", t) or not t.strip()]
    assert cut == []


@pytest.mark.parametrize("name", SCHEMA_NAMES)
def test_no_remote_refs(name):
    refs = re.findall(r'"\$ref": "([^"]*)"', json.dumps(load_schema(name)))
    assert refs and all(ref.startswith("#/") for ref in refs)


def test_schemas_folder_holds_what_tlt_schema_prints():
    """schemas/ holds the published schemas for people and editors; src/tlt/schema/ is the single source. Fix a
    diff with `for n in config role teacher; do tlt schema $n -o schemas/$n.schema.json; done`."""
    packaged = sorted(p.name for p in PACKAGED.glob("*.schema.json"))
    copies = {p.name: p.read_text(encoding="utf-8") for p in (PROJECT / "schemas").glob("*.schema.json")}
    assert packaged == [f"{n}.schema.json" for n in sorted(SCHEMA_NAMES)]
    assert sorted(copies) == packaged
    stale = [n for n in SCHEMA_NAMES if copies[f"{n}.schema.json"] != to_json(published_schema(n))]
    assert stale == [], "run: for n in config role teacher; do tlt schema $n -o schemas/$n.schema.json; done"


def _without_messages(node):
    if isinstance(node, dict):
        return {k: _without_messages(v) for k, v in node.items() if k not in ("x-tlt-message", "errorMessage")}
    if isinstance(node, list):
        return [_without_messages(v) for v in node]
    return node


@pytest.mark.parametrize("name", SCHEMA_NAMES)
def test_the_published_schema_checks_exactly_what_tlt_checks(name):
    """Editors get tlt's texts as `errorMessage` (tlt.schema.published); nothing else may differ."""
    published = published_schema(name)
    assert "x-tlt-message" not in json.dumps(published)
    assert _without_messages(published) == _without_messages(load_schema(name))


def _messages_at(node, where="#"):
    if isinstance(node, dict):
        if "errorMessage" in node:
            yield where, node["errorMessage"]
        for key, sub in node.items():
            yield from _messages_at(sub, f"{where}/{key}")
    elif isinstance(node, list):
        for i, sub in enumerate(node):
            yield from _messages_at(sub, f"{where}/{i}")


ID_TEXT = (
    "Expected an id: lowercase ASCII letters, digits, '-' and '_', starting with a letter or digit, at most 64 "
    "characters."
)
DATE_TEXT = "Expected a date written YYYY-MM-DD, such as 2025-08-25, in the years 1900 to 2199."
KIND_TEXT = (
    "Expected a kind of activity: lowercase ASCII letters, digits, '-' and '_', starting with a letter, at most 64 "
    "characters."
)
ENTRY_TEXT = "An experience entry has either start (with optional end and fte) or years, never both."


def test_editor_messages_sit_on_the_checks_editors_report():
    """On a leaf (pattern, format, enum) as "Expected ...", and in each branch of a "which keys" anyOf/oneOf;
    never on an object, where editors and ajv-errors would put it over every message about its keys."""
    assert dict(_messages_at(published_schema("teacher"))) == {
        "#/properties/experience/items/oneOf/0": ENTRY_TEXT,
        "#/properties/experience/items/oneOf/1": ENTRY_TEXT,
        "#/properties/licenses/items/properties/state": "Expected a state's two capital letters, such as MA.",
        "#/$defs/id": ID_TEXT,
        "#/$defs/date": DATE_TEXT,
        "#/properties/assignments/items/properties/activity/items/properties/kind": KIND_TEXT,  # SPEC 10.1
    }
    role = dict(_messages_at(published_schema("role")))
    assert role["#/$defs/rule/propertyNames"] == (
        "Expected a rule kind: experience, license, degree, status, membership, clearances, evaluation, "
        "prior_role, credentials, coursework."
    )
    assert role["#/$defs/rule-experience/anyOf/1"] == "An experience rule needs min_years, or tag, or both."
    assert "#/$defs/rule" not in role  # an object: its text stays tlt's own
    assert role["#/$defs/pay-part/oneOf/4"] == (
        "A pay part has exactly one of amount, percent_of_base, extra_days, unspecified, per_member."
    )
    # a `not` (stipend and parts exclusive): editors say "Matches a schema that is not allowed"
    assert "#/properties/compensation/allOf/0" not in role
    assert role["#/$defs/activity-requirement/properties/kind"] == KIND_TEXT
    assert role["#/$defs/activity-requirement/else/properties/min"] == (
        "Expected a whole number of entries (only kind hours takes decimals)."
    )
    # 20, the 5 branches of a pay part and 2 of per_member (SPEC 9.2), an activity requirement's kind and min (10.1)
    assert len(role) == 29


def _undefined_required(node, where="#", beside=()):
    """(where, key) for each key in a `required` that neither its own object nor, for a branch of an
    anyOf/oneOf/allOf, the object holding the branch (`beside`) defines in `properties`."""
    if not isinstance(node, dict):
        return
    defined = set(node.get("properties", {})) | set(beside)
    yield from ((where, key) for key in node.get("required", []) if key not in defined)
    for key, sub in node.items():
        if key in ("properties", "$defs"):  # maps of names to schemas (a property may be called "required")
            for name, schema in sub.items():
                yield from _undefined_required(schema, f"{where}/{key}/{name}")
        elif key in ("anyOf", "oneOf", "allOf"):
            for i, branch in enumerate(sub):
                yield from _undefined_required(branch, f"{where}/{key}/{i}", defined)
        elif key == "not":  # keys that exclude each other (compensation: stipend, parts) are the object's own
            yield from _undefined_required(sub, f"{where}/{key}", defined)
        elif isinstance(sub, dict):
            yield from _undefined_required(sub, f"{where}/{key}")


@pytest.mark.parametrize("name", SCHEMA_NAMES)
def test_every_required_key_is_a_defined_property(name):
    """ajv's strictRequired, which tests/node/ajv_strict.cjs has to turn off: ajv cannot see the properties
    beside an anyOf (ajv-validator/ajv#1571). A required key must be one the object defines."""
    assert list(_undefined_required(load_schema(name))) == []
    assert list(_undefined_required({"properties": {"a": {}}, "anyOf": [{"required": ["b"]}]})) == [("#/anyOf/0", "b")]


# --- what schema problems say ------------------------------------------------------------------------------------


@pytest.fixture
def problems_of(make_repo, run):
    """problems_of(roles=..., teachers=...) -> the text lines of `tlt validate`."""

    def go(**files):
        code, out, _ = run(["-C", make_repo(**files), "validate", "--as-of", AS_OF])
        lines = out.splitlines()
        assert (code == 1) == bool(lines)
        return lines

    return go


CITED_ROLE = """\
id: mentor
title: Mentor
category: mentoring
eligibility:
  required:
    - experience: {min_years: 1, cite: a}
    - license: {states: [MA], cite: a}
    - degree: {min: master, cite: a}
    - status: {in: [permanent], cite: a}
    - membership: {any_of: [BTU], cite: a}
    - clearances: {kinds: [fingerprint], cite: a}
    - evaluation: {min: proficient, cite: a}
    - prior_role: {categories: [coaching], cite: a}
    - credentials: {any_of: [nbct], cite: a}
    - coursework: {min_count: 1, cite: a}
term_limit: {max_terms: 4, cite: a}
caseload: {max: 12, weights: {PAR: 2}, cite: a}
staffing: {min_percent: 10, cite: a}
after_service:
  - {bars: {categories: [administrator]}, months: 12, cite: a}
compensation:
  stipend: {percent_of_base: 5, cite: a}
  ceu: 1
"""


def test_cite_is_allowed_on_every_rule_and_limit(problems_of):
    assert problems_of(roles={"mentor": CITED_ROLE}) == []


def test_cite_is_refused_where_nothing_cites(role_yaml, problems_of):
    role = role_yaml("mentor") + "compensation:\n  ceu: 1\n  cite: handbook\n"
    assert problems_of(roles={"mentor": role}) == [
        "roles/mentor.yaml:6:3: error[schema] unknown key 'cite' in compensation; allowed keys: ceu, paid_when, parts, stipend"
    ]


def test_misplaced_rule_option_is_not_ignored(role_yaml, problems_of):
    role = role_yaml("mentor") + "eligibility:\n  required:\n    - degree: {min: master, employer: TST}\n"
    assert problems_of(roles={"mentor": role}) == [
        "roles/mentor.yaml:6:29: error[schema] unknown key 'employer' in eligibility.required[0].degree; "
        "allowed keys: cite, min"
    ]


def test_rule_problems(role_yaml, problems_of):
    role = role_yaml("mentor") + (
        "eligibility:\n"
        "  required:\n"
        "    - {degree: {min: master}, status: {in: [permanent]}}\n"
        "    - degree: {min: masters}\n"
        "    - experience: {employer: TST}\n"
        "    - licence: {states: [MA]}\n"
        "  preferred:\n"
        "    - license: {states: [ma]}\n"
    )
    assert problems_of(roles={"mentor": role}) == [
        "roles/mentor.yaml:6:7: error[schema] eligibility.required[0]: expected a rule: a mapping with exactly one key, "
        "its kind (experience, license, degree, status, membership, clearances, evaluation, prior_role, credentials, "
        "coursework)",
        "roles/mentor.yaml:7:21: error[schema] eligibility.required[1].degree.min is 'masters' (did you mean "
        "'master'?); expected one of: associate, bachelor, master, specialist, doctorate",
        "roles/mentor.yaml:8:19: error[schema] eligibility.required[2].experience: an experience rule needs "
        "min_years, or tag, or both",
        "roles/mentor.yaml:9:7: error[schema] unknown rule kind 'licence' in eligibility.required[3] (did you mean "
        "'license'?); expected one of: experience, license, degree, status, membership, clearances, evaluation, "
        "prior_role, credentials, coursework",
        "roles/mentor.yaml:11:26: error[schema] eligibility.preferred[0].license.states[0] is 'ma'; "
        "expected a state's two capital letters, such as MA",
    ]


def test_stipend_has_exactly_one_basis(role_yaml, problems_of):
    role = role_yaml("mentor") + "compensation:\n  stipend: {amount: 3000, percent_of_base: 5}\n"
    assert problems_of(roles={"mentor": role}) == [
        "roles/mentor.yaml:5:12: error[schema] compensation.stipend: a stipend has exactly one of amount, "
        "percent_of_base, extra_days, unspecified"
    ]


def test_experience_entry_has_start_or_years(teacher_yaml, problems_of):
    teacher = teacher_yaml("t-1") + (
        "experience:\n"
        "  - {employer: TST, start: 2020-08-24, years: 3}\n"
        "  - {employer: TST, years: 3, fte: 0.5}\n"
        "  - {employer: TST, start: 20200824}\n"
    )
    assert problems_of(teachers={"t-1": teacher}) == [
        "teachers/t-1.yaml:4:5: error[schema] experience[0]: an experience entry has either start (with optional end "
        "and fte) or years, never both",
        "teachers/t-1.yaml:5:31: error[schema] experience[1]: 'fte' needs 'start'",
        "teachers/t-1.yaml:6:28: error[schema] experience[2].start is the number 20200824; expected a date written "
        "YYYY-MM-DD, such as 2025-08-25, in the years 1900 to 2199",
    ]


def test_caseload_member_shape(teacher_yaml, problems_of):
    teacher = teacher_yaml("t-1") + (
        "assignments:\n  - role: mentor\n    start: 2024-09-01\n    caseload: [{teacher: t-2, svc: PAR}]\n"
    )
    assert problems_of(teachers={"t-1": teacher}) == [
        "teachers/t-1.yaml:6:16: error[schema] assignments[0].caseload[0]: expected a caseload member: a teacher id, "
        "or {teacher: id, service: name}"
    ]


def test_absent_and_empty_lists_are_both_valid(teacher_yaml, problems_of):
    teacher = teacher_yaml("t-1") + "licenses: []\ndegrees: []\nassignments: []\n"
    assert problems_of(teachers={"t-1": teacher}) == []


def test_booleans_are_not_numbers(teacher_yaml, problems_of):
    teacher = teacher_yaml("t-1") + "base_salary: true\n"
    assert problems_of(teachers={"t-1": teacher}) == [
        "teachers/t-1.yaml:3:14: error[schema] base_salary is the boolean true; expected a number"
    ]
