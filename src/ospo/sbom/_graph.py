"""The inventory seen as one SBOM document: a root, the nodes, and every edge between them.

An SBOM must describe one thing and every reference in its graph must name a node of the
document. An Inventory may have no project or several, and its edges may start at
``file:<path>`` refs (a requirements.txt has no project of its own) or name a purl that no
component carries. This module settles all of that once for both formats, so neither
writer drops or invents anything on its own.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from ospo.model import Component, Inventory
from ospo.sbom._common import root_name

SYNTHETIC_ROOT_PREFIX = "ospo-root:"


@dataclass
class SbomGraph:
    """`root` is the described thing: the single project, or a synthetic application.

    `projects` are the other projects; `components` every component (plus `placeholders`,
    components built from purls that edges name but no component carries); `manifests` the
    ``file:<path>`` refs of manifests without a project. `edges` maps every ref of the
    document (root included) to the refs it depends on, sorted.
    """

    root: Component
    synthetic_root: bool
    projects: list[Component]
    components: list[Component]
    placeholders: list[Component]
    manifests: list[str]
    edges: dict[str, list[str]] = field(default_factory=dict)
    # The synthetic root's edges say "the scanned folder holds this", not "depends on".
    root_contains: list[str] = field(default_factory=list)

    def all_refs(self) -> list[str]:
        refs = [self.root.purl]
        refs += [p.purl for p in self.projects]
        refs += [c.purl for c in self.components]
        refs += [c.purl for c in self.placeholders]
        refs += self.manifests
        return refs


def manifest_path(ref: str) -> str:
    return ref[len("file:") :] if ref.startswith("file:") else ref


def build_graph(inventory: Inventory) -> SbomGraph:
    # One node per ref: a repeated purl (which a merged inventory should not have) keeps its
    # first record rather than producing two nodes with one bom-ref / SPDXID.
    components = list({c.purl: c for c in reversed(inventory.components)}.values())
    components.sort(key=lambda c: c.purl)
    projects = list({p.purl: p for p in reversed(inventory.projects)}.values())
    projects.sort(key=lambda c: c.purl)
    known = {c.purl for c in components} | {p.purl for p in projects}
    synthetic = len(projects) != 1
    if synthetic:
        name = root_name(inventory)
        root = Component(purl=f"{SYNTHETIC_ROOT_PREFIX}{name}", name=name, version=None, ecosystem="generic")
        other_projects = projects
    else:
        root = projects[0]
        other_projects = []
    # A project that is also listed as a component would be the same node twice.
    project_refs = {p.purl for p in projects}
    components = [c for c in components if c.purl not in project_refs]

    graph: dict[str, set[str]] = {}
    for dep in inventory.dependencies:
        graph.setdefault(dep.ref, set()).update(d for d in dep.depends_on if d != dep.ref)

    manifests: set[str] = set()
    placeholders: dict[str, Component] = {}
    for ref in sorted({r for d in inventory.dependencies for r in (d.ref, *d.depends_on)}):
        if ref in known or ref == root.purl:
            continue
        placeholder = _placeholder(ref)
        if placeholder is None:
            manifests.add(ref)
        else:
            placeholders[ref] = placeholder

    edges: dict[str, list[str]] = {}
    for ref in [root.purl, *(p.purl for p in other_projects), *(c.purl for c in components)]:
        edges[ref] = sorted(graph.get(ref, ()))
    for ref in [*placeholders, *sorted(manifests)]:
        edges[ref] = sorted(graph.get(ref, ()))

    root_contains: list[str] = []
    if synthetic:
        reached = {d for targets in edges.values() for d in targets}
        tops = [p.purl for p in other_projects] + sorted(manifests)
        tops += [c.purl for c in components if c.purl not in reached]
        tops += [r for r in placeholders if r not in reached]
        root_contains = sorted(set(tops))
        edges[root.purl] = root_contains
    return SbomGraph(
        root=root,
        synthetic_root=synthetic,
        projects=other_projects,
        components=components,
        placeholders=[placeholders[r] for r in sorted(placeholders)],
        manifests=sorted(manifests),
        edges=edges,
        root_contains=root_contains,
    )


def _placeholder(ref: str) -> Component | None:
    """A component for a purl that an edge names but the inventory does not list."""
    if not ref.startswith("pkg:"):
        return None
    from packageurl import PackageURL  # ~2-5 ms to import; only dangling edges need it

    try:
        purl = PackageURL.from_string(ref)
    except ValueError:
        return None
    return Component(
        purl=ref,
        name=purl.name,
        version=purl.version,
        ecosystem=purl.type,
        namespace=purl.namespace,
        resolved=purl.version is not None,
    )
