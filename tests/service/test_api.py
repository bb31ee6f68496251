"""The REST API over real HTTP: every route's auth, ingest, where-is, sessions and CSRF."""

from __future__ import annotations

import re
from typing import Any

import httpx
from fastapi.routing import APIRoute

from ospo.model import Component, ConcludedLicense, Inventory, PolicyDecision, ScanResult, Verdict
from ospo.model.serialize import to_data
from ospo.service.api import router
from ospo.service.app import create_app
from ospo.service.auth import PERMISSIONS

PASSWORD = "correct horse battery staple"  # the service fixture's users' password
Service = Any  # the `service` fixture (tests/service/conftest.py)


def route_permission(route: APIRoute) -> str | None:
    """The permission a route's `requires(...)` dependency demands, found in its dependency tree."""
    stack = list(route.dependant.dependencies)
    while stack:
        dep = stack.pop()
        permission = getattr(dep.call, "permission", None)
        if permission is not None:
            return str(permission)
        stack.extend(dep.dependencies)
    return None


PUBLIC = {("GET", "/api/v1/health"), ("POST", "/api/v1/login")}


def scan_json(*versions: str) -> dict[str, Any]:
    comps = [
        Component(
            f"pkg:maven/org.apache.logging.log4j/log4j-core@{v}",
            "log4j-core",
            v,
            "maven",
            namespace="org.apache.logging.log4j",
        )
        for v in versions
    ]
    result = ScanResult(
        root=".",
        inventory=Inventory(root=".", components=comps),
        decisions=[PolicyDecision(c.purl, Verdict.ALLOW) for c in comps],
        concluded=[ConcludedLicense(c.purl, "Apache-2.0", "declared") for c in comps],
        verdict="allow",
    )
    return {"ospo_scan_version": 1, **to_data(result)}


def api_routes(routes: list[Any], prefix: str = "") -> list[tuple[str, APIRoute]]:
    """(full path, route) of every APIRoute, also those of routers included into the API's
    router (FastAPI keeps an included router as one entry holding the original router)."""
    out: list[tuple[str, APIRoute]] = []
    for route in routes:
        if isinstance(route, APIRoute):
            out.append((prefix + route.path, route))
        included = getattr(route, "original_router", None)
        if included is not None:
            out.extend(api_routes(included.routes, prefix + route.include_context.prefix))
    return out


def routes() -> list[tuple[str, str, str | None]]:
    """Every API route with the permission it demands, cross-checked against the app's OpenAPI.

    Routers included in the `/api/v1` router (api_decisions, api_portfolio) are walked too
    (`api_routes`)."""
    out = []
    for path, route in api_routes(router.routes):
        for method in route.methods:
            out.append((method, path, route_permission(route)))
    served = {
        (method.upper(), path) for path, ops in create_app("sqlite://").openapi()["paths"].items() for method in ops
    }
    assert {(m, p) for m, p, _ in out} == served  # nothing served that the test does not see
    return sorted(out)


def concrete(path: str) -> str:
    return re.sub(r"\{[^}]+\}", "1", path)


def test_every_route_refuses_the_unauthenticated_and_the_wrong_role(service: Service) -> None:
    checked = 0
    for method, path, permission in routes():
        if (method, path) in PUBLIC:
            continue
        url = concrete(path)
        with service.client() as anonymous:
            response = anonymous.request(method, url, json={})
            assert response.status_code == 401, (method, path, response.status_code)
        if permission is None:
            continue
        for role, granted in PERMISSIONS.items():
            if permission in granted:
                continue
            with service.client(role) as client:
                response = client.request(method, url, json={})
                assert response.status_code == 403, (method, path, role, response.status_code)
        checked += 1
    assert checked >= 13  # every protected route was enumerated from the app, the included routers' too


def test_every_read_route_refuses_a_token_not_scoped_to_read(service: Service) -> None:
    with service.client("admin") as admin:
        made = admin.post("/api/v1/tokens", json={"email": "admin@example.test", "name": "ci", "scopes": ["upload"]})
        token = made.json()["token"]
    reads = [(m, p) for m, p, permission in routes() if permission == "read"]
    assert ("GET", "/api/v1/findings") in reads and ("GET", "/api/v1/products/{product_id}") in reads
    with httpx.Client(base_url=service.url, headers={"Authorization": f"Bearer {token}"}) as upload_only:
        for method, path in reads:
            response = upload_only.request(method, concrete(path), json={})
            assert response.status_code == 403, (method, path, response.status_code)


def test_health_is_public(service: Service) -> None:
    with service.client() as c:
        assert c.get("/api/v1/health").json() == {"status": "ok"}


def test_upload_then_where(service: Service) -> None:
    with service.client("engineer") as ci:
        first = ci.post("/api/v1/scans", params={"project": "billing", "product": "Billing"}, json=scan_json("2.14.1"))
        assert first.status_code == 201, first.text
        again = ci.post("/api/v1/scans", params={"project": "billing", "product": "Billing"}, json=scan_json("2.14.1"))
        assert again.json()["created"] is False
        bad = ci.post("/api/v1/scans", params={"project": "billing"}, json={"not": "a scan"})
        assert bad.status_code == 422
    with service.client("engineer") as ci:
        ci.post("/api/v1/scans", params={"project": "shop", "product": "Shop"}, json=scan_json("2.17.1"))
    with service.client("viewer") as viewer:
        found = viewer.get(
            "/api/v1/where",
            params={"purl": "pkg:maven/org.apache.logging.log4j/log4j-core", "range": "<2.17.1"},
        ).json()
        assert [(h["project"], h["product"], h["version"]) for h in found["hits"]] == [("billing", "Billing", "2.14.1")]
        assert (found["total"], found["projects"], found["products"], found["next_offset"]) == (1, 1, 1, None)
        # paged: every page carries the figures of the whole answer
        purl = "pkg:maven/org.apache.logging.log4j/log4j-core"
        first = viewer.get("/api/v1/where", params={"purl": purl, "limit": 1}).json()
        assert (first["total"], first["next_offset"], [h["project"] for h in first["hits"]]) == (2, 1, ["billing"])
        assert [(v["version"], v["places"]) for v in first["versions"]] == [("2.14.1", 1), ("2.17.1", 1)]
        second = viewer.get("/api/v1/where", params={"purl": purl, "limit": 1, "offset": 1}).json()
        assert (second["next_offset"], [h["project"] for h in second["hits"]]) == (None, ["shop"])
        assert viewer.get("/api/v1/where", params={"purl": purl, "limit": 0}).status_code == 422
        assert viewer.post("/api/v1/scans", params={"project": "x"}, json=scan_json("1.0")).status_code == 403
        assert viewer.get("/api/v1/summary").json()["projects"] == 2
        assert [p["name"] for p in viewer.get("/api/v1/projects").json()] == ["billing", "shop"]


def test_sessions_need_csrf_for_writes(service: Service) -> None:
    with httpx.Client(base_url=service.url) as browser:
        assert (
            browser.post("/api/v1/login", json={"email": "admin@example.test", "password": "wrong"}).status_code == 401
        )
        login = browser.post("/api/v1/login", json={"email": "admin@example.test", "password": PASSWORD})
        assert login.status_code == 200
        csrf = login.json()["csrf_token"]
        assert browser.get("/api/v1/me").json()["email"] == "admin@example.test"
        body = {"email": "new@example.test", "role": "viewer", "password": "a long enough password"}
        assert browser.post("/api/v1/users", json=body).status_code == 403  # cookie alone: refused
        assert browser.post("/api/v1/users", json=body, headers={"X-CSRF-Token": "nope"}).status_code == 403
        made = browser.post("/api/v1/users", json=body, headers={"X-CSRF-Token": csrf})
        assert made.status_code == 201, made.text
        assert browser.post("/api/v1/logout", headers={"X-CSRF-Token": csrf}).status_code == 204
        assert browser.get("/api/v1/me").status_code == 401


def test_tokens_revoked_and_audited(service: Service) -> None:
    with service.client("admin") as admin:
        made = admin.post("/api/v1/tokens", json={"email": "engineer@example.test", "name": "ci", "scopes": ["read"]})
        assert made.status_code == 201
        token, tid = made.json()["token"], made.json()["id"]
        with httpx.Client(base_url=service.url, headers={"Authorization": f"Bearer {token}"}) as ci:
            assert ci.get("/api/v1/projects").status_code == 200
            # scoped to read: an engineer's token may not upload
            assert ci.post("/api/v1/scans", params={"project": "x"}, json=scan_json("1.0")).status_code == 403
            assert admin.delete(f"/api/v1/tokens/{tid}").status_code == 204
            assert ci.get("/api/v1/projects").status_code == 401
        actions = [entry["action"] for entry in admin.get("/api/v1/audit").json()]
        assert "token.create" in actions and "token.revoke" in actions
