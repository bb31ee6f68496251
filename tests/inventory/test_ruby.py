from __future__ import annotations

from pathlib import Path

import pytest

from ospo.inventory import build_inventory
from ospo.inventory.parsers.ruby import parse_gemfile, parse_gemfile_lock, split_platform
from ospo.model import ParseError, Scope

FIX = Path(__file__).parents[1] / "fixtures" / "ruby"


def test_split_platform() -> None:
    assert split_platform("1.15.4-x86_64-linux") == ("1.15.4", "x86_64-linux")
    assert split_platform("7.0.8") == ("7.0.8", None)


def test_gemfile_lock_with_git_path_and_platforms() -> None:
    result = parse_gemfile_lock("Gemfile.lock", (FIX / "app" / "Gemfile.lock").read_text())
    by = {c.purl: c for c in result.components}
    assert result.root is None
    nokogiri = [c for c in result.components if c.name == "nokogiri"]
    assert {c.purl for c in nokogiri} == {
        "pkg:gem/nokogiri@1.15.4",
        "pkg:gem/nokogiri@1.15.4?platform=arm64-darwin",
        "pkg:gem/nokogiri@1.15.4?platform=x86_64-linux",
    }
    assert all(c.direct is None for c in nokogiri)  # listed in DEPENDENCIES: the Gemfile decides
    git = next(c for c in result.components if c.name == "rack-attack-ext")
    assert "vcs_url=git%2Bhttps://github.com/acme/rack-attack-ext.git%404f2c1e0b" in git.purl
    assert git.direct is None and ("gem:git-branch", "main") in git.properties
    assert nokogiri[0].declared_range == "~> 1.15" and git.declared_range is None
    assert git.locations[0].line == 6
    rack = by["pkg:gem/rack@2.2.8"]
    assert rack.direct is False and rack.hashes[0].algorithm == "sha256"
    assert (git.purl, rack.purl) in result.edges
    assert ("pkg:gem/nokogiri@1.15.4", "pkg:gem/mini_portile2@2.8.5") in result.edges
    # the PATH gem is local: reported, not listed, but its edges stay
    assert "billing" not in {c.name for c in result.components}
    assert any("billing" in n.message for n in result.notes)
    assert ("pkg:gem/billing@0.1.0", rack.purl) in result.edges
    assert len(result.components) == 14


def test_gemspec_lock_has_root_and_private_source() -> None:
    result = parse_gemfile_lock("Gemfile.lock", (FIX / "gem" / "Gemfile.lock").read_text())
    assert result.root is not None and result.root.purl == "pkg:gem/acme-client@1.4.0"
    assert ("gem:bundled-with", "2.4.22") in result.root.properties
    by = {c.name: c for c in result.components}
    assert by["acme-internal-auth"].purl.endswith("?repository_url=https://gems.acme.example/")
    assert by["rake"].direct is None and by["faraday"].direct is False
    assert (result.root.purl, by["faraday"].purl) in result.edges


@pytest.mark.parametrize(
    "text",
    [
        "  remote: x\n",
        "GEM\n  specs:\n    broken line here\n",
        "GEM\n  specs:\n      dep-before-spec\n",
        "GEM\n  nonsense\n",
    ],
)
def test_malformed(text: str) -> None:
    with pytest.raises(ParseError):
        parse_gemfile_lock("Gemfile.lock", text)


def test_gemfile_groups_options_and_blocks() -> None:
    result = parse_gemfile("Gemfile", (FIX / "app" / "Gemfile").read_text())
    by = {c.name: c for c in result.components}
    assert by["actionpack"].declared_range == "~> 7.0" and by["actionpack"].scope is Scope.RUNTIME
    assert by["rspec-core"].scope is Scope.TEST
    assert by["rack-test"].scope is Scope.DEV and by["rack-test"].declared_range == ">= 2.0, < 3"
    assert by["racc"].scope is Scope.DEV  # group: option
    assert by["concurrent-ruby"].scope is Scope.RUNTIME  # inside `if ... end`, not a group
    assert ("gem:github", "rails/sprockets-rails") in by["sprockets-rails"].properties
    assert "billing" not in by and result.notes[0].line == 12
    assert all(c.direct and not c.resolved for c in result.components)


def test_gemfile_and_lock_fold_with_scopes() -> None:
    inv = build_inventory(str(FIX / "app"))
    by = {c.purl.split("?")[0]: c for c in inv.components}
    assert by["pkg:gem/rspec-core@3.12.2"].scope is Scope.TEST and by["pkg:gem/rspec-core@3.12.2"].direct
    assert by["pkg:gem/actionpack@7.0.8"].direct is True
    assert by["pkg:gem/rspec-support@3.12.1"].direct is False
    assert by["pkg:gem/rack-attack-ext@0.9.0"].direct is True  # git gem folds despite vcs_url
    assert all(c.resolved for c in inv.components)
