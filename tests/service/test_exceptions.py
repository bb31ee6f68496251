"""Exceptions kept in the store, judged by the policy's own waiver machinery at re-evaluation:
they apply in their scope, stop applying when they expire or are revoked (the decision turns
back), and the findings follow them (accepted while covered, open again after)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import select

from ospo.policy import load_policy, parse_policy
from ospo.policy.evaluate import evaluate
from ospo.service.decisions import change_finding, create_exception, revoke_exception
from ospo.service.reevaluate import LAPSE_CHECK_KEY, load_service_policy, reevaluate, reevaluate_if_changed
from ospo.service.sbom_import import import_sbom
from ospo.store import Store
from ospo.store.dashboard_queries import decide
from ospo.store.exceptions import ExceptionConflict, ExceptionError, affected_projects, list_exceptions, purl_target
from ospo.store.portfolio import AuditRow, ServiceStateRow
from ospo.vulns.tracking import StateConflict, list_findings
from support import ALLOW_PERMISSIVE, import_demo_advisory, verdicts
from support import SUPPLIER_SBOM as SMALL

MYSTERY = "pkg:npm/mystery@0.1.0"  # no licence: the policy sends it to review
DEMO = "pkg:pypi/demo-pkg@1.0.0"  # CVE-2099-0001 (high) once the demo advisory is imported
CVE = "CVE-2099-0001"
TODAY = dt.datetime.now(dt.UTC).date()
SOON = TODAY + dt.timedelta(days=10)
LATER = TODAY + dt.timedelta(days=20)
STRICT = ALLOW_PERMISSIVE + "vulnerabilities:\n  fail_on: high\n"


@pytest.fixture
def kiosk(portfolio_store: Store, any_store_url: str, tmp_path: Path) -> Iterator[tuple[Store, int, Path]]:
    """The kiosk project (supplier SBOM) with the demo advisory imported and a policy that
    fails high vulnerabilities; re-evaluated once, so demo-pkg has an open finding."""
    import_demo_advisory(any_store_url, tmp_path)
    done = import_sbom(portfolio_store, SMALL.read_text(), str(SMALL), "kiosk", load_service_policy(), product="Kiosk")
    policy = tmp_path / "strict.yml"
    policy.write_text(STRICT)
    reevaluate(portfolio_store, load_policy(policy))
    yield portfolio_store, done.outcome.scan_id, policy


def test_a_component_waiver_applies_until_it_expires_then_the_decision_turns_back(
    kiosk: tuple[Store, int, Path],
) -> None:
    store, scan_id, policy_file = kiosk
    policy = load_policy(policy_file)
    assert verdicts(store, scan_id)[MYSTERY] == "review"
    made = create_exception(
        store,
        kind="component",
        purl="pkg:npm/mystery",
        versions="<1",
        scope="project",
        scope_name="kiosk",
        reason="internal fork, licence cleared by counsel",
        owner="legal@example.test",
        expires=SOON,
        actor="reviewer@example.test",
    )
    report = reevaluate(store, policy, today=TODAY)
    assert (MYSTERY, "review", "allow") in [(c.subject, c.before, c.after) for c in report.changes]
    with store.session() as session:
        from ospo.store.portfolio import ScanRow

        scan = session.get(ScanRow, scan_id)
        assert scan is not None
        decision = next(d for d in scan.result["decisions"] if d["subject"] == MYSTERY)
    assert decision["exception"] == made.ref and any(
        f"waived by exception {made.ref}" in r for r in decision["reasons"]
    )
    # the day after its last day it no longer applies: the component is to review again
    after = reevaluate(store, policy, today=SOON + dt.timedelta(days=1))
    assert (MYSTERY, "allow", "review") in [(c.subject, c.before, c.after) for c in after.changes]
    assert verdicts(store, scan_id)[MYSTERY] == "review"


def test_scope_decides_where_a_waiver_applies(kiosk: tuple[Store, int, Path]) -> None:
    store, scan_id, policy_file = kiosk
    elsewhere = dict(reason="r", owner="o", actor="reviewer@example.test", kind="license", license="MIT")
    with pytest.raises(ExceptionError, match="no project named nope"):
        create_exception(store, scope="project", scope_name="nope", **elsewhere)  # type: ignore[arg-type]
    create_exception(store, kind="component", purl="pkg:npm/mystery", scope="all", reason="r", owner="o", actor="a")
    other_product = create_exception(
        store, kind="component", purl="pkg:npm/*", scope="product", scope_name="Kiosk", reason="r", owner="o", actor="a"
    )
    assert affected_projects(store, [other_product]) == ["kiosk"]
    reevaluate(store, load_policy(policy_file))
    assert verdicts(store, scan_id)[MYSTERY] == "allow"


def test_a_revoked_waiver_stops_applying(kiosk: tuple[Store, int, Path]) -> None:
    store, scan_id, policy_file = kiosk
    policy = load_policy(policy_file)
    made = create_exception(
        store, kind="component", purl="pkg:npm/mystery", reason="r", owner="o", actor="reviewer@example.test"
    )
    reevaluate(store, policy)
    assert verdicts(store, scan_id)[MYSTERY] == "allow"
    revoked = revoke_exception(store, made.id, actor="admin@example.test", reason="counsel withdrew the clearance")
    assert revoked.status(TODAY) == "revoked" and revoked.revoked_by == "admin@example.test"
    with pytest.raises(ExceptionConflict):
        revoke_exception(store, made.id, actor="admin@example.test", reason="again")
    reevaluate(store, policy)
    assert verdicts(store, scan_id)[MYSTERY] == "review"
    assert [e.status(TODAY) for e in list_exceptions(store)] == ["revoked"]


def test_an_accepted_risk_clears_the_gate_and_lapses_at_reevaluation(kiosk: tuple[Store, int, Path]) -> None:
    store, scan_id, policy_file = kiosk
    policy = load_policy(policy_file)
    assert verdicts(store, scan_id)[DEMO] == "deny"  # fail_on: high
    accepted = change_finding(
        store,
        project="kiosk",
        purl=DEMO,
        vulnerability="GHSA-aaaa-bbbb-cccc",  # an alias names it too
        state="accepted-risk",
        reason="the extraction path is never reached",
        expires=SOON,
        actor="reviewer@example.test",
    )
    assert (accepted.state, accepted.owner, accepted.expires) == ("accepted-risk", "reviewer@example.test", SOON)
    assert accepted.exception is not None and accepted.exception.startswith("ospo-")
    reevaluate(store, policy, today=TODAY)
    assert verdicts(store, scan_id)[DEMO] == "allow"
    assert [f.state for f in list_findings(store, "kiosk")] == ["accepted-risk"]
    reevaluate(store, policy, today=SOON + dt.timedelta(days=1))
    assert verdicts(store, scan_id)[DEMO] == "deny"
    found = list_findings(store, "kiosk", include_closed=True)
    assert [(f.state, f.exception, f.owner) for f in found] == [("open", None, None)]
    with store.session() as session:
        reopened = session.execute(select(AuditRow).where(AuditRow.action == "finding.reopen")).scalar_one()
    assert accepted.exception in reopened.details["why"] and reopened.actor == "system"


def test_not_affected_then_reopen_revokes_its_exception(kiosk: tuple[Store, int, Path]) -> None:
    store, scan_id, policy_file = kiosk
    with pytest.raises(Exception, match="justification"):
        change_finding(store, project="kiosk", purl=DEMO, vulnerability=CVE, state="not-affected", actor="r")
    stated = change_finding(
        store,
        project="kiosk",
        purl=DEMO,
        vulnerability=CVE,
        state="not-affected",
        justification="code_not_reachable",
        actor="reviewer@example.test",
    )
    assert stated.state == "not-affected" and stated.justification == "code_not_reachable"
    assert list_findings(store, "kiosk") == []  # no longer among the open ones
    reevaluate(store, load_policy(policy_file))
    assert verdicts(store, scan_id)[DEMO] == "allow"
    assert [f.state for f in list_findings(store, "kiosk", include_closed=True)] == ["not-affected"]
    change_finding(store, project="kiosk", purl=DEMO, vulnerability=CVE, state="open", actor="reviewer@example.test")
    assert [e.status(TODAY) for e in list_exceptions(store)] == ["revoked"]
    assert [f.state for f in list_findings(store, "kiosk")] == ["open"]
    reevaluate(store, load_policy(policy_file))
    assert verdicts(store, scan_id)[DEMO] == "deny"
    with store.session() as session:
        actions = [a.action for a in session.execute(select(AuditRow).order_by(AuditRow.id)).scalars()]
    assert actions.count("finding.state") == 2 and "exception.revoke" in actions


def test_revoking_a_wide_exception_reopens_the_findings_it_covered(kiosk: tuple[Store, int, Path]) -> None:
    store, _, policy_file = kiosk
    wide = create_exception(
        store,
        kind="vulnerability",
        vulnerability=CVE,
        purl="pkg:pypi/*",
        reason="mitigated at the gateway",
        owner="sec@example.test",
        expires=LATER,
        actor="reviewer@example.test",
    )
    assert affected_projects(store, [wide]) == ["kiosk"]
    reevaluate(store, load_policy(policy_file))
    [finding] = list_findings(store, "kiosk")
    assert (finding.state, finding.exception, finding.owner) == ("accepted-risk", wide.ref, "sec@example.test")
    # one finding cannot undo a portfolio-wide exception: that is revoked as such
    with pytest.raises(StateConflict, match="revoke it"):
        change_finding(store, project="kiosk", purl=DEMO, vulnerability=CVE, state="open", actor="r")
    revoke_exception(store, wide.id, actor="admin@example.test", reason="gateway rule removed")
    assert [(f.state, f.exception) for f in list_findings(store, "kiosk")] == [("open", None)]


def test_policy_file_vulnerability_waivers_accept_findings(kiosk: tuple[Store, int, Path], tmp_path: Path) -> None:
    store, scan_id, _ = kiosk
    text = STRICT + (
        "exceptions:\n"
        "  - id: SEC-7\n"
        "    purl: pkg:pypi/demo-pkg\n"
        f"    vulnerability: {CVE.lower()}\n"
        "    owner: sec@example.test\n"
        "    reason: sandboxed\n"
        f"    expires: {LATER}\n"
    )
    policy = parse_policy(text)
    assert policy.exceptions[0].vulnerability == CVE.lower()
    reevaluate(store, policy)
    assert verdicts(store, scan_id)[DEMO] == "allow"
    [finding] = list_findings(store, "kiosk")
    assert (finding.state, finding.exception, finding.expires) == ("accepted-risk", "SEC-7", LATER)
    with pytest.raises(StateConflict, match="policy file"):
        change_finding(store, project="kiosk", purl=DEMO, vulnerability=CVE, state="open", actor="r")


def test_a_vulnerability_waiver_does_not_waive_the_licence() -> None:
    from ospo.model import Component

    policy = parse_policy(
        "version: 1\nlicenses:\n  default: deny\n  unknown: deny\n"
        "exceptions:\n  - id: V\n    purl: pkg:npm/x\n    vulnerability: CVE-1\n    owner: o\n    reason: r\n"
        "    expires: 2999-01-01\n"
    )
    x = Component("pkg:npm/x@1.0.0", "x", "1.0.0", "npm")
    report = evaluate(policy, [x], {x.purl: "GPL-3.0-only"})
    assert report.decisions[0].verdict.value == "deny" and report.decisions[0].exception is None
    assert [e.id for e in report.unused_exceptions] == ["V"]


def test_review_decisions_are_kept_and_a_denial_survives_reevaluation(kiosk: tuple[Store, int, Path]) -> None:
    store, scan_id, policy_file = kiosk
    decide(store, "kiosk", MYSTERY, "deny", actor="reviewer@example.test", reason="no licence at all")
    assert verdicts(store, scan_id)[MYSTERY] == "deny"
    reevaluate(store, load_policy(policy_file))
    assert verdicts(store, scan_id)[MYSTERY] == "deny"  # not back to review: the denial is a decision
    [denial] = list_exceptions(store, verdict="deny")
    assert (denial.kind, denial.purl, denial.versions, denial.scope_name) == (
        "component",
        "pkg:npm/mystery",
        "=0.1.0",
        "kiosk",
    )
    revoke_exception(store, denial.id, actor="reviewer@example.test", reason="supplier sent the licence")
    reevaluate(store, load_policy(policy_file))
    assert verdicts(store, scan_id)[MYSTERY] == "review"
    decide(store, "kiosk", MYSTERY, "approve", actor="reviewer@example.test", reason="MIT per supplier", expires=LATER)
    [approval] = list_exceptions(store)
    assert approval.expires == LATER and approval.approved_by == "reviewer@example.test"
    reevaluate(store, load_policy(policy_file))
    assert verdicts(store, scan_id)[MYSTERY] == "allow"


def test_the_service_reevaluates_when_an_exception_lapses(kiosk: tuple[Store, int, Path]) -> None:
    store, scan_id, policy_file = kiosk
    service_policy = load_service_policy(policy_file)
    create_exception(store, kind="component", purl="pkg:npm/mystery", reason="r", owner="o", expires=SOON, actor="a")
    assert reevaluate_if_changed(store, policy=service_policy, today=TODAY) is not None  # first run: everything
    assert verdicts(store, scan_id)[MYSTERY] == "allow"
    assert reevaluate_if_changed(store, policy=service_policy, today=SOON) is None  # still in force on its last day
    lapsed = reevaluate_if_changed(store, policy=service_policy, today=SOON + dt.timedelta(days=1))
    assert lapsed is not None and [p.project for p in lapsed.projects] == ["kiosk"]
    assert verdicts(store, scan_id)[MYSTERY] == "review"
    with store.session() as session:
        checked = session.get(ServiceStateRow, LAPSE_CHECK_KEY)
        assert checked is not None and checked.value == (SOON + dt.timedelta(days=1)).isoformat()


@pytest.mark.parametrize(
    ("purl", "pattern", "versions"),
    [
        ("pkg:npm/%40angular/core@17.0.0", "pkg:npm/@angular/core", "=17.0.0"),
        ("pkg:maven/g/a@1.0?type=jar", "pkg:maven/g/a", "=1.0"),
        ("pkg:generic/we[ird]*@1", "pkg:generic/we[[]ird][*]", "=1"),
        ("pkg:npm/unversioned", "pkg:npm/unversioned", None),
    ],
)
def test_purl_target_singles_out_one_version(purl: str, pattern: str, versions: str | None) -> None:
    assert purl_target(purl) == (pattern, versions)
