"""The whole program in one place: discover → read (safe YAML with positions) → schema → ids → model.

`load_repository` returns a `Repository` holding the model (roles, teachers, config) of every file that loaded,
the load problems, and which files failed. Files are read through a `Source` (`tlt.loading.sources`): the
working tree, or a tree of blobs in memory or at a git revision (`load_source`, `load_tree`), with the same
checks either way. `tlt validate` adds the repository checks (`tlt.checks`); every other
command calls `require_loadable` first so that no report silently drops a record (SPEC section 4).

A command that asks the same question of every teacher (validate, the reports) need not hold them all: it loads
the base (`load_base`: tlt.yaml and the roles) and maps its question over the teacher files (`map_batches`),
each answer that of one `Batch`. Both loops run through `RUNNER`, a `Runner`: the plain one here answers in this
process, in one batch of every teacher file; a speed layer (`tlt.scale.install`) may put another in its place
that gives the same answers faster. Nothing here knows which one runs.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Protocol, TypeVar

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

#: A command refused because files fail to load names this many of them.
NAMED_FAILED = 3

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
    #: the ids of the valid teacher files read and checked but not modelled: a load that models only some
    #: teachers (`load_kept`) lists the others here, so that `teacher_ids` still knows every teacher
    unmodelled: list[str] = field(default_factory=list)

    def teacher_ids(self) -> set[str]:
        """The id of every teacher whose file loaded, modelled or not: what an id given on the command line is
        looked up in."""
        return {*self.teachers, *self.unmodelled}

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
            named = ", ".join(shorten_path(path) for path in sorted(failed)[:NAMED_FAILED])
            if n > NAMED_FAILED:
                named += f" and {n - NAMED_FAILED} more"
            them = "them" if n != 1 else "it"
            raise BrokenRepository(
                f"{n} file{'s' if n != 1 else ''} {'have' if n != 1 else 'has'} errors; run `tlt validate` to see "
                f"them, or pass --skip-invalid to run without {them}: {named}"
            )
        if warn is not None:
            for path in failed:
                warn(f"skipped {shorten_path(path)}: it fails to load (see `tlt validate`)")


@dataclass
class Batch:
    """Some of a repository's teacher files, loaded: their teachers, documents and load problems, and the ids of
    the valid files that were read and checked but not modelled (`keep` said no). With the `base` repository it
    belongs to (tlt.yaml, the roles) it offers what a check of one teacher reads, as a `Repository` does."""

    base: Repository
    teachers: dict[str, Teacher] = field(default_factory=dict)
    documents: dict[str, Document] = field(default_factory=dict)
    problems: list[Problem] = field(default_factory=list)
    unmodelled: list[str] = field(default_factory=list)

    @property
    def config(self) -> Config | None:
        return self.base.config

    @property
    def roles(self) -> dict[str, Role]:
        return self.base.roles

    def locate(self, src: Src, at_key: bool = False) -> tuple[int, int]:
        doc = self.documents.get(src.file)
        if doc is None:
            return self.base.locate(src, at_key)
        return doc.key_position(src.node) if at_key else doc.position(src.node)

    def error_at(self, src: Src, code: str, message: str, at_key: bool = False) -> Problem:
        line, col = self.locate(src, at_key)
        return error(src.file, line, col, code, message)


class Loaded(Protocol):
    """A whole `Repository` or one `Batch` of it: what a check of one teacher reads."""

    @property
    def config(self) -> Config | None: ...

    @property
    def roles(self) -> dict[str, Role]: ...

    @property
    def teachers(self) -> dict[str, Teacher]: ...

    def locate(self, src: Src, at_key: bool = False) -> tuple[int, int]: ...

    def error_at(self, src: Src, code: str, message: str, at_key: bool = False) -> Problem: ...


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
    docs: Iterable[Document],
    kind: str,
    build: Callable[[dict[str, Any], str], Any],
    into: dict[str, Any],
    documents: dict[str, Document],
    problems: list[Problem],
    progress: Progress | None = None,
    keep: Callable[[dict[str, Any]], bool] | None = None,
    unmodelled: list[str] | None = None,
) -> None:
    """Ids and the model for documents read as `kind` (their problems those of SPEC 7: YAML, then schema): each
    document into `documents`, its problems onto `problems`, its model into `into` (unless `keep` says no: its id
    then onto `unmodelled`)."""
    first_file: dict[str, str] = {}
    for doc in docs:
        if progress is not None:
            progress(1)
        documents[doc.path] = doc
        found = list(doc.problems)
        if doc.data is not None and not found:
            mismatch = _check_id(doc, file_stem(doc.path))
            if mismatch:
                found.append(mismatch)
        if not found and doc.data is not None:
            ident = doc.data["id"]
            if ident in first_file:
                line, col = doc.position(("id",))
                found.append(
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
                elif unmodelled is not None:
                    unmodelled.append(ident)
                if kind == "teacher":
                    doc.data = None  # the model holds it now, and nothing reads a teacher file's data again
        problems.extend(found)


def _parse(kind: str) -> Parse:
    """A file's bytes and path → its document, read by `READER` as `kind`."""
    return lambda data, path: READER(data, path, kind)


def _stream(source: Source, paths: list[str], kind: str) -> Iterable[Document]:
    """The documents in order; a source that can stream them lets the model be built while files parse."""
    stream = getattr(source, "stream", None)
    return stream(paths, _parse(kind)) if stream is not None else source.read(paths, _parse(kind))


#: Told how many files there are to read (`progress(total=N)`), then once per file read (`progress(1)`).
Progress = Callable[..., None]


def load_repository(
    start: str | os.PathLike[str] | None = None,
    progress: Progress | None = None,
    before_teachers: BeforeTeachers | None = None,
) -> Repository:
    """Load the data repository found at or above `start`. Raises `TltError` only when there is none (or when
    `before_teachers` does: it is called with tlt.yaml and the roles loaded and the teacher files listed)."""
    return load_source(FileSource(find_root(start)), progress, before_teachers)


def load_tree(files: Mapping[str, bytes], root: str | os.PathLike[str] = ".", links: Iterable[str] = ()) -> Repository:
    """Load a data repository held in memory: path (relative, `/` separators) → content; `links` are paths
    that are symbolic links (never followed)."""
    return load_source(TreeSource.from_bytes(files, Path(root), links))


#: called by `load_repository` between tlt.yaml and the roles and the teacher files: (base, teacher paths)
BeforeTeachers = Callable[["Repository", Source, list[str]], None]


def load_source(
    source: Source, progress: Progress | None = None, before_teachers: BeforeTeachers | None = None
) -> Repository:
    """Load a data repository from a source: read, parse, schema, ids, model; every teacher modelled."""
    return RUNNER.load(source, lambda source: _load_whole(source, progress, before_teachers))


def _load_whole(source: Source, progress: Progress | None, before_teachers: BeforeTeachers | None) -> Repository:
    repo, teacher_paths = _load_base(source, progress)
    if before_teachers is not None:
        before_teachers(repo, source, teacher_paths)
    teachers = load_batch(repo, source, teacher_paths, progress=progress)
    repo.teachers = teachers.teachers
    repo.documents.update(teachers.documents)
    repo.problems.extend(teachers.problems)
    return repo


def load_base(source: Source, progress: Progress | None = None) -> tuple[Repository, list[str]]:
    """tlt.yaml and the roles, loaded; the teacher files listed, not read yet (`map_batches` reads them)."""
    return RUNNER.load(source, lambda source: _load_base(source, progress))


def _load_base(source: Source, progress: Progress | None) -> tuple[Repository, list[str]]:
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
    roles = _stream(source, role_paths, "role")
    _load_kind(roles, "role", build_role, repo.roles, repo.documents, repo.problems, progress)
    return repo, teacher_paths


#: Whether a valid teacher file's data is to be modelled (`load_batch`, `map_batches`); None models every one.
Keep = Callable[[dict[str, Any]], bool] | None


def load_batch(
    base: Repository, source: Source, paths: list[str], keep: Keep = None, progress: Progress | None = None
) -> Batch:
    """Read, check and model these teacher files of `base` (files with the same name must be read together).
    With `keep`, only the valid files whose data it keeps are modelled (the others are read and checked)."""
    batch = Batch(base)
    teachers = _stream(source, paths, "teacher")
    _load_kind(
        teachers, "teacher", build_teacher, batch.teachers, batch.documents, batch.problems, progress, keep,
        batch.unmodelled,
    )  # fmt: skip
    return batch


T = TypeVar("T")


class Runner:
    """How the pipeline's two loops run: a whole load (`load`), and a question mapped over the teacher files
    (`map_batches`). This plain one runs both here, as written: the definition of their answers. A speed layer
    (`tlt.scale`) puts another in `RUNNER` that gives the same answers faster, as flake8's `Manager.run_parallel`
    gives `run_serial`'s; nothing that asks knows which one runs."""

    def load(self, source: Source, load: Callable[[Source], T]) -> T:
        """`load(source)`."""
        return load(source)

    def map_batches(
        self,
        base: Repository,
        source: Source,
        paths: list[str],
        work: Callable[[Batch], T],
        keep: Keep = None,
        progress: Progress | None = None,
    ) -> list[T]:
        """`work` answered for batches of `paths` (`base`'s teacher files) that hold each file once, in id order:
        here one batch of them all."""
        return [work(load_batch(base, source, paths, keep, progress))]


#: The runner the pipeline's loops run on; `tlt.scale.install()` replaces it.
RUNNER: Runner = Runner()


def map_batches(
    base: Repository,
    source: Source,
    paths: list[str],
    work: Callable[[Batch], T],
    keep: Keep = None,
    progress: Progress | None = None,
) -> list[T]:
    """`work(batch)` for batches of the teacher files `paths` of `base` (from `load_base`), in id order: every
    file in exactly one batch, files with the same name (so the same id) in the same one. `work` sees one batch
    alone; what needs every teacher is the caller's to combine from the answers. On `RUNNER`."""
    return RUNNER.map_batches(base, source, paths, work, keep, progress)


def load_holders(start: str | os.PathLike[str] | None = None, progress: Progress | None = None) -> Repository:
    """The repository with only the teachers who hold or held an assignment modelled: all the reports need
    (caseloads, stipends, the term report, expiring documents of role holders). Every file is still read and
    checked, so `require_loadable` refuses a broken repository as it would after `load_repository`."""
    return load_kept(start, _holds_assignments, progress)


def load_kept(
    start: str | os.PathLike[str] | None, keep: Callable[[dict[str, Any]], bool], progress: Progress | None = None
) -> Repository:
    """The repository with only the teachers whose valid file's data `keep` keeps modelled, the ids of the
    others in `unmodelled`: what a lookup of a few teachers needs (`check-eligibility --teacher`), without the
    model of every teacher. Every file is still read and checked (SPEC 4: `require_loadable` refuses a broken
    repository as it would after `load_repository`), in batches on `RUNNER` (`map_batches`), each let go once
    its kept teachers are taken."""
    source = FileSource(find_root(start))
    repo, paths = load_base(source, progress)
    for teachers, problems, unmodelled in map_batches(repo, source, paths, _kept, keep, progress):
        repo.teachers.update(teachers)
        repo.problems.extend(problems)
        repo.unmodelled.extend(unmodelled)
    return repo


def _kept(batch: Batch) -> tuple[dict[str, Teacher], list[Problem], list[str]]:
    return batch.teachers, batch.problems, batch.unmodelled


def _holds_assignments(data: dict[str, Any]) -> bool:
    return bool(data.get("assignments"))


def file_stem(path: str) -> str:
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
