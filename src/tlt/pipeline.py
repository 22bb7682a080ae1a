"""The whole program in one place: discover → read (safe YAML with positions) → schema → ids → model.

`load_repository` returns a `Repository` holding the model (roles, teachers, config) of every file that loaded,
the load problems, and which files failed. Files are read through a `Source` (`tlt.loading.sources`): the
working tree, or a tree of blobs in memory or at a git revision (`load_source`, `load_tree`), with the same
checks either way. `tlt validate` adds the repository checks (`tlt.checks`); every other
command calls `require_loadable` first so that no report silently drops a record (SPEC section 4).
"""

from __future__ import annotations

import gc
import os
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TypeVar

from tlt.errors import BrokenRepository
from tlt.loading.fastyaml import fast_reader
from tlt.loading.reader import Reader, read_reference
from tlt.loading.repository import CONFIG_NAME, find_root
from tlt.loading.safeyaml import Document
from tlt.loading.sources import LINK, MISSING, OUTSIDE, FileSource, Parse, Source, TreeSource
from tlt.model import Config, Role, Src, Teacher, build_config, build_role, build_teacher
from tlt.problems import Problem, error, excerpt, shorten_path

#: How every document is read: the reference reader (safe YAML, then the kind's schema), with the fast path in
#: front of it. The one place a speed layer is installed under the reading; docs/architecture.md, "Reading".
READER: Reader = fast_reader(read_reference)

#: Problem codes that make a file "fail": it is left out of the model, and reports refuse to run.
LOAD_FAILURE_CODES = frozenset({"yaml-syntax", "duplicate-key", "file", "schema", "id-mismatch", "duplicate-id"})


@dataclass
class Repository:
    root: Path
    config: Config | None
    roles: dict[str, Role] = field(default_factory=dict)
    teachers: dict[str, Teacher] = field(default_factory=dict)
    documents: dict[str, Document] = field(default_factory=dict)
    problems: list[Problem] = field(default_factory=list)
    role_files: list[str] = field(default_factory=list)
    teacher_files: list[str] = field(default_factory=list)
    #: how many of `problems` were found before any teacher file was read (tlt.yaml, folders, roles)
    base_problems: int = 0
    #: the ids of valid teacher files that were read and checked but left out of `teachers` (`keep` said no)
    unmodelled: list[str] = field(default_factory=list)

    @property
    def teacher_problems(self) -> list[Problem]:
        """The problems found while loading the teacher files (of this batch, when loaded in batches)."""
        return self.problems[self.base_problems :]

    def input_paths(self) -> set[str]:
        """Every file the repository reads (relative paths), loaded or not."""
        return {CONFIG_NAME, *self.role_files, *self.teacher_files}

    @property
    def failed_files(self) -> list[str]:
        return sorted({p.path for p in self.problems if p.code in LOAD_FAILURE_CODES and p.is_error})

    def locate(self, src: Src, at_key: bool = False) -> tuple[int, int]:
        doc = self.documents.get(src.file)
        if doc is None:
            return (1, 1)
        return doc.key_position(src.node) if at_key else doc.position(src.node)

    def error_at(self, src: Src, code: str, message: str, at_key: bool = False) -> Problem:
        line, col = self.locate(src, at_key)
        return error(src.file, line, col, code, message)

    def require_loadable(self, skip_invalid: bool = False, warn: Callable[[str], None] | None = None) -> None:
        """Refuse (exit 1) while any file fails to load, unless `skip_invalid`; then list the skipped files."""
        failed = self.failed_files
        if not failed:
            return
        if CONFIG_NAME in failed or self.config is None:
            raise BrokenRepository(f"{CONFIG_NAME} has errors; run `tlt validate`")
        if not skip_invalid:
            n = len(failed)
            raise BrokenRepository(
                f"{n} file{'s' if n != 1 else ''} {'have' if n != 1 else 'has'} errors; run `tlt validate` "
                "(or pass --skip-invalid to run without them)"
            )
        if warn is not None:
            for path in failed:
                warn(f"skipped {shorten_path(path)}: it fails to load (see `tlt validate`)")


def _check_id(doc: Document, stem: str) -> Problem | None:
    assert doc.data is not None
    value = doc.data.get("id")
    if isinstance(value, str) and value != stem:
        line, col = doc.position(("id",))
        return error(
            doc.path,
            line,
            col,
            "id-mismatch",
            f"id {excerpt(value)} differs from the file name; expected {excerpt(stem)}",
        )
    return None


def _load_kind(
    repo: Repository,
    docs: Iterable[Document],
    kind: str,
    build: Callable[[dict[str, Any], str], Any],
    into: dict[str, Any],
    progress: Progress | None = None,
    keep: Callable[[dict[str, Any]], bool] | None = None,
) -> None:
    """Ids and the model for documents read as `kind` (their problems those of SPEC 7: YAML, then schema)."""
    first_file: dict[str, str] = {}
    for doc in docs:
        if progress is not None:
            progress(1)
        repo.documents[doc.path] = doc
        problems = list(doc.problems)
        if doc.data is not None and not problems:
            mismatch = _check_id(doc, _stem(doc.path))
            if mismatch:
                problems.append(mismatch)
        if not problems and doc.data is not None:
            ident = doc.data["id"]
            if ident in first_file:
                line, col = doc.position(("id",))
                problems.append(
                    error(
                        doc.path,
                        line,
                        col,
                        "duplicate-id",
                        f"id '{ident}' is used by {shorten_path(first_file[ident])} too",
                    )
                )
            else:
                first_file[ident] = doc.path
                if keep is None or keep(doc.data):
                    into[ident] = build(doc.data, doc.path)
                else:
                    repo.unmodelled.append(ident)
                if kind == "teacher":
                    doc.data = None  # the model holds it now, and nothing reads a teacher file's data again
        repo.problems.extend(problems)


def _parse(kind: str) -> Parse:
    """A file's bytes and path → its document, read by `READER` as `kind`."""
    return lambda data, path: READER(data, path, kind)


def _stream(source: Source, paths: list[str], kind: str) -> Iterable[Document]:
    """The documents in order; a source that can stream them lets the model be built while files parse."""
    stream = getattr(source, "stream", None)
    return stream(paths, _parse(kind)) if stream is not None else source.read(paths, _parse(kind))


#: Told how many files there are to read (`progress(total=N)`), then once per file read (`progress(1)`).
Progress = Callable[..., None]


def load_repository(start: str | os.PathLike[str] | None = None, progress: Progress | None = None) -> Repository:
    """Load the data repository found at or above `start`. Raises `TltError` only when there is none."""
    return load_source(FileSource(find_root(start)), progress)


def load_tree(files: Mapping[str, bytes], root: str | os.PathLike[str] = ".", links: Iterable[str] = ()) -> Repository:
    """Load a data repository held in memory: path (relative, `/` separators) → content; `links` are paths
    that are symbolic links (never followed)."""
    return load_source(TreeSource.from_bytes(files, Path(root), links))


def load_source(source: Source, progress: Progress | None = None) -> Repository:
    """Load a data repository from a source: read, parse, schema, ids, model.

    The cyclic garbage collector is paused while loading: the model is millions of small acyclic objects that
    it would otherwise traverse again and again (loading 100,000 teachers ran 14 times slower than 10,000)."""
    paused = gc.isenabled()
    gc.disable()
    try:
        return _load_source(source, progress)
    finally:
        if paused:
            gc.enable()
        gc.freeze()  # what was loaded stays: later collections need not walk it


def _load_source(source: Source, progress: Progress | None = None) -> Repository:
    repo, teacher_paths = _load_base(source, progress)
    load_teachers(repo, source, teacher_paths, progress)
    return repo


def _load_base(source: Source, progress: Progress | None = None) -> tuple[Repository, list[str]]:
    """tlt.yaml and the roles, loaded; the teacher files listed, not read yet."""
    root = source.root
    config_doc = source.read([CONFIG_NAME], _parse("config"))[0]
    repo = Repository(root=root, config=None)
    repo.documents[CONFIG_NAME] = config_doc
    repo.problems.extend(config_doc.problems)
    config_data: dict[str, Any] | None = config_doc.data if not config_doc.problems else None
    if config_data is not None:
        repo.config = build_config(config_data, CONFIG_NAME)
        role_dirs, teacher_dirs = repo.config.role_dirs, repo.config.teacher_dirs
    else:
        role_dirs, teacher_dirs = ("roles",), ("teachers",)
    role_paths = _folder_files(repo, source, "roles", role_dirs, config_data is not None and "roles" in config_data)
    teacher_paths = _folder_files(
        repo, source, "teachers", teacher_dirs, config_data is not None and "teachers" in config_data
    )
    repo.role_files = list(role_paths)
    repo.teacher_files = list(teacher_paths)
    if progress is not None:
        progress(total=len(role_paths) + len(teacher_paths))
    _load_kind(repo, _stream(source, role_paths, "role"), "role", build_role, repo.roles, progress)
    repo.base_problems = len(repo.problems)
    return repo, teacher_paths


def load_teachers(
    repo: Repository,
    source: Source,
    paths: list[str],
    progress: Progress | None = None,
    keep: Callable[[dict[str, Any]], bool] | None = None,
) -> None:
    """Read, check and model these teacher files into `repo` (files with the same name must be read together).
    With `keep`, only the valid files whose data it keeps are modelled (the others are read and checked)."""
    _load_kind(repo, _stream(source, paths, "teacher"), "teacher", build_teacher, repo.teachers, progress, keep)


T = TypeVar("T")


def load_in_batches(
    start: str | os.PathLike[str] | None,
    work: Callable[[Repository], T],
    progress: Progress | None = None,
    jobs: int | None = None,
    before: Callable[[Repository], None] | None = None,
    batch: int | None = None,
    keep: Callable[[Repository], Callable[[dict[str, Any]], bool] | None] | None = None,
    source: Source | None = None,
) -> tuple[Repository, list[T]]:
    """Map-reduce over the teacher files on every core (`tlt.workers.map_batches`): tlt.yaml and the roles are
    loaded once, then the teacher files, cut in batches of `batch` (2,000), are handed out one at a time to this
    process and one forked child per extra core; each answers `work(repo)` for each batch alone: `repo.teachers`
    (and the teachers' documents and problems) hold that batch only, then are let go. Memory stays that of one
    batch however large the repository (the 100,000-teacher model does not fit a processor's caches; batches do,
    and run faster), and a process on a slower core simply takes fewer batches.

    Batches are cut in file-name order (so teacher-id order: the id must equal the name), and the answers come
    back in batch order, so in id order. Files with the same name stay in one batch, where the second is
    reported. A small repository, or one core, is one process. Returns this process's repository (config,
    roles; `problems` holds only the problems found before any teacher file was read) and the answers.
    `before(repo)` runs once tlt.yaml and the roles are loaded, before any teacher file is read: the place for
    usage errors (an unknown role or term). `keep(repo)`, asked then too, gives `load_teachers`' `keep` (it may
    need tlt.yaml), or None to model every teacher. `source` reads the files from elsewhere than the working
    tree at or above `start` (git's index: `tlt validate --staged`); each process reads its own batches from it.
    Garbage collection paused as in `load_source`."""
    from tlt.workers import MAX_BATCHES, map_batches, process_count

    if source is None:
        source = FileSource(find_root(start))
    paused = gc.isenabled()
    gc.disable()
    try:
        repo, paths = _load_base(source, progress)
        if before is not None:
            before(repo)
        kept = keep(repo) if keep is not None else None
        processes = process_count(len(paths)) if jobs is None else jobs
        base_documents = dict(repo.documents)
        env = os.environ.get("TLT_BATCH", "")
        size = batch or (int(env) if env.isdigit() and int(env) > 0 else BATCH)
        size = max(size, -(-len(paths) // MAX_BATCHES))
        # the last batch of each process cut in four, so that the processes finish close together
        count = -(-len(paths) // size)
        batches = split_batches(paths, count, last=processes if processes > 1 else 0, finer=4) if paths else [[]]
        parent = os.getpid()
        # only this process draws progress (a forked child must not touch the bar); its batches stand for all
        scaled = None if progress is None else (lambda n=1, total=None: progress(n * processes, total))

        def run(k: int) -> T:
            repo.teachers = {}
            repo.unmodelled = []
            repo.documents = dict(base_documents)
            del repo.problems[repo.base_problems :]
            load_teachers(repo, source, batches[k], scaled if os.getpid() == parent else None, kept)
            return work(repo)

        results = map_batches(run, len(batches), processes if len(batches) > 1 else 1)
        repo.teachers = {}
        repo.unmodelled = []
        repo.documents = base_documents
        del repo.problems[repo.base_problems :]
        return repo, results
    finally:
        if paused:
            gc.enable()
        gc.freeze()


#: Teachers per batch in `load_in_batches`: large enough that per-batch work is noise, small enough for caches
#: (TLT_BATCH overrides it; tests use tiny batches).
BATCH = 2000


def load_holders(start: str | os.PathLike[str] | None = None, progress: Progress | None = None) -> Repository:
    """The repository with only the teachers who hold or held an assignment modelled: all the reports need
    (caseloads, stipends, the term report, expiring documents of role holders). Every file is still read and
    checked, so `require_loadable` refuses a broken repository as it would after `load_repository`."""

    def holders(batch: Repository) -> tuple[dict[str, Teacher], list[Problem]]:
        return batch.teachers, batch.teacher_problems

    repo, answers = load_in_batches(start, holders, progress, keep=lambda base: _holds_assignments)
    repo.teachers = {}
    for teachers, problems in answers:
        repo.teachers.update(teachers)
        repo.problems.extend(problems)
    return repo


def _holds_assignments(data: dict[str, Any]) -> bool:
    return bool(data.get("assignments"))


def split_batches(paths: list[str], n: int, last: int = 0, finer: int = 1) -> list[list[str]]:
    """`paths` in file-name order (`teachers/b/t-2.yaml` sorts as `t-2`; equal names in listing order), cut
    into `n` batches of contiguous names, the `last` of them each cut `finer` times finer: processes that take
    batches from a queue then end within a small batch of each other. Files with the same name (so the same id)
    stay in one batch."""
    order = sorted(paths, key=_stem)  # a stable sort: equal names stay in listing order
    if n <= 1 or len(paths) < 2:
        return [order]
    size = -(-len(order) // n)
    last = min(last, n - 1) if finer > 1 else 0
    sizes = [size] * (n - last) + [max(1, size // finer)] * (last * finer)
    batches: list[list[str]] = []
    start, k = 0, 0
    while True:
        end = start + sizes[min(k, len(sizes) - 1)]
        while end < len(order) and _stem(order[end]) == _stem(order[end - 1]):
            end += 1  # the same name: the same batch
        if end >= len(order):
            batches.append(order[start:])
            return batches
        batches.append(order[start:end])
        start, k = end, k + 1


def _stem(path: str) -> str:
    """The file name without its suffix (`teachers/b/t-2.yaml` → `t-2`): the id the file must hold."""
    name = path.rfind("/") + 1
    dot = path.rfind(".")
    return path[name:dot] if dot >= name else path[name:]


def _folder_files(repo: Repository, source: Source, key: str, folders: tuple[str, ...], named: bool) -> list[str]:
    out: list[str] = []
    seen: set[str] = set()
    for i, folder in enumerate(folders):
        where = Src(CONFIG_NAME, (key, i))
        try:
            listing = source.folder(folder)
        except OSError as exc:  # a name too long for the system, say: a problem with tlt.yaml, never a crash
            why = exc.strerror or "cannot be read"
            repo.problems.append(
                repo.error_at(where, "file", f"{key}[{i}]: the folder {excerpt(folder)} cannot be read: {why}")
            )
            continue
        if listing == LINK:
            # like a linked subfolder: never followed, wherever it points
            link = Path(os.path.normpath(folder)).as_posix()
            repo.problems.append(error(link, 1, 1, "file", "a symbolic link to a folder; it is not followed"))
            continue
        if listing == OUTSIDE:
            repo.problems.append(
                repo.error_at(
                    where, "schema", f"{key}[{i}] {excerpt(folder)} leaves the repository; name a folder inside it"
                )
            )
            continue
        if listing == MISSING or isinstance(listing, str):
            if named:
                repo.problems.append(
                    repo.error_at(where, "file", f"{key}[{i}]: no folder {excerpt(folder)} in the repository")
                )
            continue
        for path, why in listing.skipped:
            repo.problems.append(error(path, 1, 1, "file", why))
        if not out:  # the first folder: no file can repeat yet
            out = list(listing.files)
            continue
        if not seen:
            seen.update(out)
        for f in listing.files:
            if f not in seen:
                seen.add(f)
                out.append(f)
    return out
