"""Matching components to advisories: aliases merged, withdrawn ignored, GIT-only reported."""

from __future__ import annotations

from pathlib import Path

import pytest

from ospo.inventory.purls import component
from ospo.model import Component, Inventory
from ospo.store import Store
from ospo.vulns.importer import import_source
from ospo.vulns.matcher import AdvisoryIndex, canonical_id, component_key, match_components, match_inventory
from ospo.vulns.osv import parse_osv


def _index(osv_fixtures: Path) -> AdvisoryIndex:
    files = sorted((osv_fixtures / "db").iterdir())
    return AdvisoryIndex.from_records(parse_osv(str(p), p.read_bytes()) for p in files)


def _pypi(version: str, name: str = "Demo_Pkg") -> Component:
    return component("pypi", name, version, "requirements.txt", line=3)


def test_component_keys() -> None:
    assert component_key(_pypi("1.0")) == ("PyPI", "demo-pkg")
    assert component_key(component("maven", "example-lib", "1.0", "pom.xml", namespace="org.example")) == (
        "Maven",
        "org.example:example-lib",
    )
    assert component_key(component("golang", "Mod", "v1.0.0", "go.mod", namespace="github.com/Example")) == (
        "Go",
        "github.com/Example/Mod",
    )
    assert component_key(component("npm", "core", "1.0.0", "package.json", namespace="@scope")) == (
        "npm",
        "@scope/core",
    )
    assert component_key(component("generic", "thing", "1", "x")) is None


def test_aliases_merge_into_one_finding_and_withdrawn_is_ignored(osv_fixtures: Path) -> None:
    result = match_components([_pypi("1.1.0")], _index(osv_fixtures))
    ids = sorted(f.vuln_id for f in result.findings)
    # PYSEC-2099-1 and GHSA-aaaa-bbbb-cccc are CVE-2099-0001; PYSEC-2099-2 is withdrawn.
    assert ids == ["CVE-2099-0001", "CVE-2099-0004"]
    merged = next(f for f in result.findings if f.vuln_id == "CVE-2099-0001")
    assert set(merged.aliases) == {"GHSA-aaaa-bbbb-cccc", "PYSEC-2099-1"}
    assert [a.id for a in merged.advisories] == ["GHSA-aaaa-bbbb-cccc", "PYSEC-2099-1"]
    assert merged.severity == "critical"  # the worst of the merged records
    assert merged.fixed_versions == ("1.2.0", "1.2.1")
    assert "PYSEC-2099-1" in merged.reason and "GHSA-aaaa-bbbb-cccc" in merged.reason
    match = merged.to_match()
    assert match.advisory.id == "CVE-2099-0001" and match.purl == "pkg:pypi/demo-pkg@1.1.0"


def test_git_only_ranges_are_reported_not_ignored(osv_fixtures: Path) -> None:
    result = match_components([_pypi("1.1.0")], _index(osv_fixtures))
    (problem,) = result.unsupported
    assert problem.kind == "unsupported" and problem.path == "pkg:pypi/demo-pkg@1.1.0"
    assert "PYSEC-2099-3" in problem.message and "GIT" in problem.message


def test_fix_advice_is_the_smallest_upgrade_clearing_every_finding(osv_fixtures: Path) -> None:
    result = match_components([_pypi("1.1.0")], _index(osv_fixtures))
    advice = result.advice["pkg:pypi/demo-pkg@1.1.0"]
    # 1.2.0 fixes PYSEC-2099-1 but not the GHSA (fixed 1.2.1) nor PYSEC-2099-4 (fixed 1.3.0)
    assert advice.upgrade_to == "1.3.0"
    assert set(advice.fixed_versions) == {"1.2.0", "1.2.1", "1.3.0"}


def test_listed_versions_and_ranges(osv_fixtures: Path) -> None:
    index = _index(osv_fixtures)
    assert [f.vuln_id for f in match_components([_pypi("1.10")], index).findings] == ["CVE-2099-0001"]
    assert match_components([_pypi("1.3.0")], index).findings == []
    assert [f.vuln_id for f in match_components([_pypi("1.0.0")], index).findings] == ["CVE-2099-0001"]


def test_other_ecosystems(osv_fixtures: Path) -> None:
    index = _index(osv_fixtures)
    comps = [
        component("maven", "example-lib", "1.5.1", "pom.xml", namespace="org.example"),
        component("maven", "example-lib", "1.5.2", "pom.xml", namespace="org.example"),
        component("maven", "Example-Lib", "1.2", "pom.xml", namespace="org.example"),  # Maven is case-sensitive
        component("golang", "Mod", "v1.2.9", "go.mod", namespace="github.com/Example"),
        component("npm", "left-padder", "2.0.0", "package-lock.json"),
        component("npm", "left-padder", None, "package.json", declared_range="^2.0.0"),
    ]
    result = match_components(comps, index)
    found = sorted((f.component.purl, f.vuln_id, f.severity) for f in result.findings)
    assert found == [
        ("pkg:golang/github.com/Example/Mod@v1.2.9", "CVE-2099-0006", "unknown"),
        ("pkg:maven/org.example/example-lib@1.5.1", "CVE-2099-0005", "critical"),
        ("pkg:npm/left-padder@2.0.0", "GHSA-nnnn-pppp-mmmm", "medium"),
    ]
    assert result.unchecked == ["pkg:npm/left-padder"]
    assert result.checked == 5


def test_canonical_id_prefers_cve() -> None:
    assert canonical_id(["PYSEC-1", "GHSA-x", "CVE-1"]) == "CVE-1"
    assert canonical_id(["PYSEC-1", "GHSA-x"]) == "GHSA-x"


def test_match_from_the_store_equals_match_from_records(store: Store, osv_fixtures: Path) -> None:
    import_source(store, osv_fixtures / "db")
    inventory = Inventory(
        root=".",
        components=[
            _pypi("1.1.0"),
            component("maven", "example-lib", "1.4", "pom.xml", namespace="org.example"),
            component("pypi", "unrelated", "1.0", "requirements.txt"),
        ],
    )
    from_store = match_inventory(inventory, store)
    from_records = match_components(inventory.components, _index(osv_fixtures))

    def summary(r: object) -> list[tuple[str, str, tuple[str, ...]]]:
        return sorted((f.component.purl, f.vuln_id, f.aliases) for f in r.findings)  # type: ignore[attr-defined]

    assert summary(from_store) == summary(from_records)
    assert len(from_store.findings) == 3
    assert [p.message for p in from_store.unsupported] == [p.message for p in from_records.unsupported]


def test_invalid_component_version_is_reported(osv_fixtures: Path) -> None:
    result = match_components([component("npm", "left-padder", "banana", "package-lock.json")], _index(osv_fixtures))
    assert result.findings == []
    assert result.unsupported and all(p.kind == "unsupported" for p in result.unsupported)


@pytest.mark.parametrize("version", ["0.0.1", "1.1.5", "1.2.0"])
def test_advice_is_present_for_each_vulnerable_component(osv_fixtures: Path, version: str) -> None:
    result = match_components([_pypi(version)], _index(osv_fixtures))
    assert set(result.advice) == {f"pkg:pypi/demo-pkg@{version}"}


def test_merged_indexes_group_aliases_across_sources(osv_fixtures: Path) -> None:
    files = sorted((osv_fixtures / "db").iterdir())
    pysec = AdvisoryIndex.from_records(parse_osv(str(p), p.read_bytes()) for p in files if p.name.startswith("PYSEC"))
    assert [f.vuln_id for f in match_components([_pypi("1.1.0")], pysec).findings] == ["CVE-2099-0001", "CVE-2099-0004"]
    ghsa = AdvisoryIndex.from_records(parse_osv(str(p), p.read_bytes()) for p in files if p.name.startswith("GHSA"))
    pysec.merge(ghsa)
    merged = match_components([_pypi("1.1.0")], pysec).findings
    assert [f.vuln_id for f in merged] == ["CVE-2099-0001", "CVE-2099-0004"]
    assert len(merged[0].advisories) == 2
