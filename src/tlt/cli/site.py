"""`tlt site`: the program page (SPEC 12), `index.html` and its panels' CSV files written into a folder.

The command parses its options, loads the repository for the page (`tlt.site.load_site`, judging with the scale
layer's `bench_verdicts` when it is there), names the git revision, asks `tlt.site.site_files` for the files and writes them all at once (`write_folder`).
"""

from __future__ import annotations

import contextlib
import os
import shutil
import tempfile
from pathlib import Path
from typing import Annotated

import typer

from tlt.cli.app import app
from tlt.cli.common import (
    GLOBALS,
    AsOfOpt,
    RepoOpt,
    SkipInvalidOpt,
    TermOpt,
    _new_mode,
    as_of_date,
    clean_errors,
    is_input_file,
    loading_progress,
    message,
)
from tlt.errors import TltError
from tlt.loading.gitrev import resolve_commit, work_tree_prefix
from tlt.loading.repository import find_root
from tlt.loading.sources import FileSource
from tlt.pipeline import Repository
from tlt.problems import escape_control

try:  # the scale layer's judging for many teachers, the same verdicts as the plain one (tests/test_site.py)
    from tlt.scale.bench import bench_verdicts as judge_verdicts
except ModuleNotFoundError as exc:
    if exc.name not in ("tlt.scale", "tlt.scale.bench"):
        raise
    from tlt.site import plain_verdicts as judge_verdicts


def revision(root: Path) -> str | None:
    """The commit checked out where the data repository is (HEAD), or None outside git, without git, or in a
    repository with no commit yet: the page then says it is not in git."""
    try:
        if work_tree_prefix(root) is None:
            return None
        return resolve_commit(root, "HEAD")
    except TltError:
        return None


def write_folder(outdir: Path, files: dict[str, str], repo: Repository) -> None:
    """Every file of `files` (name → text) into the folder `outdir`, never a half page: they are written into a
    temporary folder beside it first. A new folder is that temporary one renamed (all the files appear at
    once); into a folder that exists, each file is renamed over its old one, `index.html` last, so the page never
    links a CSV that is not there yet and each file is whole. Files of the folder that tlt does not write are
    left alone. Never over an input file of the repository; new files get the mode the umask gives."""
    shown = escape_control(str(outdir))
    target = outdir.expanduser()
    if target.exists() and not target.is_dir():
        raise TltError(f"{shown} is not a folder; name a folder for the page (made when it is missing)")
    parent = target.parent if str(target.parent) else Path(".")
    if not parent.is_dir():
        raise TltError(f"no folder {escape_control(str(parent))} to make {shown} in")
    for name in files:
        if is_input_file(target / name, repo):
            raise TltError(f"{shown}/{name} is an input file of the repository; choose another folder")
    try:
        tmp = Path(tempfile.mkdtemp(prefix=f".{target.name}.", suffix=".tmp", dir=parent))
    except OSError as exc:
        raise TltError(f"cannot write into {escape_control(str(parent))}: {exc.strerror}") from None
    try:
        for name, text in files.items():
            existing = None
            with contextlib.suppress(OSError):
                existing = os.stat(target / name)
            path = tmp / name
            with open(path, "w", encoding="utf-8", newline="") as handle:
                os.fchmod(handle.fileno(), _new_mode(existing))
                handle.write(text)
                handle.flush()
                os.fsync(handle.fileno())
        if not target.exists():
            os.chmod(tmp, 0o777 & ~_umask())  # mkdtemp made it 0700: a folder made as mkdir would make it
            os.rename(tmp, target)
            return
        for name in sorted(files, key=lambda n: n == "index.html"):  # the page last
            os.replace(tmp / name, target / name)
        tmp.rmdir()
    except OSError as exc:
        raise TltError(f"cannot write {shown}: {exc.strerror}") from None
    finally:
        if tmp.exists():
            shutil.rmtree(tmp, ignore_errors=True)


def _umask() -> int:
    mask = os.umask(0o022)  # the only way to read it: set, then put back at once
    os.umask(mask)
    return mask


@app.command()
@clean_errors
def site(
    outdir: Annotated[
        Path, typer.Argument(help="The folder to write index.html and the CSV files into (made when missing).")
    ],
    term: TermOpt = None,
    as_of: AsOfOpt = None,
    skip_invalid: SkipInvalidOpt = False,
    repo: RepoOpt = None,
) -> None:
    """The program page: a static index.html for a term, with staffing against each role's range, caseloads
    against caps, stipends by role, school and fund, eligibility counts per role and documents expiring in the
    next 90 days, each chart with its table, and the CSV of each table beside the page.

    The page needs no network and no JavaScript, prints on A4 or Letter, and names the git revision, the as-of
    date and the term. The per-teacher panels show their first 100 rows; the CSV files hold every row (the same
    as tlt caseload, tlt stipends --by ROLE|SCHOOL|FUND and tlt expiring print).

    Examples:

      tlt site public --term 2025-26 --as-of 2025-10-01

      tlt -C examples/bps site /tmp/bps-page --as-of 2025-10-01
    """
    # imported here, not at the top: the page's template engine (Jinja2) is worth loading when a page is made, not
    # at every start of tlt (`tlt --help` among them)
    from tlt.site import load_site, site_files

    d = as_of_date(as_of)
    root = find_root(repo or GLOBALS.repo)
    with loading_progress() as progress:
        data = load_site(FileSource(root), term, d, progress, judge_verdicts)
    data.repo.require_loadable(skip_invalid, warn=message)
    data.revision = revision(root)
    files = site_files(data)
    write_folder(outdir, files, data.repo)
    if not GLOBALS.quiet:
        message(f"wrote {escape_control(str(outdir))}: index.html and {len(files) - 1} CSV files")
