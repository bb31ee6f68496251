from __future__ import annotations

from pathlib import Path

import pytest

from ospo.inventory import build_inventory
from ospo.inventory.parsers.cargo import parse_cargo_lock, parse_cargo_toml
from ospo.model import Hash, ParseError, Scope

FIX = Path(__file__).parents[1] / "fixtures" / "cargo"


def _lock(sub: str) -> str:
    return (FIX / sub / "Cargo.lock").read_text()


def test_cargo_lock_v3_workspace_components_edges_and_hashes() -> None:
    result = parse_cargo_lock("Cargo.lock", _lock("workspace"))
    by = {c.purl: c for c in result.components}
    assert result.root is None  # two workspace members: no single root
    # members are first-party: not components
    assert not any(c.name.startswith("acme-") for c in result.components)
    serde = by["pkg:cargo/serde@1.0.190"]
    assert serde.hashes == (Hash("sha256", "8b917c4b6163bc82ef4aff025c6f5f4d54205232c4595f39b7b43008256a6cb7"),)
    assert serde.direct is None  # a member depends on it; Cargo.toml says in which scope
    assert serde.download_url == "https://crates.io/api/v1/crates/serde/1.0.190/download"
    assert by["pkg:cargo/syn@2.0.38"].direct is False
    assert serde.locations[0].line == 90
    # two versions of one crate, disambiguated by "name version" entries
    assert ("pkg:cargo/acme-core@0.4.0", "pkg:cargo/bitflags@1.3.2") in result.edges
    assert ("pkg:cargo/acme-app@0.4.0", "pkg:cargo/bitflags@2.4.1") in result.edges
    # same name and version from git and crates.io: different purls, edges by source
    git = [c for c in result.components if c.name == "quote" and "vcs_url" in c.purl]
    assert len(git) == 1 and "a1b2c3d4e5f60718293a4b5c6d7e8f9012345678" in git[0].purl
    assert not git[0].hashes
    assert ("pkg:cargo/serde_derive@1.0.190", "pkg:cargo/quote@1.0.33") in result.edges
    assert ("pkg:cargo/acme-app@0.4.0", git[0].purl) in result.edges
    private = by["pkg:cargo/private-crate@0.2.7?repository_url=https://crates.acme.example/index/"]
    assert private.download_url is None
    assert not result.notes


def test_cargo_lock_v1_metadata_checksums_and_single_root() -> None:
    result = parse_cargo_lock("Cargo.lock", _lock("v1"))
    assert result.root is not None and result.root.purl == "pkg:cargo/hello@0.1.0"
    by = {c.purl: c for c in result.components}
    assert by["pkg:cargo/log@0.4.8"].hashes[0].value.startswith("14b6052b")
    assert by["pkg:cargo/cfg-if@0.1.10"].hashes[0].algorithm == "sha256"
    assert ("pkg:cargo/log@0.4.8", "pkg:cargo/cfg-if@0.1.10") in result.edges


def test_cargo_lock_v4_and_unknown_dependency_is_reported() -> None:
    text = """version = 4

[[package]]
name = "app"
version = "0.1.0"
dependencies = ["ghost", "itoa"]

[[package]]
name = "itoa"
version = "1.0.9"
source = "registry+https://github.com/rust-lang/crates.io-index"
checksum = "af150ab688ff2122fcef229be89cb50dd66af9e01a4ff320cc137eecc9bacc38"
"""
    result = parse_cargo_lock("Cargo.lock", text)
    assert [c.purl for c in result.components] == ["pkg:cargo/itoa@1.0.9"]
    assert result.components[0].direct is None
    assert any("ghost" in n.message for n in result.notes)


def test_cargo_toml_member_declarations() -> None:
    text = (FIX / "workspace" / "crates" / "app" / "Cargo.toml").read_text()
    result = parse_cargo_toml("crates/app/Cargo.toml", text)
    assert result.root is not None and result.root.purl == "pkg:cargo/acme-app@0.4.0"
    assert result.root.homepage == "https://git.example.com/acme/acme"
    assert ("cargo:path-dependency", "acme-core=../core") in result.root.properties
    by = {c.name: c for c in result.components}
    assert set(by) == {"anyhow", "bitflags", "quote", "serde", "cc"}
    assert all(not c.resolved and c.direct for c in result.components)
    assert by["anyhow"].declared_range == "1.0.75" and by["anyhow"].locations[0].line == 11
    assert by["serde"].scope is Scope.OPTIONAL and ("cargo:workspace", "true") in by["serde"].properties
    assert by["cc"].scope is Scope.DEV and ("cargo:kind", "build") in by["cc"].properties
    assert by["quote"].declared_range == "git+https://github.com/dtolnay/quote#a1b2c3d"


def test_cargo_toml_renamed_target_and_dev() -> None:
    text = (FIX / "workspace" / "crates" / "core" / "Cargo.toml").read_text()
    result = parse_cargo_toml("crates/core/Cargo.toml", text)
    assert result.root is not None and result.root.version is None  # version.workspace = true
    by = {c.name: c for c in result.components}
    renamed = by["private-crate"]
    assert ("cargo:renamed-as", "libc-private") in renamed.properties
    assert ("cargo:target", "cfg(unix)") in renamed.properties
    assert by["tempfile"].scope is Scope.DEV


def test_virtual_workspace_manifest_has_no_root() -> None:
    result = parse_cargo_toml("Cargo.toml", (FIX / "workspace" / "Cargo.toml").read_text())
    assert result.root is None and result.components == []


def test_workspace_inventory_folds_declarations_into_pins() -> None:
    inv = build_inventory(str(FIX / "workspace"))
    by = {c.purl: c for c in inv.components}
    assert by["pkg:cargo/tempfile@3.8.1"].scope is Scope.DEV
    assert by["pkg:cargo/tempfile@3.8.1"].direct is True
    assert by["pkg:cargo/serde@1.0.190"].direct is True
    assert by["pkg:cargo/syn@2.0.38"].direct is False
    assert all(c.resolved for c in inv.components)
    assert {p.name for p in inv.projects} >= {"acme-app", "acme-core"}


@pytest.mark.parametrize(
    "text",
    ["[[package]\nname = 'x'", "package = 3", 'version = 3\n[[package]]\nname = "a"\n[[package]]\nname = '],
)
def test_cargo_lock_malformed(text: str) -> None:
    try:
        parse_cargo_lock("Cargo.lock", text)
    except ParseError as exc:
        assert exc.path == "Cargo.lock"


def test_cargo_toml_lines_are_found_in_their_own_table() -> None:
    text = """[package]
name = "x"
version = "1.0.0"

[features]
serde = ["dep:serde"]

[dependencies.serde]
version = "1"
optional = true

[dev-dependencies]
serde_json = "1"
log = "0.4"

[target."cfg(windows)".dependencies]
winapi = { version = "0.3", features = ["winuser"] }
"""
    result = parse_cargo_toml("Cargo.toml", text)
    lines = {c.name: c.locations[0].line for c in result.components}
    assert lines == {"serde": 8, "serde_json": 13, "log": 14, "winapi": 17}
