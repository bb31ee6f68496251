"""Reading SBOMs back: round trips, supplier documents, hostile input."""

from __future__ import annotations

import contextlib
import json
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sbom_inventories import folder_inventory, project_inventory

from ospo.model import Inventory, ParseError, Scope
from ospo.sbom.cyclonedx import inventory_to_cyclonedx_json
from ospo.sbom.read import read_sbom
from ospo.sbom.spdx import inventory_to_spdx_json

FIXTURES = Path(__file__).parents[1] / "fixtures" / "sbom"
WRITERS = {"cyclonedx": inventory_to_cyclonedx_json, "spdx": inventory_to_spdx_json}


def _essence(inv: Inventory) -> dict[str, object]:
    def comp(c):  # type: ignore[no-untyped-def]
        return (c.purl, c.version, c.declared_license, tuple(sorted(c.hashes)), c.scope, c.declared_range)

    return {
        "components": sorted(comp(c) for c in inv.components),
        "projects": sorted(p.purl for p in inv.projects),
        "edges": sorted((d.ref, t) for d in inv.dependencies for t in d.depends_on),
    }


@pytest.mark.parametrize("fmt", sorted(WRITERS))
@pytest.mark.parametrize("make", [folder_inventory, project_inventory])
def test_round_trip_keeps_components_and_edges(fmt: str, make) -> None:  # type: ignore[no-untyped-def]
    original = make()
    back = read_sbom(f"bom.{fmt}.json", WRITERS[fmt](original))
    assert _essence(back) == _essence(original)
    by_purl = {c.purl: c for c in back.components}
    lodash = by_purl.get("pkg:npm/lodash@4.17.21")
    if lodash is not None:
        assert lodash.direct is True
        assert lodash.download_url == "https://registry.npmjs.org/lodash/-/lodash-4.17.21.tgz"
        assert [str(loc) for loc in lodash.locations] == ["web/package-lock.json:12" + ("-20" if fmt == "spdx" else "")]
        assert lodash.ecosystem == "npm"
    requests = by_purl.get("pkg:pypi/requests")
    if requests is not None:
        assert requests.resolved is False


def test_round_trip_is_a_fixed_point() -> None:
    for fmt, write in WRITERS.items():
        once = write(folder_inventory())
        twice = write(read_sbom("bom.json", once))
        assert _essence(read_sbom("bom.json", twice)) == _essence(read_sbom("bom.json", once)), fmt


def test_supplier_cyclonedx_1_4() -> None:
    path = FIXTURES / "supplier-cyclonedx-1.4.json"
    inv = read_sbom(path.name, path.read_text())
    by_purl = {c.purl: c for c in inv.components}
    assert [p.purl for p in inv.projects] == ["pkg:maven/com.acme/gateway@3.1.0"]
    log4j = by_purl["pkg:maven/org.apache.logging.log4j/log4j-core@2.17.1"]
    assert log4j.namespace == "org.apache.logging.log4j"
    assert log4j.declared_license == "Apache-2.0"
    assert log4j.hashes[0].algorithm == "sha256"
    assert log4j.locations[0].path == path.name  # where it came from: the supplier's SBOM
    assert by_purl["pkg:maven/junit/junit@4.13.2"].scope is Scope.DEV
    nested = by_purl["pkg:maven/org.apache.logging.log4j/log4j-api@2.17.1"]
    assert nested.declared_license == "Apache-2.0 AND MIT"
    generic = [c for c in inv.components if c.ecosystem == "generic"]
    assert [c.name for c in generic] == ["vendored-zlib"]
    assert any("no purl" in p.message for p in inv.problems)
    edges = {(d.ref, t) for d in inv.dependencies for t in d.depends_on}
    assert (
        "pkg:maven/com.acme/gateway@3.1.0",
        "pkg:maven/org.apache.logging.log4j/log4j-core@2.17.1",
    ) in edges


def test_supplier_spdx_tag_value() -> None:
    path = FIXTURES / "supplier.spdx"
    inv = read_sbom(path.name, path.read_text())
    by_purl = {c.purl: c for c in inv.components}
    assert [p.purl for p in inv.projects] == ["pkg:pypi/acme-tool@1.2.0"]
    assert by_purl["pkg:pypi/click@8.1.7"].declared_license == "BSD-3-Clause"
    assert by_purl["pkg:pypi/click@8.1.7"].hashes[0].algorithm == "sha256"
    assert by_purl["pkg:pypi/pytest@8.0.0"].scope is Scope.DEV
    edges = {(d.ref, t) for d in inv.dependencies for t in d.depends_on}
    assert ("pkg:pypi/acme-tool@1.2.0", "pkg:pypi/click@8.1.7") in edges
    assert ("pkg:pypi/acme-tool@1.2.0", "pkg:pypi/pytest@8.0.0") in edges


@pytest.mark.parametrize(
    "text",
    [
        "",
        "{",
        "[]",
        '{"bomFormat": "CycloneDX"}',
        '{"bomFormat": "CycloneDX", "specVersion": "9.9"}',
        '{"bomFormat": "CycloneDX", "specVersion": "1.6", "components": {}}',
        '{"spdxVersion": "SPDX-2.3"}',
        '{"spdxVersion": "SPDX-3.0"}',
        "SPDXVersion: SPDX-2.3\nPackageName: x\n",
        "\x00\x01\x02binary",
        "[" * 100000 + "]" * 100000,
        '{"a":' * 50000 + "1" + "}" * 50000,
        "just some text",
    ],
)
def test_hostile_input_raises_parse_error_naming_the_file(text: str) -> None:
    with pytest.raises(ParseError) as info:
        read_sbom("evil/bom.json", text)
    assert info.value.path == "evil/bom.json"


def test_odd_but_readable_cyclonedx_keeps_what_it_can() -> None:
    doc = {
        "bomFormat": "CycloneDX",
        "specVersion": "1.5",
        "components": [
            42,
            {"name": "ok", "version": "1", "purl": "pkg:npm/ok@1", "hashes": "nope", "licenses": [1, {}]},
            {"name": "bad-purl", "purl": "pkg:"},
            {"type": "library"},
        ],
        "dependencies": [{"ref": "pkg:npm/ok@1", "dependsOn": ["ghost", 3]}, "x"],
    }
    inv = read_sbom("s.json", json.dumps(doc))
    assert "pkg:npm/ok@1" in {c.purl for c in inv.components}
    assert any("ghost" in p.message for p in inv.problems)


_SEED_CDX = inventory_to_cyclonedx_json(folder_inventory())
_SEED_SPDX = inventory_to_spdx_json(folder_inventory())


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.text(max_size=400))
def test_garbage_only_raises_parse_error(text: str) -> None:
    with contextlib.suppress(ParseError):
        read_sbom("g.json", text)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.sampled_from([_SEED_CDX, _SEED_SPDX]), st.integers(0, 10**9), st.integers(1, 40), st.text(max_size=5))
def test_mutated_sboms_only_raise_parse_error(seed: str, at: int, cut: int, insert: str) -> None:
    pos = at % len(seed)
    mutated = seed[:pos] + insert + seed[pos + cut :]
    with contextlib.suppress(ParseError):
        read_sbom("m.json", mutated)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    st.sampled_from(["components", "dependencies", "metadata", "packages", "relationships"]),
    st.from_type(object),
)
def test_wrong_types_in_known_fields_only_raise_parse_error(field: str, value: object) -> None:
    for seed in (_SEED_CDX, _SEED_SPDX):
        data = json.loads(seed)
        try:
            data[field] = json.loads(json.dumps(value, default=str))
        except (TypeError, ValueError):
            return
        with contextlib.suppress(ParseError):
            read_sbom("t.json", json.dumps(data))


@pytest.mark.parametrize("version", ["1.5", "1.6", "1.7"])
def test_later_cyclonedx_versions_read_the_same(version: str) -> None:
    text = (FIXTURES / "supplier-cyclonedx-1.4.json").read_text()
    data = json.loads(text)
    data["specVersion"] = version
    assert _essence(read_sbom("s.json", json.dumps(data))) == _essence(read_sbom("s.json", text))
