"""Registry lookups against a real HTTP server on loopback serving registry-shaped answers."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from pytest_httpserver import HTTPServer
from werkzeug import Request, Response

from ospo.model import Component
from ospo.registry import lookup_all
from ospo.registry.client import RegistryHttp


def comp(eco: str, name: str, version: str, namespace: str | None = None) -> Component:
    from ospo.inventory.purls import make_purl

    return Component(make_purl(eco, name, version, namespace), name, version, eco, namespace=namespace)


POM = b"""<?xml version="1.0"?>
<project xmlns="http://maven.apache.org/POM/4.0.0">
  <url>https://logging.apache.org/log4j</url>
  <licenses><license><name>Apache-2.0</name><url>https://www.apache.org/licenses/LICENSE-2.0.txt</url></license></licenses>
  <scm><url>https://gitbox.apache.org/repos/asf?p=logging-log4j2.git</url></scm>
</project>"""


@pytest.fixture
def registry(httpserver: HTTPServer) -> HTTPServer:
    httpserver.expect_request("/pypi/requests/2.31.0/json").respond_with_json(
        {
            "info": {
                "license": "Apache 2.0",
                "license_expression": None,
                "classifiers": ["License :: OSI Approved :: Apache Software License"],
                "project_urls": {"Source": "https://github.com/psf/requests"},
                "home_page": "https://requests.readthedocs.io",
            },
            "urls": [{"upload_time_iso_8601": "2023-05-22T15:12:42Z"}],
        }
    )
    httpserver.expect_request("/pypi/attrs/24.2.0/json").respond_with_json(
        {"info": {"license_expression": "MIT", "license": "", "classifiers": []}, "urls": []}
    )
    httpserver.expect_request("/pypi/gone/1.0/json").respond_with_data("not found", status=404)
    httpserver.expect_request("/@types/node/20.1.0").respond_with_json(
        {"license": "MIT", "repository": {"url": "git+https://github.com/DefinitelyTyped/DefinitelyTyped.git"}}
    )
    httpserver.expect_request("/old-style/1.0.0").respond_with_json(
        {"licenses": [{"type": "MIT"}, {"type": "Apache-2.0"}]}
    )
    httpserver.expect_request("/api/v1/crates/serde/1.0.200").respond_with_json(
        {"version": {"license": "MIT/Apache-2.0", "created_at": "2024-05-01T00:00:00Z"}}
    )
    httpserver.expect_request("/org/apache/logging/log4j/log4j-core/2.14.1/log4j-core-2.14.1.pom").respond_with_data(
        POM, content_type="application/xml"
    )
    httpserver.expect_request("/api/v2/rubygems/rails/versions/7.1.0.json").respond_with_json(
        {"licenses": ["MIT"], "source_code_uri": "https://github.com/rails/rails", "created_at": "2023-10-05"}
    )
    httpserver.expect_request("/p2/monolog/monolog.json").respond_with_json(
        {
            "packages": {
                "monolog/monolog": [
                    {
                        "version": "3.5.0",
                        "license": ["MIT"],
                        "source": {"url": "https://github.com/Seldaek/monolog.git"},
                    },
                    {"version": "3.4.0"},
                ]
            }
        }
    )
    httpserver.expect_request("/v3/registration5-semver1/newtonsoft.json/13.0.3.json").respond_with_json(
        {"catalogEntry": httpserver.url_for("/catalog/newtonsoft.json.13.0.3.json")}
    )
    httpserver.expect_request("/catalog/newtonsoft.json.13.0.3.json").respond_with_json(
        {"licenseExpression": "MIT", "projectUrl": "https://www.newtonsoft.com/json"}
    )
    return httpserver


def base_urls(server: HTTPServer) -> dict[str, str]:
    url = server.url_for("").rstrip("/")
    return {k: url for k in ("pypi", "npm", "cargo", "maven", "gem", "composer", "nuget")}


def test_every_registry_shape_is_read(registry: HTTPServer, tmp_path: Path) -> None:
    comps = [
        comp("pypi", "requests", "2.31.0"),
        comp("pypi", "attrs", "24.2.0"),
        comp("pypi", "gone", "1.0"),
        comp("npm", "node", "20.1.0", "@types"),
        comp("npm", "old-style", "1.0.0"),
        comp("cargo", "serde", "1.0.200"),
        comp("maven", "log4j-core", "2.14.1", "org.apache.logging.log4j"),
        comp("gem", "rails", "7.1.0"),
        comp("composer", "monolog", "3.5.0", "monolog"),
        comp("nuget", "Newtonsoft.Json", "13.0.3"),
        comp("golang", "x", "v1.0.0", "example.com"),
    ]
    result = lookup_all(comps, cache_dir=tmp_path, base_urls=base_urls(registry))
    got = {purl: meta.licenses for purl, meta in result.found.items()}
    assert got == {
        "pkg:pypi/requests@2.31.0": ("Apache 2.0",),
        "pkg:pypi/attrs@24.2.0": ("MIT",),
        "pkg:npm/%40types/node@20.1.0": ("MIT",),
        "pkg:npm/old-style@1.0.0": ("MIT", "Apache-2.0"),
        "pkg:cargo/serde@1.0.200": ("MIT OR Apache-2.0",),
        "pkg:maven/org.apache.logging.log4j/log4j-core@2.14.1": ("Apache-2.0",),
        "pkg:gem/rails@7.1.0": ("MIT",),
        "pkg:composer/monolog/monolog@3.5.0": ("MIT",),
        "pkg:nuget/Newtonsoft.Json@13.0.3": ("MIT",),
    }
    assert result.found["pkg:pypi/attrs@24.2.0"].is_expression
    assert result.found["pkg:pypi/requests@2.31.0"].repository == "https://github.com/psf/requests"
    assert result.missing == ["pkg:pypi/gone@1.0"]
    assert result.unsupported == ["pkg:golang/example.com/x@v1.0.0"]
    assert not result.problems

    # A second run is answered from the cache: nothing goes out.
    again = lookup_all(comps, cache_dir=tmp_path, base_urls=base_urls(registry))
    assert again.requests == 0
    assert again.found.keys() == result.found.keys()


def test_retry_after_and_revalidation(httpserver: HTTPServer, tmp_path: Path) -> None:
    calls = {"n": 0}

    def flaky(request: Request) -> Response:
        calls["n"] += 1
        if calls["n"] == 1:
            return Response("slow down", status=429, headers={"Retry-After": "0"})
        if request.headers.get("If-None-Match") == '"v1"':
            return Response(status=304)
        return Response(json.dumps({"license": "ISC"}), headers={"ETag": '"v1"'}, content_type="application/json")

    httpserver.expect_request("/left-pad/1.3.0").respond_with_handler(flaky)
    http = RegistryHttp(tmp_path, max_age=0)
    url = httpserver.url_for("/left-pad/1.3.0")
    assert http.get_json(url) == {"license": "ISC"}
    assert calls["n"] == 2
    # max_age 0: revalidated with the ETag, answered 304, body from the cache.
    assert http.get_json(url) == {"license": "ISC"}
    assert calls["n"] == 3
    http.close()


def test_server_errors_become_problems_not_exceptions(httpserver: HTTPServer, tmp_path: Path) -> None:
    httpserver.expect_request("/pypi/broken/1.0/json").respond_with_data("{not json", status=200)
    httpserver.expect_request("/pypi/down/1.0/json").respond_with_data("", status=500)
    url = httpserver.url_for("").rstrip("/")
    result = lookup_all(
        [comp("pypi", "broken", "1.0"), comp("pypi", "down", "1.0")],
        cache_dir=tmp_path,
        base_urls={"pypi": url},
        retries=1,
    )
    assert sorted(p.path for p in result.problems) == ["pkg:pypi/broken@1.0", "pkg:pypi/down@1.0"]
    assert all(p.kind == "registry" for p in result.problems)
