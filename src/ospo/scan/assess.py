"""Judging a ScanResult that already holds its inventory and licences, without a tree.

Two things need this: a supplier's SBOM (the inventory and declared licences come from the
document, not from walking files) and re-evaluation (the stored result of an earlier scan
is judged again after the policy changed or new advisories arrived). Both match the
components against the store's current advisories and evaluate the policy exactly as
`ospo scan` does, with the same licence categories and version orderings.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from dataclasses import dataclass, field

from ospo.model import ConcludedLicense, FileProblem, Inventory, LicenseFinding, ScanResult, VulnerabilityMatch
from ospo.policy import Policy, evaluate
from ospo.policy.evaluate import PolicyReport
from ospo.scan import licensing
from ospo.scan.conclude import owner_folders, owner_of
from ospo.scan.vulnerabilities import compare_for
from ospo.store import Store
from ospo.vulns.matcher import AdvisoryIndex, Finding, component_key, match_components
from ospo.vulns.sla import SlaPolicy
from ospo.vulns.tracking import TrackedFinding, list_findings, with_sla


@dataclass
class Assessment:
    """The judged result, the findings to track, and the policy report behind the verdict."""

    result: ScanResult
    findings: list[Finding]
    report: PolicyReport
    problems: list[FileProblem] = field(default_factory=list)


def result_from_inventory(inventory: Inventory, distribution: str = "distributed") -> ScanResult:
    """A ScanResult for an SBOM's inventory: each component's declared licence, normalised
    to SPDX where it can be, is its concluded licence; a name that maps to nothing known is
    kept as written so a reviewer sees what the supplier said."""
    concluded: list[ConcludedLicense] = []
    for comp in inventory.components:
        if comp.declared_license:
            spdx = licensing.license_from_registry([comp.declared_license], True)
            concluded.append(ConcludedLicense(comp.purl, spdx or comp.declared_license, "declared"))
        else:
            concluded.append(ConcludedLicense(comp.purl, None, "unknown"))
    return ScanResult(
        root=inventory.root,
        inventory=inventory,
        problems=list(inventory.problems),
        distribution=distribution,
        concluded=concluded,
    )


def _unowned_findings(result: ScanResult) -> dict[str, list[LicenseFinding]]:
    owners = owner_folders(result.inventory.components)
    unowned: dict[str, list[LicenseFinding]] = {}
    for finding in result.licenses:
        if owner_of(finding.path, owners) is None:
            unowned.setdefault(finding.path, []).append(finding)
    return unowned


def assess(
    result: ScanResult,
    policy: Policy,
    *,
    store: Store | None,
    project: str | None = None,
    policy_source: str | None = None,
    today: dt.date | None = None,
    sla: SlaPolicy | None = None,
) -> Assessment:
    """`result` with its vulnerabilities, decisions and verdict made anew.

    Advisories come from `store` (only the candidates for the result's components are
    loaded); each match is due after the `sla` window for its severity (the policy's,
    unless given), counted from when `project`'s tracked finding was first seen.
    """
    components = result.inventory.components
    index = AdvisoryIndex()
    today = today or dt.datetime.now(dt.UTC).date()
    tracked: list[TrackedFinding] = []
    if store is not None:
        keys = {k for c in components if c.version and (k := component_key(c)) is not None}
        index = AdvisoryIndex.from_store(store, keys)
        if project is not None:
            tracked = list_findings(store, project, today=today, include_closed=True)
    matched = match_components(components, index)
    matches: list[VulnerabilityMatch]
    matches, overdue_keys = with_sla(
        matched.matches(), tracked, sla or SlaPolicy.from_overrides(base=policy.sla), today
    )

    def overdue(m: VulnerabilityMatch) -> bool:
        return (m.purl, m.advisory.id) in overdue_keys

    concluded = {c.purl: c for c in result.concluded}
    licenses = {
        c.purl: (concluded[c.purl].expression if c.purl in concluded else c.declared_license) for c in components
    }
    sources = {c.purl: concluded[c.purl].source for c in components if c.purl in concluded}
    report = evaluate(
        policy,
        components,
        licenses,
        matches,
        distribution=result.distribution,
        license_sources=sources,
        today=today,
        category_of=licensing.category_of,
        compare_for=compare_for,
        overdue=overdue,
    )
    report.decisions.extend(licensing.file_decisions(policy, _unowned_findings(result), result.distribution, today))
    judged = dataclasses.replace(
        result,
        vulnerabilities=matches,
        decisions=report.decisions,
        policy_source=policy_source if policy_source is not None else result.policy_source,
        verdict=report.verdict.value,
    )
    return Assessment(judged, matched.findings, report, list(matched.unsupported))
