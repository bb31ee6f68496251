from __future__ import annotations

from pathlib import Path

import pytest

from ospo.inventory import build_inventory
from ospo.inventory.parsers.golang import parse_go_mod, parse_go_sum, split_module
from ospo.model import ParseError

FIX = Path(__file__).parents[1] / "fixtures" / "golang" / "service"


def test_split_module_follows_purl_spec() -> None:
    assert split_module("golang.org/x/net") == ("golang.org/x", "net")
    assert split_module("gopkg.in/yaml.v3") == ("gopkg.in", "yaml.v3")
    assert split_module("rsc.io") == (None, "rsc.io")


def test_go_mod_requires_indirect_and_replace() -> None:
    result = parse_go_mod("go.mod", (FIX / "go.mod").read_text())
    assert result.root is not None
    assert result.root.purl == "pkg:golang/example.com/acme/service"
    assert ("golang:go", "1.21") in result.root.properties
    assert ("golang:toolchain", "go1.21.5") in result.root.properties
    by = {c.purl: c for c in result.components}
    uuid = by["pkg:golang/github.com/google/uuid@v1.4.0"]
    assert uuid.direct is True and uuid.resolved and uuid.locations[0].line == 8
    assert by["pkg:golang/golang.org/x/sys@v0.13.0"].direct is False
    assert by["pkg:golang/github.com/pkg/errors@v0.9.1"].direct is True  # single-line require
    # replace by another version: what is built is v0.19.0
    net = by["pkg:golang/golang.org/x/net@v0.19.0"]
    assert ("golang:replaces", "golang.org/x/net@v0.17.0") in net.properties
    assert not any(c.version == "v0.17.0" for c in result.components)
    # replace by a local directory: no published version is used
    local = by["pkg:golang/example.com/acme/internal-lib"]
    assert not local.resolved and local.declared_range == "v0.3.0 => ../internal-lib"
    assert len(result.components) == 9
    assert all(edge[0] == result.root.purl for edge in result.edges)


def test_go_mod_replace_module_wide_and_exclude_note() -> None:
    text = """module m
require (
    a.example/x v1.0.0
    "b.example/y" v2.0.0+incompatible // indirect; comment
)
replace a.example/x => c.example/x v1.1.0
exclude b.example/y v2.0.0+incompatible
"""
    result = parse_go_mod("go.mod", text)
    purls = {c.purl for c in result.components}
    assert purls == {"pkg:golang/c.example/x@v1.1.0", "pkg:golang/b.example/y@v2.0.0%2Bincompatible"}
    assert any("excluded" in n.message for n in result.notes)
    assert [c.direct for c in result.components] == [True, False]


def test_go_sum_zip_hashes_are_components_go_mod_lines_are_not() -> None:
    result = parse_go_sum("go.sum", (FIX / "go.sum").read_text())
    purls = {c.purl for c in result.components}
    assert "pkg:golang/gopkg.in/check.v1@v0.0.0-20161208181325-20d25e280405" not in purls
    assert "pkg:golang/github.com/davecgh/go-spew@v1.1.0" not in purls
    assert "pkg:golang/github.com/stretchr/testify@v1.7.0" in purls
    assert len(purls) == 10
    spew = next(c for c in result.components if c.name == "go-spew")
    assert spew.hashes[0].algorithm == "h1" and spew.direct is None


def test_go_mod_and_sum_merge() -> None:
    inv = build_inventory(str(FIX))
    by = {c.purl: c for c in inv.components}
    uuid = by["pkg:golang/github.com/google/uuid@v1.4.0"]
    assert uuid.direct is True and uuid.hashes and len(uuid.locations) == 2
    assert by["pkg:golang/golang.org/x/text@v0.13.0"].direct is False
    assert by["pkg:golang/github.com/pmezard/go-difflib@v1.0.0"].direct is None


@pytest.mark.parametrize(
    ("text", "line"),
    [("module m\nrequire (\n a v1\n", None), ("require a\n", 1), ('module "m\n', 1), ("replace a b\n", 1)],
)
def test_go_mod_malformed(text: str, line: int | None) -> None:
    with pytest.raises(ParseError) as err:
        parse_go_mod("go.mod", text)
    assert err.value.line == line


def test_go_sum_malformed() -> None:
    with pytest.raises(ParseError) as err:
        parse_go_sum("go.sum", "a v1.0.0 h1:x=\nnot a line\n")
    assert err.value.line == 2


def test_claims_skip_testdata_and_vendor() -> None:
    from ospo.inventory.registry import parser_for

    spec = parser_for("go.mod", "svc/go.mod")
    assert spec is not None and spec.name == "go-mod"
    assert parser_for("go.mod", "svc/testdata/mod/go.mod") is None
    assert parser_for("go.sum", "vendor/x/go.sum") is None
    assert parser_for("Cargo.toml", "vendor/serde/Cargo.toml") is None
