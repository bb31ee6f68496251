""".NET: packages.lock.json and PackageReference items of SDK-style projects.

packages.lock.json groups packages per target framework (and runtime, `net8.0/win-x64`).
`Transitive` and `CentralTransitive` (a transitive package pinned by central package
management) are not direct; `Direct` ones are linked from the project but left
`direct=None` so the project file's PrivateAssets (DEV) survives the collector's folding;
`Project` entries are other projects of the solution, first-party, so they make edges but
no components. `contentHash` is the base64 SHA-512 of the .nupkg, kept as hex. A package
locked for several frameworks is one component (same purl) with each framework as a
property.

*.csproj / *.fsproj / *.vbproj: each `<PackageReference Include=...>` is a declared,
direct requirement; NuGet reads a bare version `1.2.3` as ">= 1.2.3", so it is a range
until a lockfile pins it. The version may be an attribute or a child element,
`VersionOverride` wins, `$(Property)` references are resolved from the project's own
PropertyGroups. `PrivateAssets="all"` (analyzers, build tools) makes it DEV. Without a
version the package is centrally managed (Directory.Packages.props); that is said in a
property, not guessed. XML is parsed with DOCTYPEs refused.

packages.config (the pre-PackageReference format) pins every package, direct or not, at
an exact version; `developmentDependency="true"` makes it DEV.
"""

from __future__ import annotations

import base64
import binascii
import posixpath
import re

from ospo.inventory import claims as _claims
from ospo.inventory.interface import ParserSpec
from ospo.inventory.parsers._other_support import (
    LineIndex,
    XmlNode,
    as_dict,
    as_str,
    guarded,
    load_json,
    parse_xml,
)
from ospo.inventory.purls import component
from ospo.model import Component, FileProblem, Hash, ManifestResult, ParseError, Scope

ECOSYSTEM = "nuget"


def content_hash(value: str | None) -> tuple[Hash, ...]:
    if not value:
        return ()
    try:
        raw = base64.b64decode(value, validate=True)
    except (binascii.Error, ValueError):
        return ()
    return (Hash("sha512", raw.hex()),) if len(raw) == 64 else ()


def parse_packages_lock(path: str, text: str) -> ManifestResult:
    data = load_json(path, text)
    if not isinstance(data, dict):
        raise ParseError(path, "packages.lock.json is not a JSON object", 1)
    result = ManifestResult(path=path, ecosystem=ECOSYSTEM)
    lines = LineIndex(text)
    frameworks = as_dict(data.get("dependencies"))
    if not frameworks and "dependencies" not in data:
        raise ParseError(path, "no 'dependencies' object", 1)
    for framework, packages_raw in frameworks.items():
        packages = as_dict(packages_raw)
        fw_at = text.find(f'"{framework}"')
        refs: dict[str, str] = {}
        kinds: dict[str, str] = {}
        for name, raw in packages.items():
            entry = as_dict(raw)
            kind = as_str(entry.get("type")) or "Transitive"
            kinds[name.lower()] = kind
            version = as_str(entry.get("resolved")) or as_str(entry.get("version"))
            if kind == "Project" or version is not None:
                refs[name.lower()] = component(ECOSYSTEM, name, version, path).purl
        cursor = max(fw_at, 0)
        for name, raw in packages.items():
            entry = as_dict(raw)
            kind = kinds[name.lower()]
            pos = text.find(f'"{name}"', cursor)
            line = lines.line_at(pos) if pos >= 0 else None
            cursor = pos + 1 if pos >= 0 else cursor
            version = as_str(entry.get("resolved"))
            if kind == "Project":
                ref = refs[name.lower()]
                result.edges.append((result.root_ref, ref))
            elif version is None:
                result.notes.append(
                    FileProblem(path, "unsupported", f"{framework}: {name} has no resolved version", line)
                )
                continue
            else:
                props = (("nuget:target-framework", framework), ("nuget:type", kind))
                requested = as_str(entry.get("requested"))
                comp = component(
                    ECOSYSTEM,
                    name,
                    version,
                    path,
                    line=line,
                    # The lockfile knows a Direct package is direct but not whether the
                    # project marks it PrivateAssets (DEV): None lets the project file's
                    # declaration decide when the collector folds them.
                    direct=None if kind == "Direct" else False,
                    declared_range=requested if kind == "Direct" else None,
                    hashes=content_hash(as_str(entry.get("contentHash"))),
                    download_url=f"https://api.nuget.org/v3-flatcontainer/{name.lower()}/{version.lower()}/{name.lower()}.{version.lower()}.nupkg",
                    properties=props,
                )
                ref = comp.purl
                result.components.append(comp)
                if kind == "Direct":
                    result.edges.append((result.root_ref, ref))
            for dep in as_dict(entry.get("dependencies")):
                target = refs.get(dep.lower())
                if target is None:
                    result.notes.append(
                        FileProblem(path, "unsupported", f"{framework}: {name} depends on unlocked {dep}", line)
                    )
                    continue
                result.edges.append((ref, target))
    return result


# --- project files ---------------------------------------------------------------------

_MSBUILD_PROP = re.compile(r"\$\(([A-Za-z_][A-Za-z0-9_.-]*)\)")


def _msbuild_props(project: XmlNode) -> dict[str, str]:
    values: dict[str, str] = {}
    for group in project.children_named("PropertyGroup"):
        for node in group.children:
            values.setdefault(node.tag, node.text)
    return values


def _expand(text: str | None, props: dict[str, str]) -> str | None:
    if text is None:
        return None
    for _ in range(8):
        new = _MSBUILD_PROP.sub(lambda m: props.get(m.group(1), m.group(0)), text)
        if new == text or len(new) > 4096:
            break
        text = new
    return text.strip() or None


def _item_value(item: XmlNode, key: str) -> str | None:
    if key in item.attrs:
        return item.attrs[key].strip() or None
    return item.child_text(key)


def parse_project_file(path: str, text: str) -> ManifestResult:
    project = parse_xml(path, text)
    if project.tag != "Project":
        raise ParseError(path, f"root element is <{project.tag}>, not <Project>", project.line)
    result = ManifestResult(path=path, ecosystem=ECOSYSTEM)
    props = _msbuild_props(project)
    stem = posixpath.basename(path).rsplit(".", 1)[0]
    name = _expand(props.get("PackageId"), props) or _expand(props.get("AssemblyName"), props) or stem
    version = _expand(props.get("PackageVersion"), props) or _expand(props.get("Version"), props)
    root_props: list[tuple[str, str]] = []
    for fw_key in ("TargetFramework", "TargetFrameworks"):
        if props.get(fw_key):
            root_props.append(("nuget:target-frameworks", props[fw_key]))
    result.root = component(
        ECOSYSTEM,
        name,
        version if version and "$(" not in version else None,
        path,
        line=project.line,
        declared_license=_expand(props.get("PackageLicenseExpression"), props),
        properties=tuple(root_props),
    )
    for group in project.children_named("ItemGroup"):
        for item in group.children:
            if item.tag == "ProjectReference":
                continue  # another project of the solution: first-party
            if item.tag != "PackageReference":
                continue
            include = item.attrs.get("Include", "").strip()
            if not include:
                if "Update" not in item.attrs:
                    result.notes.append(FileProblem(path, "unsupported", "PackageReference without Include", item.line))
                continue
            result.components.append(_reference(path, include, item, props, group))
    for comp in result.components:
        result.edges.append((result.root_ref, comp.purl))
    return result


def _reference(path: str, include: str, item: XmlNode, props: dict[str, str], group: XmlNode) -> Component:
    version = _expand(_item_value(item, "VersionOverride") or _item_value(item, "Version"), props)
    private = (_item_value(item, "PrivateAssets") or "").strip().lower()
    extra: list[tuple[str, str]] = []
    condition = group.attrs.get("Condition") or item.attrs.get("Condition")
    if condition:
        extra.append(("nuget:condition", condition))
    if version is None:
        extra.append(("nuget:version", "centrally managed (Directory.Packages.props)"))
    elif "$(" in version:
        extra.append(("nuget:unresolved-version", version))
        version = None
    return component(
        ECOSYSTEM,
        include,
        None,
        path,
        line=item.line,
        scope=Scope.DEV if private == "all" else Scope.RUNTIME,
        direct=True,
        declared_range=version,
        properties=tuple(extra),
    )


def parse_packages_config(path: str, text: str) -> ManifestResult:
    root = parse_xml(path, text)
    if root.tag != "packages":
        raise ParseError(path, f"root element is <{root.tag}>, not <packages>", root.line)
    result = ManifestResult(path=path, ecosystem=ECOSYSTEM)
    for item in root.children_named("package"):
        name = item.attrs.get("id", "").strip()
        version = item.attrs.get("version", "").strip()
        if not name or not version:
            result.notes.append(FileProblem(path, "unsupported", "package without id or version", item.line))
            continue
        framework = item.attrs.get("targetFramework")
        dev = item.attrs.get("developmentDependency", "").lower() == "true"
        result.components.append(
            component(
                ECOSYSTEM,
                name,
                version,
                path,
                line=item.line,
                scope=Scope.DEV if dev else Scope.RUNTIME,
                properties=(("nuget:target-framework", framework),) if framework else (),
            )
        )
        result.edges.append((result.root_ref, result.components[-1].purl))
    return result


PARSERS = (
    ParserSpec(
        name="nuget-packages-lock",
        ecosystem=ECOSYSTEM,
        claims=_claims.nuget_packages_lock,
        parse=guarded(parse_packages_lock),
    ),
    ParserSpec(
        name="nuget-project",
        ecosystem=ECOSYSTEM,
        claims=_claims.nuget_project,
        parse=guarded(parse_project_file),
        max_bytes=16 << 20,
    ),
    ParserSpec(
        name="nuget-packages-config",
        ecosystem=ECOSYSTEM,
        claims=_claims.nuget_packages_config,
        parse=guarded(parse_packages_config),
    ),
)
