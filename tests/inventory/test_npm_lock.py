"""package-lock.json (v1, v2/v3), npm-shrinkwrap.json and node_modules/.package-lock.json."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from ospo.inventory import build_inventory, parser_for
from ospo.inventory.parsers import npm_lock
from ospo.model import Component, ManifestResult, ParseError, Scope

FIX = Path(__file__).parents[1] / "fixtures" / "npm"


def by_purl(result: ManifestResult) -> dict[str, Component]:
    return {c.purl: c for c in result.components}


def parse_fixture(rel: str) -> ManifestResult:
    return npm_lock.parse(rel, (FIX / rel).read_text())


def test_claims() -> None:
    assert parser_for("package-lock.json", "a/package-lock.json") is npm_lock.PARSER
    assert parser_for("npm-shrinkwrap.json", "npm-shrinkwrap.json") is npm_lock.PARSER
    assert parser_for(".package-lock.json", "x/node_modules/.package-lock.json") is npm_lock.PARSER
    assert parser_for(".package-lock.json", "x/.package-lock.json") is None


def test_v3_workspace_lockfile() -> None:
    result = parse_fixture("npm-workspace/package-lock.json")
    comps = by_purl(result)
    # Workspace links are projects, never components.
    assert not any(c.name in ("a", "b") and c.namespace == "@acme" for c in comps.values())
    # The alias my-debug is the real package debug, installed under another name.
    debug = comps["pkg:npm/debug@4.3.4"]
    assert ("npm:alias", "my-debug") in debug.properties
    assert debug.direct is True and debug.declared_range == "4.3.4"
    # Two versions of ms: hoisted 2.1.3 and 2.0.0 nested under packages/b.
    assert comps["pkg:npm/ms@2.1.3"].direct is True
    ms_old = comps["pkg:npm/ms@2.0.0"]
    assert ms_old.direct is True and ms_old.declared_range == "2.0.0"
    assert comps["pkg:npm/left-pad@1.3.0"].scope is Scope.DEV
    assert comps["pkg:npm/is-number@7.0.0"].scope is Scope.OPTIONAL
    react = comps["pkg:npm/react@18.3.1"]
    assert react.scope is Scope.RUNTIME and ("npm:peer", "true") in react.properties
    chalk = comps["pkg:npm/chalk@4.1.2"]
    assert chalk.declared_license == "MIT"
    assert chalk.hashes and chalk.hashes[0].algorithm == "sha512"
    assert chalk.download_url == "https://registry.npmjs.org/chalk/-/chalk-4.1.2.tgz"
    line = chalk.locations[0].line
    assert line is not None
    text = (FIX / "npm-workspace/package-lock.json").read_text().splitlines()
    assert '"node_modules/chalk"' in text[line - 1]
    edges = set(result.edges)
    # Workspace b resolves ms to its own nested copy; workspace a to the hoisted one.
    assert ("file:npm-workspace/packages/b/package.json", "pkg:npm/ms@2.0.0") in edges
    assert ("file:npm-workspace/packages/a/package.json", "pkg:npm/ms@2.1.3") in edges
    assert (
        "file:npm-workspace/packages/a/package.json",
        "file:npm-workspace/packages/b/package.json",
    ) in edges
    assert ("file:npm-workspace/package.json", "pkg:npm/left-pad@1.3.0") in edges
    # debug (installed as my-debug) finds its own nested ms first.
    nested = [b for a, b in edges if a == "pkg:npm/debug@4.3.4"]
    assert nested and all(b.startswith("pkg:npm/ms@") for b in nested)


def test_v3_workspace_inventory_links_projects() -> None:
    inv = build_inventory(str(FIX / "npm-workspace"))
    assert not inv.problems
    projects = {p.purl for p in inv.projects}
    assert projects == {"pkg:npm/ws-root@1.0.0", "pkg:npm/%40acme/a@0.1.0", "pkg:npm/%40acme/b@0.2.0"}
    assert all(c.resolved for c in inv.components)
    assert "pkg:npm/%40acme/b" not in {c.purl for c in inv.components}
    graph = {d.ref: set(d.depends_on) for d in inv.dependencies}
    assert "pkg:npm/%40acme/b@0.2.0" in graph["pkg:npm/%40acme/a@0.1.0"]
    assert graph["pkg:npm/%40acme/b@0.2.0"] == {"pkg:npm/chalk@4.1.2", "pkg:npm/ms@2.0.0"}
    assert "pkg:npm/ms@2.1.3" in graph["pkg:npm/%40acme/a@0.1.0"]
    assert "pkg:npm/ms@2.0.0" not in graph["pkg:npm/%40acme/a@0.1.0"]


def test_v1_lockfile() -> None:
    result = parse_fixture("npm-v1/package-lock.json")
    comps = by_purl(result)
    assert len(comps) == 80
    express = comps["pkg:npm/express@4.22.3"]
    assert express.direct is None  # v1 does not say; package.json decides
    assert express.locations[0].line is not None
    assert any(a == "pkg:npm/express@4.22.3" for a, _ in result.edges)
    assert "pkg:npm/%40babel/code-frame@8.0.6" in comps
    assert comps["pkg:npm/%40babel/code-frame@8.0.6"].namespace == "@babel"
    inv = build_inventory(str(FIX / "npm-v1"))
    direct = {c.purl for c in inv.components if c.direct}
    assert direct == {
        "pkg:npm/express@4.22.3",
        "pkg:npm/chalk@4.1.2",
        "pkg:npm/%40babel/code-frame@8.0.6",
    }


V1_HANDMADE = {
    "name": "app",
    "lockfileVersion": 1,
    "requires": True,
    "dependencies": {
        "a": {
            "version": "1.0.0",
            "integrity": "sha1-AAAAAAAAAAAAAAAAAAAAAAAAAAA=",
            "requires": {"b": "^2.0.0", "c": "*"},
            "dependencies": {"b": {"version": "2.0.0", "dev": True}},
        },
        "b": {"version": "1.0.0"},
        "c": {"version": "npm:real-c@3.0.0", "optional": True},
        "g": {"version": "git+https://github.com/o/g.git#0123456789abcdef"},
        "local": {"version": "file:libs/local", "requires": {"b": "1"}},
        "bad": {"version": 7},
    },
}


def test_v1_nesting_alias_git_file() -> None:
    result = npm_lock.parse("p/package-lock.json", json.dumps(V1_HANDMADE, indent=2))
    comps = by_purl(result)
    assert comps["pkg:npm/b@2.0.0"].direct is False and comps["pkg:npm/b@2.0.0"].scope is Scope.DEV
    assert comps["pkg:npm/b@1.0.0"].direct is None
    real = comps["pkg:npm/real-c@3.0.0"]
    assert ("npm:alias", "c") in real.properties and real.scope is Scope.OPTIONAL
    git = comps["pkg:npm/g@0123456789abcdef"]
    assert ("npm:resolved", "git+https://github.com/o/g.git#0123456789abcdef") in git.properties
    assert not any(c.name == "local" for c in comps.values())
    edges = set(result.edges)
    assert ("pkg:npm/a@1.0.0", "pkg:npm/b@2.0.0") in edges  # own nested copy first
    assert ("pkg:npm/a@1.0.0", "pkg:npm/real-c@3.0.0") in edges
    assert ("file:p/libs/local/package.json", "pkg:npm/b@1.0.0") in edges
    assert [n.kind for n in result.notes] == ["unsupported"]  # 'bad' is reported, not dropped
    assert comps["pkg:npm/a@1.0.0"].hashes[0].algorithm == "sha1"


V3_HANDMADE = {
    "name": "app",
    "version": "1.0.0",
    "lockfileVersion": 3,
    "packages": {
        "": {
            "name": "app",
            "version": "1.0.0",
            "dependencies": {"x": "^1", "linked": "file:../linked"},
            "devDependencies": {"t": "^1"},
        },
        "../linked": {"name": "linked", "version": "0.0.1", "dependencies": {"x": "^1"}},
        "node_modules/linked": {"resolved": "../linked", "link": True},
        "node_modules/x": {
            "version": "1.2.0",
            "license": {"type": "BSD-3-Clause"},
            "dependencies": {"y": "^1", "missing-optional": "^1"},
            "bundleDependencies": ["y"],
        },
        "node_modules/x/node_modules/y": {"version": "1.0.0", "inBundle": True},
        "node_modules/t": {"version": "1.0.0", "dev": True, "licenses": [{"type": "MIT"}, "Apache-2.0"]},
        "node_modules/o": {"version": "1.0.0", "devOptional": True},
        "node_modules/git-thing": {
            "version": "2.0.0",
            "resolved": "git+ssh://git@github.com/o/git-thing.git#abcdef",
            "extraneous": True,
        },
        "node_modules/ghost": {"optional": True},
        "node_modules/@s/p": {"version": "1.0.0", "peer": True, "dev": True},
    },
}


def test_v3_flags_links_bundles() -> None:
    result = npm_lock.parse("package-lock.json", json.dumps(V3_HANDMADE, indent=2))
    comps = by_purl(result)
    assert comps["pkg:npm/x@1.2.0"].declared_license == "BSD-3-Clause"
    assert comps["pkg:npm/x@1.2.0"].declared_range == "^1"
    assert ("npm:bundled", "true") in comps["pkg:npm/y@1.0.0"].properties
    assert comps["pkg:npm/t@1.0.0"].declared_license == "MIT OR Apache-2.0"
    assert comps["pkg:npm/t@1.0.0"].scope is Scope.DEV
    assert comps["pkg:npm/o@1.0.0"].scope is Scope.OPTIONAL
    scoped = comps["pkg:npm/%40s/p@1.0.0"]
    assert scoped.namespace == "@s" and scoped.name == "p" and scoped.scope is Scope.DEV
    git = comps["pkg:npm/git-thing@2.0.0"]
    assert ("npm:extraneous", "true") in git.properties
    assert ("npm:resolved", "git+ssh://git@github.com/o/git-thing.git#abcdef") in git.properties
    assert not any(c.name in ("linked", "ghost") for c in comps.values())
    assert any("ghost" in n.message for n in result.notes)
    edges = set(result.edges)
    assert ("file:package.json", "file:../linked/package.json") in edges
    assert ("file:../linked/package.json", "pkg:npm/x@1.2.0") in edges
    assert ("pkg:npm/x@1.2.0", "pkg:npm/y@1.0.0") in edges
    assert all(c.locations[0].line for c in comps.values())


def test_hidden_lockfile_with_installed_records() -> None:
    inv = build_inventory(str(FIX / "installed"))
    assert not inv.problems
    comps = {c.purl: c for c in inv.components}
    # The hidden lockfile knows undici-types is dev; the installed package.json does not.
    assert comps["pkg:npm/undici-types@8.9.0"].scope is Scope.DEV
    assert comps["pkg:npm/ms@2.0.0"].direct is False
    assert comps["pkg:npm/ms@2.1.3"].direct is True
    assert comps["pkg:npm/old-lib@0.9.4"].declared_license == "MIT OR GPL-2.0"
    assert {p.purl for p in inv.projects} == {"pkg:npm/installed-app@0.4.0"}
    # Non-root package.json files under node_modules are not claimed.
    assert not any("test/" in m or "/src/" in m for m in inv.manifests)


@pytest.mark.parametrize(
    "text",
    [
        "",
        "[]",
        '{"lockfileVersion": "3"}',
        '{"lockfileVersion": 9}',
        '{"lockfileVersion": 1, "dependencies": []}',
        '{"lockfileVersion": 1, "dependencies": {"a": {"version": "1", "requires": 5}}',
    ],
)
def test_malformed_raises_parse_error(text: str) -> None:
    with pytest.raises(ParseError) as info:
        npm_lock.parse("package-lock.json", text)
    assert info.value.path == "package-lock.json"


def test_json_error_has_line() -> None:
    with pytest.raises(ParseError) as info:
        npm_lock.parse("package-lock.json", '{\n  "lockfileVersion": 3,\n  "packages": {,}\n}')
    assert info.value.line == 3


def test_deep_nesting_is_a_parse_error() -> None:
    deep = '{"lockfileVersion": 1, "dependencies": ' + '{"a": {"version": "1", "dependencies": ' * 300
    deep += "{}" + "}}" * 300 + "}"
    with pytest.raises(ParseError):
        npm_lock.parse("package-lock.json", deep)


def test_odd_but_valid_entries_survive() -> None:
    doc = {
        "lockfileVersion": 2,
        "packages": {
            "": {"dependencies": {"a": 5, "b": "^1"}},
            "node_modules/b": {"version": "1.0.0", "integrity": "sha512-!!!", "license": ["x"]},
            "node_modules/bad name/x": 3,
            "node_modules/../../etc": {"version": "1"},
        },
    }
    result = npm_lock.parse("package-lock.json", json.dumps(doc))
    assert "pkg:npm/b@1.0.0" in by_purl(result)


def test_v2_shrinkwrap_reads_packages_not_the_v1_copy() -> None:
    inv = build_inventory(str(FIX / "npm-v2-shrinkwrap"))
    assert not inv.problems
    comps = {c.purl: c for c in inv.components}
    assert len(comps) == 14
    assert all(len([loc for loc in c.locations if loc.path == "npm-shrinkwrap.json"]) == 1 for c in comps.values())
    assert comps["pkg:npm/rimraf@3.0.2"].scope is Scope.DEV and comps["pkg:npm/rimraf@3.0.2"].direct
    assert comps["pkg:npm/glob@7.2.3"].scope is Scope.DEV and comps["pkg:npm/glob@7.2.3"].direct is False
    assert comps["pkg:npm/semver@7.8.6"].scope is Scope.RUNTIME


def test_installed_records_alone_resolve_like_node(tmp_path: Path) -> None:
    """Without the hidden lockfile, edges from installed package.json files follow Node's
    lookup (own node_modules first) and scopes follow from the project's manifest."""
    import shutil

    tree = tmp_path / "app"
    shutil.copytree(FIX / "installed", tree)
    (tree / "node_modules" / ".package-lock.json").unlink()
    inv = build_inventory(str(tree))
    assert not inv.problems
    graph = {d.ref: d.depends_on for d in inv.dependencies}
    assert graph["pkg:npm/debug@2.6.9"] == ("pkg:npm/ms@2.0.0",)
    assert "pkg:npm/ms@2.1.3" in graph["pkg:npm/installed-app@0.4.0"]
    scopes = {c.purl: c.scope for c in inv.components}
    assert scopes["pkg:npm/undici-types@8.9.0"] is Scope.DEV  # only reached from @types/node
    assert scopes["pkg:npm/ms@2.0.0"] is Scope.RUNTIME
