"""uv.lock: uv's universal lockfile (TOML).

The workspace members (`[manifest] members`, or without a manifest the package whose
source is `{ editable = "." }` / `{ virtual = "." }`) are projects, not components: the one
at "." is `root`, the others go to `ManifestResult.projects`. Every other package is a
resolved component with the hashes of its sdist and wheels.

Direct, scope and edges come from the graph uv records: a member's `dependencies` are
direct RUNTIME, its `optional-dependencies` direct OPTIONAL, its `dev-dependencies` groups
(PEP 735 groups included) direct DEV or TEST by the group's name. Scopes then flow down
the graph, the most shipped path winning; a dependency that asks for an extra
(`{ name = "fastapi", extra = ["standard"] }`) also pulls that package's
`optional-dependencies` of that extra in with the same scope. A package no member reaches
stays RUNTIME and indirect (it cannot be classified, so it is not hidden).
"""

from __future__ import annotations

from collections import deque
from dataclasses import dataclass, field
from typing import Any

from ospo.inventory import claims as _claims
from ospo.inventory.interface import ParserSpec
from ospo.inventory.parsers._python_support import (
    ECOSYSTEM,
    array,
    array_of_tables_lines,
    is_valid_name,
    normalize_name,
    parse_hash,
    scope_for_group,
    string,
    table,
)
from ospo.inventory.purls import component
from ospo.model import Component, FileProblem, Hash, ManifestResult, ParseError, Scope, sorted_hashes
from ospo.walk import load_toml

PYPI_SIMPLE = ("https://pypi.org/simple", "https://pypi.org/simple/")


claims = _claims.uv_lock


@dataclass
class _Package:
    index: int
    name: str
    version: str | None
    source: dict[str, Any]
    raw: dict[str, Any]
    line: int | None
    member: bool = False
    ref: str = ""
    scope: Scope | None = None
    direct: bool = False
    declared: dict[str, str] = field(default_factory=dict)


def _hashes(raw: dict[str, Any]) -> tuple[Hash, ...]:
    found: set[Hash] = set()
    artifacts = [table(raw.get("sdist")), *(table(w) for w in array(raw.get("wheels")))]
    for artifact in artifacts:
        value = string(artifact.get("hash"))
        parsed = parse_hash(value) if value else None
        if parsed is not None:
            found.add(Hash(*parsed))
    return sorted_hashes(found)


def _source_details(source: dict[str, Any], raw: dict[str, Any]) -> tuple[str | None, list[tuple[str, str]]]:
    """download_url and properties for a package's `source` table."""
    props: list[tuple[str, str]] = []
    url: str | None = None
    if "registry" in source:
        registry = string(source.get("registry")) or ""
        if registry not in PYPI_SIMPLE:
            props.append(("python:index", registry))
        sdist_url = string(table(raw.get("sdist")).get("url"))
        url = sdist_url
    elif "git" in source:
        url = "git+" + (string(source.get("git")) or "")
        props.append(("python:source", "git"))
    elif "url" in source:
        url = string(source.get("url"))
        props.append(("python:source", "url"))
    else:
        for kind in ("path", "directory", "editable", "virtual"):
            value = string(source.get(kind))
            if value is not None:
                props.append(("python:source", kind))
                props.append(("python:path", value))
                break
    return url, props


class _Reader:
    def __init__(self, path: str, text: str) -> None:
        self.path = path
        self.text = text
        self.result = ManifestResult(path=path, ecosystem=ECOSYSTEM)
        self.packages: list[_Package] = []
        self.by_name: dict[str, list[_Package]] = {}

    def read(self) -> ManifestResult:
        data = load_toml(self.path, self.text)
        header = "package" if "package" in data or "distribution" not in data else "distribution"
        raw_packages = array(data.get(header))  # uv 0.2 called them [[distribution]]
        lines = array_of_tables_lines(self.text, header)
        if len(lines) != len(raw_packages):
            lines = []
        members = {normalize_name(m) for m in array(table(data.get("manifest")).get("members")) if string(m)}
        for index, raw_any in enumerate(raw_packages):
            raw = table(raw_any)
            line = lines[index] if lines else None
            name = string(raw.get("name"))
            if name is None or not is_valid_name(name):
                self.result.notes.append(
                    FileProblem(self.path, "unsupported", "package entry without a valid name", line)
                )
                continue
            version = string(raw.get("version"))
            source = table(raw.get("source"))
            pkg = _Package(index, name, version, source, raw, line)
            pkg.member = normalize_name(name) in members or (
                not members and "." in (source.get("editable"), source.get("virtual"))
            )
            pkg.ref = component(ECOSYSTEM, name, version, self.path).purl
            self.packages.append(pkg)
            self.by_name.setdefault(normalize_name(name), []).append(pkg)
        self.walk_graph()
        self.emit()
        return self.result

    def targets(self, dep: dict[str, Any]) -> list[_Package]:
        name = string(dep.get("name"))
        if name is None:
            return []
        found = self.by_name.get(normalize_name(name), [])
        version = string(dep.get("version"))
        if version is not None and len(found) > 1:
            found = [p for p in found if p.version == version] or found
        source = dep.get("source")
        if isinstance(source, dict) and len(found) > 1:
            found = [p for p in found if p.source == source] or found
        return found

    def walk_graph(self) -> None:
        queue: deque[tuple[_Package, Scope, tuple[str, ...]]] = deque()
        edges: set[tuple[str, str]] = set()

        def reach(src: _Package, dep: dict[str, Any], scope: Scope, from_member: bool) -> None:
            extras = tuple(e for e in array(dep.get("extra")) if isinstance(e, str))
            for target in self.targets(dep):
                edges.add((src.ref, target.ref))
                if target.member:
                    continue
                if from_member:
                    target.direct = True
                queue.append((target, scope, extras))

        for pkg in self.packages:
            if not pkg.member:
                continue
            metadata = table(pkg.raw.get("metadata"))
            for req in array(metadata.get("requires-dist")):
                req_t = table(req)
                req_name, spec = string(req_t.get("name")), string(req_t.get("specifier"))
                if req_name and spec:
                    pkg.declared[normalize_name(req_name)] = spec
            for dep in array(pkg.raw.get("dependencies")):
                reach(pkg, table(dep), Scope.RUNTIME, True)
            for deps in table(pkg.raw.get("optional-dependencies")).values():
                for dep in array(deps):
                    reach(pkg, table(dep), Scope.OPTIONAL, True)
            for group, deps in table(pkg.raw.get("dev-dependencies")).items():
                for dep in array(deps):
                    reach(pkg, table(dep), scope_for_group(str(group)), True)
        best: dict[tuple[int, tuple[str, ...]], int] = {}
        while queue:
            pkg, scope, extras = queue.popleft()
            key = (pkg.index, extras)
            if key in best and best[key] <= scope.rank:
                continue
            best[key] = scope.rank
            if pkg.scope is None or scope.rank < pkg.scope.rank:
                pkg.scope = scope
            for dep in array(pkg.raw.get("dependencies")):
                reach(pkg, table(dep), scope, False)
            optional = table(pkg.raw.get("optional-dependencies"))
            for extra in extras:
                for dep in array(optional.get(extra)):
                    reach(pkg, table(dep), scope, False)
        # Plain dependencies are edges even where no member reaches the package; an extra's
        # dependencies only where something asked for that extra (added on the way above).
        for pkg in self.packages:
            for dep in array(pkg.raw.get("dependencies")):
                for target in self.targets(table(dep)):
                    edges.add((pkg.ref, target.ref))
        self.result.edges = sorted(edges)

    def emit(self) -> None:
        any_member = any(p.member for p in self.packages)
        declared: dict[str, str] = {}
        for pkg in self.packages:
            if pkg.member:
                for name, spec in pkg.declared.items():
                    declared.setdefault(name, spec)
        for pkg in self.packages:
            url, props = _source_details(pkg.source, pkg.raw)
            comp: Component = component(
                ECOSYSTEM,
                pkg.name,
                pkg.version,
                self.path,
                line=pkg.line,
                scope=pkg.scope or Scope.RUNTIME,
                direct=(pkg.direct if any_member else None),
                declared_range=declared.get(normalize_name(pkg.name)) if pkg.direct else None,
                hashes=_hashes(pkg.raw),
                download_url=url,
                properties=tuple(sorted(props)),
            )
            if pkg.member:
                is_root = "." in (pkg.source.get("editable"), pkg.source.get("virtual"))
                if is_root and self.result.root is None:
                    self.result.root = comp
                else:
                    self.result.projects.append(comp)
            else:
                self.result.components.append(comp)
        if self.result.root is None and len(self.result.projects) == 1:
            self.result.root = self.result.projects.pop()


def parse(path: str, text: str) -> ManifestResult:
    try:
        return _Reader(path, text).read()
    except ParseError:
        raise
    except (ValueError, RecursionError) as exc:
        raise ParseError(path, f"unreadable uv.lock: {exc}") from None


PARSER = ParserSpec(name="uv-lock", ecosystem=ECOSYSTEM, claims=claims, parse=parse)
