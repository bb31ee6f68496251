"""package-lock.json, npm-shrinkwrap.json and node_modules/.package-lock.json.

Lockfile v1 nests `dependencies` the way node_modules nests folders; v2 and v3 key
`packages` by node_modules path (v2 also carries the v1 tree, which is ignored). Both are
resolved the way Node does: a package's dependency is the nearest `node_modules/<name>` in
its own folder or an ancestor's. Workspace links (`link: true`) point at in-tree projects:
they become edges to that project's package.json, never third-party components.
"""

from __future__ import annotations

import posixpath
from dataclasses import replace
from typing import Any

from ospo.inventory import claims as _claims
from ospo.inventory.interface import ParserSpec
from ospo.inventory.parsers._npm import (
    ECOSYSTEM,
    PROP_ALIAS,
    PROP_BUNDLED,
    PROP_EXTRANEOUS,
    PROP_PEER,
    PROP_RESOLVED,
    KeyLines,
    cap_notes,
    hashes_from_integrity,
    is_non_registry,
    license_expression,
    load_json_object,
    npm_component,
    npm_purl,
    parse_alias,
    str_dict,
    valid_name,
)
from ospo.model import Component, FileProblem, ManifestResult, ParseError, Scope, merge_scope

_NODE_MODULES = "node_modules/"
_DEP_KINDS = ("dependencies", "optionalDependencies", "peerDependencies")
_ROOT_DEP_KINDS = ("dependencies", "devDependencies", "optionalDependencies", "peerDependencies")


claims = _claims.npm_lock


def project_ref(lock_path: str, project_dir: str) -> str:
    """The ref of an in-tree project (root or workspace), as the package.json parser names it
    when it has no name; the collector maps it to that project's purl when it has one."""
    base = posixpath.dirname(lock_path)
    if lock_path.endswith("node_modules/.package-lock.json"):
        base = posixpath.dirname(base)
    joined = posixpath.normpath(posixpath.join(base, project_dir, "package.json"))
    return f"file:{joined}"


def parse(path: str, text: str) -> ManifestResult:
    result = _parse(path, text)
    result.notes = cap_notes(path, result.notes)
    return result


def _parse(path: str, text: str) -> ManifestResult:
    data = load_json_object(path, text)
    version = data.get("lockfileVersion", 1)
    if isinstance(version, bool) or not isinstance(version, int):
        raise ParseError(path, f"lockfileVersion is not a number: {version!r}")
    packages = data.get("packages")
    if version >= 2 and isinstance(packages, dict):
        result = _parse_packages(path, text, packages)
        if version > 3:
            result.notes.append(FileProblem(path, "note", f"lockfileVersion {version} is newer than 3; read as v3"))
        return result
    if version > 3:
        raise ParseError(path, f"unsupported lockfileVersion {version}")
    deps = data.get("dependencies", {})
    if not isinstance(deps, dict):
        raise ParseError(path, "`dependencies` is not an object")
    return _parse_v1(path, text, deps)


# --- v2 / v3 ----------------------------------------------------------------------------


def _name_from_key(key: str) -> str:
    idx = key.rfind(_NODE_MODULES)
    return key[idx + len(_NODE_MODULES) :] if idx >= 0 else ""


def _parent_dir(key: str) -> str:
    """The folder whose node_modules holds `key` ('' for the project root)."""
    idx = key.rfind("/" + _NODE_MODULES)
    return key[:idx] if idx >= 0 else ""


def _parse_packages(path: str, text: str, packages: dict[str, Any]) -> ManifestResult:
    result = ManifestResult(path=path, ecosystem=ECOSYSTEM)
    lines = KeyLines(text)
    hidden = path.endswith("node_modules/.package-lock.json")

    # In-tree projects: the root "" and every folder entry that is not under node_modules
    # (workspaces, file: links), keyed by folder.
    projects: dict[str, dict[str, Any]] = {}
    entries: dict[str, dict[str, Any]] = {}
    entry_lines: dict[str, int | None] = {}
    for key, entry in packages.items():
        line = lines.next(key)
        if not isinstance(entry, dict):
            result.notes.append(FileProblem(path, "unsupported", f"entry {key!r} is not an object", line))
            continue
        entry_lines[key] = line
        if key == "" or (_NODE_MODULES not in key and not key.startswith("node_modules")):
            projects[key] = entry
        else:
            entries[key] = entry

    def resolve(from_dir: str, name: str) -> str | None:
        """npm's lookup: <dir>/node_modules/<name>, then each ancestor's node_modules."""
        base = from_dir
        for _ in range(200):
            cand = f"{base}/{_NODE_MODULES}{name}" if base else _NODE_MODULES + name
            if cand in entries:
                return cand
            if not base:
                return None
            if _NODE_MODULES in base or base.startswith("node_modules"):
                base = _parent_dir(base)
            else:
                base = posixpath.dirname(base)  # a workspace folder: up to its parent
        return None

    purls: dict[str, str] = {}  # node_modules key -> purl or project ref
    comps: dict[str, Component] = {}
    for key, entry in entries.items():
        line = entry_lines.get(key)
        installed_as = _name_from_key(key)
        if entry.get("link") is True:
            target = entry.get("resolved")
            if isinstance(target, str) and target:
                purls[key] = project_ref(path, target)
            else:
                result.notes.append(FileProblem(path, "unsupported", f"link {key!r} has no target", line))
            continue
        own_name = entry.get("name")
        name = own_name if isinstance(own_name, str) else installed_as
        version = entry.get("version")
        if not valid_name(name) or not valid_name(installed_as):
            result.notes.append(FileProblem(path, "unsupported", f"bad package name in {key!r}", line))
            continue
        if not isinstance(version, str) or not version.strip():
            result.notes.append(FileProblem(path, "unsupported", f"{key!r} has no version (not installed?)", line))
            continue
        props: list[tuple[str, str]] = []
        if name != installed_as:
            props.append((PROP_ALIAS, installed_as))
        resolved = entry.get("resolved")
        download_url = resolved if isinstance(resolved, str) and resolved else None
        if download_url and is_non_registry(download_url) and "/-/" not in download_url:
            props.append((PROP_RESOLVED, download_url))
        if entry.get("peer") is True:
            props.append((PROP_PEER, "true"))
        if entry.get("inBundle") is True:
            props.append((PROP_BUNDLED, "true"))
        if entry.get("extraneous") is True:
            props.append((PROP_EXTRANEOUS, "true"))
        comp = npm_component(
            name,
            version,
            path,
            line=line,
            scope=_scope(entry),
            # The hidden lockfile has no root entry: a top-level package may be direct,
            # a nested one cannot be (the project resolves its names at the top).
            direct=None if hidden and _parent_dir(key) == "" else False,
            declared_license=license_expression(entry.get("license"), entry.get("licenses")),
            hashes=hashes_from_integrity(entry.get("integrity")),
            download_url=download_url,
            properties=tuple(props),
        )
        purls[key] = comp.purl
        comps[key] = comp

    # Direct dependencies: what each in-tree project names, resolved from its own folder.
    direct: dict[str, str] = {}  # node_modules key -> declared range
    for pdir, entry in projects.items():
        ref = project_ref(path, pdir)
        for kind in _ROOT_DEP_KINDS:
            for dep_name, rng in str_dict(entry.get(kind)):
                found = resolve(pdir, dep_name)
                if found is None:
                    continue
                result.edges.append((ref, purls.get(found, "")))
                if found in comps:
                    direct.setdefault(found, rng)
    for key, comp in comps.items():
        entry = entries[key]
        for kind in _DEP_KINDS:
            for dep_name, _rng in str_dict(entry.get(kind)):
                found = resolve(key, dep_name)
                if found is not None and found in purls:
                    result.edges.append((comp.purl, purls[found]))
    result.edges = [(a, b) for a, b in result.edges if b]

    copies: dict[str, list[Component]] = {}
    for key, comp in comps.items():
        if key in direct:
            rng = direct[key]
            alias = parse_alias(rng)
            comp = _with(comp, direct=True, declared_range=alias[1] if alias else rng)
        copies.setdefault(comp.purl, []).append(comp)
    result.components = [_fold_all(group) for group in copies.values()]
    return result


def _scope(entry: dict[str, Any]) -> Scope:
    if entry.get("dev") is True:
        return Scope.DEV
    if entry.get("optional") is True or entry.get("devOptional") is True:
        # devOptional: needed by a dev dependency and by an optional one; it ships unless
        # optional dependencies are omitted.
        return Scope.OPTIONAL
    return Scope.RUNTIME


def _with(comp: Component, **changes: Any) -> Component:
    return replace(comp, **changes)


def _fold(a: Component, b: Component) -> Component:
    """One package at one version installed in several folders: one component."""
    direct = True if (a.direct or b.direct) else a.direct
    return _with(
        a,
        scope=merge_scope(a.scope, b.scope),
        direct=direct,
        declared_range=a.declared_range or b.declared_range,
        hashes=a.hashes or b.hashes,
        locations=tuple(sorted(set(a.locations) | set(b.locations))),
        properties=tuple(sorted(set(a.properties) | set(b.properties))),
    )


def _fold_all(group: list[Component]) -> Component:
    """One package at one version installed in several folders: one component."""
    first = group[0]
    if len(group) == 1:
        return first
    directs = [c.direct for c in group]
    return _with(
        first,
        scope=min((c.scope for c in group), key=lambda s: s.rank),
        direct=True if any(directs) else (False if all(d is False for d in directs) else None),
        declared_range=next((c.declared_range for c in group if c.declared_range), None),
        hashes=next((c.hashes for c in group if c.hashes), ()),
        locations=tuple(sorted({loc for c in group for loc in c.locations})),
        properties=tuple(sorted({p for c in group for p in c.properties})),
    )


# --- v1 ---------------------------------------------------------------------------------


def _parse_v1(path: str, text: str, deps: dict[str, Any]) -> ManifestResult:
    """Lockfile v1: a tree of `dependencies`; `requires` maps names to ranges.

    v1 does not say which packages the project itself names: top-level entries get
    direct=None (the package.json folded in by the collector decides), nested ones are
    unreachable from the project and so direct=False.
    """
    result = ManifestResult(path=path, ecosystem=ECOSYSTEM)
    lines = KeyLines(text)
    merged: dict[str, Component] = {}
    # Each node: (name, entry, parent node id); node ids index into `nodes`.
    nodes: list[tuple[str, dict[str, Any], int, str]] = []  # name, entry, parent, purl
    children: list[dict[str, int]] = []
    root_children: dict[str, int] = {}

    # Depth-first in document order so that KeyLines sees keys in file order.
    def visit(tree: dict[str, Any], parent: int, depth: int) -> None:
        if depth > 200:
            raise ParseError(path, "dependencies nested too deep")
        for name, entry in tree.items():
            line = lines.next(name)
            if not isinstance(entry, dict):
                result.notes.append(FileProblem(path, "unsupported", f"dependency {name!r} is not an object", line))
                continue
            node_id = len(nodes)
            purl = _v1_component(path, name, entry, line, depth, result, merged)
            nodes.append((name, entry, parent, purl))
            children.append({})
            (children[parent] if parent >= 0 else root_children)[name] = node_id
            sub = entry.get("dependencies")
            if isinstance(sub, dict):
                visit(sub, node_id, depth + 1)

    visit(deps, -1, 0)

    def resolve(node_id: int, name: str) -> int | None:
        current = node_id
        while current >= 0:
            found = children[current].get(name)
            if found is not None:
                return found
            current = nodes[current][2]
        return root_children.get(name)

    for node_id, (_name, entry, _parent, purl) in enumerate(nodes):
        if not purl:
            continue
        requires = entry.get("requires")
        for dep_name, _rng in str_dict(requires):
            target = resolve(node_id, dep_name)
            if target is not None and nodes[target][3]:
                result.edges.append((purl, nodes[target][3]))
    result.components = list(merged.values())
    return result


def _v1_component(
    path: str,
    installed_as: str,
    entry: dict[str, Any],
    line: int | None,
    depth: int,
    result: ManifestResult,
    merged: dict[str, Component],
) -> str:
    raw = entry.get("version")
    if not valid_name(installed_as) or not isinstance(raw, str) or not raw.strip():
        result.notes.append(FileProblem(path, "unsupported", f"{installed_as!r} has no usable name/version", line))
        return ""
    name, version = installed_as, raw
    props: list[tuple[str, str]] = []
    alias = parse_alias(raw)
    if alias is not None:
        name, version = alias
        props.append((PROP_ALIAS, installed_as))
    if version.startswith("file:"):
        # A local folder: an in-tree project, not a third-party component.
        return project_ref(path, version[5:])
    if is_non_registry(version):
        props.append((PROP_RESOLVED, version))
        commit = version.rpartition("#")[2] if "#" in version else ""
        if not commit:
            result.notes.append(FileProblem(path, "unsupported", f"{installed_as!r}: no version in {version!r}", line))
            return ""
        version = commit
    resolved = entry.get("resolved")
    comp = npm_component(
        name,
        version,
        path,
        line=line,
        scope=_scope(entry),
        direct=None if depth == 0 else False,
        hashes=hashes_from_integrity(entry.get("integrity")),
        download_url=resolved if isinstance(resolved, str) and resolved else None,
        properties=tuple(props) + (((PROP_BUNDLED, "true"),) if entry.get("bundled") is True else ()),
    )
    prev = merged.get(comp.purl)
    if prev is not None:
        comp = _fold(prev, comp)
        if prev.direct is None or comp.direct is None:
            comp = _with(comp, direct=None)
    merged[comp.purl] = comp
    return comp.purl


PARSER = ParserSpec(name="npm-lock", ecosystem=ECOSYSTEM, claims=claims, parse=parse)

__all__ = ["PARSER", "npm_purl"]
