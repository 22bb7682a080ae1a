"""Every structural problem code of SPEC section 4, as `tlt validate` shows it: path:line:col, code, message."""

from __future__ import annotations

import json

import pytest

from summaries import without_head  # noqa: E402

AS_OF = "2025-09-01"


@pytest.fixture
def validate(run):
    """validate(root, *extra) -> (exit code, stdout lines, stderr)."""

    def go(root, *extra):
        code, out, err = run(["-C", root, "validate", "--as-of", AS_OF, *extra])
        return code, out.splitlines(), err

    return go


def test_clean_repository_exits_0_with_no_output(role_yaml, teacher_yaml, make_repo, validate):
    root = make_repo(roles={"mentor": role_yaml("mentor")}, teachers={"t-1": teacher_yaml("t-1")})
    code, lines, err = validate(root)
    assert (code, lines, without_head(err)) == (0, [], "no problems\n")


def test_yaml_syntax(make_repo, validate):
    root = make_repo(teachers={"t-1": "id: t-1\nname: [Jordan\n"})
    code, lines, err = validate(root)
    assert code == 1
    assert lines == [
        "teachers/t-1.yaml:2:7: error[yaml-syntax] not well-formed YAML: "
        "while parsing a flow sequence did not find expected ',' or ']' (the parser stopped at the end of the file)"
    ]
    assert without_head(err) == "1 error, 0 warnings in 1 file\n"


def test_duplicate_key_at_second_occurrence_with_column(make_repo, validate):
    root = make_repo(teachers={"t-1": "id: t-1\nname: A\nlicenses:\n  - state: MA\n    state: NY\n"})
    code, lines, _ = validate(root)
    assert code == 1
    assert lines == ["teachers/t-1.yaml:5:5: error[duplicate-key] duplicate key 'state': first at line 4"]


def test_file_problem_for_an_empty_file(make_repo, validate):
    root = make_repo(roles={"mentor": ""})
    code, lines, _ = validate(root)
    assert code == 1
    assert lines == ["roles/mentor.yaml:1:1: error[file] the file is empty; it must be one YAML mapping"]


def test_schema_problem_at_the_mapping_lacking_a_required_key(make_repo, validate):
    root = make_repo(teachers={"t-1": "id: t-1\nname: A\nlicenses:\n  - {state: MA}\n  - type: professional\n"})
    code, lines, _ = validate(root)
    assert code == 1
    assert lines == ["teachers/t-1.yaml:5:5: error[schema] licenses[1] lacks the required key 'state'"]


def test_schema_names_every_missing_key_of_the_document(make_repo, validate):
    root = make_repo(teachers={"t-1": "# a teacher\nschool: Revere\n"})
    code, lines, _ = validate(root)
    assert code == 1
    assert lines == ["teachers/t-1.yaml:2:1: error[schema] the document lacks the required keys 'id' and 'name'"]


def test_schema_unknown_keys_each_at_the_key_with_a_suggestion(make_repo, validate):
    root = make_repo(teachers={"t-1": "id: t-1\nname: A\nnmae: B\nschol: C\n"})
    code, lines, _ = validate(root)
    assert code == 1
    assert [line.split(" allowed keys:")[0] for line in lines] == [
        "teachers/t-1.yaml:3:1: error[schema] unknown key 'nmae' in the document (did you mean 'name'?);",
        "teachers/t-1.yaml:4:1: error[schema] unknown key 'schol' in the document (did you mean 'school'?);",
    ]


def test_schema_date_format(make_repo, validate):
    root = make_repo(teachers={"t-1": "id: t-1\nname: A\nclearances:\n  - {kind: fingerprint, date: 2024-02-30}\n"})
    code, lines, _ = validate(root)
    assert code == 1
    assert lines == [
        "teachers/t-1.yaml:4:31: error[schema] clearances[0].date is '2024-02-30'; "
        "expected a date written YYYY-MM-DD, such as 2025-08-25, in the years 1900 to 2199"
    ]


def test_id_mismatch_at_the_id(make_repo, validate):
    root = make_repo(teachers={"t-1": "name: A\nid: t-2\n"})
    code, lines, _ = validate(root)
    assert code == 1
    assert lines == ["teachers/t-1.yaml:2:5: error[id-mismatch] id 't-2' differs from the file name; expected 't-1'"]


def test_duplicate_id_across_subfolders(teacher_yaml, make_repo, validate):
    root = make_repo(teachers={"a/t-1.yaml": teacher_yaml("t-1"), "b/t-1.yaml": teacher_yaml("t-1")})
    code, lines, _ = validate(root)
    assert code == 1
    assert lines == ["teachers/b/t-1.yaml:1:5: error[duplicate-id] id 't-1' is used by teachers/a/t-1.yaml too"]


def test_unknown_role_in_an_assignment(role_yaml, make_repo, validate):
    root = make_repo(
        roles={"mentor": role_yaml("mentor")},
        teachers={"t-1": "id: t-1\nname: A\nassignments:\n  - {role: mentr, start: 2024-09-01}\n"},
    )
    code, lines, _ = validate(root)
    assert code == 1
    assert lines == [
        "teachers/t-1.yaml:4:12: error[unknown-role] assignment names role 'mentr', which no role file defines "
        "(did you mean 'mentor'?)"
    ]


def test_unknown_role_in_prior_role_and_after_service(role_yaml, make_repo, validate):
    role = role_yaml("mentor") + (
        "eligibility:\n"
        "  required:\n"
        "    - prior_role: {roles: [coach]}\n"
        "after_service:\n"
        "  - bars: {roles: [principal]}\n"
        "    months: 12\n"
    )
    root = make_repo(roles={"mentor": role})
    code, lines, _ = validate(root)
    assert code == 1
    assert lines == [
        "roles/mentor.yaml:6:28: error[unknown-role] prior_role names role 'coach', which no role file defines",
        "roles/mentor.yaml:8:20: error[unknown-role] after_service bars role 'principal', which no role file defines",
    ]


def test_unknown_teacher_in_a_caseload(role_yaml, teacher_yaml, make_repo, validate):
    root = make_repo(
        roles={"mentor": role_yaml("mentor")},
        teachers={
            "t-1": "id: t-1\nname: A\nassignments:\n  - role: mentor\n    start: 2024-09-01\n"
            "    caseload: [t-2, {teacher: x-9, service: PAR}]\n",
            "t-2": teacher_yaml("t-2"),
        },
    )
    code, lines, _ = validate(root)
    assert code == 1
    assert lines == [
        "teachers/t-1.yaml:6:21: error[unknown-teacher] caseload names teacher 'x-9', who has no teacher file"
    ]


def test_unknown_term_in_an_evaluation(make_repo, validate):
    root = make_repo(teachers={"t-1": "id: t-1\nname: A\nevaluations:\n  - {term: 2019-20, rating: proficient}\n"})
    code, lines, _ = validate(root)
    assert code == 1
    assert len(lines) == 1
    assert lines[0].startswith(
        "teachers/t-1.yaml:4:12: error[unknown-term] evaluation names term '2019-20', which tlt.yaml lacks"
    )


def test_rating_not_on_the_scale_is_a_schema_problem(config_yaml, make_repo, validate):
    root = make_repo(
        config=config_yaml("rating_scale: [low, high]\n"),
        teachers={"t-1": "id: t-1\nname: A\nevaluations:\n  - {term: 2024-25, rating: proficient}\n"},
    )
    code, lines, _ = validate(root)
    assert code == 1
    assert lines == ["teachers/t-1.yaml:4:29: error[schema] rating 'proficient' is not on the rating scale: low, high"]


@pytest.mark.parametrize(
    ("entry", "line"),
    [
        (
            "licenses:\n  - state: MA\n    issued: 2020-07-01\n    expires: 2019-06-30\n",
            "teachers/t-1.yaml:6:14: error[date-order] MA license expires 2019-06-30 is before its issued 2020-07-01",
        ),
        (
            "assignments:\n  - role: mentor\n    start: 2024-09-01\n    end: 2024-08-31\n",
            "teachers/t-1.yaml:6:10: error[date-order] assignment to mentor end 2024-08-31 is before its start 2024-09-01",
        ),
        (
            "experience:\n  - {employer: TST, start: 2020-01-01, end: 2019-01-01}\n",
            "teachers/t-1.yaml:4:45: error[date-order] experience end 2019-01-01 is before its start 2020-01-01",
        ),
        (
            "clearances:\n  - {kind: fingerprint, date: 2024-07-15, expires: 2024-07-14}\n",
            "teachers/t-1.yaml:4:52: error[date-order] fingerprint clearance expires 2024-07-14 is before its date 2024-07-15",
        ),
        (
            "credentials:\n  - {id: national-board, date: 2019-11-01, expires: 2018-11-01}\n",
            "teachers/t-1.yaml:4:53: error[date-order] credential national-board expires 2018-11-01 is before its date "
            "2019-11-01",
        ),
    ],
)
def test_date_order_at_the_end_or_expires(role_yaml, make_repo, validate, entry, line):
    root = make_repo(roles={"mentor": role_yaml("mentor")}, teachers={"t-1": "id: t-1\nname: A\n" + entry})
    code, lines, _ = validate(root)
    assert code == 1
    assert lines == [line]


def test_terms_out_of_order_and_overlapping(make_repo, validate):
    config = (
        "program: P\norganization: TST\nterms:\n"
        "  - {id: 2024-25, start: 2024-08-26, end: 2025-06-13}\n"
        "  - {id: 2025-26, start: 2025-06-01, end: 2026-06-12}\n"
        "  - {id: 2026-27, start: 2027-08-24, end: 2027-06-11}\n"
    )
    root = make_repo(config=config)
    code, lines, _ = validate(root)
    assert code == 1
    assert lines == [
        "tlt.yaml:5:26: error[terms] term '2025-26' (from 2025-06-01) overlaps term '2024-25' (to 2025-06-13); "
        "terms must be ascending and must not overlap",
        "tlt.yaml:6:43: error[terms] term '2026-27' ends 2027-06-11 before it starts 2027-08-24",
    ]


def test_terms_reused_id(config_yaml, make_repo, validate):
    config = config_yaml("  - {id: 2025-26, start: 2026-08-24, end: 2027-06-11}\n")
    code, lines, _ = validate(make_repo(config=config))
    assert code == 1
    assert lines == ["tlt.yaml:6:10: error[terms] term id '2025-26' is used twice"]


def test_caseload_member_self_and_twice(role_yaml, teacher_yaml, make_repo, validate):
    root = make_repo(
        roles={"mentor": role_yaml("mentor")},
        teachers={
            "t-1": "id: t-1\nname: A\nassignments:\n  - role: mentor\n    start: 2024-09-01\n"
            "    caseload:\n      - t-1\n      - t-2\n      - {teacher: t-2, service: PAR}\n",
            "t-2": teacher_yaml("t-2"),
        },
    )
    code, lines, _ = validate(root)
    assert code == 1
    assert lines == [
        "teachers/t-1.yaml:7:9: error[caseload-member] t-1 is on their own caseload for mentor",
        "teachers/t-1.yaml:9:9: error[caseload-member] t-2 is listed twice on this caseload",
    ]


def test_output_is_sorted_by_path_line_column(config_yaml, make_repo, validate):
    root = make_repo(
        roles={"b": "id: b\ntitle: x\ncategory: nope\n", "a": ""},
        teachers={"t-1": "id: t-1\nname: A\nfoo: 1\n"},
        config=config_yaml("contract_days: 0\n"),
    )
    code, lines, err = validate(root)
    assert code == 1
    assert [line.split(": ")[0] for line in lines] == [
        "roles/a.yaml:1:1",
        "roles/b.yaml:3:11",
        "teachers/t-1.yaml:3:1",
        "tlt.yaml:6:16",
    ]
    assert without_head(err) == "4 errors, 0 warnings in 4 files\n"


def test_a_broken_tlt_yaml_is_exit_1(make_repo, validate):
    code, lines, _ = validate(make_repo(config="program: P\norganization: TST\n"))
    assert code == 1
    assert lines == ["tlt.yaml:1:1: error[schema] the document lacks the required key 'terms'"]


def test_a_listed_but_missing_folder_is_a_file_error(config_yaml, make_repo, validate):
    code, lines, _ = validate(make_repo(config=config_yaml("teachers: [staff]\n")))
    assert code == 1
    assert lines == ["tlt.yaml:6:12: error[file] teachers[0]: no folder 'staff' in the repository"]


def test_a_folder_leaving_the_repository_is_refused(config_yaml, make_repo, validate):
    code, lines, _ = validate(make_repo(config=config_yaml("roles: [../elsewhere]\n")))
    assert code == 1
    assert lines == [
        "tlt.yaml:6:9: error[schema] roles[0] '../elsewhere' leaves the repository; name a folder inside it"
    ]


def test_json_and_github_formats_carry_the_same_problem(make_repo, run):
    root = make_repo(teachers={"t-1": "id: t-1\nname: A\nname: B\n"})
    code, out, _ = run(["-C", root, "validate", "--as-of", AS_OF, "--format", "json"])
    assert code == 1
    assert json.loads(out) == {
        "ok": False,
        "errors": 1,
        "warnings": 0,
        "problems": [
            {
                "path": "teachers/t-1.yaml",
                "line": 3,
                "column": 1,
                "severity": "error",
                "code": "duplicate-key",
                "message": "duplicate key 'name': first at line 2",
            }
        ],
    }
    code, out, _ = run(["-C", root, "validate", "--as-of", AS_OF, "--format", "github"])
    assert code == 1
    assert out == (
        "::error file=teachers/t-1.yaml,line=3,col=1,title=tlt duplicate-key::duplicate key 'name': first at line 2\n"
    )


def test_outside_terms_is_a_warning_at_the_start(role_yaml, teacher_yaml, make_repo, validate):
    assignments = (
        "assignments:\n"
        "  - {role: mentor, start: 2023-09-01, end: 2024-06-01}\n"
        "  - {role: mentor, start: 2024-08-26, end: 2024-09-30}\n"
        "  - role: mentor\n"
        "    start: 2026-07-01\n"
    )
    root = make_repo(roles={"mentor": role_yaml("mentor")}, teachers={"t-1": teacher_yaml("t-1", assignments)})
    code, lines, err = validate(root)
    assert code == 0
    assert lines == [
        "teachers/t-1.yaml:4:27: warning[outside-terms] assignment to mentor (2023-09-01 to 2024-06-01) overlaps no "
        "term of tlt.yaml (2024-08-26 to 2026-06-12); no report counts it",
        "teachers/t-1.yaml:7:12: warning[outside-terms] assignment to mentor (from 2026-07-01, open-ended) overlaps no "
        "term of tlt.yaml (2024-08-26 to 2026-06-12); no report counts it",
    ]
    assert without_head(err) == "0 errors, 2 warnings in 1 file\n"


def test_dates_outside_the_years_1900_to_2199_are_schema_problems(config_yaml, make_repo, validate):
    root = make_repo(config=config_yaml("  - {id: far, start: 9999-01-01, end: 9999-12-31}\n"))
    code, lines, _ = validate(root)
    assert code == 1
    message = "expected a date written YYYY-MM-DD, such as 2025-08-25, in the years 1900 to 2199"
    assert lines == [
        f"tlt.yaml:6:22: error[schema] terms[2].start is '9999-01-01'; {message}",
        f"tlt.yaml:6:39: error[schema] terms[2].end is '9999-12-31'; {message}",
    ]
