"""Uploads judged by the service on arrival, over real HTTP: a scan that CI called clean is
stored with the service's verdict, and its vulnerabilities are tracked at once with the SLA
windows of the service's policy."""

from __future__ import annotations

import datetime as dt
import threading
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import func, select

from ospo.store import VulnerabilityFindingRow, open_store
from ospo.store.portfolio import AuditRow, ScanRow
from ospo.vulns.tracking import list_findings
from support import SUPPLIER_SBOM, import_demo_advisory, scan_json

Service = Any
DEMO = "pkg:pypi/demo-pkg@1.0.0"  # GHSA-aaaa-bbbb-cccc (CVE-2099-0001, high) affects it
POLICY = "version: 1\nlicenses:\n  default: allow\n  unknown: allow\nvulnerabilities:\n  fail_on: high\n  sla:\n    high: 5\n"


@pytest.fixture
def judged_service(service: Service, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Service:
    policy = tmp_path / "service-policy.yml"
    policy.write_text(POLICY)
    monkeypatch.setenv("OSPO_POLICY", str(policy))
    import_demo_advisory(service.database_url, tmp_path)
    return service


def test_uploaded_scan_is_judged_and_tracked_at_once(judged_service: Service) -> None:
    service = judged_service
    with service.client("engineer") as ci:
        first = ci.post("/api/v1/scans", params={"project": "kiosk"}, json=scan_json(DEMO, "pkg:pypi/idna@3.6"))
        assert first.status_code == 201, first.text
        body = first.json()
        assert (body["created"], body["verdict"], body["vulnerabilities"]) == (True, "deny", 1)
        again = ci.post("/api/v1/scans", params={"project": "kiosk"}, json=scan_json(DEMO, "pkg:pypi/idna@3.6"))
        assert (again.json()["created"], again.json()["verdict"], again.json()["scan_id"]) == (
            False,
            "deny",
            body["scan_id"],
        )
    store = open_store(service.database_url)
    try:
        today = dt.datetime.now(dt.UTC).date()
        found = list_findings(store, "kiosk")
        assert [(f.purl, f.vuln_id, f.state) for f in found] == [(DEMO, "CVE-2099-0001", "open")]
        assert found[0].due == today + dt.timedelta(days=5)  # the service policy's window for high
        with store.session() as session:
            scan = session.get(ScanRow, body["scan_id"])
            assert scan is not None and scan.verdict == "deny"
            assert scan.summary["vulnerabilities"] == {"high": 1}
            audit = session.execute(select(AuditRow).where(AuditRow.action == "scan.ingest")).scalar_one()
            assert (audit.details["verdict"], audit.details["uploaded_verdict"]) == ("deny", "allow")
        with service.client("viewer") as viewer:
            projects = {p["name"]: p for p in viewer.get("/api/v1/projects").json()}
            assert projects["kiosk"]["verdict"] == "deny"
        # CI upgrades demo-pkg: the finding is fixed as soon as the upload is answered
        with service.client("engineer") as ci:
            fixed = ci.post("/api/v1/scans", params={"project": "kiosk"}, json=scan_json("pkg:pypi/demo-pkg@1.2.1"))
            assert (fixed.json()["verdict"], fixed.json()["vulnerabilities"]) == ("allow", 0)
        assert list_findings(store, "kiosk") == []
        closed = list_findings(store, "kiosk", include_closed=True)
        assert [(f.vuln_id, f.state) for f in closed] == [("CVE-2099-0001", "fixed")]
    finally:
        store.close()


def test_sbom_upload_is_tracked_in_the_same_ingest(judged_service: Service) -> None:
    with judged_service.client("engineer") as ci:
        response = ci.post("/api/v1/sbom", params={"project": "supplier"}, content=SUPPLIER_SBOM.read_bytes())
    assert response.status_code == 201, response.text
    assert response.json()["vulnerabilities"] >= 1
    store = open_store(judged_service.database_url)
    try:
        assert {f.vuln_id for f in list_findings(store, "supplier")} == {"CVE-2099-0001"}
    finally:
        store.close()


def test_concurrent_uploads_for_one_project_track_each_finding_once(judged_service: Service) -> None:
    service = judged_service
    statuses: list[int] = []

    def upload(i: int) -> None:
        with service.client("engineer") as ci:
            doc = scan_json(DEMO, f"pkg:pypi/extra-{i}@1.0.0")
            statuses.append(ci.post("/api/v1/scans", params={"project": "busy"}, json=doc).status_code)

    threads = [threading.Thread(target=upload, args=(i,)) for i in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert statuses == [201] * 4
    store = open_store(service.database_url)
    try:
        with store.session() as session:
            rows = session.execute(
                select(func.count())
                .select_from(VulnerabilityFindingRow)
                .where(VulnerabilityFindingRow.project == "busy")
            ).scalar_one()
            scans = session.execute(select(func.count()).select_from(ScanRow)).scalar_one()
        assert (rows, scans) == (1, 4)
    finally:
        store.close()


def test_upload_with_a_broken_service_policy_is_refused_whole(service: Service, tmp_path: Path) -> None:
    broken = tmp_path / "broken.yml"
    broken.write_text("version: 1\nvulnerabilities:\n  sla:\n    high: soon\n")
    with pytest.MonkeyPatch.context() as env:
        env.setenv("OSPO_POLICY", str(broken))
        with service.client("engineer") as ci:
            response = ci.post("/api/v1/scans", params={"project": "kiosk"}, json=scan_json(DEMO))
    assert response.status_code == 503 and "broken.yml:4" in response.json()["detail"]
    with service.client("viewer") as viewer:
        assert viewer.get("/api/v1/projects").json() == []
