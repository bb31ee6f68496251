"""Ingest and queries on real SQLite and PostgreSQL."""

from __future__ import annotations

import threading
from dataclasses import replace

from sqlalchemy import func, select

from ospo.model import (
    Advisory,
    Component,
    ConcludedLicense,
    Inventory,
    PolicyDecision,
    ScanResult,
    Scope,
    Verdict,
    VulnerabilityMatch,
)
from ospo.policy.ranges import in_range, natural_compare, parse_range
from ospo.store import Store
from ospo.store.ingest import base_purl, ingest_scan
from ospo.store.portfolio import AuditRow, ComponentRow, ScanComponentRow, ScanRow
from ospo.store.queries import WhereHit, portfolio_summary, trends, where, where_rows


def comp(eco: str, ns: str | None, name: str, version: str, scope: Scope = Scope.RUNTIME) -> Component:
    from ospo.inventory.purls import make_purl

    return Component(make_purl(eco, name, version, ns), name, version, eco, namespace=ns, scope=scope)


LOG4J_OLD = comp("maven", "org.apache.logging.log4j", "log4j-core", "2.14.1")
LOG4J_NEW = comp("maven", "org.apache.logging.log4j", "log4j-core", "2.17.1")
LOG4J_API = comp("maven", "org.apache.logging.log4j", "log4j-api", "2.14.1")
EXPRESS = comp("npm", None, "express", "4.21.2")


def result(*components: Component, verdict: str = "allow") -> ScanResult:
    inv = Inventory(root=".", components=list(components))
    return ScanResult(
        root=".",
        inventory=inv,
        decisions=[PolicyDecision(c.purl, Verdict(verdict), ("because",)) for c in components],
        concluded=[ConcludedLicense(c.purl, "Apache-2.0", "declared") for c in components],
        vulnerabilities=[VulnerabilityMatch(LOG4J_OLD.purl, Advisory("CVE-2021-44228", severity="critical"))]
        if LOG4J_OLD in components
        else [],
        verdict=verdict,
    )


def count(store: Store, model: type) -> int:
    with store.session() as s:
        return int(s.execute(select(func.count()).select_from(model)).scalar_one())


def test_ingest_is_idempotent_and_dedups_components(portfolio_store: Store) -> None:
    first = ingest_scan(portfolio_store, result(LOG4J_OLD, LOG4J_API, EXPRESS), "billing", product="Billing")
    again = ingest_scan(portfolio_store, result(LOG4J_OLD, LOG4J_API, EXPRESS), "billing", product="Billing")
    assert first.created and not again.created and first.scan_id == again.scan_id
    other = ingest_scan(portfolio_store, result(LOG4J_OLD, EXPRESS), "shop", product="Shop", release="1.0")
    assert other.created
    assert count(portfolio_store, ScanRow) == 2
    assert count(portfolio_store, ComponentRow) == 3
    assert count(portfolio_store, ScanComponentRow) == 5
    assert count(portfolio_store, AuditRow) == 2


def test_where_answers_from_latest_scans_with_version_ranges(portfolio_store: Store) -> None:
    ingest_scan(portfolio_store, result(LOG4J_OLD, EXPRESS), "billing", product="Billing")
    ingest_scan(portfolio_store, result(LOG4J_OLD), "shop", product="Shop", release="1.0")
    # shop upgrades: its latest scan no longer ships the old version
    ingest_scan(portfolio_store, result(LOG4J_NEW), "shop", product="Shop", release="1.1")

    spec = parse_range("<2.17.1")

    def vulnerable(_eco: str, version: str) -> bool:
        return in_range(version, spec, natural_compare)

    hits = where(portfolio_store, "pkg:maven/org.apache.logging.log4j/log4j-core", version_filter=vulnerable)
    assert [(h.project, h.product, h.version) for h in hits] == [("billing", "Billing", "2.14.1")]
    every = where(portfolio_store, "pkg:maven/org.apache.logging.log4j/log4j-core")
    assert sorted((h.project, h.version) for h in every) == [("billing", "2.14.1"), ("shop", "2.17.1")]
    history = where(portfolio_store, "pkg:maven/org.apache.logging.log4j/log4j-core", include_history=True)
    assert ("shop", "2.14.1", "1.0") in {(h.project, h.version, h.release) for h in history}
    # a prefix finds the whole group
    prefix = where(portfolio_store, "pkg:maven/org.apache.logging")
    assert {h.purl for h in prefix} == {LOG4J_OLD.purl, LOG4J_NEW.purl}
    assert where(portfolio_store, "pkg:npm/nothing") == []


def test_where_answer_is_whole_sorted_and_typed_alike_on_both_databases(portfolio_store: Store) -> None:
    # 1,200 versions of one package: more ids than one SQLite statement takes.
    many = [replace(comp("npm", None, "left-pad", f"1.0.{i}"), direct=i % 2 == 0) for i in range(1200)]
    projects = {"zeta": None, "alpha": "Product B", "beta": "Product A", "gamma": None}
    for i, (project, product) in enumerate(projects.items()):
        ingest_scan(portfolio_store, result(*many[i * 300 : (i + 1) * 300]), project, product=product)
    answer = where_rows(portfolio_store, "pkg:npm/left-pad")
    assert len(answer) == 1200 and answer.project_count() == 4 and answer.product_count() == 2
    hits = answer.hits()
    assert all(type(h) is WhereHit for h in hits)
    # no product first, then by product, project and purl, the same on either database
    order = [(h.product or "", h.project, h.purl) for h in hits]
    assert order == sorted(order)
    assert [h.project for h in hits[::300]] == ["gamma", "zeta", "beta", "alpha"]
    assert {type(h.scanned_at).__name__ for h in hits} == {"datetime"}
    assert {h.direct for h in hits} == {True, False} and {h.scope for h in hits} == {"runtime"}
    direct = {h.purl: h.direct for h in hits}
    assert direct[many[0].purl] is True and direct[many[1].purl] is False
    assert len(answer.versions()) == 1200 and {n for _p, _v, n in answer.versions()} == {1}
    assert [h.purl for h in answer.hits(offset=1195, limit=10)] == [h.purl for h in hits[1195:]]


def test_summary_and_trends(portfolio_store: Store) -> None:
    ingest_scan(portfolio_store, result(LOG4J_OLD, EXPRESS, verdict="deny"), "billing")
    ingest_scan(portfolio_store, result(EXPRESS), "billing")
    summary = portfolio_summary(portfolio_store)
    assert summary["projects"] == 1 and summary["components"] == 1
    points = trends(portfolio_store, "billing")
    assert [p["denied"] for p in points] == [2, 0]
    assert [p["vulnerabilities"] for p in points] == [1, 0]


def test_concurrent_uploads_neither_lose_nor_duplicate(portfolio_store: Store) -> None:
    payloads = [result(LOG4J_OLD, EXPRESS), result(LOG4J_OLD, EXPRESS), result(EXPRESS), result(LOG4J_API)]
    errors: list[BaseException] = []

    def upload(r: ScanResult) -> None:
        try:
            ingest_scan(portfolio_store, r, "racy", product="Racy")
        except BaseException as exc:  # pragma: no cover - reported below
            errors.append(exc)

    threads = [threading.Thread(target=upload, args=(p,)) for p in payloads]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors
    assert count(portfolio_store, ScanRow) == 3  # two identical payloads stored once
    assert count(portfolio_store, ScanComponentRow) == 2 + 1 + 1


def test_base_purl() -> None:
    assert base_purl("pkg:npm/%40scope/x@1.0.0?arch=x#sub") == "pkg:npm/%40scope/x"
    assert base_purl("pkg:golang/github.com/a/b@v1.2.3") == "pkg:golang/github.com/a/b"
    assert base_purl("pkg:pypi/requests") == "pkg:pypi/requests"
