"""pnpm-lock.yaml: lockfile v5.x, v6 and v9.

`importers` (or, without a workspace, top-level `dependencies`...) say what each in-tree
project names; `packages` (v9: plus `snapshots`) hold one entry per package, keyed
`/name/version_peers` (v5), `/name@version(peers)` (v6) or `name@version(peers)` (v9). The
peer suffix picks a variant of the same package: it is kept as a property, not in the
version. v9 dropped the `dev` flags, so scopes are computed by walking from the importers'
dependencies, optionalDependencies and devDependencies.
"""

from __future__ import annotations

import posixpath
import re
from collections import deque
from dataclasses import replace
from typing import Any

from ospo.inventory import claims as _claims
from ospo.inventory.interface import ParserSpec
from ospo.inventory.parsers._npm import (
    ECOSYSTEM,
    PROP_ALIAS,
    PROP_RESOLVED,
    cap_notes,
    hashes_from_integrity,
    load_yaml_mapping,
    npm_component,
    parse_alias,
    valid_name,
)
from ospo.inventory.parsers.npm_lock import project_ref
from ospo.model import Component, FileProblem, ManifestResult, ParseError, Scope

PROP_PEERS = "pnpm:peers"
_IMPORTER_KINDS = (
    ("dependencies", Scope.RUNTIME),
    ("optionalDependencies", Scope.OPTIONAL),
    ("devDependencies", Scope.DEV),
)
_SCOPE_BY_RANK = {0: Scope.RUNTIME, 1: Scope.OPTIONAL, 2: Scope.DEV}


claims = _claims.pnpm_lock


_LINE_KEY = re.compile(r"^(?:([^\s#'][^\n]*?):[ \t]*$|  ('?)([^\s'][^\n]*?)\2:[ \t]*$)", re.M)


def _entry_lines(text: str) -> dict[str, int]:
    """Line of each `packages:` entry (indent 2 under that top-level key)."""
    found: dict[str, int] = {}
    section = ""
    line = 1
    last = 0
    for match in _LINE_KEY.finditer(text):
        line += text.count("\n", last, match.start())
        last = match.start()
        if match.group(1) is not None:
            section = match.group(1)
        elif section in ("packages", "snapshots"):
            found.setdefault(match.group(3), line)
    return found


def _major_version(data: dict[str, Any]) -> int:
    """lockfileVersion is 5.4 (a number), '6.0' or '9.0' (strings): its major part."""
    match = re.match(r"\s*(\d{1,3})(?:\.\d+)?\s*$", str(data.get("lockfileVersion")))
    return int(match.group(1)) if match else 0


def split_key(key: str, major: int) -> tuple[str, str, str]:
    """A packages/snapshots key -> (name, version, peer suffix)."""
    k = key[1:] if key.startswith("/") else key
    if major < 6:
        scoped = k.startswith("@")
        parts = k.split("/", 2 if scoped else 1)
        if len(parts) < (3 if scoped else 2):
            return k, "", ""
        name = "/".join(parts[:-1])
        version, _, peers = parts[-1].partition("_")
        return name, version, peers
    paren = k.find("(")
    base, peers = (k, "") if paren < 0 else (k[:paren], k[paren:])
    at = base.find("@", 1)
    if at < 0:
        return base, "", peers
    return base[:at], base[at + 1 :], peers


def _dep_key(dep: str, value: str, major: int) -> str:
    """The packages/snapshots key a dependency value points at."""
    if value.startswith("/"):
        return value
    base = value.split("(", 1)[0]
    if major >= 9:
        if "@" in base[1:] and not base.startswith(("http:", "https:", "file:")):
            return value  # an alias: 'real-name@1.0.0'
        return f"{dep}@{value}"
    if major >= 6:
        if "@" in base[1:] and ":" not in base.split("@", 2)[0]:
            return "/" + value
        if "/" in base and not base.startswith("@"):
            return value  # a non-registry key such as github.com/owner/repo/sha
        return f"/{dep}@{value}"
    if "/" in value and not value.startswith("@"):
        return value
    return f"/{dep}/{value}"


def parse(path: str, text: str) -> ManifestResult:
    result = _parse(path, text)
    result.notes = cap_notes(path, result.notes)
    return result


def _parse(path: str, text: str) -> ManifestResult:
    data = load_yaml_mapping(path, text)
    major = _major_version(data)
    if major < 5 or major > 9:
        raise ParseError(path, f"unsupported lockfileVersion {data.get('lockfileVersion')!r}")
    result = ManifestResult(path=path, ecosystem=ECOSYSTEM)
    lines = _entry_lines(text)
    packages = data.get("packages") or {}
    snapshots = data.get("snapshots") or {}
    if not isinstance(packages, dict) or not isinstance(snapshots, dict):
        raise ParseError(path, "`packages` / `snapshots` is not a mapping")

    # Components, one per packages entry (peer variants of one version share the purl).
    comps: dict[str, Component] = {}
    purl_of: dict[str, str] = {}  # packages/snapshots key -> purl
    flags: dict[str, Scope | None] = {}  # purl -> scope from v5/v6 dev/optional flags
    for key, entry in packages.items():
        line = lines.get(str(key))
        if not isinstance(key, str) or not isinstance(entry, dict):
            result.notes.append(FileProblem(path, "unsupported", f"entry {key!r} is not a mapping", line))
            continue
        comp = _component(path, key, entry, major, line, result)
        if comp is None:
            continue
        purl_of[key] = comp.purl
        prev = comps.get(comp.purl)
        comps[comp.purl] = comp if prev is None else _union_props(prev, comp)
        if major < 9:
            scope = _flag_scope(entry)
            if comp.purl in flags:
                before = flags[comp.purl]
                scope = None if before is None or scope is None else min(before, scope, key=_rank)
            flags[comp.purl] = scope

    graph_source: dict[str, Any] = snapshots if major >= 9 else packages
    if major >= 9:
        for key in snapshots:
            if not isinstance(key, str):
                continue
            name, ver, peers = split_key(key, major)
            base_purl = purl_of.get(f"{name}@{ver}") if ver else None
            if base_purl is None:
                base_purl = purl_of.get(key.split("(", 1)[0])
            if base_purl is None:
                continue
            purl_of[key] = base_purl
            if peers:
                comps[base_purl] = _union_props(comps[base_purl], props=((PROP_PEERS, peers),))

    adjacency: dict[str, list[tuple[str, bool]]] = {}  # key -> [(target key or ref, optional)]
    for key, entry in graph_source.items():
        if not isinstance(key, str) or not isinstance(entry, dict) or key not in purl_of:
            continue
        targets: list[tuple[str, bool]] = []
        for kind, optional in (("dependencies", False), ("optionalDependencies", True)):
            deps = entry.get(kind)
            if not isinstance(deps, dict):
                continue
            for dep, value in deps.items():
                value = _as_str(value)
                if not isinstance(dep, str) or value is None:
                    continue
                if value.startswith("link:"):
                    continue  # a link from inside the store: not resolvable to a folder here
                target = _dep_key(dep, value, major)
                if target in purl_of:
                    targets.append((target, optional))
                    result.edges.append((purl_of[key], purl_of[target]))
        adjacency[key] = targets

    # Importers: direct dependencies of each in-tree project.
    starts: list[tuple[str, int]] = []
    direct: dict[str, str] = {}
    for importer, deps_by_kind in _importers(data, major):
        ref = project_ref(path, importer)
        for kind, scope in _IMPORTER_KINDS:
            for dep, spec, value in _importer_deps(deps_by_kind, kind, major):
                if value.startswith("link:"):
                    target_dir = posixpath.normpath(posixpath.join(importer, value[5:]))
                    result.edges.append((ref, project_ref(path, target_dir)))
                    continue
                target = _dep_key(dep, value, major)
                if target not in purl_of:
                    continue
                result.edges.append((ref, purl_of[target]))
                if target.lstrip("/").split("@", 1)[0] != dep and not target.startswith(
                    (f"/{dep}@", f"{dep}@", f"/{dep}/")
                ):
                    comps[purl_of[target]] = _union_props(comps[purl_of[target]], props=((PROP_ALIAS, dep),))
                starts.append((target, scope.rank))
                if spec is not None:
                    alias = parse_alias(spec)
                    direct.setdefault(purl_of[target], alias[1] if alias else spec)
                else:
                    direct.setdefault(purl_of[target], "")

    ranks = _reach(starts, adjacency)
    best_rank: dict[str, int] = {}  # purl -> best rank of any of its keys
    for key, rank in ranks.items():
        purl = purl_of.get(key)
        if purl is not None and rank < best_rank.get(purl, 9):
            best_rank[purl] = rank
    for purl, comp in list(comps.items()):
        scope = flags.get(purl) if major < 9 else None
        if scope is None:
            scope = _SCOPE_BY_RANK[best_rank.get(purl, 0)]
        changes: dict[str, Any] = {"scope": scope, "direct": purl in direct}
        if direct.get(purl):
            changes["declared_range"] = direct[purl]
        comps[purl] = replace(comp, **changes)
    result.components = list(comps.values())
    result.edges = list(dict.fromkeys(result.edges))
    return result


def _as_str(value: object) -> str | None:
    if isinstance(value, str):
        return value
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return str(value)
    return None


def _rank(scope: Scope) -> int:
    return scope.rank


def _flag_scope(entry: dict[str, Any]) -> Scope | None:
    dev = entry.get("dev")
    if entry.get("optional") is True and dev is not True:
        scope = Scope.OPTIONAL
    elif dev is True:
        scope = Scope.DEV
    elif dev is False:
        scope = Scope.RUNTIME
    else:
        return None  # both dev and prod, or unknown: computed from the importers
    return scope


def _union_props(comp: Component, other: Component | None = None, props: tuple[tuple[str, str], ...] = ()) -> Component:
    extra = set(props) | (set(other.properties) if other else set())
    if extra <= set(comp.properties):
        return comp
    return replace(comp, properties=tuple(sorted(set(comp.properties) | extra)))


def _component(
    path: str, key: str, entry: dict[str, Any], major: int, line: int | None, result: ManifestResult
) -> Component | None:
    name, version, peers = split_key(key, major)
    entry_name = entry.get("name")
    entry_version = _as_str(entry.get("version"))
    props: list[tuple[str, str]] = []
    if isinstance(entry_name, str) and entry_name:
        name = entry_name
    if entry_version:
        version = entry_version
    resolution = entry.get("resolution")
    integrity = resolution.get("integrity") if isinstance(resolution, dict) else None
    tarball = resolution.get("tarball") if isinstance(resolution, dict) else None
    if peers:
        props.append((PROP_PEERS, peers))  # v5/v6 keys carry the peer variant
    if isinstance(resolution, dict) and (resolution.get("repo") or resolution.get("directory")):
        props.append((PROP_RESOLVED, str(resolution.get("repo") or resolution.get("directory"))))
    if ":" in version or version.startswith(("/", ".")) or not version:
        result.notes.append(FileProblem(path, "unsupported", f"entry {key!r}: no version", line))
        return None
    if not valid_name(name):
        result.notes.append(FileProblem(path, "unsupported", f"entry {key!r}: bad name", line))
        return None
    return npm_component(
        name,
        version,
        path,
        line=line,
        hashes=hashes_from_integrity(integrity),
        download_url=tarball if isinstance(tarball, str) and tarball else None,
        properties=tuple(props),
    )


def _importers(data: dict[str, Any], major: int) -> list[tuple[str, dict[str, Any]]]:
    importers = data.get("importers")
    if isinstance(importers, dict):
        return [(str(k), v) for k, v in importers.items() if isinstance(v, dict)]
    return [(".", data)]


def _importer_deps(deps_by_kind: dict[str, Any], kind: str, major: int) -> list[tuple[str, str | None, str]]:
    """(name, specifier, resolved value) for one kind of an importer's dependencies."""
    deps = deps_by_kind.get(kind)
    if not isinstance(deps, dict):
        return []
    specifiers = deps_by_kind.get("specifiers") if major < 6 else None
    out: list[tuple[str, str | None, str]] = []
    for dep, value in deps.items():
        if not isinstance(dep, str):
            continue
        spec: str | None = None
        if isinstance(value, dict):
            spec = _as_str(value.get("specifier"))
            resolved = _as_str(value.get("version"))
        else:
            resolved = _as_str(value)
            if isinstance(specifiers, dict):
                spec = _as_str(specifiers.get(dep))
        if resolved is not None:
            out.append((dep, spec, resolved))
    return out


def _reach(starts: list[tuple[str, int]], adjacency: dict[str, list[tuple[str, bool]]]) -> dict[str, int]:
    """Best (lowest) scope rank reaching each key: runtime 0, optional 1, dev 2."""
    best: dict[str, int] = {}
    for rank in (0, 1, 2):
        queue = deque(k for k, r in starts if r == rank and best.get(k, 9) > rank)
        for k in queue:
            best[k] = rank
        while queue:
            key = queue.popleft()
            here = best[key]
            for target, optional in adjacency.get(key, ()):
                new = max(here, 1) if optional else here
                if new == rank and best.get(target, 9) > new:
                    best[target] = new
                    queue.append(target)
                elif new > rank and best.get(target, 9) > new:
                    starts.append((target, new))
    return best


PARSER = ParserSpec(name="pnpm-lock", ecosystem=ECOSYSTEM, claims=claims, parse=parse)

__all__ = ["PARSER", "split_key"]
