"""`ospo scan PATH --upload URL` against a real ospo service on loopback."""

from __future__ import annotations

import socket
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from ospo.cli import exitcodes
from ospo.cli.main import app

Service = Any


@pytest.fixture
def tree(tmp_path: Path) -> Path:
    root = tmp_path / "shop"
    root.mkdir()
    (root / "requirements.txt").write_text("requests==2.31.0\nidna==3.6\n")
    return root


def scan_args(tree: Path, url: str, token: str, project: str = "shop") -> list[str]:
    return [
        "scan",
        str(tree),
        "--offline",
        "--no-store",
        "--no-licenses",
        "--quiet",
        "--format",
        "json",
        "--output",
        str(tree.parent / "result.json"),
        "--fail-on",
        "never",
        "--upload",
        url,
        "--token",
        token,
        "--project",
        project,
    ]


def test_scan_uploads_its_result(service: Service, tree: Path) -> None:
    runner = CliRunner()
    result = runner.invoke(app, [*scan_args(tree, service.url, service.tokens["engineer"]), "--product", "Shop"])
    assert result.exit_code == exitcodes.OK, result.output
    assert "stored as scan" in result.output
    again = runner.invoke(app, scan_args(tree, service.url, service.tokens["engineer"]))
    assert again.exit_code == exitcodes.OK and "already stored" in again.output
    with service.client("viewer") as viewer:
        projects = viewer.get("/api/v1/projects").json()
        assert [(p["name"], p["product"], p["components"]) for p in projects] == [("shop", "Shop", 2)]
        hits = viewer.get("/api/v1/where", params={"purl": "pkg:pypi/idna"}).json()["hits"]
        assert [(h["project"], h["version"]) for h in hits] == [("shop", "3.6")]


def test_upload_errors_are_clear(service: Service, tree: Path) -> None:
    runner = CliRunner()
    cases = [
        (scan_args(tree, service.url, "ospo_not-a-real-token"), "refused the token (401"),
        (scan_args(tree, service.url, service.tokens["viewer"]), "may not upload scans (403"),
        (scan_args(tree, service.url, service.tokens["engineer"], project="x" * 400), "rejected the scan result (422)"),
    ]
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        closed = f"http://127.0.0.1:{s.getsockname()[1]}"
    cases.append((scan_args(tree, closed, service.tokens["engineer"]), "cannot reach the ospo service"))
    for args, message in cases:
        result = runner.invoke(app, args)
        assert result.exit_code == exitcodes.UPLOAD_FAILED, (message, result.output)
        assert message in " ".join(result.output.split()), result.output
    with service.client("viewer") as viewer:
        assert viewer.get("/api/v1/projects").json() == []


def test_upload_needs_token_and_project(tree: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("OSPO_TOKEN", raising=False)
    result = CliRunner().invoke(app, ["scan", str(tree), "--offline", "--upload", "http://127.0.0.1:9"])
    assert result.exit_code == exitcodes.USAGE
    assert "--upload needs" in result.output
