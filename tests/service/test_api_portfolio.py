"""The read-only portfolio API over real HTTP on both databases: products and releases, a
release's components, one package across the portfolio, tracked findings with filters."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import pytest

from ospo.model import Component
from ospo.store import open_store
from ospo.vulns.matcher import AdvisoryIndex, component_key, match_components
from ospo.vulns.tracking import record_findings
from support import import_demo_advisory, scan_json

Service = Any
DEMO_OLD = "pkg:pypi/demo-pkg@1.0.0"  # CVE-2099-0001 (high), fixed in 1.2.1
DEMO_NEW = "pkg:pypi/demo-pkg@1.2.1"
LEFTPAD = "pkg:npm/left-pad@1.3.0"
GPL = "pkg:npm/gpl-widget@2.0.0"
POLICY = (
    "version: 1\nlicenses:\n  default: allow\n  unknown: review\n  ids:\n    GPL-3.0-only: deny\n"
    "vulnerabilities:\n  fail_on: critical\n"
)


@pytest.fixture
def portfolio(service: Service, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Service:
    """Shop 1.0 (shop-web + shop-api), Shop 1.1 (shop-web), Billing without releases."""
    policy = tmp_path / "policy.yml"
    policy.write_text(POLICY)
    monkeypatch.setenv("OSPO_POLICY", str(policy))
    import_demo_advisory(service.database_url, tmp_path)
    uploads = [
        ("shop-web", "Shop", "1.0", scan_json(DEMO_OLD, LEFTPAD)),
        ("shop-api", "Shop", "1.0", scan_json(DEMO_OLD)),
        ("shop-web", "Shop", "1.1", scan_json(DEMO_NEW, LEFTPAD)),
        ("billing", "Billing", None, scan_json(DEMO_OLD, LEFTPAD)),
        ("billing-ui", "Billing", None, scan_json(GPL, license="GPL-3.0-only")),
    ]
    with service.client("engineer") as ci:
        for project, product, release, doc in uploads:
            params = {"project": project, "product": product, **({"release": release} if release else {})}
            response = ci.post("/api/v1/scans", params=params, json=doc)
            assert response.status_code == 201, response.text
    return service


def test_products_with_their_releases(portfolio: Service) -> None:
    with portfolio.client("viewer") as viewer:
        page = viewer.get("/api/v1/products").json()
        assert (page["total"], page["next_offset"]) == (2, None)
        billing, shop = page["products"]
        assert (billing["name"], billing["project_count"], billing["releases"]) == ("Billing", 2, [])
        assert (shop["name"], shop["project_count"]) == ("Shop", 2)
        assert [(r["version"], r["projects"]) for r in shop["releases"]] == [
            ("1.1", ["shop-web"]),
            ("1.0", ["shop-api", "shop-web"]),
        ]
        first = viewer.get("/api/v1/products", params={"limit": 1}).json()
        assert ([p["name"] for p in first["products"]], first["next_offset"]) == (["Billing"], 1)
        assert [p["name"] for p in viewer.get("/api/v1/products", params={"name": "Shop"}).json()["products"]] == [
            "Shop"
        ]
        one = viewer.get(f"/api/v1/products/{billing['id']}").json()
        assert [(p["name"], p["verdict"], p["components"]) for p in one["projects"]] == [
            ("billing", "allow", 2),
            ("billing-ui", "deny", 1),
        ]
        missing = viewer.get("/api/v1/products/999999")
        assert missing.status_code == 404 and missing.json()["detail"] == "no product 999999"
        assert viewer.get("/api/v1/products/0").status_code == 422


def test_a_release_ships_each_projects_newest_scan_for_it(portfolio: Service) -> None:
    with portfolio.client("viewer") as viewer:
        shop = viewer.get("/api/v1/products", params={"name": "Shop"}).json()["products"][0]
        releases = {r["version"]: r["id"] for r in shop["releases"]}
        old = viewer.get(f"/api/v1/releases/{releases['1.0']}/components").json()
        assert (old["product"], old["version"], old["total"]) == ("Shop", "1.0", 3)
        assert [s["project"] for s in old["scans"]] == ["shop-api", "shop-web"]
        assert [(c["purl"], c["project"], c["license"]) for c in old["components"]] == [
            (LEFTPAD, "shop-web", "MIT"),
            (DEMO_OLD, "shop-api", "MIT"),
            (DEMO_OLD, "shop-web", "MIT"),
        ]
        new = viewer.get(f"/api/v1/releases/{releases['1.1']}/components").json()
        assert sorted(c["purl"] for c in new["components"]) == [LEFTPAD, DEMO_NEW]
        paged = viewer.get(f"/api/v1/releases/{releases['1.0']}/components", params={"limit": 2, "offset": 2}).json()
        assert ([c["project"] for c in paged["components"]], paged["next_offset"]) == (["shop-web"], None)
        only = viewer.get(f"/api/v1/releases/{releases['1.0']}/components", params={"purl": "pkg:pypi/"}).json()
        assert only["total"] == 2
        assert (
            viewer.get(f"/api/v1/releases/{releases['1.0']}/components", params={"verdict": "deny"}).json()["total"]
            == 0
        )
        assert viewer.get("/api/v1/releases/424242/components").status_code == 404
        assert viewer.get(f"/api/v1/releases/{releases['1.0']}/components", params={"verdict": "x"}).status_code == 422


def test_one_component_across_the_portfolio(portfolio: Service) -> None:
    with portfolio.client("viewer") as viewer:
        demo = viewer.get("/api/v1/component", params={"purl": "pkg:pypi/demo-pkg"}).json()
        assert (demo["purl"], demo["ecosystem"], demo["name"], demo["version"]) == (
            "pkg:pypi/demo-pkg",
            "pypi",
            "demo-pkg",
            None,
        )
        # latest scans: shop-web is on 1.2.1 now; shop-api and billing still ship 1.0.0
        assert (demo["total"], demo["projects"], demo["products"]) == (3, 3, 2)
        versions = {v["version"]: v for v in demo["versions"]}
        assert (versions["1.0.0"]["places"], versions["1.2.1"]["places"]) == (2, 1)
        assert versions["1.0.0"]["vulnerabilities"] == ["CVE-2099-0001"]
        assert versions["1.0.0"]["upgrade_to"] == "1.2.1" and versions["1.2.1"]["vulnerabilities"] == []
        assert versions["1.0.0"]["licenses"] == [{"license": "MIT", "places": 2}]
        assert [(a["id"], a["severity"], a["versions"]) for a in demo["advisories"]] == [
            ("CVE-2099-0001", "high", ["1.0.0"])
        ]
        assert demo["findings"] == {"open": 2, "overdue": 0}
        assert [(r["release"], r["project"], r["version"]) for r in demo["releases"]] == [
            ("1.0", "shop-api", "1.0.0"),
            ("1.0", "shop-web", "1.0.0"),
            ("1.1", "shop-web", "1.2.1"),
        ]
        assert sorted(p["project"] for p in demo["places"]) == ["billing", "shop-api", "shop-web"]
        one = viewer.get("/api/v1/component", params={"purl": DEMO_NEW}).json()
        assert (one["version"], one["total"], [v["version"] for v in one["versions"]]) == ("1.2.1", 1, ["1.2.1"])
        assert one["findings"] == {"open": 0, "overdue": 0} and one["advisories"] == []
        paged = viewer.get("/api/v1/component", params={"purl": "pkg:pypi/demo-pkg", "limit": 2}).json()
        assert (len(paged["places"]), paged["next_offset"]) == (2, 2)
        assert viewer.get("/api/v1/component", params={"purl": "pkg:pypi/nothing"}).status_code == 404
        assert viewer.get("/api/v1/component", params={"purl": "pkg:pypi/demo-pkg@9.9"}).status_code == 404
        assert viewer.get("/api/v1/component", params={"purl": "npm/left-pad"}).status_code == 422


def test_findings_filtered_and_paged(portfolio: Service) -> None:
    # an old finding in another project: first seen in 2020, long overdue
    store = open_store(portfolio.database_url)
    try:
        probe = Component(DEMO_OLD, "demo-pkg", "1.0.0", "pypi")
        key = component_key(probe)
        assert key is not None
        findings = match_components([probe], AdvisoryIndex.from_store(store, [key])).findings
        record_findings(store, "legacy", findings, now=dt.datetime(2020, 1, 1, tzinfo=dt.UTC))
    finally:
        store.close()
    with portfolio.client("viewer") as viewer:

        def get(**params: Any) -> dict[str, Any]:
            response = viewer.get("/api/v1/findings", params=params)
            assert response.status_code == 200, response.text
            body: dict[str, Any] = response.json()
            return body

        every = get()
        assert every["total"] == 4  # shop-api, billing, legacy open; shop-web's fixed by its 1.1 scan
        assert every["findings"][0]["project"] == "legacy" and every["findings"][0]["overdue"] is True
        assert {(f["project"], f["state"]) for f in every["findings"]} == {
            ("legacy", "open"),
            ("shop-api", "open"),
            ("billing", "open"),
            ("shop-web", "fixed"),
        }
        assert [f["project"] for f in get(overdue=True)["findings"]] == ["legacy"]
        assert get(overdue=False, state="open")["total"] == 2
        assert get(state="fixed")["findings"][0]["project"] == "shop-web"
        assert get(project="billing")["findings"][0]["due"] is not None
        assert get(severity="high")["total"] == 4 and get(severity="critical")["total"] == 0
        assert get(purl="pkg:pypi/demo-pkg")["total"] == 4 and get(purl=DEMO_NEW)["total"] == 0
        page = get(limit=3, state="open")
        assert (len(page["findings"]), page["next_offset"]) == (3, None)
        page = get(limit=2)
        assert (len(page["findings"]), page["next_offset"]) == (2, 2)
        assert viewer.get("/api/v1/findings", params={"severity": "urgent"}).status_code == 422
        assert viewer.get("/api/v1/findings", params={"offset": -1}).status_code == 422
