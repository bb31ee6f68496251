"""pip requirements files: pins, ranges, hashes, includes, URL/VCS/path lines, pip-compile."""

from __future__ import annotations

from pathlib import Path

from ospo.inventory import build_inventory
from ospo.inventory.parsers import pip_requirements
from ospo.model import Hash, Scope

FIXTURE = Path(__file__).parents[1] / "fixtures" / "python" / "pip"


def by_name(result: object) -> dict[str, object]:
    return {c.name.lower(): c for c in result.components}  # type: ignore[attr-defined]


def test_claims_by_name() -> None:
    claims = pip_requirements.claims
    assert claims("requirements.txt", "requirements.txt")
    assert claims("requirements-dev.txt", "a/requirements-dev.txt")
    assert claims("dev-requirements.txt", "dev-requirements.txt")
    assert claims("constraints.txt", "constraints.txt")
    assert claims("requirements.in", "requirements.in")
    assert claims("base.txt", "requirements/base.txt")
    assert not claims("notes.txt", "docs/notes.txt")
    assert not claims("requirements.py", "requirements.py")


def test_pip_compile_output_pins_hashes_and_via() -> None:
    text = (FIXTURE / "requirements.txt").read_text()
    result = pip_requirements.parse("requirements.txt", text)
    comps = by_name(result)
    django = comps["django"]
    assert django.purl == "pkg:pypi/django@4.2.13"
    assert django.resolved and django.direct is True
    assert Hash("sha256", "837e3cf1f6c31347a1396a3f6b65688f2b4bb4a11c580dcb628b5afe527b68a5") in django.hashes
    assert len(django.hashes) == 2
    assert django.locations[0].line == 13
    asgiref = comps["asgiref"]
    assert asgiref.direct is False  # "# via django"
    assert comps["sqlparse"].direct is True  # multi-line via naming -r requirements.in
    assert ("pkg:pypi/django@4.2.13", "pkg:pypi/asgiref@3.8.1") in result.edges
    assert ("pkg:pypi/requests@2.32.3", "pkg:pypi/pysocks@1.7.1") in result.edges
    assert dict(comps["requests"].properties)["python:extras"] == "socks"
    assert result.notes == []  # --index-url is ignored, not noted


def test_ranges_markers_urls_vcs_and_notes() -> None:
    text = (FIXTURE / "requirements-dev.txt").read_text()
    result = pip_requirements.parse("requirements-dev.txt", text)
    comps = by_name(result)
    pytest_req = comps["pytest"]
    assert not pytest_req.resolved and pytest_req.declared_range == ">=8"
    assert pytest_req.scope is Scope.DEV
    assert dict(pytest_req.properties)["python:marker"] == 'python_version >= "3.9"'
    testkit = comps["acme-testkit"]
    assert testkit.download_url == "git+https://github.com/acme/acme-testkit.git@v1.2.0#egg=acme-testkit"
    assert dict(testkit.properties) == {"python:editable": "true", "python:source": "vcs"}
    wheel = comps["acme_auth"]
    assert wheel.purl == "pkg:pypi/acme-auth@2.1.0"
    assert comps["legacy-lib"].purl == "pkg:pypi/legacy-lib@0.9"
    assert comps["private-sdk"].download_url == "git+ssh://git@example.com/acme/private-sdk.git@4f2a1c9"
    assert result.includes == ["requirements.txt", "shared/lint-tools.txt", "constraints.txt"]
    messages = [(n.kind, n.line, n.message) for n in result.notes]
    assert any(k == "unsupported" and line == 6 and "local-plugin" in m for k, line, m in messages)
    assert any(k == "unsupported" and line == 11 and "outside" in m for k, line, m in messages)


def test_continuations_comments_and_options() -> None:
    text = (
        "# header\n"
        "Flask==3.0.0 \\\n"
        "    --hash=sha256:AABB \\\n"
        "    --hash=sha512:ccdd  # pinned\n"
        "foo_bar[x,y] >= 1.0, < 2 ; sys_platform == 'linux'\n"
        "name @ https://example.com/name-1.0.tar.gz\n"
        "--no-binary :all:\n"
        "--frobnicate\n"
        "!!! not a requirement\n"
        "baz===1.0-weird\n"
    )
    result = pip_requirements.parse("requirements.txt", text)
    comps = by_name(result)
    assert comps["flask"].hashes == (Hash("sha256", "aabb"), Hash("sha512", "ccdd"))
    foo = comps["foo_bar"]
    assert foo.purl == "pkg:pypi/foo-bar" and foo.declared_range == ">= 1.0, < 2"
    assert dict(foo.properties) == {"python:extras": "x,y", "python:marker": "sys_platform == 'linux'"}
    assert comps["name"].download_url == "https://example.com/name-1.0.tar.gz"
    assert comps["baz"].version == "1.0-weird"
    kinds = sorted((n.line, n.kind) for n in result.notes)
    assert kinds == [(8, "unsupported"), (9, "unsupported")]


def test_constraints_are_marked_and_not_direct() -> None:
    result = pip_requirements.parse("constraints.txt", "pytest==8.2.0\nurllib3<3\n")
    assert all(dict(c.properties).get("pip:constraint") == "true" for c in result.components)
    assert all(c.direct is False for c in result.components)


def test_includes_are_read_even_when_not_claimed(tmp_path: Path) -> None:
    inventory = build_inventory(str(FIXTURE))
    assert "shared/lint-tools.txt" in inventory.manifests
    purls = {c.purl for c in inventory.components}
    assert "pkg:pypi/ruff@0.4.4" in purls and "pkg:pypi/mypy" in purls
    # requirements.in's ranges folded into requirements.txt's pins
    django = next(c for c in inventory.components if c.name.lower() == "django")
    assert django.version == "4.2.13" and django.direct is True
    assert {str(loc) for loc in django.locations} == {"requirements.in:1", "requirements.txt:13"}


def test_missing_and_escaping_includes_are_reported(tmp_path: Path) -> None:
    (tmp_path / "requirements.txt").write_text("-r missing.txt\n-r sub/../../x.txt\nsix==1.16.0\n")
    inventory = build_inventory(str(tmp_path))
    problems = [str(p) for p in inventory.problems]
    assert any("missing.txt not found" in p for p in problems)
    assert any("outside the scanned tree" in p for p in problems)
    assert [c.purl for c in inventory.components] == ["pkg:pypi/six@1.16.0"]


def test_include_cycle_terminates(tmp_path: Path) -> None:
    (tmp_path / "requirements.txt").write_text("-r a.txt\n")
    (tmp_path / "a.txt").write_text("-r b.txt\nsix==1\n")
    (tmp_path / "b.txt").write_text("-r a.txt\n-r requirements.txt\nidna==3\n")
    inventory = build_inventory(str(tmp_path))
    assert {c.purl for c in inventory.components} == {"pkg:pypi/six@1", "pkg:pypi/idna@3"}
    assert sorted(inventory.manifests) == ["a.txt", "b.txt", "requirements.txt"]


def test_single_file_root_follows_includes(tmp_path: Path) -> None:
    (tmp_path / "requirements.txt").write_text("-r other.txt\n")
    (tmp_path / "other.txt").write_text("attrs==23.1.0\n")
    inventory = build_inventory(str(tmp_path / "requirements.txt"))
    assert [c.purl for c in inventory.components] == ["pkg:pypi/attrs@23.1.0"]


def test_file_name_gives_scope() -> None:
    assert pip_requirements.scope_of_file("requirements-test.txt") is Scope.TEST
    assert pip_requirements.scope_of_file("requirements/dev.txt") is Scope.DEV
    assert pip_requirements.scope_of_file("requirements.txt") is Scope.RUNTIME
