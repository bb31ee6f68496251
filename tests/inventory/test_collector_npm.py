"""Collector behaviour the npm-family parsers rely on (each fixed with these tests)."""

from __future__ import annotations

from ospo.inventory.collector import merge_results
from ospo.inventory.purls import component
from ospo.model import Component, ManifestResult, Scope


def pin(name: str, version: str, path: str, **kw: object) -> Component:
    return component("npm", name, version, path, **kw)  # type: ignore[arg-type]


def declared(name: str, rng: str, path: str, scope: Scope = Scope.RUNTIME) -> Component:
    return component("npm", name, None, path, direct=True, declared_range=rng, scope=scope)


def manifest(path: str, name: str | None, deps: list[Component]) -> ManifestResult:
    root = component("npm", name, "1.0.0", path) if name else None
    result = ManifestResult(path=path, ecosystem="npm", root=root, components=deps)
    result.edges = [(result.root_ref, d.purl) for d in deps]
    return result


def test_each_manifest_folds_into_its_own_pin() -> None:
    """Two workspaces declare one name; the lockfile pins two versions."""
    lock = ManifestResult(
        path="package-lock.json",
        ecosystem="npm",
        components=[
            pin("ms", "2.1.3", "package-lock.json", direct=True),
            pin("ms", "2.0.0", "package-lock.json", direct=True),
        ],
    )
    a = manifest("a/package.json", "a", [declared("ms", "^2.1.0", "a/package.json")])
    b = manifest("b/package.json", "b", [declared("ms", "2.0.0", "b/package.json", Scope.DEV)])
    inv = merge_results("", [lock, a, b], [])
    assert {c.purl for c in inv.components} == {"pkg:npm/ms@2.0.0", "pkg:npm/ms@2.1.3"}
    graph = {d.ref: d.depends_on for d in inv.dependencies}
    assert graph["pkg:npm/a@1.0.0"] == ("pkg:npm/ms@2.1.3",)
    assert graph["pkg:npm/b@1.0.0"] == ("pkg:npm/ms@2.0.0",)
    locs = {c.purl: {loc.path for loc in c.locations} for c in inv.components}
    assert locs["pkg:npm/ms@2.0.0"] == {"package-lock.json", "b/package.json"}


def test_range_decides_between_pins_the_lockfile_cannot_rank() -> None:
    lock = ManifestResult(
        path="yarn.lock",
        ecosystem="npm",
        components=[pin("ms", "2.0.0", "yarn.lock"), pin("ms", "2.1.3", "yarn.lock")],
    )
    app = manifest("package.json", "app", [declared("ms", "^2.1.0", "package.json")])
    inv = merge_results("", [lock, app], [])
    direct = {c.purl for c in inv.components if c.direct}
    assert direct == {"pkg:npm/ms@2.1.3"}


def test_workspace_refs_and_siblings_become_projects() -> None:
    lock = ManifestResult(
        path="package-lock.json",
        ecosystem="npm",
        components=[pin("x", "1.0.0", "package-lock.json", direct=True)],
        edges=[
            ("file:package.json", "file:libs/b/package.json"),
            ("file:libs/b/package.json", "pkg:npm/x@1.0.0"),
        ],
    )
    root = manifest("package.json", "root", [declared("b", "*", "package.json")])
    lib = manifest("libs/b/package.json", "b", [declared("x", "^1", "libs/b/package.json")])
    inv = merge_results("", [lock, root, lib], [])
    # The declared "b" is the in-tree project, not an unresolved third-party component.
    assert {c.purl for c in inv.components} == {"pkg:npm/x@1.0.0"}
    graph = {d.ref: d.depends_on for d in inv.dependencies}
    assert graph["pkg:npm/root@1.0.0"] == ("pkg:npm/b@1.0.0",)
    assert graph["pkg:npm/b@1.0.0"] == ("pkg:npm/x@1.0.0",)


def test_versionless_edge_does_not_duplicate_an_exact_one() -> None:
    lock = ManifestResult(
        path="package-lock.json",
        ecosystem="npm",
        components=[
            pin("a", "1.0.0", "package-lock.json"),
            pin("ms", "2.1.3", "package-lock.json"),
            pin("ms", "3.0.0", "package-lock.json", direct=False),
        ],
        edges=[("pkg:npm/a@1.0.0", "pkg:npm/ms@3.0.0")],
    )
    installed = ManifestResult(
        path="node_modules/a/package.json",
        ecosystem="npm",
        components=[pin("a", "1.0.0", "node_modules/a/package.json")],
        edges=[("pkg:npm/a@1.0.0", "pkg:npm/ms")],
    )
    inv = merge_results("", [lock, installed], [])
    graph = {d.ref: d.depends_on for d in inv.dependencies}
    assert graph["pkg:npm/a@1.0.0"] == ("pkg:npm/ms@3.0.0",)


def test_scope_of_a_source_that_knows_wins_over_one_that_does_not() -> None:
    lock = ManifestResult(
        path="package-lock.json",
        ecosystem="npm",
        components=[pin("t", "1.0.0", "package-lock.json", scope=Scope.DEV)],
    )
    record = pin("t", "1.0.0", "node_modules/t/package.json")
    from dataclasses import replace

    installed = ManifestResult(
        path="node_modules/t/package.json", ecosystem="npm", components=[replace(record, scope_known=False)]
    )
    inv = merge_results("", [installed, lock], [])
    (comp,) = inv.components
    assert comp.scope is Scope.DEV and comp.scope_known


def test_unknown_scopes_come_from_the_paths_that_reach_them() -> None:
    """yarn.lock does not say what is dev: the manifest's direct kinds decide, transitively."""
    from dataclasses import replace

    def unknown(name: str) -> Component:
        return replace(pin(name, "1.0.0", "yarn.lock"), scope_known=False)

    lock = ManifestResult(
        path="yarn.lock",
        ecosystem="npm",
        components=[unknown(n) for n in ("app-lib", "dep", "shared", "tool", "tool-dep")],
        edges=[
            ("pkg:npm/app-lib@1.0.0", "pkg:npm/dep@1.0.0"),
            ("pkg:npm/dep@1.0.0", "pkg:npm/shared@1.0.0"),
            ("pkg:npm/tool@1.0.0", "pkg:npm/tool-dep@1.0.0"),
            ("pkg:npm/tool-dep@1.0.0", "pkg:npm/shared@1.0.0"),
        ],
    )
    app = manifest(
        "package.json",
        "app",
        [declared("app-lib", "^1", "package.json"), declared("tool", "^1", "package.json", Scope.DEV)],
    )
    inv = merge_results("", [lock, app], [])
    scopes = {c.name: c.scope for c in inv.components}
    assert scopes == {
        "app-lib": Scope.RUNTIME,
        "dep": Scope.RUNTIME,
        "shared": Scope.RUNTIME,
        "tool": Scope.DEV,
        "tool-dep": Scope.DEV,
    }
