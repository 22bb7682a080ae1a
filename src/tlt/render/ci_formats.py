"""Problems rendered for CI systems: SARIF 2.1.0 (GitHub code scanning) and JUnit XML (test reports).

`PROBLEM_CODES` is the one place that describes every problem code in a line and a paragraph: the SARIF rules
carry it, and the docs' table of codes must agree with it (a test checks). Both renderers are pure and
deterministic (sorted, no timestamps), and treat every value as data: control characters are shown escaped,
characters that XML 1.0 cannot hold are dropped, paths are percent-encoded in SARIF URIs, and `##[` (a legacy
workflow command, should the file be printed in a CI log) is written with a character reference.

Imports `tlt.problems` and `tlt.__version__` only.
"""

from __future__ import annotations

import json
import re
import xml.etree.ElementTree as ET
from dataclasses import dataclass
from urllib.parse import quote

from tlt import __version__
from tlt.problems import (
    Problem,
    Severity,
    escape_control,
    escape_json,
    no_workflow_command_json,
    no_workflow_command_xml,
    sort_problems,
)

SARIF_SCHEMA = "https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json"
SARIF_VERSION = "2.1.0"
SRCROOT = "%SRCROOT%"
JUNIT_SUITE = "tlt validate"
JUNIT_TIME = "0"


@dataclass(frozen=True)
class CodeInfo:
    """What a problem code means: its usual severity, a one-line title and a short help paragraph."""

    severity: Severity
    title: str
    help: str
    #: False for a code of SPEC section 9 on (activity, ...): SARIF's rule list names it only when the run reports
    #: it, so that a repository using none of those keys gets the same SARIF bytes as before them (SPEC 9)
    always: bool = True


_E, _W = Severity.ERROR, Severity.WARNING

#: Every problem code of SPEC section 4, in the order of its table, then those of later sections.
PROBLEM_CODES: dict[str, CodeInfo] = {
    "yaml-syntax": CodeInfo(_E, "Not well-formed YAML",
        "The file is not well-formed YAML, is not one mapping document, nests deeper than 64 levels, or uses "
        "aliases, merge keys or tags, which tlt refuses in untrusted files."),
    "duplicate-key": CodeInfo(_E, "Duplicate mapping key",
        "A mapping repeats a key; the problem is placed at the second occurrence and names the first. Keep one."),
    "file": CodeInfo(_E, "Unreadable file",
        "The file cannot be used: unreadable, not UTF-8, contains NUL bytes or a raw line separator (NEL, U+2028, "
        "U+2029), larger than 1 MiB, empty, or a symbolic link that is not followed."),
    "schema": CodeInfo(_E, "Breaks the schema",
        "The file breaks its JSON Schema (see `tlt schema role|teacher|config`): a missing or unknown key, a "
        "wrong type, a bad date, or a rating that is not on the rating scale."),
    "id-mismatch": CodeInfo(_E, "Id differs from the file name",
        "A role's or teacher's `id` must equal its file name without `.yaml`."),
    "duplicate-id": CodeInfo(_E, "Id used twice",
        "Two files define the same role or teacher id; the second one is left out."),
    "unknown-role": CodeInfo(_E, "Unknown role",
        "An assignment, a `prior_role` rule or an `after_service` entry names a role that no role file defines."),
    "unknown-teacher": CodeInfo(_E, "Unknown teacher",
        "A caseload names a teacher who has no teacher file."),
    "unknown-term": CodeInfo(_E, "Unknown term",
        "An evaluation names a term that tlt.yaml does not define."),
    "date-order": CodeInfo(_E, "Dates out of order",
        "An end is before its start, or an expiry before its issue date."),
    "overlap": CodeInfo(_E, "Overlapping assignments",
        "The same teacher holds the same role twice at once; placed at the later-starting assignment."),
    "caseload-member": CodeInfo(_E, "Bad caseload member",
        "A teacher is on their own caseload, or a member is listed twice on one caseload."),
    "caseload-cap": CodeInfo(_E, "Caseload over the cap",
        "The weighted caseload is larger than the role's `caseload.max`."),
    "staffing": CodeInfo(_W, "Staffing outside its range",
        "In the term containing the as-of date, the share of teachers holding the role is outside the role's "
        "`staffing` range (bounds inclusive)."),
    "tenure-cap": CodeInfo(_E, "Term limit exceeded",
        "The terms served in the role exceed its `term_limit.max_terms`; placed at the assignment that passes "
        "the cap."),
    "cooling-off": CodeInfo(_E, "Starts inside a cooling-off period",
        "An assignment starts while another role's `after_service` cooling-off still bars it."),
    "ineligible-assignment": CodeInfo(_E, "Ineligible on the start date",
        "The teacher was ineligible for the role, by its written rules, on the assignment's start date."),
    "outside-terms": CodeInfo(_W, "Assignment outside every term",
        "An assignment overlaps no term of tlt.yaml, so no report counts it."),
    "expiring": CodeInfo(_W, "Document expired or expiring",
        "A current role holder's license, clearance or credential expired before the as-of date or expires "
        "within 60 days of it."),
    "terms": CodeInfo(_E, "Bad terms",
        "tlt.yaml's terms overlap, are out of order, reuse an id or end before they start."),
    # --- SPEC 10.1 ---
    "activity": CodeInfo(_W, "Activity requirement missed",
        "In the default term, which has ended before the as-of date, the holder did less than a role's "
        "`activity` requirement asks with a caseload member; placed at the assignment's role.", always=False),
    "activity-entry": CodeInfo(_E, "Activity entry that cannot count",
        "An assignment's activity entry is dated outside the assignment, or names a teacher who is not on its "
        "caseload on that date.", always=False),
}  # fmt: skip

# Characters XML 1.0 cannot hold (control characters but tab, LF, CR; surrogates; U+FFFE and U+FFFF).
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")
_SURROGATE = re.compile("[\ud800-\udfff]")


def _text(value: str) -> str:
    """A value shown as text: control characters escaped, lone surrogates (undecodable file names) replaced."""
    return _SURROGATE.sub("\ufffd", escape_control(value))


def _xml(value: str) -> str:
    return _NOT_XML.sub("", _text(value))


def _uri(path: str) -> str:
    """A relative URI reference for a repository path (percent-encoded; undecodable bytes kept as bytes)."""
    return quote(path.encode("utf-8", "surrogateescape"), safe="/")


def _rule(code: str) -> dict[str, object]:
    info = PROBLEM_CODES.get(code) or CodeInfo(_E, code, f"tlt problem '{code}'.")
    return {
        "id": code,
        "name": "".join(part.capitalize() for part in re.split(r"[^A-Za-z0-9]+", code) if part),
        "shortDescription": {"text": info.title},
        "fullDescription": {"text": info.help},
        "help": {"text": info.help},
        "defaultConfiguration": {"level": info.severity.value},
        "properties": {"tags": ["tlt"]},
    }


def render_sarif(problems: list[Problem]) -> str:
    """SARIF 2.1.0, one run of tool `tlt`, as GitHub code scanning accepts it (`upload-sarif`)."""
    ordered = sort_problems(problems)
    used = {p.code for p in ordered}
    listed = [code for code, info in PROBLEM_CODES.items() if info.always or code in used]
    codes = listed + sorted(used - set(PROBLEM_CODES))
    index = {code: i for i, code in enumerate(codes)}
    results = []
    for p in ordered:
        results.append(
            {
                "ruleId": p.code,
                "ruleIndex": index[p.code],
                "level": "error" if p.is_error else "warning",
                "message": {"text": _text(p.message)},
                "locations": [
                    {
                        "physicalLocation": {
                            "artifactLocation": {"uri": _uri(p.path), "uriBaseId": SRCROOT},
                            "region": {"startLine": max(1, p.line), "startColumn": max(1, p.column)},
                        }
                    }
                ],
            }
        )
    log = {
        "$schema": SARIF_SCHEMA,
        "version": SARIF_VERSION,
        "runs": [
            {
                "tool": {
                    "driver": {
                        "name": "tlt",
                        "fullName": "tlt (teacher leadership tracker) validate",
                        "version": __version__,
                        "semanticVersion": __version__,
                        "rules": [_rule(code) for code in codes],
                    }
                },
                "columnKind": "unicodeCodePoints",
                "results": results,
            }
        ],
    }
    return no_workflow_command_json(escape_json(json.dumps(log, indent=2, ensure_ascii=False))) + "\n"


def _line(p: Problem) -> str:
    return f"{p.path}:{p.line}:{p.column}: {p.severity.value}[{p.code}] {p.message}"


def render_junit(problems: list[Problem], files: list[str]) -> str:
    """JUnit XML: one test suite, one test case per file (passing files too), a `<failure>` per error;
    warnings are `<system-out>` lines and never fail a test case."""
    ordered = sort_problems(problems)
    by_file: dict[str, list[Problem]] = {}
    for p in ordered:
        by_file.setdefault(p.path, []).append(p)
    paths = sorted(set(files) | set(by_file))
    failed = sum(1 for path in paths if any(p.is_error for p in by_file.get(path, ())))
    # The attributes are those of the common JUnit XSD (Jenkins' junit-10.xsd, bundled in the tests): `skipped`
    # exists on <testsuite> only, and <testcase> has no `file` (its name is the path). `time` is 0: the checks
    # span files, so no file has a time of its own, and a measured time would make two runs differ.
    counts = {"tests": str(len(paths)), "failures": str(failed), "errors": "0"}
    suites = ET.Element("testsuites", {"name": "tlt", **counts, "time": JUNIT_TIME})
    suite = ET.SubElement(suites, "testsuite", {"name": JUNIT_SUITE, **counts, "skipped": "0", "time": JUNIT_TIME})
    for path in paths:
        case = ET.SubElement(suite, "testcase", {"classname": "tlt.validate", "name": _xml(path), "time": JUNIT_TIME})
        found = by_file.get(path, [])
        for p in found:
            if p.is_error:
                failure = ET.SubElement(case, "failure", {"message": _xml(f"{p.code}: {p.message}"), "type": p.code})
                failure.text = _xml(_line(p))
        warnings = [p for p in found if not p.is_error]
        if warnings:
            out = ET.SubElement(case, "system-out")
            out.text = "".join(_xml(_line(p)) + "\n" for p in warnings)
    ET.indent(suites, space="  ")
    body = ET.tostring(suites, encoding="unicode", short_empty_elements=True)
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + no_workflow_command_xml(body) + "\n"
