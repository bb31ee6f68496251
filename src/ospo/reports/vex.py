"""CycloneDX 1.6 VEX: the vulnerabilities of an inventory with each one's analysis state.

Built with cyclonedx-python-lib so the output is what its schema validator accepts. The
finding's state maps onto CycloneDX impact analysis: open → in_triage, fixed → resolved,
not-affected → not_affected with its justification, accepted-risk → exploitable with the
response will_not_fix and the reason, owner and expiry in the detail.
"""

from __future__ import annotations

from collections.abc import Iterable
from decimal import Decimal

from cyclonedx.model import XsUri
from cyclonedx.model.bom import Bom
from cyclonedx.model.component import Component as CdxComponent
from cyclonedx.model.component import ComponentType
from cyclonedx.model.impact_analysis import (
    ImpactAnalysisAffectedStatus,
    ImpactAnalysisJustification,
    ImpactAnalysisResponse,
    ImpactAnalysisState,
)
from cyclonedx.model.vulnerability import (
    BomTarget,
    BomTargetVersionRange,
    Vulnerability,
    VulnerabilityAnalysis,
    VulnerabilityRating,
    VulnerabilityReference,
    VulnerabilityScoreSource,
    VulnerabilitySeverity,
    VulnerabilitySource,
)
from cyclonedx.output.json import JsonV1Dot6
from packageurl import PackageURL

from ospo.model import Component, VulnerabilityMatch

_SEVERITY = {
    "critical": VulnerabilitySeverity.CRITICAL,
    "high": VulnerabilitySeverity.HIGH,
    "medium": VulnerabilitySeverity.MEDIUM,
    "low": VulnerabilitySeverity.LOW,
    "none": VulnerabilitySeverity.NONE,
}
_STATE = {
    "open": ImpactAnalysisState.IN_TRIAGE,
    "fixed": ImpactAnalysisState.RESOLVED,
    "not-affected": ImpactAnalysisState.NOT_AFFECTED,
    "accepted-risk": ImpactAnalysisState.EXPLOITABLE,
}
_JUSTIFICATION = {j.value: j for j in ImpactAnalysisJustification}


def _source(vid: str) -> VulnerabilitySource:
    if vid.startswith("CVE-"):
        return VulnerabilitySource(name="NVD", url=XsUri(f"https://nvd.nist.gov/vuln/detail/{vid}"))
    if vid.startswith("GHSA-"):
        return VulnerabilitySource(name="GitHub", url=XsUri(f"https://github.com/advisories/{vid}"))
    return VulnerabilitySource(name="OSV", url=XsUri(f"https://osv.dev/vulnerability/{vid}"))


def _method(vector: str | None) -> VulnerabilityScoreSource:
    if vector is None:
        return VulnerabilityScoreSource.OTHER
    if vector.startswith("CVSS:4"):
        return VulnerabilityScoreSource.CVSS_V4
    if vector.startswith("CVSS:3.1"):
        return VulnerabilityScoreSource.CVSS_V3_1
    if vector.startswith("CVSS:3"):
        return VulnerabilityScoreSource.CVSS_V3
    return VulnerabilityScoreSource.CVSS_V2


def _cdx_component(component: Component) -> CdxComponent:
    try:
        purl: PackageURL | None = PackageURL.from_string(component.purl)
    except ValueError:
        purl = None
    return CdxComponent(
        type=ComponentType.LIBRARY,
        name=component.name,
        group=component.namespace,
        version=component.version,
        purl=purl,
        bom_ref=component.purl,
    )


def _vulnerability(match: VulnerabilityMatch, version: str | None) -> Vulnerability:
    adv = match.advisory
    ratings = []
    if adv.severity != "unknown" or adv.score is not None:
        ratings.append(
            VulnerabilityRating(
                source=_source(adv.id),
                score=Decimal(str(adv.score)) if adv.score is not None else None,
                severity=_SEVERITY.get(adv.severity, VulnerabilitySeverity.UNKNOWN),
                method=_method(adv.vector),
                vector=adv.vector,
            )
        )
    state = _STATE.get(match.state, ImpactAnalysisState.IN_TRIAGE)
    responses = []
    justification = None
    detail = match.state_detail
    if match.state == "accepted-risk":
        responses.append(ImpactAnalysisResponse.WILL_NOT_FIX)
    elif match.state == "open" and match.fixed_versions:
        responses.append(ImpactAnalysisResponse.UPDATE)
    if match.state == "not-affected" and match.justification:
        justification = _JUSTIFICATION.get(match.justification)
    recommendation = None
    if match.upgrade_to:
        recommendation = f"Upgrade to {match.upgrade_to}"
    elif match.fixed_versions:
        recommendation = f"Fixed in {', '.join(match.fixed_versions)}"
    status = (
        ImpactAnalysisAffectedStatus.UNAFFECTED
        if match.state in ("not-affected", "fixed")
        else ImpactAnalysisAffectedStatus.AFFECTED
    )
    return Vulnerability(
        bom_ref=f"{adv.id}@{match.purl}",
        id=adv.id,
        source=_source(adv.id),
        references=[VulnerabilityReference(id=a, source=_source(a)) for a in adv.aliases],
        ratings=ratings,
        description=adv.summary or None,
        detail=match.reason or None,
        recommendation=recommendation,
        analysis=VulnerabilityAnalysis(
            state=state, justification=justification, responses=responses or None, detail=detail
        ),
        affects=[BomTarget(ref=match.purl, versions=[BomTargetVersionRange(version=version, status=status)])],
    )


def to_vex_bom(matches: Iterable[VulnerabilityMatch], components: Iterable[Component]) -> Bom:
    """A BOM holding the affected components and one vulnerability per (vulnerability, component)."""
    matches = list(matches)
    by_purl = {c.purl: c for c in components}
    bom = Bom()
    added: set[str] = set()
    for match in matches:
        component = by_purl.get(match.purl)
        if component is not None and match.purl not in added:
            bom.components.add(_cdx_component(component))
            added.add(match.purl)
        if component is None and match.purl not in added:
            bom.components.add(
                _cdx_component(Component(purl=match.purl, name=match.purl, version=None, ecosystem="generic"))
            )
            added.add(match.purl)
        bom.vulnerabilities.add(_vulnerability(match, component.version if component else None))
    return bom


def vex_json(matches: Iterable[VulnerabilityMatch], components: Iterable[Component]) -> str:
    return str(JsonV1Dot6(to_vex_bom(matches, components)).output_as_string(indent=2))
