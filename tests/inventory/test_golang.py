from __future__ import annotations

from pathlib import Path

import pytest

from ospo.inventory import build_inventory
from ospo.inventory.parsers import golang
from ospo.inventory.parsers.golang import parse_go_mod, parse_go_sum, parse_go_work, parse_vendor_modules, split_module
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


WORKSPACE = Path(__file__).parents[1] / "fixtures" / "golang" / "workspace"
VENDORED = Path(__file__).parents[1] / "fixtures" / "golang" / "vendored"


def test_go_work_links_its_modules_and_lists_versioned_replacements() -> None:
    result = parse_go_work("go.work", (WORKSPACE / "go.work").read_text())
    assert result.root is None and result.projects == []
    assert result.edges == [("file:go.work", "file:api/go.mod"), ("file:go.work", "file:worker/go.mod")]
    by = {c.purl: c for c in result.components}
    assert set(by) == {"pkg:golang/github.com/sirupsen/logrus@v1.9.3", "pkg:golang/golang.org/x/sync@v0.6.0"}
    logrus = by["pkg:golang/github.com/sirupsen/logrus@v1.9.3"]
    assert logrus.locations[0].line == 12 and logrus.direct is None
    assert ("golang:replaces", "github.com/sirupsen/logrus@v1.9.0") in logrus.properties
    assert ("golang:replaces", "golang.org/x/sync") in by["pkg:golang/golang.org/x/sync@v0.6.0"].properties
    assert [(n.kind, n.line) for n in result.notes] == [("note", 16)]
    assert "../shared" in result.notes[0].message


def test_go_work_in_a_subfolder_names_members_from_there() -> None:
    result = parse_go_work("ws/go.work", 'use (\n\t"./a b"\n\t../outside\n\t.\n)\n')
    assert [dst for _, dst in result.edges] == ["file:ws/a b/go.mod", "file:outside/go.mod", "file:ws/go.mod"]


def test_go_work_workspace_modules_are_projects_not_components() -> None:
    inv = build_inventory(str(WORKSPACE))
    assert [p.purl for p in inv.projects] == ["pkg:golang/example.com/acme/api", "pkg:golang/example.com/acme/worker"]
    assert not any("example.com/acme" in c.purl for c in inv.components)
    work = next(d for d in inv.dependencies if d.ref == "file:go.work")
    assert work.depends_on == ("pkg:golang/example.com/acme/api", "pkg:golang/example.com/acme/worker")
    assert [p.path for p in inv.problems] == ["go.work"]  # the local replacement note


@pytest.mark.parametrize(
    ("text", "line"),
    [
        ("use (\n./a\n", None),
        ("use ./a ./b\n", 1),
        ("go 1.22\nreplace a.example/x => b.example/x\n", 2),
        ("replace a.example/x v1.0.0\n", 1),
        ('use "./a\n', 1),
    ],
)
def test_go_work_malformed(text: str, line: int | None) -> None:
    with pytest.raises(ParseError) as err:
        golang.PARSERS[2].parse("ws/go.work", text)
    assert err.value.path == "ws/go.work" and err.value.line == line


def test_vendor_modules_components() -> None:
    result = parse_vendor_modules("vendor/modules.txt", (VENDORED / "vendor" / "modules.txt").read_text())
    by = {c.purl: c for c in result.components}
    assert set(by) == {
        "pkg:golang/example.com/acme/internal-lib",
        "pkg:golang/github.com/google/uuid@v1.3.0",
        "pkg:golang/github.com/sirupsen/logrus@v1.8.1",
        "pkg:golang/golang.org/x/net@v0.8.0",
        "pkg:golang/golang.org/x/sys@v0.0.0-20191026070338-33540a1f6037",
        "pkg:golang/golang.org/x/text@v0.7.0",
    }
    uuid = by["pkg:golang/github.com/google/uuid@v1.3.0"]
    assert uuid.direct is None and uuid.locations[0].line == 4  # explicit: go.mod decides
    assert ("golang:vendored-packages", "1") in uuid.properties
    sys_ = by["pkg:golang/golang.org/x/sys@v0.0.0-20191026070338-33540a1f6037"]
    assert sys_.direct is False and ("golang:vendored-packages", "3") in sys_.properties
    net = by["pkg:golang/golang.org/x/net@v0.8.0"]
    assert ("golang:replaces", "golang.org/x/net@v0.7.0") in net.properties and net.locations[0].line == 10
    local = by["pkg:golang/example.com/acme/internal-lib"]
    assert not local.resolved and local.declared_range == "v0.3.0 => ../internal-lib"
    assert ("golang:vendored-packages", "0") in by["pkg:golang/golang.org/x/text@v0.7.0"].properties
    assert result.edges == [] and result.notes == []


def test_vendor_modules_go_annotations_and_wildcard_replacements() -> None:
    text = (
        "# a.example/x v1.2.0\n## explicit; go 1.21\na.example/x\n"
        "# b.example/y v0.1.0 => c.example/y v0.2.0\n## go 1.18\nb.example/y/z\n"
        "# d.example/z => ../z\n## explicit\n"
    )
    result = parse_vendor_modules("vendor/modules.txt", text)
    assert [(c.purl, c.direct) for c in result.components] == [
        ("pkg:golang/a.example/x@v1.2.0", None),
        ("pkg:golang/c.example/y@v0.2.0", False),
    ]
    assert ("golang:go", "1.21") in result.components[0].properties


def test_vendor_modules_merge_with_go_mod_for_directness() -> None:
    inv = build_inventory(str(VENDORED))
    by = {c.purl: c for c in inv.components}
    uuid = by["pkg:golang/github.com/google/uuid@v1.3.0"]
    assert uuid.direct is True and {loc.path for loc in uuid.locations} == {"go.mod", "vendor/modules.txt"}
    assert by["pkg:golang/golang.org/x/text@v0.7.0"].direct is False  # explicit, but // indirect
    assert by["pkg:golang/golang.org/x/sys@v0.0.0-20191026070338-33540a1f6037"].direct is False
    assert by["pkg:golang/golang.org/x/net@v0.8.0"].direct is True
    assert len(by) == 6 and not inv.problems


@pytest.mark.parametrize(
    ("text", "line"),
    [
        ("## explicit\n", 1),
        ("a.example/x\n", 1),
        ("# a.example/x\n", 1),
        ("# a.example/x v1 extra\n", 1),
        ("# a.example/x 1.0.0\n", 1),
        ("# a.example/x v1.0.0 =>\n", 1),
        ("#a.example/x v1.0.0\n", 1),
        ("# a.example/x v1.0.0\n## explicit\n# /x v1.0.0\n", 3),
    ],
)
def test_vendor_modules_malformed(text: str, line: int | None) -> None:
    with pytest.raises(ParseError) as err:
        golang.PARSERS[3].parse("vendor/modules.txt", text)
    assert err.value.path == "vendor/modules.txt" and err.value.line == line


def test_claims_go_work_and_vendor_modules() -> None:
    from ospo.inventory.registry import parser_for

    for relpath in ("vendor/modules.txt", "svc/vendor/modules.txt", "a/b/vendor/modules.txt"):
        spec = parser_for("modules.txt", relpath)
        assert spec is not None and spec.name == "go-vendor-modules", relpath
    for relpath in (
        "modules.txt",
        "vendor/x/modules.txt",
        "vendor/x/vendor/modules.txt",
        "testdata/vendor/modules.txt",
    ):
        assert parser_for("modules.txt", relpath) is None, relpath
    # no other parser claims it, wherever it sits in the table
    from ospo.inventory.registry import PARSER_TABLE

    claiming = [e.name for e in PARSER_TABLE if e.claims("modules.txt", "requirements/vendor/modules.txt")]
    assert claiming == ["go-vendor-modules"]
    spec = parser_for("go.work", "go.work")
    assert spec is not None and spec.name == "go-work"
    assert parser_for("go.work", "svc/testdata/go.work") is None
