"""CycloneDX 1.6 export: schema-valid, complete, deterministic."""

from __future__ import annotations

import json
from typing import Any

import pytest
from cyclonedx.schema import SchemaVersion
from cyclonedx.validation.json import JsonStrictValidator
from sbom_inventories import folder_inventory

from ospo.model import Component, Dependency, Hash, Inventory
from ospo.sbom.cyclonedx import inventory_to_cyclonedx_json


def _validate(text: str) -> None:
    error = JsonStrictValidator(SchemaVersion.V1_6).validate_str(text)
    assert error is None, str(error)


def _by_ref(bom: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {c["bom-ref"]: c for c in bom["components"]}


def _props(comp: dict[str, Any]) -> list[tuple[str, str]]:
    return [(p["name"], p["value"]) for p in comp.get("properties", [])]


def test_folder_inventory_is_valid_cyclonedx_1_6(folder_inv: Inventory) -> None:
    text = inventory_to_cyclonedx_json(folder_inv)
    _validate(text)
    bom = json.loads(text)
    assert bom["specVersion"] == "1.6"
    assert bom["serialNumber"].startswith("urn:uuid:")
    meta = bom["metadata"]
    assert meta["timestamp"].startswith("2023-11-14T22:13:20")
    assert meta["tools"]["components"][0]["name"] == "ospo"
    assert meta["tools"]["components"][0]["version"]
    # Two projects: the root is an application named after the scanned folder.
    assert meta["component"]["name"] == "monorepo"
    assert meta["component"]["type"] == "application"
    assert "/somewhere" not in text


def test_components_carry_every_field(folder_inv: Inventory) -> None:
    comps = _by_ref(json.loads(inventory_to_cyclonedx_json(folder_inv)))
    lodash = comps["pkg:npm/lodash@4.17.21"]
    assert lodash["purl"] == "pkg:npm/lodash@4.17.21"
    assert lodash["version"] == "4.17.21"
    assert lodash["scope"] == "required"
    assert lodash["licenses"] == [{"license": {"id": "MIT"}}]
    assert {h["alg"] for h in lodash["hashes"]} == {"SHA-512", "SHA-1"}
    assert ("ospo:hash", "whirlpool:00ff") in _props(lodash)  # unknown algorithm: kept, not crashed
    assert lodash["externalReferences"] == [
        {"type": "distribution", "url": "https://registry.npmjs.org/lodash/-/lodash-4.17.21.tgz"}
    ]
    assert lodash["evidence"]["occurrences"] == [{"location": "web/package-lock.json", "line": 12}]

    types_node = comps["pkg:npm/%40types/node@20.1.0"]
    assert types_node["group"] == "@types"
    assert types_node["name"] == "node"
    assert types_node["scope"] == "excluded"
    assert ("ospo:scope", "dev") in _props(types_node)
    assert types_node["licenses"] == [{"expression": "Apache-2.0 OR MIT"}]

    assert comps["pkg:npm/left-pad@1.3.0"]["scope"] == "optional"
    assert comps["pkg:npm/left-pad@1.3.0"]["licenses"] == [
        {"expression": "LicenseRef-scancode-proprietary-license AND MIT"}
    ]
    pytest_c = comps["pkg:pypi/pytest@8.0.0"]
    assert pytest_c["scope"] == "excluded"
    assert ("ospo:scope", "test") in _props(pytest_c)
    assert ("pypi:marker", "python_version >= '3.8'") in _props(pytest_c)

    requests = comps["pkg:pypi/requests"]
    assert "version" not in requests
    assert ("ospo:declared-range", ">=2.31,<3") in _props(requests)
    assert requests["licenses"] == [{"license": {"name": "BSD-like licence, see COPYING"}}]

    commons = comps["pkg:maven/org.apache.commons/commons-lang3@3.14.0"]
    assert commons["group"] == "org.apache.commons"
    assert commons["externalReferences"][0]["type"] == "website"


def test_projects_and_manifest_roots_are_nodes_of_the_graph(folder_inv: Inventory) -> None:
    bom = json.loads(inventory_to_cyclonedx_json(folder_inv))
    comps = _by_ref(bom)
    assert comps["pkg:npm/web-app@1.0.0"]["type"] == "application"
    assert comps["pkg:maven/com.example/svc@2.0"]["type"] == "application"
    assert comps["file:requirements.txt"]["type"] == "file"
    deps = {d["ref"]: d.get("dependsOn", []) for d in bom["dependencies"]}
    root_ref = bom["metadata"]["component"]["bom-ref"]
    every_ref = set(comps) | {root_ref}
    assert set(deps) == every_ref  # an entry for every node, even without edges
    assert all(t in every_ref for targets in deps.values() for t in targets)
    assert deps["file:requirements.txt"] == ["pkg:pypi/pytest@8.0.0", "pkg:pypi/requests"]
    assert deps["pkg:npm/lodash@4.17.21"] == ["pkg:npm/left-pad@1.3.0"]
    assert deps["pkg:npm/left-pad@1.3.0"] == []
    # The synthetic root holds the projects and the manifest roots.
    assert {"pkg:npm/web-app@1.0.0", "pkg:maven/com.example/svc@2.0", "file:requirements.txt"} <= set(deps[root_ref])


def test_single_project_is_the_root(project_inv: Inventory) -> None:
    text = inventory_to_cyclonedx_json(project_inv)
    _validate(text)
    bom = json.loads(text)
    root = bom["metadata"]["component"]
    assert root["bom-ref"] == "pkg:pypi/my-app@0.3.0"
    assert root["purl"] == "pkg:pypi/my-app@0.3.0"
    assert "pkg:pypi/my-app@0.3.0" not in _by_ref(bom)
    deps = {d["ref"]: d.get("dependsOn", []) for d in bom["dependencies"]}
    assert deps["pkg:pypi/my-app@0.3.0"] == ["pkg:pypi/attrs@23.2.0"]


def test_edge_to_unlisted_purl_gets_a_placeholder_component() -> None:
    inv = Inventory(
        root="r",
        components=[Component("pkg:npm/a@1.0.0", "a", "1.0.0", "npm")],
        dependencies=[Dependency("pkg:npm/a@1.0.0", ("pkg:npm/b@2.0.0", "weird-ref"))],
    )
    text = inventory_to_cyclonedx_json(inv)
    _validate(text)
    comps = _by_ref(json.loads(text))
    assert comps["pkg:npm/b@2.0.0"]["version"] == "2.0.0"
    assert comps["weird-ref"]["type"] == "file"


def test_malformed_hashes_and_licences_do_not_break_validity() -> None:
    inv = Inventory(
        root="r",
        components=[
            Component(
                "pkg:pypi/x@1",
                "x",
                "1",
                "pypi",
                hashes=(Hash("SHA-256", "not-hex"), Hash("md5", "ab" * 16), Hash("", "")),
                declared_license="MIT AND (",
                download_url="not a url at all",
            )
        ],
    )
    text = inventory_to_cyclonedx_json(inv)
    _validate(text)
    comp = _by_ref(json.loads(text))["pkg:pypi/x@1"]
    assert comp["hashes"] == [{"alg": "MD5", "content": "ab" * 16}]
    assert comp["licenses"] == [{"license": {"name": "MIT AND ("}}]


def test_empty_inventory_is_valid() -> None:
    _validate(inventory_to_cyclonedx_json(Inventory(root=".")))


def test_same_inventory_same_bytes(folder_inv: Inventory) -> None:
    first = inventory_to_cyclonedx_json(folder_inv)
    again = inventory_to_cyclonedx_json(folder_inventory())
    assert first == again
    shuffled = folder_inventory()
    shuffled.components.reverse()
    shuffled.dependencies.reverse()
    assert inventory_to_cyclonedx_json(shuffled) == first


def test_serial_number_follows_content_and_time(folder_inv: Inventory, monkeypatch: pytest.MonkeyPatch) -> None:
    first = json.loads(inventory_to_cyclonedx_json(folder_inv))["serialNumber"]
    changed = folder_inventory()
    changed.components.pop()
    assert json.loads(inventory_to_cyclonedx_json(changed))["serialNumber"] != first
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1700000001")
    assert json.loads(inventory_to_cyclonedx_json(folder_inv))["serialNumber"] != first


def test_without_source_date_epoch_the_time_is_now(monkeypatch: pytest.MonkeyPatch) -> None:
    from datetime import UTC, datetime

    monkeypatch.delenv("SOURCE_DATE_EPOCH")
    bom = json.loads(inventory_to_cyclonedx_json(Inventory(root=".")))
    stamp = datetime.fromisoformat(bom["metadata"]["timestamp"])
    assert abs((datetime.now(tz=UTC) - stamp).total_seconds()) < 3600


def test_repeated_purl_is_one_node() -> None:
    a1 = Component("pkg:npm/a@1.0.0", "a", "1.0.0", "npm", declared_license="MIT")
    a2 = Component("pkg:npm/a@1.0.0", "a", "1.0.0", "npm", declared_license="ISC")
    text = inventory_to_cyclonedx_json(Inventory(root="r", components=[a1, a2]))
    _validate(text)
    comps = json.loads(text)["components"]
    assert [c["licenses"] for c in comps] == [[{"license": {"id": "MIT"}}]]
