"""Feeds walked files to the parsers that claim them and merges what they find."""

from __future__ import annotations

import os
import posixpath
import re
from collections import defaultdict
from dataclasses import dataclass, field, replace
from typing import Any

from ospo.inventory.interface import ParserSpec
from ospo.inventory.registry import Shortlist, parser_entries
from ospo.model import (
    Component,
    Dependency,
    FileProblem,
    Inventory,
    ManifestResult,
    ParseError,
    Scope,
    merge_scope,
    sorted_hashes,
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
        self._parsers = tuple(p for p in parser_entries() if p.name not in self.options.disabled)
        self._shortlist = Shortlist(self._parsers)
        self.results: list[ManifestResult] = []
        self.problems: list[FileProblem] = []
        # (parser, including file, included relpath) still to read after the walk
        self._includes: list[tuple[ParserSpec, str, str]] = []
        self._parsed: set[str] = set()

    def claim(self, file: WalkedFile) -> ParserSpec | None:
        name = file.name
        for spec in self._shortlist.candidates(name):
            if spec.claims(name, file.relpath):
                return spec.load()
        return None

    def offer(self, file: WalkedFile) -> bool:
        """Parse the file if some parser claims it; return whether one did."""
        spec = self.claim(file)
        if spec is None:
            return False
        self.parse_file(spec, file)
        return True

    def parse_file(self, spec: ParserSpec, file: WalkedFile) -> None:
        self._parsed.add(file.relpath)
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
        self._includes.extend((spec, file.relpath, inc) for inc in result.includes)

    def read_includes(self) -> None:
        """Parse the files that parsed files include (`-r other.txt`) but the walk did not claim.

        Each is read with the parser of the file naming it, once, and only when it lies
        inside the scanned root (symlinks resolved); a missing one is reported.
        """
        base = self.root if os.path.isdir(self.root) else os.path.dirname(self.root) or "."
        real_base = os.path.realpath(base)
        while self._includes:
            spec, includer, relpath = self._includes.pop(0)
            if relpath in self._parsed:
                continue
            self._parsed.add(relpath)
            full = os.path.join(base, *relpath.split("/"))
            real = os.path.realpath(full)
            if os.path.commonpath([real_base, real]) != real_base:
                self.problems.append(
                    FileProblem(includer, "unsupported", f"included file {relpath} leaves the scanned tree")
                )
                continue
            try:
                size = os.stat(real).st_size
            except OSError:
                self.problems.append(FileProblem(includer, "unreadable", f"included file {relpath} not found"))
                continue
            self.parse_file(spec, WalkedFile(full, relpath, posixpath.basename(relpath), size))

    def finish(self, files_seen: int = 0) -> Inventory:
        self.read_includes()
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
        return re.sub(r"[-_.]+", "-", name).lower()
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
    if a.scope_known == b.scope_known:
        scope = merge_scope(a.scope, b.scope)
    else:
        scope = a.scope if a.scope_known else b.scope
    return replace(
        a,
        scope=scope,
        scope_known=a.scope_known or b.scope_known,
        direct=direct,
        declared_license=a.declared_license or b.declared_license,
        hashes=sorted_hashes(set(a.hashes) | set(b.hashes)),
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
    # Declared ranges stay apart per manifest until folded: two manifests naming one
    # package may be pinned to different versions (npm and pnpm workspaces do that).
    declared: list[tuple[str, Component]] = []
    # Exact versions a build may raise (a Gradle script's): folded into a pin when one exists.
    requested: list[tuple[str, Component]] = []
    edges: dict[tuple[str, str, str], None] = {}  # (manifest, src, dst), in order
    # (folder, ecosystem) -> key -> resolved purls found there
    resolved_in: dict[tuple[str, str], dict[tuple[str, str | None, str], list[str]]] = defaultdict(
        lambda: defaultdict(list)
    )
    # A lockfile names an in-tree project (a workspace) by its manifest, "file:<path>";
    # when that manifest was parsed and names its project, the ref becomes the project's.
    project_of_file = {f"file:{r.path}": r.root.purl for r in results if r.root is not None}
    for result in sorted(results, key=lambda r: r.path):
        folder = environment_folder(result.path)
        for project in (result.root, *result.projects):
            if project is not None:
                prev = projects.get(project.purl)
                projects[project.purl] = _merge(prev, project) if prev else project
        for comp in result.components:
            if not comp.resolved:
                declared.append((result.path, comp))
                continue
            if result.versions_requested:
                requested.append((result.path, comp))
                continue
            prev_c = by_purl.get(comp.purl)
            by_purl[comp.purl] = _merge(prev_c, comp) if prev_c else comp
            resolved_in[(folder, comp.ecosystem)][_key(comp)].append(comp.purl)
        for src, dst in result.edges:
            edges[(result.path, project_of_file.get(src, src), project_of_file.get(dst, dst))] = None

    project_by_key: dict[tuple[str, str | None, str], str] = {}
    for project in projects.values():
        project_by_key.setdefault(_key(project), project.purl)
    # A requested version with a pin of its name nearby is folded into the pin like a range;
    # without one it is the best knowledge there is and stays a resolved component.
    unpinned: list[tuple[str, Component]] = []
    for manifest, comp in requested:
        pinned_nearby = _find_pin(resolved_in, environment_folder(manifest), comp, by_purl, manifest) is not None
        (declared if pinned_nearby else unpinned).append((manifest, comp))
    for manifest, comp in unpinned:
        prev_c = by_purl.get(comp.purl)
        by_purl[comp.purl] = _merge(prev_c, comp) if prev_c else comp
        resolved_in[(environment_folder(manifest), comp.ecosystem)][_key(comp)].append(comp.purl)
    replaced: dict[tuple[str, str], str] = {}  # (manifest, declared purl) -> pin or project
    for manifest, comp in declared:
        target = _find_pin(resolved_in, environment_folder(manifest), comp, by_purl, manifest)
        if target is None:
            # No pin, but an in-tree project of that name: a workspace sibling, not a
            # third-party component.
            target = project_by_key.get(_key(comp))
        if target is None:
            prev_c = by_purl.get(comp.purl)
            by_purl[comp.purl] = _merge(prev_c, comp) if prev_c else comp
            continue
        replaced[(manifest, comp.purl)] = target
        pinned = by_purl.get(target)
        if pinned is None:
            continue  # folded into a project
        by_purl[target] = replace(
            pinned,
            direct=True,
            # A pin whose source knows scope and directness keeps its scope unless the
            # manifest ships it more; otherwise the manifest's kind of dependency decides.
            scope=merge_scope(pinned.scope, comp.scope)
            if pinned.scope_known and pinned.direct is not None
            else comp.scope,
            scope_known=pinned.scope_known or comp.scope_known,
            declared_range=pinned.declared_range or comp.declared_range,
            locations=tuple(sorted(set(pinned.locations) | set(comp.locations), key=_loc_key)),
            declared_license=pinned.declared_license or comp.declared_license,
        )

    # Edges may name a dependency by a versionless purl (a METADATA Requires-Dist, a
    # package.json range): link it to the pin of that name in the same environment.
    dangling: dict[tuple[str, str], str | None] = {}
    for manifest, src, dst in edges:
        for ref in (src, dst):
            if ref in by_purl or ref in projects or (manifest, ref) in replaced:
                continue
            if (manifest, ref) not in dangling:
                dangling[(manifest, ref)] = _pin_for_ref(
                    resolved_in, ref, environment_folder(manifest), by_purl, project_by_key, manifest
                )

    graph: dict[str, set[str]] = defaultdict(set)
    linked: list[tuple[str, str]] = []  # edges whose target was a versionless name
    for manifest, src, dst in edges:
        src = replaced.get((manifest, src)) or dangling.get((manifest, src)) or src
        if (manifest, dst) in replaced or (manifest, dst) in dangling:
            target = replaced.get((manifest, dst)) or dangling.get((manifest, dst))
            if target is None:
                continue  # names something not installed here (e.g. an unused extra)
            linked.append((src, target))
            continue
        if src != dst:
            graph[src].add(dst)
    # A versionless edge only guesses the pin (the first of its name in the environment);
    # when the source already has an exact edge to a version of that name, the exact one
    # stands alone (several versions of one package coexist in node_modules).
    for src, dst in linked:
        if src == dst:
            continue
        target_comp = by_purl.get(dst)
        if target_comp is not None and any(
            (other := by_purl.get(t)) is not None and _key(other) == _key(target_comp) for t in graph.get(src, ())
        ):
            continue
        graph[src].add(dst)
    _infer_unknown_scopes(by_purl, graph)
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


def _infer_unknown_scopes(by_purl: dict[str, Component], graph: dict[str, set[str]]) -> None:
    """Give components whose sources cannot tell their scope the scope they are reached by.

    yarn.lock and installed metadata do not say what is for development; the manifests
    folded in say it of direct dependencies. Walking the graph from those, a package only
    reachable through dev dependencies is dev; one reachable through a runtime path stays
    runtime. Unreached ones keep their default.
    """
    if all(c.scope_known for c in by_purl.values()):
        return
    best: dict[str, int] = {}
    starts = sorted(
        ((c.scope.rank, purl) for purl, c in by_purl.items() if c.direct and c.scope_known),
    )
    for rank in sorted({r for r, _ in starts}):
        queue = [purl for r, purl in starts if r == rank and best.get(purl, 9) > rank]
        for purl in queue:
            best[purl] = rank
        while queue:
            purl = queue.pop()
            for target in graph.get(purl, ()):
                if target in by_purl and best.get(target, 9) > rank:
                    best[target] = rank
                    queue.append(target)
    by_rank = {scope.rank: scope for scope in Scope}
    for purl, comp in by_purl.items():
        if not comp.scope_known and purl in best and comp.scope.rank != best[purl]:
            by_purl[purl] = replace(comp, scope=by_rank[best[purl]])


def _find_pin(
    resolved_in: dict[tuple[str, str], dict[tuple[str, str | None, str], list[str]]],
    folder: str,
    comp: Component,
    by_purl: dict[str, Component],
    near: str = "",
) -> str | None:
    """The pin of `comp`'s name in its folder or the nearest ancestor that has one.

    Several versions of a name can be pinned in one environment (npm nests them): prefer
    the copy installed nearest to the naming file `near` by Node's lookup (its own
    node_modules, then each ancestor's), then the one the lockfile itself says is direct,
    then one whose declared range matches, then one it does not say is indirect, then the
    first by purl.
    """
    key = _key(comp)
    while True:
        found = resolved_in.get((folder, comp.ecosystem))
        if found and key in found:
            candidates = sorted(set(found[key]))
            if len(candidates) == 1:
                return candidates[0]

            def placement(purl: str) -> tuple[int, int]:
                pin = by_purl.get(purl)
                if pin is None:
                    return (1, 3)
                nearness = _installed_nearness(pin, posixpath.dirname(near)) if near else 0
                return (nearness, 0 if pin.direct else (1 if pin.direct is None else 2))

            def range_mismatch(purl: str) -> int:
                pin = by_purl.get(purl)
                if pin is None:
                    return 1
                if comp.declared_range and pin.declared_range == comp.declared_range:
                    return 0
                return 0 if _satisfies(pin, comp.declared_range) else 1

            # The declared range is consulted only between copies that placement cannot
            # tell apart: judging it can need univers, whose import alone is ~50 ms.
            ranked = {purl: placement(purl) for purl in candidates}
            first = min(ranked.values())
            tied = [purl for purl in candidates if ranked[purl] == first]
            if len(tied) == 1:
                return tied[0]
            return min(tied, key=lambda purl: (range_mismatch(purl), purl))
        if not folder:
            return None
        folder = posixpath.dirname(folder)


def _installed_nearness(pin: Component, from_dir: str) -> int:
    """How near an installed copy sits to `from_dir` by Node's lookup (more negative is
    nearer): a copy at <A>/node_modules/<name>/ is visible from A and everything under it,
    and the deepest such A wins. 0 when no location of the pin is such a copy."""
    suffix = "node_modules/" + pin.display_name
    best = 0
    for loc in pin.locations:
        folder = posixpath.dirname(loc.path)
        if folder == suffix:
            ancestor = ""
        elif folder.endswith("/" + suffix):
            ancestor = folder[: -len(suffix) - 1]
        else:
            continue
        if ancestor and from_dir != ancestor and not from_dir.startswith(ancestor + "/"):
            continue
        best = min(best, -(len(ancestor) + 1))
    return best


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


def _satisfies(pin: Component, declared_range: str | None) -> bool:
    """Whether a pinned version satisfies a declared range (False when unsure).

    npm and PyPI ranges are judged by `declared_ranges`; univers, whose import alone costs
    ~40-50 ms, is imported only for the other ecosystems or a range we cannot parse."""
    if not declared_range or pin.version is None:
        return False
    if pin.version == declared_range:
        return True
    from ospo.inventory.declared_ranges import satisfies  # ~1-3 ms of regexes, paid only on a tie

    judged = satisfies(pin.ecosystem, pin.version, declared_range)
    if judged is not None:
        return judged
    try:
        from univers.version_range import RANGE_CLASS_BY_SCHEMES

        range_class: Any = RANGE_CLASS_BY_SCHEMES.get(pin.ecosystem)
        if range_class is None:
            return False
        return bool(range_class.version_class(pin.version) in range_class.from_native(declared_range))
    except Exception:
        return False


def _pin_for_ref(
    resolved_in: dict[tuple[str, str], dict[tuple[str, str | None, str], list[str]]],
    ref: str,
    folder: str,
    by_purl: dict[str, Component],
    project_by_key: dict[tuple[str, str | None, str], str],
    near: str = "",
) -> str | None:
    if not ref.startswith("pkg:"):
        return None
    from packageurl import PackageURL  # ~2 ms to import; only edges to unpinned refs need it

    try:
        parsed = PackageURL.from_string(ref)
    except ValueError:
        return None
    if parsed.version:
        return None
    probe = Component(purl=ref, name=parsed.name, version=None, ecosystem=parsed.type, namespace=parsed.namespace)
    return _find_pin(resolved_in, folder, probe, by_purl, near) or project_by_key.get(_key(probe))
