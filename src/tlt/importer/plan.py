"""`tlt import teachers`: an export and a map in, a plan out (what each teacher file becomes), then, only when
no row has a problem, every file written atomically (SPEC 11).

The steps, each finished before the next starts, so that nothing is written unless every row is good:

1. the map (`mapfile.read_map`) and the export's header (every column the map names must be there);
2. every row: its id (a valid teacher id, never a path), each field and list entry converted; rows of one id
   must agree on their fields;
3. each teacher: its file found by id in the teacher folders (read through the safe loader and the teacher
   schema), the owned fields replaced, owned lists merged by their `key`; the record checked against the teacher
   schema, problems placed at the CSV line and column that gave the value;
4. each changed file's new text (`yamledit`), read back through the safe loader: it must give exactly the data
   meant, or the file is a problem;
5. the writes: every new text to a temporary file beside its target first, then each renamed over its target.
"""

from __future__ import annotations

import contextlib
import difflib
import os
import re
import stat
import tempfile
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any

from tlt import pipeline
from tlt.errors import BrokenRepository, TltError
from tlt.importer import yamledit
from tlt.importer.export import Export, ExportStop
from tlt.importer.mapfile import EMPTY, SCALAR, Field, ImportMap, ListSpec, MapProblem, convert, read_map
from tlt.loading.reader import read_reference
from tlt.loading.repository import CONFIG_NAME
from tlt.loading.safeyaml import Document, parse_bytes, read_document
from tlt.loading.sources import FileSource
from tlt.pipeline import file_stem, load_base
from tlt.problems import escape_control, excerpt, shorten_path
from tlt.schema import validate_document

ID = re.compile(r"[a-z0-9][a-z0-9_-]{0,63}")
#: problems listed at most; the rest are counted
MAX_PROBLEMS = 100


@dataclass(frozen=True)
class ImportProblem:
    """A problem of the run: in the export (`line` of the CSV, no column number: `label` names the column), in
    the map, or in a teacher file."""

    path: str
    line: int
    message: str
    column: int = 0

    def render(self) -> str:
        where = f"{self.path}:{self.line}" + (f":{self.column}" if self.column else "")
        return f"{escape_control(where)}: {self.message}"


@dataclass
class Entry:
    values: dict[str, Any]
    line: int


@dataclass
class Incoming:
    """One teacher as the export gives it: fields (value, line), lists of entries."""

    id: str
    line: int
    fields: dict[str, tuple[Any, int]] = field(default_factory=dict)
    lists: dict[str, list[Entry]] = field(default_factory=dict)


@dataclass
class FilePlan:
    path: str
    status: str  # created | changed | unchanged
    old: str
    new: str
    changed: list[str] = field(default_factory=list)


@dataclass
class Plan:
    files: list[FilePlan] = field(default_factory=list)
    missing: list[str] = field(default_factory=list)  # teacher files the export lacks
    notes: list[str] = field(default_factory=list)  # said on stderr: values kept, entries kept
    problems: list[ImportProblem] = field(default_factory=list)
    more_problems: int = 0

    def count(self, status: str) -> int:
        return sum(1 for f in self.files if f.status == status)

    def summary(self) -> str:
        return (
            f"{self.count('created')} created, {self.count('changed')} changed, {self.count('unchanged')} unchanged, "
            f"{len(self.missing)} in the repository but not in the export"
        )


class _Problems:
    def __init__(self, plan: Plan) -> None:
        self.plan = plan

    def add(self, problem: ImportProblem) -> None:
        if len(self.plan.problems) < MAX_PROBLEMS:
            self.plan.problems.append(problem)
        else:
            self.plan.more_problems += 1


def plain(value: Any) -> Any:
    """A stored value as tlt's loader reads it back: dates as ISO text (the schema checks them as text)."""
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, list):
        return [plain(v) for v in value]
    if isinstance(value, dict):
        return {k: plain(v) for k, v in value.items()}
    return value


def _same(a: Any, b: Any) -> bool:
    """Equal as tlt reads them (`92000` and `92000.00` are one salary; `True` is not 1)."""
    a, b = plain(a), plain(b)
    # the fast reader (`pipeline.READER`) gives a file's `92000.00` as a float of at most 15 digits, which the
    # model reads as the Decimal its shortest text is
    if type(a) is float:
        a = Decimal(repr(a))
    if type(b) is float:
        b = Decimal(repr(b))
    if isinstance(a, bool) or isinstance(b, bool):
        return type(a) is type(b) and a == b
    if isinstance(a, (int, Decimal)) and isinstance(b, (int, Decimal)):
        return Decimal(a) == Decimal(b)
    if isinstance(a, dict) and isinstance(b, dict):
        return a.keys() == b.keys() and all(_same(a[k], b[k]) for k in a)
    if isinstance(a, list) and isinstance(b, list):
        return len(a) == len(b) and all(_same(x, y) for x, y in zip(a, b, strict=True))
    return type(a) is type(b) and a == b


def _shown(value: Any) -> str:
    return excerpt(plain(value))


def make_plan(root: Path, export_file: Path, export_shown: str, map_file: Path, map_shown: str) -> Plan:
    """Everything `tlt import teachers` would do, nothing written. Raises `TltError` when it cannot run (a file it
    cannot open) and `BrokenRepository` when tlt.yaml has errors."""
    plan = Plan()
    problems = _Problems(plan)
    _FOLDERS_SEEN.clear()  # the folders are looked at anew by every run
    imap, map_problems = read_map(map_file, map_shown, root)
    for mp in map_problems:
        problems.add(_from_map(mp))
    if imap is None:
        return plan
    incoming = _read_export(export_file, export_shown, imap, problems)
    if plan.problems or incoming is None:
        return plan
    base, teacher_paths = load_base(FileSource(root))
    if base.config is None:
        raise BrokenRepository(f"{CONFIG_NAME} has errors; run `tlt validate`")
    by_stem: dict[str, list[str]] = {}
    for rel in teacher_paths:
        by_stem.setdefault(file_stem(rel), []).append(rel)
    folder = base.config.teacher_dirs[0]
    for ident in sorted(incoming):
        teacher = incoming[ident]
        paths = by_stem.get(ident, [])
        if len(paths) > 1:
            problems.add(ImportProblem(export_shown, teacher.line, f"id {excerpt(ident)} has {len(paths)} files: "
                                       f"{', '.join(shorten_path(p) for p in paths[:3])}; run `tlt validate`"))  # fmt: skip
            continue
        if paths:
            found = _update(root, paths[0], teacher, imap, export_shown, problems, plan)
        else:
            found = _create(root, f"{folder}/{ident}.yaml", teacher, imap, export_shown, problems)
        if found is not None:
            plan.files.append(found)
    plan.missing = sorted(p for stem, ps in by_stem.items() if stem not in incoming for p in ps)
    return plan


def _from_map(mp: MapProblem) -> ImportProblem:
    return ImportProblem(mp.path, mp.line, mp.message, mp.column)


def _read_export(export_file: Path, shown: str, imap: ImportMap, problems: _Problems) -> dict[str, Incoming] | None:
    """Every row of the export as teachers by id; None when the export stopped being readable."""
    try:
        stream = open(export_file, "rb")  # noqa: SIM115 - closed below; a FIFO or /dev/stdin streams as well
    except OSError as exc:
        raise TltError(f"cannot read {escape_control(shown)}: {exc.strerror or exc}") from None
    teachers: dict[str, Incoming] = {}
    try:
        with stream:
            if os.path.isdir(export_file):  # pragma: no cover - open() refuses a folder on Linux
                raise TltError(f"{escape_control(shown)} is a folder")
            export = Export(stream, imap.encoding)
            checked = False
            for line, cells in export.rows():
                if not checked:
                    checked = True
                    if not _check_columns(imap, export.header, problems):
                        return None
                _take_row(line, cells, export.header, imap, shown, teachers, problems)
            if not checked and not _check_columns(imap, export.header, problems):
                return None
    except ExportStop as stop:
        problems.add(ImportProblem(shown, stop.line, stop.message))
        return None
    except OSError as exc:
        raise TltError(f"cannot read {escape_control(shown)}: {exc.strerror or exc}") from None
    return teachers


def _check_columns(imap: ImportMap, header: list[str], problems: _Problems) -> bool:
    known = set(header)
    good = True
    for column, (line, col) in imap.columns_used.items():
        if column not in known:
            good = False
            from tlt.suggest import closest

            near = closest(column, sorted(n for n in known if n))
            hint = f" (did you mean {excerpt(near[0])}?)" if near else ""
            problems.add(ImportProblem(imap.path, line, f"the export has no column {excerpt(column)}{hint}", col))
    return good


def _take_row(
    line: int,
    cells: list[str],
    header: list[str],
    imap: ImportMap,
    shown: str,
    teachers: dict[str, Incoming],
    problems: _Problems,
) -> None:
    if not any(cell.strip() for cell in cells):  # `,,,,`: a row a spreadsheet left at the end, no teacher
        return
    # trailing empty cells past the header (a spreadsheet's habit) are no problem; missing cells are
    if len(cells) < len(header) or any(c.strip() for c in cells[len(header) :]):
        problems.add(ImportProblem(shown, line, f"the row has {len(cells)} cells; the header has {len(header)}"))
        return
    row = {name: cell.strip() for name, cell in zip(header, cells, strict=False)}
    ident = imap.id.fill(row)
    if not ident:
        problems.add(ImportProblem(shown, line, f"the id ({excerpt(imap.id.text)}) is empty"))
        return
    if not (ident.isascii() and ID.fullmatch(ident)):
        problems.add(
            ImportProblem(
                shown,
                line,
                f"id {excerpt(ident)} (from {excerpt(imap.id.text)}) is not a valid teacher id: lowercase ASCII "
                "letters, digits, '-' and '_', starting with a letter or digit, at most 64 characters",
            )
        )
        return
    values, bad = _values(imap.fields, row, imap, shown, line, problems)
    entries: dict[str, Entry] = {}
    for name, spec_list in imap.lists.items():
        entry, wrong = _values(spec_list.entry, row, imap, shown, line, problems)
        bad = bad or wrong
        if entry:
            entries[name] = Entry(entry, line)
    if bad:
        return
    teacher = teachers.get(ident)
    if teacher is None:
        teacher = teachers[ident] = Incoming(ident, line)
    for name, value in values.items():
        if name in teacher.fields:
            before, at = teacher.fields[name]
            if not _same(before, value):
                label = imap.fields[name].label
                problems.add(
                    ImportProblem(
                        shown,
                        line,
                        f"{label} {_shown(value)} differs from line {at} ({_shown(before)}) for the same id "
                        f"{excerpt(ident)}",
                    )
                )
        else:
            teacher.fields[name] = (value, line)
    for name, made in entries.items():
        listed_ = teacher.lists.setdefault(name, [])
        match = imap.lists[name].key
        clash = next((e for e in listed_ if _key_of(e.values, match) == _key_of(made.values, match)), None)
        if clash is None:
            listed_.append(made)
        elif not _same(clash.values, made.values):
            problems.add(
                ImportProblem(
                    shown,
                    line,
                    f"this row's {name} entry ({_describe_key(made.values, match)}) differs from line {clash.line}'s",
                )
            )


def _values(
    specs: dict[str, Field], row: dict[str, str], imap: ImportMap, shown: str, line: int, problems: _Problems
) -> tuple[dict[str, Any], bool]:
    """The row's value for each of `specs` that has one (an empty cell without a default has none), and whether a
    cell was wrong (each wrong cell is a problem at its line)."""
    values: dict[str, Any] = {}
    bad = False
    for name, spec in specs.items():
        value, wrong = _value(spec, row, imap)
        if wrong:
            problems.add(ImportProblem(shown, line, f"{spec.label} {wrong}"))
            bad = True
        elif value is not EMPTY:
            values[name] = value
    return values, bad


def _value(spec: Field, row: dict[str, str], imap: ImportMap) -> tuple[Any, str | None]:
    text = spec.template.fill(row)
    if text is None or (text == "" and (spec.value_map is None or "" not in spec.value_map)):
        return spec.default, None
    return convert(text, spec, imap)


def _stored(spec: ListSpec, entry: Entry) -> Any:
    """An entry as the file stores it: a mapping, or the name itself in a list of plain names (`memberships`)."""
    return entry.values[SCALAR] if spec.scalar else dict(entry.values)


def _matches(item: Any, entry: Entry, spec: ListSpec) -> bool:
    """Whether an existing entry of the file is the export's `entry`, by the list's key (a name by itself)."""
    if spec.scalar:
        return _same(item, entry.values[SCALAR])
    return isinstance(item, dict) and _key_of(item, spec.key) == _key_of(entry.values, spec.key)


def _key_of(values: dict[str, Any], key: tuple[str, ...]) -> tuple[Any, ...]:
    return tuple(plain(values.get(k)) for k in key)


def _describe_key(values: dict[str, Any], key: tuple[str, ...]) -> str:
    return ", ".join(f"{k} {_shown(values[k]) if k in values else 'empty'}" for k in key)


def _read_teacher(root: Path, rel: str, reader: Any = read_reference) -> tuple[Document, str | None]:
    """A teacher file through the safe loader and the teacher schema (by `reader`), with its text."""
    held: dict[str, bytes] = {}

    def parse(data: bytes, path: str) -> Document:
        held["data"] = data
        return reader(data, path, "teacher")  # type: ignore[no-any-return]

    doc = read_document(str(root / rel), rel, str(root), parse=parse)
    data = held.get("data")
    text = None
    if data is not None and not doc.problems:
        text = data.decode("utf-8")
    return doc, text


def _create(
    root: Path, rel: str, teacher: Incoming, imap: ImportMap, shown: str, problems: _Problems
) -> FilePlan | None:
    data: dict[str, Any] = {"id": teacher.id}
    positions: dict[tuple[Any, ...], tuple[int, int]] = {(): (teacher.line, 0), ("id",): (teacher.line, 0)}
    labels: list[str] = [""]
    for name in imap.fields:
        if name in teacher.fields:
            value, line = teacher.fields[name]
            data[name] = value
            positions[(name,)] = (line, _label(labels, imap.fields[name].label))
    for name, entries in teacher.lists.items():
        data[name] = [_stored(imap.lists[name], e) for e in entries]
        for i, e in enumerate(entries):
            _entry_positions(positions, labels, imap, name, i, e)
    if os.path.lexists(root / rel):
        problems.add(
            ImportProblem(shown, teacher.line, f"{shorten_path(rel)} exists but is not a teacher file tlt reads")
        )
        return None
    link = _link_on_the_way(root, rel)
    if link is not None:
        problems.add(ImportProblem(shown, teacher.line, link))
        return None
    fast = yamledit.fast_new_file(data)
    if fast is not None:
        # read back through the loader's own reader: a text it reads without problems as exactly `data` has
        # passed the teacher schema too, so the record's own check (with its CSV positions) is only for the rest
        doc = pipeline.READER(fast.encode("utf-8"), rel, "teacher")
        if not doc.problems and doc.data is not None and _same(doc.data, data):
            return FilePlan(rel, "created", "", fast, changed=list(data))
    if not _schema_ok(rel, data, positions, labels, shown, problems):
        return None
    text = yamledit.new_file(data)
    if not _reads_back(rel, text, data, teacher, shown, problems):
        return None
    return FilePlan(rel, "created", "", text, changed=list(data))


def _link_on_the_way(root: Path, rel: str) -> str | None:
    """Why `rel` is not written, when it or a folder on its way is a symbolic link (or a folder holds a file of
    its name): an import writes inside the repository, never through a link, as `tlt init` does not. None
    when it may be written."""
    parts = rel.split("/")
    for i in range(1, len(parts) + 1):
        prefix = "/".join(parts[:i])
        last = i == len(parts)
        if not last and prefix in _FOLDERS_SEEN.get(str(root), {}):
            # a folder of thousands of teacher files is looked at once a run, not once a file
            found = _FOLDERS_SEEN[str(root)][prefix]
            if found is not None:
                return found
            continue
        found = _link_or_file(root, prefix, last)
        if not last:
            _FOLDERS_SEEN.setdefault(str(root), {})[prefix] = found
        if found is not None:
            return found
    return None


#: per run (`make_plan` empties it): the repository → each folder on the way to a teacher file → why it may not
#: be written through (None: it may)
_FOLDERS_SEEN: dict[str, dict[str, str | None]] = {}


def _link_or_file(root: Path, prefix: str, last: bool) -> str | None:
    path = root.joinpath(*prefix.split("/"))
    shown = shorten_path(prefix)
    if path.is_symlink():
        return f"{shown} is a symbolic link; tlt import does not write through links"
    if not last and path.exists() and not path.is_dir():
        return f"{shown} is a file where a folder is needed"
    return None


def _label(labels: list[str], label: str) -> int:
    labels.append(label)
    return len(labels) - 1


def _entry_positions(
    positions: dict[tuple[Any, ...], tuple[int, int]],
    labels: list[str],
    imap: ImportMap,
    name: str,
    index: int,
    entry: Entry,
) -> None:
    if imap.lists[name].scalar:  # a plain name: the entry is the value
        positions[(name, index)] = (entry.line, _label(labels, imap.lists[name].entry[SCALAR].label))
        return
    positions[(name, index)] = (entry.line, 0)
    for key in entry.values:
        positions[(name, index, key)] = (entry.line, _label(labels, imap.lists[name].entry[key].label))


def _schema_ok(
    rel: str,
    data: dict[str, Any],
    positions: dict[tuple[Any, ...], tuple[int, int]],
    labels: list[str],
    shown: str,
    problems: _Problems,
) -> bool:
    """The record against the teacher schema; each problem at the CSV line (and column) that gave the value."""
    doc = Document(rel, plain(data), positions=positions)
    found = validate_document(doc, "teacher")
    for p in found:
        label = labels[p.column] if 0 < p.column < len(labels) else ""
        prefix = f"{label}: " if label else f"{rel}: "
        if p.line == 0:  # a value the file had before (never from the export)
            problems.add(ImportProblem(rel, 1, p.message))
        else:
            problems.add(ImportProblem(shown, p.line, prefix + p.message))
    return not found


def _reads_back(rel: str, text: str, data: dict[str, Any], teacher: Incoming, shown: str, problems: _Problems) -> bool:
    """Whether the text tlt would write reads back, through the safe loader, as exactly `data` (which has passed
    the teacher schema: equal data passes it too, so the schema is not asked twice)."""
    doc = parse_bytes(text.encode("utf-8"), rel)
    if doc.problems:  # what the loader would say of the file: too large, say (many huge cells of one teacher)
        problems.add(
            ImportProblem(shown, teacher.line, f"{shorten_path(rel)} would not load: {doc.problems[0].message}")
        )
        return False
    if doc.data is None or not _same(doc.data, data):
        problems.add(
            ImportProblem(
                shown,
                teacher.line,
                f"{shorten_path(rel)} cannot be written so that it reads back as the export says; nothing written "
                "(please report this with the file's layout)",
            )
        )
        return False
    return True


def _update(
    root: Path, rel: str, teacher: Incoming, imap: ImportMap, shown: str, problems: _Problems, plan: Plan
) -> FilePlan | None:
    link = _link_on_the_way(root, rel)
    if link is not None:
        problems.add(ImportProblem(rel, 1, link))
        return None
    doc, original = _read_teacher(root, rel, pipeline.READER)
    if original is not None and not doc.problems and isinstance(doc.data, dict) and doc.data.get("id") == teacher.id:
        if _unchanged(doc.data, teacher, imap):
            return FilePlan(rel, "unchanged", original, original)
        if type(doc) is not Document:  # the fast reader's: the update is worked out on the reference reading
            doc, original = _read_teacher(root, rel)
    if doc.problems or doc.data is None or original is None:
        first = doc.problems[0] if doc.problems else None
        line = first.line if first else 1
        problems.add(ImportProblem(rel, line, "the file has errors; fix them first (`tlt validate` shows them)"))
        return None
    old: dict[str, Any] = doc.data
    bom = "\ufeff" if original.startswith("\ufeff") else ""  # kept, as every other byte is
    text = original[len(bom) :]
    if old.get("id") != teacher.id:
        problems.add(
            ImportProblem(rel, doc.position(("id",))[0], f"id {_shown(old.get('id'))} differs from the file name")
        )
        return None
    new = dict(old)
    positions: dict[tuple[Any, ...], tuple[int, int]] = {(): (0, 0)}
    labels: list[str] = [""]
    changes: dict[str, Any] = {}
    rt: Any = None
    for name, spec in imap.fields.items():
        if name not in imap.owns:
            continue
        if name not in teacher.fields:
            if name in old:
                plan.notes.append(f"{rel}: kept {name} {_shown(old[name])}: {spec.label} is empty in the export")
            continue
        value, line = teacher.fields[name]
        positions[(name,)] = (line, _label(labels, spec.label))
        if name not in old or not _same(old[name], value):
            new[name] = value
            changes[name] = value
    for name, spec_list in imap.lists.items():
        if name not in imap.owns:
            continue
        entries = teacher.lists.get(name, [])
        existing = old.get(name)
        if existing is None:
            if entries:
                new[name] = [_stored(spec_list, e) for e in entries]
                changes[name] = [_stored(spec_list, e) for e in entries]
                for i, e in enumerate(entries):
                    _entry_positions(positions, labels, imap, name, i, e)
            continue
        merged = [dict(item) if isinstance(item, dict) else item for item in existing]
        if rt is None:
            rt = _round_trip(text)
            if rt is None:
                problems.add(ImportProblem(rel, 1, _NOT_IN_PLACE))
                return None
        seq = rt[name]
        touched = False
        matched: set[int] = set()
        for e in entries:
            at = next(
                (i for i, item in enumerate(merged) if i not in matched and _matches(item, e, spec_list)),
                None,
            )
            if at is None:
                merged.append(_stored(spec_list, e))
                seq.append(_stored(spec_list, e) if spec_list.scalar else yamledit.flow_entry(dict(e.values)))
                _entry_positions(positions, labels, imap, name, len(merged) - 1, e)
                touched = True
                continue
            matched.add(at)
            _entry_positions(positions, labels, imap, name, at, e)
            if spec_list.scalar:  # the same name: nothing of it to change
                continue
            for key, value in e.values.items():
                if key not in merged[at] or not _same(merged[at][key], value):
                    merged[at][key] = value
                    seq[at][key] = value
                    touched = True
        for i, item in enumerate(existing):
            if i not in matched:
                what = (
                    _describe_key(item, spec_list.key)
                    if isinstance(item, dict) and not spec_list.scalar
                    else _shown(item)
                )
                plan.notes.append(f"{rel}: kept the {name} entry ({what}): it is not in the export")
        if touched:
            new[name] = merged
            # a list of names is written afresh in its own style: ruamel.yaml carries a name's comments onto
            # the names appended after it
            changes[name] = yamledit.names_like(seq, merged) if spec_list.scalar else seq
    if not changes:
        return FilePlan(rel, "unchanged", original, original)
    if not _schema_ok(rel, new, positions, labels, shown, problems):
        return None
    spans = yamledit.top_level_spans(text)
    if spans is None:  # a flow mapping at the top: written whole, round trip
        if rt is None:
            rt = _round_trip(text)
            if rt is None:
                problems.add(ImportProblem(rel, 1, _NOT_IN_PLACE))
                return None
        for key, value in changes.items():
            rt[key] = value if not isinstance(value, list) or key in rt else yamledit.rt_list(value)
        new_text = yamledit.dump(rt)
        new_text += "" if new_text.endswith("\n") else "\n"  # (ruamel ends a flow mapping without one)
    else:
        new_text = yamledit.splice(text, changes, spans)
    new_text = bom + new_text
    if not _reads_back(rel, new_text, new, teacher, shown, problems):
        return None
    return FilePlan(rel, "changed", original, new_text, changed=list(changes))


def _unchanged(old: dict[str, Any], teacher: Incoming, imap: ImportMap) -> bool:
    """Whether `_update` would find the file unchanged and say nothing of it: every owned value the export gives
    equal to the file's, no recorded value kept over an empty cell, every owned list's entries matched one for
    one with equal values. Worked out on the data as read, without ruamel.yaml: a second import of a state's
    export reads 100,000 files and changes none."""
    for name in imap.fields:
        if name not in imap.owns:
            continue
        if name not in teacher.fields:
            if name in old:  # kept over an empty cell: a note, said by the full path
                return False
            continue
        if name not in old or not _same(old[name], teacher.fields[name][0]):
            return False
    for name, spec_list in imap.lists.items():
        if name not in imap.owns:
            continue
        entries = teacher.lists.get(name, [])
        existing = old.get(name)
        if existing is None:
            if entries:
                return False
            continue
        if not isinstance(existing, list) or len(existing) != len(entries):
            return False
        matched: set[int] = set()
        for e in entries:
            at = next(
                (i for i, item in enumerate(existing) if i not in matched and _matches(item, e, spec_list)),
                None,
            )
            if at is None:
                return False
            matched.add(at)
            if not spec_list.scalar and any(
                key not in existing[at] or not _same(existing[at][key], v) for key, v in e.values.items()
            ):
                return False
    return True


_NOT_IN_PLACE = "ruamel.yaml cannot read this file back round trip, so it cannot be updated in place; nothing written"


def _round_trip(text: str) -> Any:
    """The file loaded round trip, or None when ruamel.yaml cannot load it (the file has passed tlt's safe loader
    and schema; ruamel.yaml is stricter or looser elsewhere, e.g. with a `%YAML 1.1` directive)."""
    try:
        data = yamledit.round_trip(text)
    except Exception:  # any error of a third-party parser on a file tlt accepts: the file is a problem, not a crash
        return None
    return data if isinstance(data, dict) else None


def unified_diff(plan_file: FilePlan) -> str:
    """What would change in one file, as `git diff` shows it; every control character escaped."""
    old = plan_file.old.splitlines(keepends=True)
    new = plan_file.new.splitlines(keepends=True)
    before = "/dev/null" if plan_file.status == "created" else f"a/{plan_file.path}"
    lines = difflib.unified_diff(old, new, fromfile=before, tofile=f"b/{plan_file.path}")
    return "".join(escape_control(line.rstrip("\n")) + "\n" for line in lines)


def write_plan(root: Path, plan: Plan) -> None:
    """Every created or changed file: first each to a temporary file beside it, then each renamed over its target
    (a crash leaves every file either as it was or whole). A new file gets the umask's mode; a replaced one keeps
    its own."""
    staged: list[tuple[str, Path]] = []
    try:
        for item in plan.files:
            if item.status == "unchanged":
                continue
            target = root / item.path
            target.parent.mkdir(parents=True, exist_ok=True)
            fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=target.parent)
            staged.append((tmp, target))
            with os.fdopen(fd, "w", encoding="utf-8", newline="") as handle:
                os.fchmod(handle.fileno(), _mode(target))
                handle.write(item.new)
                handle.flush()
                os.fsync(handle.fileno())
        for tmp, target in staged:
            os.replace(tmp, target)
    except BaseException:
        for tmp, _ in staged:
            with contextlib.suppress(OSError):
                os.unlink(tmp)
        raise


def _mode(target: Path) -> int:
    try:
        info = os.stat(target)
    except OSError:
        info = None
    if info is not None and stat.S_ISREG(info.st_mode):
        return stat.S_IMODE(info.st_mode)
    mask = os.umask(0o022)
    os.umask(mask)
    return 0o666 & ~mask
