"""The results that stages hand to each other: Inventory, then ScanResult."""

from __future__ import annotations

from dataclasses import dataclass, field

from ospo.model.components import Component, Dependency
from ospo.model.errors import FileProblem
from ospo.model.findings import Copyright, LicenseFinding, PolicyDecision, VulnerabilityMatch

SCAN_RESULT_VERSION = 1


@dataclass
class Inventory:
    """Every component found under one root, deduplicated by purl, with the graph.

    `projects` are the roots described by manifests (a package.json's own package, a
    pom.xml's artifact...); `dependencies` use purls or project refs.
    """

    root: str
    components: list[Component] = field(default_factory=list)
    projects: list[Component] = field(default_factory=list)
    dependencies: list[Dependency] = field(default_factory=list)
    manifests: list[str] = field(default_factory=list)
    problems: list[FileProblem] = field(default_factory=list)
    files_seen: int = 0


@dataclass(frozen=True)
class ConcludedLicense:
    """The licence ospo concludes for one component, where it came from, and its holders.

    `source` is ``declared`` (package metadata in the tree), ``detected`` (licence files of
    the package's own folder), ``registry`` (the ecosystem registry's metadata) or
    ``unknown``; NOTICE files and policy decisions are made from this.
    """

    purl: str
    expression: str | None
    source: str
    holders: tuple[str, ...] = ()


@dataclass
class ScanResult:
    """Everything one scan found: the contract between the scan, the reports and the store."""

    root: str
    inventory: Inventory
    licenses: list[LicenseFinding] = field(default_factory=list)
    copyrights: list[Copyright] = field(default_factory=list)
    vulnerabilities: list[VulnerabilityMatch] = field(default_factory=list)
    decisions: list[PolicyDecision] = field(default_factory=list)
    problems: list[FileProblem] = field(default_factory=list)
    distribution: str = "distributed"
    version: int = SCAN_RESULT_VERSION
    concluded: list[ConcludedLicense] = field(default_factory=list)
    policy_source: str | None = None
    verdict: str | None = None
