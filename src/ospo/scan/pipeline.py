"""`scan(path, options) -> ScanResult`: inventory, licences, vulnerabilities and policy.

The tree is walked once: every file is offered to the inventory collector (which claims
manifests by name) and, when it may hold licence text, queued for the licence scanner.
Vulnerability matching and policy evaluation then work on the results in memory. The only
outside things a scan may touch are the local OSV store (read only) and, unless offline,
the package registries.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from ospo.inventory import InventoryCollector, InventoryOptions
from ospo.model import (
    Copyright,
    FileProblem,
    Inventory,
    LicenseFinding,
    ScanResult,
    VulnerabilityMatch,
)
from ospo.policy import Policy, evaluate, load_policy
from ospo.policy.evaluate import PolicyReport
from ospo.scan.conclude import conclude
from ospo.vulns.sla import SlaPolicy
from ospo.walk import WalkedFile, Walker, WalkOptions

# (stage, done, total) — total is None while unknown.
Progress = Callable[[str, int, int | None], None]

POLICY_FILE_NAMES = ("ospo-policy.yml", "ospo-policy.yaml", ".ospo-policy.yml")


@dataclass(frozen=True)
class ScanOptions:
    walk: WalkOptions = field(default_factory=WalkOptions)
    distribution: str = "distributed"
    policy_path: Path | None = None  # None: ospo-policy.yml at the root, else the default policy
    offline: bool = False
    licenses: bool = True
    processes: int = 1
    advisories: tuple[Path, ...] = ()  # OSV folders/zips matched in memory, besides the store
    use_store: bool = True  # match against the local OSV store when it exists
    store_url: str | None = None
    registry_base_urls: dict[str, str] | None = None
    registry_cache_dir: Path | None = None
    today: dt.date | None = None


@dataclass
class ScanOutcome:
    """The ScanResult plus what only the terminal report needs."""

    result: ScanResult
    policy: Policy
    report: PolicyReport
    fix_advice: dict[str, str | None] = field(default_factory=dict)
    unknown_licenses: list[str] = field(default_factory=list)
    stage_seconds: dict[str, float] = field(default_factory=dict)


def find_policy(root: Path, explicit: Path | None) -> Path | None:
    if explicit is not None:
        return explicit
    base = root if root.is_dir() else root.parent
    for name in POLICY_FILE_NAMES:
        candidate = base / name
        if candidate.is_file():
            return candidate
    return None


def scan(root: str | Path, options: ScanOptions | None = None, progress: Progress | None = None) -> ScanOutcome:
    import time

    from ospo.scan import licensing, vulnerabilities

    options = options or ScanOptions()
    root = Path(root)
    tick = progress or (lambda _stage, _done, _total: None)
    timings: dict[str, float] = {}
    policy_path = find_policy(root, options.policy_path)
    policy = load_policy(policy_path)
    sla = SlaPolicy.from_overrides(base=policy.sla)  # before any work: a bad OSPO_SLA stops here

    # 1. One walk: inventory claims files as they come; licence candidates are queued.
    started = time.perf_counter()
    walker = Walker(str(root), options.walk)
    collector = InventoryCollector(str(root), InventoryOptions(walk=options.walk))
    candidates: list[WalkedFile] = []
    for file in walker:
        claimed = collector.offer(file)
        if options.licenses and licensing.wants(file, claimed):
            candidates.append(file)
        if walker.files_seen % 500 == 0:
            tick("walk", walker.files_seen, None)
    inventory: Inventory = collector.finish(walker.files_seen)
    inventory.problems[:0] = walker.problems
    tick("walk", walker.files_seen, walker.files_seen)
    timings["walk+inventory"] = time.perf_counter() - started

    # 2. Licences and copyrights in files.
    started = time.perf_counter()
    findings: list[LicenseFinding] = []
    copyrights: list[Copyright] = []
    problems: list[FileProblem] = []
    if candidates:
        findings, copyrights, problems = licensing.scan_files(
            candidates, processes=options.processes, progress=lambda d, t: tick("licences", d, t)
        )
    timings["licences"] = time.perf_counter() - started

    # 3. Registry metadata for components whose licence the tree does not tell.
    started = time.perf_counter()
    registry_licenses: dict[str, str | None] = {}
    if not options.offline:
        registry_licenses, registry_problems = licensing.registry_licenses(
            [c for c in inventory.components if not c.declared_license],
            base_urls=options.registry_base_urls,
            cache_dir=options.registry_cache_dir,
        )
        problems.extend(registry_problems)
    timings["registry"] = time.perf_counter() - started
    concluded, unowned = conclude(
        inventory.components,
        findings,
        copyrights,
        registry_licenses,
        simplify=licensing.combine,
        holders_of=licensing.holders,
    )

    # 4. Vulnerabilities.
    started = time.perf_counter()
    matches: list[VulnerabilityMatch]
    matches, advice, vuln_problems, overdue = vulnerabilities.match(
        inventory,
        advisories=options.advisories,
        use_store=options.use_store,
        store_url=options.store_url,
        today=options.today,
        sla=sla,
    )
    problems.extend(vuln_problems)
    timings["vulnerabilities"] = time.perf_counter() - started

    # 5. Policy: components, then licences found in files that belong to no package.
    licenses_by_purl = {c.purl: c.expression for c in concluded}
    sources = {c.purl: c.source for c in concluded}
    report = evaluate(
        policy,
        inventory.components,
        licenses_by_purl,
        matches,
        distribution=options.distribution,
        license_sources=sources,
        today=options.today,
        category_of=licensing.category_of,
        compare_for=vulnerabilities.compare_for,
        overdue=overdue,
    )
    report.decisions.extend(licensing.file_decisions(policy, unowned, options.distribution, options.today))
    result = ScanResult(
        root=str(root),
        inventory=inventory,
        licenses=findings,
        copyrights=copyrights,
        vulnerabilities=matches,
        decisions=report.decisions,
        problems=[*inventory.problems, *problems],
        distribution=options.distribution,
        concluded=concluded,
        policy_source=str(policy_path) if policy_path else "ospo default policy",
        verdict=report.verdict.value,
    )
    unknown = [c.purl for c in concluded if c.expression is None]
    return ScanOutcome(result, policy, report, advice, unknown, timings)
