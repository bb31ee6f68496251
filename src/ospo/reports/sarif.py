"""SARIF 2.1.0 for vulnerability findings, as code-scanning services ingest it.

One rule per vulnerability (its canonical id, aliases in the rule's properties), one result
per vulnerable component, located at the manifest line that brought the component in.
`security-severity` carries the CVSS score (the property GitHub ranks alerts by); findings
accepted as a risk or declared not affected are emitted with an accepted suppression
rather than left out, so the decision stays visible.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable
from typing import Any

from ospo._version import VERSION
from ospo.model import Component, VulnerabilityMatch

SARIF_SCHEMA = "https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json"
_LEVEL = {"critical": "error", "high": "error", "medium": "warning", "low": "note"}
_DEFAULT_SCORE = {"critical": "9.5", "high": "8.0", "medium": "5.5", "low": "2.0"}


def _rule(match: VulnerabilityMatch) -> dict[str, Any]:
    adv = match.advisory
    text = adv.summary or f"{adv.id} affects this component"
    props: dict[str, Any] = {
        "tags": ["security", "vulnerability", adv.severity],
        "aliases": list(adv.aliases),
        "severity": adv.severity,
    }
    score = f"{adv.score:.1f}" if adv.score is not None else _DEFAULT_SCORE.get(adv.severity)
    if score is not None:
        props["security-severity"] = score
    if adv.vector:
        props["cvssVector"] = adv.vector
    return {
        "id": adv.id,
        "name": adv.id.replace("-", ""),
        "shortDescription": {"text": text[:1000]},
        "fullDescription": {"text": text},
        "helpUri": f"https://osv.dev/vulnerability/{adv.id}",
        "help": {"text": f"{text}\nSee https://osv.dev/vulnerability/{adv.id}"},
        "defaultConfiguration": {"level": _LEVEL.get(adv.severity, "warning")},
        "properties": props,
    }


def _message(match: VulnerabilityMatch) -> str:
    adv = match.advisory
    known = f" (also {', '.join(adv.aliases)})" if adv.aliases else ""
    parts = [f"{match.purl} is affected by {adv.id}{known}, severity {adv.severity}."]
    if adv.summary:
        parts.append(adv.summary.rstrip(".") + ".")
    if match.fixed_versions:
        parts.append(f"Fixed in {', '.join(match.fixed_versions)}.")
    if match.upgrade_to:
        parts.append(f"Upgrading to {match.upgrade_to} clears every known vulnerability of this component.")
    elif not match.fixed_versions:
        parts.append("No fixed version is known.")
    return " ".join(parts)


def to_sarif(
    matches: Iterable[VulnerabilityMatch],
    components: Iterable[Component] = (),
    *,
    tool_version: str = VERSION,
) -> dict[str, Any]:
    """The SARIF log as plain data; `components` supply locations (purl → manifest line)."""
    where = {c.purl: c.locations for c in components}
    rules: dict[str, dict[str, Any]] = {}
    results: list[dict[str, Any]] = []
    for match in matches:
        rule_id = match.advisory.id
        if rule_id not in rules:
            rules[rule_id] = _rule(match)
        result: dict[str, Any] = {
            "ruleId": rule_id,
            "ruleIndex": list(rules).index(rule_id),
            "level": _LEVEL.get(match.advisory.severity, "warning"),
            "message": {"text": _message(match)},
            "partialFingerprints": {
                "ospoVulnerability/v1": hashlib.sha256(f"{match.purl}\n{rule_id}".encode()).hexdigest()
            },
            "properties": {
                "purl": match.purl,
                "fixedVersions": list(match.fixed_versions),
                "state": match.state,
            },
        }
        if match.due:
            result["properties"]["due"] = match.due
        locations = []
        for loc in where.get(match.purl, ())[:10]:
            physical: dict[str, Any] = {"artifactLocation": {"uri": loc.path.replace("\\", "/")}}
            if loc.line is not None and loc.line >= 1:
                region: dict[str, Any] = {"startLine": loc.line}
                if loc.end_line is not None and loc.end_line >= loc.line:
                    region["endLine"] = loc.end_line
                physical["region"] = region
            locations.append({"physicalLocation": physical})
        if locations:
            result["locations"] = locations
        else:
            result["locations"] = [{"logicalLocations": [{"name": match.purl, "kind": "package"}]}]
        if match.state in ("accepted-risk", "not-affected"):
            suppression: dict[str, Any] = {"kind": "external", "status": "accepted"}
            justification = match.state_detail or match.justification or match.state
            suppression["justification"] = justification
            result["suppressions"] = [suppression]
        results.append(result)
    return {
        "$schema": SARIF_SCHEMA,
        "version": "2.1.0",
        "runs": [
            {
                "tool": {
                    "driver": {
                        "name": "ospo",
                        "version": tool_version,
                        "semanticVersion": tool_version,
                        "rules": list(rules.values()),
                    }
                },
                "results": results,
                "columnKind": "unicodeCodePoints",
            }
        ],
    }


def sarif_json(matches: Iterable[VulnerabilityMatch], components: Iterable[Component] = ()) -> str:
    return json.dumps(to_sarif(matches, components), indent=2, sort_keys=False)
