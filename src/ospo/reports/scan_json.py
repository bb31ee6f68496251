"""The documented JSON form of a ScanResult (`ospo scan --format json`).

It is also the stage contract: `ospo scan --upload` sends it and the store ingests it, so
its shape only changes with a new `ospo_scan_version`.
"""

from __future__ import annotations

from typing import Any

from ospo.model import ScanResult
from ospo.model.serialize import from_data, to_data


def scan_to_data(result: ScanResult) -> dict[str, Any]:
    data = to_data(result)
    return {"ospo_scan_version": result.version, **data}


def scan_from_data(data: dict[str, Any]) -> ScanResult:
    payload = {k: v for k, v in data.items() if k != "ospo_scan_version"}
    return from_data(ScanResult, payload)
