"""`tlt init`: a data repository from the role catalog that passes `tlt validate`, never over an existing file.
The pre-commit hooks it writes and the project publishes are driven for real in tests/test_precommit.py."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import yaml
from typer.testing import CliRunner

from summaries import without_head  # noqa: E402
from tlt.cli import app
from tlt.scaffold import catalog_root

PROJECT = Path(__file__).resolve().parents[1]
AS_OF = "2026-11-23"
CATALOGS = sorted(p.name for p in (PROJECT / "roles").iterdir() if p.is_dir() and any(p.rglob("*.yaml")))


def cli(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(app, list(args), env={"NO_COLOR": "1", "TLT_DEBUG": "1", "TERMINAL_WIDTH": "100"})
    if result.exception and not isinstance(result.exception, SystemExit):
        raise result.exception
    return result.exit_code, result.stdout, result.stderr


def snapshot(root: Path) -> dict[str, bytes]:
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()}


def test_list_shows_every_catalog_folder_and_all() -> None:
    code, out, _ = cli("init", "--list")
    assert code == 0
    names = [line.split()[0] for line in out.splitlines()[3:] if line.strip()]
    assert names == [*CATALOGS, "all"]
    assert len(CATALOGS) >= 4  # jps, acps, bps, teacher-leader


@pytest.mark.parametrize("catalog", [*CATALOGS, "all"])
def test_new_repository_passes_validate(tmp_path: Path, catalog: str) -> None:
    root = tmp_path / "district"
    code, _, err = cli("init", str(root), "--catalog", catalog, "--as-of", AS_OF)
    assert code == 0, err
    assert "created" in err
    code, out, err = cli("-C", str(root), "validate", "--as-of", AS_OF)
    assert (code, out, without_head(err).strip()) == (0, "", "no problems")
    source = (
        sorted((PROJECT / "roles" / catalog).rglob("*.yaml"))
        if catalog != "all"
        else sorted((PROJECT / "roles").rglob("*.yaml"))
    )
    written = sorted((root / "roles").rglob("*.yaml"))
    assert [p.name for p in written] == sorted(p.name for p in source)


def test_files_terms_and_editor_settings(tmp_path: Path) -> None:
    root = tmp_path / "jps-data"
    assert cli("init", str(root), "--catalog", "jps", "--as-of", AS_OF)[0] == 0
    files = set(snapshot(root))
    assert {"tlt.yaml", "teachers/t-0001.yaml", ".pre-commit-config.yaml", ".github/workflows/tlt.yml"} <= files
    assert {"schemas/role.schema.json", "schemas/teacher.schema.json", "schemas/config.schema.json"} <= files
    config = yaml.safe_load((root / "tlt.yaml").read_text())
    assert config["organization"] == "JPS"
    assert [(t["id"], str(t["start"]), str(t["end"])) for t in config["terms"]] == [
        ("2026-27", "2026-08-31", "2027-06-11"),  # under way on the as-of date: data entry can start
        ("2027-28", "2027-08-30", "2028-06-09"),  # the next school year: last Monday of August to mid-June
    ]
    mentor = root / "roles" / "jps-new-teacher-mentor.yaml"
    assert mentor.read_text() == (PROJECT / "roles" / "jps" / "jps-new-teacher-mentor.yaml").read_text()
    for path in [*root.rglob("*.yaml"), *root.rglob("*.yml")]:
        # no file names its schema: a relative path breaks when the file moves, and would override the mapping
        assert "yaml-language-server" not in path.read_text(), path
    _, schema_out, _ = cli("schema", "role")
    assert (root / "schemas" / "role.schema.json").read_text() == schema_out
    teacher = yaml.safe_load((root / "teachers" / "t-0001.yaml").read_text())
    assert teacher["experience"][0]["employer"] == "JPS" and teacher["licenses"][0]["state"] == "MS"


def test_editor_settings_map_each_folder_to_its_schema(tmp_path: Path) -> None:
    """What the YAML language server reads (tests/test_editor.py drives it with this file for real)."""
    assert cli("init", str(tmp_path), "--catalog", "bps", "--as-of", AS_OF)[0] == 0
    settings = json.loads((tmp_path / ".vscode" / "settings.json").read_text())
    assert settings == {
        "yaml.schemas": {
            "./schemas/config.schema.json": ["tlt.yaml"],
            "./schemas/role.schema.json": ["roles/**/*.yaml", "roles/**/*.yml"],
            "./schemas/teacher.schema.json": ["teachers/**/*.yaml", "teachers/**/*.yml"],
        }
    }
    assert all((tmp_path / schema).is_file() for schema in settings["yaml.schemas"])  # offline, in the repository
    config = yaml.safe_load((tmp_path / "tlt.yaml").read_text())
    assert (config["roles"], config["teachers"]) == (["roles"], ["teachers"])  # the folders the globs name
    extensions = json.loads((tmp_path / ".vscode" / "extensions.json").read_text())
    assert extensions == {"recommendations": ["redhat.vscode-yaml"]}


def test_summer_date_picks_the_year_that_just_ended_and_the_next(tmp_path: Path) -> None:
    assert cli("init", str(tmp_path), "--catalog", "bps", "--as-of", "2027-07-01")[0] == 0
    terms = yaml.safe_load((tmp_path / "tlt.yaml").read_text())["terms"]
    assert [t["id"] for t in terms] == ["2026-27", "2027-28"]


def test_all_keeps_the_catalog_folders(tmp_path: Path) -> None:
    assert cli("init", str(tmp_path), "--as-of", AS_OF)[0] == 0  # --catalog defaults to all
    role = tmp_path / "roles" / "bps" / "bps-esp-consulting-teacher.yaml"
    assert role.read_text() == (PROJECT / "roles" / "bps" / "bps-esp-consulting-teacher.yaml").read_text()
    assert yaml.safe_load((tmp_path / "tlt.yaml").read_text())["organization"] == "MY-DISTRICT"


def test_second_init_writes_nothing_and_exits_2(tmp_path: Path) -> None:
    assert cli("init", str(tmp_path), "--catalog", "jps", "--as-of", AS_OF)[0] == 0
    (tmp_path / "tlt.yaml").write_text("program: edited\n")
    before = snapshot(tmp_path)
    code, out, err = cli("init", str(tmp_path), "--catalog", "acps", "--as-of", AS_OF)
    assert code == 2 and out == ""
    assert f"exists: {tmp_path / 'tlt.yaml'}" in err and "nothing was written" in err
    assert snapshot(tmp_path) == before  # no acps role was added, tlt.yaml kept its edit


def test_one_existing_file_stops_everything(tmp_path: Path) -> None:
    (tmp_path / "teachers").mkdir()
    (tmp_path / "teachers" / "t-0001.yaml").write_text("id: t-0001\nname: Mine\n")
    code, _, err = cli("init", str(tmp_path), "--catalog", "bps", "--as-of", AS_OF)
    assert code == 2
    assert "exists:" in err and "t-0001.yaml" in err and "1 of the files tlt init would write exists already" in err
    assert sorted(p.relative_to(tmp_path).as_posix() for p in tmp_path.rglob("*")) == [
        "teachers",
        "teachers/t-0001.yaml",
    ]


def test_a_linked_folder_is_not_written_through(tmp_path: Path) -> None:
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    repo = tmp_path / "repo"
    repo.mkdir()
    (repo / "schemas").symlink_to(elsewhere)
    code, _, err = cli("init", str(repo), "--catalog", "bps", "--as-of", AS_OF)
    assert code == 2 and "schemas (a symbolic link" in err
    assert list(elsewhere.iterdir()) == [] and sorted(p.name for p in repo.iterdir()) == ["schemas"]


def test_bad_catalog_and_missing_path_exit_2(tmp_path: Path) -> None:
    code, _, err = cli("init", str(tmp_path / "x"), "--catalog", "nope", "--as-of", AS_OF)
    assert code == 2 and "no catalog named 'nope'" in err and "jps" in err
    assert not (tmp_path / "x").exists()
    code, _, err = cli("init")
    assert code == 2 and "tlt init PATH" in err


def test_catalog_ships_inside_the_package() -> None:
    root = catalog_root()
    assert root.is_dir()
    link = PROJECT / "src" / "tlt" / "catalog"
    if link.is_symlink():  # the source tree: roles/ is the single source
        assert link.resolve() == (PROJECT / "roles").resolve()


def test_workflow_validates_and_posts_the_diff_without_injection(tmp_path: Path) -> None:
    assert cli("init", str(tmp_path), "--catalog", "jps", "--as-of", AS_OF)[0] == 0
    workflow = yaml.safe_load((tmp_path / ".github" / "workflows" / "tlt.yml").read_text())
    steps = [s for job in workflow["jobs"].values() for s in job["steps"]]
    runs = [s.get("run", "") for s in steps]
    assert any("tlt validate --format github" in r for r in runs)
    assert any('tlt diff --format table "$BASE_SHA"' in r for r in runs)
    assert not any("${{" in r for r in runs)  # event data reaches scripts only through env
    assert workflow["jobs"]["diff"]["steps"][0]["with"]["fetch-depth"] == 0
    assert workflow["permissions"] == {}  # each job asks for its own (tests/test_workflow.py)


@pytest.mark.parametrize(
    ("as_of", "ok"),
    [("1906-08-26", False), ("1906-08-27", True), ("2196-08-28", True), ("2196-08-29", False), ("2199-12-31", False)],
)
def test_init_at_the_ends_of_the_calendar_writes_files_that_validate_or_nothing(
    tmp_path: Path, as_of: str, ok: bool
) -> None:
    """`tlt init --as-of 2199-08-25` wrote terms ending in 2200 and a sample license expiring in 2203, which its own
    `tlt validate` refused (4 schema errors). Now a date whose files would not validate writes nothing (exit 2)
    and names the dates that work."""
    root = tmp_path / "district"
    code, _, err = cli("init", str(root), "--catalog", "jps", "--as-of", as_of)
    if ok:
        assert code == 0, err
        assert cli("-C", str(root), "validate", "--as-of", as_of)[:2] == (0, "")
    else:
        assert code == 2 and not root.exists()
        assert err.endswith(
            "outside the years 1900 to 2199 that data files may use; choose a date from 1906-08-27 to 2196-08-28\n"
        ), err
