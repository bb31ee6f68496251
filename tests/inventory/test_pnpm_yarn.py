"""pnpm-lock.yaml (v5, v6, v9) and yarn.lock (classic and Berry)."""

from __future__ import annotations

from pathlib import Path

import pytest

from ospo.inventory import build_inventory, parser_for
from ospo.inventory.parsers import pnpm_lock, yarn_lock
from ospo.model import Component, ManifestResult, ParseError, Scope

FIX = Path(__file__).parents[1] / "fixtures" / "npm"


def comps(result: ManifestResult) -> dict[str, Component]:
    return {c.purl: c for c in result.components}


def summary(
    folder: str,
) -> tuple[list[tuple[str, str, bool | None, str | None]], list[tuple[str, tuple[str, ...]]]]:
    inv = build_inventory(str(FIX / folder))
    assert not inv.problems
    components = sorted((c.purl, str(c.scope), c.direct, c.declared_range) for c in inv.components)
    graph = sorted((d.ref, d.depends_on) for d in inv.dependencies)
    return components, graph


def test_claims() -> None:
    assert parser_for("pnpm-lock.yaml", "pnpm-lock.yaml") is pnpm_lock.PARSER
    assert parser_for("yarn.lock", "a/yarn.lock") is yarn_lock.PARSER


def test_pnpm_v9_workspace() -> None:
    result = pnpm_lock.parse("pnpm-lock.yaml", (FIX / "pnpm-workspace/pnpm-lock.yaml").read_text())
    found = comps(result)
    react_dom = found["pkg:npm/react-dom@18.3.1"]
    assert ("pnpm:peers", "(react@18.3.1)") in react_dom.properties
    assert react_dom.direct is True and react_dom.declared_range == "^18.2.0"
    assert found["pkg:npm/typescript@5.9.3"].scope is Scope.DEV
    assert found["pkg:npm/fsevents@2.3.3"].scope is Scope.OPTIONAL
    # react is a devDependency of ui but a dependency of app: it ships.
    assert found["pkg:npm/react@18.3.1"].scope is Scope.RUNTIME
    assert ("npm:alias", "my-ms") in found["pkg:npm/ms@2.1.3"].properties
    assert found["pkg:npm/scheduler@0.23.2"].direct is False
    assert found["pkg:npm/ms@2.0.0"].locations[0].line == 58
    assert all(c.hashes for c in found.values())
    assert ("file:packages/app/package.json", "file:packages/ui/package.json") in result.edges


def test_pnpm_versions_agree() -> None:
    """The same workspace locked by pnpm 7 (v5.4), 8 (v6) and 9 (v9) reads the same."""
    v9 = summary("pnpm-workspace")
    assert summary("pnpm-v6-workspace") == v9
    assert summary("pnpm-v5-workspace") == v9
    components, graph = v9
    assert ("pkg:npm/ms@2.0.0", "runtime", True, "2.0.0") in components
    edges = dict(graph)
    assert edges["pkg:npm/%40acme/ui@0.3.0"] == ("pkg:npm/ms@2.0.0", "pkg:npm/react@18.3.1")
    assert "pkg:npm/%40acme/ui@0.3.0" in edges["pkg:npm/%40acme/app@1.0.0"]
    assert "pkg:npm/ms@2.1.3" in edges["pkg:npm/%40acme/app@1.0.0"]


def test_pnpm_v9_single_project() -> None:
    result = pnpm_lock.parse("pnpm-lock.yaml", (FIX / "pnpm-v9/pnpm-lock.yaml").read_text())
    found = comps(result)
    assert len(found) == 114
    assert {c.purl for c in found.values() if c.direct} == {
        "pkg:npm/%40babel/core@8.1.2",
        "pkg:npm/express@4.22.3",
        "pkg:npm/ms@2.1.3",
        "pkg:npm/react-dom@18.3.1",
    }


def test_pnpm_key_forms() -> None:
    assert pnpm_lock.split_key("/@babel/core/7.0.0_react@18.0.0", 5) == (
        "@babel/core",
        "7.0.0",
        "react@18.0.0",
    )
    assert pnpm_lock.split_key("/react-dom@18.3.1(react@18.3.1)", 6) == (
        "react-dom",
        "18.3.1",
        "(react@18.3.1)",
    )
    assert pnpm_lock.split_key("@s/p@1.0.0", 9) == ("@s/p", "1.0.0", "")


PNPM_ODD = """
lockfileVersion: '9.0'
importers:
  .:
    dependencies:
      gh:
        specifier: github:o/gh
        version: https://codeload.github.com/o/gh/tar.gz/abc
      local:
        specifier: file:../local
        version: file:../local
packages:
  gh@https://codeload.github.com/o/gh/tar.gz/abc:
    resolution: {tarball: https://codeload.github.com/o/gh/tar.gz/abc}
    version: 1.4.0
  local@file:../local:
    resolution: {directory: ../local, type: directory}
  weird: 12
snapshots:
  gh@https://codeload.github.com/o/gh/tar.gz/abc: {}
"""


def test_pnpm_non_registry_entries() -> None:
    result = pnpm_lock.parse("pnpm-lock.yaml", PNPM_ODD)
    found = comps(result)
    gh = found["pkg:npm/gh@1.4.0"]
    assert gh.download_url == "https://codeload.github.com/o/gh/tar.gz/abc"
    assert gh.direct is True
    notes = [n.message for n in result.notes]
    assert any("local@file:../local" in m for m in notes)  # no version: reported
    assert any("weird" in m for m in notes)


def test_yarn_berry_workspace() -> None:
    result = yarn_lock.parse("yarn.lock", (FIX / "yarn-berry/yarn.lock").read_text())
    found = comps(result)
    assert not any(c.name in ("lib", "berry-root") for c in found.values())
    resolve = found["pkg:npm/resolve@1.22.14"]
    assert any(k == "yarn:patch" for k, _ in resolve.properties)
    assert resolve.direct is True and resolve.declared_range == "^1.22.0"
    assert found["pkg:npm/express@4.22.3"].declared_range == "^4.18.0"
    ms = found["pkg:npm/ms@2.1.3"]
    assert ("npm:alias", "my-ms") in ms.properties and ms.declared_range == "2.1.3"
    assert not found["pkg:npm/accepts@1.3.8"].hashes  # Berry checksums digest Yarn's zip
    assert any(k == "yarn:checksum" for k, _ in found["pkg:npm/accepts@1.3.8"].properties)
    assert found["pkg:npm/accepts@1.3.8"].locations[0].line == 17
    assert ("file:package.json", "file:packages/lib/package.json") in result.edges
    assert ("file:packages/lib/package.json", "pkg:npm/lodash@4.18.1") in result.edges


def test_yarn_berry_inventory() -> None:
    components, graph = summary("yarn-berry")
    edges = dict(graph)
    assert edges["pkg:npm/berry-root@1.0.0"] == (
        "pkg:npm/%40acme/lib@2.0.0",
        "pkg:npm/express@4.22.3",
        "pkg:npm/ms@2.1.3",
        "pkg:npm/typescript@5.9.3",
    )
    assert ("pkg:npm/typescript@5.9.3", "dev", True, "^5.4.0") in components


def test_yarn_classic() -> None:
    result = yarn_lock.parse("yarn.lock", (FIX / "yarn-classic/yarn.lock").read_text())
    found = comps(result)
    assert len(found) == 114
    ms = found["pkg:npm/ms@2.1.3"]
    assert ("npm:alias", "my-ms") in ms.properties
    core = found["pkg:npm/%40babel/core@7.29.13"]
    assert core.namespace == "@babel" and core.hashes[0].algorithm == "sha512"
    assert core.download_url and core.download_url.endswith(".tgz")
    assert all(not c.scope_known for c in found.values())
    assert ("pkg:npm/debug@2.6.9", "pkg:npm/ms@2.0.0") in result.edges
    _, graph = summary("yarn-classic")
    assert "pkg:npm/ms@2.1.3" in dict(graph)["pkg:npm/y1@1.0.0"]
    assert "pkg:npm/ms@2.0.0" not in dict(graph)["pkg:npm/y1@1.0.0"]


YARN_CLASSIC_ODD = """# yarn lockfile v1


"@s/a@^1.0.0", "@s/a@^1.1.0":
  version "1.1.0"
  resolved "https://registry.yarnpkg.com/@s/a/-/a-1.1.0.tgz#0123456789abcdef0123456789abcdef01234567"
  dependencies:
    b "github:o/b#v2"

"b@github:o/b#v2":
  version "2.0.0"
  resolved "https://codeload.github.com/o/b/tar.gz/abc"

c@1:
  resolved "x"
"""


def test_yarn_classic_odd() -> None:
    result = yarn_lock.parse("yarn.lock", YARN_CLASSIC_ODD)
    found = comps(result)
    a = found["pkg:npm/%40s/a@1.1.0"]
    assert a.hashes[0].algorithm == "sha1" and a.locations[0].line == 4
    assert ("pkg:npm/%40s/a@1.1.0", "pkg:npm/b@2.0.0") in result.edges
    assert any(k == "npm:resolved" for k, _ in found["pkg:npm/b@2.0.0"].properties)
    assert [n.line for n in result.notes] == [14]


@pytest.mark.parametrize(
    ("parser", "text"),
    [
        (pnpm_lock.parse, "lockfileVersion: '4.0'\n"),
        (pnpm_lock.parse, "- a\n- b\n"),
        (pnpm_lock.parse, "lockfileVersion: '9.0'\npackages: [1]\n"),
        (pnpm_lock.parse, "lockfileVersion: '9.0'\nimporters: {\n"),
        (yarn_lock.parse, '__metadata:\n  version: 8\n"a@npm:1": [\n'),
        (yarn_lock.parse, '  version "1"\n'),
        (yarn_lock.parse, 'a@1\n  version "1"\n'),
    ],
)
def test_malformed(parser: object, text: str) -> None:
    with pytest.raises(ParseError):
        parser(  # type: ignore[operator]
            "lock", text
        )


BERRY_PROTOCOLS = """
__metadata:
  version: 6
  cacheKey: 8

"app@workspace:.":
  version: 0.0.0-use.local
  resolution: "app@workspace:."
  dependencies:
    linked: "link:../linked"
    portal: "portal:./vendor/portal"
    tarball: "file:./vendor/t.tgz"
    gitdep: "https://github.com/o/gitdep.git#commit=abc123"
    old-style: "^1.0.0"
  languageName: unknown
  linkType: soft

"linked@link:../linked::locator=app%40workspace%3A.":
  version: 0.0.0-use.local
  resolution: "linked@link:../linked::locator=app%40workspace%3A."
  languageName: node
  linkType: soft

"portal@portal:./vendor/portal::locator=app%40workspace%3A.":
  version: 0.0.0-use.local
  resolution: "portal@portal:./vendor/portal::locator=app%40workspace%3A."
  languageName: node
  linkType: soft

"tarball@file:./vendor/t.tgz::locator=app%40workspace%3A.":
  version: 1.2.3
  resolution: "tarball@file:./vendor/t.tgz#./vendor/t.tgz::hash=1&locator=app%40workspace%3A."
  checksum: 0123abcd
  languageName: node
  linkType: hard

"gitdep@https://github.com/o/gitdep.git#commit=abc123":
  version: 3.0.0
  resolution: "gitdep@https://github.com/o/gitdep.git#commit=abc123"
  languageName: node
  linkType: hard

"old-style@npm:^1.0.0":
  version: 1.0.4
  resolution: "old-style@npm:1.0.4"
  languageName: node
  linkType: hard
"""


def test_yarn_berry_protocols() -> None:
    result = yarn_lock.parse("web/yarn.lock", BERRY_PROTOCOLS)
    found = comps(result)
    assert set(found) == {"pkg:npm/tarball@1.2.3", "pkg:npm/gitdep@3.0.0", "pkg:npm/old-style@1.0.4"}
    assert all(c.direct for c in found.values())
    assert found["pkg:npm/old-style@1.0.4"].declared_range == "^1.0.0"
    assert any(k == "npm:resolved" for k, _ in found["pkg:npm/gitdep@3.0.0"].properties)
    edges = set(result.edges)
    assert ("file:web/package.json", "file:linked/package.json") in edges
    assert ("file:web/package.json", "file:web/vendor/portal/package.json") in edges
    assert ("file:web/package.json", "pkg:npm/gitdep@3.0.0") in edges
