"""The direct CycloneDX writer against cyclonedx-python-lib's own serialisation.

ospo writes CycloneDX as plain JSON for speed. Here each component is also built as the lib's
model object and serialised by the lib; both must be the same JSON (occurrences aside: the
writer orders them by file and line, the lib by an internal reference). Inputs are the SBOM
test inventories, every inventory fixture folder, and generated components with odd hashes,
licences, URLs and properties.
"""

from __future__ import annotations

import json
import warnings
from pathlib import Path
from typing import Any

import pytest
from cyclonedx.model import ExternalReference, ExternalReferenceType, HashAlgorithm, HashType, Property, XsUri
from cyclonedx.model.bom import Bom, BomMetaData
from cyclonedx.model.component import Component as CdxComponent
from cyclonedx.model.component import ComponentScope, ComponentType
from cyclonedx.model.component_evidence import ComponentEvidence, Occurrence
from cyclonedx.model.license import DisjunctiveLicense, License, LicenseExpression
from cyclonedx.output.json import JsonV1Dot6
from cyclonedx.schema import SchemaVersion
from cyclonedx.schema.schema import SchemaVersion1Dot6
from cyclonedx.spdx import is_supported_id
from cyclonedx.validation.json import JsonStrictValidator
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from packageurl import PackageURL
from sbom_inventories import folder_inventory, project_inventory

from ospo.inventory import InventoryOptions, build_inventory
from ospo.model import Component, Hash, Inventory, Location, Scope
from ospo.sbom._common import classify_license, normalise_hash_algorithm
from ospo.sbom._graph import build_graph
from ospo.sbom.cyclonedx import HASH_ALGORITHMS, _uri, inventory_to_cyclonedx_json

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures"

_LIB_HASHES = {key: HashAlgorithm(value) for key, value in HASH_ALGORITHMS.items()}
_LIB_SCOPES = {
    Scope.RUNTIME: ComponentScope.REQUIRED,
    Scope.OPTIONAL: ComponentScope.OPTIONAL,
    Scope.DEV: ComponentScope.EXCLUDED,
    Scope.TEST: ComponentScope.EXCLUDED,
}


def _lib_component(comp: Component, kind: ComponentType, *, is_root: bool = False, synthetic: bool = False) -> Any:
    """The component as the lib models it, with the mapping the module docstring gives."""
    props: list[Property] = []
    if synthetic:
        props.append(Property(name="ospo:synthetic-root", value="true"))
    scope = None
    if not is_root:
        scope = _LIB_SCOPES[comp.scope]
        if comp.scope in (Scope.DEV, Scope.TEST):
            props.append(Property(name="ospo:scope", value=comp.scope.value))
    if comp.declared_range is not None:
        props.append(Property(name="ospo:declared-range", value=comp.declared_range))
    if comp.direct is not None:
        props.append(Property(name="ospo:direct", value="true" if comp.direct else "false"))
    hashes: list[HashType] = []
    for h in sorted(comp.hashes):
        alg = _LIB_HASHES.get(normalise_hash_algorithm(h.algorithm))
        if alg is None or not _is_hex_digest(h.value):
            props.append(Property(name="ospo:hash", value=f"{h.algorithm}:{h.value}"))
        else:
            hashes.append(HashType(alg=alg, content=h.value.lower()))
    props.extend(Property(name=n, value=v) for n, v in comp.properties)
    refs = []
    for ref_type, url in (
        (ExternalReferenceType.DISTRIBUTION, comp.download_url),
        (ExternalReferenceType.WEBSITE, comp.homepage),
    ):
        # Which strings are references at all, and their percent-encoding, is ospo's
        # (checked against RFC 3987 below); the lib writes the result.
        uri = _uri(url) if url else None
        if uri is not None:
            refs.append(ExternalReference(type=ref_type, url=XsUri(uri)))
    purl = None
    if not synthetic:
        try:
            purl = PackageURL.from_string(comp.purl)
        except ValueError:
            purl = None
    evidence = None
    if comp.locations:
        evidence = ComponentEvidence(
            occurrences=[Occurrence(location=loc.path, line=loc.line) for loc in comp.locations]
        )
    return CdxComponent(
        type=kind,
        name=comp.name,
        group=comp.namespace or None,
        version=comp.version if comp.resolved else None,
        bom_ref=comp.purl,
        purl=purl,
        scope=scope,
        description=comp.description,
        hashes=hashes,
        licenses=_lib_licenses(comp.declared_license),
        external_references=refs,
        properties=props,
        evidence=evidence,
    )


def _is_hex_digest(value: str) -> bool:
    return len(value) in (32, 40, 64, 96, 128) and all(c in "0123456789abcdefABCDEF" for c in value)


def _lib_licenses(declared: str | None) -> list[License]:
    if not declared or not declared.strip():
        return []
    info = classify_license(declared)
    if info.single_id is not None and is_supported_id(info.single_id):
        return [DisjunctiveLicense(id=info.single_id)]
    if info.expression is not None:
        return [LicenseExpression(info.expression)]
    return [DisjunctiveLicense(name=declared.strip())]


def _lib_json(component: Any) -> dict[str, Any]:
    data: dict[str, Any] = json.loads(component.as_json(view_=SchemaVersion1Dot6))
    return _occurrences_sorted(data)


def _occurrences_sorted(data: dict[str, Any]) -> dict[str, Any]:
    evidence = data.get("evidence")
    if evidence:
        evidence["occurrences"] = sorted(evidence["occurrences"], key=lambda o: (o["location"], o.get("line", 0)))
    return data


def _assert_same_as_lib(inventory: Inventory) -> None:
    text = inventory_to_cyclonedx_json(inventory)
    assert JsonStrictValidator(SchemaVersion.V1_6).validate_str(text) is None
    ours = json.loads(text)
    graph = build_graph(inventory)
    expected = {p.purl: _lib_json(_lib_component(p, ComponentType.APPLICATION)) for p in graph.projects}
    for comp in [*graph.components, *graph.placeholders]:
        expected[comp.purl] = _lib_json(_lib_component(comp, ComponentType.LIBRARY))
    written = {c["bom-ref"]: _occurrences_sorted(c) for c in ours["components"] if c["type"] != "file"}
    assert written == expected
    root = _lib_json(
        _lib_component(graph.root, ComponentType.APPLICATION, is_root=True, synthetic=graph.synthetic_root)
    )
    assert _occurrences_sorted(ours["metadata"]["component"]) == root
    # The document head is what the lib writes for a Bom with this root and tool.
    metadata = BomMetaData(
        timestamp=_timestamp(ours),
        component=_lib_component(graph.root, ComponentType.APPLICATION, is_root=True, synthetic=graph.synthetic_root),
    )
    metadata.tools.components.add(
        CdxComponent(
            type=ComponentType.APPLICATION, name="ospo", version=ours["metadata"]["tools"]["components"][0]["version"]
        )
    )
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)
        head = json.loads(JsonV1Dot6(Bom(metadata=metadata)).output_as_string())
    for key in ("$schema", "bomFormat", "specVersion", "version"):
        assert ours[key] == head[key]
    head["metadata"]["component"] = _occurrences_sorted(head["metadata"]["component"])
    assert ours["metadata"] == head["metadata"]


def _timestamp(bom: dict[str, Any]) -> Any:
    from datetime import datetime

    return datetime.fromisoformat(bom["metadata"]["timestamp"])


def test_sbom_test_inventories_match_the_lib() -> None:
    _assert_same_as_lib(folder_inventory())
    _assert_same_as_lib(project_inventory())


@pytest.mark.parametrize("folder", sorted(p.name for p in FIXTURES.iterdir() if p.is_dir()))
def test_every_fixture_folder_matches_the_lib(folder: str) -> None:
    _assert_same_as_lib(build_inventory(str(FIXTURES / folder), InventoryOptions()))


_text = st.text(st.characters(codec="utf-8", exclude_categories=("Cs",)), max_size=30)
_hashes = st.lists(
    st.builds(
        Hash,
        algorithm=st.sampled_from(["sha256", "SHA-512", "sha1", "md5", "whirlpool", "blake3", "sha3-256"]),
        value=st.one_of(
            st.text("0123456789abcdefABCDEF", min_size=32, max_size=32),
            st.text("0123456789abcdef", min_size=64, max_size=64),
            _text,
        ),
    ),
    max_size=4,
)
_licences = st.one_of(
    st.none(),
    st.sampled_from(
        [
            "MIT",
            "Apache-2.0",
            "MIT OR Apache-2.0",
            "GPL-2.0+",
            "BSD-like",
            "LicenseRef-acme",
            "(MIT AND BSD-3-Clause)",
            " ",
            "mit",
        ]
    ),
    _text,
)
_urls = st.one_of(
    st.none(),
    st.sampled_from(
        ["https://example.org/a b", "https://x.org/%zz", "https://x.org/#a#b", "./vendor/x.whl", "https://x.org/[1]"]
    ),
    _text,
)
_components = st.builds(
    Component,
    purl=st.one_of(
        st.sampled_from(["pkg:npm/%40scope/a@1.0.0", "pkg:pypi/a-b@2", "pkg:maven/g/a@1?type=jar", "not a purl"]),
        st.builds(lambda s: f"pkg:npm/{s}@1", _text),
    ),
    name=_text.filter(bool),
    version=st.one_of(st.none(), _text.filter(bool)),
    ecosystem=st.just("npm"),
    namespace=st.one_of(st.none(), _text),
    scope=st.sampled_from(list(Scope)),
    direct=st.one_of(st.none(), st.booleans()),
    resolved=st.booleans(),
    declared_range=st.one_of(st.none(), _text),
    declared_license=_licences,
    hashes=_hashes.map(tuple),
    locations=st.lists(
        st.builds(Location, path=_text.filter(bool), line=st.one_of(st.none(), st.integers(1, 10**6))), max_size=3
    ).map(tuple),
    download_url=_urls,
    description=st.one_of(st.none(), _text),
    homepage=_urls,
    properties=st.lists(st.tuples(_text.filter(bool), _text), max_size=3).map(tuple),
)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(_components, min_size=1, max_size=4, unique_by=lambda c: c.purl))
def test_generated_components_match_the_lib(components: list[Component]) -> None:
    _assert_same_as_lib(Inventory(root="gen", components=components))


@settings(max_examples=300, deadline=None)
@given(
    st.one_of(
        _text,
        st.text(max_size=40),
        st.sampled_from(["git+ssh://git@github.com/a/b.git#c", "1a:b", "http://x:y/", "//h/p", "a b?c d#e"]),
    )
)
def test_external_reference_urls_are_iri_references(value: str) -> None:
    from rfc3987_syntax import is_valid_syntax

    uri = _uri(value)
    if uri is not None:
        assert is_valid_syntax("iri_reference", uri), uri
    if value and all(c.isascii() and c.isalnum() for c in value):
        assert uri == value  # a plain word is a relative reference, kept as it is
