"""Sending a scan's JSON result to an ospo service (`ospo scan --upload`).

Every way an upload can fail becomes one `UploadError` with a sentence a CI log reader can
act on: a bad token, a role that may not upload, a result the service rejects, a service
that cannot be reached.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import httpx

from ospo.model import OspoError


class UploadError(OspoError):
    """The service did not store the scan."""


@dataclass(frozen=True)
class Uploaded:
    scan_id: int
    project_id: int
    created: bool
    components: int
    location: str
    verdict: str | None = None  # the service's verdict under its own policy (older services: None)
    vulnerabilities: int = 0


def _detail(response: httpx.Response) -> str:
    try:
        detail = response.json().get("detail")
    except (ValueError, AttributeError):
        return response.text[:300]
    if isinstance(detail, list):  # FastAPI's validation errors
        parts = []
        for item in detail[:5]:
            if isinstance(item, dict):
                where = ".".join(str(x) for x in item.get("loc", ()))
                parts.append(f"{where}: {item.get('msg')}")
        return "; ".join(parts) or str(detail)[:300]
    return str(detail)[:300]


def upload_scan(
    base_url: str,
    token: str,
    data: dict[str, Any],
    project: str,
    *,
    product: str | None = None,
    release: str | None = None,
    timeout: float = 120.0,
    transport: httpx.BaseTransport | None = None,
) -> Uploaded:
    """POST `data` (the scan's JSON form) to `base_url`/api/v1/scans; UploadError otherwise."""
    url = base_url.rstrip("/") + "/api/v1/scans"
    params = {k: v for k, v in (("project", project), ("product", product), ("release", release)) if v is not None}
    try:
        with httpx.Client(timeout=timeout, transport=transport) as client:
            response = client.post(url, params=params, json=data, headers={"Authorization": f"Bearer {token}"})
    except httpx.InvalidURL as exc:
        raise UploadError(f"--upload {base_url!r} is not a valid URL: {exc}") from None
    except httpx.HTTPError as exc:
        raise UploadError(f"cannot reach the ospo service at {url}: {type(exc).__name__}: {exc}") from None
    status = response.status_code
    if status == 401:
        raise UploadError(f"the service refused the token (401: {_detail(response)}); check --token / OSPO_TOKEN")
    if status == 403:
        raise UploadError(f"the token may not upload scans (403: {_detail(response)}); it needs the upload permission")
    if status == 413:
        raise UploadError("the scan result is larger than the service accepts (413)")
    if status == 422:
        raise UploadError(f"the service rejected the scan result (422): {_detail(response)}")
    if status == 404:
        raise UploadError(f"{url} was not found (404): is {base_url} an ospo service?")
    if not 200 <= status < 300:
        raise UploadError(f"the service answered {status}: {_detail(response)}")
    try:
        body = response.json()
        verdict = body.get("verdict")
        return Uploaded(
            int(body["scan_id"]),
            int(body["project_id"]),
            bool(body["created"]),
            int(body["components"]),
            url,
            str(verdict) if verdict is not None else None,
            int(body.get("vulnerabilities") or 0),
        )
    except (ValueError, KeyError, TypeError, AttributeError) as exc:
        raise UploadError(f"the service's answer is not an ospo ingest response: {exc}") from None
