"""The dashboard's decisions over real HTTP on SQLite and PostgreSQL: the exceptions page,
the finding forms on the component page, CSRF and roles on both, hostile form input."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path
from urllib.parse import quote

import httpx
import pytest

from .conftest import Dashboard
from .seed import CVE, GPL, VULNERABLE
from .test_pages_http import logged_in

COMPONENT = f"/component?purl={quote('pkg:pypi/vulnpkg')}"
TODAY = dt.datetime.now(dt.UTC).date()
SOON = (TODAY + dt.timedelta(days=10)).isoformat()
LATER = (TODAY + dt.timedelta(days=200)).isoformat()


def not_affected(csrf: str | None, **extra: str) -> dict[str, str]:
    form = {
        "project": "shop-web",
        "purl": VULNERABLE,
        "vulnerability": CVE,
        "state": "not-affected",
        "justification": "code_not_reachable",
        "reason": "the header parser is never called",
        "next": COMPONENT,
    }
    if csrf is not None:
        form["csrf_token"] = csrf
    return {**form, **extra}


def open_findings(client: httpx.Client) -> str:
    found = re.search(r'id="open-findings">(\d+)<', client.get("/").text)
    assert found is not None
    return found.group(1)


def test_the_exceptions_page_lists_the_store_and_the_policy_file(
    dashboard: Dashboard, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    policy = tmp_path / "policy.yml"
    policy.write_text(
        "version: 1\nexceptions:\n"
        f"  - id: LEGAL-3\n    purl: pkg:pypi/gplthing\n    license: GPL-3.0-only\n    owner: legal@example.test\n"
        f"    reason: commercial licence bought\n    expires: {SOON}\n"
    )
    monkeypatch.setenv("OSPO_POLICY", str(policy))  # the service reads its policy per request
    reviewer, csrf = logged_in(dashboard, "reviewer")
    approve = {"project": "shop-api", "purl": GPL, "decision": "approve", "reason": "linked at arm's length"}
    assert reviewer.post("/review", data={**approve, "expires": LATER, "csrf_token": csrf}).status_code == 303
    page = reviewer.get("/exceptions").text
    assert "ospo-1" in page and "linked at arm&#39;s length" in page and "Revoke ospo-1" in page
    assert "LEGAL-3" in page and "from policy file (line 3)" in page
    assert 'id="active-count">1<' in page and 'id="policy-count">1<' in page
    home = reviewer.get("/").text
    assert "Exceptions ending within 30 days" in home and "LEGAL-3" in home  # the policy file's, ending soon
    viewer, _ = logged_in(dashboard, "viewer")
    assert "Revoke ospo-1" not in viewer.get("/exceptions").text
    assert 'action="/findings/state"' not in viewer.get(COMPONENT).text


def test_decision_forms_need_the_csrf_token_and_the_review_role(dashboard: Dashboard) -> None:
    reviewer, csrf = logged_in(dashboard, "reviewer")
    assert reviewer.post("/findings/state", data=not_affected(None)).status_code == 403
    assert reviewer.post("/findings/state", data=not_affected("x" + csrf)).status_code == 403
    assert reviewer.post("/exceptions/revoke", data={"exception_id": "1", "reason": "r"}).status_code == 403
    for role in ("viewer", "engineer"):
        client, token = logged_in(dashboard, role)
        assert client.post("/findings/state", data=not_affected(token)).status_code == 403
        assert (
            client.post(
                "/exceptions/revoke", data={"exception_id": "1", "reason": "r", "csrf_token": token}
            ).status_code
            == 403
        )
    anonymous = httpx.post(dashboard.url + "/findings/state", data=not_affected("whatever"), timeout=30)
    assert anonymous.status_code == 303 and anonymous.headers["location"].startswith("/login")
    anonymous = httpx.post(dashboard.url + "/exceptions/revoke", data={"exception_id": "1"}, timeout=30)
    assert anonymous.status_code == 303 and anonymous.headers["location"].startswith("/login")
    assert open_findings(reviewer) == "1"
    assert "ospo-" not in reviewer.get("/exceptions").text


def test_a_reviewer_declares_a_finding_not_affected_then_revokes_it(dashboard: Dashboard) -> None:
    reviewer, csrf = logged_in(dashboard, "reviewer")
    assert open_findings(reviewer) == "1"
    component = reviewer.get(COMPONENT).text
    assert "Not affected" in component and "code not reachable" in component  # the VEX list
    done = reviewer.post("/findings/state", data=not_affected(csrf))
    assert done.status_code == 303 and done.headers["location"] == COMPONENT
    home = reviewer.get("/").text
    assert 'id="open-findings">0<' in home and "No open vulnerability findings" in home
    component = reviewer.get(COMPONENT).text
    assert "not-affected (code not reachable)" in component and ">Reopen<" in component
    page = reviewer.get("/exceptions").text
    assert "not affected (code not reachable)" in page and "the header parser is never called" in page
    revoked = reviewer.post(
        "/exceptions/revoke", data={"exception_id": "1", "reason": "it is reachable", "csrf_token": csrf}
    )
    assert revoked.status_code == 303 and revoked.headers["location"] == "/exceptions"
    assert open_findings(reviewer) == "1"
    page = reviewer.get("/exceptions").text
    assert "revoked" in page and "it is reachable" in page and "Revoke ospo-1" not in page
    # and back again through the accept-risk form, then reopened from the finding itself
    accept = not_affected(csrf, state="accepted-risk", reason="fix ships next sprint", expires=LATER, justification="")
    assert reviewer.post("/findings/state", data=accept).status_code == 303
    assert open_findings(reviewer) == "0"
    assert reviewer.post("/findings/state", data=not_affected(csrf, state="open")).status_code == 303
    assert open_findings(reviewer) == "1"


def test_review_decisions_become_exceptions(dashboard: Dashboard) -> None:
    reviewer, csrf = logged_in(dashboard, "reviewer")
    approve = {"project": "shop-web", "purl": VULNERABLE, "decision": "approve", "reason": "offline batch job only"}
    assert reviewer.post("/review", data={**approve, "expires": SOON, "csrf_token": csrf}).status_code == 303
    deny = {"project": "shop-api", "purl": GPL, "decision": "deny", "reason": "GPL in a distributed product"}
    assert reviewer.post("/review", data={**deny, "expires": LATER, "csrf_token": csrf}).status_code == 303
    page = reviewer.get("/exceptions").text
    ending = page[page.index('id="h-expiring"') : page.index('id="h-active"')]
    assert "ospo-1" in ending and "offline batch job only" in ending
    denials = page[page.index('id="h-denials"') : page.index('id="h-ended"')]
    assert "ospo-2" in denials and "denied" in denials and "GPL in a distributed product" in denials
    assert "no end date" in denials  # a denial stands until revoked; the form's expiry is for waivers
    home = reviewer.get("/").text
    assert 'href="/exceptions#ospo-1"' in home and SOON in home


@pytest.mark.parametrize(
    "change",
    [
        {"state": "accepted-risk", "reason": "r", "expires": "2026-02-30"},
        {"state": "accepted-risk", "reason": "r", "expires": "soon"},
        {"state": "accepted-risk", "reason": "r", "expires": "2001-01-01"},
        {"state": "accepted-risk", "reason": "r", "expires": ""},
        {"state": "accepted-risk", "reason": "x" * 3000, "expires": LATER},
        {"justification": "because"},
        {"justification": ""},
        {"state": "fixed"},
        {"project": "shop-web\x00"},
        {"purl": "p" * 5000},
    ],
)
def test_hostile_form_input_is_refused(dashboard: Dashboard, change: dict[str, str]) -> None:
    reviewer, csrf = logged_in(dashboard, "reviewer")
    response = reviewer.post("/findings/state", data=not_affected(csrf, **change))
    assert response.status_code == 422, (change, response.status_code, response.text[:300])
    assert open_findings(reviewer) == "1"
    assert "ospo-" not in reviewer.get("/exceptions").text


def test_hostile_revocations_are_refused(dashboard: Dashboard) -> None:
    reviewer, csrf = logged_in(dashboard, "reviewer")
    for exception_id in ("abc", "0", "-1", "99999999999"):
        form = {"exception_id": exception_id, "reason": "r", "csrf_token": csrf}
        assert reviewer.post("/exceptions/revoke", data=form).status_code == 422
    assert (
        reviewer.post("/exceptions/revoke", data={"exception_id": "7", "reason": "r", "csrf_token": csrf}).status_code
        == 404
    )
    assert reviewer.post("/exceptions/revoke", data={"exception_id": "7", "csrf_token": csrf}).status_code == 422
    gone = not_affected(csrf, vulnerability="CVE-1999-0001")
    assert reviewer.post("/findings/state", data=gone).status_code == 404
