"""Download OSV's per-ecosystem ``all.zip`` and import it, fetching nothing that has not changed.

Each ecosystem's archive is requested with the ETag and Last-Modified stored from the last
download (If-None-Match / If-Modified-Since); a 304 costs one small request and no import.
A 200 is streamed to a temporary file with a size cap, then imported by the hostile-zip
importer in one transaction together with the new validators. The base URL is configurable
(a mirror, or a loopback server in tests); anything but HTTPS is refused except on loopback.
"""

from __future__ import annotations

import contextlib
import ipaddress
import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from urllib.parse import quote, urlsplit

import httpx
from sqlalchemy import select

from ospo.model import OspoError
from ospo.store import ImportSourceRow, Store
from ospo.vulns.importer import ImportReport, import_zip_file

DEFAULT_BASE_URL = "https://osv-vulnerabilities.storage.googleapis.com"
MAX_DOWNLOAD_BYTES = 2 * 1024 * 1024 * 1024
_CHUNK = 1024 * 1024

# phase ("download" or "import"), done, total (None when unknown)
SyncProgress = Callable[[str, int, int | None], None]


class SyncFailed(OspoError):
    """A feed could not be fetched (network, HTTP status, refused URL, oversize download)."""


@dataclass
class SyncResult:
    ecosystem: str
    url: str
    status: str  # "downloaded" or "not-modified"
    downloaded_bytes: int = 0
    report: ImportReport | None = None


def ecosystem_url(base_url: str, ecosystem: str) -> str:
    """``{base}/{ecosystem}/all.zip`` with the ecosystem name path-quoted (``crates.io``, ``Debian:12``)."""
    return f"{base_url.rstrip('/')}/{quote(ecosystem, safe='')}/all.zip"


def _check_url(url: str) -> None:
    parts = urlsplit(url)
    if parts.scheme == "https":
        return
    host = parts.hostname or ""
    loopback = host == "localhost"
    with contextlib.suppress(ValueError):
        loopback = loopback or ipaddress.ip_address(host).is_loopback
    if parts.scheme == "http" and loopback:
        return
    raise SyncFailed(f"{url}: only https:// is accepted (plain http only on loopback)")


def _stored_validators(store: Store, url: str) -> tuple[str | None, str | None]:
    with store.session() as session:
        row = session.execute(select(ImportSourceRow).where(ImportSourceRow.location == url)).scalar_one_or_none()
        return (row.etag, row.last_modified) if row is not None else (None, None)


def sync_ecosystem(
    store: Store,
    ecosystem: str,
    base_url: str = DEFAULT_BASE_URL,
    *,
    client: httpx.Client | None = None,
    progress: SyncProgress | None = None,
    max_bytes: int = MAX_DOWNLOAD_BYTES,
) -> SyncResult:
    """Bring one ecosystem's advisories up to date; see the module docstring."""
    url = ecosystem_url(base_url, ecosystem)
    _check_url(url)
    etag, last_modified = _stored_validators(store, url)
    headers = {"Accept-Encoding": "identity"}
    if etag:
        headers["If-None-Match"] = etag
    if last_modified:
        headers["If-Modified-Since"] = last_modified
    own_client = client is None
    http = client or httpx.Client(
        timeout=httpx.Timeout(30.0, read=120.0),
        follow_redirects=True,
        transport=httpx.HTTPTransport(retries=2),
        headers={"User-Agent": "ospo-vulns-sync"},
    )
    try:
        with tempfile.TemporaryFile() as spool:
            try:
                with http.stream("GET", url, headers=headers) as response:
                    if response.status_code == 304:
                        return SyncResult(ecosystem, url, "not-modified")
                    if response.status_code != 200:
                        raise SyncFailed(f"{url}: HTTP {response.status_code}")
                    _check_url(str(response.url))
                    total_header = response.headers.get("Content-Length")
                    total = int(total_header) if total_header and total_header.isdigit() else None
                    if total is not None and total > max_bytes:
                        raise SyncFailed(f"{url}: {total} bytes, above the {max_bytes} byte limit")
                    received = 0
                    for chunk in response.iter_bytes(_CHUNK):
                        received += len(chunk)
                        if received > max_bytes:
                            raise SyncFailed(f"{url}: more than {max_bytes} bytes; refused")
                        spool.write(chunk)
                        if progress is not None:
                            progress("download", received, total)
                    new_etag = response.headers.get("ETag")
                    new_last_modified = response.headers.get("Last-Modified")
            except httpx.HTTPError as exc:
                raise SyncFailed(f"{url}: {exc}") from None
            spool.seek(0)

            def on_import(done: int, total_records: int | None) -> None:
                if progress is not None:
                    progress("import", done, total_records)

            report = import_zip_file(store, spool, url, on_import, etag=new_etag, last_modified=new_last_modified)
            return SyncResult(ecosystem, url, "downloaded", received, report)
    finally:
        if own_client:
            http.close()
