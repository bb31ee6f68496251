"""The dashboard's aggregate and paged queries answer what the whole-list versions answer.

A portfolio of a dozen projects (two scans each, shared packages, review items, denials,
tracked findings in several states) is built through the real ingest path; every page of
every paged query, put together, must be the whole list in the same order, and every count
must be the length of what it counts. Runs on SQLite and PostgreSQL.
"""

from __future__ import annotations

import json
from datetime import UTC, date, datetime, timedelta
from itertools import pairwise
from typing import Any

import pytest
from starlette.requests import Request

from ospo.model import (
    Advisory,
    Component,
    ConcludedLicense,
    Dependency,
    Inventory,
    PolicyDecision,
    ScanResult,
    Verdict,
    VulnerabilityMatch,
)
from ospo.service.charts import portfolio_trend
from ospo.service.pages import _pager
from ospo.store import Store
from ospo.store import dashboard_queries as dq
from ospo.store.ingest import ingest_scan
from ospo.store.queries import portfolio_summary, trends, where
from ospo.vulns.importer import import_records
from ospo.vulns.matcher import match_inventory
from ospo.vulns.osv import parse_osv
from ospo.vulns.sla import FindingState
from ospo.vulns.tracking import (
    FindingFilter,
    count_findings,
    iter_findings,
    list_findings,
    page_findings,
    record_findings,
    set_state,
    severity_counts,
)

from .conftest import Dashboard

# Exceptions must not end in the past when made, so the portfolio is made now and looked at
# a few days later: one accepted risk has lapsed by then.
NOW = datetime.now(UTC).replace(microsecond=0)
TODAY = NOW.date() + timedelta(days=3)
SEVERITIES = ["CRITICAL", "HIGH", "MODERATE", "LOW"]


def _advisory(i: int, name: str, fixed: str) -> str:
    return json.dumps(
        {
            "id": f"GHSA-page-{i:04d}",
            "aliases": [f"CVE-2098-{i:04d}"],
            "modified": "2026-01-01T00:00:00Z",
            "summary": f"{name} advisory {i}",
            "database_specific": {"severity": SEVERITIES[i % 4]},
            "affected": [
                {
                    "package": {"ecosystem": "PyPI", "name": name},
                    "ranges": [{"type": "ECOSYSTEM", "events": [{"introduced": "0"}, {"fixed": fixed}]}],
                }
            ],
        }
    )


def _scan(p: int, s: int) -> ScanResult:
    names = [f"lib{i}" for i in range(8)] + [f"own{p}"]
    comps = [
        Component(f"pkg:pypi/{n}@1.{(p + s + i) % 3}.0", n, f"1.{(p + s + i) % 3}.0", "pypi", direct=i < 3)
        for i, n in enumerate(names)
    ]
    root = Component(f"pkg:pypi/app{p}@1.0.0", f"app{p}", "1.0.0", "pypi")
    decisions, concluded = [], []
    for i, c in enumerate(comps):
        if (i + p) % 5 == 0:
            decisions.append(PolicyDecision(c.purl, Verdict.REVIEW, ("GPL-3.0-only: review",)))
            concluded.append(ConcludedLicense(c.purl, "GPL-3.0-only", "declared"))
        elif (i + p) % 7 == 0:
            decisions.append(PolicyDecision(c.purl, Verdict.DENY, ("licence unknown",)))
            concluded.append(ConcludedLicense(c.purl, None, "unknown"))
        else:
            decisions.append(PolicyDecision(c.purl, Verdict.ALLOW))
            concluded.append(ConcludedLicense(c.purl, "MIT", "declared"))
    return ScanResult(
        root=".",
        inventory=Inventory(
            root=".",
            components=comps,
            projects=[root],
            dependencies=[Dependency(root.purl, tuple(c.purl for c in comps[:3]))],
        ),
        decisions=decisions,
        concluded=concluded,
        verdict="review",
    )


@pytest.fixture
def portfolio(portfolio_store: Store) -> Store:
    store = portfolio_store
    import_records(
        store, [parse_osv(f"a{i}.json", _advisory(i, f"lib{i % 4}", "1.2.0")) for i in range(6)], source="test"
    )
    for p in range(12):
        product = f"product-{p % 3}" if p % 4 else None
        for s in range(2):
            result = _scan(p, s)
            matches = match_inventory(result.inventory, store)
            result.vulnerabilities = [
                VulnerabilityMatch(f.component.purl, Advisory(f.vuln_id, f.aliases, f.summary, f.severity))
                for f in matches.findings
            ]
            at = NOW - timedelta(days=(2 - s) * 20 + p)
            ingest_scan(store, result, f"project-{p:02d}", product=product, now=at)
            record_findings(store, f"project-{p:02d}", matches.findings, now=at - timedelta(days=p * 5))
    found = list_findings(store, today=TODAY, include_closed=True)
    # one accepted risk still valid, one expired (open again, maybe overdue)
    for f, expires in ((found[0], TODAY + timedelta(days=30)), (found[1], NOW.date() + timedelta(days=1))):
        set_state(
            store, f.project, f.purl, f.vuln_id, FindingState.ACCEPTED_RISK, reason="r", owner="o", expires=expires
        )
    set_state(
        store,
        found[2].project,
        found[2].purl,
        found[2].vuln_id,
        FindingState.NOT_AFFECTED,
        justification="code_not_present",
    )
    return store


def _key(f: Any) -> tuple[str, str, str]:
    return (f.project, f.purl, f.vuln_id)


@pytest.mark.parametrize(
    "where",
    [
        FindingFilter(),
        FindingFilter(include_closed=True),
        FindingFilter(purl="pkg:pypi/lib1"),
        FindingFilter(project="project-03"),
        FindingFilter(vuln_ids=("CVE-2098-0001", "CVE-2098-0002"), include_closed=True),
    ],
)
def test_finding_pages_make_the_whole_list_in_its_order(portfolio: Store, where: FindingFilter) -> None:
    everything = [
        f
        for f in list_findings(portfolio, where.project, today=TODAY, include_closed=where.include_closed)
        if (where.purl is None or f.purl.startswith(where.purl + "@"))
        and (where.vuln_ids is None or f.vuln_id in where.vuln_ids)
    ]
    assert everything, "the seed has findings of this kind"
    total, overdue = count_findings(portfolio, TODAY, where)
    assert total == len(everything)
    assert overdue == sum(1 for f in everything if f.overdue)
    pages = []
    for offset in range(0, total + 3, 3):
        pages.extend(page_findings(portfolio, TODAY, where, limit=3, offset=offset))
    # the order of list_findings up to ties the database may break differently
    assert sorted(map(_key, pages)) == sorted(map(_key, everything))
    rank = [(not f.overdue, f.due is None, f.due or date.max) for f in pages]
    assert rank == sorted(rank)
    assert [_key(f) for f in iter_findings(portfolio, TODAY, where)] == [_key(f) for f in pages]


def test_severity_counts_are_those_of_the_findings(portfolio: Store) -> None:
    findings = list_findings(portfolio, today=TODAY)
    counts = {c.severity: c for c in severity_counts(portfolio, TODAY)}
    for severity in {f.severity for f in findings}:
        mine = [f for f in findings if f.severity == severity]
        open_ = [f for f in mine if f.effective_state == "open"]
        c = counts[severity]
        assert c.open == len(open_)
        assert c.overdue == sum(1 for f in open_ if f.overdue)
        assert c.due_soon == sum(1 for f in open_ if not f.overdue and f.days_left is not None and f.days_left <= 7)
        assert c.accepted == sum(1 for f in mine if f.effective_state == "accepted-risk")
    assert sum(c.open + c.accepted for c in counts.values()) == len(findings)


def test_review_queue_pages_and_total(portfolio: Store) -> None:
    whole = dq.review_queue(portfolio, limit=10_000)
    assert len(whole) == dq.review_total(portfolio) > 10
    # one run of items per project, projects of a product by name, items of a project by purl
    runs = [whole[0].project] + [b.project for a, b in pairwise(whole) if a.project != b.project]
    assert len(runs) == len(set(runs))
    for product in {i.product for i in whole}:
        mine = [r for r in runs if next(i.product for i in whole if i.project == r) == product]
        assert mine == sorted(mine)
    for project in runs:
        purls = [i.purl for i in whole if i.project == project]
        assert purls == sorted(purls)
    paged = []
    for offset in range(0, len(whole) + 4, 4):
        paged.extend(dq.review_queue(portfolio, limit=4, offset=offset))
    assert paged == whole
    assert list(dq.iter_review_queue(portfolio, batch=2)) == whole
    assert sum(f.review for f in dq.product_flags(portfolio)) == len(whole)


def test_project_statuses_page_and_count_flags(portfolio: Store) -> None:
    whole = dq.project_statuses(portfolio)
    assert len(whole) == 12
    by_scan = dq.project_statuses(portfolio, order="scan")
    paged = []
    for offset in range(0, 14, 5):
        paged.extend(dq.project_statuses(portfolio, order="scan", limit=5, offset=offset))
    assert paged == by_scan
    assert [s.scanned_at for s in by_scan] == sorted(s.scanned_at for s in by_scan if s.scanned_at)
    for status in whole:
        lines = dq.scan_components(portfolio, status.scan_id or 0)
        assert status.deny == sum(1 for line in lines if line.verdict == "deny")
        assert status.review == sum(1 for line in lines if line.verdict == "review")
    counts = dq.scan_status_counts(portfolio, NOW - timedelta(days=30))
    assert (counts.projects, counts.never) == (12, 0)
    assert counts.stale == sum(1 for s in whole if s.scanned_at and s.age_days(NOW) >= 30)
    one = dq.project_statuses(portfolio, product="product-1")
    assert one and {s.product for s in one} == {"product-1"}


def test_scan_components_page_in_verdict_order(portfolio: Store) -> None:
    scan_id = dq.scan_view(portfolio, "project-05").scan_id  # type: ignore[union-attr]
    whole = dq.scan_components(portfolio, scan_id)
    assert [line.verdict for line in whole] == sorted(
        (line.verdict for line in whole), key=lambda v: {"deny": 0, "review": 1, "allow": 2}[v or "allow"]
    )
    assert (
        dq.scan_components(portfolio, scan_id, limit=4, offset=0)
        + dq.scan_components(portfolio, scan_id, limit=10, offset=4)
        == whole
    )
    counts = dq.scan_verdict_counts(portfolio, scan_id)
    assert sum(counts.values()) == len(whole)
    assert [line.verdict for line in dq.scan_components(portfolio, scan_id, verdict="review")] == ["review"] * counts[
        "review"
    ]
    vulns = dq.scan_result_part(portfolio, scan_id, "vulnerabilities")
    assert vulns == (dq.scan_result_data(portfolio, scan_id) or {})["vulnerabilities"]


def test_component_usage_is_where_is_with_licences_and_verdicts(portfolio: Store) -> None:
    base = "pkg:pypi/lib1"
    hits = where(portfolio, base)
    usage = dq.component_usage(portfolio, base, limit=None)
    assert sorted((u.project, u.purl) for u in usage) == sorted((h.project, h.purl) for h in hits)
    assert [(u.product or "", u.project) for u in usage] == sorted((u.product or "", u.project) for u in usage)
    assert (
        dq.component_usage(portfolio, base, limit=5) + dq.component_usage(portfolio, base, limit=50, offset=5) == usage
    )
    versions = dq.component_versions(portfolio, base)
    assert sum(v.projects for v in versions) == len(usage)
    for v in versions:
        mine = [u for u in usage if u.purl == v.purl]
        assert set(v.licenses) == {u.license for u in mine}
        assert sum(v.verdicts.values()) == len(mine)


def test_trend_by_day_is_the_portfolio_trend_of_the_scans(portfolio: Store) -> None:
    days = dq.trend_by_day(portfolio)
    keys = ("components", "vulnerabilities", "denied", "review")
    labels, series = portfolio_trend(trends(portfolio), keys)
    assert [d for d, _ in days] == labels
    for s in series:
        assert tuple(totals[s.name] for _, totals in days) == s.values


def test_figures_are_cached_until_a_latest_scan_changes(portfolio: Store) -> None:
    assert dq.cached_figures(portfolio) == (None, False)
    figures = dq.refresh_figures(portfolio)
    assert figures.distinct_components == portfolio_summary(portfolio)["distinct_components"]
    licences = portfolio_summary(portfolio)["licenses"]
    assert figures.licenses == {k: v for k, v in licences.items() if k != "unknown"}
    assert dq.cached_figures(portfolio) == (figures, True)
    ingest_scan(portfolio, _scan(99, 0), "project-new", now=NOW)
    cached, current = dq.cached_figures(portfolio)
    assert cached == figures and not current
    assert dq.refresh_figures(portfolio).distinct_components > figures.distinct_components


def test_search_finds_licences_from_given_counts_or_by_counting(portfolio: Store) -> None:
    counted = [h for h in dq.search(portfolio, "gpl") if h.kind == "license"]
    assert [h.label for h in counted] == ["GPL-3.0-only"]
    given = [
        h for h in dq.search(portfolio, "gpl", licences=dq.refresh_figures(portfolio).licenses) if h.kind == "license"
    ]
    assert given == counted
    assert [h.kind for h in dq.search(portfolio, "100%_")] == []  # LIKE wildcards are literal


def _request(query: str) -> Request:
    return Request({"type": "http", "method": "GET", "path": "/review", "query_string": query.encode(), "headers": []})


def test_pager_links_keep_the_other_parameters() -> None:
    first = _pager(_request("verdict=deny"), "start", 0, 10, 25)
    assert (first.first, first.last, first.prev_url) == (1, 10, None)
    assert first.next_url == "/review?verdict=deny&start=10"
    last = _pager(_request("start=20&verdict=deny"), "start", 20, 10, 25)
    assert (last.first, last.last, last.next_url) == (21, 25, None)
    assert last.prev_url == "/review?verdict=deny&start=10"
    assert _pager(_request("start=10"), "start", 10, 10, 25).prev_url == "/review"
    assert _pager(_request("start=500"), "start", 500, 10, 25).prev_url == "/review?start=20"  # the last page


def test_paged_pages_over_http(dashboard: Dashboard) -> None:
    from .test_pages_http import logged_in

    client, _ = logged_in(dashboard, "viewer")
    for page in ("/review", "/vulnerabilities", "/portfolio", "/", "/license?expression=MIT"):
        param = "scans" if page == "/" else "start"
        sep = "&" if "?" in page else "?"
        assert client.get(f"{page}{sep}{param}=-1").status_code == 422
        assert client.get(f"{page}{sep}{param}=x").status_code == 422
        beyond = client.get(f"{page}{sep}{param}=5000")
        assert beyond.status_code == 200
        assert 'rel="prev"' in beyond.text  # the way back from past the end
    assert "Nothing waits for review on this page" in client.get("/review?start=5000").text
    home = client.get("/").text
    assert "3 projects: " in home and "1 never scanned" not in home and "distinct components" in home
    vulns = client.get("/vulnerabilities?component=pkg:pypi/vulnpkg").text
    assert "vulnpkg@1.5.0" in vulns and "1 open or accepted findings (1 overdue)" in vulns


def test_exception_sections_page_what_the_page_listed_whole(portfolio: Store) -> None:
    from ospo.store.exceptions import SECTIONS, list_exceptions, section_counts, section_page

    today = datetime.now(UTC).date()
    stored = list_exceptions(portfolio, verdict=None)
    allowed = [e for e in stored if e.verdict == "allow"]
    whole = {
        "expiring": sorted(
            (e for e in allowed if e.status(today) == "expiring"), key=lambda e: (e.expires or date.max, e.id)
        ),
        "active": [e for e in allowed if e.status(today) == "active"],
        "denials": [e for e in stored if e.verdict == "deny"],
        "ended": [e for e in allowed if e.status(today) in ("expired", "revoked")],
    }
    assert sum(map(len, whole.values())) == len(stored) >= 3
    assert section_counts(portfolio, today) == {s: len(whole[s]) for s in SECTIONS}
    for section in SECTIONS:
        paged = [e for offset in range(4) for e in section_page(portfolio, section, today, limit=1, offset=offset)]
        assert [e.id for e in paged] == [e.id for e in whole[section]]


def test_a_linked_exception_is_shown_on_top(dashboard: Dashboard) -> None:
    from .test_pages_http import logged_in

    reviewer, csrf = logged_in(dashboard, "reviewer")
    approve = {"project": "shop-web", "purl": "pkg:pypi/vulnpkg@1.5.0", "decision": "approve", "reason": "batch job"}
    assert reviewer.post("/review", data={**approve, "csrf_token": csrf}).status_code == 303
    page = reviewer.get("/exceptions?ref=ospo-1").text
    linked = page[page.index('id="linked"') : page.index('id="h-expiring"')]
    assert "ospo-1" in linked and "batch job" in linked
    assert page.count('id="ospo-1"') == 1  # the anchor of its own section only
    assert reviewer.get("/exceptions?active=-5").status_code == 422
