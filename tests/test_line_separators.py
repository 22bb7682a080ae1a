"""U+0085 (NEL), U+2028 and U+2029 (issue 12, item 2).

They are line breaks to libyaml (YAML 1.1) and text to YAML 1.2 and yaml-rs, and editors, `git diff` and GitHub
show no break at all: `name: Pat Doe<U+2028>status: permanent` reads as one line but libyaml read a hidden
`status` key. tlt refuses a file holding one raw, anywhere, with a `file` problem at the line and column an
editor shows, on both parsers. Written as an escape in a double-quoted string (`"\\u2028"`), one is data.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest

AS_OF = "2025-09-01"
SEPARATORS = {
    "\x85": "U+0085 (NEXT LINE)",
    "\u2028": "U+2028 (LINE SEPARATOR)",
    "\u2029": "U+2029 (PARAGRAPH SEPARATOR)",
}
ROLE = "id: mentor\ntitle: Mentor\ncategory: mentoring\neligibility:\n  required:\n    - status: {in: [permanent]}\n"

#: (where, teacher file text with {s} for the separator, its line and column)
PLACES = [
    ("after a value", "id: t-1\nname: Pat Doe{s}status: permanent\n", 2, 14),
    ("in a comment", "id: t-1\nname: Pat Doe  # note{s}status: permanent\n", 2, 22),
    ("at a line's start", "id: t-1\nname: Pat Doe\n{s}status: permanent\n", 3, 1),
    ("in a quoted string", "id: t-1\nname: 'Pat{s}Doe'\n", 2, 11),
    ("in a block scalar", "id: t-1\nname: >-\n  Pat{s}\n  Doe\n", 3, 6),
]


def _message(sep: str) -> str:
    return (
        f"the file contains {SEPARATORS[sep]}, a line break to some YAML readers and not to others, and invisible in "
        f'editors and diffs; remove it, or write it as "\\u{ord(sep):04x}" in a double-quoted string'
    )


@pytest.mark.parametrize("sep", list(SEPARATORS))
@pytest.mark.parametrize(("where", "text", "line", "column"), PLACES, ids=[p[0] for p in PLACES])
def test_a_raw_line_separator_is_a_file_problem_never_a_key(make_repo, run, sep, where, text, line, column):
    root = make_repo(roles={"mentor": ROLE}, teachers={"t-1": text.format(s=sep).encode("utf-8")})
    code, out, err = run(["-C", root, "validate", "--as-of", AS_OF])
    assert (code, out) == (1, f"teachers/t-1.yaml:{line}:{column}: error[file] {_message(sep)}\n")
    # the hidden `status: permanent` never makes anyone eligible: the file does not load
    code, out, err = run(["-C", root, "check-eligibility", "--all", "--format", "csv", "--as-of", AS_OF])
    assert (code, out) == (1, "") and "1 file has errors" in err
    code, out, err = run(
        ["-C", root, "check-eligibility", "--all", "--format", "csv", "--as-of", AS_OF, "--skip-invalid"]
    )
    assert code == 0 and "t-1" not in out and "teachers/t-1.yaml" in err


def test_an_escaped_line_separator_is_data(make_repo, run):
    text = 'id: t-1\nname: "Pat Doe\\u2028status: permanent"\n'
    root = make_repo(roles={"mentor": ROLE}, teachers={"t-1": text})
    assert run(["-C", root, "validate", "--as-of", AS_OF])[:2] == (0, "")
    code, out, _ = run(["-C", root, "check-eligibility", "--all", "--format", "json", "--as-of", AS_OF])
    [verdict] = json.loads(out)
    assert verdict["verdict"] == "needs_review"  # no status recorded: the text is the name


def test_both_parsers_refuse_the_same_files_at_the_same_places(make_repo):
    teachers = {}
    for i, (_where, text, _line, _col) in enumerate(PLACES):
        for j, sep in enumerate(SEPARATORS):
            teachers[f"t-{i}{j}"] = text.replace("t-1", f"t-{i}{j}").format(s=sep).encode("utf-8")
    root = make_repo(roles={"mentor": ROLE}, teachers=teachers)
    results = []
    for reference_only in ("", "1"):
        proc = subprocess.run(
            [sys.executable, "-m", "tlt", "-C", str(root), "validate", "--format", "json", "--as-of", AS_OF],
            capture_output=True,
            text=True,
            env={**os.environ, "NO_COLOR": "1", "TLT_JOBS": "1", "TLT_REFERENCE_ONLY": reference_only},
            timeout=60,
        )
        results.append((proc.returncode, json.loads(proc.stdout)))
    assert results[0] == results[1]
    code, report = results[0]
    assert code == 1 and [p["code"] for p in report["problems"]] == ["file"] * len(teachers)
