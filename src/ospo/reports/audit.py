"""The release audit report: one self-contained HTML page the review board signs."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from ospo._version import VERSION
from ospo.model import LicenseFinding, ScanResult, Verdict, VulnerabilityMatch
from ospo.reports.templating import environment

_ORDER = {Verdict.DENY.value: 0, Verdict.REVIEW.value: 1, Verdict.ALLOW.value: 2}


@dataclass
class _Exception:
    id: str
    components: list[str] = field(default_factory=list)


@dataclass
class _Row:
    name: str
    version: str
    scope: str
    license: str
    license_source: str
    verdict: str
    exception: str | None
    reasons: list[str]


def audit_context(result: ScanResult, product: str, generated: str | None = None) -> dict[str, Any]:
    decisions = {d.subject: d for d in result.decisions}
    concluded = {c.purl: c for c in result.concluded}
    rows: list[_Row] = []
    used: dict[str, _Exception] = {}
    for comp in result.inventory.components:
        decision = decisions.get(comp.purl)
        info = concluded.get(comp.purl)
        verdict = decision.verdict.value if decision else "allow"
        if decision and decision.exception:
            used.setdefault(decision.exception, _Exception(decision.exception)).components.append(comp.display_name)
        rows.append(
            _Row(
                name=comp.display_name,
                version=comp.version or comp.declared_range or "",
                scope=comp.scope.value,
                license=(info.expression if info else comp.declared_license) or "unknown",
                license_source=info.source if info else "",
                verdict=verdict,
                exception=decision.exception if decision else None,
                reasons=list(decision.reasons) if decision else [],
            )
        )
    rows.sort(key=lambda r: (_ORDER[r.verdict], r.name.lower()))
    counts = {v.value: sum(1 for r in rows if r.verdict == v.value) for v in Verdict}
    expired = sorted(
        {r.split(" ")[1] for d in result.decisions for r in d.reasons if r.startswith("exception ") and "expired" in r}
    )
    vulns: list[VulnerabilityMatch] = sorted(result.vulnerabilities, key=lambda v: (v.purl, v.advisory.id))
    files: list[LicenseFinding] = sorted(result.licenses, key=lambda f: (f.path, f.start_line))
    return {
        "product": product,
        "root": result.root,
        "generated": generated or dt.datetime.now(dt.UTC).strftime("%Y-%m-%d %H:%M UTC"),
        "distribution": result.distribution,
        "policy": result.policy_source or "ospo default policy",
        "verdict": result.verdict or "allow",
        "counts": counts,
        "components": rows,
        "open_items": [r for r in rows if r.verdict != "allow"],
        "vulnerabilities": vulns,
        "exceptions_used": sorted(used.values(), key=lambda e: e.id),
        "expired_exceptions": expired,
        "file_licenses": files,
        "problems": [str(p) for p in result.problems],
        "tool_version": VERSION,
    }


def render_audit_html(result: ScanResult, product: str, generated: str | None = None) -> str:
    return environment().get_template("audit.html.j2").render(a=audit_context(result, product, generated))
