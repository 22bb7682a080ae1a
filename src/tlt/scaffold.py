"""What `tlt init` writes: a new data repository built from the role catalog shipped in the package.

The catalog is the project's `roles/` folder (one subfolder per organization), shipped as package data at
`tlt/catalog` (in the source tree `src/tlt/catalog` is a symbolic link to `../../roles`, so `roles/` stays the
single source and both editable and normal installs see it). A catalog name is a subfolder name, or `all`.

`new_repository(catalog, today)` is pure: it returns the files to write, path → text, and never touches the
disk; the CLI writes them without overwriting anything. School years run from the last Monday of August to the
second Friday of June; the new tlt.yaml holds the current school year (so data entry can start) and the next.

Editors find the schemas through `.vscode/settings.json`, which maps each folder to its schema by glob, rather
than through a modeline in each file: a relative modeline (`# yaml-language-server: $schema=../schemas/...`)
names a path from where the file is, so it breaks as soon as a file is copied into a subfolder or moved, and
it overrides any mapping.

Imports `tlt.schema`, `tlt.render.rows` and `tlt.loading.safeyaml` (to read the catalog's own figures).
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from datetime import date, timedelta
from importlib import resources
from importlib.resources.abc import Traversable
from typing import Any

from tlt import DISTRIBUTION, __version__
from tlt.errors import TltError
from tlt.loading.safeyaml import parse_text
from tlt.render.rows import to_json
from tlt.schema import published_schema

ALL = "all"
DEFAULT_ORGANIZATION = "MY-DISTRICT"
WORKFLOW_PATH = ".github/workflows/tlt.yml"
PRECOMMIT_PATH = ".pre-commit-config.yaml"
EDITOR_SETTINGS_PATH = ".vscode/settings.json"
EDITOR_EXTENSIONS_PATH = ".vscode/extensions.json"
SAMPLE_TEACHER = "t-0001"


@dataclass(frozen=True)
class CatalogRole:
    path: str  # relative to the catalog root, e.g. "jps/jps-new-teacher-mentor.yaml"
    text: str
    data: dict[str, Any]


def catalog_root() -> Traversable:
    return resources.files("tlt").joinpath("catalog")


def _folders() -> dict[str, Traversable]:
    root = catalog_root()
    if not root.is_dir():
        raise TltError("the role catalog is missing from this installation of tlt (tlt/catalog); reinstall tlt")
    return {
        entry.name: entry
        for entry in root.iterdir()
        if entry.is_dir() and not entry.name.startswith((".", "_")) and any(_yaml_files(entry))
    }


def _yaml_files(folder: Traversable, prefix: str = "") -> list[tuple[str, Traversable]]:
    out: list[tuple[str, Traversable]] = []
    for entry in folder.iterdir():
        if entry.name.startswith((".", "_")):
            continue
        rel = f"{prefix}{entry.name}"
        if entry.is_dir():
            out.extend(_yaml_files(entry, rel + "/"))
        elif entry.name.endswith((".yaml", ".yml")):
            out.append((rel, entry))
    return sorted(out, key=lambda item: item[0])


def catalogs() -> list[str]:
    """The catalog names: every organization folder of the catalog, then `all`."""
    return [*sorted(_folders()), ALL]


def catalog_roles(name: str) -> list[CatalogRole]:
    """The role files of one catalog (or of `all`), sorted by path; raises `TltError` for an unknown name."""
    folders = _folders()
    if name == ALL:
        chosen = sorted(folders)
    elif name in folders:
        chosen = [name]
    else:
        raise TltError(f"no catalog named {name!r}; choose one of: {', '.join(catalogs())} (see `tlt init --list`)")
    out = []
    for folder in chosen:
        for rel, entry in _yaml_files(folders[folder]):
            text = entry.read_text(encoding="utf-8")
            doc = parse_text(text, rel)
            if doc.data is None:  # pragma: no cover - the catalog's own tests keep it valid
                raise TltError(f"the role catalog's file {folder}/{rel} does not load; reinstall tlt")
            out.append(CatalogRole(f"{folder}/{rel}", text, doc.data))
    return out


# ---- school years ---------------------------------------------------------------------------------------------


def last_monday_of_august(year: int) -> date:
    d = date(year, 8, 31)
    return d - timedelta(days=d.weekday())


def second_friday_of_june(year: int) -> date:
    first = date(year, 6, 1)
    return first + timedelta(days=(4 - first.weekday()) % 7 + 7)


@dataclass(frozen=True)
class SchoolYear:
    id: str
    start: date
    end: date


def school_year(start_year: int) -> SchoolYear:
    return SchoolYear(
        f"{start_year}-{(start_year + 1) % 100:02d}",
        last_monday_of_august(start_year),
        second_friday_of_june(start_year + 1),
    )


def current_and_next(today: date) -> tuple[SchoolYear, SchoolYear]:
    """The school year under way on `today` (in summer: the one that just ended) and the next one."""
    year = today.year if today >= last_monday_of_august(today.year) else today.year - 1
    return school_year(year), school_year(year + 1)


# ---- the files ------------------------------------------------------------------------------------------------


def _editor_settings() -> str:
    """`.vscode/settings.json`: each schema for the files of its folders, by glob, for the YAML language server.

    A relative schema path is read from the workspace root; the server puts `**/` before every pattern, and
    `**` also matches no folder, so `teachers/**/*.yaml` covers teachers/t-1.yaml and teachers/a/b/t-2.yaml.
    The folders are the ones the new tlt.yaml names (roles, teachers): edit both together.
    """
    globs = {
        "config": ["tlt.yaml"],
        "role": ["roles/**/*.yaml", "roles/**/*.yml"],
        "teacher": ["teachers/**/*.yaml", "teachers/**/*.yml"],
    }
    return to_json({"yaml.schemas": {f"./schemas/{name}.schema.json": patterns for name, patterns in globs.items()}})


# the mapping above is read by this extension (the YAML language server); VS Code offers to install it
EDITOR_EXTENSIONS = to_json({"recommendations": ["redhat.vscode-yaml"]})


def _organization(roles: list[CatalogRole]) -> str:
    orgs = {str(r.data.get("organization")) for r in roles if r.data.get("organization")}
    return orgs.pop() if len(orgs) == 1 else DEFAULT_ORGANIZATION


def _first_license(roles: list[CatalogRole]) -> tuple[str, str | None] | None:
    for r in roles:
        eligibility = r.data.get("eligibility") or {}
        for rule in eligibility.get("required") or []:
            options = rule.get("license") if isinstance(rule, dict) else None
            if isinstance(options, dict) and options.get("states"):
                types = options.get("types") or [None]
                return str(options["states"][0]), types[0]
    return None


def _scalar(text: str) -> str:
    """A YAML scalar for a value from the catalog: plain when safe, else double-quoted (JSON is YAML)."""
    return text if re.fullmatch(r"[A-Za-z][A-Za-z0-9_.-]*", text) else json.dumps(text)


def _config(organization: str, catalog: str, years: tuple[SchoolYear, SchoolYear]) -> str:
    organization = _scalar(organization)
    terms = "".join(f"  - {{id: {y.id}, start: {y.start}, end: {y.end}}}\n" for y in years)
    return (
        f"# A tlt data repository, made by `tlt init --catalog {catalog}` (tlt {__version__}).\n"
        "# Roles are in roles/, one file per role; teachers in teachers/, one file per teacher.\n"
        "# Check everything with `tlt validate`; see what a change does with `tlt diff HEAD`.\n"
        "program: Teacher Leadership Program      # your program's name\n"
        f"organization: {organization:<28}# your district's code: `employer: {organization}` means this district\n"
        "roles: [roles]\n"
        "teachers: [teachers]\n"
        "rating_scale: [unsatisfactory, needs_improvement, proficient, exemplary]   # lowest first\n"
        "# contract_days: 185                    # the default work year, for per-diem (extra_days) stipends\n"
        "terms:                                  # school years, ascending; both ends inclusive\n" + terms
    )


def _teacher(organization: str, license: tuple[str, str | None] | None, years: tuple[SchoolYear, SchoolYear]) -> str:
    current = years[0]
    started = school_year(current.start.year - 6)
    lines = [
        "# A sample teacher: replace it with your own records, one file per teacher, named after its id.",
        '# A key that is absent means "not recorded" (rules that need it answer unknown); an empty list',
        '# means "recorded, none" (rules that need it fail).',
        f"id: {SAMPLE_TEACHER}",
        "name: Sample Teacher",
        "school: Sample Elementary School",
        "status: permanent",
        "base_salary: 60000.00",
        "experience:",
        f"  - {{employer: {_scalar(organization)}, start: {started.start}}}     # open-ended: still employed",
    ]
    if license is not None:
        state, kind = license
        kind_text = f"type: {_scalar(kind)}, " if kind else ""
        lines += [
            "licenses:",
            f"  - {{state: {_scalar(state)}, {kind_text}status: active, issued: {started.start.year}-07-01, "
            f"expires: {current.start.year + 4}-06-30}}",
        ]
    lines += [
        "degrees:",
        "  - {level: bachelor, field: Elementary Education}",
        "# evaluations:",
        f"#   - {{term: {current.id}, rating: proficient}}",
        "# assignments:",
        f"#   - {{role: <a role id>, start: {years[1].start}}}",
    ]
    return "\n".join(lines) + "\n"


PRECOMMIT = """\
# pre-commit (https://pre-commit.com): run `pre-commit install` once, and every commit (merge commits too)
# runs `tlt validate --staged`: the whole data repository as the commit would hold it (git's index), so a
# commit that only deletes a file is checked too, and untracked files or unstaged edits do not count.
# This hook runs the tlt installed on your machine (language: system), so it needs no network.
# A data repository in a subfolder of its git repository: move this file to the top of the git repository
# and add `args: [-C, <the subfolder>]` to the hook.
# To let pre-commit install tlt by itself instead, use the hook that tlt publishes:
#   - repo: <the git URL you install tlt from>
#     rev: v{version}
#     hooks:
#       - id: tlt-validate
minimum_pre_commit_version: "3.2.0"   # the stage names below
default_install_hook_types: [pre-commit, pre-merge-commit]
repos:
  - repo: local
    hooks:
      - id: tlt-validate
        name: tlt validate
        entry: tlt validate --staged
        language: system
        pass_filenames: false   # tlt checks the whole repository: a change to a role can break a teacher file
        always_run: true        # pre-commit passes no deleted file, so a file filter would skip deletions
        stages: [pre-commit, pre-merge-commit]
"""

# A pinned action: the full commit SHA its release tag named when this tlt was released, with the tag in the
# comment (zizmor and Dependabot read it). A tag can be moved to other code; a commit cannot. Where each SHA came
# from, and how a release moves them: docs/releasing.md.
ACTIONS = {
    "checkout": "actions/checkout@3d3c42e5aac5ba805825da76410c181273ba90b1 # v7.0.1",
    "setup-python": "actions/setup-python@5fda3b95a4ea91299a34e894583c3862153e4b97 # v7.0.0",
    "upload-artifact": "actions/upload-artifact@bbbca2ddaa5d8feaa63e36b76fdaad77386f024f # v7.0.0",
}
# The hidden first line of the pull-request comment the workflow posts: how a later run finds that comment to
# update it, and never another workflow's comment (they are all written by github-actions[bot]).
COMMENT_MARKER = "<!-- tlt-diff -->"

# @name@ placeholders, filled by _fill: GitHub's ${{ }} and the shell's braces stay as they read. A raw string:
# the shell's backslashes are the file's.
WORKFLOW = r"""# tlt on every pull request: annotations at file:line for every problem (`tlt validate --format github`),
# and the eligibility changes the pull request would make (`tlt diff` against its base), posted on it. On every
# push to the default branch, the program page (`tlt site`), kept as the run's artifact `tlt-site`.
# Made by `tlt init` (tlt @version@); see "Using tlt in a data repository's CI" in tlt's docs (docs/ci.md).
name: tlt

on:
  pull_request:
  push:
    branches: [main]

# No permission by default: each job asks for the few it uses, and says why.
permissions: {}

# A new push to a pull request cancels the run for the push before, so two runs never race to post the
# comment; pushes to main each run to the end.
concurrency:
  group: tlt-${{ github.event.pull_request.number || github.ref }}
  cancel-in-progress: ${{ github.event_name == 'pull_request' }}

defaults:
  run:
    shell: bash

env:
  # tlt from PyPI, the release that wrote this workflow: CI runs the tlt you tried. To upgrade, change the
  # version after reading the release notes. Not plain `tlt`: that name on PyPI is another project.
  TLT_REQUIREMENT: "@requirement@"
  TLT_COMMENT_MARKER: "@marker@"
  NO_COLOR: "1"

jobs:
  validate:
    name: tlt validate
    runs-on: ubuntu-latest
    permissions:
      contents: read    # to check out the repository
    steps:
      - uses: @checkout@
        with:
          fetch-depth: 0    # --changed-since reads the pull request's base revision from git
          persist-credentials: false    # no token is kept on disk for the steps after it
      - uses: @setup-python@
        with:
          python-version: "3.11"
      - name: Install tlt
        run: python -m pip install "$TLT_REQUIREMENT"
      - name: tlt validate
        env:
          # GitHub shows only the first 10 errors of a step: the pull request's own files come first
          BASE_SHA: ${{ github.event.pull_request.base.sha }}
        run: tlt validate --format github ${BASE_SHA:+--changed-since "$BASE_SHA"}

  diff:
    name: tlt diff
    if: github.event_name == 'pull_request'
    needs: validate
    runs-on: ubuntu-latest
    permissions:
      contents: read    # to check out the repository with its history
      pull-requests: write    # to post the diff on the pull request, and update that one comment on each push
    steps:
      - uses: @checkout@
        with:
          fetch-depth: 0    # tlt diff reads the base revision from git
          persist-credentials: false
      - uses: @setup-python@
        with:
          python-version: "3.11"
      - name: Install tlt
        run: python -m pip install "$TLT_REQUIREMENT"
      - name: tlt diff against the base
        env:
          BASE_SHA: ${{ github.event.pull_request.base.sha }}
          COLUMNS: "160"    # a wide table: the comment scrolls sideways instead of wrapping reasons
        run: |
          diff="$RUNNER_TEMP/tlt-diff.txt"
          tlt diff --format table "$BASE_SHA" > "$diff"
          cat "$diff"    # the whole diff, in the log; tlt's output cannot start a workflow command
          # Values are data, never markup: the text goes inside <pre> with &, < and > escaped, so nothing
          # in a pull request's files can end the block or add links, images or mentions.
          escape() { sed -e 's/&/\&amp;/g' -e 's/</\&lt;/g' -e 's/>/\&gt;/g' "$@"; }
          full() {
            echo "$TLT_COMMENT_MARKER"
            echo "### Eligibility changes (tlt diff)"
            echo
            echo "<pre>"
            escape "$diff"
            echo "</pre>"
          }
          # GitHub keeps at most 1 MiB of a step summary and 65,536 characters of a comment: a diff too
          # long for one shows its counts there (the lines before the table) and points at the run.
          short() {
            echo "$TLT_COMMENT_MARKER"
            echo "### Eligibility changes (tlt diff)"
            echo
            echo "<pre>"
            awk 'NF == 0 || NR > 200 { exit } { print }' "$diff" | escape
            echo "</pre>"
            echo
            echo "The whole diff ($(wc -l < "$diff") lines) is too long for $1: it is in the $2 of" \
              "[this run]($GITHUB_SERVER_URL/$GITHUB_REPOSITORY/actions/runs/$GITHUB_RUN_ID)."
          }
          full > "$RUNNER_TEMP/tlt-diff.md"
          size="$(wc -c < "$RUNNER_TEMP/tlt-diff.md")"
          if [ "$size" -le 1000000 ]; then
            cat "$RUNNER_TEMP/tlt-diff.md" >> "$GITHUB_STEP_SUMMARY"
          else
            short "the job summary" "log" >> "$GITHUB_STEP_SUMMARY"
          fi
          if [ "$size" -le 65000 ]; then
            cp "$RUNNER_TEMP/tlt-diff.md" "$RUNNER_TEMP/tlt-comment.md"
          elif [ "$size" -le 1000000 ]; then
            short "a comment" "job summary and the log" > "$RUNNER_TEMP/tlt-comment.md"
          else
            short "a comment" "log" > "$RUNNER_TEMP/tlt-comment.md"
          fi
      - name: Post it on the pull request
        # A pull request from a fork gets a read-only token: it has the job summary and the log only.
        if: github.event.pull_request.head.repo.full_name == github.repository
        env:
          GH_TOKEN: ${{ github.token }}
          PR: ${{ github.event.pull_request.number }}
        run: |
          # This workflow's own comment: github-actions[bot]'s that starts with the marker. Not
          # `gh pr comment --edit-last`, which edits the bot's last comment, whichever workflow wrote it.
          comments="repos/$GITHUB_REPOSITORY/issues/$PR/comments"
          # shellcheck disable=SC2016  # $ENV is jq's (the marker above), not the shell's
          ids="$(gh api --paginate "$comments?per_page=100" --jq \
            '.[] | select(.user.login == "github-actions[bot]" and (.body | startswith($ENV.TLT_COMMENT_MARKER))) | .id')"
          id="${ids%%$'\n'*}"
          # The body goes by file (-F body=@FILE), so the diff's text is never parsed by the shell or by gh.
          if [ -n "$id" ]; then
            gh api --method PATCH "repos/$GITHUB_REPOSITORY/issues/comments/$id" -F body=@"$RUNNER_TEMP/tlt-comment.md" --silent
          else
            gh api --method POST "$comments" -F body=@"$RUNNER_TEMP/tlt-comment.md" --silent
          fi

  site:
    name: tlt site
    # the page of what was merged: pushes to the default branch only, never a pull request's files
    if: github.event_name == 'push' && github.ref_name == github.event.repository.default_branch
    needs: validate
    runs-on: ubuntu-latest
    permissions:
      contents: read    # to check out the repository
    steps:
      - uses: @checkout@
        with:
          persist-credentials: false
      - uses: @setup-python@
        with:
          python-version: "3.11"
      - name: Install tlt
        run: python -m pip install "$TLT_REQUIREMENT"
      - name: tlt site
        run: tlt site "$RUNNER_TEMP/tlt-site"
      # The page names teachers in its caseload and expiring panels: in a public repository anyone signed in
      # to GitHub can download a run's artifacts, so keep such a repository private (docs/site.md).
      - uses: @upload-artifact@
        with:
          name: tlt-site
          path: ${{ runner.temp }}/tlt-site
          if-no-files-found: error
          retention-days: 30
"""


def _fill(template: str, **values: str) -> str:
    """`template` with each `@name@` replaced (`_` in a keyword stands for `-`); every placeholder must be given."""
    for name, value in values.items():
        template = template.replace(f"@{name.replace('_', '-')}@", value)
    left = re.findall(r"@[a-z-]+@", template)
    if left:  # pragma: no cover - a template edit that forgot a value
        raise AssertionError(f"unfilled placeholders in a scaffold template: {left}")
    return template


#: The years a data file's dates may fall in (the schemas' date pattern), and how far the files `tlt init` writes
#: reach from the school year under way: the sample teacher started six years before it and holds a license
#: that expires four years after it begins.
_DATE_YEARS = (1900, 2199)
_SAMPLE_REACH = (6, 4)


def new_repository(catalog: str, today: date) -> dict[str, str]:
    """The files of a new data repository (path → text), for a catalog name and the date that picks the terms.
    A date whose files would hold dates outside the schemas' years (so would not validate) is a `TltError`."""
    roles = catalog_roles(catalog)
    years = current_and_next(today)
    first_year, last_year = years[0].start.year - _SAMPLE_REACH[0], years[0].start.year + _SAMPLE_REACH[1]
    if first_year < _DATE_YEARS[0] or last_year > _DATE_YEARS[1]:
        earliest = last_monday_of_august(_DATE_YEARS[0] + _SAMPLE_REACH[0])
        latest = last_monday_of_august(_DATE_YEARS[1] - _SAMPLE_REACH[1] + 1) - timedelta(days=1)
        raise TltError(
            f"--as-of {today}: the terms and the sample teacher tlt init writes would hold dates from {first_year} "
            f"to {last_year}, outside the years {_DATE_YEARS[0]} to {_DATE_YEARS[1]} that data files may use; "
            f"choose a date from {earliest} to {latest}"
        )
    organization = _organization(roles)
    files: dict[str, str] = {"tlt.yaml": _config(organization, catalog, years)}
    for role in roles:
        rel = role.path if catalog == ALL else role.path.split("/", 1)[1]
        target = f"roles/{rel}"
        if target in files:  # pragma: no cover - the catalog's ids are unique
            raise TltError(f"the role catalog has two files named {rel}")
        files[target] = role.text
    files[f"teachers/{SAMPLE_TEACHER}.yaml"] = _teacher(organization, _first_license(roles), years)
    for name in ("config", "role", "teacher"):
        files[f"schemas/{name}.schema.json"] = to_json(published_schema(name))
    files[EDITOR_SETTINGS_PATH] = _editor_settings()
    files[EDITOR_EXTENSIONS_PATH] = EDITOR_EXTENSIONS
    files[PRECOMMIT_PATH] = PRECOMMIT.format(version=__version__)
    files[WORKFLOW_PATH] = _fill(
        WORKFLOW,
        version=__version__,
        requirement=f"{DISTRIBUTION}=={__version__}",
        marker=COMMENT_MARKER,
        **ACTIONS,
    )
    return files


def describe_catalogs() -> list[dict[str, Any]]:
    """One entry per catalog: name, number of roles, organizations, role ids."""
    out = []
    for name in catalogs():
        roles = catalog_roles(name)
        out.append(
            {
                "catalog": name,
                "roles": len(roles),
                "organizations": sorted({str(r.data.get("organization", "")) for r in roles} - {""}),
                "role_ids": [str(r.data.get("id")) for r in roles],
            }
        )
    return out
