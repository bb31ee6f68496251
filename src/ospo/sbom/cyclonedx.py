"""CycloneDX 1.6 JSON export, built with cyclonedx-python-lib.

Mapping (CycloneDX 1.6 field meanings):
- ``bom-ref`` = purl, so other documents can point at a component by its identity;
- scope: runtime -> ``required``, optional -> ``optional``, dev/test -> ``excluded`` (not in
  the shipped artefact) with an ``ospo:scope`` property keeping which;
- an unresolved component (declared range only) has no ``version``; the range is the
  ``ospo:declared-range`` property;
- the declared licence is an SPDX id when it is one known id, else an SPDX expression, else
  (free text) a licence ``name``;
- hashes CycloneDX cannot name (or malformed digests) go to ``ospo:hash`` properties
  instead of being dropped;
- ``evidence.occurrences`` say which file (and line) named the component;
- manifests without a project (``file:<path>`` roots) are components of type ``file``
  whose bom-ref is that ref, so every edge of the graph names a node of the document.
"""

from __future__ import annotations

import re
import uuid
import warnings
from collections.abc import Iterable

from cyclonedx.model import ExternalReference, ExternalReferenceType, HashAlgorithm, HashType, Property, XsUri
from cyclonedx.model.bom import Bom, BomMetaData
from cyclonedx.model.component import Component as CdxComponent
from cyclonedx.model.component import ComponentScope, ComponentType
from cyclonedx.model.component_evidence import ComponentEvidence, Occurrence
from cyclonedx.model.dependency import Dependency as CdxDependency
from cyclonedx.model.license import DisjunctiveLicense, License, LicenseExpression
from cyclonedx.output.json import JsonV1Dot6
from cyclonedx.spdx import is_supported_id
from packageurl import PackageURL

from ospo.model import Component, Hash, Inventory, Scope
from ospo.sbom._common import (
    PROP_DECLARED_RANGE,
    PROP_DIRECT,
    PROP_MANIFEST,
    PROP_SCOPE,
    PROP_SYNTHETIC_ROOT,
    PROP_UNMAPPED_HASH,
    TOOL_NAME,
    classify_license,
    content_digest,
    creation_time,
    normalise_hash_algorithm,
    tool_version,
)
from ospo.sbom._graph import SbomGraph, build_graph, manifest_path

CYCLONEDX_SPEC_VERSION = "1.6"

HASH_ALGORITHMS: dict[str, HashAlgorithm] = {
    "md5": HashAlgorithm.MD5,
    "sha1": HashAlgorithm.SHA_1,
    "sha256": HashAlgorithm.SHA_256,
    "sha384": HashAlgorithm.SHA_384,
    "sha512": HashAlgorithm.SHA_512,
    "sha3-256": HashAlgorithm.SHA3_256,
    "sha3-384": HashAlgorithm.SHA3_384,
    "sha3-512": HashAlgorithm.SHA3_512,
    "blake2b-256": HashAlgorithm.BLAKE2B_256,
    "blake2b-384": HashAlgorithm.BLAKE2B_384,
    "blake2b-512": HashAlgorithm.BLAKE2B_512,
    "blake3": HashAlgorithm.BLAKE3,
}
# The schema only accepts hex digests of these lengths.
_HEX_DIGEST = re.compile(r"^(?:[a-fA-F0-9]{32}|[a-fA-F0-9]{40}|[a-fA-F0-9]{64}|[a-fA-F0-9]{96}|[a-fA-F0-9]{128})$")

_SCOPES = {
    Scope.RUNTIME: ComponentScope.REQUIRED,
    Scope.OPTIONAL: ComponentScope.OPTIONAL,
    Scope.DEV: ComponentScope.EXCLUDED,
    Scope.TEST: ComponentScope.EXCLUDED,
}


def inventory_to_cyclonedx_bom(inventory: Inventory) -> Bom:
    """The inventory as a cyclonedx-python-lib Bom (deterministic but for a now-timestamp)."""
    created = creation_time()
    graph = build_graph(inventory)
    root = _to_cdx(graph.root, ComponentType.APPLICATION, is_root=True, synthetic=graph.synthetic_root)
    tool = CdxComponent(type=ComponentType.APPLICATION, name=TOOL_NAME, version=tool_version())
    metadata = BomMetaData(timestamp=created, component=root)
    metadata.tools.components.add(tool)
    bom = Bom(
        metadata=metadata,
        serial_number=uuid.UUID(hex=content_digest(inventory, "cyclonedx", created)[:32], version=5),
    )
    nodes: dict[str, CdxComponent] = {graph.root.purl: root}
    for project in graph.projects:
        nodes[project.purl] = _to_cdx(project, ComponentType.APPLICATION)
    for comp in [*graph.components, *graph.placeholders]:
        nodes[comp.purl] = _to_cdx(comp, ComponentType.LIBRARY)
    for ref in graph.manifests:
        nodes[ref] = CdxComponent(
            type=ComponentType.FILE,
            name=manifest_path(ref),
            bom_ref=ref,
            properties=[Property(name=PROP_MANIFEST, value=manifest_path(ref))],
        )
    bom.components = [node for ref, node in nodes.items() if ref != graph.root.purl]
    bom.dependencies = _dependencies(graph, nodes)
    return bom


def inventory_to_cyclonedx_json(inventory: Inventory) -> str:
    """CycloneDX 1.6 JSON text, indented, ending in a newline."""
    bom = inventory_to_cyclonedx_bom(inventory)
    _check_graph(bom)
    # Bom.validate() re-registers every component's dependency entry with a linear search
    # each, quadratic in the component count (minutes for a 10k-component monorepo). The
    # graph built here already has one entry per node and only known refs (checked above in
    # linear time), so the outputter's call to it is replaced on this instance.
    setattr(bom, "validate", lambda: True)  # noqa: B010
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)
        return JsonV1Dot6(bom).output_as_string(indent=2) + "\n"


def _check_graph(bom: Bom) -> None:
    """What Bom.validate() checks, in linear time: every edge names a node of the document."""
    known = {c.bom_ref.value for c in bom.components}
    if bom.metadata.component is not None:
        known.add(bom.metadata.component.bom_ref.value)
    for dep in bom.dependencies:
        refs = [dep.ref.value, *(d.ref.value for d in dep.dependencies)]
        missing = [r for r in refs if r not in known]
        if missing:
            raise ValueError(f"dependency graph names unknown refs: {missing[:5]}")


def _dependencies(graph: SbomGraph, nodes: dict[str, CdxComponent]) -> list[CdxDependency]:
    out = []
    for ref, targets in graph.edges.items():
        out.append(
            CdxDependency(
                ref=nodes[ref].bom_ref,
                dependencies=[CdxDependency(ref=nodes[t].bom_ref) for t in targets],
            )
        )
    return out


def _to_cdx(comp: Component, kind: ComponentType, *, is_root: bool = False, synthetic: bool = False) -> CdxComponent:
    properties: list[Property] = []
    if synthetic:
        properties.append(Property(name=PROP_SYNTHETIC_ROOT, value="true"))
    scope: ComponentScope | None = None
    if not is_root:
        scope = _SCOPES[comp.scope]
        if comp.scope in (Scope.DEV, Scope.TEST):
            properties.append(Property(name=PROP_SCOPE, value=comp.scope.value))
    if comp.declared_range is not None:
        properties.append(Property(name=PROP_DECLARED_RANGE, value=comp.declared_range))
    if comp.direct is not None:
        properties.append(Property(name=PROP_DIRECT, value="true" if comp.direct else "false"))
    hashes, unmapped = _hashes(comp.hashes)
    properties.extend(Property(name=PROP_UNMAPPED_HASH, value=f"{h.algorithm}:{h.value}") for h in unmapped)
    properties.extend(Property(name=name, value=value) for name, value in comp.properties)
    purl = None if synthetic else _purl(comp.purl)
    refs: list[ExternalReference] = []
    if comp.download_url:
        refs.extend(_ext_ref(ExternalReferenceType.DISTRIBUTION, comp.download_url))
    if comp.homepage:
        refs.extend(_ext_ref(ExternalReferenceType.WEBSITE, comp.homepage))
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
        licenses=_licenses(comp.declared_license),
        external_references=refs,
        properties=properties,
        evidence=evidence,
    )


def _purl(ref: str) -> PackageURL | None:
    try:
        return PackageURL.from_string(ref)
    except ValueError:
        return None


def _ext_ref(kind: ExternalReferenceType, url: str) -> list[ExternalReference]:
    try:
        return [ExternalReference(type=kind, url=XsUri(url))]
    except Exception:  # the lib rejects some strings as URIs; a bad URL is not worth a crash
        return []


def _hashes(hashes: Iterable[Hash]) -> tuple[list[HashType], list[Hash]]:
    mapped: list[HashType] = []
    unmapped: list[Hash] = []
    for h in sorted(hashes):
        alg = HASH_ALGORITHMS.get(normalise_hash_algorithm(h.algorithm))
        if alg is None or not _HEX_DIGEST.match(h.value):
            unmapped.append(h)
        else:
            mapped.append(HashType(alg=alg, content=h.value.lower()))
    return mapped, unmapped


def _licenses(declared: str | None) -> list[License]:
    if not declared or not declared.strip():
        return []
    info = classify_license(declared)
    if info.single_id is not None and is_supported_id(info.single_id):
        return [DisjunctiveLicense(id=info.single_id)]
    if info.expression is not None:
        return [LicenseExpression(info.expression)]
    return [DisjunctiveLicense(name=declared.strip())]
