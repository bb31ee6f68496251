"""Re-evaluation without rescanning: a policy change or a new advisory changes the stored
decisions and findings of every project's latest scan (function, CLI, API, background task)."""

from __future__ import annotations

import json
import os
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select
from typer.testing import CliRunner

from ospo.cli.main import app
from ospo.policy import load_policy
from ospo.service.reevaluate import (
    fingerprint,
    load_service_policy,
    reevaluate,
    reevaluate_if_changed,
    stored_fingerprint,
)
from ospo.service.sbom_import import import_sbom
from ospo.store import Store, VulnerabilityFindingRow
from ospo.store.portfolio import AuditRow, ScanRow
from ospo.vulns.tracking import list_findings
from support import ALLOW_PERMISSIVE, DENY_MIT, import_demo_advisory, verdicts
from support import SUPPLIER_SBOM as SMALL

Service = Any


@pytest.fixture
def kiosk(portfolio_store: Store) -> Iterator[tuple[Store, int]]:
    done = import_sbom(portfolio_store, SMALL.read_text(), str(SMALL), "kiosk", load_service_policy())
    yield portfolio_store, done.outcome.scan_id


def test_policy_change_reaches_stored_decisions(kiosk: tuple[Store, int], tmp_path: Path) -> None:
    store, scan_id = kiosk
    assert verdicts(store, scan_id)["pkg:npm/left-pad@1.3.0"] == "allow"
    policy_file = tmp_path / "deny-mit.yml"
    policy_file.write_text(DENY_MIT)
    report = reevaluate(store, load_policy(policy_file), policy_source=str(policy_file))
    assert [(c.subject, c.before, c.after) for c in report.changes] == [("pkg:npm/left-pad@1.3.0", "allow", "deny")]
    assert report.projects[0].verdict_before == "review" and report.projects[0].verdict_after == "deny"
    assert verdicts(store, scan_id)["pkg:npm/left-pad@1.3.0"] == "deny"
    with store.session() as session:
        scan = session.get(ScanRow, scan_id)
        assert scan is not None and scan.verdict == "deny"
        assert scan.summary["verdicts"]["deny"] == 1
        assert scan.result["policy_source"] == str(policy_file)
        decision = next(d for d in scan.result["decisions"] if d["subject"] == "pkg:npm/left-pad@1.3.0")
        assert decision["verdict"] == "deny" and any("MIT: deny" in r for r in decision["reasons"])
        audit = session.execute(select(AuditRow).where(AuditRow.action == "scan.reevaluate")).scalar_one()
        assert audit.subject == "kiosk" and audit.details["verdict"] == {"before": "review", "after": "deny"}
    # Nothing changed since: a second run reports no changes.
    assert reevaluate(store, load_policy(policy_file)).changes == []


def test_new_advisory_reaches_stored_findings(kiosk: tuple[Store, int], any_store_url: str, tmp_path: Path) -> None:
    store, scan_id = kiosk
    assert list_findings(store, "kiosk") == []
    import_demo_advisory(any_store_url, tmp_path)
    policy_file = tmp_path / "strict.yml"
    policy_file.write_text(ALLOW_PERMISSIVE + "vulnerabilities:\n  fail_on: high\n")
    report = reevaluate(store, load_policy(policy_file))
    assert ("pkg:pypi/demo-pkg@1.0.0", "allow", "deny") in [(c.subject, c.before, c.after) for c in report.changes]
    found = list_findings(store, "kiosk")
    assert [(f.purl, f.vuln_id, f.state) for f in found] == [("pkg:pypi/demo-pkg@1.0.0", "CVE-2099-0001", "open")]
    assert found[0].due is not None  # the SLA clock started
    with store.session() as session:
        scan = session.get(ScanRow, scan_id)
        assert scan is not None
        assert [v["advisory"]["id"] for v in scan.result["vulnerabilities"]] == ["CVE-2099-0001"]
        assert scan.summary["vulnerabilities"] == {"high": 1}
    # The advisory withdrawn from the store: the finding is closed as fixed on the next run.
    with store.session() as session:
        for row in session.execute(select(VulnerabilityFindingRow)).scalars():
            assert row.state == "open"
    from ospo.store import AdvisoryRow

    with store.session() as session:
        for row in session.execute(select(AdvisoryRow)).scalars():
            row.withdrawn = "2099-02-01T00:00:00Z"
    reevaluate(store, load_policy(policy_file))
    assert list_findings(store, "kiosk") == []
    assert verdicts(store, scan_id)["pkg:pypi/demo-pkg@1.0.0"] == "allow"


def test_fingerprint_follows_policy_and_advisories(
    kiosk: tuple[Store, int], any_store_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    store, _ = kiosk
    policy_file = tmp_path / "policy.yml"
    policy_file.write_text(ALLOW_PERMISSIVE)
    monkeypatch.setenv("OSPO_POLICY", str(policy_file))
    assert stored_fingerprint(store) is None
    first = reevaluate_if_changed(store)
    assert first is not None and stored_fingerprint(store) == first.fingerprint
    assert reevaluate_if_changed(store) is None  # nothing changed
    import_demo_advisory(any_store_url, tmp_path)
    assert fingerprint(store, load_service_policy().digest) != first.fingerprint
    assert reevaluate_if_changed(store) is not None
    policy_file.write_text(DENY_MIT)
    changed = reevaluate_if_changed(store)
    assert changed is not None and [c.subject for c in changed.changes] == ["pkg:npm/left-pad@1.3.0"]


def test_cli_reevaluate(kiosk: tuple[Store, int], any_store_url: str, tmp_path: Path) -> None:
    policy_file = tmp_path / "deny-mit.yml"
    policy_file.write_text(DENY_MIT)
    result = CliRunner().invoke(
        app, ["reevaluate", "--policy", str(policy_file), "--database", any_store_url, "--json"]
    )
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert data["changed_projects"] == ["kiosk"]
    assert data["changes"] == [
        {"project": "kiosk", "subject": "pkg:npm/left-pad@1.3.0", "before": "allow", "after": "deny"}
    ]
    broken = tmp_path / "broken.yml"
    broken.write_text("version: 1\nlicenses: [\n")
    assert CliRunner().invoke(app, ["reevaluate", "--policy", str(broken), "--database", any_store_url]).exit_code == 2


@pytest.fixture(params=["0.3", "0"], ids=["background", "on-request"])
def live_policy(request: pytest.FixtureRequest, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """The service's policy file (OSPO_POLICY); a fast background check, or none."""
    policy_file = tmp_path / "service-policy.yml"
    policy_file.write_text(ALLOW_PERMISSIVE)
    monkeypatch.setenv("OSPO_POLICY", str(policy_file))
    monkeypatch.setenv("OSPO_REEVALUATE_SECONDS", request.param)
    return policy_file


def project_verdict(service: Service, name: str) -> str | None:
    with service.client("viewer") as viewer:
        projects = {p["name"]: p for p in viewer.get("/api/v1/projects").json()}
    return projects[name]["verdict"] if name in projects else None


def test_service_reevaluates_when_the_policy_changes(live_policy: Path, service: Service) -> None:
    background = os.environ["OSPO_REEVALUATE_SECONDS"] != "0"
    with service.client("engineer") as ci:
        assert ci.post("/api/v1/sbom", params={"project": "kiosk"}, content=SMALL.read_bytes()).status_code == 201
        assert ci.post("/api/v1/reevaluate").status_code == 403
    assert project_verdict(service, "kiosk") == "review"
    live_policy.write_text(DENY_MIT)  # the policy file changes on disk; no rescan
    if background:
        deadline = time.monotonic() + 60
        while project_verdict(service, "kiosk") != "deny":
            assert time.monotonic() < deadline, "the background task did not re-evaluate"
            time.sleep(0.2)
        return
    time.sleep(1)
    assert project_verdict(service, "kiosk") == "review"  # the background check is off
    with service.client("reviewer") as reviewer:
        response = reviewer.post("/api/v1/reevaluate")
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["changed_projects"] == ["kiosk"] and body["errors"] == []
    assert body["changes"] == [
        {"project": "kiosk", "subject": "pkg:npm/left-pad@1.3.0", "before": "allow", "after": "deny"}
    ]
    assert project_verdict(service, "kiosk") == "deny"
