"""Sync over real HTTP on loopback: 200 then 304 by ETag / Last-Modified, hostile archives."""

from __future__ import annotations

import io
import json
import zipfile
from pathlib import Path

import pytest
from pytest_httpserver import HTTPServer
from sqlalchemy import func, select
from werkzeug import Request, Response

from ospo.store import AdvisoryRow, ImportSourceRow, Store
from ospo.vulns.importer import ImportFailed
from ospo.vulns.sync import SyncFailed, ecosystem_url, sync_ecosystem

ETAG = '"v1-abc"'
LAST_MODIFIED = "Tue, 24 Nov 2026 01:00:00 GMT"


def _zip(entries: dict[str, str]) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as zf:
        for name, data in entries.items():
            zf.writestr(name, data)
    return buf.getvalue()


def _record(rid: str) -> str:
    return json.dumps(
        {
            "id": rid,
            "modified": "2099-01-01T00:00:00Z",
            "affected": [
                {
                    "package": {"ecosystem": "PyPI", "name": "demo"},
                    "ranges": [{"type": "ECOSYSTEM", "events": [{"introduced": "0"}, {"fixed": "1.0"}]}],
                }
            ],
        }
    )


class Feed:
    """A conditional-GET server: 304 when the client's validators match, else the archive."""

    def __init__(self, body: bytes, etag: str | None = ETAG, last_modified: str | None = LAST_MODIFIED) -> None:
        self.body, self.etag, self.last_modified = body, etag, last_modified
        self.requests: list[dict[str, str]] = []

    def __call__(self, request: Request) -> Response:
        self.requests.append(dict(request.headers))
        if self.etag and request.headers.get("If-None-Match") == self.etag:
            return Response(status=304, headers={"ETag": self.etag})
        if not self.etag and self.last_modified and request.headers.get("If-Modified-Since") == self.last_modified:
            return Response(status=304)
        headers = {}
        if self.etag:
            headers["ETag"] = self.etag
        if self.last_modified:
            headers["Last-Modified"] = self.last_modified
        return Response(self.body, status=200, headers=headers, content_type="application/zip")


def _count(store: Store) -> int:
    with store.session() as s:
        return int(s.execute(select(func.count()).select_from(AdvisoryRow)).scalar_one())


def test_download_then_not_modified_by_etag(httpserver: HTTPServer, sqlite_store: Store) -> None:
    feed = Feed(_zip({"A-1.json": _record("A-1"), "B-1.json": _record("B-1")}))
    httpserver.expect_request("/PyPI/all.zip").respond_with_handler(feed)
    base = httpserver.url_for("/")
    progress: list[tuple[str, int, int | None]] = []

    first = sync_ecosystem(sqlite_store, "PyPI", base, progress=lambda *a: progress.append(a))
    assert first.status == "downloaded" and first.report is not None and first.report.added == 2
    assert _count(sqlite_store) == 2
    assert any(p[0] == "download" for p in progress) and progress[-1][0] == "import"
    with sqlite_store.session() as s:
        row = s.execute(select(ImportSourceRow)).scalar_one()
        assert (row.location, row.etag, row.last_modified) == (
            ecosystem_url(base, "PyPI"),
            ETAG,
            LAST_MODIFIED,
        )

    second = sync_ecosystem(sqlite_store, "PyPI", base)
    assert second.status == "not-modified" and second.report is None
    assert feed.requests[0].get("If-None-Match") is None
    assert feed.requests[1]["If-None-Match"] == ETAG
    assert feed.requests[1]["If-Modified-Since"] == LAST_MODIFIED


def test_not_modified_by_last_modified_alone(httpserver: HTTPServer, sqlite_store: Store) -> None:
    feed = Feed(_zip({"A-1.json": _record("A-1")}), etag=None)
    httpserver.expect_request("/PyPI/all.zip").respond_with_handler(feed)
    base = httpserver.url_for("/")
    assert sync_ecosystem(sqlite_store, "PyPI", base).status == "downloaded"
    assert sync_ecosystem(sqlite_store, "PyPI", base).status == "not-modified"


def test_changed_feed_is_downloaded_again_and_only_new_records_written(
    httpserver: HTTPServer, sqlite_store: Store
) -> None:
    feed = Feed(_zip({"A-1.json": _record("A-1")}))
    httpserver.expect_request("/crates.io/all.zip").respond_with_handler(feed)
    base = httpserver.url_for("/")
    sync_ecosystem(sqlite_store, "crates.io", base)
    feed.body, feed.etag = _zip({"A-1.json": _record("A-1"), "C-1.json": _record("C-1")}), '"v2"'
    result = sync_ecosystem(sqlite_store, "crates.io", base)
    assert result.report is not None
    assert (result.report.added, result.report.unchanged) == (1, 1)


def test_zip_bomb_from_the_network_is_refused(httpserver: HTTPServer, sqlite_store: Store) -> None:
    bomb = _zip({"A-1.json": _record("A-1"), "B.json": '{"id": "B", ' + " " * (4 * 1024 * 1024) + "}"})
    httpserver.expect_request("/PyPI/all.zip").respond_with_handler(Feed(bomb))
    with pytest.raises(ImportFailed, match="zip bomb"):
        sync_ecosystem(sqlite_store, "PyPI", httpserver.url_for("/"))
    assert _count(sqlite_store) == 0
    with sqlite_store.session() as s:  # validators not stored: the next sync tries again
        assert s.execute(select(ImportSourceRow)).first() is None


def test_traversal_entry_is_reported_and_skipped(httpserver: HTTPServer, sqlite_store: Store) -> None:
    archive = _zip({"A-1.json": _record("A-1"), "../../etc/evil.json": _record("EVIL-1")})
    httpserver.expect_request("/PyPI/all.zip").respond_with_handler(Feed(archive))
    result = sync_ecosystem(sqlite_store, "PyPI", httpserver.url_for("/"))
    assert result.report is not None and result.report.added == 1
    assert [p.kind for p in result.report.problems] == ["unsafe-path"]


def test_oversize_download_is_refused(httpserver: HTTPServer, sqlite_store: Store) -> None:
    httpserver.expect_request("/PyPI/all.zip").respond_with_handler(Feed(b"x" * 5000))
    with pytest.raises(SyncFailed, match=r"limit|refused"):
        sync_ecosystem(sqlite_store, "PyPI", httpserver.url_for("/"), max_bytes=1000)


def test_http_errors_and_plain_http_elsewhere(httpserver: HTTPServer, sqlite_store: Store) -> None:
    httpserver.expect_request("/Go/all.zip").respond_with_data("nope", status=404)
    with pytest.raises(SyncFailed, match="404"):
        sync_ecosystem(sqlite_store, "Go", httpserver.url_for("/"))
    with pytest.raises(SyncFailed, match="https"):
        sync_ecosystem(sqlite_store, "Go", "http://example.org/osv")


def test_ecosystem_url_quotes_names() -> None:
    assert ecosystem_url("https://h/b/", "Debian:12") == "https://h/b/Debian%3A12/all.zip"
    assert ecosystem_url("https://h/b", "crates.io") == "https://h/b/crates.io/all.zip"


def test_cli_sync_downloads_then_reports_not_modified(httpserver: HTTPServer, tmp_path: Path) -> None:
    from typer.testing import CliRunner

    from ospo.cli.main import app

    feed = Feed(_zip({"A-1.json": _record("A-1")}))
    httpserver.expect_request("/PyPI/all.zip").respond_with_handler(feed)
    args = ["vulns", "sync", "-e", "PyPI", "--base-url", httpserver.url_for("/"), "--database"]
    db = f"sqlite:///{tmp_path / 's.db'}"
    first = CliRunner().invoke(app, [*args, db])
    assert first.exit_code == 0, first.output
    assert "1 added" in first.output
    second = CliRunner().invoke(app, [*args, db])
    assert second.exit_code == 0 and "not modified" in second.output
    bad = CliRunner().invoke(
        app, ["vulns", "sync", "-e", "npm", "--base-url", httpserver.url_for("/"), "--database", db]
    )
    assert bad.exit_code == 3  # npm/all.zip is not served: reported, run incomplete
