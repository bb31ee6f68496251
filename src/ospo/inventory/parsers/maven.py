"""Maven pom.xml, read without Maven and without the network.

The project (groupId/artifactId/version, groupId and version inherited from `<parent>`
when absent) is the root. `${...}` references are resolved from the file's own
`<properties>`, the project's and parent's coordinates and each other (nested, with cycle
and depth limits). `<dependencyManagement>` of the same file supplies versions (and
scopes) for dependencies that name none. What the file alone cannot settle stays
unresolved, with a note saying why: a version managed by a parent pom or an imported BOM,
a property defined elsewhere, a version range.

Scopes: compile and runtime -> RUNTIME; provided -> RUNTIME with `maven:scope=provided`
(the container supplies it, but the code needs it at run time); system -> RUNTIME with
the path as a property; test -> TEST; `<optional>true</optional>` -> OPTIONAL. Profile
dependencies are included with `maven:profile`. Plugins are build tools, not
dependencies of the artifact, and are not listed.

The XML is parsed by expat with DOCTYPEs refused (see `_other_support.parse_xml`).
"""

from __future__ import annotations

import re

from ospo.inventory import claims as _claims
from ospo.inventory.interface import ParserSpec
from ospo.inventory.parsers._other_support import XmlNode, guarded, parse_xml
from ospo.inventory.purls import component
from ospo.model import Component, FileProblem, ManifestResult, ParseError, Scope

ECOSYSTEM = "maven"
_REF = re.compile(r"\$\{([^}]+)\}")
_MAX_DEPTH = 16
_RANGE = re.compile(r"[\[\]\(\),]")


class _Properties:
    def __init__(self, values: dict[str, str]) -> None:
        self.values = values

    def resolve(self, text: str | None) -> str | None:
        """`text` with every resolvable ${...} replaced (unresolvable ones kept)."""
        if text is None:
            return None
        for _ in range(_MAX_DEPTH):
            new = _REF.sub(lambda m: self.values.get(m.group(1).strip(), m.group(0)), text)
            if new == text:
                break
            if len(new) > 4096:  # a property that keeps growing: stop expanding
                return text
            text = new
        return text


def _props(project: XmlNode) -> _Properties:
    values: dict[str, str] = {}
    props = project.child("properties")
    if props is not None:
        for node in props.children:
            values[node.tag] = node.text
    parent = project.child("parent")
    group = project.child_text("groupId")
    version = project.child_text("version")
    if parent is not None:
        for key in ("groupId", "artifactId", "version"):
            value = parent.child_text(key)
            if value is not None:
                values[f"project.parent.{key}"] = value
                values[f"parent.{key}"] = value
        group = group or parent.child_text("groupId")
        version = version or parent.child_text("version")
    artifact = project.child_text("artifactId")
    for prefix in ("project.", "pom.", ""):
        if group:
            values.setdefault(f"{prefix}groupId", group)
        if artifact:
            values.setdefault(f"{prefix}artifactId", artifact)
        if version:
            values.setdefault(f"{prefix}version", version)
    for key in ("name", "packaging"):
        value = project.child_text(key)
        if value:
            values.setdefault(f"project.{key}", value)
    return _Properties(values)


def _scope(scope: str | None, optional: bool) -> tuple[Scope, tuple[tuple[str, str], ...]]:
    props: tuple[tuple[str, str], ...] = ()
    scope = (scope or "compile").strip()
    if scope == "test":
        base = Scope.TEST
    elif scope in ("compile", "runtime"):
        base = Scope.RUNTIME
    else:
        base = Scope.RUNTIME
    if scope not in ("compile",):
        props = (("maven:scope", scope),)
    if optional and base is Scope.RUNTIME:
        base = Scope.OPTIONAL
    return base, props


def _is_fixed(version: str) -> bool:
    return "${" not in version and not _RANGE.search(version)


def parse_pom(path: str, text: str) -> ManifestResult:
    project = parse_xml(path, text)
    if project.tag != "project":
        raise ParseError(path, f"root element is <{project.tag}>, not <project>", project.line)
    result = ManifestResult(path=path, ecosystem=ECOSYSTEM)
    props = _props(project)

    group = props.resolve(props.values.get("project.groupId"))
    artifact = props.resolve(project.child_text("artifactId"))
    version = props.resolve(props.values.get("project.version"))
    if artifact:
        root_props: list[tuple[str, str]] = []
        modules = project.child("modules")
        if modules is not None:
            names = [m.text for m in modules.children_named("module") if m.text]
            if names:
                root_props.append(("maven:modules", ",".join(names)))
        packaging = project.child_text("packaging")
        if packaging:
            root_props.append(("maven:packaging", packaging))
        license_names = [
            lic.child_text("name") or ""
            for lic in (project.find_path("licenses") or XmlNode("x", {}, 0)).children_named("license")
        ]
        result.root = component(
            ECOSYSTEM,
            artifact,
            version if version and _is_fixed(version) else None,
            path,
            namespace=group if group and "${" not in group else None,
            line=project.line,
            declared_license=" OR ".join(n for n in license_names if n) or None,
            properties=tuple(root_props),
        )

    managed: dict[tuple[str, str], tuple[str | None, str | None]] = {}
    imported_boms: list[str] = []
    dm = project.find_path("dependencyManagement", "dependencies")
    if dm is not None:
        for dep in dm.children_named("dependency"):
            g = props.resolve(dep.child_text("groupId")) or ""
            a = props.resolve(dep.child_text("artifactId")) or ""
            scope = dep.child_text("scope")
            if scope == "import":
                imported_boms.append(f"{g}:{a}:{props.resolve(dep.child_text('version'))}")
                continue
            managed[(g, a)] = (props.resolve(dep.child_text("version")), scope)

    blocks: list[tuple[XmlNode, str | None]] = []
    deps = project.child("dependencies")
    if deps is not None:
        blocks.append((deps, None))
    for profile in (project.child("profiles") or XmlNode("x", {}, 0)).children_named("profile"):
        pdeps = profile.child("dependencies")
        if pdeps is not None:
            blocks.append((pdeps, profile.child_text("id") or "?"))

    for block, profile_id in blocks:
        for dep in block.children_named("dependency"):
            comp = _dependency(path, dep, props, managed, imported_boms, profile_id, result)
            if comp is not None:
                result.components.append(comp)
                result.edges.append((result.root_ref, comp.purl))
    return result


def _dependency(
    path: str,
    dep: XmlNode,
    props: _Properties,
    managed: dict[tuple[str, str], tuple[str | None, str | None]],
    imported_boms: list[str],
    profile_id: str | None,
    result: ManifestResult,
) -> Component | None:
    group = props.resolve(dep.child_text("groupId"))
    artifact = props.resolve(dep.child_text("artifactId"))
    if not group or not artifact:
        result.notes.append(FileProblem(path, "unsupported", "dependency without groupId or artifactId", dep.line))
        return None
    version = props.resolve(dep.child_text("version"))
    scope_text = props.resolve(dep.child_text("scope"))
    extra: list[tuple[str, str]] = []
    if version is None and (group, artifact) in managed:
        version, managed_scope = managed[(group, artifact)]
        scope_text = scope_text or managed_scope
        extra.append(("maven:version-from", "dependencyManagement"))
    optional = (props.resolve(dep.child_text("optional")) or "").lower() == "true"
    scope, scope_props = _scope(scope_text, optional)
    extra.extend(scope_props)
    if scope_text == "system":
        system_path = props.resolve(dep.child_text("systemPath"))
        if system_path:
            extra.append(("maven:systemPath", system_path))
    if profile_id is not None:
        extra.append(("maven:profile", profile_id))
    qualifiers: dict[str, str] = {}
    dep_type = props.resolve(dep.child_text("type"))
    if dep_type and dep_type != "jar":
        qualifiers["type"] = dep_type
    classifier = props.resolve(dep.child_text("classifier"))
    if classifier:
        qualifiers["classifier"] = classifier

    declared: str | None = None
    if version is None or not _is_fixed(version):
        if version is None:
            why = "no version in this file (managed by a parent pom"
            why += f" or an imported BOM: {', '.join(imported_boms)})" if imported_boms else ")"
        elif "${" in version:
            why = f"version {version} uses a property not defined in this file"
        else:
            why = f"version range {version} is resolved by Maven against the repository"
        result.notes.append(FileProblem(path, "note", f"{group}:{artifact}: {why}", dep.line))
        declared, version = version, None
    return component(
        ECOSYSTEM,
        artifact,
        version,
        path,
        namespace=group,
        line=dep.line,
        scope=scope,
        direct=True,
        declared_range=declared,
        qualifiers=qualifiers,
        properties=tuple(extra),
    )


PARSER = ParserSpec(
    name="maven-pom",
    ecosystem=ECOSYSTEM,
    claims=_claims.maven_pom,
    parse=guarded(parse_pom),
    max_bytes=16 << 20,
)
