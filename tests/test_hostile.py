"""Hostile files (SPEC section 7): each gives one clear problem within a second, no traceback, and leaves every
input file as it was."""

from __future__ import annotations

import hashlib
import json
import os
import time
from pathlib import Path

import pytest

from summaries import without_head  # noqa: E402

AS_OF = "2025-09-01"

BILLION_LAUGHS = (
    "id: t-1\nname: x\n"
    + 'a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]\n'
    + "".join(f"{n}: &{n} [{', '.join([f'*{p}'] * 9)}]\n" for p, n in zip("abcdefgh", "bcdefghi", strict=True))
)


def snapshot(root: Path) -> dict[str, str]:
    """Every file and link under root (links are not followed): its content's hash, or its target."""
    out = {}
    for dirpath, _dirs, files in os.walk(root):
        for name in [*files, *_dirs]:
            path = Path(dirpath) / name
            rel = path.relative_to(root).as_posix()
            if path.is_symlink():
                out[rel] = "-> " + os.readlink(path)
            elif path.is_file():
                out[rel] = hashlib.sha256(path.read_bytes()).hexdigest()
    return out


@pytest.fixture(scope="module", autouse=True)
def _warm(tmp_path_factory, run, config_yaml):
    """Load the schemas and the CLI once, so the one-second budget measures the file, not the imports."""
    root = tmp_path_factory.mktemp("warm")
    (root / "tlt.yaml").write_text(config_yaml())
    assert run(["-C", root, "validate", "--as-of", AS_OF])[0] == 0


@pytest.fixture
def hostile(tmp_path, make_repo, run):
    """hostile(content, fmt="text", setup=None) -> (code, stdout, stderr) for teachers/t-1.yaml holding content."""

    def go(content, fmt="text", setup=None, name="t-1"):
        root = make_repo(teachers={name: content})
        if setup is not None:
            setup(root)
        before = snapshot(tmp_path)
        started = time.perf_counter()
        code, out, err = run(["-C", root, "validate", "--as-of", AS_OF, "--format", fmt])
        elapsed = time.perf_counter() - started
        assert elapsed < 1.0, f"took {elapsed:.2f}s"
        assert snapshot(tmp_path) == before
        assert "Traceback" not in out + err
        assert "\x1b" not in out + err
        return code, out, err

    return go


def one_problem(result):
    code, out, err = result
    lines = out.splitlines()
    assert len(lines) == 1, out
    assert without_head(err) == ("1 error, 0 warnings in 1 file\n" if code else "no problems\n")
    return code, lines[0]


CASES = {
    "billion laughs": (
        BILLION_LAUGHS,
        "teachers/t-1.yaml:4:8: error[yaml-syntax] aliases (*name) are not allowed; write the value out",
    ),
    "2000-level block nesting": (
        "id: t-1\nname: x\nschool:\n" + "- " * 2000 + "x\n",
        "teachers/t-1.yaml:4:127: error[yaml-syntax] nesting deeper than 64 levels",
    ),
    "2000-level flow nesting": (
        "id: t-1\nname: x\nschool: " + "[" * 2000 + "]" * 2000 + "\n",
        "teachers/t-1.yaml:3:72: error[yaml-syntax] nesting deeper than 64 levels",
    ),
    "100000-level flow nesting": (
        "id: t-1\nname: x\nschool: " + "[" * 100_000 + "]" * 100_000 + "\n",
        "teachers/t-1.yaml:3:72: error[yaml-syntax] nesting deeper than 64 levels",
    ),
    "100000-level flow mappings, unclosed": (
        "id: t-1\nname: x\nschool: " + "{a: " * 100_000 + "\n",
        "teachers/t-1.yaml:3:261: error[yaml-syntax] nesting deeper than 64 levels",
    ),
    "python object tag": (
        "id: t-1\nname: !!python/object/apply:os.system ['touch PWNED']\n",
        "teachers/t-1.yaml:2:7: error[yaml-syntax] tag 'tag:yaml.org,2002:python/object/apply:os.system' is not "
        "allowed; only plain data is accepted",
    ),
    "invalid UTF-8": (
        b"id: t-1\nname: Jos\xe9\n",
        "teachers/t-1.yaml:2:1: error[file] the file is not UTF-8 text (byte 0xe9)",
    ),
    "NUL byte": (
        b"id: t-1\nname: A\x00B\n",
        "teachers/t-1.yaml:2:8: error[file] the file contains a NUL byte; data files are UTF-8 text",
    ),
    "empty file": (b"", "teachers/t-1.yaml:1:1: error[file] the file is empty; it must be one YAML mapping"),
    "comments only": (
        "# id: t-1\n# name: x\n",
        "teachers/t-1.yaml:1:1: error[file] the file holds no YAML document; it must be one mapping",
    ),
    "multi-document": (
        "id: t-1\nname: x\n---\nid: t-2\n",
        "teachers/t-1.yaml:3:1: error[yaml-syntax] more than one YAML document; a file holds exactly one mapping",
    ),
    "2 MiB": (
        "id: t-1\nname: x\nschool: " + "x" * (2 * 1024 * 1024) + "\n",
        "teachers/t-1.yaml:1:1: error[file] the file is 2.0 MiB; the limit is 1 MiB",
    ),
    "merge key": (
        "id: t-1\nname: x\nlicenses:\n  - <<: {state: MA}\n",
        "teachers/t-1.yaml:4:5: error[yaml-syntax] merge keys (<<) are not allowed; write the keys out",
    ),
    ".nan": (
        "id: t-1\nname: x\nbase_salary: .nan\n",
        "teachers/t-1.yaml:3:14: error[schema] base_salary is the non-finite number .nan; expected a number",
    ),
    ".inf": (
        "id: t-1\nname: x\nbase_salary: .inf\n",
        "teachers/t-1.yaml:3:14: error[schema] base_salary is the non-finite number .inf; expected a number",
    ),
    "integer beyond 64 bits": (
        "id: t-1\nname: x\ncontract_days: 9223372036854775808\n",
        "teachers/t-1.yaml:3:16: error[schema] contract_days is an integer beyond 64 bits; expected a whole number",
    ),
    "5000-digit integer": (
        "id: t-1\nname: x\nbase_salary: " + "7" * 5000 + "\n",
        "teachers/t-1.yaml:3:14: error[schema] base_salary is an integer beyond 64 bits; expected a number",
    ),
    "0123 is decimal, not octal": (
        # as octal 0400 would be 256, a valid work year; as YAML 1.2 it is 400
        "id: t-1\nname: x\ncontract_days: 0400\n",
        "teachers/t-1.yaml:3:16: error[schema] contract_days is the number 400; expected at most 366",
    ),
    "id with a trailing newline": (
        'id: "t-1\\n"\nname: x\n',
        "teachers/t-1.yaml:1:5: error[schema] id is 't-1\\n'; expected an id: lowercase ASCII letters, digits, "
        "'-' and '_', starting with a letter or digit, at most 64 characters",
    ),
    "id with a Cyrillic look-alike letter": (
        "id: t-\u0430\nname: x\n",
        "teachers/t-1.yaml:1:5: error[schema] id is 't-\u0430'; expected an id: lowercase ASCII letters, digits, "
        "'-' and '_', starting with a letter or digit, at most 64 characters",
    ),
    "id with an Arabic-Indic digit": (
        "id: t-\u0661\nname: x\n",
        "teachers/t-1.yaml:1:5: error[schema] id is 't-\u0661'; expected an id: lowercase ASCII letters, digits, "
        "'-' and '_', starting with a letter or digit, at most 64 characters",
    ),
}


@pytest.mark.parametrize("case", list(CASES))
def test_hostile_file_gives_one_clear_problem(hostile, case):
    content, expected = CASES[case]
    code, line = one_problem(hostile(content))
    assert code == 1
    assert line == expected


def test_python_tag_runs_nothing(hostile, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    one_problem(hostile("id: t-1\nname: !!python/object/apply:os.system ['touch PWNED']\n"))
    assert not (tmp_path / "PWNED").exists()


@pytest.mark.parametrize("text", ["status: NO", "status: on", "school: off", "status: yes"])
def test_yaml_1_1_booleans_stay_strings(hostile, text):
    # were any of these a boolean, the schema would say "is the boolean false; expected text"
    code, out, err = hostile(f"id: t-1\nname: x\n{text}\n")
    assert (code, out, without_head(err)) == (0, "", "no problems\n")


def test_symlink_to_a_file_outside_is_not_followed(teacher_yaml, hostile, tmp_path):
    secret = tmp_path / "secret.yaml"
    secret.write_text("id: t-9\nname: Very Secret Person\nschool: [\n")

    def link(root):
        os.symlink(secret, root / "teachers" / "t-9.yaml")

    code, line = one_problem(hostile(teacher_yaml("t-1"), setup=link))
    assert code == 1
    assert (
        line
        == "teachers/t-9.yaml:1:1: error[file] a symbolic link to a file outside the repository; it is not followed"
    )
    assert "Secret" not in line


def test_symlink_to_a_file_inside_is_read(teacher_yaml, hostile):
    def link(root):
        os.symlink(root / "teachers" / "t-1.yaml", root / "teachers" / "t-2.yaml")

    code, line = one_problem(hostile(teacher_yaml("t-1"), setup=link))
    assert line == "teachers/t-2.yaml:1:5: error[id-mismatch] id 't-1' differs from the file name; expected 't-2'"


def test_symlinked_subfolder_is_not_followed(teacher_yaml, hostile, tmp_path):
    outside = tmp_path / "outside"
    outside.mkdir()
    (outside / "t-5.yaml").write_text(teacher_yaml("t-5"))

    def link(root):
        os.symlink(outside, root / "teachers" / "more")

    code, line = one_problem(hostile(teacher_yaml("t-1"), setup=link))
    assert code == 1
    assert line == "teachers/more:1:1: error[file] a symbolic link to a folder; it is not followed"


def test_symlinked_data_folder_is_not_followed(teacher_yaml, make_repo, run, tmp_path):
    outside = tmp_path / "outside"
    outside.mkdir()
    (outside / "t-5.yaml").write_text(teacher_yaml("t-5"))
    root = make_repo()
    os.symlink(outside, root / "teachers")
    code, out, _ = run(["-C", root, "validate", "--as-of", AS_OF])
    assert code == 1
    assert out == "teachers:1:1: error[file] a symbolic link to a folder; it is not followed\n"


def test_terminal_escapes_are_shown_escaped(hostile):
    # an unknown key and a bad value, both carrying escape sequences (a colour and a window-title change)
    code, out, _ = hostile('id: t-1\nname: x\n"\\e]0;owned\\a": 1\ndegrees:\n  - level: "\\e[31mdoctor\\e[0m"\n')
    assert code == 1
    lines = out.splitlines()
    assert lines[0].startswith("teachers/t-1.yaml:3:1: error[schema] unknown key '\\x1b]0;owned\\x07' in the document;")
    assert lines[1].startswith(
        "teachers/t-1.yaml:5:12: error[schema] degrees[0].level is '\\x1b[31mdoctor\\x1b[0m'; expected one of:"
    )


def test_carriage_return_and_line_feed_cannot_forge_a_line(hostile):
    code, out, _ = hostile('id: t-1\nname: x\n"a\\r\\nteachers/t-1.yaml:1:1: error[fake] b": 1\n')
    assert code == 1
    assert len(out.splitlines()) == 1
    assert "unknown key 'a\\r\\nteachers/t-1.yaml:1:1: error[fake] b'" in out


def test_github_output_escapes_values(hostile):
    code, out, _ = hostile('id: t-1\nname: x\n"::error::100% \\r\\n::warning::x": 1\n', fmt="github")
    assert code == 1
    assert out.count("\n") == 1
    assert out.startswith(
        "::error file=teachers/t-1.yaml,line=3,col=1,title=tlt schema::unknown key '::error::100%25 \\r\\n::warning::x'"
    )


def test_github_properties_escape_colon_comma_percent_and_newlines(teacher_yaml, hostile):
    code, out, _ = hostile(teacher_yaml("t-1"), fmt="github", name="a:b,c%d\n::error::e")
    assert code == 1
    assert out.startswith(
        "::error file=teachers/a%3Ab%2Cc%25d%0A%3A%3Aerror%3A%3Ae.yaml,line=1,col=5,title=tlt id-mismatch::"
    )
    assert out.count("\n") == 1


def test_a_message_quotes_at_most_80_characters_of_a_value(hostile):
    long_value = "Q" * 500
    code, out, _ = hostile(f"id: t-1\nname: x\ndegrees:\n  - level: {long_value}\n")
    assert code == 1
    assert "Q" * 79 + "…" in out
    assert "Q" * 80 not in out


def test_a_message_quotes_at_most_80_characters_of_a_key(hostile):
    code, out, _ = hostile(f"id: t-1\nname: x\n{'K' * 300}: 1\n")
    assert code == 1
    assert "K" * 80 not in out


def test_json_output_is_data(hostile):
    code, out, _ = hostile('id: t-1\nname: x\n"\\e[2J": 1\n', fmt="json")
    assert code == 1
    [problem] = json.loads(out)["problems"]
    assert problem["message"].startswith("unknown key '\\x1b[2J'")


def test_a_file_name_that_is_not_utf8_is_shown_escaped(teacher_yaml, make_repo, run):
    root = make_repo()
    (root / "teachers").mkdir()
    with open(os.fsencode(root / "teachers") + b"/t-\xff.yaml", "w") as handle:
        handle.write(teacher_yaml("t-1"))
    code, out, _ = run(["-C", root, "validate", "--as-of", AS_OF])
    assert code == 1
    assert (
        out == "teachers/t-\\xff.yaml:1:5: error[id-mismatch] id 't-1' differs from the file name; expected 't-\\xff'\n"
    )
    code, out, _ = run(["-C", root, "validate", "--as-of", AS_OF, "--format", "json"])
    assert json.loads(out)["problems"][0]["path"] == "teachers/t-\\xff.yaml"


def test_file_names_of_every_kind_are_listed_in_name_order(tmp_path):
    """The listing shows each name escaped where it is not UTF-8, sorts by the real names (ASCII, UTF-8 and
    undecodable ones mixed, in nested folders: as before the shown names skipped the real ones for plain
    folders), and reads each file from its real path."""
    from tlt.loading.repository import data_files

    names = [b"t-b.yaml", b"t-\xff.yaml", b"t-a.yml", "t-\u00e9.yaml".encode(), b"t-\xc3.yaml", b"T-z.yaml"]
    for folder in (b"teachers", b"teachers/\xfe", b"teachers/sub"):
        os.makedirs(os.fsencode(tmp_path) + b"/" + folder, exist_ok=True)
        for name in names:
            with open(os.fsencode(tmp_path) + b"/" + folder + b"/" + name, "w") as handle:
                handle.write("id: x\n")
    files, real, skipped = data_files(tmp_path, tmp_path / "teachers")
    real_names = sorted(  # as the file system gives them (undecodable bytes as surrogates), relative to the root
        os.path.relpath(os.path.join(d, n), tmp_path) for d, _, ns in os.walk(tmp_path / "teachers") for n in ns
    )
    assert files == [os.fsencode(r).decode("utf-8", "backslashreplace") for r in real_names]
    assert "teachers/\\xfe/t-\\xff.yaml" in files and "teachers/sub/t-\u00e9.yaml" in files
    for shown in files:
        path = real.get(shown, os.path.join(tmp_path, shown))
        assert os.path.isfile(path), shown
    assert skipped == []


def test_no_text_line_starts_a_workflow_command(config_yaml, make_repo, run):
    root = make_repo(config=config_yaml("roles: ['::error::x']\n"), files={"::error::x/r.yaml": "id: r\n"})
    code, out, _ = run(["-C", root, "validate", "--as-of", AS_OF])
    assert code == 1
    assert out == "./::error::x/r.yaml:1:1: error[schema] the document lacks the required keys 'title' and 'category'\n"


def test_csv_cells_show_control_characters_escaped(role_yaml, make_repo, run):
    name = '"A\\n::error::forged\\r\\e[2J"'
    root = make_repo(roles={"mentor": role_yaml("mentor")}, teachers={"t-1": f"id: t-1\nname: {name}\n"})
    code, out, _ = run(["-C", root, "check-eligibility", "--as-of", AS_OF, "--format", "csv"])
    assert code == 0
    assert "\x1b" not in out
    assert not any(line.startswith("::") for line in out.splitlines())
    assert "A\\n::error::forged\\r\\x1b[2J" in out
    # --explain: the role states no requirement, so its eligible teachers are otherwise one line (SPEC 13)
    code, out, _ = run(["-C", root, "check-eligibility", "--as-of", AS_OF, "--format", "table", "--explain"])
    assert code == 0
    assert "\x1b" not in out
    assert "A\\n::error::forged\\r\\x1b[2J" in out


def test_a_long_free_text_value_is_cut_in_a_date_order_message(hostile):
    kind = "fingerprint" + "z" * 300
    code, out, _ = hostile(
        f"id: t-1\nname: x\nclearances:\n  - {{kind: {kind}, date: 2024-07-15, expires: 2024-07-14}}\n"
    )
    assert code == 1
    assert out.startswith("teachers/t-1.yaml:4:")
    assert "error[date-order] fingerprintzzz" in out
    assert "z" * 80 not in out


def test_rich_markup_and_emoji_codes_in_values_stay_text(make_repo, run, tmp_path):
    title = "[link=https://example.invalid]Mentor[/link] [red]:smile:"
    root = make_repo(
        roles={"mentor": f"id: mentor\ntitle: '{title}'\ncategory: mentoring\n"},
        teachers={"t-1": "id: t-1\nname: A\n"},
    )
    code, out, _ = run(["-C", root, "check-eligibility", "--as-of", AS_OF, "--format", "table"])
    assert code == 0
    assert "".join(title.split()) in "".join(out.split())  # the title may wrap
    code, _, err = run(["-C", tmp_path / ":smile: [b]x", "validate", "--as-of", AS_OF])
    assert code == 2
    assert ":smile: [b]x" in err
