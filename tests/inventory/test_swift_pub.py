from __future__ import annotations

from pathlib import Path

import pytest

from ospo.inventory.parsers.pub import parse_pubspec_lock
from ospo.inventory.parsers.swift import parse_package_resolved, split_location
from ospo.model import ParseError, Scope

FIX = Path(__file__).parents[1] / "fixtures"


@pytest.mark.parametrize(
    ("location", "expected"),
    [
        ("https://github.com/apple/swift-nio.git", ("github.com/apple", "swift-nio")),
        ("git@github.com:SnapKit/SnapKit.git", ("github.com/SnapKit", "SnapKit")),
        ("ssh://git@gitlab.acme.example:2222/ios/kit.git/", ("gitlab.acme.example/ios", "kit")),
    ],
)
def test_split_location(location: str, expected: tuple[str, str]) -> None:
    assert split_location(location) == expected


def test_package_resolved_v1() -> None:
    result = parse_package_resolved("Package.resolved", (FIX / "swift" / "v1" / "Package.resolved").read_text())
    purls = {c.purl for c in result.components}
    assert "pkg:swift/github.com/Alamofire/Alamofire@5.6.1" in purls
    snap = next(c for c in result.components if c.name == "SnapKit")
    assert snap.version == "f222cbdf325885926566172f6f5f06af95473158"  # branch pin: the commit
    assert ("swift:branch", "develop") in snap.properties


def test_package_resolved_v2_and_v3() -> None:
    v2 = parse_package_resolved("Package.resolved", (FIX / "swift" / "v2" / "Package.resolved").read_text())
    assert {c.purl for c in v2.components} >= {
        "pkg:swift/github.com/apple/swift-argument-parser@1.2.3",
        "pkg:swift/github.com/apple/swift-log@1.5.3",
    }
    v3 = parse_package_resolved("Package.resolved", (FIX / "swift" / "v3" / "Package.resolved").read_text())
    by = {c.name: c for c in v3.components}
    assert by["swift-nio"].purl == "pkg:swift/github.com/apple/swift-nio@2.62.0"
    assert by["swift-nio"].locations[0].line == 7
    assert by["linkedlist"].purl == "pkg:swift/mona/linkedlist@1.1.0"  # registry identity
    assert all(c.direct is None for c in v3.components)


def test_pubspec_lock() -> None:
    result = parse_pubspec_lock("pubspec.lock", (FIX / "pub" / "app" / "pubspec.lock").read_text())
    by = {c.name: c for c in result.components}
    assert by["http"].purl == "pkg:pub/http@1.1.0" and by["http"].direct is True
    assert by["http"].hashes[0].value.startswith("759d1a32") and by["http"].locations[0].line == 30
    assert by["lints"].scope is Scope.DEV and by["async"].direct is False
    assert ("pub:source", "sdk") in by["flutter"].properties
    assert by["acme_auth"].purl.endswith("?repository_url=https://pub.acme.example")
    git = by["markdown_widget"]
    assert "vcs_url=git%2Bhttps://github.com/acme/markdown_widget.git%405e6f7a8b" in git.purl
    assert git.direct is True and ("pub:dependency", "direct overridden") in git.properties
    assert "acme_theme" not in by and any("acme_theme" in n.message for n in result.notes)


@pytest.mark.parametrize("text", ["[]", "{", '{"pins": 3}', '{"object": []}'])
def test_package_resolved_malformed(text: str) -> None:
    with pytest.raises(ParseError):
        parse_package_resolved("Package.resolved", text)


@pytest.mark.parametrize("text", ["- a\n- b\n", "packages: [\n", "packages: *nope\n"])
def test_pubspec_malformed(text: str) -> None:
    with pytest.raises(ParseError):
        parse_pubspec_lock("pubspec.lock", text)


def test_pubspec_yaml_root_and_fold() -> None:
    from ospo.inventory import build_inventory
    from ospo.inventory.parsers.pub import parse_pubspec_yaml

    app = FIX / "pub" / "app"
    result = parse_pubspec_yaml("pubspec.yaml", (app / "pubspec.yaml").read_text())
    assert result.root is not None and result.root.purl == "pkg:pub/acme_app@1.4.0%2B12"
    assert ("pub:path-dependency", "acme_theme=../acme_theme") in result.root.properties
    by = {c.name: c for c in result.components}
    assert by["http"].declared_range == "^1.1.0" and by["http"].locations[0].line == 13
    assert by["flutter"].declared_range == "sdk:flutter"
    assert by["acme_auth"].declared_range == "^3.4.0"
    assert by["lints"].scope is Scope.DEV
    assert "markdown_widget" not in by  # an override, not a declaration

    inv = build_inventory(str(app))
    assert [p.name for p in inv.projects] == ["acme_app"]
    assert all(c.resolved for c in inv.components)
