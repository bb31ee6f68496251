"""package.json: a project's declared dependencies, or an installed package's record.

At a project, the file names the project (the ManifestResult root) and declares ranges;
the collector folds those into the pins of a lockfile in the same or an ancestor folder.
Directly inside `node_modules/<name>/` (or `node_modules/@scope/<name>/`) it is what npm
installed: a resolved component with its version and licence. Other package.json files
under node_modules (test fixtures, `{"type": "module"}` markers in subfolders) are not
package roots and are not claimed.
"""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from ospo.inventory import claims as _claims
from ospo.inventory.interface import ParserSpec
from ospo.inventory.parsers._npm import (
    ECOSYSTEM,
    PROP_ALIAS,
    PROP_PEER,
    PROP_RESOLVED,
    AnyKeyLines,
    cap_notes,
    hashes_from_integrity,
    is_non_registry,
    license_expression,
    load_json_object,
    npm_component,
    npm_purl,
    parse_alias,
    valid_name,
)
from ospo.model import Component, FileProblem, ManifestResult, Scope, merge_scope

PROP_WORKSPACES = "npm:workspaces"
_DECLARED = (
    ("dependencies", Scope.RUNTIME),
    ("optionalDependencies", Scope.OPTIONAL),
    ("peerDependencies", Scope.RUNTIME),
    ("devDependencies", Scope.DEV),
)
_INSTALLED_EDGES = ("dependencies", "optionalDependencies", "peerDependencies")


claims = _claims.package_json
installed_name = _claims.installed_name


def parse(path: str, text: str) -> ManifestResult:
    result = _parse(path, text)
    result.notes = cap_notes(path, result.notes)
    return result


def _parse(path: str, text: str) -> ManifestResult:
    data = load_json_object(path, text)
    installed = installed_name(path)
    if installed is not None:
        return _parse_installed(path, data, installed)
    return _parse_project(path, data, AnyKeyLines(text))


def _parse_installed(path: str, data: dict[str, Any], installed_as: str) -> ManifestResult:
    result = ManifestResult(path=path, ecosystem=ECOSYSTEM)
    name = data.get("name")
    version = data.get("version")
    if not isinstance(name, str) or not valid_name(name):
        name = installed_as
    if not isinstance(version, str) or not version.strip() or len(version) > 256:
        return result  # not a package root (a fixture, a partial install): nothing to report
    props: list[tuple[str, str]] = []
    if name != installed_as:
        props.append((PROP_ALIAS, installed_as))
    resolved = data.get("_resolved")
    download = resolved if isinstance(resolved, str) and resolved else None
    if download and is_non_registry(download) and "/-/" not in download:
        props.append((PROP_RESOLVED, download))
    comp = npm_component(
        name,
        version.strip(),
        path,
        line=1,
        declared_license=license_expression(data.get("license"), data.get("licenses")),
        hashes=hashes_from_integrity(data.get("_integrity")),
        download_url=download,
        properties=tuple(props),
        scope_known=False,
    )
    comp = _describe(comp, data)
    result.components.append(comp)
    for kind in _INSTALLED_EDGES:
        deps = data.get(kind)
        if isinstance(deps, dict):
            for dep, spec in deps.items():
                target = _declared_name(dep, spec)
                if target is not None:
                    result.edges.append((comp.purl, npm_purl(target, None)))
    return result


def _describe(comp: Component, data: dict[str, Any]) -> Component:
    description = data.get("description")
    homepage = data.get("homepage")
    return replace(
        comp,
        description=description[:1000] if isinstance(description, str) and description else None,
        homepage=homepage if isinstance(homepage, str) and homepage.startswith("http") else None,
    )


def _declared_name(dep: object, spec: object) -> str | None:
    if not isinstance(dep, str) or not isinstance(spec, str):
        return None
    alias = parse_alias(spec)
    if alias is not None:
        return alias[0]
    return dep if valid_name(dep) else None


def _parse_project(path: str, data: dict[str, Any], lines: AnyKeyLines) -> ManifestResult:
    result = ManifestResult(path=path, ecosystem=ECOSYSTEM)
    name = data.get("name")
    version = data.get("version")
    if isinstance(name, str) and valid_name(name):
        props: tuple[tuple[str, str], ...] = ()
        workspaces = _workspaces(data.get("workspaces"))
        if workspaces:
            props = ((PROP_WORKSPACES, ",".join(workspaces)),)
        root = npm_component(
            name,
            version.strip() if isinstance(version, str) and version.strip() else None,
            path,
            line=1,
            declared_license=license_expression(data.get("license"), data.get("licenses")),
            properties=props,
        )
        result.root = _describe(root, data)
    declared: dict[str, Component] = {}
    for kind, scope in _DECLARED:
        deps = data.get(kind)
        if deps is None:
            continue
        section_line = lines.after(kind, None)
        if not isinstance(deps, dict):
            result.notes.append(FileProblem(path, "unsupported", f"`{kind}` is not an object", section_line))
            continue
        for dep, spec in deps.items():
            line = lines.after(dep, section_line)
            if not isinstance(spec, str):
                result.notes.append(FileProblem(path, "unsupported", f"{kind}: {dep!r} has a non-string range", line))
                continue
            target = _declared_name(dep, spec)
            if target is None:
                result.notes.append(FileProblem(path, "unsupported", f"{kind}: bad package name {dep!r}", line))
                continue
            alias = parse_alias(spec)
            props_d: list[tuple[str, str]] = []
            if alias is not None:
                props_d.append((PROP_ALIAS, dep))
            if kind == "peerDependencies":
                props_d.append((PROP_PEER, "true"))
            comp = npm_component(
                target,
                None,
                path,
                line=line,
                scope=scope,
                direct=True,
                declared_range=alias[1] if alias else spec,
                properties=tuple(props_d),
            )
            prev = declared.get(comp.purl)
            if prev is not None:
                # Named in several kinds (e.g. peer and dev): the most shipped kind wins.
                comp = replace(
                    prev,
                    scope=merge_scope(prev.scope, scope),
                    properties=tuple(sorted(set(prev.properties) | set(comp.properties))),
                )
            declared[comp.purl] = comp
            result.edges.append((result.root_ref, comp.purl))
    result.components = list(declared.values())
    result.edges = list(dict.fromkeys(result.edges))
    return result


def _workspaces(value: object) -> list[str]:
    if isinstance(value, dict):
        value = value.get("packages")
    if isinstance(value, list):
        return [v for v in value[:1000] if isinstance(v, str)]
    return []


PARSER = ParserSpec(name="package-json", ecosystem=ECOSYSTEM, claims=claims, parse=parse)
