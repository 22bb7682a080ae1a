"""The fast path (yaml-rs + jsonschema-rs, several processes for reading and for judging) gives exactly the
reference path's problems, lines and verdicts, byte for byte; it only ever skips work on files the reference path would find clean."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from decimal import Decimal
from pathlib import Path

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from example_dates import moved
from tlt.loading import fastyaml
from tlt.loading.reader import read_reference
from tlt.loading.safeyaml import parse_text

ROOT = Path(__file__).parent.parent
PATH = "teachers/t-1.yaml"


@pytest.fixture(scope="module")
def fast_engines(external_tool):
    """The fast engines, switched on for the tests that use this (TLT_REFERENCE_ONLY unset while they run). When
    yaml-rs or jsonschema-rs is missing: a skip, or a failure under TLT_REQUIRE_TOOLS=1, except in the CI job
    that runs the suite without them on purpose (TLT_EXPECT_PARSERS=reference)."""
    if fastyaml._imported() is None:
        if os.environ.get("TLT_EXPECT_PARSERS") == "reference":
            pytest.skip("this job runs without yaml-rs and jsonschema-rs (TLT_EXPECT_PARSERS=reference)")
        external_tool("yaml-rs and jsonschema-rs", None, "install tlt with its `fast` extra")
    with pytest.MonkeyPatch.context() as patch:
        patch.delenv("TLT_REFERENCE_ONLY", raising=False)
        fastyaml._engines.cache_clear()  # asked once a process: ask again with the variable unset
        yield
    fastyaml._engines.cache_clear()


def read_fast(text: str, path: str = PATH):
    return fastyaml.read_fast(text.encode("utf-8", "surrogatepass"), path, "teacher")


@pytest.mark.parametrize(
    ("env", "note"),
    [({}, None), ({"TLT_REFERENCE_ONLY": "1"}, "parsers: reference only (PyYAML ")],
)
def test_version_says_which_parsers_read_the_files(env, note):
    # CI runs the suite once with the fast engines and once without them (TLT_EXPECT_PARSERS says which), so a
    # job whose install silently lost them, and so skipped the tests above, fails here instead
    expected = os.environ.get("TLT_EXPECT_PARSERS")
    result = subprocess.run(
        [sys.executable, "-m", "tlt", "--version"],
        capture_output=True,
        text=True,
        env={**os.environ, "TLT_REFERENCE_ONLY": "", **env},
        check=True,
    )
    parsers = result.stdout.splitlines()[1]
    if note is not None:
        assert parsers.startswith(note) and parsers.endswith("TLT_REFERENCE_ONLY is set")
    elif fastyaml._imported() is not None:
        assert parsers.startswith("parsers: fast path on (yaml-rs ")
        assert expected in (None, "fast"), "the fast engines are installed, but this job runs without them"
    else:
        assert "install tlt with its `fast` extra" in parsers
        assert expected in (None, "reference"), "this job expects yaml-rs and jsonschema-rs; they do not import"


def _normal(value):
    if isinstance(value, dict):
        return {k: _normal(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_normal(v) for v in value]
    if isinstance(value, (float, Decimal)) and not isinstance(value, bool):
        return Decimal(str(value))
    return value


scalars = st.one_of(
    st.sampled_from(["t-1", "NO", "on", "0123", "1_000", "0b11", "1e3", "2025-02-30", "2025-01-01", "~", "null", "true",
                     "2", "2.0", "180.", '"5"',
                     ".nan", "-5", "3.50", "12345678901234567890", "'x'", '"y"', "a: b", "- x", "[1, 2]", "{a: 1}",
                     "&a x", "*a", "!!str 5", "<<", "? x", "%", "\t", "é", "#c"]),
    st.text(alphabet="abc-: 0123456789.\n'\"[]{},#", max_size=12),
)  # fmt: skip


@st.composite
def teacher_texts(draw):
    lines = ["id: t-1", f"name: {draw(scalars)}"]
    for key in draw(
        st.lists(
            st.sampled_from(
                ["status", "school", "base_salary", "contract_days", "memberships", "experience", "licenses", "bogus"]
            ),
            max_size=4,
        )
    ):
        value = draw(scalars)
        if key == "experience":
            lines.append(f"experience:\n  - {{employer: BPS, start: {value}}}")
        elif key == "licenses":
            lines.append(f"licenses:\n  - state: {value}\n    expires: 2030-01-01")
        elif key == "memberships":
            lines.append(f"memberships: [{value}]")
        else:
            lines.append(f"{key}: {value}")
    return "\n".join(lines) + "\n"


def _should_vouch(text, reference):
    """An ordinary file that the reference path finds clean and yaml-rs reads to the same data. (yaml-rs refuses
    a few files libyaml reads, such as a quoted scalar continued on a line indented no deeper than its key: the
    fast path declines those, which is safe.)"""
    if reference.problems or not fastyaml.ordinary(text):
        return False
    try:
        loaded = fastyaml._imported()[0].loads(text, parse_datetime=False)
    except Exception:
        return False
    return _normal(loaded) == _normal(reference.data)


@pytest.mark.usefixtures("fast_engines")
@settings(
    max_examples=int(os.environ.get("TLT_FUZZ_EXAMPLES", "400")),
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow],
)
@given(teacher_texts())
@example("id: t-1\nname: Pat Doe\ncontract_days: 180\nlicenses:\n  - state: VA\n    expires: 2030-01-01\n")
@example("id: t-1\nname: Pat Doe\ncontract_days: 180.0\n")
def test_fast_path_agrees_with_the_reference(text):
    # both ways: what the fast path vouches for is what the reference path reads, clean; and it vouches for every
    # file it should (else it has silently stopped answering and every file is 13 times slower)
    data = text.encode()
    fast = fastyaml.read_fast(data, PATH, "teacher")
    reference = read_reference(data, PATH, "teacher")
    if fast is None:
        assert not _should_vouch(text, reference), "an ordinary, valid file the fast path declined"
        return
    assert fast.problems == []
    assert reference.problems == [], "the fast path vouches for a file the reference path refuses"
    assert _normal(fast.data) == _normal(reference.data)


#: What `fastyaml.ordinary` must refuse, as the regular expressions it replaced (slow, but plain to read).
_ODD_CHARS = re.compile(r"[!&*\t<%?\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u2028\u2029\ufffe\uffff]")
_ODD_SYNTAX = re.compile(r"[\s\[{,][:?-][^\s-]")
#: Numbers: a radix prefix in any case, an underscore beside a digit or a dot, 16 digits in a row, an exponent,
#: `.inf`/`.nan` in any case.
_ODD_NUMBERS = re.compile(
    r"0[xXoObB]|[0-9.]_|_[0-9.]|[0-9][0-9.]{15,}|[0-9.][eE][-+]?[0-9]|\.(?:[iI][nN][fF]|[nN][aA][nN])"
)


def _odd_by_regex(text: str) -> bool:
    return bool(
        _ODD_CHARS.search(text)
        or _ODD_NUMBERS.search(text)
        or _ODD_SYNTAX.search(text)
        or len(re.findall(r"-[ \n\r]", text)) > 3000
    )


_tricky = st.text(
    alphabet=st.one_of(
        st.sampled_from(
            list(" \n\r\t:-?[]{},.0123456789eEbBxXoO_+!&*<%'\"#yifnaINFA")
            + ["\x85", "\xa0", "\u2028", "\x80", "\x9f", "\ufffe", "é", "\x7f", "\x0b"]
        ),
        st.characters(),
    ),
    max_size=40,
)


@settings(max_examples=int(os.environ.get("TLT_FUZZ_EXAMPLES", "400")) * 5, deadline=None)
@given(_tricky)
def test_ordinary_refuses_everything_the_regular_expressions_refuse(text):
    if _odd_by_regex(text):
        assert not fastyaml.ordinary(text)


@pytest.mark.parametrize(
    "text",
    ["a: 1_000", "a: 0b11", "a: 1e3", "a: 1.e3", "a: .5E-3", "a: 12345678901234567", "a: [:0]", "a: [-x]", "- -x",
     "a: 0X16770", "a: 0B101", "a: 0O17", "a: 92__000", "a: 92000_", "a: _92000", "a: +0x16770", "a: 0xf_f",
     "a: 0xFFFFFFFFFFFFFFFFF1", "a: .iNf", "a: -.NaN", "a: 1._5", "a: 0x1F",
     "a:\n  - ? x", "a: !!str 5", "a: &x 1", "a: *x", "a: x\tb", "a: x\x85-y", "a: Pat\u2028b: c", "a: x\u2029", "a: x\x85", "a: \xa0-5", "a: \x9f", "- " * 3001, "-\n" * 3001],
)  # fmt: skip
def test_ordinary_refuses_known_odd_texts(text):
    assert _odd_by_regex(text) and not fastyaml.ordinary(text)


def test_ordinary_accepts_plain_teacher_files():
    plain = (
        "id: t-000084\nname: José Núñez-Abdullah\nschool: Union Square High School\nbase_salary: 72931.43\n"
        "experience:\n  - {employer: ACPS, start: 2022-08-25, fte: 0.5}\nlicenses:\n  - {state: VA, number: "
        '"8424706", status: active, issued: 2022-07-01, expires: 2027-07-01}\nmemberships: [BTU]\n'
        "assignments:\n  - role: jps-new-teacher-mentor\n    start: 2025-08-25\n    caseload:\n"
        "      - {teacher: t-000085, service: half}\n"
    )
    assert not _odd_by_regex(plain) and fastyaml.ordinary(plain)


def test_dashes_inside_ids_leave_a_file_ordinary():
    # a caseload of 5,000 `t-000001` ids nests nothing: only a dash before white space can start a sequence
    # entry, and only those can nest deep enough to overflow yaml-rs (issue 12: such a file was 9 s of reference)
    members = ", ".join(f"t-{i:06d}" for i in range(5000))
    text = f"id: t-1\nname: A\nassignments:\n  - role: a\n    start: 2024-09-01\n    caseload: [{members}]\n"
    assert fastyaml.ordinary(text)


@pytest.mark.usefixtures("fast_engines")
@pytest.mark.parametrize(
    "text",
    ["- " * 20000 + "x\n", "[" * 100000 + "\n", "a:\n" + "".join(" " * i + "b:\n" for i in range(1, 1400))],
)
def test_deep_files_never_reach_the_rust_parser_unbounded(text):
    assert read_fast(text, "t.yaml") is None  # the reference path measures them


@pytest.mark.usefixtures("fast_engines")
def test_lazy_document_positions_match_the_reference():
    text = "id: t-1\nname: A\nstatus: permanent\nexperience:\n  - {employer: BPS, start: 2020-01-01}\n"
    fast = read_fast(text)
    assert fast is not None
    ref = parse_text(text, PATH)
    assert fast.position(("experience", 0, "start")) == ref.position(("experience", 0, "start")) == (5, 28)


def _counting_fast_reads(monkeypatch):
    """Which files the fast path answered and which it handed to the reference reader, by path."""
    answered: list[str] = []
    declined: list[str] = []
    real = fastyaml.read_fast

    def spy(data, path, kind):
        document = real(data, path, kind)
        (declined if document is None else answered).append(path)
        return document

    monkeypatch.setattr(fastyaml, "read_fast", spy)
    return answered, declined


ORDINARY = {f"t-{i}": f"id: t-{i}\nname: Teacher {i}\ncontract_days: 180\nbase_salary: 65000.50\n" for i in range(3)}


@pytest.mark.usefixtures("fast_engines")
def test_the_fast_path_answers_for_ordinary_teacher_files(make_repo, run, role_yaml, monkeypatch):
    repo = make_repo(
        roles={"mentor": role_yaml("mentor")},
        teachers={**ORDINARY, "t-odd": "id: t-odd\nname: Odd  # a comment with an & in it\n"},
    )
    answered, declined = _counting_fast_reads(monkeypatch)
    code, out, _ = run(["-C", repo, "validate", "--as-of", "2026-03-02", "-f", "json"], env={"TLT_JOBS": "1"})
    assert code == 0 and json.loads(out)["problems"] == []
    assert sorted(answered) == ["teachers/t-0.yaml", "teachers/t-1.yaml", "teachers/t-2.yaml"]
    assert sorted(declined) == ["roles/mentor.yaml", "teachers/t-odd.yaml", "tlt.yaml"]


@pytest.mark.usefixtures("fast_engines")
def test_reference_only_reads_every_file_on_the_reference_path(make_repo, run, role_yaml, monkeypatch):
    repo = make_repo(roles={"mentor": role_yaml("mentor")}, teachers=ORDINARY)
    answered, declined = _counting_fast_reads(monkeypatch)
    fastyaml._engines.cache_clear()
    try:
        code, out, _ = run(
            ["-C", repo, "validate", "--as-of", "2026-03-02", "-f", "json"],
            env={"TLT_JOBS": "1", "TLT_REFERENCE_ONLY": "1"},
        )
    finally:
        fastyaml._engines.cache_clear()
    assert code == 0 and json.loads(out)["problems"] == []
    assert answered == [] and len(declined) == 5


#: a field the schema wants an integer in, written as a whole number with a point: JSON Schema (so jsonschema-rs)
#: counts it an integer, tlt does not
WHOLE_FLOATS = [
    "contract_days: 180.0\n",
    "licenses:\n  - {state: VA, number: 5.0, expires: 2030-01-01}\n",
    "assignments:\n  - {role: mentor, start: 2025-08-25, prior_terms: 1.0}\n",
]


@pytest.mark.usefixtures("fast_engines")
@pytest.mark.parametrize("extra", WHOLE_FLOATS)
def test_a_float_where_the_schema_wants_an_integer_is_refused_with_the_fast_path_on(extra):
    data = f"id: t-1\nname: Pat Doe\n{extra}".encode()
    reference = read_reference(data, PATH, "teacher")
    assert [p.code for p in reference.problems] == ["schema"]
    assert fastyaml.read_fast(data, PATH, "teacher") is None
    assert fastyaml.fast_reader(read_reference)(data, PATH, "teacher").problems == reference.problems


@pytest.mark.usefixtures("fast_engines")
def test_validate_reports_a_whole_number_written_with_a_point(make_repo, run):
    repo = make_repo(teachers={"t-1": "id: t-1\nname: Pat Doe\ncontract_days: 180.0\n"})
    code, out, _ = run(["-C", repo, "validate", "--as-of", "2026-03-02", "-f", "json"], env={"TLT_JOBS": "1"})
    problems = json.loads(out)["problems"]
    assert code == 1
    assert [(p["path"], p["line"], p["code"]) for p in problems] == [("teachers/t-1.yaml", 3, "schema")]


def test_integer_fields_are_read_off_the_schema():
    every = fastyaml.EVERY
    schema = {
        "$defs": {"count": {"type": "integer"}, "money": {"type": ["integer", "number"]}},
        "properties": {
            "days": {"type": "integer"},
            "code": {"type": ["string", "integer"]},
            "salary": {"type": "number"},
            "mixed": {"$ref": "#/$defs/money"},
            "terms": {"$ref": "#/$defs/count"},
            "rows": {"type": "array", "items": {"properties": {"n": {"anyOf": [{"type": "string"}, {"$ref": "#/$defs/count"}]}}}},
            "by_name": {"additionalProperties": {"type": "integer"}},
            "never": {"not": {"type": "integer"}},
        },
    }  # fmt: skip
    assert fastyaml._integer_paths(schema) == [
        ("days",), ("code",), ("terms",), ("rows", every, "n"), ("by_name", every)
    ]  # fmt: skip
    assert {("contract_days",), ("licenses", every, "number"), ("assignments", every, "prior_terms")} <= set(
        fastyaml.integer_fields("teacher")
    )


def test_the_reference_reader_does_not_load_the_fast_path():
    code = "import sys, tlt.loading.reader, tlt.schema; assert 'tlt.loading.fastyaml' not in sys.modules"
    subprocess.run([sys.executable, "-c", code], check=True, timeout=60)


def _run(args, env_extra):
    env = {"PATH": "/usr/bin:/bin", "NO_COLOR": "1", **env_extra}
    proc = subprocess.run([sys.executable, "-m", "tlt", *args], capture_output=True, text=True, env=env, timeout=120)
    return proc.returncode, proc.stdout


@pytest.fixture(scope="module")
def broken_repo(tmp_path_factory):
    out = tmp_path_factory.mktemp("gen") / "repo"
    subprocess.run(
        [sys.executable, str(ROOT / "benchmarks" / "generate.py"), "300", str(out), "--broken", "12"],
        check=True,
        capture_output=True,
        timeout=120,
    )
    return out


@pytest.mark.parametrize("repo", ["examples/bps", "examples/jps", "examples/acps", "GENERATED"])
def test_optimized_paths_give_the_same_problems_and_verdicts(repo, request):
    path = request.getfixturevalue("broken_repo") if repo == "GENERATED" else ROOT / repo
    results = {}
    for name, env in {
        "reference": {"TLT_REFERENCE_ONLY": "1", "TLT_JOBS": "1"},
        "fast": {"TLT_JOBS": "3", "TLT_FORK_MIN_FILES": "2", "TLT_BATCH": "7"},
    }.items():
        code, problems = _run(["-C", str(path), "validate", "--format", "json", "--as-of", moved("2026-03-02")], env)
        ecode, verdicts = _run(
            [
                "-C",
                str(path),
                "check-eligibility",
                "--all",
                "--format",
                "csv",
                "--as-of",
                "2026-03-02",
                "--skip-invalid",
            ],
            env,
        )
        jcode, verdicts_json = _run(
            ["-C", str(path), "check-eligibility", "-f", "json", "--as-of", moved("2026-03-02"), "--skip-invalid"], env
        )
        results[name] = (code, json.loads(problems), ecode, verdicts, jcode, verdicts_json)
    assert results["fast"] == results["reference"]
    if repo == "GENERATED":
        codes = {p["code"] for p in results["fast"][1]["problems"]}
        assert {"yaml-syntax", "duplicate-key", "schema"} <= codes
