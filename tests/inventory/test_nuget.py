from __future__ import annotations

from pathlib import Path

import pytest

from ospo.inventory import build_inventory
from ospo.inventory.parsers.nuget import content_hash, parse_packages_lock, parse_project_file
from ospo.model import ParseError, Scope

FIX = Path(__file__).parents[1] / "fixtures" / "nuget" / "Acme.Api"


def test_content_hash_is_hex_sha512() -> None:
    (h,) = content_hash("ESuQOx56uN12VbO/AlCc+lz61SngMYrPWCFNsMshEFXRYQZzH7Tkpxbew+4pM+gJc02dfgpU+/3j1f9bxrKUFA==")
    assert h.algorithm == "sha512" and len(h.value) == 128
    assert content_hash("not base64!") == ()


def test_packages_lock() -> None:
    result = parse_packages_lock("packages.lock.json", (FIX / "packages.lock.json").read_text())
    comps = result.components
    newtonsoft = [c for c in comps if c.name == "Newtonsoft.Json"]
    assert len(newtonsoft) == 2  # one per framework; the collector merges by purl
    assert {p for c in newtonsoft for p in c.properties} >= {
        ("nuget:target-framework", "net6.0"),
        ("nuget:target-framework", "net8.0"),
    }
    assert newtonsoft[0].direct is None and newtonsoft[0].declared_range == "[13.0.3, )"
    central = next(c for c in comps if c.name == "Microsoft.Extensions.Logging.Abstractions")
    assert central.direct is False and ("nuget:type", "CentralTransitive") in central.properties
    assert not any(c.name == "acme.domain" for c in comps)  # Project: first-party
    assert ("pkg:nuget/Serilog.Sinks.Console@5.0.0", "pkg:nuget/Serilog@3.1.1") in result.edges
    assert ("pkg:nuget/acme.domain", "pkg:nuget/Newtonsoft.Json@13.0.3") in result.edges
    assert newtonsoft[0].locations[0].line == 5 and newtonsoft[1].locations[0].line == 61


def test_project_file() -> None:
    result = parse_project_file("Acme.Api/Acme.Api.csproj", (FIX / "Acme.Api.csproj").read_text())
    assert result.root is not None and result.root.purl == "pkg:nuget/Acme.Api@1.8.2"
    assert result.root.declared_license == "Apache-2.0"
    by = {c.name: c for c in result.components}
    assert by["Serilog"].declared_range == "3.1.1"  # $(SerilogVersion)
    assert by["Serilog.Sinks.Console"].declared_range == "5.0.0"  # child element
    assert by["StyleCop.Analyzers"].scope is Scope.DEV
    assert by["Acme.Telemetry"].declared_range is None
    assert ("nuget:version", "centrally managed (Directory.Packages.props)") in by["Acme.Telemetry"].properties
    assert any(k == "nuget:condition" for k, _ in by["System.Text.Json"].properties)
    assert all(not c.resolved and c.direct for c in result.components)


def test_project_and_lock_fold() -> None:
    inv = build_inventory(str(FIX.parent))
    by = {c.name: c for c in inv.components}
    assert by["StyleCop.Analyzers"].scope is Scope.DEV and by["StyleCop.Analyzers"].direct is True
    assert by["Newtonsoft.Json"].direct is True and by["Newtonsoft.Json"].resolved
    assert by["Microsoft.Extensions.Logging.Abstractions"].direct is False
    assert all(c.resolved for c in inv.components)


@pytest.mark.parametrize("text", ["<Project><ItemGroup><PackageReference/></ItemGroup></Project>"])
def test_project_without_include_is_reported(text: str) -> None:
    result = parse_project_file("x.csproj", text)
    assert result.notes and not result.components


@pytest.mark.parametrize("text", ["<foo/>", "", "<Project>"])
def test_project_malformed(text: str) -> None:
    with pytest.raises(ParseError):
        parse_project_file("x.csproj", text)


def test_packages_config() -> None:
    from ospo.inventory.parsers.nuget import parse_packages_config

    path = FIX.parent / "legacy" / "packages.config"
    result = parse_packages_config("packages.config", path.read_text())
    by = {c.name: c for c in result.components}
    assert by["log4net"].purl == "pkg:nuget/log4net@2.0.15" and by["log4net"].locations[0].line == 4
    assert by["Microsoft.CodeDom.Providers.DotNetCompilerPlatform"].scope is Scope.DEV
    assert by["EntityFramework"].direct is None
    with pytest.raises(ParseError):
        parse_packages_config("packages.config", "<configuration/>")
