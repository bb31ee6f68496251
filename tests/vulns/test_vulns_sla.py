"""SLA windows, due dates, states, and `list` ordering (overdue first)."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest

from ospo.inventory.purls import component
from ospo.model import OspoError
from ospo.store import Store
from ospo.vulns.matcher import AdvisoryIndex, match_components
from ospo.vulns.osv import parse_osv
from ospo.vulns.sla import FindingState, SlaConfigError, SlaPolicy, effective_state, is_overdue
from ospo.vulns.tracking import list_findings, record_findings, set_state


def test_default_windows_and_overrides() -> None:
    policy = SlaPolicy()
    start = date(2026, 1, 1)
    assert policy.due_date(start, "critical") == date(2026, 1, 8)
    assert policy.due_date(start, "high") == date(2026, 1, 31)
    assert policy.due_date(start, "medium") == start + timedelta(days=90)
    assert policy.due_date(start, "low") == start + timedelta(days=180)
    assert policy.due_date(start, "none") is None
    custom = SlaPolicy.from_overrides(["critical=3", "low=never"], env={"OSPO_SLA": "high=14,critical=5"})
    assert custom.window("critical") == 3 and custom.window("high") == 14 and custom.window("low") is None
    for bad in (["critical"], ["urgent=3"], ["high=-1"], ["high=soon"]):
        with pytest.raises(SlaConfigError):
            SlaPolicy.from_overrides(bad, env={})


def test_overdue_and_expired_acceptance() -> None:
    today = date(2026, 6, 1)
    assert is_overdue("open", date(2026, 5, 31), today)
    assert not is_overdue("open", date(2026, 6, 1), today)
    assert not is_overdue("fixed", date(2026, 1, 1), today)
    assert not is_overdue("accepted-risk", date(2026, 1, 1), today, expires=date(2026, 12, 31))
    assert is_overdue("accepted-risk", date(2026, 1, 1), today, expires=date(2026, 5, 1))
    assert effective_state("accepted-risk", date(2026, 5, 1), today) == "open"


def _findings(osv_fixtures: Path, *comps: object) -> list:  # type: ignore[type-arg]
    files = sorted((osv_fixtures / "db").iterdir())
    index = AdvisoryIndex.from_records(parse_osv(str(p), p.read_bytes()) for p in files)
    return match_components(list(comps), index).findings  # type: ignore[arg-type]


def test_tracking_keeps_first_seen_and_orders_overdue_first(store: Store, osv_fixtures: Path) -> None:
    demo = component("pypi", "demo-pkg", "1.1.0", "requirements.txt")
    lib = component("maven", "example-lib", "1.4", "pom.xml", namespace="org.example")
    padder = component("npm", "left-padder", "2.0.0", "package-lock.json")
    t0 = datetime(2026, 1, 1, tzinfo=UTC)
    first = record_findings(store, "app", _findings(osv_fixtures, demo, lib), now=t0)
    due = {(t.purl, t.vuln_id): t.due for t in first}
    assert due[(demo.purl, "CVE-2099-0001")] == date(2026, 1, 8)  # critical: 7 days
    assert due[(demo.purl, "CVE-2099-0004")] == date(2026, 4, 1)  # CVSS v2 5.0, medium: 90 days

    # a month later: the npm finding is new, the others keep their first-seen date
    t1 = t0 + timedelta(days=31)
    second = record_findings(store, "app", _findings(osv_fixtures, demo, lib, padder), now=t1)
    by_key = {(t.purl, t.vuln_id): t for t in second}
    assert by_key[(demo.purl, "CVE-2099-0001")].first_seen.date() == t0.date()
    assert by_key[(padder.purl, "GHSA-nnnn-pppp-mmmm")].first_seen.date() == t1.date()

    listed = list_findings(store, "app", today=t1.date())
    assert [r.overdue for r in listed] == [True, True, False, False]
    assert {r.vuln_id for r in listed[:2]} == {"CVE-2099-0001", "CVE-2099-0005"}  # both due on day 7
    assert listed[-1].vuln_id == "GHSA-nnnn-pppp-mmmm"

    # the component is upgraded: its findings close as fixed; everything else stays
    third = record_findings(store, "app", _findings(osv_fixtures, lib, padder), now=t1 + timedelta(days=1))
    assert len(third) == 2
    closed = list_findings(store, "app", today=t1.date(), include_closed=True)
    assert {r.vuln_id for r in closed if r.state == "fixed"} == {"CVE-2099-0001", "CVE-2099-0004"}
    assert {r.vuln_id for r in list_findings(store, "app", today=t1.date())} == {
        "CVE-2099-0005",
        "GHSA-nnnn-pppp-mmmm",
    }


def test_states_accepted_risk_and_not_affected(store: Store, osv_fixtures: Path) -> None:
    lib = component("maven", "example-lib", "1.4", "pom.xml", namespace="org.example")
    padder = component("npm", "left-padder", "2.0.0", "package-lock.json")
    t0 = datetime(2026, 1, 1, tzinfo=UTC)
    record_findings(store, "svc", _findings(osv_fixtures, lib, padder), now=t0)
    with pytest.raises(OspoError, match="reason"):
        set_state(store, "svc", lib.purl, "CVE-2099-0005", FindingState.ACCEPTED_RISK)
    accepted = set_state(
        store,
        "svc",
        lib.purl,
        "GHSA-mmmm-vvvv-nnnn",  # found by alias
        FindingState.ACCEPTED_RISK,
        reason="not reachable from the API",
        owner="alice",
        expires=date(2026, 3, 1),
        now=t0,  # an accepted risk must end in the future of the day it is accepted
    )
    assert accepted.state == "accepted-risk" and accepted.vuln_id == "CVE-2099-0005"
    with pytest.raises(OspoError, match="justification"):
        set_state(store, "svc", padder.purl, "GHSA-nnnn-pppp-mmmm", FindingState.NOT_AFFECTED)
    set_state(
        store,
        "svc",
        padder.purl,
        "GHSA-nnnn-pppp-mmmm",
        FindingState.NOT_AFFECTED,
        justification="code_not_reachable",
    )
    # states survive the next check
    record_findings(store, "svc", _findings(osv_fixtures, lib, padder), now=t0 + timedelta(days=1))
    feb = list_findings(store, "svc", today=date(2026, 2, 1))
    assert [(r.vuln_id, r.effective_state, r.overdue) for r in feb] == [("CVE-2099-0005", "accepted-risk", False)]
    # acceptance lapses: the finding is open and overdue again, first in the list
    april = list_findings(store, "svc", today=date(2026, 4, 1))
    assert [(r.vuln_id, r.effective_state, r.overdue) for r in april] == [("CVE-2099-0005", "open", True)]
