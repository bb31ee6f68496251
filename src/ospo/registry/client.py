"""One polite, cached HTTP client for every package registry.

Registries are shared public services: requests go out a few at a time, carry a User-Agent
that says who we are, honour Retry-After on 429/503, and are cached on disk (with ETag /
Last-Modified revalidation) so a second scan of the same tree asks nothing new.
"""

from __future__ import annotations

import hashlib
import json
import os
import tempfile
import threading
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx

from ospo.model import OspoError

USER_AGENT = "ospo (open source program office scanner; +https://pypi.org/project/ospo/)"
MAX_BODY_BYTES = 32 << 20
RETRY_STATUSES = {429, 500, 502, 503, 504}


class RegistryError(OspoError):
    """A registry could not answer (network, HTTP error, unreadable body)."""


@dataclass(frozen=True)
class CachedResponse:
    status: int
    body: bytes
    etag: str | None
    last_modified: str | None
    fetched_at: float


class HttpCache:
    """Responses on disk, one file per URL, written atomically."""

    def __init__(self, directory: Path) -> None:
        self.directory = directory

    def _path(self, url: str) -> Path:
        digest = hashlib.sha256(url.encode()).hexdigest()
        return self.directory / digest[:2] / f"{digest}.json"

    def get(self, url: str) -> CachedResponse | None:
        path = self._path(url)
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
            return CachedResponse(
                status=int(data["status"]),
                body=bytes.fromhex(data["body"]),
                etag=data.get("etag"),
                last_modified=data.get("last_modified"),
                fetched_at=float(data["fetched_at"]),
            )
        except (OSError, ValueError, KeyError, TypeError):
            return None

    def put(self, url: str, response: CachedResponse) -> None:
        path = self._path(url)
        path.parent.mkdir(parents=True, exist_ok=True)
        payload = json.dumps(
            {
                "url": url,
                "status": response.status,
                "body": response.body.hex(),
                "etag": response.etag,
                "last_modified": response.last_modified,
                "fetched_at": response.fetched_at,
            }
        )
        fd, tmp = tempfile.mkstemp(dir=path.parent, suffix=".tmp")
        try:
            with os.fdopen(fd, "w", encoding="utf-8") as handle:
                handle.write(payload)
            os.replace(tmp, path)
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            raise


class RegistryHttp:
    """GET with cache, revalidation, retries and a cap on concurrent requests per host."""

    def __init__(
        self,
        cache_dir: Path | None,
        *,
        max_age: float = 7 * 24 * 3600,
        timeout: float = 15.0,
        retries: int = 3,
        per_host: int = 4,
        transport: httpx.BaseTransport | None = None,
    ) -> None:
        self.cache = HttpCache(cache_dir) if cache_dir is not None else None
        self.max_age = max_age
        self.retries = retries
        self._client = httpx.Client(
            timeout=timeout,
            follow_redirects=True,
            headers={"User-Agent": USER_AGENT, "Accept": "application/json, application/xml;q=0.9, */*;q=0.5"},
            transport=transport,
        )
        self._per_host = per_host
        self._gates: dict[str, threading.Semaphore] = {}
        self._lock = threading.Lock()
        self.requests_made = 0

    def close(self) -> None:
        self._client.close()

    def _gate(self, url: str) -> threading.Semaphore:
        host = httpx.URL(url).host
        with self._lock:
            if host not in self._gates:
                self._gates[host] = threading.Semaphore(self._per_host)
            return self._gates[host]

    def get(self, url: str) -> CachedResponse:
        """The response for `url` (status 404 is an answer, not an error)."""
        cached = self.cache.get(url) if self.cache else None
        if cached is not None and time.time() - cached.fetched_at < self.max_age:
            return cached
        headers: dict[str, str] = {}
        if cached is not None:
            if cached.etag:
                headers["If-None-Match"] = cached.etag
            if cached.last_modified:
                headers["If-Modified-Since"] = cached.last_modified
        response = self._fetch(url, headers)
        if response.status_code == 304 and cached is not None:
            fresh = CachedResponse(cached.status, cached.body, cached.etag, cached.last_modified, time.time())
        else:
            body = response.content
            if len(body) > MAX_BODY_BYTES:
                raise RegistryError(f"{url}: response larger than {MAX_BODY_BYTES:,} bytes")
            fresh = CachedResponse(
                response.status_code,
                body,
                response.headers.get("ETag"),
                response.headers.get("Last-Modified"),
                time.time(),
            )
        if self.cache is not None and (fresh.status == 200 or fresh.status == 404):
            self.cache.put(url, fresh)
        return fresh

    def get_json(self, url: str) -> Any | None:
        """Parsed JSON, or None when the registry says the package or version does not exist."""
        response = self.get(url)
        if response.status == 404 or response.status == 410:
            return None
        if response.status != 200:
            raise RegistryError(f"{url}: HTTP {response.status}")
        try:
            return json.loads(response.body)
        except ValueError as exc:
            raise RegistryError(f"{url}: not JSON ({exc})") from exc

    def _fetch(self, url: str, headers: dict[str, str]) -> httpx.Response:
        delay = 0.5
        last: Exception | None = None
        for attempt in range(self.retries + 1):
            try:
                with self._gate(url):
                    self.requests_made += 1
                    response = self._client.get(url, headers=headers)
            except httpx.HTTPError as exc:
                last = exc
            else:
                if response.status_code not in RETRY_STATUSES:
                    return response
                last = RegistryError(f"{url}: HTTP {response.status_code}")
                retry_after = response.headers.get("Retry-After", "")
                if retry_after.isdigit():
                    delay = min(float(retry_after), 30.0)
            if attempt < self.retries:
                time.sleep(delay)
                delay = min(delay * 2, 30.0)
        raise RegistryError(f"{url}: gave up after {self.retries + 1} attempts ({last})")
