"""Feeds walked files to the parsers that claim them and merges what they find."""

from __future__ import annotations

import posixpath
from collections import defaultdict
from dataclasses import dataclass, field, replace

from packageurl import PackageURL

from ospo.inventory.interface import ParserSpec
from ospo.inventory.registry import all_parsers
from ospo.model import (
    Component,
    Dependency,
    FileProblem,
    Inventory,
    ManifestResult,
    ParseError,
    merge_scope,
)
from ospo.walk import WalkedFile, Walker, WalkOptions, read_text


@dataclass(frozen=True)
class InventoryOptions:
    walk: WalkOptions = field(default_factory=WalkOptions)
    # Parser names to leave out (e.g. "dist-info" to ignore installed environments).
    disabled: frozenset[str] = frozenset()


class InventoryCollector:
    """Claims files during a walk; `finish()` merges everything into one Inventory.

    Kept separate from the walk so that `ospo scan` can feed the same walk to the licence
    scanner as well.
    """

    def __init__(self, root: str, options: InventoryOptions | None = None) -> None:
        self.root = root
        self.options = options or InventoryOptions()
        self._parsers = tuple(p for p in all_parsers() if p.name not in self.options.disabled)
        self.results: list[ManifestResult] = []
        self.problems: list[FileProblem] = []

    def claim(self, file: WalkedFile) -> ParserSpec | None:
        for spec in self._parsers:
            if spec.claims(file.name, file.relpath):
                return spec
        return None

    def offer(self, file: WalkedFile) -> bool:
        """Parse the file if some parser claims it; return whether one did."""
        spec = self.claim(file)
        if spec is None:
            return False
        self.parse_file(spec, file)
        return True

    def parse_file(self, spec: ParserSpec, file: WalkedFile) -> None:
        try:
            text = read_text(file.path, spec.max_bytes, display=file.relpath)
            result = spec.parse(file.relpath, text)
        except ParseError as exc:
            self.problems.append(FileProblem.from_parse_error(exc))
            return
        except RecursionError:
            self.problems.append(FileProblem(file.relpath, "parse", "nesting too deep"))
            return
        except Exception as exc:  # a parser bug must not end the run; it is reported
            self.problems.append(FileProblem(file.relpath, "parse", f"internal error in {spec.name} parser: {exc!r}"))
            return
        self.results.append(result)
        self.problems.extend(result.notes)

    def finish(self, files_seen: int = 0) -> Inventory:
        return merge_results(self.root, self.results, self.problems, files_seen)


def build_inventory(root: str, options: InventoryOptions | None = None) -> Inventory:
    """Walk `root` once and inventory it."""
    options = options or InventoryOptions()
    walker = Walker(root, options.walk)
    collector = InventoryCollector(root, options)
    for file in walker:
        collector.offer(file)
    inventory = collector.finish(walker.files_seen)
    inventory.problems[:0] = walker.problems
    return inventory


def _key(component: Component) -> tuple[str, str | None, str]:
    return (component.ecosystem, component.namespace, _norm_name(component.ecosystem, component.name))


def _norm_name(ecosystem: str, name: str) -> str:
    if ecosystem == "pypi":
        return name.lower().replace("_", "-").replace(".", "-")
    if ecosystem in ("nuget", "composer", "gem", "golang"):
        return name.lower()
    return name


def _merge(a: Component, b: Component) -> Component:
    direct: bool | None
    if a.direct or b.direct:
        direct = True
    elif a.direct is False or b.direct is False:
        direct = False
    else:
        direct = None
    return replace(
        a,
        scope=merge_scope(a.scope, b.scope),
        direct=direct,
        declared_license=a.declared_license or b.declared_license,
        hashes=tuple(sorted(set(a.hashes) | set(b.hashes))),
        locations=tuple(sorted(set(a.locations) | set(b.locations), key=_loc_key)),
        download_url=a.download_url or b.download_url,
        description=a.description or b.description,
        homepage=a.homepage or b.homepage,
        properties=tuple(sorted(set(a.properties) | set(b.properties))),
    )


def _loc_key(loc: object) -> tuple[str, int]:
    path = getattr(loc, "path", "")
    line = getattr(loc, "line", None)
    return (path, line if line is not None else -1)


def merge_results(
    root: str,
    results: list[ManifestResult],
    problems: list[FileProblem],
    files_seen: int = 0,
) -> Inventory:
    """Merge per-file results: one component per purl, declared ranges folded into pins.

    An unresolved component (a declared range from a manifest) is replaced by the resolved
    component of the same name that a lockfile in the same folder or an ancestor folder
    pins, and that pin is then known to be direct. Unmatched ranges stay, marked unresolved,
    so nothing a manifest names is silently lost.
    """
    by_purl: dict[str, Component] = {}
    projects: dict[str, Component] = {}
    edges: set[tuple[str, str]] = set()
    # (folder, ecosystem) -> key -> resolved purls found there
    resolved_in: dict[tuple[str, str], dict[tuple[str, str | None, str], list[str]]] = defaultdict(
        lambda: defaultdict(list)
    )
    edge_folders: dict[tuple[str, str], str] = {}
    for result in sorted(results, key=lambda r: r.path):
        folder = environment_folder(result.path)
        if result.root is not None:
            prev = projects.get(result.root.purl)
            projects[result.root.purl] = _merge(prev, result.root) if prev else result.root
        for comp in result.components:
            prev_c = by_purl.get(comp.purl)
            by_purl[comp.purl] = _merge(prev_c, comp) if prev_c else comp
            if comp.resolved:
                resolved_in[(folder, comp.ecosystem)][_key(comp)].append(comp.purl)
        edges.update(result.edges)
        for edge in result.edges:
            edge_folders.setdefault(edge, environment_folder(result.path))

    replaced: dict[str, str] = {}
    for purl, comp in list(by_purl.items()):
        if comp.resolved:
            continue
        for loc in comp.locations:
            target = _find_pin(resolved_in, environment_folder(loc.path), comp)
            if target is not None:
                replaced[purl] = target
                break
    for purl, target in replaced.items():
        declared = by_purl.pop(purl)
        pinned = by_purl[target]
        by_purl[target] = replace(
            pinned,
            direct=True,
            scope=merge_scope(pinned.scope, declared.scope) if pinned.direct else declared.scope,
            declared_range=pinned.declared_range or declared.declared_range,
            locations=tuple(sorted(set(pinned.locations) | set(declared.locations), key=_loc_key)),
            declared_license=pinned.declared_license or declared.declared_license,
        )

    # Edges may name a dependency by a versionless purl (a METADATA Requires-Dist, a
    # package.json range): link it to the pin of that name in the same environment.
    dangling: dict[str, str | None] = {}
    for src, dst in edges:
        for ref in (src, dst):
            if ref in by_purl or ref in projects or ref in replaced or ref in dangling:
                continue
            dangling[ref] = _pin_for_ref(resolved_in, ref, edge_folders.get((src, dst), ""))

    graph: dict[str, set[str]] = defaultdict(set)
    for src, dst in edges:
        src = replaced.get(src, src)
        dst = replaced.get(dst, dst)
        if src in dangling:
            src = dangling[src] or src
        if dst in dangling:
            target = dangling[dst]
            if target is None:
                continue  # names something not installed here (e.g. an unused extra)
            dst = target
        if src != dst:
            graph[src].add(dst)
    dependencies = [Dependency(ref, tuple(sorted(targets))) for ref, targets in sorted(graph.items())]
    return Inventory(
        root=root,
        components=sorted(by_purl.values(), key=lambda c: c.purl),
        projects=sorted(projects.values(), key=lambda c: c.purl),
        dependencies=dependencies,
        manifests=sorted({r.path for r in results}),
        problems=list(problems),
        files_seen=files_seen,
    )


def _find_pin(
    resolved_in: dict[tuple[str, str], dict[tuple[str, str | None, str], list[str]]],
    folder: str,
    comp: Component,
) -> str | None:
    key = _key(comp)
    while True:
        found = resolved_in.get((folder, comp.ecosystem))
        if found and key in found:
            return sorted(found[key])[0]
        if not folder:
            return None
        folder = posixpath.dirname(folder)


def environment_folder(path: str) -> str:
    """The folder whose packages a file's dependency names refer to.

    For a lockfile or manifest that is its own folder. Installed records live one level
    down in their environment (`site-packages/x-1.0.dist-info/METADATA`,
    `node_modules/x/package.json`), so their environment is the folder holding them.
    """
    folder = posixpath.dirname(path)
    parts = folder.split("/") if folder else []
    if parts and parts[-1].endswith((".dist-info", ".egg-info")):
        return "/".join(parts[:-1])
    if "node_modules" in parts:
        return "/".join(parts[: parts.index("node_modules")])
    return folder


def _pin_for_ref(
    resolved_in: dict[tuple[str, str], dict[tuple[str, str | None, str], list[str]]],
    ref: str,
    folder: str,
) -> str | None:
    if not ref.startswith("pkg:"):
        return None
    try:
        parsed = PackageURL.from_string(ref)
    except ValueError:
        return None
    if parsed.version:
        return None
    probe = Component(purl=ref, name=parsed.name, version=None, ecosystem=parsed.type, namespace=parsed.namespace)
    return _find_pin(resolved_in, folder, probe)
