"""One grammar of scalars, whichever parser reads a file (issue 12, item 1).

tlt reads ordinary files with yaml-rs (the fast path) and every other file with its own resolver over libyaml's
events (the reference path). yaml-rs reads numbers by a looser grammar (`0X1F`, `0B101`, `1_000`, `+0x10`, `.iNf`,
hex of any length), so the fast path must refuse every file in which it would read a scalar differently. The
differential property tests below generate scalars (numbers with signs, radix prefixes, underscores, fractions,
exponents and any letter case; dates; booleans; nulls; each plain or quoted) and fail on any disagreement.
TLT_FUZZ_EXAMPLES sets how many examples each runs (400 by default; the issue's bugs were found from scratch on
the old code with it, see the commit that added this file).
"""

from __future__ import annotations

import json
import math
import os
import subprocess
import sys
from decimal import Decimal

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tlt.loading import fastyaml
from tlt.loading.safeyaml import parse_text
from tlt.schema import validate_document

EXAMPLES = int(os.environ.get("TLT_FUZZ_EXAMPLES", "400"))
AS_OF = "2025-09-01"
needs_engines = pytest.mark.skipif(fastyaml._imported() is None, reason="yaml-rs / jsonschema-rs not installed")


def typed(value):
    """A value with its kind kept apart: 1, 1.0 and True are three different readings of a scalar."""
    if isinstance(value, dict):
        return {k: typed(v) for k, v in value.items()}
    if isinstance(value, list):
        return [typed(v) for v in value]
    if value is None or isinstance(value, (bool, str)):
        return value
    if isinstance(value, int):
        return ("int", int(value))
    if isinstance(value, float) and math.isnan(value):
        return ("nan",)
    if isinstance(value, (float, Decimal)):
        return ("number", Decimal(str(value)))  # the model turns a float into Decimal(str(x)) too
    raise AssertionError(f"unexpected type {type(value).__name__}")


def _mixed_case(draw, word: str) -> str:
    return "".join(c.upper() if draw(st.booleans()) else c for c in word)


def _underscores(draw, digits: str) -> str:
    """Underscores somewhere in `digits`: at the start, the end, between digits, doubled."""
    out = list(digits)
    for _ in range(draw(st.integers(1, 3))):
        out.insert(draw(st.integers(0, len(out))), draw(st.sampled_from(["_", "__"])))
    return "".join(out)


_RADIX = {"": "0123456789", "0x": "0123456789abcdefABCDEF", "0o": "01234567", "0b": "01"}


@st.composite
def numbers(draw) -> str:
    sign = draw(st.sampled_from(["", "", "+", "-"]))
    prefix = draw(st.sampled_from(["", "", "", "0x", "0o", "0b"]))
    digits = draw(st.text(_RADIX[prefix], min_size=1, max_size=24))
    if draw(st.integers(0, 3)) == 0:
        digits = _underscores(draw, digits)
    if prefix:
        return sign + _mixed_case(draw, prefix) + digits
    if draw(st.booleans()):  # a fraction: `1.5`, `1.`, `.5`
        fraction = draw(st.text("0123456789", max_size=8))
        digits = (digits if draw(st.integers(0, 4)) else "") + "." + fraction
    if draw(st.integers(0, 3)) == 0:  # an exponent
        digits += draw(st.sampled_from("eE")) + draw(st.sampled_from(["", "+", "-"]))
        digits += draw(st.text("0123456789_", min_size=0, max_size=3))
    return sign + digits


@st.composite
def non_finite(draw) -> str:
    return (
        draw(st.sampled_from(["", "+", "-"]))
        + draw(st.sampled_from([".", ""]))
        + _mixed_case(draw, draw(st.sampled_from(["inf", "nan"])))
    )


@st.composite
def dates(draw) -> str:
    year = draw(st.sampled_from(["2025", "1900", "2199", "0001", "9999", "25"]))
    month = draw(st.sampled_from(["01", "1", "12", "13", "02"]))
    day = draw(st.sampled_from(["01", "1", "29", "30", "31"]))
    tail = draw(st.sampled_from(["", "", "T10:00:00", " 10:00", "t1", "Z"]))
    return f"{year}-{month}-{day}{tail}"


@st.composite
def words(draw) -> str:
    word = draw(st.sampled_from(["true", "false", "yes", "no", "on", "off", "y", "n", "null", "nil", "none", "~"]))
    return _mixed_case(draw, word)


@st.composite
def scalars(draw) -> str:
    """One scalar as a file would hold it: plain (mostly), single- or double-quoted."""
    text = draw(
        st.one_of(
            numbers(),
            non_finite(),
            dates(),
            words(),
            st.sampled_from(["", "12:30", "1:30:00", "0", "-0", "00", "0123", "1,000", "$92,000", "92 000"]),
        )
    )
    quoting = draw(st.sampled_from(["plain"] * 6 + ["single", "double"]))
    if quoting == "single":
        return "'" + text.replace("'", "''") + "'"
    if quoting == "double":
        return json.dumps(text)
    return text


def _yaml_rs_reads(text: str):
    try:
        return fastyaml._imported()[0].loads(text, parse_datetime=False)  # type: ignore[index]
    except Exception:
        return None


@needs_engines
@settings(max_examples=EXAMPLES, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(scalars())
def test_a_scalar_the_fast_path_may_read_reads_as_the_reference_reads_it(scalar):
    """Scalar by scalar: wherever `ordinary` lets yaml-rs read a file, it reads each value as tlt's grammar."""
    text = f"v: {scalar}\nw: [{scalar}]\n"
    if not fastyaml.ordinary(text):
        return
    fast = _yaml_rs_reads(text)
    if fast is None:
        return  # yaml-rs refuses it: the reference path decides
    reference = parse_text(text, "f.yaml")
    assert reference.problems == [], f"yaml-rs reads {scalar!r}; the reference path refuses it"
    assert typed(fast) == typed(reference.data)


#: (field, template): where a scalar lands in a teacher file. Numbers and strings both: a field of one type meets
#: a reading of the other.
_PLACES = [
    ("base_salary", "base_salary: {}"),
    ("contract_days", "contract_days: {}"),
    ("name", "name: {}"),
    ("status", "status: {}"),
    ("memberships", "memberships: [{}]"),
    ("license number", "licenses:\n  - {{state: MA, number: {}}}"),
    ("years", "experience:\n  - {{employer: BPS, years: {}}}"),
    ("fte", "experience:\n  - {{employer: BPS, start: 2020-01-01, fte: {}}}"),
    ("start", "experience:\n  - {{employer: BPS, start: {}}}"),
    ("prior_terms", "assignments:\n  - {{role: mentor, start: 2025-08-25, prior_terms: {}}}"),
]


@needs_engines
@settings(max_examples=EXAMPLES, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.sampled_from(_PLACES), scalars())
def test_the_fast_path_accepts_a_file_only_as_the_reference_reads_it(place, scalar):
    """File by file: a file the fast path calls valid is valid on the reference path, with the same data (else a
    stipend is paid on a salary the reference path refuses, or a `!` in a comment changes the verdict)."""
    _field, template = place
    text = "id: t-1\n" + ("" if _field == "name" else "name: Pat Doe\n") + template.format(scalar) + "\n"
    fast = fastyaml.read_fast(text.encode("utf-8", "surrogatepass"), "teachers/t-1.yaml", "teacher")
    if fast is None:
        return
    reference = parse_text(text, "teachers/t-1.yaml")
    assert reference.problems == []
    assert validate_document(reference, "teacher") == [], f"the fast path accepts {scalar!r}; the reference refuses"
    assert typed(fast.data) == typed(reference.data)


# --- the cases of the issue, as a user meets them -----------------------------------------------------------------

#: base_salary values that YAML 1.2's core schema reads as text (or, for the hex, as an integer beyond 64 bits)
NOT_NUMBERS = ["0X16770", "0B101", "0O17", "92__000", "92000_", "_92000", "+0x16770", "0xf_f", "0b101", "1_000"]
BEYOND_64_BITS = ["0xFFFFFFFFFFFFFFFFF1", "0x" + "F" * 36, "0o" + "7" * 40, "9" * 20]
ROLE = "id: mentor\ntitle: Mentor\ncategory: mentoring\ncompensation:\n  stipend: {percent_of_base: 5}\n"


def _teacher(salary: str, comment: str = "") -> str:
    return (
        f"id: t-1\nname: Pat Doe\nbase_salary: {salary}{comment}\n"
        "assignments:\n  - {role: mentor, start: 2025-08-25}\n"
    )


@pytest.mark.parametrize("salary", NOT_NUMBERS + BEYOND_64_BITS)
def test_a_salary_outside_the_grammar_is_a_schema_problem_and_pays_nothing(make_repo, run, salary):
    root = make_repo(roles={"mentor": ROLE}, teachers={"t-1": _teacher(salary)})
    code, out, err = run(["-C", root, "validate", "--as-of", AS_OF])
    assert code == 1
    [line] = out.splitlines()
    assert line.startswith("teachers/t-1.yaml:3:14: error[schema] base_salary is ")
    if salary in BEYOND_64_BITS:
        assert line.endswith("is an integer beyond 64 bits; expected a number"), line
    else:  # and how a number is written
        assert line.endswith(
            f"is '{salary}'; expected a number (tlt reads numbers as YAML 1.2 does: digits with no underscores or "
            "commas; hex and octal only as 0x… and 0o…, in lower case and with no sign)"
        ), line
    code, out, err = run(["-C", root, "stipends", "--term", "2025-26", "--format", "csv", "--as-of", AS_OF])
    assert (code, out) == (1, "")
    assert "1 file has errors" in err and "internal error" not in err


@pytest.mark.parametrize(("salary", "amount"), [("0x16770", "4600.80"), ("0o263560", "4600.80"), ("92016", "4600.80")])
def test_core_schema_hex_and_octal_are_numbers(make_repo, run, salary, amount):
    root = make_repo(roles={"mentor": ROLE}, teachers={"t-1": _teacher(salary)})
    assert run(["-C", root, "validate", "--as-of", AS_OF])[0] == 0
    code, out, _ = run(["-C", root, "stipends", "--term", "2025-26", "--format", "csv", "--as-of", AS_OF])
    assert code == 0 and out.splitlines()[1].endswith(f",percent_of_base: 5,{amount},")


def _validate_json(root, env):
    proc = subprocess.run(
        [sys.executable, "-m", "tlt", "-C", str(root), "validate", "--format", "json", "--as-of", AS_OF],
        capture_output=True,
        text=True,
        env={**os.environ, "NO_COLOR": "1", **env},
        timeout=60,
    )
    return proc.returncode, json.loads(proc.stdout)


def test_both_parsers_give_the_same_problems_and_a_comment_changes_nothing(make_repo):
    """Each value in a file of its own, with and without a `!` in a comment (which sends a file to the reference
    path): fast path and reference path, one process each, report exactly the same problems."""
    teachers = {}
    for i, salary in enumerate(["0x16770", "92000.50", *NOT_NUMBERS, *BEYOND_64_BITS]):
        teachers[f"t-{i}"] = _teacher(salary).replace("t-1", f"t-{i}")
        teachers[f"t-{i}b"] = _teacher(salary, "  # checked!").replace("t-1", f"t-{i}b")
    root = make_repo(roles={"mentor": ROLE}, teachers=teachers)
    fast = _validate_json(root, {"TLT_REFERENCE_ONLY": "", "TLT_JOBS": "1"})
    reference = _validate_json(root, {"TLT_REFERENCE_ONLY": "1", "TLT_JOBS": "1"})
    assert fast == reference
    code, report = fast
    by_file = {p["path"]: p["message"] for p in report["problems"]}
    assert code == 1 and len(by_file) == 2 * len(NOT_NUMBERS + BEYOND_64_BITS) == len(report["problems"])
    for i in range(2):  # the two numbers are fine, with or without the comment
        assert f"teachers/t-{i}.yaml" not in by_file and f"teachers/t-{i}b.yaml" not in by_file
