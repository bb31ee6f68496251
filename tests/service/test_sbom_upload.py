"""Supplier SBOMs into the portfolio: `POST /api/v1/sbom` over real HTTP and `ospo sbom import`."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select
from typer.testing import CliRunner

from ospo.cli.main import app
from ospo.sbom.read import read_sbom
from ospo.sbom.spdx import inventory_to_spdx_json
from ospo.store import open_store
from ospo.store.portfolio import ScanRow
from ospo.vulns.tracking import list_findings
from support import SUPPLIER_SBOM, import_demo_advisory

SMALL = SUPPLIER_SBOM
Service = Any


def test_cyclonedx_upload_is_judged_and_idempotent(service: Service, tmp_path: Path) -> None:
    import_demo_advisory(service.database_url, tmp_path)
    body = SMALL.read_bytes()
    with service.client("engineer") as ci:
        first = ci.post(
            "/api/v1/sbom",
            params={"project": "kiosk", "product": "Kiosk", "release": "2.0"},
            content=body,
            headers={"Content-Type": "application/json"},
        )
        assert first.status_code == 201, first.text
        out = first.json()
        assert out["kind"] == "cyclonedx" and out["created"] is True and out["components"] == 3
        assert out["verdict"] == "review"  # `mystery` declares no licence
        again = ci.post("/api/v1/sbom", params={"project": "kiosk"}, content=body)
        assert again.status_code == 201 and again.json()["created"] is False
        assert again.json()["scan_id"] == out["scan_id"]
    with service.client("viewer") as viewer:
        hits = viewer.get("/api/v1/where", params={"purl": "pkg:pypi/demo-pkg"}).json()["hits"]
        assert [(h["project"], h["product"], h["release"]) for h in hits] == [("kiosk", "Kiosk", "2.0")]
    store = open_store(service.database_url)
    try:
        with store.session() as session:
            scan = session.execute(select(ScanRow)).scalar_one()
            assert scan.kind == "cyclonedx"
            vulns = scan.result["vulnerabilities"]
            assert [(v["purl"], v["advisory"]["id"]) for v in vulns] == [("pkg:pypi/demo-pkg@1.0.0", "CVE-2099-0001")]
            licences = {c["purl"]: c["expression"] for c in scan.result["concluded"]}
            assert licences["pkg:pypi/demo-pkg@1.0.0"] == "Apache-2.0"  # "Apache License 2.0" normalised
        tracked = list_findings(store, "kiosk")
        assert [(f.purl, f.vuln_id, f.state) for f in tracked] == [("pkg:pypi/demo-pkg@1.0.0", "CVE-2099-0001", "open")]
    finally:
        store.close()


def test_spdx_upload_is_detected_from_content(service: Service) -> None:
    spdx = inventory_to_spdx_json(read_sbom(str(SMALL), SMALL.read_text()))
    with service.client("engineer") as ci:
        response = ci.post("/api/v1/sbom", params={"project": "kiosk-spdx"}, content=spdx.encode())
        assert response.status_code == 201, response.text
        assert response.json()["kind"] == "spdx"
        assert response.json()["components"] == 3
    tag_value = (Path(__file__).resolve().parents[1] / "fixtures" / "sbom" / "supplier.spdx").read_bytes()
    with service.client("engineer") as ci:
        response = ci.post(
            "/api/v1/sbom", params={"project": "tv"}, content=tag_value, headers={"Content-Type": "text/plain"}
        )
        assert response.status_code == 201, response.text
        assert response.json()["kind"] == "spdx" and response.json()["components"] > 0


@pytest.mark.parametrize(
    "body",
    [
        b"",
        b"\xff\xfe\x00garbage",
        b"{}",
        b"[]",
        b'{"bomFormat": "CycloneDX", "specVersion": "9.9"}',
        b'{"bomFormat": "CycloneDX", "specVersion": "1.5", "components": 7}',
        b'{"spdxVersion": "SPDX-2.3", "packages": "x"}',
        b"{" * 100_000,
        b"[" * 100_000 + b"]" * 100_000,
        b'{"bomFormat": "CycloneDX", "specVersion": "1.5", "components": [' + b"1," * 1000 + b"1]}",
    ],
)
def test_hostile_sbom_is_a_clear_422(service: Service, body: bytes) -> None:
    with service.client("engineer") as ci:
        response = ci.post("/api/v1/sbom", params={"project": "evil"}, content=body)
    if response.status_code == 201:  # a document with no usable component is still a (empty) SBOM
        assert response.json()["components"] == 0
        return
    assert response.status_code == 422, (body[:40], response.status_code, response.text[:200])
    assert isinstance(response.json()["detail"], str) and response.json()["detail"]


def test_sbom_upload_needs_the_upload_permission(service: Service) -> None:
    with service.client("viewer") as viewer:
        assert viewer.post("/api/v1/sbom", params={"project": "x"}, content=SMALL.read_bytes()).status_code == 403
    with service.client() as anonymous:
        assert anonymous.post("/api/v1/sbom", params={"project": "x"}, content=SMALL.read_bytes()).status_code == 401


def test_cli_sbom_import(any_store_url: str, tmp_path: Path) -> None:
    runner = CliRunner()
    args = ["sbom", "import", str(SMALL), "--project", "kiosk", "--database", any_store_url]
    first = runner.invoke(app, [*args, "--json"])
    assert first.exit_code == 0, first.output
    data = json.loads(first.stdout)
    assert data["kind"] == "cyclonedx" and data["created"] is True and data["verdict"] == "review"
    again = runner.invoke(app, args)
    assert again.exit_code == 0 and "already stored" in again.stdout
    deny_mit = tmp_path / "policy.yml"
    deny_mit.write_text("version: 1\nlicenses:\n  default: review\n  unknown: review\n  ids:\n    MIT: deny\n")
    denied = runner.invoke(app, [*args, "--project", "kiosk-strict", "--policy", str(deny_mit)])
    assert denied.exit_code == 1, denied.output  # stored, and the policy denies left-pad (MIT)
    broken = tmp_path / "broken.json"
    broken.write_text('{"bomFormat": "CycloneDX", "specVersion": "1.5", "components": {}}')
    bad = runner.invoke(app, ["sbom", "import", str(broken), "--project", "x", "--database", any_store_url])
    assert bad.exit_code == 2 and "broken.json" in bad.output
