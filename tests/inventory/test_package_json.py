"""package.json: project manifests and installed records under node_modules."""

from __future__ import annotations

import json

import pytest

from ospo.inventory import parser_for
from ospo.inventory.parsers import package_json
from ospo.model import ParseError, Scope

PROJECT = {
    "name": "@acme/web",
    "version": "3.1.0",
    "license": "MIT",
    "workspaces": {"packages": ["packages/*", "tools/cli"]},
    "dependencies": {"react": "^18.2.0", "my-lodash": "npm:lodash@^4.17.0", "@acme/ui": "workspace:*"},
    "devDependencies": {"typescript": "~5.4.0", "react": "^18.2.0"},
    "optionalDependencies": {"fsevents": "^2"},
    "peerDependencies": {"react-dom": ">=17"},
}


def test_claims_project_and_installed_roots_only() -> None:
    assert parser_for("package.json", "package.json") is package_json.PARSER
    assert parser_for("package.json", "apps/web/package.json") is package_json.PARSER
    assert package_json.claims("package.json", "node_modules/x/package.json")
    assert package_json.claims("package.json", "a/node_modules/@s/x/package.json")
    assert package_json.claims("package.json", "node_modules/x/node_modules/y/package.json")
    assert not package_json.claims("package.json", "node_modules/x/lib/package.json")
    assert not package_json.claims("package.json", "node_modules/@s/x/test/fixtures/package.json")
    assert not package_json.claims("package.json", "node_modules/package.json")


def test_project_manifest() -> None:
    result = package_json.parse("web/package.json", json.dumps(PROJECT, indent=2))
    root = result.root
    assert root is not None
    assert root.purl == "pkg:npm/%40acme/web@3.1.0" and root.declared_license == "MIT"
    assert ("npm:workspaces", "packages/*,tools/cli") in root.properties
    found = {c.purl: c for c in result.components}
    assert all(not c.resolved and c.version is None and c.direct for c in found.values())
    react = found["pkg:npm/react"]
    assert react.scope is Scope.RUNTIME and react.declared_range == "^18.2.0"
    lodash = found["pkg:npm/lodash"]
    assert lodash.declared_range == "^4.17.0" and ("npm:alias", "my-lodash") in lodash.properties
    assert found["pkg:npm/typescript"].scope is Scope.DEV
    assert found["pkg:npm/fsevents"].scope is Scope.OPTIONAL
    peer = found["pkg:npm/react-dom"]
    assert peer.scope is Scope.RUNTIME and ("npm:peer", "true") in peer.properties
    assert found["pkg:npm/%40acme/ui"].declared_range == "workspace:*"
    assert react.locations[0].line == 12  # its line under "dependencies"
    assert found["pkg:npm/typescript"].locations[0].line == 17
    assert (root.purl, "pkg:npm/react") in result.edges
    assert not result.notes


def test_project_without_name_uses_file_ref() -> None:
    result = package_json.parse("x/package.json", '{"private": true, "dependencies": {"a": "1"}}')
    assert result.root is None
    assert result.edges == [("file:x/package.json", "pkg:npm/a")]


def test_bad_sections_are_reported() -> None:
    text = json.dumps({"name": "p", "dependencies": ["a"], "devDependencies": {"b": 1, "bad/name/x": "1"}})
    result = package_json.parse("package.json", text)
    assert len(result.notes) == 3 and {n.kind for n in result.notes} == {"unsupported"}
    assert not result.components


INSTALLED = {
    "name": "debug",
    "version": "4.3.4",
    "licenses": [{"type": "MIT"}],
    "description": "small debugging utility",
    "homepage": "https://github.com/debug-js/debug#readme",
    "dependencies": {"ms": "2.1.2"},
    "peerDependencies": {"supports-color": "*"},
}


def test_installed_record() -> None:
    result = package_json.parse("node_modules/my-debug/package.json", json.dumps(INSTALLED))
    assert result.root is None
    (comp,) = result.components
    assert comp.purl == "pkg:npm/debug@4.3.4" and comp.resolved
    assert comp.declared_license == "MIT" and comp.direct is None and not comp.scope_known
    assert ("npm:alias", "my-debug") in comp.properties
    assert comp.description == "small debugging utility"
    assert set(result.edges) == {
        ("pkg:npm/debug@4.3.4", "pkg:npm/ms"),
        ("pkg:npm/debug@4.3.4", "pkg:npm/supports-color"),
    }


@pytest.mark.parametrize(
    "doc",
    [
        {"name": "x"},
        {"name": "x", "version": 3},
        {"version": ""},
        {},
    ],
)
def test_installed_without_version_is_nothing(doc: dict[str, object]) -> None:
    result = package_json.parse("node_modules/@s/x/package.json", json.dumps(doc))
    assert not result.components and not result.edges and not result.notes


def test_license_forms() -> None:
    def lic(doc: dict[str, object]) -> str | None:
        result = package_json.parse("node_modules/x/package.json", json.dumps({"version": "1", **doc}))
        return result.components[0].declared_license

    assert lic({"license": "(MIT OR Apache-2.0)"}) == "(MIT OR Apache-2.0)"
    assert lic({"license": {"type": "ISC", "url": "x"}}) == "ISC"
    assert lic({"licenses": [{"type": "MIT"}, {"type": "GPL-2.0"}]}) == "MIT OR GPL-2.0"
    assert lic({"licenses": ["BSD", "MIT OR X11"]}) == "BSD OR (MIT OR X11)"
    assert lic({"licenses": {"type": "MIT"}}) == "MIT"
    assert lic({"license": 5}) is None


@pytest.mark.parametrize("text", ["", "[1]", "{", '"x"', "\ufeff{}"])
def test_malformed(text: str) -> None:
    with pytest.raises(ParseError):
        package_json.parse("package.json", text)
