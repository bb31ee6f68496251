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


def test_policy_file_windows_sit_between_defaults_and_overrides() -> None:
    from ospo.policy import load_policy, parse_policy
    from ospo.policy.schema import SLA_SEVERITIES
    from ospo.vulns.sla import DEFAULT_WINDOWS

    assert set(SLA_SEVERITIES) == set(DEFAULT_WINDOWS)  # the schema accepts exactly what sla.py knows
    assert load_policy().sla == DEFAULT_WINDOWS  # the default policy documents the defaults
    policy = parse_policy("version: 1\nvulnerabilities:\n  sla:\n    critical: 2\n    low: never\n    high: 0\n")
    assert policy.sla == {"critical": 2, "low": None, "high": 0}
    windows = SlaPolicy.from_overrides(env={}, base=policy.sla)
    assert (windows.window("critical"), windows.window("low"), windows.window("medium")) == (2, None, 90)
    stacked = SlaPolicy.from_overrides(["critical=1"], env={"OSPO_SLA": "critical=5,medium=10"}, base=policy.sla)
    assert (stacked.window("critical"), stacked.window("medium"), stacked.window("high")) == (1, 10, 0)


def test_due_dates_follow_the_windows_in_force(store: Store, osv_fixtures: Path) -> None:
    demo = component("pypi", "demo-pkg", "1.1.0", "requirements.txt")
    t0 = datetime(2026, 1, 1, tzinfo=UTC)
    record_findings(store, "app", _findings(osv_fixtures, demo), now=t0)
    assert {t.vuln_id: t.due for t in list_findings(store, "app")}["CVE-2099-0001"] == date(2026, 1, 8)
    # the organisation gives criticals 2 days now: a known finding's due date is recomputed
    # from when it was first seen, on the next check and in any listing that asks for it
    strict = SlaPolicy.from_overrides(env={}, base={"critical": 2})
    viewed = list_findings(store, "app", today=date(2026, 1, 5), sla=strict)
    assert {t.vuln_id: (t.due, t.overdue) for t in viewed}["CVE-2099-0001"] == (date(2026, 1, 3), True)
    record_findings(store, "app", _findings(osv_fixtures, demo), strict, now=t0 + timedelta(days=4))
    stored = {t.vuln_id: t for t in list_findings(store, "app", today=date(2026, 1, 5))}
    assert stored["CVE-2099-0001"].due == date(2026, 1, 3) and stored["CVE-2099-0001"].first_seen.date() == t0.date()


def test_with_sla_dates_matches_and_finds_the_overdue_by_alias(store: Store, osv_fixtures: Path) -> None:
    from dataclasses import replace

    from ospo.vulns.tracking import with_sla

    demo = component("pypi", "demo-pkg", "1.1.0", "requirements.txt")
    found = _findings(osv_fixtures, demo)
    record_findings(store, "app", found, now=datetime(2026, 1, 1, tzinfo=UTC))
    matches = [f.to_match() for f in found]
    # the same advisory reported under its GHSA id keeps the CVE's clock
    aliased = [
        replace(m, advisory=replace(m.advisory, id="GHSA-aaaa-bbbb-cccc", aliases=("CVE-2099-0001",)))
        for m in matches
        if m.advisory.id == "CVE-2099-0001"
    ]
    tracked = list_findings(store, "app", include_closed=True)
    dated, overdue = with_sla([*matches, *aliased], tracked, SlaPolicy(), date(2026, 1, 20))
    due = {(m.advisory.id, m.due) for m in dated}
    assert ("CVE-2099-0001", "2026-01-08") in due and ("GHSA-aaaa-bbbb-cccc", "2026-01-08") in due
    assert (demo.purl, "GHSA-aaaa-bbbb-cccc") in overdue and (demo.purl, "CVE-2099-0001") in overdue
    # a finding nobody tracks yet is due from today, and not overdue
    fresh, none_overdue = with_sla(matches, [], SlaPolicy(), date(2026, 1, 20))
    assert {m.due for m in fresh if m.advisory.severity == "critical"} == {"2026-01-27"} and not none_overdue


def test_scan_dates_and_gates_with_the_policy_windows(store: Store, osv_fixtures: Path, tmp_path: Path) -> None:
    from ospo.scan import ScanOptions, scan

    tree = tmp_path / "app"
    tree.mkdir()
    (tree / "requirements.txt").write_text("demo-pkg==1.1.0\n")
    demo = component("pypi", "demo-pkg", "1.1.0", "requirements.txt")
    # the store tracks the critical finding since New Year (in some project)
    record_findings(store, "app", _findings(osv_fixtures, demo), now=datetime(2026, 1, 1, tzinfo=UTC))
    url = store.engine.url.render_as_string(hide_password=False)

    def run(policy: str) -> tuple[dict[str, str | None], str]:
        (tree / "ospo-policy.yml").write_text(policy)
        options = ScanOptions(
            offline=True, licenses=False, advisories=(osv_fixtures / "db",), store_url=url, today=date(2026, 1, 5)
        )
        result = scan(tree, options).result
        decision = next(d for d in result.decisions if d.subject == demo.purl)
        return {m.advisory.id: m.due for m in result.vulnerabilities}, decision.verdict.value

    gate = "version: 1\nlicenses:\n  unknown: allow\nvulnerabilities:\n  fail_on_overdue: true\n"  # no severity gate
    due, verdict = run(gate)  # default windows: critical due 2026-01-08, not overdue on the 5th
    assert due["CVE-2099-0001"] == "2026-01-08" and verdict == "allow"
    due, verdict = run(gate + "  sla:\n    critical: 3\n")  # the policy's 3 days: due the 4th, overdue
    assert due["CVE-2099-0001"] == "2026-01-04" and verdict == "deny"
