"""A licence scan as an SPDX 2.3 JSON document: one file entry per scanned file.

Each file carries its SHA1, the licences found in it (`licenseInfoInFiles`, one licence
or `WITH` pair per entry, as SPDX asks) and its copyright statements. Every
`LicenseRef-` used is declared in `hasExtractedLicensingInfos`, as the specification
requires, pointing at the ScanCode licence it stands for.
"""

from __future__ import annotations

import re
import uuid
from datetime import UTC, datetime
from typing import Any

from ospo._version import VERSION
from ospo.model import LicenseScan
from ospo.model.serialize import json_text

_SPLIT = re.compile(r"\s+(?:AND|OR)\s+")
_IDSTRING = re.compile(r"[^A-Za-z0-9.\-]")


def _license_refs(expression: str) -> list[str]:
    """Licences of an expression as SPDX `licenseInfoInFiles` entries."""
    out = []
    for part in _SPLIT.split(expression.replace("(", " ").replace(")", " ").strip()):
        part = " ".join(part.split())
        if part:
            out.append(_clean(part))
    return out


def _clean(item: str) -> str:
    """LicenseRef ids may only hold letters, digits, '.' and '-'."""
    words = []
    for word in item.split(" "):
        if word.startswith("LicenseRef-"):
            word = "LicenseRef-" + _IDSTRING.sub("-", word[len("LicenseRef-") :])
        words.append(word)
    return " ".join(words)


def licenses_to_spdx_data(scan: LicenseScan, name: str | None = None, tool_version: str = VERSION) -> dict[str, Any]:
    created = datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
    files = []
    refs: set[str] = set()
    relationships = []
    for number, f in enumerate(scan.files, 1):
        if f.sha1 is None:
            continue  # unreadable: reported among the problems, no checksum to give
        spdx_id = f"SPDXRef-File-{number}"
        infos: list[str] = []
        for finding in f.findings:
            for item in _license_refs(finding.expression):
                if item not in infos:
                    infos.append(item)
        for item in infos:
            refs.update(w for w in item.split(" ") if w.startswith("LicenseRef-"))
        statements = list(dict.fromkeys(c.statement for c in f.copyrights))
        files.append(
            {
                "SPDXID": spdx_id,
                "fileName": f"./{f.path}",
                "checksums": [{"algorithm": "SHA1", "checksumValue": f.sha1}],
                "licenseConcluded": "NOASSERTION",
                "licenseInfoInFiles": infos or ["NONE"] if f.scanned else ["NOASSERTION"],
                "copyrightText": "\n".join(statements) if statements else "NONE" if f.scanned else "NOASSERTION",
            }
        )
        relationships.append(
            {
                "spdxElementId": "SPDXRef-DOCUMENT",
                "relationshipType": "DESCRIBES",
                "relatedSpdxElement": spdx_id,
            }
        )
    extracted = []
    for ref in sorted(refs):
        key = ref[len("LicenseRef-scancode-") :] if ref.startswith("LicenseRef-scancode-") else ref
        extracted.append(
            {
                "licenseId": ref,
                "name": key,
                "extractedText": (
                    f"See the ScanCode LicenseDB licence `{key}` (licensedcode-data {scan.data_version})."
                ),
            }
        )
    doc_name = name or f"ospo-licenses-{scan.root.rstrip('/').rsplit('/', 1)[-1] or 'scan'}"
    doc: dict[str, Any] = {
        "spdxVersion": "SPDX-2.3",
        "dataLicense": "CC0-1.0",
        "SPDXID": "SPDXRef-DOCUMENT",
        "name": doc_name,
        "documentNamespace": f"https://spdx.org/spdxdocs/{doc_name}-{uuid.uuid4()}",
        "creationInfo": {"created": created, "creators": [f"Tool: ospo-{tool_version}"]},
        "files": files,
        "relationships": relationships,
    }
    if extracted:
        doc["hasExtractedLicensingInfos"] = extracted
    return doc


def licenses_to_spdx_json(scan: LicenseScan, name: str | None = None, tool_version: str = VERSION) -> str:
    return json_text(licenses_to_spdx_data(scan, name, tool_version))
