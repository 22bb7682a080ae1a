"""`tlt import teachers` (SPEC 11, issue 17): an HR or licensure export into teacher files, as a map says.

Every test runs the CLI on a small repository in tmp_path and looks at what a user sees: the files, stdout,
stderr and the exit code."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

HR_MAP = """\
id: "t-{Employee ID}"
date_format: "%m/%d/%Y"
number_format: us
fields:
  name: "{First Name} {Last Name}"
  school: "{Location}"
  status: {column: "Employment Status", map: {PERM: permanent, PROB: probationary}}
  base_salary: {column: "Annual Salary", type: money}
lists:
  licenses:
    key: [state, number]
    entry:
      state: "{License State}"
      number: "{License Number}"
      expires: {column: "License Expiration", type: date}
"""

HEADER = "Employee ID,First Name,Last Name,Location,Employment Status,Annual Salary,License State,License Number,License Expiration\n"


def _export(tmp_path: Path, rows: str, name: str = "hr.csv", header: str = HEADER) -> Path:
    path = tmp_path / name
    path.write_bytes((header + rows).encode("utf-8"))
    return path


def _files(root: Path) -> dict[str, bytes]:
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()}


@pytest.fixture
def repo(make_repo):
    return make_repo(files={"import/hr.yaml": HR_MAP})


def _import(run, root: Path, export: Path, *extra: str):
    return run(
        ["-C", root, "import", "teachers", export, "--map", root / "import/hr.yaml", "--as-of", "2025-09-01", *extra]
    )


ROWS = (
    '0001,Pat,Lee,Revere High,PERM,"$92,000.00",MA,0123,06/30/2030\n'
    '0001,Pat,Lee,Revere High,PERM,"$92,000.00",NY,555,06/30/2031\n'
    "0002,Kim,Ng,Lincoln,PROB,70000,,,\n"
)


def test_first_import_creates_files_that_validate_accepts(run, repo, tmp_path):
    code, out, err = _import(run, repo, _export(tmp_path, ROWS))
    assert code == 0, err
    assert out == "created teachers/t-0001.yaml\ncreated teachers/t-0002.yaml\n"
    assert err.strip().endswith("2 created, 0 changed, 0 unchanged, 0 in the repository but not in the export")
    # two rows of one id make one file with two licenses; "$92,000.00" is 92000.00; 06/30/2030 is 2030-06-30;
    # "0123" stays text (quoted), so its leading zero is kept
    assert (repo / "teachers/t-0001.yaml").read_text() == (
        "id: t-0001\n"
        "name: Pat Lee\n"
        "school: Revere High\n"
        "status: permanent\n"
        "base_salary: 92000.00\n"
        "licenses:\n"
        "  - {state: MA, number: '0123', expires: 2030-06-30}\n"
        "  - {state: NY, number: '555', expires: 2031-06-30}\n"
    )
    # no row of t-0002 fills a license: no licenses key (absent: not recorded); 70000 is money 70000.00
    assert (repo / "teachers/t-0002.yaml").read_text() == (
        "id: t-0002\nname: Kim Ng\nschool: Lincoln\nstatus: probationary\nbase_salary: 70000.00\n"
    )
    code, _, err = run(["-C", repo, "validate", "--as-of", "2025-09-01"])
    assert code == 0, err


def test_a_second_import_of_the_same_export_changes_nothing_and_says_so(run, repo, tmp_path):
    export = _export(tmp_path, ROWS)
    assert _import(run, repo, export)[0] == 0
    before = _files(repo)
    code, out, err = _import(run, repo, export)
    assert code == 0
    assert out == ""
    assert "0 created, 0 changed, 2 unchanged, 0 in the repository but not in the export; nothing to change" in err
    assert _files(repo) == before


EXISTING = """\
id: t-0001
# Pat asked to be listed under her full name (hand-written; HR does not know)
name: Pat Lee
school: Revere High    # since 2019
status: permanent
base_salary: 92000.00
licenses:
  - {state: MA, number: "0123", expires: 2030-06-30, type: professional}
assignments:
  - role: mentor
    start: 2024-08-26   # approved by the panel
    caseload: [t-0009, {teacher: t-0010, service: PAR}]
"""


def test_a_moved_school_changes_only_school_and_keeps_comments_and_assignments(run, make_repo, tmp_path, role_yaml):
    root = make_repo(
        roles={"mentor": role_yaml("mentor")},
        teachers={"t-0001": EXISTING, "t-0009": "id: t-0009\nname: A\n", "t-0010": "id: t-0010\nname: B\n"},
        files={"import/hr.yaml": HR_MAP},
    )
    export = _export(tmp_path, '0001,Pat,Lee,Chelsea High,PERM,"$92,000.00",MA,0123,06/30/2030\n')
    code, out, err = _import(run, root, export)
    assert code == 0, err
    assert out == "changed teachers/t-0001.yaml (school)\n"
    # only the value of school changed: its end-of-line comment, the comment above name, the license's
    # hand-recorded type and the assignments block are the same bytes
    assert (root / "teachers/t-0001.yaml").read_text() == EXISTING.replace("Revere High    #", "Chelsea High    #")
    assert "in the repository but not in the export: teachers/t-0009.yaml" in err
    assert "1 created" not in err and "0 created, 1 changed, 0 unchanged, 2 in the repository" in err


def test_a_file_with_crlf_and_a_byte_order_mark_keeps_both(run, make_repo, tmp_path):
    text = b"\xef\xbb\xbfid: t-0002\r\nname: Kim Ng  # HR spelling\r\nschool: Old\r\n"
    root = make_repo(teachers={"t-0002": text}, files={"import/hr.yaml": HR_MAP})
    code, _, err = _import(run, root, _export(tmp_path, "0002,Kim,Ng,Lincoln,PROB,70000,,,\n"))
    assert code == 0, err
    # school changed in place; status and base_salary appended with the file's own CRLF
    assert (root / "teachers/t-0002.yaml").read_bytes() == (
        b"\xef\xbb\xbfid: t-0002\r\nname: Kim Ng  # HR spelling\r\nschool: Lincoln\r\n"
        b"status: probationary\r\nbase_salary: 70000.00\r\n"
    )


def test_a_bad_date_on_line_214_writes_nothing_and_names_the_line_and_the_column(run, repo, tmp_path):
    # the header is line 1, so employee n is on line n + 1; employee 213 is line 214
    rows = "".join(
        f"{n:04d},First{n},Last{n},School,PERM,50000,MA,{n},{'13/45/2019' if n == 213 else '06/30/2030'}\n"
        for n in range(1, 501)
    )
    export = _export(tmp_path, rows)
    before = _files(repo)
    code, out, err = _import(run, repo, export)
    assert code == 1
    assert out == ""
    assert f"{export}:214: License Expiration '13/45/2019' is not a date (map: %m/%d/%Y)" in err
    assert "1 problem; nothing written" in err
    assert _files(repo) == before


def test_dry_run_prints_a_unified_diff_and_writes_nothing(run, make_repo, tmp_path):
    root = make_repo(teachers={"t-0002": "id: t-0002\nname: Kim Ng\nschool: Old\n"}, files={"import/hr.yaml": HR_MAP})
    before = _files(root)
    code, out, err = _import(run, root, _export(tmp_path, ROWS), "--dry-run")
    assert code == 0, err
    assert _files(root) == before
    assert "--- /dev/null\n+++ b/teachers/t-0001.yaml\n@@ -0,0 +1,8 @@\n+id: t-0001\n" in out
    assert "--- a/teachers/t-0002.yaml\n+++ b/teachers/t-0002.yaml\n" in out
    assert "-school: Old\n+school: Lincoln\n" in out
    assert "dry run, nothing written: 1 created, 1 changed, 0 unchanged" in err


def test_an_owned_list_merges_by_key_and_keeps_what_the_export_lacks(run, make_repo, tmp_path):
    root = make_repo(
        teachers={
            "t-0001": (
                "id: t-0001\nname: Pat Lee\nlicenses:\n"
                "  - {state: MA, number: '0123', type: professional, expires: 2029-06-30, issued: 2015-07-01}\n"
                "  - {state: VT, number: '77'}\n"
            )
        },
        files={"import/hr.yaml": HR_MAP},
    )
    code, out, err = _import(run, root, _export(tmp_path, ROWS))
    assert code == 0, err
    text = (root / "teachers/t-0001.yaml").read_text()
    # MA 0123 matched by [state, number]: expires taken from the export, the hand-recorded type and issued kept
    # where they stood; VT kept and listed; NY added
    assert "  - {state: MA, number: '0123', type: professional, expires: 2030-06-30, issued: 2015-07-01}\n" in text
    assert "  - {state: VT, number: '77'}\n  - {state: NY, number: '555', expires: 2031-06-30}\n" in text
    assert "teachers/t-0001.yaml: kept the licenses entry (state 'VT', number '77'): it is not in the export" in err


def test_an_empty_cell_keeps_the_existing_value_and_says_so(run, make_repo, tmp_path):
    root = make_repo(
        teachers={"t-0002": "id: t-0002\nname: Kim Ng\nschool: Lincoln\nstatus: probationary\nbase_salary: 70000.00\n"},
        files={"import/hr.yaml": HR_MAP},
    )
    code, out, err = _import(run, root, _export(tmp_path, "0002,Kim,Ng,,PROB,70000,,,\n"))
    assert code == 0, err
    assert out == ""
    assert "teachers/t-0002.yaml: kept school 'Lincoln': Location is empty in the export" in err


def test_rows_of_one_teacher_must_agree(run, repo, tmp_path):
    rows = "0001,Pat,Lee,Revere High,PERM,1,MA,1,\n0001,Pat,Lee,Chelsea High,PERM,1,MA,2,\n"
    code, _, err = _import(run, repo, _export(tmp_path, rows))
    assert code == 1
    assert ":3: Location 'Chelsea High' differs from line 2 ('Revere High') for the same id 't-0001'" in err


def test_a_value_the_map_does_not_list_is_a_problem(run, repo, tmp_path):
    code, _, err = _import(run, repo, _export(tmp_path, "0001,Pat,Lee,X,TEMP,1,,,\n"))
    assert code == 1
    assert ":2: Employment Status 'TEMP' is not in the map of status (PERM, PROB)" in err


@pytest.mark.parametrize(
    ("number_format", "cell", "stored"),
    [
        ("us", '"$92,000.00"', "92000.00"),
        ("us", '"$70,000"', "70000.00"),
        ("eu", '"92.000,00"', "92000.00"),
        ("eu", "70000", "70000.00"),
        ("plain", "92000.5", "92000.50"),
    ],
)
def test_number_formats(run, make_repo, tmp_path, number_format, cell, stored):
    imap = HR_MAP.replace("number_format: us", f"number_format: {number_format}")
    root = make_repo(files={"import/hr.yaml": imap})
    code, _, err = _import(run, root, _export(tmp_path, f"0001,Pat,Lee,X,PERM,{cell},,,\n"))
    assert code == 0, err
    assert f"base_salary: {stored}\n" in (root / "teachers/t-0001.yaml").read_text()


def test_us_money_with_a_misplaced_comma_is_a_problem(run, repo, tmp_path):
    code, _, err = _import(run, repo, _export(tmp_path, '0001,Pat,Lee,X,PERM,"92,00.00",,,\n'))
    assert code == 1
    assert ":2: Annual Salary '92,00.00' is not money (map: us: 92,000.00)" in err


def test_a_row_that_breaks_the_teacher_schema_is_placed_at_its_line_and_column(run, repo, tmp_path):
    code, _, err = _import(run, repo, _export(tmp_path, "0001,Pat,Lee,X,PERM,1,Mass.,1,\n"))
    assert code == 1
    assert ":2: License State: licenses[0].state is 'Mass.'; expected a state's two capital letters, such as MA" in err


def test_tlt_schema_import_and_a_map_with_an_unknown_key(run, make_repo, tmp_path):
    code, out, _ = run(["schema", "import"])
    assert code == 0 and json.loads(out)["title"] == "tlt import map"
    root = make_repo(files={"import/hr.yaml": HR_MAP + "colour: red\n"})
    code, _, err = _import(run, root, _export(tmp_path, ROWS))
    assert code == 1
    assert "import/hr.yaml:16:1: unknown key 'colour'" in err
    assert not (root / "teachers").exists()


def test_a_map_naming_a_column_the_export_lacks(run, make_repo, tmp_path):
    root = make_repo(files={"import/hr.yaml": HR_MAP.replace("{Location}", "{Locaton}")})
    code, _, err = _import(run, root, _export(tmp_path, ROWS))
    assert code == 1
    assert "import/hr.yaml:6:11: the export has no column 'Locaton' (did you mean 'Location'?)" in err


# --- hostile exports are data -------------------------------------------------------------------------------


def test_formula_looking_cells_and_control_characters_are_stored_as_data(run, repo, tmp_path):
    rows = '0001,"=HYPERLINK(""http://x"")","@Lee\x1b[31m",+1,PERM,1,,,\n'
    code, out, err = _import(run, repo, _export(tmp_path, rows))
    assert code == 0, err
    text = (repo / "teachers/t-0001.yaml").read_text()
    assert "\x1b" not in text  # written as YAML's escape, read back as the same value
    code, out, _ = run(["-C", repo, "check-eligibility", "--format", "json", "--as-of", "2025-09-01"])
    assert code == 0
    from tlt.pipeline import load_repository

    teacher = load_repository(repo).teachers["t-0001"]
    assert teacher.name == '=HYPERLINK("http://x") @Lee\x1b[31m'
    assert teacher.school == "+1"


def test_an_export_that_is_not_utf8_is_a_problem_at_its_first_bad_line(run, repo, tmp_path):
    path = tmp_path / "hr.csv"
    path.write_bytes(HEADER.encode() + b"0001,Pat,Lee,X,PERM,1,,,\n0002,Jos\xe9,Ng,X,PERM,1,,,\n")
    code, _, err = _import(run, repo, path)
    assert code == 1
    assert f"{path}:3: cannot be read as utf-8 (byte 0xe9)" in err
    assert not (repo / "teachers").exists()


def test_a_map_encoding_reads_another_code_page(run, make_repo, tmp_path):
    root = make_repo(files={"import/hr.yaml": "encoding: cp1252\n" + HR_MAP})
    path = tmp_path / "hr.csv"
    path.write_bytes((HEADER + "0002,José,Ng,X,PERM,1,,,\n").encode("cp1252"))
    code, _, err = _import(run, root, path)
    assert code == 0, err
    assert "name: José Ng\n" in (root / "teachers/t-0002.yaml").read_text(encoding="utf-8")


def test_a_byte_order_mark_and_quoted_newlines(run, repo, tmp_path):
    path = tmp_path / "hr.csv"
    # the first row's school spans lines 2 and 3, so the second row starts on line 4
    path.write_bytes(
        b"\xef\xbb\xbf" + HEADER.encode() + b'0001,Pat,Lee,"Two\nLines",PERM,1,,,\n0002,Kim,Ng,X,PERM,"1,0",,,\n'
    )
    code, _, err = _import(run, repo, path)
    assert code == 1  # the BOM is no part of "Employee ID"; the bad number is on line 4
    assert f"{path}:4: Annual Salary '1,0' is not money (map: us: 92,000.00)" in err


@pytest.mark.parametrize("ident", ["../x", "a/b", "..", "A1", "x y", "t-\u00e9", "t-" + "9" * 70])
def test_an_id_that_is_no_teacher_id_is_refused(run, make_repo, tmp_path, ident):
    root = make_repo(files={"import/hr.yaml": HR_MAP.replace('id: "t-{Employee ID}"', 'id: "{Employee ID}"')})
    cell = '"' + ident.replace('"', '""') + '"'
    code, _, err = _import(run, root, _export(tmp_path, f"{cell},Pat,Lee,X,PERM,1,,,\n"))
    assert code == 1
    assert "is not a valid teacher id" in err
    assert not (root / "teachers").exists() and not (tmp_path / "x.yaml").exists()


def test_a_huge_cell_stops_the_reading_with_one_problem(run, repo, tmp_path):
    code, _, err = _import(run, repo, _export(tmp_path, "0001,Pat," + "x" * 70_000 + ",X,PERM,1,,,\n"))
    assert code == 1
    assert ":2: not CSV: 'a cell longer than 65,536 characters'" in err


def test_too_many_columns_and_a_short_row(run, repo, tmp_path):
    code, _, err = _import(run, repo, _export(tmp_path, "", header=",".join(f"c{i}" for i in range(1001)) + "\n"))
    assert code == 1 and ":1: the header has 1,001 columns; at most 1,000" in err
    code, _, err = _import(run, repo, _export(tmp_path, "0001,Pat,Lee\n"))
    assert code == 1 and ":2: the row has 3 cells; the header has 9" in err


def test_a_line_longer_than_a_mebibyte_stops_the_reading(run, repo, tmp_path):
    code, _, err = _import(run, repo, _export(tmp_path, "0001," + "x" * (1024 * 1024 + 10)))
    assert code == 1
    assert ":2: a line longer than 1 MiB; this is no export" in err


def test_more_rows_than_the_bound_stop_the_reading(run, repo, tmp_path, monkeypatch):
    monkeypatch.setattr("tlt.importer.export.MAX_ROWS", 3)  # (the bound is 1,000,000; 4 rows show it here)
    rows = "".join(f"{n:04d},P,L,X,PERM,1,,,\n" for n in range(1, 5))
    code, _, err = _import(run, repo, _export(tmp_path, rows))
    assert code == 1
    assert ":5: more than 3 rows" in err
    assert not (repo / "teachers").exists()


def test_a_teacher_whose_cells_would_make_a_file_over_the_limit_is_a_problem(run, make_repo, tmp_path):
    # 20 license rows of one teacher, each with a 60,000-character type, and the school the same 60,000 characters:
    # 21 x 60,000 = 1,260,000 bytes and a few more, 1.2 MiB, over the loader's 1 MiB
    imap = HR_MAP.replace(
        '      number: "{License Number}"', '      number: "{License Number}"\n      type: "{Location}"'
    )
    root = make_repo(files={"import/hr.yaml": imap})
    rows = "".join(f"0001,P,L,{'y' * 60_000},PERM,1,MA,{n},\n" for n in range(20))
    code, _, err = _import(run, root, _export(tmp_path, rows))
    assert code == 1
    assert ":2: teachers/t-0001.yaml would not load: the file is 1.2 MiB; the limit is 1 MiB" in err


def test_a_teacher_file_with_errors_is_not_updated(run, make_repo, tmp_path):
    root = make_repo(teachers={"t-0001": "id: t-0001\nname: [\n"}, files={"import/hr.yaml": HR_MAP})
    code, _, err = _import(run, root, _export(tmp_path, ROWS))
    assert code == 1
    assert "teachers/t-0001.yaml:3: the file has errors; fix them first (`tlt validate` shows them)" in err
    assert not (root / "teachers/t-0002.yaml").exists()


# --- the bundled samples (examples/import/) -----------------------------------------------------------------


def test_the_staff_sample_updates_the_bps_example_and_it_still_validates(run, tmp_path):
    import shutil

    from example_dates import PROJECT, moved

    root = shutil.copytree(PROJECT / "examples" / "bps", tmp_path / "bps")
    sample = PROJECT / "examples" / "import"
    args = [
        "-C",
        root,
        "import",
        "teachers",
        sample / "powerschool-staff.csv",
        "--map",
        sample / "powerschool-staff.yaml",
    ]
    code, out, err = run(args)
    assert code == 0, err
    # t-0002 moved school; t-0031 is new; t-0001 and t-0003 are as recorded; 30 - 3 = 27 are not in the export
    assert out == "changed teachers/t-0002.yaml (school)\ncreated teachers/t-0031.yaml\n"
    assert "1 created, 1 changed, 2 unchanged, 27 in the repository but not in the export" in err
    code, _, err = run(["-C", root, "validate", "--as-of", moved("2026-08-24")])
    assert code == 0, err
    args = ["-C", root, "import", "teachers", sample / "licensure.csv", "--map", sample / "licensure.yaml"]
    code, out, err = run(args)
    assert code == 0, err
    # one row per license: t-0005's second row adds the administrator license it lacked
    assert (
        "  - {state: MA, type: administrator, number: 0433370-A, issued: 2025-07-01, expires: 2030-06-30}\n"
        in (root / "teachers/t-0005.yaml").read_text()
    )
    assert run(args)[1] == ""  # and a second run changes nothing


def test_a_file_written_as_one_flow_mapping_is_rewritten_whole(run, make_repo, tmp_path):
    root = make_repo(
        teachers={"t-0001": '{id: t-0001, name: Pat Lee, licenses: [{state: MA, number: "0123"}]}\n'},
        files={"import/hr.yaml": HR_MAP.replace("fields:", "owns: [school, licenses]\nfields:")},
    )
    code, out, err = _import(run, root, _export(tmp_path, "0001,Pat,Lee,Revere,PERM,1,MA,0123,06/30/2030\n"))
    assert code == 0, err
    assert out == "changed teachers/t-0001.yaml (school, licenses)\n"
    assert (root / "teachers/t-0001.yaml").read_text() == (
        '{id: t-0001, name: Pat Lee, licenses: [{state: MA, number: "0123", expires: 2030-06-30}], school: Revere}\n'
    )


def test_the_benchmark_export_imports_and_then_changes_nothing(run, tmp_path, project_script):
    bench = project_script("benchmarks/run.py")
    repo, export, imap = bench.import_fixture(7, tmp_path)
    args = ["-C", repo, "import", "teachers", export, "--map", imap]
    code, out, err = run(args)
    assert code == 0, err
    assert out.count("created ") == 7
    # employee 7 is the one probationary row (n % 7 == 0); school 7 % 3 = 1, the second; salary 50,000 + 7 x 37
    assert (repo / "teachers/t-000007.yaml").read_text() == (
        "id: t-000007\nname: First7 Last7\nschool: Codwell Latin Academy\nstatus: probationary\nbase_salary: 50259.00\n"
    )
    code, out, err = run(args)
    assert (code, out) == (0, "")
    assert "0 created, 0 changed, 7 unchanged" in err


def test_what_keeps_an_import_from_running_is_exit_2(run, repo, tmp_path):
    export = _export(tmp_path, ROWS)
    code, _, err = run(["-C", repo, "import", "teachers", tmp_path / "none.csv", "--map", repo / "import/hr.yaml"])
    assert code == 2 and "cannot read" in err and "none.csv" in err
    code, _, err = run(["-C", repo, "import", "teachers", export, "--map", repo / "import/none.yaml"])
    assert code == 2 and "--map" in err and "no such file" in err
    code, _, err = run(["-C", tmp_path / "nowhere", "import", "teachers", export, "--map", repo / "import/hr.yaml"])
    assert code == 2
    code, _, err = _import(run, repo, export, "--as-of", "2025-02-30")
    assert code == 2 and "not a real date" in err
    assert not (repo / "teachers").exists()


def test_an_import_never_writes_through_a_symbolic_link(run, make_repo, tmp_path):
    outside = tmp_path / "outside"
    outside.mkdir()
    root = make_repo(teachers={}, files={"import/hr.yaml": HR_MAP})
    (root / "teachers").symlink_to(outside)  # the teachers folder leads out of the repository
    code, _, err = _import(run, root, _export(tmp_path, ROWS))
    assert code == 1
    assert "teachers is a symbolic link; tlt import does not write through links" in err
    assert list(outside.iterdir()) == []
    # a teacher file that is a link (inside the repository) is not replaced either
    (root / "teachers").unlink()
    (root / "teachers").mkdir()
    (root / "records").mkdir()
    (root / "records/t-0002.yaml").write_text("id: t-0002\nname: Kim Ng\n")
    (root / "teachers/t-0002.yaml").symlink_to(root / "records/t-0002.yaml")
    code, _, err = _import(run, root, _export(tmp_path, "0002,Kim,Ng,Lincoln,PROB,70000,,,\n"))
    assert code == 1
    assert "teachers/t-0002.yaml:1: teachers/t-0002.yaml is a symbolic link" in err
    assert (root / "records/t-0002.yaml").read_text() == "id: t-0002\nname: Kim Ng\n"


def test_a_file_ruamel_cannot_read_is_a_problem_not_a_crash(run, make_repo, tmp_path, monkeypatch):
    def refuse(text):
        raise ValueError("a layout ruamel.yaml does not read")

    monkeypatch.setattr("tlt.importer.yamledit.round_trip", refuse)  # (no file tlt accepts is known to do this)
    root = make_repo(
        teachers={"t-0001": "id: t-0001\nname: Pat Lee\nlicenses:\n  - {state: MA, number: '0123'}\n"},
        files={"import/hr.yaml": HR_MAP},
    )
    before = _files(root)
    code, _, err = _import(run, root, _export(tmp_path, ROWS))
    assert code == 1
    assert "teachers/t-0001.yaml:1: ruamel.yaml cannot read this file back round trip" in err
    assert _files(root) == before


def test_map_problems_name_the_key_and_say_what_is_expected(run, make_repo, tmp_path):
    bad = """\
id: "t-{Employee ID}"
fields:
  nmae: "{First Name}"
  school: {column: Location, template: "{Location}"}
  status: {column: Employment Status, type: number}
"""
    root = make_repo(files={"import/hr.yaml": bad})
    code, _, err = _import(run, root, _export(tmp_path, ROWS))
    assert code == 1
    assert err.splitlines()[:3] == [
        "import/hr.yaml:3:3: unknown key 'nmae' in fields (did you mean 'name'?); allowed keys: base_salary, "
        "contract_days, name, school, status",
        "import/hr.yaml:4:11: fields.school: a column or a template, not both",
        "import/hr.yaml:5:45: fields.status.type is 'number'; expected one of: string, integer, money, decimal, date",
    ]


def test_rows_of_empty_cells_are_skipped(run, repo, tmp_path):
    # a spreadsheet's export often ends with rows of commas: they hold no teacher, so they are no problem
    code, out, err = _import(run, repo, _export(tmp_path, ROWS + ",,,,,,,,\n , ,,,,,,,\n"))
    assert code == 0, err
    assert "2 created, 0 changed, 0 unchanged" in err


def test_teachers_missing_from_the_export_are_named_up_to_ten_then_counted(run, make_repo, tmp_path):
    # a partial export of a big repository must not print one line per teacher it lacks
    teachers = {f"t-{i:04d}": f"id: t-{i:04d}\nname: T {i}\n" for i in range(100, 125)}
    root = make_repo(teachers=teachers, files={"import/hr.yaml": HR_MAP})
    export = _export(tmp_path, "0002,Kim,Ng,Lincoln,PROB,70000,,,\n")
    code, _, err = _import(run, root, export, "--dry-run")
    assert code == 0, err
    named = [line for line in err.splitlines() if line.startswith("in the repository but not in the export: ")]
    assert named == [f"in the repository but not in the export: teachers/t-{i:04d}.yaml" for i in range(100, 110)]
    assert "and 15 more in the repository but not in the export (--all-missing names every one)" in err
    assert "0 changed, 0 unchanged, 25 in the repository but not in the export" in err
    code, _, err = _import(run, root, export, "--dry-run", "--all-missing")
    assert code == 0, err
    assert err.count("in the repository but not in the export: ") == 25 and "more in the repository" not in err


MEMBER_MAP = """\
id: "t-{Employee ID}"
fields:
  name: "{First Name} {Last Name}"
lists:
  memberships: {column: Union, map: {"BTU-1": BTU, Mentors: Mentors, NONE: null}}
"""


def test_memberships_are_a_list_of_plain_names_one_per_row(run, make_repo, tmp_path):
    root = make_repo(
        teachers={"t-0002": "id: t-0002\nname: Kim Ng\nmemberships: [Cohort 3]  # by hand\n"},
        files={"import/hr.yaml": MEMBER_MAP},
    )
    header = "Employee ID,First Name,Last Name,Union\n"
    rows = "0001,Pat,Lee,BTU-1\n0001,Pat,Lee,Mentors\n0001,Pat,Lee,BTU-1\n0002,Kim,Ng,BTU-1\n0003,Al,Bo,NONE\n"
    export = _export(tmp_path, rows, header=header)
    code, out, err = _import(run, root, export)
    assert code == 0, err
    assert out == (
        "created teachers/t-0001.yaml\nchanged teachers/t-0002.yaml (memberships)\ncreated teachers/t-0003.yaml\n"
    )
    # equal names are added once; a name the export lacks is kept and said; a null of the map adds none
    assert (root / "teachers/t-0001.yaml").read_text() == "id: t-0001\nname: Pat Lee\nmemberships: [BTU, Mentors]\n"
    assert (root / "teachers/t-0002.yaml").read_text() == (
        "id: t-0002\nname: Kim Ng\nmemberships: [Cohort 3, BTU]  # by hand\n"
    )
    assert (root / "teachers/t-0003.yaml").read_text() == "id: t-0003\nname: Al Bo\n"
    assert "teachers/t-0002.yaml: kept the memberships entry ('Cohort 3'): it is not in the export" in err
    code, out, err = _import(run, root, export)
    assert (code, out) == (0, ""), err
    assert "0 created, 0 changed, 3 unchanged" in err
    code, out, err = run(["-C", root, "validate", "--as-of", "2025-09-01"])
    assert code == 0, out + err


def test_a_membership_that_is_not_a_name_is_a_problem_at_its_line(run, make_repo, tmp_path):
    imap = MEMBER_MAP.replace(
        '{column: Union, map: {"BTU-1": BTU, Mentors: Mentors, NONE: null}}', "{column: Union, type: integer}"
    )
    root = make_repo(files={"import/hr.yaml": imap})
    export = _export(tmp_path, "0001,Pat,Lee,7\n", header="Employee ID,First Name,Last Name,Union\n")
    code, out, err = _import(run, root, export)
    assert (code, out) == (1, "")
    assert "hr.csv:2: Union: " in err and "nothing written" in err
    assert not (root / "teachers/t-0001.yaml").exists()


def test_a_name_joins_a_block_list_of_memberships_and_the_rest_stays(run, make_repo, tmp_path):
    existing = "id: t-0002\nmemberships:\n  - Cohort 3\n# a hand comment\nname: Kim Ng  # kept\n"
    root = make_repo(
        teachers={"t-0002": existing}, files={"import/hr.yaml": 'id: "t-{ID}"\nlists:\n  memberships: "{Union}"\n'}
    )
    export = _export(tmp_path, "0002,BTU\n0002,Cohort 3\n", header="ID,Union\n")
    code, out, err = _import(run, root, export)
    assert (code, out) == (0, "changed teachers/t-0002.yaml (memberships)\n"), err
    assert (root / "teachers/t-0002.yaml").read_text() == existing.replace("Cohort 3\n", "Cohort 3\n  - BTU\n")
