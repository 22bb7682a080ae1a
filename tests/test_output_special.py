"""`--output` onto paths that are not regular files (issue 12, item 5): written in place, never renamed over.

A temporary file renamed over the target turned a FIFO or a device into a regular file (as root, `-o /dev/null`
would have replaced the device with a report), made a copy of `/dev/full` report success, and failed on
`/dev/stdout` naming a temporary file. Devices here are nodes made with mknod under tmp_path (root only), never
the machine's own; `/dev/stdout` is reached through `/proc/self/fd/1` and a link of our own to it, so that no
test can replace anything under /dev even if the fix regressed.
"""

from __future__ import annotations

import os
import select
import stat
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from summaries import without_head  # noqa: E402

AS_OF = "2026-03-02"
BROKEN = {"t-1": "id: t-1\nname: A\nname: B\n"}


def _device(tmp_path: Path, name: str, major: int, minor: int) -> Path:
    """A character device node like /dev/<name>, made under tmp_path (needs root)."""
    node = tmp_path / name
    try:
        os.mknod(node, stat.S_IFCHR | 0o666, os.makedev(major, minor))
    except PermissionError:
        pytest.skip("making a device node needs root (CI runs as root)")
    return node


def _drain(fifo: Path, into: list[bytes], stop: threading.Event) -> None:
    """Read a FIFO (opened without waiting for a writer) until its writer has come and gone."""
    fd = os.open(fifo, os.O_RDONLY | os.O_NONBLOCK)
    try:
        seen_writer = False
        deadline = time.monotonic() + 20
        while time.monotonic() < deadline and not stop.is_set():
            ready, _, _ = select.select([fd], [], [], 0.05)
            if not ready:
                continue
            chunk = os.read(fd, 65536)
            if chunk:
                into.append(chunk)
                seen_writer = True
            elif seen_writer:
                return  # end of file: the writer closed it
            else:
                time.sleep(0.01)  # no writer yet
    finally:
        os.close(fd)


def test_output_into_a_fifo_writes_through_it(make_repo, run, tmp_path):
    root = make_repo(teachers=BROKEN)
    fifo = tmp_path / "problems.fifo"
    os.mkfifo(fifo)
    got: list[bytes] = []
    stop = threading.Event()
    reader = threading.Thread(target=_drain, args=(fifo, got, stop))
    reader.start()
    try:
        code, out, err = run(["-C", root, "validate", "--as-of", AS_OF, "--output", fifo])
    finally:
        reader.join(timeout=5)  # it ends at the writer's end of file; without a writer, stop it
        stop.set()
        reader.join()
    assert (code, out, without_head(err)) == (1, "", "1 error, 0 warnings in 1 file\n")
    assert stat.S_ISFIFO(os.stat(fifo).st_mode), "the FIFO was replaced by a regular file"
    assert b"".join(got).decode().startswith("teachers/t-1.yaml:3:1: error[duplicate-key]")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["problems.fifo", "repo"]


def test_output_onto_a_null_device_keeps_the_device(make_repo, run, tmp_path):
    root = make_repo(teachers=BROKEN)
    null = _device(tmp_path, "null", 1, 3)
    before = os.stat(null)
    code, out, err = run(["-C", root, "validate", "--as-of", AS_OF, "--output", null])
    assert (code, out, without_head(err)) == (1, "", "1 error, 0 warnings in 1 file\n")
    after = os.stat(null)
    assert stat.S_ISCHR(after.st_mode), "the device was replaced by a regular file"
    assert (after.st_ino, after.st_rdev) == (before.st_ino, before.st_rdev)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["null", "repo"]


def test_output_onto_a_full_device_is_an_error_naming_the_path(make_repo, run, tmp_path, monkeypatch):
    root = make_repo(teachers=BROKEN)
    full = _device(tmp_path, "full", 1, 7)
    monkeypatch.chdir(tmp_path)
    code, out, err = run(["-C", root, "validate", "--as-of", AS_OF, "--output", "full"])
    assert code == 2
    assert out == ""
    assert err == "tlt: cannot write --output full: No space left on device\n"
    assert stat.S_ISCHR(os.stat(full).st_mode)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["full", "repo"]


def test_output_of_a_large_report_onto_a_full_device(make_repo, run, tmp_path, teacher_yaml):
    """check-eligibility streams its rows (and copies spooled bytes with sendfile): a full device fails there too."""
    teachers = {f"t-{i}": teacher_yaml(f"t-{i}") for i in range(50)}
    root = make_repo(roles={"mentor": "id: mentor\ntitle: Mentor\ncategory: mentoring\n"}, teachers=teachers)
    full = _device(tmp_path, "full", 1, 7)
    code, out, err = run(["-C", root, "check-eligibility", "--all", "--format", "csv", "--as-of", AS_OF, "-o", full])
    assert code == 2
    assert err == f"tlt: cannot write --output {full}: No space left on device\n"
    assert stat.S_ISCHR(os.stat(full).st_mode)


def _tlt(exe: str, *args: object, stdout: int | object = subprocess.PIPE) -> subprocess.CompletedProcess[bytes]:
    env = {k: v for k, v in os.environ.items() if k != "TLT_DEBUG"}
    env["NO_COLOR"] = "1"
    return subprocess.run(
        [exe, *map(str, args)], stdout=stdout, stderr=subprocess.PIPE, env=env, timeout=60, check=False
    )


pytestmark_linux = pytest.mark.skipif(not sys.platform.startswith("linux"), reason="/proc/self/fd is Linux's")


@pytestmark_linux
def test_output_to_an_open_descriptor_writes_that_descriptor(tlt_exe, make_repo):
    root = make_repo(teachers=BROKEN)
    result = _tlt(tlt_exe, "-C", root, "validate", "--as-of", AS_OF, "--output", "/proc/self/fd/1")
    assert result.returncode == 1, result.stderr
    assert result.stdout.decode().startswith("teachers/t-1.yaml:3:1: error[duplicate-key]")
    assert without_head(result.stderr.decode()) == "1 error, 0 warnings in 1 file\n"


@pytestmark_linux
def test_output_through_a_link_to_stdout_keeps_the_link(tlt_exe, make_repo, tmp_path):
    """What /dev/stdout is: a symbolic link to /proc/self/fd/1 (here one of our own, under tmp_path)."""
    root = make_repo(teachers=BROKEN)
    link = tmp_path / "stdout"
    os.symlink("/proc/self/fd/1", link)
    result = _tlt(tlt_exe, "-C", root, "validate", "--as-of", AS_OF, "--output", link)
    assert result.returncode == 1, result.stderr
    assert result.stdout.decode().startswith("teachers/t-1.yaml:3:1: error[duplicate-key]")
    assert link.is_symlink() and os.readlink(link) == "/proc/self/fd/1"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["repo", "stdout"]


@pytestmark_linux
def test_output_to_stdout_appended_to_a_file_keeps_what_was_there(tlt_exe, make_repo, tmp_path):
    """`tlt … -o /dev/stdout >> log`: the descriptor is written as it is, so the log is appended to, not cut."""
    root = make_repo(teachers=BROKEN)
    log = tmp_path / "log.txt"
    log.write_text("earlier run\n")
    with log.open("ab") as out:
        result = _tlt(tlt_exe, "-C", root, "validate", "--as-of", AS_OF, "--output", "/proc/self/fd/1", stdout=out)
    assert result.returncode == 1, result.stderr
    text = log.read_text()
    assert text.startswith("earlier run\nteachers/t-1.yaml:3:1: error[duplicate-key]"), text


@pytestmark_linux
def test_output_error_names_the_path_typed_not_a_temporary_file(make_repo, run):
    root = make_repo(teachers=BROKEN)
    code, out, err = run(["-C", root, "validate", "--as-of", AS_OF, "--output", "/proc/self/fd/987654"])
    assert code == 2
    assert out == ""
    assert err.startswith("tlt: cannot write --output /proc/self/fd/987654: "), err
    assert ".tmp" not in err
