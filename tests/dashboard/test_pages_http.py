"""The dashboard over real HTTP: every page behind login, roles and CSRF on decisions, exports."""

from __future__ import annotations

import csv
import io
import json
import re
from urllib.parse import quote

import httpx
import pytest

from ospo.service.pages import router
from ospo.service.pages_exceptions import router as exceptions_router

from .conftest import Dashboard
from .seed import CVE, GPL, PASSWORD, VULNERABLE

PAGES = [
    "/",
    "/portfolio",
    "/product?name=Shop",
    "/project?name=shop-web",
    f"/why?project=shop-web&purl={quote(VULNERABLE)}",
    f"/component?purl={quote('pkg:pypi/vulnpkg')}",
    "/license?expression=MIT",
    f"/advisory?id={CVE}",
    "/vulnerabilities",
    "/search?q=vulnpkg",
    "/search.json?q=vulnpkg",
    "/review",
    "/exceptions",
    "/export/components.csv?project=shop-web",
    "/export/review.csv",
    "/export/vulnerabilities.csv",
    "/export/sbom.cdx.json?project=shop-web",
    "/export/notice.html?project=shop-web",
    "/export/audit.html?project=shop-web",
]

POSTED = {"/findings/state", "/exceptions/revoke"}  # forms only (tests/dashboard/test_exceptions_pages.py)


def logged_in(dashboard: Dashboard, role: str) -> tuple[httpx.Client, str]:
    """A client carrying `role`'s session cookie, and the session's CSRF token (from a page)."""
    client = httpx.Client(base_url=dashboard.url, timeout=30)
    form = client.get("/login")
    token = re.search(r'name="login_csrf" value="([^"]+)"', form.text)
    assert token is not None
    response = client.post(
        "/login",
        data={"email": f"{role}@example.test", "password": PASSWORD, "login_csrf": token.group(1), "next": "/"},
    )
    assert response.status_code == 303 and response.headers["location"] == "/"
    page = client.get("/review")
    csrf = re.search(r'name="csrf_token" value="([^"]+)"', page.text)
    assert csrf is not None
    return client, csrf.group(1)


def test_every_page_route_is_listed_here() -> None:
    paths = {getattr(r, "path", "") for r in (*router.routes, *exceptions_router.routes)}
    listed = {p.split("?")[0] for p in PAGES} | {"/login", "/logout", "/static/{name}"} | POSTED
    assert paths == listed


@pytest.mark.parametrize("page", PAGES)
def test_unauthenticated_requests_are_sent_to_login(dashboard: Dashboard, page: str) -> None:
    response = httpx.get(dashboard.url + page, timeout=30)
    assert response.status_code == 303
    location = response.headers["location"]
    assert location.startswith("/login?next=")
    assert "%2F" in location  # where to come back to after logging in


def test_each_page_renders_for_a_viewer(dashboard: Dashboard) -> None:
    client, _ = logged_in(dashboard, "viewer")
    for page in PAGES:
        response = client.get(page)
        assert response.status_code == 200, (page, response.text[:500])
    assert "Approve exception" not in client.get("/review").text
    assert "Approve exception" not in client.get(f"/component?purl={quote('pkg:pypi/vulnpkg')}").text


def test_dashboard_reports_what_was_seeded(dashboard: Dashboard) -> None:
    client, _ = logged_in(dashboard, "viewer")
    home = client.get("/").text
    assert 'id="review-count">2<' in home
    assert "overdue" in home and CVE in home
    assert "stale (60 days)" in home
    assert "Mobile" in home  # a product without any scan
    assert "<svg" in home and "Trends" in home
    why = client.get(f"/why?project=shop-web&purl={quote(VULNERABLE)}").text
    assert why.index("pkg:pypi/shop-web@1.0.0") < why.index("pkg:pypi/flask@3.0.0") < why.rindex(VULNERABLE)
    component = client.get(f"/component?purl={quote(VULNERABLE)}").text
    assert "2.0.1" in component  # the upgrade that clears the vulnerability
    assert "shop-web" in component and "Shop" in component
    found = client.get("/search.json?q=" + CVE.lower()).json()
    assert any(h["kind"] == "advisory" for h in found)
    assert any(h["kind"] == "license" for h in client.get("/search.json?q=gpl").json())
    assert client.get("/search?q=pkg:pypi/vulnpkg").text.count("/component?purl=") >= 1


def test_login_refuses_a_form_without_its_own_token(dashboard: Dashboard) -> None:
    response = httpx.post(
        dashboard.url + "/login", data={"email": "viewer@example.test", "password": PASSWORD}, timeout=30
    )
    assert response.status_code == 403
    assert "ospo_session" not in response.headers.get("set-cookie", "")


def test_wrong_password_goes_back_to_the_form(dashboard: Dashboard) -> None:
    client = httpx.Client(base_url=dashboard.url, timeout=30)
    token = re.search(r'name="login_csrf" value="([^"]+)"', client.get("/login").text)
    assert token is not None
    response = client.post(
        "/login", data={"email": "viewer@example.test", "password": "wrong" * 4, "login_csrf": token.group(1)}
    )
    assert response.status_code == 303 and response.headers["location"].startswith("/login?")
    assert client.get("/").status_code == 303


def test_login_never_redirects_off_site(dashboard: Dashboard) -> None:
    client = httpx.Client(base_url=dashboard.url, timeout=30)
    token = re.search(r'name="login_csrf" value="([^"]+)"', client.get("/login").text)
    assert token is not None
    response = client.post(
        "/login",
        data={
            "email": "viewer@example.test",
            "password": PASSWORD,
            "login_csrf": token.group(1),
            "next": "//evil.example/",
        },
    )
    assert response.headers["location"] == "/"


def decision(csrf: str | None, purl: str = VULNERABLE, project: str = "shop-web") -> dict[str, str]:
    data = {"project": project, "purl": purl, "decision": "approve", "reason": "not reachable", "expires": "2030-01-01"}
    if csrf is not None:
        data["csrf_token"] = csrf
    return data


def test_a_viewer_cannot_decide(dashboard: Dashboard) -> None:
    client, csrf = logged_in(dashboard, "viewer")
    assert client.post("/review", data=decision(csrf)).status_code == 403
    assert 'id="review-count">2<' in client.get("/").text


def test_a_decision_without_the_csrf_token_is_refused(dashboard: Dashboard) -> None:
    client, csrf = logged_in(dashboard, "reviewer")
    assert client.post("/review", data=decision(None)).status_code == 403
    assert client.post("/review", data=decision("x" + csrf)).status_code == 403
    assert client.post("/logout", data={}).status_code == 403
    assert 'id="review-count">2<' in client.get("/").text


def test_unauthenticated_posts_are_sent_to_login(dashboard: Dashboard) -> None:
    response = httpx.post(dashboard.url + "/review", data=decision("whatever"), timeout=30)
    assert response.status_code == 303 and response.headers["location"].startswith("/login")


def test_a_reviewer_approves_and_denies_and_the_audit_log_says_so(dashboard: Dashboard) -> None:
    client, csrf = logged_in(dashboard, "reviewer")
    response = client.post("/review", data=decision(csrf))
    assert response.status_code == 303
    assert 'id="review-count">1<' in client.get("/").text
    deny = {**decision(csrf, GPL, "shop-api"), "decision": "deny", "reason": "GPL in a distributed product"}
    assert client.post("/review", data=deny).status_code == 303
    home = client.get("/").text
    assert 'id="review-count">0<' in home
    # shop-web had one item to review, now approved: its scan is allowed; shop-api's is denied
    statuses = re.findall(
        r'project\?name=(shop-\w+)">shop-\w+</a></th>\s*<td>[^<]*</td>\s*<td>[^<]*</td>\s*<td><span class="verdict verdict-(\w+)',
        home,
    )
    assert dict(statuses) == {"shop-web": "allow", "shop-api": "deny"}
    # deciding again on an item that is no longer open is refused, not silently applied
    assert client.post("/review", data=decision(csrf)).status_code == 422
    review = client.get("/review").text
    assert "not reachable" in review and "GPL in a distributed product" in review and "2030-01-01" in review
    rows = list(csv.DictReader(io.StringIO(client.get("/export/components.csv?project=shop-web").text)))
    vuln = next(r for r in rows if r["purl"] == VULNERABLE)
    assert vuln["verdict"] == "allow" and vuln["exception"].startswith("ospo-")
    audit = client.get("/export/audit.html?project=shop-web").text
    assert vuln["exception"] in audit
    from ospo.store import open_store
    from ospo.store.portfolio import AuditRow

    store = open_store(dashboard.database_url)
    try:
        with store.session() as session:
            actions = [
                (a.action, a.actor, a.details.get("owner")) for a in session.query(AuditRow).order_by(AuditRow.id)
            ]
    finally:
        store.close()
    assert ("review.approve", "reviewer@example.test", "reviewer@example.test") in actions
    assert ("review.deny", "reviewer@example.test", "reviewer@example.test") in actions


def test_logout_ends_the_session(dashboard: Dashboard) -> None:
    client, csrf = logged_in(dashboard, "viewer")
    assert client.post("/logout", data={"csrf_token": csrf}).status_code == 303
    assert client.get("/").status_code == 303


def test_csv_exports(dashboard: Dashboard) -> None:
    client, _ = logged_in(dashboard, "viewer")
    components = client.get("/export/components.csv?project=shop-web")
    assert components.headers["content-type"].startswith("text/csv")
    assert "attachment" in components.headers["content-disposition"]
    rows = list(csv.DictReader(io.StringIO(components.text)))
    assert {r["purl"] for r in rows} == {"pkg:pypi/flask@3.0.0", VULNERABLE, "pkg:pypi/pytest@8.0.0"}
    assert next(r for r in rows if r["purl"] == VULNERABLE)["verdict"] == "review"
    queue = list(csv.DictReader(io.StringIO(client.get("/export/review.csv").text)))
    assert {(r["project"], r["purl"]) for r in queue} == {("shop-web", VULNERABLE), ("shop-api", GPL)}
    vulns = list(csv.DictReader(io.StringIO(client.get("/export/vulnerabilities.csv").text)))
    assert [(v["project"], v["purl"], v["id"], v["overdue"]) for v in vulns] == [("shop-web", VULNERABLE, CVE, "True")]
    sbom = json.loads(client.get("/export/sbom.cdx.json?project=shop-web").text)
    assert sbom["bomFormat"] == "CycloneDX"
    assert "flask" in client.get("/export/notice.html?project=shop-web").text


def test_csv_cells_are_not_formulas() -> None:
    from ospo.service.pages import _cell

    assert _cell("=HYPERLINK(1)") == "'=HYPERLINK(1)"
    assert _cell(["a", "b"]) == "a; b"
    assert _cell(None) == ""


def test_an_older_scan_and_unknown_names(dashboard: Dashboard) -> None:
    client, _ = logged_in(dashboard, "viewer")
    project = client.get("/project?name=shop-web").text
    scans = re.findall(r"scan=(\d+)", project)
    assert scans
    older = client.get(f"/project?name=shop-web&scan={min(int(s) for s in scans)}")
    assert older.status_code == 200 and "not the latest scan" in older.text
    assert client.get("/project?name=nope").status_code == 404
    assert client.get("/product?name=nope").status_code == 404
    assert client.get("/component?purl=pkg:npm/nope").status_code == 404
    assert client.get("/static/../app.py").status_code == 404
    assert client.get("/static/dashboard.css").headers["content-type"].startswith("text/css")
