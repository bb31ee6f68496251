from __future__ import annotations

from pathlib import Path

import pytest

from ospo.inventory.parsers.composer import is_platform_package, license_expression, parse_composer_lock
from ospo.model import ParseError, Scope

FIX = Path(__file__).parents[1] / "fixtures" / "composer" / "site" / "composer.lock"


def test_composer_lock() -> None:
    result = parse_composer_lock("composer.lock", FIX.read_text())
    by = {c.purl: c for c in result.components}
    guzzle = by["pkg:composer/guzzlehttp/guzzle@7.8.0"]
    assert guzzle.namespace == "guzzlehttp" and guzzle.declared_license == "MIT"
    assert guzzle.scope is Scope.RUNTIME and guzzle.locations[0].line == 10
    assert guzzle.homepage == "http://guzzlephp.org/" and not guzzle.hashes  # empty shasum
    assert by["pkg:composer/guzzlehttp/promises@2.0.1"].hashes[0].algorithm == "sha1"
    assert by["pkg:composer/phpunit/phpunit@10.4.2"].scope is Scope.DEV
    legacy = by["pkg:composer/acme/legacy-utils@dev-main"]
    assert legacy.declared_license == "GPL-2.0-or-later OR LGPL-2.1-only"
    edges = set(result.edges)
    assert (guzzle.purl, "pkg:composer/psr/http-client@1.0.3") in edges
    assert not any(dst.endswith(("php", "ext-json")) for _, dst in edges)
    # a requirement satisfied by a package that "replace"s it
    assert (legacy.purl, "pkg:composer/symfony/polyfill@v1.28.0") in edges
    assert result.notes == []


def test_helpers() -> None:
    assert is_platform_package("ext-mbstring") and is_platform_package("php-64bit")
    assert not is_platform_package("phpunit/phpunit")
    assert license_expression(["MIT", "Apache-2.0"]) == "MIT OR Apache-2.0"
    assert license_expression([]) is None


@pytest.mark.parametrize("text", ["[]", "{", '{"packages": [{"name": 1}]}'])
def test_malformed(text: str) -> None:
    try:
        result = parse_composer_lock("composer.lock", text)
    except ParseError:
        return
    assert result.components == [] and result.notes


def test_composer_json_declares_and_folds_into_lock() -> None:
    from ospo.inventory import build_inventory
    from ospo.inventory.parsers.composer import parse_composer_json

    result = parse_composer_json("composer.json", (FIX.parent / "composer.json").read_text())
    assert result.root is not None and result.root.purl == "pkg:composer/acme/site"
    assert result.root.declared_license == "proprietary"
    by = {c.display_name: c for c in result.components}
    assert set(by) == {"guzzlehttp/guzzle", "acme/legacy-utils", "phpunit/phpunit"}  # no php, ext-*
    assert by["phpunit/phpunit"].scope is Scope.DEV and by["guzzlehttp/guzzle"].declared_range == "^7.8"
    assert by["guzzlehttp/guzzle"].locations[0].line == 9

    inv = build_inventory(str(FIX.parent))
    pinned = {c.display_name: c for c in inv.components}
    assert pinned["guzzlehttp/guzzle"].direct is True and pinned["guzzlehttp/guzzle"].resolved
    assert pinned["phpunit/phpunit"].direct is True and pinned["phpunit/phpunit"].scope is Scope.DEV
    assert pinned["psr/http-message"].direct is None
    assert all(c.resolved for c in inv.components)
