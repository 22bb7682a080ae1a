"""Files are opened ahead of the one being parsed (`tlt.scale.read_ahead.read_many`), so a cold page cache costs no waiting:
the documents must be exactly those read one at a time, whatever the files are, and no file may stay open."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from tlt.loading.safeyaml import read_document
from tlt.scale import read_ahead
from tlt.scale.read_ahead import read_many

pytestmark = pytest.mark.skipif(not Path("/proc/self/fd").is_dir(), reason="counts open files in /proc")


def _open_files() -> int:
    return len(os.listdir("/proc/self/fd"))


@pytest.fixture
def files(tmp_path: Path) -> tuple[str, list[tuple[str, str]]]:
    """A repository folder with plain files, odd ones and files that cannot be read, in listing order."""
    root = tmp_path / "repo"
    teachers = root / "teachers"
    teachers.mkdir(parents=True)
    outside = tmp_path / "secret.yaml"
    outside.write_text("id: secret\nname: Not Here\n")
    names = []
    for i in range(9):
        (teachers / f"t-{i}.yaml").write_text(f"id: t-{i}\nname: Teacher {i}\n")
        names.append(f"t-{i}.yaml")
    (teachers / "bad.yaml").write_bytes(b"id: bad\nname: \xff\n")
    (teachers / "empty.yaml").write_bytes(b"")
    os.symlink(teachers / "t-1.yaml", teachers / "inside.yaml")
    os.symlink(outside, teachers / "outside.yaml")
    os.mkfifo(teachers / "fifo.yaml")
    names += ["bad.yaml", "empty.yaml", "inside.yaml", "outside.yaml", "fifo.yaml", "gone.yaml"]  # gone: never made
    for i in range(9, 30):
        (teachers / f"t-{i}.yaml").write_text(f"id: t-{i}\nname: Teacher {i}\n")
        names.append(f"t-{i}.yaml")
    return str(root), [(str(teachers / name), f"teachers/{name}") for name in names]


@pytest.mark.parametrize("window", [1, 4, 64])
def test_documents_are_those_read_one_at_a_time(files, monkeypatch, window):
    root, items = files
    monkeypatch.setattr(read_ahead, "READ_AHEAD", window)
    before = _open_files()
    ahead = list(read_many(root, items))
    assert _open_files() == before
    alone = [read_document(file, rel, root) for file, rel in items]
    assert [(d.path, d.data, d.problems) for d in ahead] == [(d.path, d.data, d.problems) for d in alone]
    messages = {d.path: [p.message for p in d.problems] for d in ahead}
    assert messages["teachers/inside.yaml"] == [] and ahead[11].data == {"id": "t-1", "name": "Teacher 1"}
    assert messages["teachers/outside.yaml"] == ["a symbolic link to a file outside the repository; it is not followed"]
    assert messages["teachers/fifo.yaml"] == ["not a regular file"]
    assert messages["teachers/gone.yaml"][0].startswith("cannot read the file")


def test_a_reader_that_stops_early_leaves_no_file_open(files):
    root, items = files
    before = _open_files()
    documents = read_many(root, items)
    first = [next(documents) for _ in range(3)]
    assert _open_files() > before  # the next files are open, their reading started
    documents.close()
    assert _open_files() == before
    assert [d.data["id"] for d in first] == ["t-0", "t-1", "t-2"]
