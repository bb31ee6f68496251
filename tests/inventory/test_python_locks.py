"""uv.lock, poetry.lock, pdm.lock, Pipfile.lock and Pipfile, alone and folded with pyproject.toml."""

from __future__ import annotations

from pathlib import Path

import pytest

from ospo.inventory import build_inventory
from ospo.inventory.parsers import pdm_lock, pipfile, poetry_lock, uv_lock
from ospo.model import Component, Hash, Inventory, ParseError, Scope

FIXTURES = Path(__file__).parents[1] / "fixtures" / "python"


def comp(components: list[Component], name: str) -> Component:
    found = [c for c in components if c.name.lower() == name]
    assert len(found) == 1, [c.purl for c in found]
    return found[0]


def deps(inventory: Inventory, ref: str) -> set[str]:
    return {t for d in inventory.dependencies if d.ref == ref for t in d.depends_on}


# uv.lock


def test_uv_lock_single_project() -> None:
    result = uv_lock.parse("uv.lock", (FIXTURES / "uv-app" / "uv.lock").read_text())
    assert result.root is not None and result.root.purl == "pkg:pypi/orders-service@1.4.0"
    assert all(c.name != "orders-service" for c in result.components)
    fastapi = comp(result.components, "fastapi")
    assert fastapi.direct is True and fastapi.scope is Scope.RUNTIME and fastapi.declared_range == ">=0.110"
    assert all(h.algorithm == "sha256" for h in fastapi.hashes) and len(fastapi.hashes) == 2
    starlette = comp(result.components, "starlette")
    assert starlette.direct is False and starlette.scope is Scope.RUNTIME
    # httpx[http2] pulls h2 in through httpx's optional-dependencies: runtime, not optional
    assert comp(result.components, "h2").scope is Scope.RUNTIME
    assert comp(result.components, "pyyaml").scope is Scope.OPTIONAL
    # PEP 735 groups: "test" is TEST, "lint" DEV; "dev" includes both, the root lists each
    assert comp(result.components, "pytest").scope in (Scope.DEV, Scope.TEST)
    assert comp(result.components, "ruff").scope is Scope.DEV
    assert comp(result.components, "iniconfig").direct is False
    six = comp(result.components, "six")
    assert six.download_url is not None and six.download_url.endswith(".whl")
    assert ("pkg:pypi/fastapi@0.165.0", "pkg:pypi/starlette@1.10.0") in result.edges
    assert (result.root.purl, "pkg:pypi/fastapi@0.165.0") in result.edges


def test_uv_workspace_members_are_projects() -> None:
    inventory = build_inventory(str(FIXTURES / "uv-workspace"))
    assert {p.purl for p in inventory.projects} == {
        "pkg:pypi/wsroot@0.1.0",
        "pkg:pypi/ws-core@0.2.0",
        "pkg:pypi/ws-api",
    }
    purls = {c.purl for c in inventory.components}
    assert not any("ws-" in p or "wsroot" in p for p in purls)
    assert deps(inventory, "pkg:pypi/ws-api") == {
        "pkg:pypi/fastapi@0.165.0",
        "pkg:pypi/six@1.17.0",
        "pkg:pypi/ws-core@0.2.0",
    }
    attrs = comp(inventory.components, "attrs")
    assert attrs.direct is True and attrs.declared_range == ">=23"
    assert {str(loc) for loc in attrs.locations} == {"packages/core/pyproject.toml:5", "uv.lock:43"}
    assert comp(inventory.components, "pytest").scope is Scope.DEV
    assert not any(c.resolved is False for c in inventory.components)


def test_uv_lock_sources_and_duplicate_versions() -> None:
    text = """
version = 1
requires-python = ">=3.10"

[[package]]
name = "app"
version = "0.1.0"
source = { editable = "." }
dependencies = [
    { name = "numpy", version = "1.26.4", source = { registry = "https://pypi.org/simple" }, marker = "python_full_version < '3.12'" },
    { name = "numpy", version = "2.1.0", source = { registry = "https://pypi.org/simple" }, marker = "python_full_version >= '3.12'" },
    { name = "tool", extra = ["cli"] },
    { name = "gitdep" },
    { name = "localdep" },
]

[[package]]
name = "numpy"
version = "1.26.4"
source = { registry = "https://pypi.org/simple" }

[[package]]
name = "numpy"
version = "2.1.0"
source = { registry = "https://pypi.org/simple" }

[[package]]
name = "tool"
version = "1.0"
source = { registry = "https://private.example.com/simple" }

[package.optional-dependencies]
cli = [{ name = "click" }]
docs = [{ name = "sphinx" }]

[[package]]
name = "click"
version = "8.1.7"
source = { registry = "https://pypi.org/simple" }

[[package]]
name = "sphinx"
version = "7.0.0"
source = { registry = "https://pypi.org/simple" }

[[package]]
name = "gitdep"
version = "0.3.0"
source = { git = "https://github.com/acme/gitdep?rev=main#0123abcd" }

[[package]]
name = "localdep"
version = "0.0.1"
source = { directory = "../localdep" }
"""
    result = uv_lock.parse("uv.lock", text)
    purls = {c.purl for c in result.components}
    assert {"pkg:pypi/numpy@1.26.4", "pkg:pypi/numpy@2.1.0"} <= purls
    assert comp(result.components, "click").scope is Scope.RUNTIME
    assert comp(result.components, "click").direct is False
    assert dict(comp(result.components, "tool").properties) == {"python:index": "https://private.example.com/simple"}
    assert comp(result.components, "gitdep").download_url == "git+https://github.com/acme/gitdep?rev=main#0123abcd"
    assert dict(comp(result.components, "localdep").properties) == {
        "python:path": "../localdep",
        "python:source": "directory",
    }
    assert result.root is not None and result.root.purl == "pkg:pypi/app@0.1.0"
    # the extra asked for ("cli") is an edge; the one nobody asked for ("docs") is not
    assert ("pkg:pypi/tool@1.0", "pkg:pypi/click@8.1.7") in result.edges
    assert ("pkg:pypi/tool@1.0", "pkg:pypi/sphinx@7.0.0") not in result.edges


def test_uv_lock_without_members_cannot_tell_direct() -> None:
    result = uv_lock.parse("uv.lock", 'version = 1\n[[package]]\nname = "six"\nversion = "1.16.0"\n')
    assert [(c.purl, c.direct) for c in result.components] == [("pkg:pypi/six@1.16.0", None)]


def test_uv_lock_early_distribution_tables() -> None:
    text = 'version = 1\n[[distribution]]\nname = "six"\nversion = "1.16.0"\n'
    result = uv_lock.parse("uv.lock", text)
    assert [(c.purl, c.locations[0].line) for c in result.components] == [("pkg:pypi/six@1.16.0", 2)]


def test_uv_lock_invalid_toml_names_the_line() -> None:
    with pytest.raises(ParseError) as info:
        uv_lock.parse("uv.lock", 'version = 1\n[[package]]\nname = "x\n')
    assert info.value.line == 3


# poetry.lock


def test_poetry_lock_2_groups_files_sources() -> None:
    result = poetry_lock.parse("poetry.lock", (FIXTURES / "poetry-2" / "poetry.lock").read_text())
    assert comp(result.components, "requests").scope is Scope.RUNTIME
    assert comp(result.components, "pytest").scope is Scope.TEST
    assert comp(result.components, "ruff").scope is Scope.DEV
    assert comp(result.components, "pyyaml").scope is Scope.OPTIONAL
    assert comp(result.components, "tomli").scope is Scope.RUNTIME  # groups main + test
    tomli = comp(result.components, "tomli")
    assert tomli.download_url == "git+https://github.com/hukkin/tomli.git@3ec6775a4a7e5bfa3b3b4b7d8e8b3f2f1a0c9d11"
    utils = comp(result.components, "internal-utils")
    assert dict(utils.properties)["python:source"] == "directory"
    assert len(comp(result.components, "attrs").hashes) == 2
    assert ("pkg:pypi/requests@2.31.0", "pkg:pypi/urllib3@2.2.1") in result.edges
    assert ("pkg:pypi/pytest@8.2.0", "pkg:pypi/colorama@0.4.6") in result.edges
    assert comp(result.components, "attrs").locations[0].line == 3


def test_poetry_lock_1_category_and_metadata_files() -> None:
    result = poetry_lock.parse("poetry.lock", (FIXTURES / "poetry-1" / "poetry.lock").read_text())
    django = comp(result.components, "django")
    assert django.scope is Scope.RUNTIME
    assert Hash("sha256", "e22c9266da3eec7827737cde57694d7db801fedac938d252bf27377cec06ed1b") in django.hashes
    assert comp(result.components, "pytest").scope is Scope.DEV
    assert comp(result.components, "pyyaml").scope is Scope.OPTIONAL


def test_poetry_projects_fold_into_the_lock() -> None:
    for folder, root in (("poetry-2", "pkg:pypi/billing@2.0.1"), ("poetry-1", "pkg:pypi/legacy-app@0.9.0")):
        inventory = build_inventory(str(FIXTURES / folder))
        assert [p.purl for p in inventory.projects] == [root]
        assert all(c.resolved for c in inventory.components), folder
        direct = {c.name.lower() for c in inventory.components if c.direct}
        indirect = {c.name.lower() for c in inventory.components if c.direct is None}
        assert "django" in direct or "requests" in direct
        assert not direct & indirect
    inventory = build_inventory(str(FIXTURES / "poetry-2"))
    assert comp(inventory.components, "requests").declared_range == ">=2.31,<3"
    assert comp(inventory.components, "pytest").scope is Scope.TEST
    assert "pkg:pypi/requests@2.31.0" in deps(inventory, "pkg:pypi/billing@2.0.1")


# pdm.lock


def test_pdm_lock_groups_extras_and_edges() -> None:
    result = pdm_lock.parse("pdm.lock", (FIXTURES / "pdm" / "pdm.lock").read_text())
    sqlalchemy = [c for c in result.components if c.name == "sqlalchemy"]
    assert len(sqlalchemy) == 1 and len(sqlalchemy[0].locations) == 2  # plain + [asyncio]
    assert comp(result.components, "pytest").scope is Scope.TEST
    assert comp(result.components, "ruff").scope is Scope.DEV
    assert comp(result.components, "pyyaml").scope is Scope.OPTIONAL
    assert comp(result.components, "httpx").scope is Scope.RUNTIME
    assert ("pkg:pypi/httpx@0.27.0", "pkg:pypi/httpcore@1.0.5") in result.edges
    assert ("pkg:pypi/sqlalchemy@2.0.31", "pkg:pypi/greenlet@3.0.3") in result.edges
    assert not any(src == dst for src, dst in result.edges)


def test_pdm_lock_3_metadata_files() -> None:
    text = """
[[package]]
name = "Six"
version = "1.16.0"
sections = ["default"]

[[package]]
name = "pytest"
version = "7.0.0"
sections = ["test"]

[metadata]
lock_version = "3.1"

[metadata.files]
"six 1.16.0" = [
    {url = "https://files.pythonhosted.org/six-1.16.0.tar.gz", hash = "sha256:1e61c37477a1626458e36f7b1d82aa5c9b094fa4802892072e49de9c60c4c926"},
]
"""
    result = pdm_lock.parse("pdm.lock", text)
    assert result.components[0].purl == "pkg:pypi/six@1.16.0"
    assert result.components[0].hashes[0].value.startswith("1e61c374")
    assert result.components[1].scope is Scope.TEST


# Pipenv


def test_pipfile_lock_sections_hashes_markers() -> None:
    result = pipfile.parse_lock("Pipfile.lock", (FIXTURES / "pipenv" / "Pipfile.lock").read_text())
    assert comp(result.components, "django").scope is Scope.RUNTIME
    assert comp(result.components, "pytest").scope is Scope.DEV
    requests = comp(result.components, "requests")
    assert dict(requests.properties)["python:extras"] == "socks"
    assert len(requests.hashes) == 2 and requests.locations[0].line is not None


def test_pipfile_lock_git_and_path_entries() -> None:
    text = (
        '{"_meta": {}, "default": {'
        '"mylib": {"git": "https://github.com/acme/mylib.git", "ref": "abc123", "editable": true},'
        '"localpkg": {"path": "./localpkg"},'
        '"loose": {"version": "*"}}, "develop": {}}'
    )
    result = pipfile.parse_lock("Pipfile.lock", text)
    assert comp(result.components, "mylib").download_url == "git+https://github.com/acme/mylib.git@abc123"
    assert dict(comp(result.components, "localpkg").properties)["python:path"] == "./localpkg"
    assert [n.kind for n in result.notes] == ["note"]  # loose has no pin


def test_pipfile_and_lock_fold() -> None:
    inventory = build_inventory(str(FIXTURES / "pipenv"))
    direct = sorted(c.name for c in inventory.components if c.direct)
    assert direct == ["celery", "django", "pytest", "requests"]
    assert all(c.resolved for c in inventory.components)


def test_pipfile_lock_not_json() -> None:
    with pytest.raises(ParseError) as info:
        pipfile.parse_lock("Pipfile.lock", "{\n  nope\n")
    assert info.value.line == 2
    with pytest.raises(ParseError):
        pipfile.parse_lock("Pipfile.lock", "[1, 2]")
