"""SPDX 2.3 export: valid for spdx-tools, complete, deterministic."""

from __future__ import annotations

import json
from typing import Any

import pytest
from sbom_inventories import folder_inventory
from spdx_tools.spdx.parser.jsonlikedict.json_like_dict_parser import JsonLikeDictParser
from spdx_tools.spdx.validation.document_validator import validate_full_spdx_document

from ospo.model import Component, Dependency, Hash, Inventory
from ospo.sbom.spdx import ROOT_ID, inventory_to_spdx_json, spdx_id_for


def _valid(text: str) -> dict[str, Any]:
    data = json.loads(text)
    document = JsonLikeDictParser().parse(data)
    messages = validate_full_spdx_document(document)
    assert messages == [], [m.validation_message for m in messages]
    assert isinstance(data, dict)
    return data


def _packages(doc: dict[str, Any]) -> dict[str, dict[str, Any]]:
    out = {}
    for pkg in doc["packages"]:
        purls = [r["referenceLocator"] for r in pkg.get("externalRefs", []) if r["referenceType"] == "purl"]
        out[purls[0] if purls else pkg["SPDXID"]] = pkg
    return out


def _rels(doc: dict[str, Any]) -> set[tuple[str, str, str]]:
    return {(r["spdxElementId"], r["relationshipType"], r["relatedSpdxElement"]) for r in doc["relationships"]}


def test_folder_inventory_is_valid_spdx_2_3(folder_inv: Inventory) -> None:
    doc = _valid(inventory_to_spdx_json(folder_inv))
    assert doc["spdxVersion"] == "SPDX-2.3"
    assert doc["dataLicense"] == "CC0-1.0"
    info = doc["creationInfo"]
    assert info["created"] == "2023-11-14T22:13:20Z"
    assert info["creators"][0].startswith("Tool: ospo-")
    assert doc["documentNamespace"].startswith("https://")
    assert ("SPDXRef-DOCUMENT", "DESCRIBES", ROOT_ID) in _rels(doc)
    assert "/somewhere" not in json.dumps(doc)


def test_packages_carry_purl_version_checksums_licence(folder_inv: Inventory) -> None:
    doc = _valid(inventory_to_spdx_json(folder_inv))
    pkgs = _packages(doc)
    lodash = pkgs["pkg:npm/lodash@4.17.21"]
    assert lodash["SPDXID"] == spdx_id_for("pkg:npm/lodash@4.17.21")
    assert lodash["versionInfo"] == "4.17.21"
    assert lodash["externalRefs"] == [
        {
            "referenceCategory": "PACKAGE_MANAGER",
            "referenceLocator": "pkg:npm/lodash@4.17.21",
            "referenceType": "purl",
        }
    ]
    assert {c["algorithm"] for c in lodash["checksums"]} == {"SHA1", "SHA512"}
    assert lodash["licenseDeclared"] == "MIT"
    assert lodash["downloadLocation"] == "https://registry.npmjs.org/lodash/-/lodash-4.17.21.tgz"
    assert pkgs["pkg:npm/%40types/node@20.1.0"]["name"] == "@types/node"
    assert pkgs["pkg:npm/%40types/node@20.1.0"]["downloadLocation"] == "NOASSERTION"
    requests = pkgs["pkg:pypi/requests"]
    assert "versionInfo" not in requests
    # Free text is not an SPDX expression: a LicenseRef declared with the text kept verbatim.
    ref = requests["licenseDeclared"]
    assert ref.startswith("LicenseRef-ospo-")
    extracted = {e["licenseId"]: e for e in doc["hasExtractedLicensingInfos"]}
    assert extracted[ref]["extractedText"] == "BSD-like licence, see COPYING"
    assert "LicenseRef-scancode-proprietary-license" in extracted
    assert pkgs["pkg:npm/left-pad@1.3.0"]["licenseDeclared"] == ("LicenseRef-scancode-proprietary-license AND MIT")


def test_relationships_say_why_a_dependency_is_there(folder_inv: Inventory) -> None:
    doc = _valid(inventory_to_spdx_json(folder_inv))
    rels = _rels(doc)
    lodash = spdx_id_for("pkg:npm/lodash@4.17.21")
    web = spdx_id_for("pkg:npm/web-app@1.0.0")
    assert (web, "DEPENDS_ON", lodash) in rels
    assert (spdx_id_for("pkg:npm/%40types/node@20.1.0"), "DEV_DEPENDENCY_OF", web) in rels
    assert (spdx_id_for("pkg:npm/left-pad@1.3.0"), "OPTIONAL_DEPENDENCY_OF", lodash) in rels
    manifest = spdx_id_for("file:requirements.txt", "Manifest")
    assert (spdx_id_for("pkg:pypi/pytest@8.0.0"), "TEST_DEPENDENCY_OF", manifest) in rels
    assert (manifest, "DEPENDS_ON", spdx_id_for("pkg:pypi/requests")) in rels
    assert (ROOT_ID, "CONTAINS", web) in rels
    assert (ROOT_ID, "CONTAINS", manifest) in rels


def test_single_project_is_the_described_root(project_inv: Inventory) -> None:
    doc = _valid(inventory_to_spdx_json(project_inv))
    root = next(p for p in doc["packages"] if p["SPDXID"] == ROOT_ID)
    assert root["name"] == "my-app"
    assert root["versionInfo"] == "0.3.0"
    assert root["licenseDeclared"] == "Apache-2.0"
    assert (ROOT_ID, "DEPENDS_ON", spdx_id_for("pkg:pypi/attrs@23.2.0")) in _rels(doc)


def test_spdx_ids_are_stable_and_valid() -> None:
    a = spdx_id_for("pkg:npm/%40scope/a b@1.0.0?x=1#sub")
    assert a == spdx_id_for("pkg:npm/%40scope/a b@1.0.0?x=1#sub")
    assert a != spdx_id_for("pkg:npm/%40scope/a-b@1.0.0?x=1#sub")
    assert all(ch.isalnum() or ch in ".-" for ch in a)


def test_odd_components_still_validate() -> None:
    inv = Inventory(
        root="r",
        components=[
            Component(
                "pkg:pypi/x@1",
                "x",
                "1",
                "pypi",
                hashes=(Hash("sha256", "short"), Hash("BLAKE2b-256", "ab" * 32), Hash("crc32", "1234")),
                declared_license="GPL-2.0-or-later WITH Classpath-exception-2.0",
                download_url="not a url",
                homepage="::::",
            )
        ],
        dependencies=[Dependency("pkg:pypi/x@1", ("pkg:pypi/missing@2",))],
    )
    doc = _valid(inventory_to_spdx_json(inv))
    pkgs = _packages(doc)
    assert pkgs["pkg:pypi/x@1"]["checksums"] == [{"algorithm": "BLAKE2b-256", "checksumValue": "ab" * 32}]
    assert pkgs["pkg:pypi/x@1"]["downloadLocation"] == "NOASSERTION"
    assert "pkg:pypi/missing@2" in pkgs


def test_empty_inventory_is_valid() -> None:
    _valid(inventory_to_spdx_json(Inventory(root=".")))


def test_same_inventory_same_bytes(folder_inv: Inventory) -> None:
    first = inventory_to_spdx_json(folder_inv)
    shuffled = folder_inventory()
    shuffled.components.reverse()
    shuffled.projects.reverse()
    shuffled.dependencies.reverse()
    assert inventory_to_spdx_json(shuffled) == first


def test_namespace_follows_content(folder_inv: Inventory, monkeypatch: pytest.MonkeyPatch) -> None:
    first = json.loads(inventory_to_spdx_json(folder_inv))["documentNamespace"]
    changed = folder_inventory()
    changed.components.pop(0)
    assert json.loads(inventory_to_spdx_json(changed))["documentNamespace"] != first
