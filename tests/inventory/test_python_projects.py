"""pyproject.toml declarations, installed metadata, and nested projects in one tree."""

from __future__ import annotations

from pathlib import Path

import pytest

from ospo.inventory import build_inventory
from ospo.inventory.parsers import pyproject, python_metadata
from ospo.model import Component, ParseError, Scope

FIXTURES = Path(__file__).parents[1] / "fixtures" / "python"


def comp(components: list[Component], name: str) -> list[Component]:
    return [c for c in components if c.name.lower() == name]


def test_pep621_pep735_and_root() -> None:
    result = pyproject.parse("pyproject.toml", (FIXTURES / "uv-app" / "pyproject.toml").read_text())
    assert result.root is not None
    assert result.root.purl == "pkg:pypi/orders-service@1.4.0"
    assert result.root.declared_license == "Apache-2.0"
    httpx = comp(result.components, "httpx")[0]
    assert httpx.declared_range == ">=0.27" and httpx.direct is True and not httpx.resolved
    assert dict(httpx.properties)["python:extras"] == "http2"
    assert httpx.locations[0].line == 9
    assert comp(result.components, "pyyaml")[0].scope is Scope.OPTIONAL
    # "dev" includes "lint" and "test": each requirement appears under both names
    pytest_scopes = {c.scope for c in comp(result.components, "pytest")}
    assert pytest_scopes == {Scope.TEST, Scope.DEV}
    six = comp(result.components, "six")[0]
    assert six.download_url is not None and dict(six.properties)["python:source"] == "url"
    assert (result.root.purl, "pkg:pypi/httpx") in result.edges


def test_poetry_tables() -> None:
    result = pyproject.parse("pyproject.toml", (FIXTURES / "poetry-1" / "pyproject.toml").read_text())
    assert result.root is not None and result.root.purl == "pkg:pypi/legacy-app@0.9.0"
    names = sorted(c.name for c in result.components)
    assert names == ["Django", "PyYAML", "pytest"]  # python skipped
    assert comp(result.components, "pyyaml")[0].scope is Scope.OPTIONAL
    assert comp(result.components, "pytest")[0].scope is Scope.DEV
    assert comp(result.components, "django")[0].declared_range == "^3.2"
    assert comp(result.components, "django")[0].purl == "pkg:pypi/django"


def test_poetry_path_git_and_groups() -> None:
    result = pyproject.parse("pyproject.toml", (FIXTURES / "poetry-2" / "pyproject.toml").read_text())
    utils = comp(result.components, "internal-utils")[0]
    assert dict(utils.properties) == {
        "python:editable": "true",
        "python:path": "../internal-utils",
        "python:source": "path",
    }
    assert comp(result.components, "tomli")[0].download_url == "git+https://github.com/hukkin/tomli.git@2.0.1"
    assert comp(result.components, "pytest")[0].scope is Scope.TEST
    assert comp(result.components, "ruff")[0].scope is Scope.DEV


def test_self_reference_cycles_and_odd_entries() -> None:
    text = """
[project]
name = "Self_Ref"
dynamic = ["version"]
dependencies = ["attrs", 42, "!!bad"]

[project.optional-dependencies]
all = ["self-ref[extra]"]

[dependency-groups]
a = [{include-group = "b"}, "x"]
b = [{include-group = "a"}, "y"]
c = [{include-group = "missing"}, {unknown = 1}]
"""
    result = pyproject.parse("pyproject.toml", text)
    assert result.root is not None and result.root.purl == "pkg:pypi/self-ref"
    assert sorted({c.name for c in result.components}) == ["attrs", "x", "y"]
    messages = " | ".join(n.message for n in result.notes)
    assert "includes itself" in messages and "unknown group" in messages
    assert "not a string" in messages and "unreadable requirement" in messages


def test_tool_only_pyproject_has_no_root() -> None:
    result = pyproject.parse("pyproject.toml", "[tool.black]\nline-length = 100\n")
    assert result.root is None and result.components == []


def test_invalid_pyproject() -> None:
    with pytest.raises(ParseError):
        pyproject.parse("pyproject.toml", "[project\nname = 1")


# installed metadata

SITE = FIXTURES / "site-packages"


def test_metadata_licences_urls_and_edges() -> None:
    inventory = build_inventory(str(SITE))
    by = {c.name.lower(): c for c in inventory.components}
    assert by["requests"].declared_license == "Apache-2.0"
    assert by["requests"].homepage == "https://requests.readthedocs.io"
    assert dict(by["requests"].properties)["python:repository"] == "https://github.com/psf/requests"
    assert by["newstyle"].declared_license == "MIT OR Apache-2.0"  # License-Expression beats classifiers
    assert by["packaging"].declared_license == "Apache-2.0 OR BSD-2-Clause"
    assert by["certifi"].declared_license == "MPL-2.0"
    assert by["zope.interface"].purl == "pkg:pypi/zope-interface@5.4.0"
    assert by["zope.interface"].declared_license == "ZPL-2.1"  # alias of the License field
    # a licence text in License is noted; the classifier is used instead
    assert by["legacy_pkg"].declared_license == "MIT"
    assert any("licence text" in p.message and p.line == 7 for p in inventory.problems)
    # ambiguous classifier: kept as a property, not guessed
    assert by["jinja2"].declared_license is None
    assert dict(by["jinja2"].properties)["python:license-classifier"] == "OSI Approved :: BSD License"
    graph = {d.ref: set(d.depends_on) for d in inventory.dependencies}
    assert graph["pkg:pypi/requests@2.32.3"] == {"pkg:pypi/certifi@2026.10.18", "pkg:pypi/idna@3.20"}
    assert graph["pkg:pypi/jinja2@3.1.6"] == {"pkg:pypi/markupsafe@3.0.4"}


def test_metadata_extra_edges_link_only_when_installed(tmp_path: Path) -> None:
    site = tmp_path / "site-packages"
    for name, body in {
        "a-1.0": "Name: a\nVersion: 1.0\nRequires-Dist: b ; extra == 'x'\nRequires-Dist: c ; extra == 'y'\n",
        "b-2.0": "Name: b\nVersion: 2.0\n",
    }.items():
        (site / f"{name}.dist-info").mkdir(parents=True)
        (site / f"{name}.dist-info" / "METADATA").write_text("Metadata-Version: 2.1\n" + body)
    inventory = build_inventory(str(tmp_path))
    assert [(d.ref, d.depends_on) for d in inventory.dependencies] == [("pkg:pypi/a@1.0", ("pkg:pypi/b@2.0",))]


def test_two_environments_link_to_their_own_pins(tmp_path: Path) -> None:
    for env, version in (("env1", "1.0"), ("env2", "2.0")):
        site = tmp_path / env / "site-packages"
        for name, body in {
            f"app-{version}": f"Name: app\nVersion: {version}\nRequires-Dist: lib\n",
            f"lib-{version}": f"Name: lib\nVersion: {version}\n",
        }.items():
            (site / f"{name}.dist-info").mkdir(parents=True)
            (site / f"{name}.dist-info" / "METADATA").write_text("Metadata-Version: 2.1\n" + body)
    inventory = build_inventory(str(tmp_path))
    graph = {d.ref: d.depends_on for d in inventory.dependencies}
    assert graph == {"pkg:pypi/app@1.0": ("pkg:pypi/lib@1.0",), "pkg:pypi/app@2.0": ("pkg:pypi/lib@2.0",)}


def test_metadata_errors() -> None:
    with pytest.raises(ParseError):
        python_metadata.parse("x.dist-info/METADATA", "Metadata-Version: 2.1\nVersion: 1\n")
    with pytest.raises(ParseError) as info:
        python_metadata.parse("x.dist-info/METADATA", "Name: ok\nthis is not a header\n")
    assert info.value.line == 2
    with pytest.raises(ParseError):
        python_metadata.parse("x.dist-info/METADATA", "Name: bad name!\n")


def test_metadata_claims() -> None:
    claims = python_metadata.claims
    assert claims("METADATA", "lib/x-1.dist-info/METADATA")
    assert claims("PKG-INFO", "src/x.egg-info/PKG-INFO")
    assert claims("x-1.0-py3.11.egg-info", "site-packages/x-1.0-py3.11.egg-info")
    assert not claims("METADATA", "docs/METADATA")
    assert not claims("PKG-INFO", "x-1.0/PKG-INFO")


def test_license_field_spellings() -> None:
    def declared(single: dict[str, str], classifiers: list[str] = []) -> str | None:  # noqa: B006
        return python_metadata.declared_license(single, classifiers)[0]

    assert declared({"license": "Apache 2.0"}) == "Apache-2.0"
    assert declared({"license": "new BSD"}) == "BSD-3-Clause"
    assert declared({"license": "mit"}) == "MIT"
    assert declared({"license": "UNKNOWN"}, ["License :: OSI Approved :: ISC License (ISCL)"]) == "ISC"
    assert (
        declared(
            {},
            [
                "License :: OSI Approved :: MIT License",
                "License :: OSI Approved :: Apache Software License",
            ],
        )
        == "MIT AND Apache-2.0"
    )
    assert declared({"license-expression": "LicenseRef-Acme"}) == "LicenseRef-Acme"


# nested projects


def test_monorepo_folds_only_into_the_nearest_lock() -> None:
    inventory = build_inventory(str(FIXTURES / "monorepo"))
    assert {p.purl for p in inventory.projects} == {"pkg:pypi/api@0.1.0", "pkg:pypi/acme-common@3.0.0"}
    clicks = {c.purl: {str(loc) for loc in c.locations} for c in inventory.components if c.name == "click"}
    assert clicks["pkg:pypi/click@8.1.7"] == {
        "services/worker/requirements.in:1",
        "services/worker/requirements.txt:1",
    }
    assert "libs/common/pyproject.toml:9" in clicks["pkg:pypi/click"]  # no lock above libs/common
    api_click = next(p for p in clicks if p.startswith("pkg:pypi/click@8.5"))
    assert clicks[api_click] >= {"services/api/pyproject.toml:5"}
    graph = {d.ref: set(d.depends_on) for d in inventory.dependencies}
    assert graph["pkg:pypi/acme-common@3.0.0"] == {"pkg:pypi/click", "pkg:pypi/pydantic"}
    assert api_click in graph["pkg:pypi/api@0.1.0"]
