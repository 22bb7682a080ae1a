"""Messages that say what is wrong and what would be right (issue 14, finding 6): each case failed before."""

from __future__ import annotations

import pytest

AS_OF = "2025-09-01"
CONFIG = """\
program: Pay Test
organization: PAY
terms:
  - {id: t1, start: 2025-01-01, end: 2025-04-10}
  - {id: t2, start: 2025-05-01, end: 2025-08-08}
"""
TBD = "id: tbd\ntitle: To Be Decided\ncategory: department\ncompensation:\n  stipend: {unspecified: true}\n"
TBD_HOLDER = "id: a\nname: A\nschool: North\nassignments:\n  - {role: tbd, start: 2025-01-01}\n"


def test_no_pairs_with_all_does_not_say_add_all(make_repo, role_yaml, teacher_yaml, run):
    root = make_repo(roles={"mentor": role_yaml("mentor")})
    code, out, _ = run(["-C", root, "check-eligibility", "--all", "--format", "table", "--as-of", AS_OF])
    assert code == 0 and "no pairs to show" in out and "--all" not in out
    strict = role_yaml("mentor", "eligibility:\n  required:\n    - status: {in: [permanent]}\n")
    root = make_repo(roles={"mentor": strict}, teachers={"t-1": teacher_yaml("t-1", "status: temp\n")})
    code, out, _ = run(["-C", root, "check-eligibility", "--format", "table", "--as-of", AS_OF])
    assert code == 0 and "add --all" in out  # without --all, with an ineligible teacher left out, the hint stays
    code, out, _ = run(["-C", root, "check-eligibility", "--all", "--format", "table", "--as-of", AS_OF])
    assert code == 0 and "t-1" in out and "add --all" not in out


def test_grouped_stipends_do_not_point_at_a_note_column(make_repo, run):
    root = make_repo(CONFIG, {"tbd": TBD}, {"a": TBD_HOLDER})
    code, out, err = run(["-C", root, "stipends", "--term", "t1", "--by", "school", "--format", "table"])
    assert code == 0
    assert "see the note column" not in out and "note" not in out.splitlines()[2]  # the header has no note
    assert "without an amount (`tlt stipends` without --by says why)" in " ".join(out.split())  # caption wraps
    assert "without --by" in err
    code, out, err = run(["-C", root, "stipends", "--term", "t1", "--format", "table"])
    assert "see the note column" in " ".join(out.split()) and "its note column says why" in err


def test_unknown_role_suggests_the_roles_containing_it(make_repo, role_yaml, run):
    roles = {"jps-new-teacher-mentor": role_yaml("jps-new-teacher-mentor"), "coach": role_yaml("coach")}
    code, out, err = run(["-C", make_repo(roles=roles), "check-eligibility", "--role", "mentor", "--as-of", AS_OF])
    assert (code, out) == (2, "")
    assert err == ("tlt: unknown role id 'mentor'; did you mean jps-new-teacher-mentor? `tlt roles` lists every role\n")
    code, _, err = run(["-C", make_repo(roles=roles), "check-eligibility", "--role", "zzz", "--as-of", AS_OF])
    assert err == "tlt: unknown role id 'zzz'; `tlt roles` lists every role\n"


@pytest.mark.parametrize("command", [["stipends"], ["report"], ["caseload"]])
def test_unknown_term_suggests_no_unrelated_term(make_repo, run, command):
    code, out, err = run(["-C", make_repo(), *command, "--term", "2030-31"])
    assert (code, out) == (2, "")
    assert err == "tlt: no term '2030-31' in tlt.yaml; its terms are 2024-25, 2025-26\n"
    code, out, err = run(["-C", make_repo(), *command, "--term", "2025-62"])
    assert err == "tlt: no term '2025-62' in tlt.yaml; did you mean 2025-26?\n"


def test_unknown_term_of_a_judging_command(make_repo, run):
    code, _, err = run(["-C", make_repo(), "check-eligibility", "--term", "2030-31"])
    assert (code, err) == (2, "tlt: unknown term id '2030-31'; its terms are 2024-25, 2025-26\n")


def test_files_with_errors_are_named(make_repo, teacher_yaml, run):
    bad = {f"t-{i}": f"id: t-{i}\nname: [unclosed\n" for i in range(1, 6)}
    code, _, err = run(["-C", make_repo(teachers={"t-1": bad["t-1"]}), "caseload", "--as-of", AS_OF])
    assert code == 1
    assert err == (
        "tlt: 1 file has errors; run `tlt validate` to see them, or pass --skip-invalid to run without it: "
        "teachers/t-1.yaml\n"
    )
    code, _, err = run(["-C", make_repo(teachers=bad), "caseload", "--as-of", AS_OF])
    assert err.endswith(": teachers/t-1.yaml, teachers/t-2.yaml, teachers/t-3.yaml and 2 more\n")


@pytest.mark.parametrize("value", ["30days", "-3", "thirty"])
def test_within_says_a_number_of_days(make_repo, run, value):
    code, out, err = run(["-C", make_repo(), "expiring", "--within", value, "--as-of", AS_OF])
    assert (code, out) == (2, "")
    assert f"'{value}' is not a number of days; write a whole number such as 30" in err
    assert "int range" not in err
