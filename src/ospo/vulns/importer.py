"""Import OSV records from a folder or a zip into the store, incrementally by `modified`.

A record is written only when it is new or its `modified` time is later than the stored
one, so re-importing unchanged data writes nothing (ImportReport.writes counts the rows
written; it is 0 on such a re-import). One import is one transaction: a failure leaves the
store as it was.

Zips come from the network and are treated as hostile: entries are read in memory, never
extracted; names with absolute paths or ``..`` are refused; every entry's decompressed size
is bounded while reading (header sizes may lie), and so is the archive's total, which
refuses zip bombs (including overlapping-entry ones). A bad record is reported by file and
id and skipped; the rest is imported.
"""

from __future__ import annotations

import os
import re
import struct
import zipfile
import zlib
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path, PurePosixPath
from typing import IO, Any

from sqlalchemy import delete, insert, select, update

from ospo.model import FileProblem, OspoError, ParseError
from ospo.store import AdvisoryPackageRow, AdvisoryRow, ImportSourceRow, Store
from ospo.vulns.osv import MAX_RECORD_BYTES, OsvRecord, parse_osv
from ospo.vulns.severity import severity_of

RECORD_SUFFIXES = (".json", ".yaml", ".yml")
MAX_ARCHIVE_BYTES = 4 * 1024 * 1024 * 1024  # decompressed total of one zip
MAX_ARCHIVE_ENTRIES = 2_000_000
MAX_RATIO = 200  # a member inflating more than this, past 1 MiB, is a bomb
_BATCH = 500

Progress = Callable[[int, int | None], None]


class ImportFailed(OspoError):
    """The source as a whole cannot be imported (not a zip, a zip bomb, unreadable folder)."""


@dataclass
class ImportReport:
    """What one import did. `writes` is the number of rows inserted, updated or deleted."""

    source: str
    seen: int = 0
    added: int = 0
    updated: int = 0
    unchanged: int = 0
    stale: int = 0  # the store already holds a later version
    writes: int = 0
    problems: list[FileProblem] = field(default_factory=list)

    @property
    def changed(self) -> int:
        return self.added + self.updated


@dataclass(frozen=True)
class _RawRecord:
    path: str
    data: bytes


def _safe_member_name(name: str) -> bool:
    if not name or "\x00" in name or name.startswith(("/", "\\")) or "\\" in name:
        return False
    parts = PurePosixPath(name).parts
    return ".." not in parts and not (parts and parts[0].endswith(":"))


def iter_zip(
    source: str | Path | IO[bytes],
    problems: list[FileProblem],
    *,
    label: str | None = None,
    max_total: int = MAX_ARCHIVE_BYTES,
    max_record: int = MAX_RECORD_BYTES,
) -> Iterator[_RawRecord]:
    """Yield record files of a zip, bounded; unsafe entries become problems, bombs abort."""
    where = label or (str(source) if isinstance(source, (str, Path)) else "<zip>")
    try:
        archive = zipfile.ZipFile(source)
    except (
        zipfile.BadZipFile,
        OSError,
        ValueError,
        EOFError,
        NotImplementedError,
        OverflowError,
        struct.error,
    ) as exc:
        raise ImportFailed(f"{where}: not a readable zip archive: {exc}") from None
    with archive:
        infos = archive.infolist()
        if len(infos) > MAX_ARCHIVE_ENTRIES:
            raise ImportFailed(f"{where}: {len(infos)} entries, above the {MAX_ARCHIVE_ENTRIES} limit")
        declared = sum(i.file_size for i in infos)
        if declared > max_total:
            raise ImportFailed(f"{where}: declares {declared} bytes uncompressed, above the limit (zip bomb?)")
        total = 0
        for info in infos:
            name = info.filename
            member = f"{where}!{name}"
            if info.is_dir():
                continue
            if not _safe_member_name(name):
                problems.append(FileProblem(member, "unsafe-path", "entry name escapes the archive; skipped"))
                continue
            if not name.lower().endswith(RECORD_SUFFIXES):
                continue
            if info.file_size > max_record:
                problems.append(FileProblem(member, "too-large", f"{info.file_size} bytes uncompressed; skipped"))
                continue
            if info.file_size > 1024 * 1024 and info.file_size > MAX_RATIO * max(info.compress_size, 1):
                raise ImportFailed(f"{member}: compression ratio above {MAX_RATIO} (zip bomb); refused")
            try:
                with archive.open(info) as handle:
                    data = handle.read(max_record + 1)
            except (
                zipfile.BadZipFile,
                zlib.error,
                struct.error,
                OverflowError,
                EOFError,
                OSError,
                RuntimeError,
                ValueError,
                NotImplementedError,
            ) as exc:
                problems.append(FileProblem(member, "unreadable", f"cannot decompress: {exc}"))
                continue
            if len(data) > max_record:
                problems.append(FileProblem(member, "too-large", "inflates past the record limit; skipped"))
                continue
            total += len(data)
            if total > max_total:
                raise ImportFailed(f"{where}: inflates past {max_total} bytes (zip bomb); refused")
            yield _RawRecord(member, data)


def iter_directory(root: Path, problems: list[FileProblem], max_record: int = MAX_RECORD_BYTES) -> Iterator[_RawRecord]:
    """Yield record files under `root` in a stable order, never following symlinks."""
    if not root.is_dir():
        raise ImportFailed(f"{root}: not a folder")
    for dirpath, dirnames, filenames in os.walk(root, followlinks=False):
        dirnames.sort()
        for fname in sorted(filenames):
            if not fname.lower().endswith(RECORD_SUFFIXES):
                continue
            path = Path(dirpath) / fname
            shown = str(path)
            try:
                st = path.lstat()
                if path.is_symlink():
                    problems.append(FileProblem(shown, "unsupported", "symbolic link; not followed"))
                    continue
                if st.st_size > max_record:
                    problems.append(FileProblem(shown, "too-large", f"{st.st_size} bytes; skipped"))
                    continue
                data = path.read_bytes()
            except OSError as exc:
                problems.append(FileProblem(shown, "unreadable", str(exc)))
                continue
            yield _RawRecord(shown, data)


_YAML_ID = re.compile(rb"""^id:[ \t]*["']?([^"'\s#]+)["']?[ \t]*$""", re.M)
_YAML_MODIFIED = re.compile(rb"""^modified:[ \t]*["']?([^"'\s#]+)["']?[ \t]*$""", re.M)


@dataclass(frozen=True)
class Unchanged:
    """A record known to be stored already at this `modified`, recognised without parsing."""

    id: str


def _prescan_yaml(item: _RawRecord, known: Mapping[str, str]) -> Unchanged | None:
    """Recognise an unchanged YAML record from its top-level id and modified lines.

    YAML parsing dominates a re-import of the PyPA database; a record whose single
    top-level ``id:`` and ``modified:`` equal what the store holds was validated when it was
    stored, so it is skipped without parsing. Anything ambiguous is parsed as usual.
    """
    if not known or not item.path.lower().endswith((".yaml", ".yml")):
        return None
    ids = _YAML_ID.findall(item.data)
    mods = _YAML_MODIFIED.findall(item.data)
    if len(ids) != 1 or len(mods) != 1:
        return None
    rid, modified = ids[0].decode("utf-8", "replace"), mods[0].decode("utf-8", "replace")
    return Unchanged(rid) if known.get(rid) == modified else None


def parse_records(
    raw: Iterable[_RawRecord], problems: list[FileProblem], known: Mapping[str, str] | None = None
) -> Iterator[OsvRecord | Unchanged]:
    """Parse each file; a bad one is reported (with its id when readable) and skipped.

    With `known` (id → stored modified, filled by the importer before it iterates), YAML
    records already stored unchanged are yielded as `Unchanged` without being parsed.
    """
    for item in raw:
        if known is not None:
            unchanged = _prescan_yaml(item, known)
            if unchanged is not None:
                yield unchanged
                continue
        # a zip member's path is "archive!member": parse by the member's suffix
        try:
            yield parse_osv(item.path, item.data)
        except ParseError as exc:
            problems.append(FileProblem.from_parse_error(exc))


def _when(stamp: str) -> datetime | None:
    try:
        parsed = datetime.fromisoformat(stamp.strip().replace("Z", "+00:00"))
    except ValueError:
        return None
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)


def is_newer(incoming: str, stored: str) -> bool | None:
    """True newer, False same, None older (compared as instants, else as strings)."""
    a, b = _when(incoming), _when(stored)
    if a is not None and b is not None:
        return True if a > b else (False if a == b else None)
    return True if incoming > stored else (False if incoming == stored else None)


def advisory_values(record: OsvRecord, source: str) -> dict[str, Any]:
    sev = severity_of(record)
    return {
        "id": record.id,
        "aliases": list(record.aliases),
        "summary": record.title,
        "severity": sev.rating,
        "score": sev.score,
        "vector": sev.vector,
        "published": record.published,
        "modified": record.modified,
        "withdrawn": record.withdrawn,
        "source": source[:500],
        "raw": record.raw,
    }


def package_values(record: OsvRecord) -> list[dict[str, Any]]:
    rows = []
    for affected in record.affected:
        if not affected.name:
            continue
        rows.append(
            {
                "advisory_id": record.id,
                "ecosystem": affected.ecosystem,
                "name": affected.normalised_name,
                "affected": affected.entry,
            }
        )
    return rows


def import_records(
    store: Store,
    records: Iterable[OsvRecord | Unchanged],
    source: str,
    problems: list[FileProblem] | None = None,
    progress: Progress | None = None,
    *,
    etag: str | None = None,
    last_modified: str | None = None,
    known_out: dict[str, str] | None = None,
) -> ImportReport:
    """Write new and changed records in one transaction; unchanged ones cost no write.

    `known_out`, when given, is filled with the stored id → modified map before `records`
    is iterated, for a `parse_records` generator to skip unchanged files.

    `etag` and `last_modified` are the HTTP validators of a downloaded source; they are
    stored with the source (in the same transaction) so the next sync can skip the download.
    """
    report = ImportReport(source=source, problems=problems if problems is not None else [])
    with store.session() as session:
        known: dict[str, str] = {rid: mod for rid, mod in session.execute(select(AdvisoryRow.id, AdvisoryRow.modified))}
        if known_out is not None:
            known_out.update(known)
        new: dict[str, OsvRecord] = {}
        changed: dict[str, OsvRecord] = {}
        added_ids: set[str] = set()
        updated_ids: set[str] = set()
        for record in records:
            report.seen += 1
            if progress is not None and report.seen % 200 == 0:
                progress(report.seen, None)
            if isinstance(record, Unchanged):
                report.unchanged += 1
                continue
            pending = new.get(record.id) or changed.get(record.id)
            stored = pending.modified if pending is not None else known.get(record.id)
            if stored is None:
                new[record.id] = record
            else:
                verdict = is_newer(record.modified, stored)
                if verdict is None:
                    report.stale += 1
                elif verdict is False:
                    report.unchanged += 1
                elif record.id in new:
                    new[record.id] = record
                else:
                    changed[record.id] = record
            if len(new) + len(changed) >= _BATCH:  # bounded memory on huge feeds
                report.writes += _flush(session, new, changed, source, known, added_ids, updated_ids)
        report.writes += _flush(session, new, changed, source, known, added_ids, updated_ids)
        report.added = len(added_ids)
        report.updated = len(updated_ids - added_ids)
        row = session.execute(
            select(ImportSourceRow).where(ImportSourceRow.location == source[:1000])
        ).scalar_one_or_none()
        validators_changed = (etag is not None or last_modified is not None) and (
            row is None or (row.etag, row.last_modified) != (etag, last_modified)
        )
        if report.changed or row is None or validators_changed:
            if row is None:
                row = ImportSourceRow(location=source[:1000])
                session.add(row)
            row.records = report.seen
            row.imported_at = datetime.now(UTC)
            if etag is not None or last_modified is not None:
                row.etag, row.last_modified = etag, last_modified
            report.writes += 1
    if progress is not None:
        progress(report.seen, report.seen)
    return report


def _flush(
    session: Any,
    new: dict[str, OsvRecord],
    changed: dict[str, OsvRecord],
    source: str,
    known: dict[str, str],
    added_ids: set[str],
    updated_ids: set[str],
) -> int:
    """Write one batch of new and changed records; return the number of rows written."""
    writes = 0
    if changed:
        ids = list(changed)
        res = session.execute(delete(AdvisoryPackageRow).where(AdvisoryPackageRow.advisory_id.in_(ids)))
        writes += max(res.rowcount or 0, 0)
        session.execute(update(AdvisoryRow), [advisory_values(changed[i], source) for i in ids])
        writes += len(ids)
    if new:
        session.execute(insert(AdvisoryRow), [advisory_values(r, source) for r in new.values()])
        writes += len(new)
    package_rows = [row for rec in (*new.values(), *changed.values()) for row in package_values(rec)]
    for start in range(0, len(package_rows), _BATCH * 4):
        batch = package_rows[start : start + _BATCH * 4]
        session.execute(insert(AdvisoryPackageRow), batch)
        writes += len(batch)
    for rec in (*new.values(), *changed.values()):
        known[rec.id] = rec.modified
    added_ids.update(new)
    updated_ids.update(changed)
    new.clear()
    changed.clear()
    return writes


def import_source(store: Store, source: str | Path, progress: Progress | None = None) -> ImportReport:
    """Import a folder of OSV records, a zip of them, or one record file."""
    path = Path(source)
    problems: list[FileProblem] = []
    label = str(path.resolve()) if path.exists() else str(source)
    raw: Iterable[_RawRecord]
    if path.is_dir():
        raw = iter_directory(path, problems)
    elif path.is_file() and zipfile.is_zipfile(path):
        raw = iter_zip(path, problems, label=str(path))
    elif path.is_file() and path.name.lower().endswith(RECORD_SUFFIXES):
        if path.stat().st_size > MAX_RECORD_BYTES:
            raise ImportFailed(f"{path}: larger than {MAX_RECORD_BYTES} bytes")
        raw = [_RawRecord(str(path), path.read_bytes())]
    elif path.is_file():
        raise ImportFailed(f"{path}: neither a zip archive nor an OSV .json/.yaml record")
    else:
        raise ImportFailed(f"{source}: no such file or folder")
    known: dict[str, str] = {}
    return import_records(store, parse_records(raw, problems, known), label, problems, progress, known_out=known)


def import_zip_file(
    store: Store,
    handle: IO[bytes] | Path,
    location: str,
    progress: Progress | None = None,
    *,
    etag: str | None = None,
    last_modified: str | None = None,
) -> ImportReport:
    """Import a zip already opened (e.g. a downloaded all.zip); `location` names the source."""
    problems: list[FileProblem] = []
    known: dict[str, str] = {}
    records = parse_records(iter_zip(handle, problems, label=location), problems, known)
    return import_records(
        store, records, location, problems, progress, etag=etag, last_modified=last_modified, known_out=known
    )
