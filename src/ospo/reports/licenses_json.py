"""The licence scan as JSON (format `ospo-licenses`, documented in docs/licenses-json.md)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from ospo.model import LicenseScan
from ospo.model.serialize import json_text

FORMAT_NAME = "ospo-licenses"
FORMAT_VERSION = 1


def licenses_to_data(scan: LicenseScan, category_of: Callable[[str], str] | None = None) -> dict[str, Any]:
    """Plain data; `category_of` (id -> category) adds each finding's category when given."""

    def category(expression: str) -> str | None:
        return category_of(expression) if category_of is not None else None

    return {
        "format": FORMAT_NAME,
        "version": FORMAT_VERSION,
        "root": scan.root,
        "license_data_version": scan.data_version,
        "files_seen": scan.files_seen,
        "summary": [
            {
                "folder": p.folder,
                "declared": p.declared,
                "declared_from": list(p.declared_from),
                "detected": list(p.detected),
                "files_with_licenses": p.files_with_licenses,
            }
            for p in scan.packages
        ],
        "files": [
            {
                "path": f.path,
                "sha1": f.sha1,
                "size": f.size,
                "scanned": f.scanned,
                "licenses": [
                    {
                        "expression": x.expression,
                        "category": category(x.expression),
                        "kind": x.kind.value,
                        "start_line": x.start_line,
                        "end_line": x.end_line,
                        "rule": x.rule,
                        "score": x.score,
                        "coverage": x.coverage,
                    }
                    for x in f.findings
                ],
                "copyrights": [
                    {
                        "statement": c.statement,
                        "holder": c.holder,
                        "start_line": c.line,
                        "end_line": c.end_line or c.line,
                    }
                    for c in f.copyrights
                ],
                "notes": [{"kind": n.kind, "message": n.message} for n in f.notes],
            }
            for f in scan.files
        ],
        "problems": [{"path": p.path, "kind": p.kind, "message": p.message, "line": p.line} for p in scan.problems],
    }


def licenses_to_json(scan: LicenseScan, category_of: Callable[[str], str] | None = None) -> str:
    return json_text(licenses_to_data(scan, category_of))
