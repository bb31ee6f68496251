"""Rust: Cargo.lock (every format version) and Cargo.toml.

Cargo.lock pins the whole graph. Packages without a `source` are the workspace's own
crates (members and path dependencies): they are first-party, so they are not components,
but their edges say which pinned crates are direct. The lockfile cannot tell a
dev-dependency from a normal one, so those crates get `direct=None` and the scope of the
Cargo.toml declaration wins when the collector folds the two; crates reached only through
other crates are `direct=False`.

Cargo.toml declares ranges (`resolved=False`): [dependencies], [dev-dependencies],
[build-dependencies] and their `[target.'cfg(..)'.*]` forms. Path dependencies are
first-party and recorded as a property of the package; `workspace = true` entries inherit
their requirement from the workspace root, so they carry no range here.
"""

from __future__ import annotations

import re
from dataclasses import replace
from typing import Any

from ospo.inventory import claims as _claims
from ospo.inventory.interface import ParserSpec
from ospo.inventory.parsers._other_support import LineIndex, as_dict, as_list, as_str, guarded
from ospo.inventory.purls import component
from ospo.model import Component, FileProblem, Hash, ManifestResult, ParseError, Scope
from ospo.walk import load_toml

ECOSYSTEM = "cargo"
CRATES_IO_SOURCES = (
    "registry+https://github.com/rust-lang/crates.io-index",
    "sparse+https://index.crates.io/",
)
_PACKAGE_HEADER = re.compile(r"^\[\[package\]\]", re.MULTILINE)
_HEX64 = re.compile(r"^[0-9a-fA-F]{64}$")


def _source_details(source: str | None) -> tuple[dict[str, str], tuple[tuple[str, str], ...]]:
    """Qualifiers and properties a crate's source adds to its identity."""
    if source is None or source in CRATES_IO_SOURCES:
        return {}, ()
    if source.startswith("git+"):
        url = source[4:]
        base, _, commit = url.partition("#")
        base = base.split("?", 1)[0]
        vcs = f"git+{base}@{commit}" if commit else f"git+{base}"
        return {"vcs_url": vcs}, (("cargo:source", source),)
    kind, _, url = source.partition("+")
    if kind in ("registry", "sparse") and url:
        return {"repository_url": url}, (("cargo:source", source),)
    return {}, (("cargo:source", source),)


def _crate(
    name: str,
    version: str,
    source: str | None,
    path: str,
    line: int | None,
    checksum: str | None,
    direct: bool | None,
) -> Component:
    qualifiers, props = _source_details(source)
    hashes = (Hash("sha256", checksum.lower()),) if checksum and _HEX64.match(checksum) else ()
    download = f"https://crates.io/api/v1/crates/{name}/{version}/download" if source in CRATES_IO_SOURCES else None
    return component(
        ECOSYSTEM,
        name,
        version,
        path,
        line=line,
        direct=direct,
        hashes=hashes,
        qualifiers=qualifiers,
        download_url=download,
        properties=props,
    )


def parse_cargo_lock(path: str, text: str) -> ManifestResult:
    data = load_toml(path, text)
    result = ManifestResult(path=path, ecosystem=ECOSYSTEM)
    lines = LineIndex(text)
    header_lines = [lines.line_at(o) for o in lines.offsets(_PACKAGE_HEADER)]
    # v1 keeps checksums apart: [metadata] "checksum NAME VERSION (SOURCE)" = "hex".
    v1_checksums: dict[tuple[str, str], str] = {}
    for key, value in as_dict(data.get("metadata")).items():
        parts = key.split(" ")
        if len(parts) >= 3 and parts[0] == "checksum" and isinstance(value, str):
            v1_checksums[(parts[1], parts[2])] = value

    packages: list[tuple[str, str, str | None, dict[str, Any], int | None]] = []
    for index, raw in enumerate(as_list(data.get("package"))):
        entry = as_dict(raw)
        line = header_lines[index] if index < len(header_lines) else None
        name, version = as_str(entry.get("name")), as_str(entry.get("version"))
        if name is None or version is None:
            result.notes.append(FileProblem(path, "unsupported", "package entry without name or version", line))
            continue
        packages.append((name, version, as_str(entry.get("source")), entry, line))
    if not packages and "package" in data and not isinstance(data.get("package"), list):
        raise ParseError(path, "'package' is not an array of tables")

    by_name: dict[str, list[tuple[str, str | None, str]]] = {}
    refs: list[str] = []
    crates: list[Component | None] = []
    for name, version, source, entry, line in packages:
        if source is None:  # a workspace member or path crate: first-party, only a ref
            crates.append(None)
            ref = component(ECOSYSTEM, name, version, path).purl
        else:
            checksum = as_str(entry.get("checksum")) or v1_checksums.get((name, version))
            crate = _crate(name, version, source, path, line, checksum, None)
            crates.append(crate)
            ref = crate.purl
        refs.append(ref)
        by_name.setdefault(name, []).append((version, source, ref))

    def resolve(spec: str) -> str | None:
        # "name", "name version" or "name version (source)"
        parts = spec.split(" ", 2)
        candidates = by_name.get(parts[0], [])
        if len(parts) >= 2:
            candidates = [c for c in candidates if c[0] == parts[1]]
        if len(parts) == 3:
            source = parts[2].strip("()")
            narrowed = [c for c in candidates if c[1] == source]
            candidates = narrowed or candidates
        return candidates[0][2] if candidates else None

    local_deps: set[str] = set()
    for (name, _version, source, entry, line), ref in zip(packages, refs, strict=True):
        for dep in as_list(entry.get("dependencies")):
            if not isinstance(dep, str):
                continue
            target = resolve(dep)
            if target is None:
                result.notes.append(
                    FileProblem(path, "unsupported", f"{name}: dependency {dep!r} is not in the lockfile", line)
                )
                continue
            result.edges.append((ref, target))
            if source is None:
                local_deps.add(target)

    local = [p for p in packages if p[2] is None]
    if len(local) == 1:
        name, version, _source, _entry, line = local[0]
        result.root = component(ECOSYSTEM, name, version, path, line=line)
    for pinned in crates:
        if pinned is not None:
            result.components.append(pinned if pinned.purl in local_deps else replace(pinned, direct=False))
    return result


# --- Cargo.toml ---------------------------------------------------------------------

_KINDS: tuple[tuple[str, Scope, str], ...] = (
    ("dependencies", Scope.RUNTIME, "normal"),
    ("dev-dependencies", Scope.DEV, "dev"),
    ("dev_dependencies", Scope.DEV, "dev"),
    ("build-dependencies", Scope.DEV, "build"),
    ("build_dependencies", Scope.DEV, "build"),
)


def _dep_line(lines: LineIndex, table: str, target: str | None, key: str) -> int | None:
    """Line of `key` in its dependency table: `[table]` (or `[target.X.table]`) followed
    by `key = ...`, or a `[table.key]` header of its own."""
    text = lines.text
    prefix = f"target.{target}." if target is not None else ""
    for header in (f"[{prefix}{table}.{key}]", f'[{prefix}{table}."{key}"]'):
        pos = text.find(header)
        if pos >= 0:
            return lines.line_at(pos)
    start = text.find(f"[{prefix}{table}]")
    if start < 0 and target is not None:  # quoted differently: find the target, then the table
        at = text.find(target)
        start = text.find(f".{table}]", at) if at >= 0 else -1
    if start < 0:
        return None
    end = text.find("\n[", start + 1)
    section = text[start : end if end >= 0 else len(text)]
    match = re.search(rf'^[ \t]*"?{re.escape(key)}"?[ \t]*[=.]', section, re.MULTILINE)
    return lines.line_at(start + match.start()) if match else lines.line_at(start)


def parse_cargo_toml(path: str, text: str) -> ManifestResult:
    data = load_toml(path, text)
    result = ManifestResult(path=path, ecosystem=ECOSYSTEM)
    lines = LineIndex(text)
    package = as_dict(data.get("package")) or as_dict(data.get("project"))
    root_props: list[tuple[str, str]] = []
    workspace = as_dict(data.get("workspace"))
    members = [m for m in as_list(workspace.get("members")) if isinstance(m, str)]
    if members:
        root_props.append(("cargo:workspace-members", ",".join(members)))

    tables: list[tuple[dict[str, Any], Scope, str, str | None, str]] = []
    for key, scope, kind in _KINDS:
        tables.append((as_dict(data.get(key)), scope, kind, None, key))
    for target_cfg, body in as_dict(data.get("target")).items():
        for key, scope, kind in _KINDS:
            tables.append((as_dict(as_dict(body).get(key)), scope, kind, target_cfg, key))

    for table, scope, kind, target, table_name in tables:
        for key, spec in table.items():
            line = _dep_line(lines, table_name, target, key)
            props: list[tuple[str, str]] = [("cargo:kind", kind)]
            if target:
                props.append(("cargo:target", target))
            if isinstance(spec, str):
                requirement: str | None = spec
                name = key
                optional = False
            elif isinstance(spec, dict):
                name = as_str(spec.get("package")) or key
                requirement = as_str(spec.get("version"))
                optional = spec.get("optional") is True
                if spec.get("workspace") is True:
                    props.append(("cargo:workspace", "true"))
                local_path = as_str(spec.get("path"))
                git = as_str(spec.get("git"))
                if local_path is not None and requirement is None:
                    root_props.append(("cargo:path-dependency", f"{name}={local_path}"))
                    continue
                if git is not None:
                    ref = as_str(spec.get("rev")) or as_str(spec.get("tag")) or as_str(spec.get("branch"))
                    props.append(("cargo:git", f"{git}#{ref}" if ref else git))
                    requirement = requirement or (f"git+{git}#{ref}" if ref else f"git+{git}")
                registry = as_str(spec.get("registry"))
                if registry:
                    props.append(("cargo:registry", registry))
                if name != key:
                    props.append(("cargo:renamed-as", key))
            else:
                result.notes.append(
                    FileProblem(path, "unsupported", f"dependency {key!r} has an unreadable specification", line)
                )
                continue
            result.components.append(
                component(
                    ECOSYSTEM,
                    name,
                    None,
                    path,
                    line=line,
                    scope=Scope.OPTIONAL if optional and scope is Scope.RUNTIME else scope,
                    direct=True,
                    declared_range=requirement,
                    properties=tuple(props),
                )
            )

    package_name = as_str(package.get("name"))
    if package_name is not None:
        version = as_str(package.get("version"))  # None when `version.workspace = true`
        license_ = as_str(package.get("license"))
        result.root = component(
            ECOSYSTEM,
            package_name,
            version,
            path,
            line=lines.find("[package]") or lines.find("[project]"),
            declared_license=license_,
            properties=tuple(root_props),
        )
        result.root = _with_homepage(result.root, package)
    elif not workspace and result.components:
        result.notes.append(FileProblem(path, "note", "Cargo.toml without a [package] name"))
    for comp in result.components:
        result.edges.append((result.root_ref, comp.purl))
    return result


def _with_homepage(root: Component, package: dict[str, Any]) -> Component:
    return replace(
        root,
        description=as_str(package.get("description")),
        homepage=as_str(package.get("homepage")) or as_str(package.get("repository")),
    )


PARSERS = (
    ParserSpec(
        name="cargo-lock",
        ecosystem=ECOSYSTEM,
        claims=_claims.cargo_lock,
        parse=guarded(parse_cargo_lock),
    ),
    ParserSpec(
        name="cargo-toml",
        ecosystem=ECOSYSTEM,
        claims=_claims.cargo_toml,
        parse=guarded(parse_cargo_toml),
    ),
)
