"""SARIF 2.1.0 for `ospo scan`: policy decisions and vulnerabilities as code-scanning alerts.

Each result points at the manifest line that brings the component in, so GitHub code
scanning shows it on the lockfile. Rules are the policy rule or the advisory id.
"""

from __future__ import annotations

from typing import Any

from ospo._version import VERSION
from ospo.model import Component, ScanResult, Verdict

SARIF_SCHEMA = "https://json.schemastore.org/sarif-2.1.0.json"
_LEVEL = {Verdict.DENY: "error", Verdict.REVIEW: "warning"}
_SEVERITY_LEVEL = {"critical": "error", "high": "error", "medium": "warning", "low": "note"}
_SECURITY_SCORE = {"critical": "9.5", "high": "8.0", "medium": "5.5", "low": "2.0"}


def _location(comp: Component | None, fallback: str) -> dict[str, Any]:
    if comp is not None and comp.locations:
        loc = comp.locations[0]
        region = {"startLine": loc.line} if loc.line else None
        physical: dict[str, Any] = {"artifactLocation": {"uri": loc.path}}
        if region:
            physical["region"] = region
        return {"physicalLocation": physical}
    return {"physicalLocation": {"artifactLocation": {"uri": fallback}}}


def scan_to_sarif(result: ScanResult) -> dict[str, Any]:
    comps = {c.purl: c for c in result.inventory.components}
    rules: dict[str, dict[str, Any]] = {}
    results: list[dict[str, Any]] = []
    for decision in result.decisions:
        if decision.verdict is Verdict.ALLOW:
            continue
        rule_id = f"policy/{decision.rule or 'decision'}"
        rules.setdefault(
            rule_id,
            {
                "id": rule_id,
                "name": "PolicyDecision",
                "shortDescription": {"text": f"Open source policy: {decision.rule or 'decision'}"},
                "properties": {"tags": ["license", "compliance"]},
            },
        )
        comp = comps.get(decision.subject)
        name = comp.display_name + (f" {comp.version}" if comp and comp.version else "") if comp else decision.subject
        results.append(
            {
                "ruleId": rule_id,
                "level": _LEVEL[decision.verdict],
                "message": {"text": f"{name}: {decision.verdict.value} — " + "; ".join(decision.reasons)},
                "locations": [_location(comp, decision.subject.removeprefix("file:"))],
                "partialFingerprints": {"ospo/subject": f"{decision.subject}|{decision.rule}"},
            }
        )
    for match in result.vulnerabilities:
        adv = match.advisory
        rules.setdefault(
            adv.id,
            {
                "id": adv.id,
                "name": "Vulnerability",
                "shortDescription": {"text": adv.summary or adv.id},
                "helpUri": adv.references[0] if adv.references else f"https://osv.dev/vulnerability/{adv.id}",
                "properties": {
                    "tags": ["security", "vulnerability", *adv.aliases],
                    "security-severity": str(adv.score)
                    if adv.score is not None
                    else _SECURITY_SCORE.get(adv.severity, "0.0"),
                },
            },
        )
        comp = comps.get(match.purl)
        fixed = f" Fixed in {', '.join(match.fixed_versions)}." if match.fixed_versions else ""
        results.append(
            {
                "ruleId": adv.id,
                "level": _SEVERITY_LEVEL.get(adv.severity, "warning"),
                "message": {"text": f"{match.purl} is affected by {adv.id} ({adv.severity}).{fixed}"},
                "locations": [_location(comp, match.purl)],
                "partialFingerprints": {"ospo/vulnerability": f"{match.purl}|{adv.id}"},
            }
        )
    return {
        "$schema": SARIF_SCHEMA,
        "version": "2.1.0",
        "runs": [
            {
                "tool": {
                    "driver": {
                        "name": "ospo",
                        "version": VERSION,
                        "informationUri": "https://pypi.org/project/ospo/",
                        "rules": sorted(rules.values(), key=lambda r: r["id"]),
                    }
                },
                "results": results,
            }
        ],
    }
