"""A small, realistic portfolio for the dashboard tests: two products, three projects, an
advisory affecting one component, a component to review, a stale scan and a product that
was never scanned."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta

from ospo.model import (
    Advisory,
    Component,
    ConcludedLicense,
    Dependency,
    Inventory,
    PolicyDecision,
    ScanResult,
    Scope,
    Verdict,
    VulnerabilityMatch,
)
from ospo.store import Store
from ospo.store.accounts import add_user
from ospo.store.ingest import ingest_scan
from ospo.store.portfolio import ProductRow
from ospo.vulns.importer import import_records
from ospo.vulns.matcher import match_inventory
from ospo.vulns.osv import parse_osv
from ospo.vulns.tracking import record_findings

PASSWORD = "correct horse battery staple"
VULNERABLE = "pkg:pypi/vulnpkg@1.5.0"
GPL = "pkg:pypi/gplthing@1.0.0"
CVE = "CVE-2099-0001"

OSV = {
    "id": "GHSA-aaaa-bbbb-cccc",
    "aliases": [CVE],
    "modified": "2026-01-01T00:00:00Z",
    "published": "2026-01-01T00:00:00Z",
    "summary": "vulnpkg lets a crafted header run code",
    "database_specific": {"severity": "HIGH"},
    "affected": [
        {
            "package": {"ecosystem": "PyPI", "name": "vulnpkg"},
            "ranges": [{"type": "ECOSYSTEM", "events": [{"introduced": "0"}, {"fixed": "2.0.1"}]}],
        }
    ],
}


def _pypi(name: str, version: str, *, direct: bool, scope: Scope = Scope.RUNTIME) -> Component:
    return Component(f"pkg:pypi/{name}@{version}", name, version, "pypi", scope=scope, direct=direct)


def shop_web(vulnerable: bool = True, flask: str = "3.0.0") -> ScanResult:
    root = _pypi("shop-web", "1.0.0", direct=True)
    flask_c = _pypi("flask", flask, direct=True)
    vuln = _pypi("vulnpkg", "1.5.0", direct=False)
    pytest_c = _pypi("pytest", "8.0.0", direct=True, scope=Scope.TEST)
    comps = [flask_c, vuln, pytest_c] if vulnerable else [flask_c, pytest_c]
    matches = (
        [
            VulnerabilityMatch(
                vuln.purl,
                Advisory(CVE, ("GHSA-aaaa-bbbb-cccc",), OSV["summary"], "high"),
                ("2.0.1",),
                "introduced 0, fixed 2.0.1",
            )
        ]
        if vulnerable
        else []
    )
    decisions = [PolicyDecision(flask_c.purl, Verdict.ALLOW), PolicyDecision(pytest_c.purl, Verdict.ALLOW)]
    if vulnerable:
        decisions.append(
            PolicyDecision(vuln.purl, Verdict.REVIEW, (f"vulnerable: {CVE} (high), fixed in 2.0.1",), "vulnerabilities")
        )
    return ScanResult(
        root=".",
        inventory=Inventory(
            root=".",
            components=comps,
            projects=[root],
            dependencies=[
                Dependency(root.purl, (flask_c.purl, pytest_c.purl)),
                Dependency(flask_c.purl, (vuln.purl,) if vulnerable else ()),
            ],
        ),
        vulnerabilities=matches,
        decisions=decisions,
        concluded=[
            ConcludedLicense(flask_c.purl, "BSD-3-Clause", "declared"),
            ConcludedLicense(vuln.purl, "MIT", "declared"),
            ConcludedLicense(pytest_c.purl, "MIT", "declared"),
        ],
        verdict="review" if vulnerable else "allow",
    )


def shop_api() -> ScanResult:
    root = _pypi("shop-api", "2.1.0", direct=True)
    gpl = _pypi("gplthing", "1.0.0", direct=True)
    requests = _pypi("requests", "2.32.0", direct=True)
    return ScanResult(
        root=".",
        inventory=Inventory(
            root=".",
            components=[gpl, requests],
            projects=[root],
            dependencies=[Dependency(root.purl, (gpl.purl, requests.purl))],
        ),
        decisions=[
            PolicyDecision(gpl.purl, Verdict.REVIEW, ("GPL-3.0-only is copyleft: review for distributed products",)),
            PolicyDecision(requests.purl, Verdict.ALLOW),
        ],
        concluded=[
            ConcludedLicense(gpl.purl, "GPL-3.0-only", "declared"),
            ConcludedLicense(requests.purl, "Apache-2.0", "declared"),
        ],
        verdict="review",
    )


def legacy() -> ScanResult:
    old = _pypi("oldlib", "0.1", direct=True)
    return ScanResult(
        root=".",
        inventory=Inventory(root=".", components=[old]),
        decisions=[PolicyDecision(old.purl, Verdict.DENY, ("licence unknown",))],
        verdict="deny",
    )


def seed(store: Store, now: datetime | None = None) -> None:
    now = now or datetime.now(UTC)
    for role in ("viewer", "engineer", "reviewer", "admin"):
        add_user(store, f"{role}@example.test", role, PASSWORD)
    import_records(store, [parse_osv("ghsa.json", json.dumps(OSV))], source="test")
    ingest_scan(
        store, shop_web(vulnerable=False, flask="2.3.0"), "shop-web", product="Shop", now=now - timedelta(days=50)
    )
    ingest_scan(store, shop_web(), "shop-web", product="Shop", release="1.0", now=now - timedelta(days=2))
    ingest_scan(store, shop_api(), "shop-api", product="Shop", now=now - timedelta(days=1))
    ingest_scan(store, legacy(), "legacy-tool", now=now - timedelta(days=60))
    with store.session() as session:
        session.add(ProductRow(name="Mobile", distribution="distributed", description="not scanned yet"))
    # The finding was first seen 40 days ago: past the high-severity SLA.
    result = shop_web()
    record_findings(store, "shop-web", match_inventory(result.inventory, store).findings, now=now - timedelta(days=40))
