"""SPDX 2.3 JSON export, built with spdx-tools' model and JSON converter.

Mapping (SPDX 2.3 field meanings):
- the document DESCRIBES one root package: the single project, or an application named
  after the scanned folder that CONTAINS the projects, manifests and top-level components;
- SPDXIDs are derived from the purl (readable part + a short hash), so the same component
  keeps its id from one run to the next;
- ``externalRefs`` carry the purl (PACKAGE-MANAGER / purl); ``checksums`` the hashes SPDX
  can name; ``downloadLocation`` the download URL or NOASSERTION;
- ``licenseDeclared`` is a valid SPDX expression or NOASSERTION; LicenseRef ids are
  declared in ``hasExtractedLicensingInfos``, and a free-text licence becomes a
  ``LicenseRef-ospo-…`` whose extracted text is that free text (so nothing is lost);
- edges: A DEPENDS_ON B for a runtime B, else B OPTIONAL_/DEV_/TEST_DEPENDENCY_OF A (the
  2.3 relationship types that say why a dependency is there);
- what SPDX has no field for (ospo scope, declared range, direct, unmapped hashes, extra
  properties, where the component was found) is kept in one ``OTHER`` annotation per package
  whose comment is ``ospo:`` followed by JSON, which `ospo.sbom.read` reads back.
"""

from __future__ import annotations

import hashlib
import json
import re
from datetime import datetime
from typing import Any

from spdx_tools.spdx.jsonschema.annotation_converter import AnnotationConverter
from spdx_tools.spdx.jsonschema.document_converter import DocumentConverter
from spdx_tools.spdx.model.actor import Actor, ActorType
from spdx_tools.spdx.model.annotation import Annotation, AnnotationType
from spdx_tools.spdx.model.checksum import Checksum, ChecksumAlgorithm
from spdx_tools.spdx.model.document import CreationInfo, Document
from spdx_tools.spdx.model.extracted_licensing_info import ExtractedLicensingInfo
from spdx_tools.spdx.model.package import (
    ExternalPackageRef,
    ExternalPackageRefCategory,
    Package,
    PackagePurpose,
)
from spdx_tools.spdx.model.relationship import Relationship, RelationshipType
from spdx_tools.spdx.model.spdx_no_assertion import SpdxNoAssertion
from spdx_tools.spdx.validation.checksum_validator import validate_checksum
from spdx_tools.spdx.validation.uri_validators import validate_download_location, validate_url

from ospo._version import VERSION
from ospo.model import Component, Hash, Inventory, Scope, sorted_hashes
from ospo.model.serialize import json_text
from ospo.model.spdx import spdx_licensing
from ospo.sbom._common import (
    PLACEHOLDER_UUID,
    TOOL_NAME,
    classify_license,
    creation_time,
    license_ref_for_text,
    normalise_hash_algorithm,
    root_name,
    stamp_identifier,
)
from ospo.sbom._graph import SbomGraph, build_graph, manifest_path

SPDX_VERSION = "SPDX-2.3"
DOCUMENT_ID = "SPDXRef-DOCUMENT"
ROOT_ID = "SPDXRef-Root"
OSPO_ANNOTATION_PREFIX = "ospo:"
NAMESPACE_BASE = "https://spdx.org/spdxdocs/ospo/"

CHECKSUM_ALGORITHMS: dict[str, ChecksumAlgorithm] = {
    "md5": ChecksumAlgorithm.MD5,
    "sha1": ChecksumAlgorithm.SHA1,
    "sha224": ChecksumAlgorithm.SHA224,
    "sha256": ChecksumAlgorithm.SHA256,
    "sha384": ChecksumAlgorithm.SHA384,
    "sha512": ChecksumAlgorithm.SHA512,
    "sha3-256": ChecksumAlgorithm.SHA3_256,
    "sha3-384": ChecksumAlgorithm.SHA3_384,
    "sha3-512": ChecksumAlgorithm.SHA3_512,
    "blake2b-256": ChecksumAlgorithm.BLAKE2B_256,
    "blake2b-384": ChecksumAlgorithm.BLAKE2B_384,
    "blake2b-512": ChecksumAlgorithm.BLAKE2B_512,
    "blake3": ChecksumAlgorithm.BLAKE3,
}

_DEPENDENCY_OF = {
    Scope.OPTIONAL: RelationshipType.OPTIONAL_DEPENDENCY_OF,
    Scope.DEV: RelationshipType.DEV_DEPENDENCY_OF,
    Scope.TEST: RelationshipType.TEST_DEPENDENCY_OF,
}


def spdx_id_for(ref: str, kind: str = "Package") -> str:
    """A stable SPDXID for a ref: readable (letters, digits, '.', '-') plus a hash for uniqueness."""
    readable = ref.removeprefix("pkg:").removeprefix("file:")
    slug = re.sub(r"[^A-Za-z0-9.]+", "-", readable).strip("-.")[:64].strip("-.")
    digest = hashlib.sha256(ref.encode()).hexdigest()[:10]
    return f"SPDXRef-{kind}-{slug}-{digest}" if slug else f"SPDXRef-{kind}-{digest}"


def inventory_to_spdx_document(inventory: Inventory) -> Document:
    created = creation_time()
    graph = build_graph(inventory)
    name = root_name(inventory)
    slug = re.sub(r"[^A-Za-z0-9.\-_]+", "-", name).strip("-") or "root"
    namespace = f"{NAMESPACE_BASE}{slug}-{PLACEHOLDER_UUID}"
    tool = Actor(ActorType.TOOL, f"{TOOL_NAME}-{VERSION}")
    creation_info = CreationInfo(
        spdx_version=SPDX_VERSION,
        spdx_id=DOCUMENT_ID,
        name=name,
        document_namespace=namespace,
        creators=[tool],
        created=created,
    )
    writer = _Writer(graph, tool, created)
    return writer.document(creation_info)


def inventory_to_spdx_json(inventory: Inventory) -> str:
    """SPDX 2.3 JSON text, indented, ending in a newline; validated by tests, not here."""
    document = inventory_to_spdx_document(inventory)
    # spdx-tools' converter looks up each package's annotations by scanning all of them,
    # quadratic in the package count (a minute for 3,000 packages). Convert the document
    # without them, then attach each converted annotation to its package in one pass.
    annotations = document.annotations
    document.annotations = []
    data = DocumentConverter().convert(document)  # type: ignore[no-untyped-call]
    converter = AnnotationConverter()  # type: ignore[no-untyped-call]
    by_id: dict[str, list[Any]] = {}
    for annotation in annotations:
        by_id.setdefault(annotation.spdx_id, []).append(converter.convert(annotation))  # type: ignore[no-untyped-call]
    for package in data.get("packages") or []:
        found = by_id.get(package["SPDXID"])
        if found:
            package["annotations"] = found
    # The document's identity first (the namespace is stamped from the hash of the text).
    first = ("spdxVersion", "SPDXID", "name", "documentNamespace", "dataLicense", "creationInfo")
    ordered = {key: data[key] for key in first if key in data}
    ordered.update((key, value) for key, value in data.items() if key not in ordered)
    return stamp_identifier(json_text(ordered))


class _Writer:
    def __init__(self, graph: SbomGraph, tool: Actor, created: datetime) -> None:
        self.graph = graph
        self.tool = tool
        self.created = created
        self.ids: dict[str, str] = {}
        self.extracted: dict[str, ExtractedLicensingInfo] = {}
        self.annotations: list[Annotation] = []

    def document(self, creation_info: CreationInfo) -> Document:
        graph = self.graph
        self.ids[graph.root.purl] = ROOT_ID
        for project in graph.projects:
            self.ids[project.purl] = spdx_id_for(project.purl)
        for comp in [*graph.components, *graph.placeholders]:
            self.ids[comp.purl] = spdx_id_for(comp.purl)
        for ref in graph.manifests:
            self.ids[ref] = spdx_id_for(ref, "Manifest")

        packages = [self._package(graph.root, ROOT_ID, PackagePurpose.APPLICATION, root=True)]
        packages += [self._package(p, self.ids[p.purl], PackagePurpose.APPLICATION) for p in graph.projects]
        packages += [
            self._package(c, self.ids[c.purl], PackagePurpose.LIBRARY) for c in [*graph.components, *graph.placeholders]
        ]
        for ref in graph.manifests:
            packages.append(
                Package(
                    spdx_id=self.ids[ref],
                    name=manifest_path(ref),
                    download_location=SpdxNoAssertion(),
                    files_analyzed=False,
                    primary_package_purpose=PackagePurpose.FILE,
                    license_concluded=SpdxNoAssertion(),
                    license_declared=SpdxNoAssertion(),
                    copyright_text=SpdxNoAssertion(),
                    comment="A manifest without a project of its own",
                )
            )
            self._annotate(self.ids[ref], {"manifest": ref})
        return Document(
            creation_info=creation_info,
            packages=packages,
            relationships=self._relationships(),
            annotations=self.annotations,
            extracted_licensing_info=[self.extracted[k] for k in sorted(self.extracted)],
        )

    def _relationships(self) -> list[Relationship]:
        graph = self.graph
        scopes = {c.purl: c.scope for c in [*graph.components, *graph.placeholders]}
        out = [Relationship(DOCUMENT_ID, RelationshipType.DESCRIBES, ROOT_ID)]
        for ref, targets in graph.edges.items():
            src = self.ids[ref]
            for target in targets:
                dst = self.ids[target]
                if graph.synthetic_root and ref == graph.root.purl:
                    out.append(Relationship(src, RelationshipType.CONTAINS, dst))
                    continue
                kind = _DEPENDENCY_OF.get(scopes.get(target, Scope.RUNTIME))
                if kind is None:
                    out.append(Relationship(src, RelationshipType.DEPENDS_ON, dst))
                else:
                    out.append(Relationship(dst, kind, src))
        return out

    def _package(self, comp: Component, spdx_id: str, purpose: PackagePurpose, root: bool = False) -> Package:
        checksums, unmapped = _checksums(comp.hashes)
        refs = []
        if not (root and self.graph.synthetic_root):
            refs.append(ExternalPackageRef(ExternalPackageRefCategory.PACKAGE_MANAGER, "purl", comp.purl))
        download = (
            comp.download_url if comp.download_url and not validate_download_location(comp.download_url) else None
        )
        homepage = comp.homepage if comp.homepage and not validate_url(comp.homepage) else None
        package = Package(
            spdx_id=spdx_id,
            name=comp.display_name if not root or not self.graph.synthetic_root else comp.name,
            download_location=download if download is not None else SpdxNoAssertion(),
            version=comp.version if comp.resolved and comp.version else None,
            files_analyzed=False,
            checksums=checksums,
            homepage=homepage,
            license_concluded=SpdxNoAssertion(),
            license_declared=self._license(comp.declared_license),
            copyright_text=SpdxNoAssertion(),
            description=comp.description,
            external_references=refs,
            primary_package_purpose=purpose,
            source_info=_source_info(comp),
        )
        extra = _ospo_data(comp, unmapped, root and self.graph.synthetic_root)
        if extra:
            self._annotate(spdx_id, extra)
        return package

    def _annotate(self, spdx_id: str, data: dict[str, Any]) -> None:
        comment = OSPO_ANNOTATION_PREFIX + json.dumps(data, sort_keys=True, ensure_ascii=False)
        self.annotations.append(Annotation(spdx_id, AnnotationType.OTHER, self.tool, self.created, comment))

    def _license(self, declared: str | None) -> Any:
        if not declared or not declared.strip():
            return SpdxNoAssertion()
        info = classify_license(declared)
        if info.expression is None:
            ref = license_ref_for_text(declared)
            self.extracted.setdefault(
                ref,
                ExtractedLicensingInfo(
                    license_id=ref,
                    extracted_text=declared.strip(),
                    license_name=declared.strip()[:200],
                    comment="ospo: a declared licence that is not an SPDX expression, kept verbatim",
                ),
            )
            return spdx_licensing().parse(ref)
        for ref in info.license_refs:
            self.extracted.setdefault(
                ref,
                ExtractedLicensingInfo(
                    license_id=ref,
                    extracted_text=f"{ref} (the package names this licence; its text was not collected)",
                    license_name=ref,
                ),
            )
        return spdx_licensing().parse(info.expression)


def _checksums(hashes: tuple[Hash, ...]) -> tuple[list[Checksum], list[Hash]]:
    """Checksums spdx-tools accepts (its validator decides lengths); the rest are returned."""
    mapped: list[Checksum] = []
    unmapped: list[Hash] = []
    for h in sorted_hashes(hashes):
        algorithm = CHECKSUM_ALGORITHMS.get(normalise_hash_algorithm(h.algorithm))
        checksum = Checksum(algorithm, h.value.lower()) if algorithm is not None else None
        if checksum is None or validate_checksum(checksum, "SPDXRef-x", SPDX_VERSION):
            unmapped.append(h)
        else:
            mapped.append(checksum)
    return mapped, unmapped


def _source_info(comp: Component) -> str | None:
    if not comp.locations:
        return None
    return "ospo found it in: " + ", ".join(str(loc) for loc in comp.locations)


def _ospo_data(comp: Component, unmapped: list[Hash], synthetic_root: bool) -> dict[str, Any]:
    data: dict[str, Any] = {}
    if synthetic_root:
        data["synthetic-root"] = True
        return data
    if comp.scope is not Scope.RUNTIME:
        data["scope"] = comp.scope.value
    if not comp.resolved:
        data["resolved"] = False
    if comp.declared_range is not None:
        data["declared-range"] = comp.declared_range
    if comp.direct is not None:
        data["direct"] = comp.direct
    if unmapped:
        data["hashes"] = [[h.algorithm, h.value] for h in unmapped]
    if comp.properties:
        data["properties"] = [list(p) for p in comp.properties]
    if comp.locations:
        data["locations"] = [[loc.path, loc.line, loc.end_line] for loc in comp.locations]
    return data
