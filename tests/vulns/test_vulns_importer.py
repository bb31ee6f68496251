"""Importing OSV folders and zips: incremental, transactional, hostile archives refused."""

from __future__ import annotations

import io
import json
import shutil
import zipfile
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from sqlalchemy import func, select

from ospo.model import FileProblem
from ospo.store import AdvisoryPackageRow, AdvisoryRow, ImportSourceRow, Store
from ospo.vulns.importer import ImportFailed, import_source, iter_zip


def _count(store: Store, table: type) -> int:
    with store.session() as s:
        return int(s.execute(select(func.count()).select_from(table)).scalar_one())


def _zip(path: Path, entries: dict[str, bytes | str]) -> Path:
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zf:
        for name, data in entries.items():
            zf.writestr(name, data)
    return path


def _record(rid: str, modified: str = "2099-01-01T00:00:00Z", name: str = "pkg") -> str:
    return json.dumps(
        {
            "id": rid,
            "modified": modified,
            "affected": [
                {
                    "package": {"ecosystem": "PyPI", "name": name},
                    "ranges": [{"type": "ECOSYSTEM", "events": [{"introduced": "0"}, {"fixed": "2.0"}]}],
                }
            ],
        }
    )


def test_directory_import_then_reimport_writes_nothing(store: Store, osv_fixtures: Path, write_counter: type) -> None:
    report = import_source(store, osv_fixtures / "db")
    assert (report.seen, report.added, report.problems) == (8, 8, [])
    assert _count(store, AdvisoryRow) == 8
    assert _count(store, AdvisoryPackageRow) == 8
    with store.session() as s:
        row = s.get(AdvisoryRow, "PYSEC-2099-1")
        assert row is not None and (row.severity, row.score) == ("critical", 9.8)
        assert row.raw["affected"][0]["versions"][-1] == "1.10"
        withdrawn = s.get(AdvisoryRow, "PYSEC-2099-2")
        assert withdrawn is not None and withdrawn.withdrawn == "2099-02-01T00:00:00Z"
        assert (
            s.execute(
                select(AdvisoryPackageRow.name).where(AdvisoryPackageRow.advisory_id == "PYSEC-2099-3")
            ).scalar_one()
            == "demo-pkg"
        )

    counter = write_counter(store)
    again = import_source(store, osv_fixtures / "db")
    counter.close()
    assert (again.seen, again.unchanged, again.changed, again.writes) == (8, 8, 0, 0)
    assert counter.writes == []


def test_later_modified_updates_and_older_is_ignored(store: Store, tmp_path: Path) -> None:
    src = tmp_path / "feed"
    src.mkdir()
    (src / "A-1.json").write_text(_record("A-1", "2099-01-01T00:00:00Z", "old-name"))
    import_source(store, src)
    (src / "A-1.json").write_text(_record("A-1", "2099-01-02T00:00:00+00:00", "new_name"))
    report = import_source(store, src)
    assert (report.updated, report.added) == (1, 0)
    with store.session() as s:
        names = s.execute(select(AdvisoryPackageRow.name)).scalars().all()
    assert names == ["new-name"]
    (src / "A-1.json").write_text(_record("A-1", "2098-12-31T00:00:00Z", "older"))
    report = import_source(store, src)
    assert (report.stale, report.writes) == (1, 0)


def test_bad_record_is_reported_by_id_and_skipped(store: Store, tmp_path: Path) -> None:
    src = tmp_path / "feed"
    src.mkdir()
    (src / "good.json").write_text(_record("GOOD-1"))
    (src / "bad.json").write_text('{"id": "BAD-1", "modified": 5}')
    (src / "junk.json").write_bytes(b"\x00\x01garbage")
    (src / "notes.txt").write_text("ignored: not a record")
    report = import_source(store, src)
    assert report.added == 1
    messages = {Path(p.path).name: p.message for p in report.problems}
    assert "BAD-1" in messages["bad.json"]
    assert "binary" in messages["junk.json"]
    assert _count(store, AdvisoryRow) == 1


def test_symlinks_are_not_followed(store: Store, tmp_path: Path) -> None:
    outside = tmp_path / "outside"
    outside.mkdir()
    (outside / "X-1.json").write_text(_record("X-1"))
    src = tmp_path / "feed"
    src.mkdir()
    (src / "link.json").symlink_to(outside / "X-1.json")
    (src / "dir").symlink_to(outside)
    report = import_source(store, src)
    assert report.added == 0
    assert [p.kind for p in report.problems] == ["unsupported"]


def test_zip_import_with_traversal_entries(store: Store, tmp_path: Path) -> None:
    archive = _zip(
        tmp_path / "all.zip",
        {
            "Z-1.json": _record("Z-1"),
            "../escape.json": _record("ESC-1"),
            "/abs.json": _record("ESC-2"),
            "a/../../b.json": _record("ESC-3"),
            "C:/win.json": _record("ESC-4"),
            "bad.json": "{not json",
        },
    )
    report = import_source(store, archive)
    assert report.added == 1
    kinds = sorted(p.kind for p in report.problems)
    assert kinds == ["parse", "unsafe-path", "unsafe-path", "unsafe-path", "unsafe-path"]
    assert not (tmp_path.parent / "escape.json").exists()
    with store.session() as s:
        assert s.execute(select(ImportSourceRow.location)).scalar_one() == str(archive.resolve())


def test_zip_bomb_is_refused_and_nothing_is_written(store: Store, tmp_path: Path) -> None:
    bomb = " " * (4 * 1024 * 1024)  # 4 MiB of spaces compresses about 1000:1
    archive = _zip(tmp_path / "bomb.zip", {"A-1.json": _record("A-1"), "B-1.json": '{"id": "B-1",' + bomb + "}"})
    with pytest.raises(ImportFailed, match="zip bomb"):
        import_source(store, archive)
    assert _count(store, AdvisoryRow) == 0


def test_oversize_member_is_skipped(tmp_path: Path) -> None:
    archive = _zip(tmp_path / "big.zip", {"A-1.json": _record("A-1"), "B.json": "x" * 5000})
    problems: list[FileProblem] = []
    names = [r.path for r in iter_zip(archive, problems, max_record=4000)]
    assert names == [f"{archive}!A-1.json"]
    assert problems[0].kind == "too-large"


def test_total_decompressed_size_is_bounded(tmp_path: Path) -> None:
    archive = _zip(tmp_path / "many.zip", {f"R-{i}.json": _record(f"R-{i}") for i in range(50)})
    with pytest.raises(ImportFailed, match=r"limit|zip bomb"):
        list(iter_zip(archive, [], max_total=2000))


def test_not_a_zip(store: Store, tmp_path: Path) -> None:
    fake = tmp_path / "fake.zip"
    fake.write_bytes(b"PK\x03\x04 truncated")
    with pytest.raises(ImportFailed):
        import_source(store, fake)
    with pytest.raises(ImportFailed):
        list(iter_zip(io.BytesIO(b"not a zip at all"), []))


@pytest.mark.shared
def test_real_pypa_sample_imports_without_problems(tmp_path: Path, sqlite_store: Store) -> None:
    from support import shared_data

    root = shared_data("osv") / "pypa" / "vulns"
    sample = tmp_path / "sample"
    folders = [f for f in sorted(root.iterdir()) if f.is_dir()][:200]
    for folder in folders:
        shutil.copytree(folder, sample / folder.name)
    report = import_source(sqlite_store, sample)
    assert report.problems == [] and report.added == report.seen > 0


def test_yaml_change_is_seen_although_unchanged_yaml_is_skipped_unparsed(
    store: Store, tmp_path: Path, osv_fixtures: Path
) -> None:
    src = tmp_path / "feed"
    shutil.copytree(osv_fixtures / "db", src)
    import_source(store, src)
    path = src / "PYSEC-2099-4.yaml"
    text = path.read_text().replace("modified: 2099-03-05T00:00:00Z", "modified: '2099-03-06T00:00:00Z'")
    path.write_text(text.replace("fixed: 1.3.0", "fixed: 1.3.1"))
    (src / "PYSEC-2099-2.yaml").write_text("id: PYSEC-2099-2\nmodified: 2099-02-01T00:00:00Z\n: broken [")
    report = import_source(store, src)
    # the broken file carries an unchanged id and modified line: recognised without parsing
    assert (report.updated, report.unchanged, report.problems) == (1, 7, [])
    with store.session() as s:
        row = s.get(AdvisoryRow, "PYSEC-2099-4")
        assert row is not None and row.raw["affected"][0]["ranges"][0]["events"][1] == {"fixed": "1.3.1"}


_SAMPLE_ZIP = io.BytesIO()
with zipfile.ZipFile(_SAMPLE_ZIP, "w", zipfile.ZIP_DEFLATED) as _zf:
    _zf.writestr("A-1.json", _record("A-1"))
    _zf.writestr("B-1.json", _record("B-1", name="other"))
_SAMPLE = _SAMPLE_ZIP.getvalue()


@settings(max_examples=150, deadline=None)
@given(st.integers(0, len(_SAMPLE)), st.integers(0, len(_SAMPLE)), st.binary(max_size=64))
def test_mutated_zips_only_fail_as_import_failed_or_problems(start: int, end: int, junk: bytes) -> None:
    start, end = sorted((start, end))
    data = _SAMPLE[:start] + junk + _SAMPLE[end:]
    problems: list[FileProblem] = []
    try:
        for item in iter_zip(io.BytesIO(data), problems):
            assert item.path.startswith("<zip>!")
    except ImportFailed:
        pass


def test_large_feed_is_written_in_batches(store: Store, tmp_path: Path) -> None:
    entries: dict[str, bytes | str] = {f"R-{i}.json": _record(f"R-{i}", name=f"p{i % 50}") for i in range(1200)}
    entries["zz-dup.json"] = _record("R-3", "2099-06-01T00:00:00Z", name="later")  # same id, later, after a flush
    report = import_source(store, _zip(tmp_path / "big.zip", entries))
    assert (report.seen, report.added, report.updated) == (1201, 1200, 0)
    assert _count(store, AdvisoryRow) == 1200 and _count(store, AdvisoryPackageRow) == 1200
    with store.session() as s:
        row = s.get(AdvisoryRow, "R-3")
        assert row is not None and row.modified == "2099-06-01T00:00:00Z"
    again = import_source(store, tmp_path / "big.zip")
    assert (again.writes, again.stale) == (0, 1)  # the earlier R-3 is older than the stored one
