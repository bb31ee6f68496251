"""CycloneDX 1.6 JSON export, written directly as JSON.

Mapping (CycloneDX 1.6 field meanings):
- ``bom-ref`` = purl, so other documents can point at a component by its identity;
- scope: runtime -> ``required``, optional -> ``optional``, dev/test -> ``excluded`` (not in
  the shipped artefact) with an ``ospo:scope`` property keeping which;
- an unresolved component (declared range only) has no ``version``; the range is the
  ``ospo:declared-range`` property;
- the declared licence is an SPDX id when it is one id CycloneDX's schema knows, else an SPDX
  expression, else (free text) a licence ``name``;
- hashes CycloneDX cannot name (or malformed digests) go to ``ospo:hash`` properties
  instead of being dropped;
- ``evidence.occurrences`` say which file (and line) named the component;
- manifests without a project (``file:<path>`` roots) are components of type ``file``
  whose bom-ref is that ref, so every edge of the graph names a node of the document.

Why not cyclonedx-python-lib's model: building its objects and serialising them cost 1.1 s of
a 1.9 s run on a 2,400-package lockfile (every list is a sorted set compared field by field,
every value goes through a reflective serialiser), and importing it another 0.07 s. The
document written here is a plain dict in the lib's layout (keys sorted, lists ordered and
deduplicated as its sorted sets do); the tests check it with the lib's strict schema
validator and against the lib's own serialisation of the same components.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from functools import lru_cache
from typing import Any
from urllib.parse import quote

from ospo._version import VERSION
from ospo.model import Component, Hash, Inventory, Scope, sorted_hashes
from ospo.model.purl_text import plain_canonical
from ospo.model.serialize import json_text
from ospo.model.spdx import package_data_file
from ospo.sbom._common import (
    PLACEHOLDER_UUID,
    PROP_DECLARED_RANGE,
    PROP_DIRECT,
    PROP_MANIFEST,
    PROP_SCOPE,
    PROP_SYNTHETIC_ROOT,
    PROP_UNMAPPED_HASH,
    TOOL_NAME,
    classify_license,
    creation_time,
    normalise_hash_algorithm,
    stamp_identifier,
)
from ospo.sbom._graph import build_graph, manifest_path

CYCLONEDX_SPEC_VERSION = "1.6"
SCHEMA_URL = "http://cyclonedx.org/schema/bom-1.6.schema.json"

# The model's algorithm spelling -> CycloneDX's `hash-alg` enumeration.
HASH_ALGORITHMS: dict[str, str] = {
    "md5": "MD5",
    "sha1": "SHA-1",
    "sha256": "SHA-256",
    "sha384": "SHA-384",
    "sha512": "SHA-512",
    "sha3-256": "SHA3-256",
    "sha3-384": "SHA3-384",
    "sha3-512": "SHA3-512",
    "blake2b-256": "BLAKE2b-256",
    "blake2b-384": "BLAKE2b-384",
    "blake2b-512": "BLAKE2b-512",
    "blake3": "BLAKE3",
}
# The schema only accepts hex digests of these lengths.
_HEX_DIGEST = re.compile(r"^(?:[a-fA-F0-9]{32}|[a-fA-F0-9]{40}|[a-fA-F0-9]{64}|[a-fA-F0-9]{96}|[a-fA-F0-9]{128})$")

_SCOPES = {
    Scope.RUNTIME: "required",
    Scope.OPTIONAL: "optional",
    Scope.DEV: "excluded",
    Scope.TEST: "excluded",
}

# External references must be `iri-reference`s. A stray `%` or two `#` make a string no
# reference at all (dropped, as cyclonedx-python-lib does); any other character a URI cannot
# hold is percent-encoded as UTF-8 (RFC 3987's mapping of an IRI to a URI), and the result
# must then parse as an RFC 3986 URI-reference, checked by the grammar below.
_NOT_A_URI = re.compile(r"%(?![0-9A-F]{2})|#.*#", re.IGNORECASE)
_URI_CHARS = frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~!$&()*+,;=:@/?#%")
_PCT = r"%[0-9A-Fa-f]{2}"
_PCHAR = rf"(?:[A-Za-z0-9\-._~!$&()*+,;=:@]|{_PCT})"
_SEGMENT_NZ_NC = rf"(?:[A-Za-z0-9\-._~!$&()*+,;=@]|{_PCT})+"
_AUTHORITY = rf"(?:(?:[A-Za-z0-9\-._~!$&()*+,;=:]|{_PCT})*@)?(?:[A-Za-z0-9\-._~!$&()*+,;=]|{_PCT})*(?::[0-9]*)?"
_TAIL = rf"(?:\?(?:{_PCHAR}|[/?])*)?(?:#(?:{_PCHAR}|[/?])*)?"
_URI_REFERENCE = re.compile(
    rf"(?:[A-Za-z][A-Za-z0-9+.\-]*:(?://{_AUTHORITY}(?:/{_PCHAR}*)*|/(?:{_PCHAR}+(?:/{_PCHAR}*)*)?|{_PCHAR}+(?:/{_PCHAR}*)*|)"
    rf"|//{_AUTHORITY}(?:/{_PCHAR}*)*|/(?:{_PCHAR}+(?:/{_PCHAR}*)*)?|{_SEGMENT_NZ_NC}(?:/{_PCHAR}*)*|){_TAIL}"
)


def inventory_to_cyclonedx_json(inventory: Inventory) -> str:
    """CycloneDX 1.6 JSON text, indented, ending in a newline, the same bytes for the same input."""
    created = creation_time()
    graph = build_graph(inventory)
    root = _component(graph.root, "application", is_root=True, synthetic=graph.synthetic_root)
    tool = {"name": TOOL_NAME, "type": "application", "version": VERSION}

    nodes: dict[str, dict[str, Any]] = {}
    for project in graph.projects:
        nodes[project.purl] = _component(project, "application")
    for comp in [*graph.components, *graph.placeholders]:
        nodes[comp.purl] = _component(comp, "library")
    for ref in graph.manifests:
        path = manifest_path(ref)
        nodes[ref] = {
            "bom-ref": ref,
            "name": path,
            "properties": [{"name": PROP_MANIFEST, "value": path}],
            "type": "file",
        }
    known = set(nodes) | {graph.root.purl}
    dependencies: list[dict[str, Any]] = []
    for ref, targets in sorted(graph.edges.items()):
        missing = [t for t in (ref, *targets) if t not in known]
        if missing:  # _graph guarantees this; a failure here is a bug, not bad input
            raise ValueError(f"dependency graph names unknown refs: {missing[:5]}")
        dependencies.append({"dependsOn": targets, "ref": ref} if targets else {"ref": ref})
    document: dict[str, Any] = {
        "$schema": SCHEMA_URL,
        "bomFormat": "CycloneDX",
        "specVersion": CYCLONEDX_SPEC_VERSION,
        "serialNumber": f"urn:uuid:{PLACEHOLDER_UUID}",
        "version": 1,
        "metadata": {
            "component": root,
            "timestamp": created.isoformat(),
            "tools": {"components": [tool]},
        },
        "components": [nodes[ref] for ref in sorted(nodes)],
        "dependencies": dependencies,
    }
    return stamp_identifier(json_text(document))


def _component(comp: Component, kind: str, *, is_root: bool = False, synthetic: bool = False) -> dict[str, Any]:
    """One component in the lib's layout: keys sorted, empty fields left out."""
    data: dict[str, Any] = {"bom-ref": comp.purl}
    if comp.description is not None:
        data["description"] = comp.description
    if comp.locations:
        occurrences = {(loc.path, loc.line) for loc in comp.locations}
        data["evidence"] = {
            "occurrences": [
                {"line": line, "location": path} if line is not None else {"location": path}
                for path, line in sorted(occurrences, key=_none_last)
            ]
        }
    refs: set[tuple[str, str]] = set()
    if comp.download_url and (url := _uri(comp.download_url)) is not None:
        refs.add(("distribution", url))
    if comp.homepage and (url := _uri(comp.homepage)) is not None:
        refs.add(("website", url))
    if refs:
        data["externalReferences"] = [{"type": kind_, "url": url} for kind_, url in sorted(refs)]
    if comp.namespace:
        data["group"] = comp.namespace
    hashes, unmapped = _hashes(comp.hashes)
    if hashes:
        data["hashes"] = hashes
    licenses = _licenses(comp.declared_license)
    if licenses:
        data["licenses"] = licenses
    data["name"] = comp.name
    properties: set[tuple[str, str]] = set()
    if synthetic:
        properties.add((PROP_SYNTHETIC_ROOT, "true"))
    if not is_root and comp.scope in (Scope.DEV, Scope.TEST):
        properties.add((PROP_SCOPE, comp.scope.value))
    if comp.declared_range is not None:
        properties.add((PROP_DECLARED_RANGE, comp.declared_range))
    if comp.direct is not None:
        properties.add((PROP_DIRECT, "true" if comp.direct else "false"))
    properties.update((PROP_UNMAPPED_HASH, f"{h.algorithm}:{h.value}") for h in unmapped)
    properties.update(comp.properties)
    if properties:
        data["properties"] = [{"name": name, "value": value} for name, value in sorted(properties)]
    if not synthetic and (purl := canonical_purl(comp.purl)) is not None:
        data["purl"] = purl
    if not is_root:
        data["scope"] = _SCOPES[comp.scope]
    data["type"] = kind
    if comp.resolved and comp.version is not None:
        data["version"] = comp.version
    return data


def _none_last(occurrence: tuple[str, int | None]) -> tuple[str, bool, int]:
    path, line = occurrence
    return (path, line is None, line or 0)


@lru_cache(maxsize=65536)
def canonical_purl(ref: str) -> str | None:
    """The purl in packageurl's canonical spelling, or None when `ref` is no purl."""
    plain = plain_canonical(ref)
    if plain is not None:
        return plain
    from packageurl import PackageURL

    try:
        return PackageURL.from_string(ref).to_string()
    except ValueError:
        return None


def _uri(value: str) -> str | None:
    """An external reference URL made valid for the schema, or None when it cannot be one."""
    if _NOT_A_URI.search(value):
        return None
    if not _URI_CHARS.issuperset(value):
        value = "".join(c if c in _URI_CHARS else quote(c, safe="") for c in value)
    return value if _URI_REFERENCE.fullmatch(value) else None


def _hashes(hashes: Iterable[Hash]) -> tuple[list[dict[str, str]], list[Hash]]:
    mapped: set[tuple[str, str]] = set()
    unmapped: list[Hash] = []
    for h in hashes:
        alg = HASH_ALGORITHMS.get(normalise_hash_algorithm(h.algorithm))
        if alg is None or not _HEX_DIGEST.match(h.value):
            unmapped.append(h)
        else:
            mapped.add((alg, h.value.lower()))
    return [{"alg": alg, "content": content} for alg, content in sorted(mapped)], list(sorted_hashes(unmapped))


def _licenses(declared: str | None) -> list[dict[str, Any]]:
    if not declared or not declared.strip():
        return []
    info = classify_license(declared)
    if info.single_id is not None and info.single_id in cyclonedx_license_ids():
        return [{"license": {"id": info.single_id}}]
    if info.expression is not None:
        return [{"expression": info.expression}]
    return [{"license": {"name": declared.strip()}}]


@lru_cache(maxsize=1)
def cyclonedx_license_ids() -> frozenset[str]:
    """The licence ids CycloneDX's schema accepts in ``license.id`` (its bundled SPDX list).

    Read from the schema file cyclonedx-python-lib ships, without importing the lib (~35 ms):
    an id outside this list fails validation, so such a licence is written as an expression.
    """
    import orjson

    with open(package_data_file("cyclonedx", "schema", "_res", "spdx.SNAPSHOT.schema.json"), "rb") as handle:
        return frozenset(orjson.loads(handle.read()).get("enum", []))
