"""Whole values never reach a message (SPEC section 7, issue 12 item 7): a problem or error message quotes at most
80 characters of any value from the data (its first 79 and `…`; a path its last 79 after `…`), lists at most ten
items of a list ("and 3 more"), and is at most 2,000 characters long however many values it quotes. Teacher
records hold personal data and CI logs are public: a 400 KB status once made a 700 KB annotation."""

from __future__ import annotations

import json
import re

import pytest

from tlt.problems import MESSAGE_LIMIT

AS_OF = "2025-01-06"
HUGE = 20_000  # characters of each huge value; a file stays under the 1 MiB limit
RUN = re.compile("Q{80,}")  # every huge value is made of Q: no output may hold 80 of them in a row


def huge(field: str) -> str:
    """A value of HUGE characters for `field`, as a YAML double-quoted scalar."""
    return json.dumps(f"{field}:" + "Q" * HUGE)


def many(field: str, n: int = 30) -> str:
    """A YAML flow list of `n` long items for `field`."""
    return "[" + ", ".join(json.dumps(f"{field}{i}:" + "Q" * 200) for i in range(n)) + "]"


SCALE = many("rating", 40)
RATING = json.dumps("rating0:" + "Q" * 200)  # on the scale
CONFIG = f"""\
program: Test Program
organization: TST
rating_scale: {SCALE}
terms:
  - {{id: 2024-25, start: 2024-08-26, end: 2025-06-13}}
  - {{id: 2025-26, start: 2025-08-25, end: 2026-06-12}}
"""
KIND = huge("kind")
ROLE = f"""\
id: coach
title: {huge("title")}
category: mentoring
organization: {huge("organization")}
description: {huge("description")}
eligibility:
  required:
    - status: {{in: [{huge("status-in")}], cite: {huge("cite-status")}}}
    - license: {{states: [MA], types: [{huge("type")}], cite: {huge("cite-license")}}}
    - clearances: {{kinds: [{KIND}], cite: {huge("cite-clearances")}}}
    - membership: {{any_of: [{huge("union")}], cite: {huge("cite-membership")}}}
    - experience: {{min_years: 3, employer: {huge("employer")}, tag: {huge("tag")}, cite: {huge("cite-experience")}}}
    - evaluation: {{min: {RATING}, cite: {huge("cite-evaluation")}}}
term_limit: {{max_terms: 1, cite: {huge("cite-term")}}}
after_service:
  - {{bars: {{roles: [coach]}}, months: 12, cite: {huge("cite-after")}}}
"""
COURSES = "[" + ", ".join(f"course-{i:02}-" + "c" * 50 for i in range(30)) + "]"  # ids: at most 64 characters
LISTS = (
    "id: lists\ntitle: x\ncategory: other\neligibility:\n  required:\n"
    f"    - status: {{in: {many('status')}}}\n    - coursework: {{all_of: {COURSES}}}\n"
)
# twelve rules, each listing ten long statuses: a message that quotes them all would be 10,000 characters
CROWDED = "id: crowded\ntitle: x\ncategory: other\neligibility:\n  required:\n" + "".join(
    f"    - status: {{in: {many(f'rule{j}-')}}}\n" for j in range(12)
)
# a holder whose every rule fails quoting one of its huge values, a clearance and a license that expire while it
# holds the role, a second assignment inside the cooling-off of the first, a rating not on the scale
HOLDER = f"""\
id: t-1
name: {huge("name")}
school: {huge("school")}
status: {huge("status")}
memberships: [{huge("membership")}]
experience: [{{employer: {huge("employer2")}, years: 1}}]
licenses: [{{state: MA, type: {huge("license-type")}, expires: 2025-01-20}}]
clearances:
  - {{kind: {KIND}, date: 2020-01-01, expires: 2025-01-20}}
  - {{kind: {huge("kind2")}, date: 2021-01-01, expires: 2020-01-01}}
evaluations: [{{term: 2024-25, rating: {huge("rating")}}}]
assignments:
  - {{role: coach, start: 2024-09-02, end: 2024-09-30}}
  - {{role: coach, start: 2024-10-01}}
"""
# schema problems that quote a value: an unknown key (explicit: an implicit key is at most 1,024 characters), a
# value not of the enum, one that breaks a pattern
SCHEMA = f"""\
id: t-2
name: x
? {huge("key")}
: 1
degrees: [{{level: {huge("level")}}}]
licenses: [{{state: {huge("state")}}}]
"""


@pytest.fixture(scope="module")
def repo(tmp_path_factory):
    root = tmp_path_factory.mktemp("huge") / "repo"
    files = {
        "tlt.yaml": CONFIG,
        "roles/coach.yaml": ROLE,
        "teachers/t-1.yaml": HOLDER,
        "teachers/t-2.yaml": SCHEMA,
        "teachers/t-3.yaml": f"? {huge('duplicate')}\n: 1\n? {huge('duplicate')}\n: 2\n",  # duplicate-key quotes it
        "teachers/t-4.yaml": f"{huge('scalar')}\n",  # "the document is the scalar …"
        f"teachers/{'F' * 200}.yaml": "id: t-5\nname: x\n",  # id-mismatch quotes the file's name
        f"teachers/{'/'.join(['deep' * 20] * 6)}/t-6.yaml": "id: t-6\nname: x\n",
        "teachers/t-6.yaml": "id: t-6\nname: x\n",  # duplicate-id names the path above, read first
        "roles/lists.yaml": LISTS,
        "roles/crowded.yaml": CROWDED,
        "teachers/t-7.yaml": "id: t-7\nname: x\nstatus: x\ncoursework: []\n"
        "assignments: [{role: lists, start: 2024-09-02}]\n",
        "teachers/t-8.yaml": "id: t-8\nname: x\nstatus: x\nassignments: [{role: crowded, start: 2024-09-02}]\n",
    }
    for rel, text in files.items():
        (root / rel).parent.mkdir(parents=True, exist_ok=True)
        (root / rel).write_text(text, encoding="utf-8")
    assert all((root / rel).stat().st_size < 1024 * 1024 for rel in files)
    return root


CODES = {
    "schema", "duplicate-key", "yaml-syntax", "id-mismatch", "duplicate-id", "date-order", "ineligible-assignment",
    "cooling-off", "expiring",
}  # fmt: skip


def test_no_message_quotes_more_than_80_characters_of_a_value(repo, run):
    code, out, err = run(["-C", repo, "validate", "--as-of", AS_OF, "--format", "json"])
    assert code == 1, err
    problems = json.loads(out)["problems"]
    assert {p["code"] for p in problems} >= CODES  # every kind of message that quotes a value was made
    for p in problems:
        assert len(p["message"]) <= MESSAGE_LIMIT, (p["code"], len(p["message"]))
        assert not RUN.search(p["message"]), (p["code"], p["message"][:300])
        assert "…" in p["message"] or p["code"] not in CODES, p  # the value was there, and cut
    for fmt in ("text", "github", "sarif", "junit"):
        code, out, err = run(["-C", repo, "validate", "--as-of", AS_OF, "--format", fmt])
        assert code == 1
        assert not RUN.search(out + err), fmt
        if fmt in ("text", "github"):  # a line per problem: its path, place, code and message
            assert max(len(line) for line in out.splitlines()) <= MESSAGE_LIMIT + 400, fmt


def test_each_message_names_what_it_cut(repo, run):
    _, out, _ = run(["-C", repo, "validate", "--as-of", AS_OF, "--format", "json"])
    by_code: dict[str, list[str]] = {}
    for p in json.loads(out)["problems"]:
        by_code.setdefault(p["code"], []).append(p["message"])
    ineligible, lists, crowded = by_code["ineligible-assignment"]
    assert ineligible == (
        "t-1 was ineligible for coach on 2024-09-02: "
        f"status: status:{'Q' * 72}…, needs status-in:{'Q' * 69}… (per cite-status:{'Q' * 67}…); "
        f"license: MA license-type:{'Q' * 66}… is not type:{'Q' * 74}… (per cite-license:{'Q' * 66}…); "
        f"membership: not a member of union:{'Q' * 73}… (per cite-membership:{'Q' * 63}…); "
        f"experience in employer:{'Q' * 70}… tagged tag:{'Q' * 75}…: 0.00 years, needs 3 "
        f"(per cite-experience:{'Q' * 63}…); "
        f"evaluation: 0 ratings of ended terms, needs rating0:{'Q' * 71}… or better "
        f"(per cite-evaluation:{'Q' * 63}…)"
    )
    assert lists == (
        "t-7 was ineligible for lists on 2024-09-02: status: x, needs "
        + ", ".join(f"status{i}:{'Q' * 71}…" for i in range(10))
        + " or 20 more; coursework: missing "
        + ", ".join(f"course-{i:02}-" + "c" * 50 for i in range(10))
        + ", and 20 more"
    )
    assert crowded.startswith("t-8 was ineligible for crowded on 2024-09-02: status: x, needs rule0-0:")
    assert len(crowded) == MESSAGE_LIMIT and crowded.endswith("…")  # ten of the twelve rules, cut at 2,000
    [cooling] = by_code["cooling-off"]
    assert cooling.endswith("until 2025-09-30 (per cite-after:" + "Q" * 68 + "…)")
    assert sorted(by_code["expiring"]) == [
        f"t-1 holds coach; their MA license-type:{'Q' * 63}… license expires 2025-01-20 (in 14 days)",
        f"t-1 holds coach; their kind2:{'Q' * 73}… clearance expired 2020-01-01 (1832 days ago)",
        f"t-1 holds coach; their kind:{'Q' * 74}… clearance expires 2025-01-20 (in 14 days)",
    ]
    rating = [m for m in by_code["schema"] if m.startswith("rating 'rating:")]
    assert rating == [
        "rating 'rating:" + "Q" * 72 + "…' is not on the rating scale: "
        + ", ".join("rating" + str(i) + ":" + "Q" * 71 + "…" for i in range(10)) + ", and 30 more"
    ]  # fmt: skip
    [mismatch] = by_code["id-mismatch"]
    assert mismatch == "id 't-5' differs from the file name; expected '" + "F" * 79 + "…'"
    [duplicate] = by_code["duplicate-id"]
    assert duplicate.startswith("id 't-6' is used by …") and duplicate.endswith("deepdeep/t-6.yaml too")
    assert len(duplicate) == len("id 't-6' is used by ") + 80 + len(" too")


def test_a_reason_quotes_80_characters_of_a_value_and_a_cite_whole(repo, run):
    # the report keeps a rule's cite whole (SPEC 3: every reason quotes it); a value of the record is cut
    args = ["check-eligibility", "--all", "--as-of", AS_OF, "--format", "json", "--skip-invalid"]
    code, out, err = run(["-C", repo, *args])
    assert code == 0, err
    [row] = [r for r in json.loads(out) if r["teacher"] == "t-1" and r["role"] == "coach"]
    [status] = [c["detail"] for c in row["checks"] if c["rule"] == "status"]
    assert status.startswith(f"status: status:{'Q' * 72}…, needs status-in:{'Q' * 69}… (per cite-status:")
    assert status.endswith("(per cite-status:" + "Q" * HUGE + ")")


@pytest.mark.parametrize("folder", ["x" * 5000, "d/" * 2100], ids=["a name of 5,000", "a path of 4,200"])
def test_a_folder_name_too_long_is_a_problem_of_tlt_yaml(
    make_repo, config_yaml, role_yaml, teacher_yaml, run, tmp_path, folder
):
    config = config_yaml().replace("terms:", f"roles: [roles]\nteachers: [teachers, {folder}]\nterms:")
    root = make_repo(config=config, roles={"coach": role_yaml("coach")}, teachers={"t-1": teacher_yaml("t-1")})
    code, out, err = run(["-C", root, "validate", "--as-of", AS_OF])
    assert code == 1, err
    assert out == (
        f"tlt.yaml:4:22: error[file] teachers[1]: the folder '{folder[:79]}…' cannot be read: File name too long\n"
    )
    summary = err.splitlines()[-1]  # names the root as typed (-C), and nothing else does
    assert summary.startswith(f"{root}: ")
    assert str(tmp_path) not in out + "\n".join(err.splitlines()[:-1])
    code, out, err = run(["-C", root, "stipends", "--as-of", AS_OF])
    assert code == 1
    assert err == "tlt: tlt.yaml has errors; run `tlt validate`\n"


def test_a_skipped_file_is_named_by_its_last_80_characters(repo, run):
    code, _, err = run(["-C", repo, "stipends", "--as-of", AS_OF, "--skip-invalid"])
    assert code == 0
    skipped = [line for line in err.splitlines() if line.startswith("skipped ")]
    assert "skipped …" + ("F" * 200 + ".yaml")[-79:] + ": it fails to load (see `tlt validate`)" in skipped
    assert max(len(line) for line in err.splitlines()) < 200


def test_pyyaml_quoting_a_tag_handle_quotes_80_characters_of_it(monkeypatch):
    # without libyaml, PyYAML's own parser quotes a tag handle whole in its error
    import yaml

    from tlt.loading import safeyaml

    monkeypatch.setattr(safeyaml, "_EventLoader", yaml.SafeLoader)
    doc = safeyaml.parse_text("id: t-1\nname: !" + "h" * 5000 + "!x y\n", "teachers/t-1.yaml")
    [problem] = doc.problems
    assert problem.message == (
        "not well-formed YAML: while parsing a node found undefined tag handle '!" + "h" * 78 + "…"
    )
