"""The decisions API over real HTTP on SQLite and PostgreSQL: exceptions made, listed and
revoked, findings' states changed, every write audited, wrong roles and hostile input refused
with 4xx and nothing written."""

from __future__ import annotations

import datetime as dt
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import func, select

from ospo.store import open_store
from ospo.store.portfolio import AuditRow, ExceptionRow, ScanRow
from support import SUPPLIER_SBOM, import_demo_advisory, verdicts

Service = Any  # the `service` fixture (tests/service/conftest.py)
MYSTERY = "pkg:npm/mystery@0.1.0"
DEMO = "pkg:pypi/demo-pkg@1.0.0"
CVE = "CVE-2099-0001"
LATER = (dt.datetime.now(dt.UTC).date() + dt.timedelta(days=90)).isoformat()
WAIVER = {
    "kind": "component",
    "purl": "pkg:npm/mystery",
    "scope": "project",
    "scope_name": "kiosk",
    "reason": "licence cleared by counsel",
}
POLICY = """version: 1
licenses:
  default: review
  unknown: review
  categories:
    permissive: allow
exceptions:
  - id: LEGAL-12
    purl: pkg:npm/left-pad
    owner: legal@example.test
    reason: cleared in 2026
    expires: 2999-01-01
"""


@pytest.fixture
def kiosk(service: Service, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Service]:
    """The service with a policy file holding one waiver, the demo advisory, and the kiosk
    project uploaded as an SBOM (mystery to review, demo-pkg with an open finding)."""
    policy = tmp_path / "policy.yml"
    policy.write_text(POLICY)
    monkeypatch.setenv("OSPO_POLICY", str(policy))
    import_demo_advisory(service.database_url, tmp_path)
    with service.client("engineer") as ci:
        done = ci.post("/api/v1/sbom", params={"project": "kiosk"}, content=SUPPLIER_SBOM.read_bytes())
        assert done.status_code == 201, done.text
    yield service


def stored(service: Service, scan: bool = False) -> Any:
    """(exception rows, audit rows) counts, or the kiosk scan's verdicts."""
    store = open_store(service.database_url)
    try:
        if scan:
            with store.session() as session:
                scan_id = session.execute(select(func.max(ScanRow.id))).scalar_one()
            return verdicts(store, scan_id)
        with store.session() as session:
            return (
                session.execute(select(func.count()).select_from(ExceptionRow)).scalar_one(),
                session.execute(select(func.count()).select_from(AuditRow)).scalar_one(),
            )
    finally:
        store.close()


def test_a_reviewer_makes_lists_and_revokes_exceptions(kiosk: Service) -> None:
    assert stored(kiosk, scan=True)[MYSTERY] == "review"
    with kiosk.client("reviewer") as reviewer:
        made = reviewer.post("/api/v1/exceptions", json={**WAIVER, "expires": LATER})
        assert made.status_code == 201, made.text
        body = made.json()
        assert (body["id"], body["source"], body["status"], body["owner"], body["approved_by"]) == (
            "ospo-1",
            "store",
            "active",
            "reviewer@example.test",
            "reviewer@example.test",
        )
        assert body["reevaluation"] == "done"  # the project it reaches was judged again at once
        assert dt.datetime.fromisoformat(body["created_at"]).tzinfo is not None  # on SQLite too
        assert stored(kiosk, scan=True)[MYSTERY] == "allow"
        listed = reviewer.get("/api/v1/exceptions").json()
        assert [(e["id"], e["source"]) for e in listed] == [("ospo-1", "store"), ("LEGAL-12", "policy")]
        assert listed[1]["policy_line"] == 8 and listed[1]["kind"] == "component"
        assert [e["id"] for e in reviewer.get("/api/v1/exceptions", params={"source": "policy"}).json()] == ["LEGAL-12"]
        revoked = reviewer.post("/api/v1/exceptions/1/revoke", json={"reason": "counsel withdrew it"})
        assert revoked.status_code == 200, revoked.text
        assert revoked.json()["status"] == "revoked" and revoked.json()["revoked_by"] == "reviewer@example.test"
        assert dt.datetime.fromisoformat(revoked.json()["revoked_at"]).tzinfo is not None
        assert stored(kiosk, scan=True)[MYSTERY] == "review"
        assert reviewer.post("/api/v1/exceptions/1/revoke", json={"reason": "again"}).status_code == 409
        assert reviewer.post("/api/v1/exceptions/99/revoke", json={"reason": "x"}).status_code == 404
        assert [e["id"] for e in reviewer.get("/api/v1/exceptions", params={"status": "revoked"}).json()] == ["ospo-1"]
    with kiosk.client("admin") as admin:
        audit = admin.get("/api/v1/audit").json()
    made_entry = next(a for a in audit if a["action"] == "exception.create")
    revoke_entry = next(a for a in audit if a["action"] == "exception.revoke")
    assert made_entry["actor"] == revoke_entry["actor"] == "reviewer@example.test"
    assert made_entry["subject"] == "ospo-1" and made_entry["at"] and revoke_entry["details"]["revoke_reason"]


def test_a_reviewer_changes_a_findings_state(kiosk: Service) -> None:
    finding = {"project": "kiosk", "purl": DEMO, "vulnerability": CVE}
    with kiosk.client("viewer") as viewer:
        [open_] = viewer.get("/api/v1/findings", params={"project": "kiosk", "state": "open"}).json()["findings"]
        assert (open_["vuln_id"], open_["state"], open_["severity"]) == (CVE, "open", "high")
    with kiosk.client("reviewer") as reviewer:
        stated = reviewer.post(
            "/api/v1/findings/state",
            json={**finding, "state": "not-affected", "justification": "code_not_reachable", "reason": "no tarballs"},
        )
        assert stated.status_code == 200, stated.text
        assert (stated.json()["state"], stated.json()["exception"]) == ("not-affected", "ospo-1")
        assert reviewer.get("/api/v1/findings", params={"project": "kiosk", "state": "open"}).json()["findings"] == []
        every = reviewer.get("/api/v1/findings", params={"project": "kiosk"}).json()["findings"]
        assert [(f["state"], f["justification"], f["exception"]) for f in every] == [
            ("not-affected", "code_not_reachable", "ospo-1")
        ]
        [vex] = reviewer.get("/api/v1/exceptions", params={"source": "store"}).json()
        assert (vex["kind"], vex["finding_state"], vex["vulnerability"], vex["purl"], vex["versions"]) == (
            "vulnerability",
            "not-affected",
            CVE,
            "pkg:pypi/demo-pkg",
            "=1.0.0",
        )
        reopened = reviewer.post("/api/v1/findings/state", json={**finding, "state": "open", "reason": "reachable"})
        assert reopened.status_code == 200 and reopened.json()["state"] == "open"
        assert reviewer.get("/api/v1/exceptions", params={"status": "revoked"}).json()[0]["id"] == "ospo-1"
        no_expiry = {**finding, "state": "accepted-risk", "reason": "low exposure"}
        assert reviewer.post("/api/v1/findings/state", json=no_expiry).status_code == 422
        accepted = reviewer.post("/api/v1/findings/state", json={**no_expiry, "expires": LATER})
        assert accepted.status_code == 200 and accepted.json()["expires"] == LATER
        assert accepted.json()["owner"] == "reviewer@example.test"
        gone = {**finding, "vulnerability": "CVE-1999-0000", "state": "open"}
        assert reviewer.post("/api/v1/findings/state", json=gone).status_code == 404
    with kiosk.client("admin") as admin:
        actions = [(a["action"], a["actor"]) for a in admin.get("/api/v1/audit").json()]
    assert actions.count(("finding.state", "reviewer@example.test")) == 3
    assert ("exception.revoke", "reviewer@example.test") in actions


def test_engineers_and_viewers_are_refused_with_valid_requests(kiosk: Service) -> None:
    before = stored(kiosk)
    writes = [
        ("/api/v1/exceptions", WAIVER),
        ("/api/v1/exceptions/1/revoke", {"reason": "x"}),
        ("/api/v1/findings/state", {"project": "kiosk", "purl": DEMO, "vulnerability": CVE, "state": "open"}),
    ]
    for role in ("viewer", "engineer"):
        with kiosk.client(role) as client:
            for path, body in writes:
                assert client.post(path, json=body).status_code == 403, (role, path)
            assert client.get("/api/v1/exceptions").status_code == 200  # reading is allowed
    with kiosk.client() as anonymous:
        for path, body in writes:
            assert anonymous.post(path, json=body).status_code == 401
    assert stored(kiosk) == before


HOSTILE_EXCEPTIONS = [
    {**WAIVER, "expires": "2026-02-30"},
    {**WAIVER, "expires": "yesterday"},
    {**WAIVER, "expires": "99999-01-01"},
    {**WAIVER, "expires": "2001-01-01"},  # in the past
    {**WAIVER, "reason": "x" * 1_000_000},
    {**WAIVER, "reason": ""},
    {**WAIVER, "purl": "pkg:" + "a" * 5000},
    {**WAIVER, "purl": "not a purl"},
    {**WAIVER, "scope_name": "kiosk\x00"},
    {**WAIVER, "scope_name": "nope"},
    {**WAIVER, "scope": "galaxy"},
    {**WAIVER, "kind": "everything"},
    {**WAIVER, "versions": "<<1"},
    {**WAIVER, "kind": "license"},  # no licence named
    {"kind": "vulnerability", "vulnerability": CVE, "reason": "r"},  # an accepted risk needs an end
    {"kind": "vulnerability", "vulnerability": CVE, "reason": "r", "justification": "because"},
    {**WAIVER, "owner": ["a", "b"]},
]
HOSTILE_FINDINGS = [
    {"state": "not-affected", "justification": "because"},
    {"state": "not-affected"},
    {"state": "fixed"},
    {"state": "accepted-risk", "reason": "r", "expires": "2026-13-01"},
    {"state": "accepted-risk", "reason": "r", "expires": "2001-01-01"},
    {"state": "accepted-risk", "reason": "x" * 100_000, "expires": LATER},
    {"state": "open", "project": "kiosk\x00"},
    {"state": "open", "purl": "p" * 20_000},
]


def test_hostile_input_is_refused_and_nothing_is_written(kiosk: Service) -> None:
    before = stored(kiosk)
    finding = {"project": "kiosk", "purl": DEMO, "vulnerability": CVE}
    with kiosk.client("admin") as admin:
        for body in HOSTILE_EXCEPTIONS:
            response = admin.post("/api/v1/exceptions", json=body)
            assert response.status_code == 422, (str(body)[:200], response.status_code, response.text[:300])
        for body in HOSTILE_FINDINGS:
            response = admin.post("/api/v1/findings/state", json={**finding, **body})
            assert response.status_code == 422, (str(body)[:200], response.status_code, response.text[:300])
        assert (
            admin.post(
                "/api/v1/exceptions", content=b"{not json", headers={"content-type": "application/json"}
            ).status_code
            == 422
        )
        for bad_id in ("abc", "0", "99999999999"):
            assert admin.post(f"/api/v1/exceptions/{bad_id}/revoke", json={"reason": "x"}).status_code == 422
        assert admin.get("/api/v1/findings", params={"project": "a\x00b"}).status_code == 422
        assert admin.get("/api/v1/exceptions", params={"status": "sideways"}).status_code == 422
    assert stored(kiosk) == before


def test_a_wide_exception_is_applied_in_the_background(service: Service) -> None:
    from ospo.model import Component, ConcludedLicense, Inventory, PolicyDecision, ScanResult, Verdict
    from ospo.model.serialize import to_data
    from ospo.service.decisions import IMMEDIATE_PROJECTS

    odd = Component("pkg:npm/odd-thing@2.0.0", "odd-thing", "2.0.0", "npm")
    result = ScanResult(
        root=".",
        inventory=Inventory(root=".", components=[odd]),
        decisions=[PolicyDecision(odd.purl, Verdict.REVIEW, ("licence unknown",))],
        concluded=[ConcludedLicense(odd.purl, None, "unknown")],
        verdict="review",
    )
    names = [f"app-{i:02}" for i in range(IMMEDIATE_PROJECTS + 1)]
    with service.client("engineer") as ci:
        for name in names:
            sent = ci.post("/api/v1/scans", params={"project": name}, json={"ospo_scan_version": 1, **to_data(result)})
            assert sent.status_code == 201, sent.text
    wide = {"kind": "component", "purl": "pkg:npm/odd-*", "reason": "vendored, licence on file", "expires": LATER}
    with service.client("reviewer") as reviewer:
        made = reviewer.post("/api/v1/exceptions", json=wide)
    assert made.status_code == 201 and made.json()["reevaluation"] == "scheduled"
    deadline = time.monotonic() + 60
    with service.client("viewer") as viewer:
        while {p["verdict"] for p in viewer.get("/api/v1/projects").json()} != {"allow"}:
            assert time.monotonic() < deadline, "the background re-evaluation did not run"
            time.sleep(0.2)
