"""Supplier SBOMs as inputs: CycloneDX JSON (1.2–1.7) and SPDX 2.3 (JSON or tag-value).

CycloneDX is read from the parsed JSON directly rather than through
cyclonedx-python-lib's deserialiser: real supplier BOMs are often slightly off-schema (an
unknown enum value, a missing field) and one such detail must not lose the whole document;
here a malformed part of a component is ignored and the rest is kept. SPDX is read with
spdx-tools, which parses both JSON and tag-value into one model.

Anything ospo wrote about itself (``ospo:`` properties and annotations) is read back, so an
ospo SBOM round-trips: same components (purl, version, licence, hashes, scope) and edges.
Only ``ospo.model.ParseError`` escapes, naming the file.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

from packageurl import PackageURL

from ospo.model import Component, Dependency, FileProblem, Hash, Inventory, Location, ParseError, Scope, sorted_hashes
from ospo.model import merge_scope as _merge_scope
from ospo.sbom._common import (
    OSPO_PREFIX,
    PROP_DECLARED_RANGE,
    PROP_DIRECT,
    PROP_MANIFEST,
    PROP_SCOPE,
    PROP_SYNTHETIC_ROOT,
    PROP_UNMAPPED_HASH,
    normalise_hash_algorithm,
    scope_of_property,
)

SUPPORTED_CYCLONEDX = ("1.2", "1.3", "1.4", "1.5", "1.6", "1.7")
MAX_NESTED_COMPONENTS = 64


def read_sbom(path: str, text: str) -> Inventory:
    """An Inventory from a CycloneDX or SPDX document; ParseError names `path` otherwise."""
    try:
        return _read(path, text)
    except ParseError:
        raise
    except RecursionError:
        raise ParseError(path, "nesting too deep") from None
    except Exception as exc:  # a reader bug or a library surprise must not escape untyped
        raise ParseError(path, f"cannot read SBOM: {type(exc).__name__}: {exc}") from None


def _read(path: str, text: str) -> Inventory:
    stripped = text.lstrip("\ufeff \t\r\n")
    if stripped.startswith("{"):
        try:
            data = json.loads(stripped)
        except json.JSONDecodeError as exc:
            raise ParseError(path, f"invalid JSON: {exc.msg}", exc.lineno) from None
        if not isinstance(data, dict):
            raise ParseError(path, "not an SBOM: the JSON document is not an object")
        if data.get("bomFormat") == "CycloneDX":
            return _CycloneDxReader(path).read(data)
        if "spdxVersion" in data:
            return _read_spdx_json(path, data)
        raise ParseError(path, "not an SBOM: neither CycloneDX (bomFormat) nor SPDX (spdxVersion) JSON")
    if "SPDXVersion:" in text[:65536]:
        return _read_spdx_tagvalue(path, text)
    raise ParseError(path, "not an SBOM: expected CycloneDX JSON, SPDX JSON or SPDX tag-value")


# --- shared -------------------------------------------------------------------------------


@dataclass
class _Builder:
    """Collects components, projects and edges by ref, then makes the Inventory."""

    path: str
    components: dict[str, Component] = field(default_factory=dict)
    projects: dict[str, Component] = field(default_factory=dict)
    edges: dict[str, set[str]] = field(default_factory=dict)
    problems: list[FileProblem] = field(default_factory=list)

    def note(self, message: str) -> None:
        self.problems.append(FileProblem(self.path, "note", message))

    def add(self, comp: Component, project: bool) -> None:
        table = self.projects if project else self.components
        if comp.purl in table:
            self.note(f"{comp.purl} is listed more than once; the first entry is kept")
            return
        table[comp.purl] = comp

    def edge(self, src: str, dst: str) -> None:
        if src != dst:
            self.edges.setdefault(src, set()).add(dst)

    def inventory(self) -> Inventory:
        for ref in list(self.components):
            if ref in self.projects:
                del self.components[ref]
        return Inventory(
            root=self.path,
            components=sorted(self.components.values(), key=lambda c: c.purl),
            projects=sorted(self.projects.values(), key=lambda c: c.purl),
            dependencies=[Dependency(ref, tuple(sorted(d))) for ref, d in sorted(self.edges.items()) if d],
            manifests=[self.path],
            problems=self.problems,
        )


def _purl_parts(purl: str) -> PackageURL | None:
    try:
        return PackageURL.from_string(purl)
    except ValueError:
        return None


def _generic_purl(name: str, version: str | None, group: str | None) -> str:
    return str(PackageURL(type="generic", namespace=group or None, name=name or "unnamed", version=version or None))


def _str(obj: Any, key: str) -> str | None:
    value = obj.get(key) if isinstance(obj, dict) else None
    return value if isinstance(value, str) and value != "" else None


def _list(obj: Any, key: str) -> list[Any]:
    value = obj.get(key) if isinstance(obj, dict) else None
    return value if isinstance(value, list) else []


def _hash(algorithm: str, value: str) -> Hash:
    return Hash(normalise_hash_algorithm(algorithm), value.strip().lower())


def _unmapped_hash(value: str) -> Hash | None:
    alg, sep, digest = value.partition(":")
    return Hash(alg, digest) if sep and alg and digest else None


# --- CycloneDX ----------------------------------------------------------------------------

_CDX_SCOPES = {"required": Scope.RUNTIME, "optional": Scope.OPTIONAL, "excluded": Scope.DEV}


class _CycloneDxReader:
    def __init__(self, path: str) -> None:
        self.path = path
        self.out = _Builder(path)
        self.refs: dict[str, str] = {}  # bom-ref -> ospo ref (purl or file:<path>)
        self.skip: set[str] = set()  # bom-refs of ospo's synthetic root

    def read(self, data: dict[str, Any]) -> Inventory:
        version = data.get("specVersion")
        if not isinstance(version, str) or version not in SUPPORTED_CYCLONEDX:
            raise ParseError(self.path, f"unsupported CycloneDX specVersion {version!r}")
        if "components" in data and not isinstance(data["components"], list):
            raise ParseError(self.path, "CycloneDX 'components' is not a list")
        metadata = data.get("metadata")
        root = metadata.get("component") if isinstance(metadata, dict) else None
        if isinstance(root, dict):
            self._component(root, as_project=True)
        stack: list[tuple[Any, int]] = [(c, 0) for c in reversed(_list(data, "components"))]
        while stack:
            item, depth = stack.pop()
            if not isinstance(item, dict):
                self.out.note("a CycloneDX component that is not an object was ignored")
                continue
            self._component(item, as_project=False)
            nested = _list(item, "components")
            if nested and depth + 1 >= MAX_NESTED_COMPONENTS:
                raise ParseError(self.path, "CycloneDX components nested too deep")
            stack.extend((c, depth + 1) for c in reversed(nested))
        for dep in _list(data, "dependencies"):
            src = _str(dep, "ref")
            if src is None or src in self.skip:
                continue
            for target in _list(dep, "dependsOn"):
                if isinstance(target, str) and target:
                    self.out.edge(self._ref(src), self._ref(target))
        return self.out.inventory()

    def _ref(self, bom_ref: str) -> str:
        found = self.refs.get(bom_ref)
        if found is None:
            self.out.note(f"dependency names bom-ref {bom_ref!r}, which no component carries")
            self.refs[bom_ref] = bom_ref
            return bom_ref
        return found

    def _component(self, item: dict[str, Any], as_project: bool) -> None:
        props = [
            (n, v)
            for p in _list(item, "properties")
            if (n := _str(p, "name")) is not None
            and (v := p.get("value") if isinstance(p, dict) else None) is not None
            and isinstance(v, str)
        ]
        named = dict(props)
        bom_ref = _str(item, "bom-ref")
        if named.get(PROP_SYNTHETIC_ROOT) == "true":
            if bom_ref:
                self.skip.add(bom_ref)
            return
        name = _str(item, "name") or ""
        kind = _str(item, "type") or "library"
        if PROP_MANIFEST in named or (kind == "file" and bom_ref and bom_ref.startswith("file:")):
            if bom_ref:
                self.refs[bom_ref] = bom_ref if bom_ref.startswith("file:") else f"file:{named.get(PROP_MANIFEST)}"
            return
        group = _str(item, "group")
        version = _str(item, "version")
        declared_purl = _str(item, "purl")
        parsed = _purl_parts(declared_purl) if declared_purl else None
        if parsed is not None and declared_purl is not None:
            purl = declared_purl
        else:
            purl = _generic_purl(name, version, group)
            parsed = _purl_parts(purl)
            if declared_purl:
                self.out.note(f"component {name!r} has an invalid purl {declared_purl!r}; identified as {purl}")
            else:
                self.out.note(f"component {name!r} has no purl; identified as {purl}")
        if parsed is None:
            self.out.note(f"component {name!r} cannot be identified and was ignored")
            return
        scope = _CDX_SCOPES.get(_str(item, "scope") or "required", Scope.RUNTIME)
        if scope is Scope.DEV:
            scope = scope_of_property(named.get(PROP_SCOPE)) or Scope.DEV
        hashes = [
            _hash(alg, content)
            for h in _list(item, "hashes")
            if (alg := _str(h, "alg")) is not None and (content := _str(h, "content")) is not None
        ]
        extra: list[tuple[str, str]] = []
        for pname, value in props:
            if pname == PROP_UNMAPPED_HASH:
                h = _unmapped_hash(value)
                if h is not None:
                    hashes.append(h)
            elif not pname.startswith(OSPO_PREFIX):
                extra.append((pname, value))
        download = homepage = None
        for ext in _list(item, "externalReferences"):
            if _str(ext, "type") == "distribution" and download is None:
                download = _str(ext, "url")
            elif _str(ext, "type") == "website" and homepage is None:
                homepage = _str(ext, "url")
        locations = []
        evidence = item.get("evidence")
        for occ in _list(evidence, "occurrences"):
            loc = _str(occ, "location")
            line = occ.get("line") if isinstance(occ, dict) else None
            if loc:
                locations.append(Location(loc, line if isinstance(line, int) and line >= 0 else None))
        direct_prop = named.get(PROP_DIRECT)
        comp = Component(
            purl=purl,
            name=parsed.name,
            version=version if version is not None else parsed.version,
            ecosystem=parsed.type,
            namespace=parsed.namespace,
            scope=scope,
            direct=None if direct_prop is None else direct_prop == "true",
            resolved=(version or parsed.version) is not None,
            declared_range=named.get(PROP_DECLARED_RANGE),
            declared_license=_cdx_license(item.get("licenses")),
            hashes=sorted_hashes(set(hashes)),
            locations=tuple(locations) or (Location(self.path),),
            download_url=download,
            description=_str(item, "description"),
            homepage=homepage,
            properties=tuple(sorted(set(extra))),
        )
        if bom_ref:
            self.refs[bom_ref] = purl
        self.refs.setdefault(purl, purl)
        self.out.add(comp, project=as_project or kind == "application")


def _cdx_license(entries: Any) -> str | None:
    """One declared licence string from CycloneDX's list (several entries are ANDed)."""
    if not isinstance(entries, list):
        return None
    parts: list[str] = []
    for entry in entries:
        if not isinstance(entry, dict):
            continue
        expression = _str(entry, "expression")
        if expression:
            parts.append(expression)
            continue
        lic = entry.get("license")
        value = _str(lic, "id") or _str(lic, "name")
        if value:
            parts.append(value)
    if not parts:
        return None
    if len(parts) == 1:
        return parts[0]
    return " AND ".join(f"({p})" if " " in p else p for p in parts)


# --- SPDX ---------------------------------------------------------------------------------


def _read_spdx_json(path: str, data: dict[str, Any]) -> Inventory:
    from spdx_tools.spdx.parser.error import SPDXParsingError
    from spdx_tools.spdx.parser.jsonlikedict.json_like_dict_parser import JsonLikeDictParser

    version = data.get("spdxVersion")
    if version != "SPDX-2.3" and version != "SPDX-2.2":
        raise ParseError(path, f"unsupported SPDX version {version!r} (SPDX-2.2 and SPDX-2.3 are read)")
    try:
        document = JsonLikeDictParser().parse(data)  # type: ignore[no-untyped-call]
    except SPDXParsingError as exc:
        raise ParseError(path, "invalid SPDX: " + _messages(exc)) from None
    return _SpdxReader(path).read(document)


def _read_spdx_tagvalue(path: str, text: str) -> Inventory:
    from spdx_tools.spdx.parser.error import SPDXParsingError
    from spdx_tools.spdx.parser.tagvalue.parser import Parser

    try:
        document = Parser().parse(text)  # type: ignore[no-untyped-call]
    except SPDXParsingError as exc:
        raise ParseError(path, "invalid SPDX: " + _messages(exc)) from None
    return _SpdxReader(path).read(document)


def _messages(exc: Any) -> str:
    messages = getattr(exc, "messages", None)
    if not isinstance(messages, list):
        return str(exc)[:2000]
    return "; ".join(str(m) for m in messages)[:2000]


_SPDX_DEP_OF = {
    "DEPENDENCY_OF": Scope.RUNTIME,
    "RUNTIME_DEPENDENCY_OF": Scope.RUNTIME,
    "OPTIONAL_DEPENDENCY_OF": Scope.OPTIONAL,
    "DEV_DEPENDENCY_OF": Scope.DEV,
    "BUILD_DEPENDENCY_OF": Scope.DEV,
    "TEST_DEPENDENCY_OF": Scope.TEST,
    "PROVIDED_DEPENDENCY_OF": Scope.OPTIONAL,
}


class _SpdxReader:
    def __init__(self, path: str) -> None:
        self.path = path
        self.out = _Builder(path)

    def read(self, document: Any) -> Inventory:
        from spdx_tools.spdx.model.spdx_no_assertion import SpdxNoAssertion
        from spdx_tools.spdx.model.spdx_none import SpdxNone

        ospo_data: dict[str, dict[str, Any]] = {}
        for annotation in document.annotations:
            comment = annotation.annotation_comment or ""
            if comment.startswith("ospo:"):
                try:
                    value = json.loads(comment[len("ospo:") :])
                except ValueError:
                    continue
                if isinstance(value, dict):
                    ospo_data.setdefault(annotation.spdx_id, {}).update(value)
        extracted = {
            e.license_id: e.extracted_text
            for e in document.extracted_licensing_info
            if e.license_id and e.license_id.startswith("LicenseRef-ospo-") and e.extracted_text
        }
        described = {
            r.related_spdx_element_id
            for r in document.relationships
            if r.relationship_type.name == "DESCRIBES" and r.spdx_element_id == document.creation_info.spdx_id
        }
        skip = {sid for sid, d in ospo_data.items() if d.get("synthetic-root") is True}

        # Scope implied by relationships, for packages whose SBOM says nothing else.
        implied: dict[str, Scope] = {}
        edges: list[tuple[str, str]] = []
        for rel in document.relationships:
            kind = rel.relationship_type.name
            src, dst = rel.spdx_element_id, rel.related_spdx_element_id
            if not isinstance(dst, str) or src in skip:
                continue
            if kind == "DEPENDS_ON":
                edges.append((src, dst))
                implied[dst] = _merge_scope(implied.get(dst, Scope.TEST), Scope.RUNTIME)
            elif kind in _SPDX_DEP_OF:
                edges.append((dst, src))
                implied[src] = _merge_scope(implied.get(src, Scope.TEST), _SPDX_DEP_OF[kind])

        refs: dict[str, str] = {}
        for package in document.packages:
            sid = package.spdx_id
            if sid in skip:
                continue
            extra = ospo_data.get(sid, {})
            manifest = extra.get("manifest")
            if isinstance(manifest, str) and manifest:
                refs[sid] = manifest
                continue
            purl = next(
                (
                    r.locator
                    for r in package.external_references
                    if r.reference_type == "purl" and _purl_parts(r.locator) is not None
                ),
                None,
            )
            version = package.version or None
            if purl is None:
                purl = _generic_purl(package.name, version, None)
                self.out.note(f"package {package.name!r} ({sid}) has no purl; identified as {purl}")
            parsed = _purl_parts(purl)
            if parsed is None:
                continue
            refs[sid] = purl
            declared = package.license_declared
            licence: str | None = None
            if declared is not None and not isinstance(declared, (SpdxNoAssertion, SpdxNone)):
                licence = str(declared)
                licence = extracted.get(licence, licence)
            scope = scope_of_property(extra.get("scope") if isinstance(extra.get("scope"), str) else None)
            if scope is None:
                scope = implied.get(sid, Scope.RUNTIME)
            hashes = {_hash(c.algorithm.name, c.value) for c in package.checksums}
            for pair in extra.get("hashes") or []:
                if isinstance(pair, list) and len(pair) == 2 and all(isinstance(x, str) for x in pair):
                    hashes.add(Hash(pair[0], pair[1]))
            locations = tuple(
                Location(
                    item[0],
                    item[1] if isinstance(item[1], int) else None,
                    item[2] if isinstance(item[2], int) else None,
                )
                for item in extra.get("locations") or []
                if isinstance(item, list) and len(item) == 3 and isinstance(item[0], str)
            )
            properties = tuple(
                (p[0], p[1])
                for p in extra.get("properties") or []
                if isinstance(p, list) and len(p) == 2 and all(isinstance(x, str) for x in p)
            )
            download = package.download_location
            homepage = package.homepage
            direct = extra.get("direct")
            declared_range = extra.get("declared-range")
            comp = Component(
                purl=purl,
                name=parsed.name,
                version=version if version is not None else parsed.version,
                ecosystem=parsed.type,
                namespace=parsed.namespace,
                scope=scope,
                direct=direct if isinstance(direct, bool) else None,
                resolved=extra.get("resolved") is not False and (version or parsed.version) is not None,
                declared_range=declared_range if isinstance(declared_range, str) else None,
                declared_license=licence,
                hashes=sorted_hashes(hashes),
                locations=locations or (Location(self.path),),
                download_url=download if isinstance(download, str) else None,
                description=package.description,
                homepage=homepage if isinstance(homepage, str) else None,
                properties=tuple(sorted(set(properties))),
            )
            purpose = package.primary_package_purpose
            project = sid in described or (purpose is not None and purpose.name == "APPLICATION")
            self.out.add(comp, project=project)
        for src, dst in edges:
            if src in refs and dst in refs:
                self.out.edge(refs[src], refs[dst])
            else:
                self.out.note(f"relationship {src} -> {dst} names an element that is not a package")
        return self.out.inventory()
