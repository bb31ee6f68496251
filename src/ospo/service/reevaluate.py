"""Re-evaluation without rescanning: every project's latest scan judged again.

A policy change (MIT now denied) or a newly imported advisory changes what the portfolio's
stored decisions should be, though no source tree changed. The stored ScanResult of each
project's latest scan is enough (ORT's stage contract): its components are matched against
the store's current advisories and the policy is evaluated again; the scan's components,
verdict, summary and result and the project's tracked findings are updated together in one
transaction per scan, with an audit entry saying what changed.

Exceptions kept in the store are judged by the policy's own waiver machinery: those in
scope for a project (its own, its product's, the portfolio's) join the policy file's
waivers (denials join its component rules) for that project's evaluation, so a lapsed one
stops applying by its date and a revoked one is left out. The findings then follow the
waivers in force (`apply_waivers_in`): covered ones are accepted, uncovered ones reopen.

The service does this by itself when the fingerprint of its inputs (the policy file's
content, the advisories' count and newest modification) differs from the one stored at the
last run; between such runs it re-evaluates the projects an exception reached when that
exception lapses.
"""

from __future__ import annotations

import asyncio
import dataclasses
import datetime as dt
import hashlib
import logging
import os
from collections.abc import Collection, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from ospo.model import Verdict
from ospo.model.serialize import to_data
from ospo.policy import DEFAULT_POLICY_PATH, Policy, PolicyError, parse_policy
from ospo.policy.schema import ComponentRule, PolicyException
from ospo.reports.scan_json import scan_from_data
from ospo.scan.assess import Assessment, assess
from ospo.store import AdvisoryRow, Store
from ospo.store.exceptions import StoredException, affected_projects, in_scope, lapsed_between
from ospo.store.ingest import summarize
from ospo.store.portfolio import (
    AuditRow,
    ComponentRow,
    ProductRow,
    ProjectRow,
    ScanComponentRow,
    ScanRow,
    ServiceStateRow,
)
from ospo.vulns.sla import FindingState, SlaConfigError, SlaPolicy
from ospo.vulns.tracking import TrackedFinding, Waiver, apply_waivers_in, record_findings_in

log = logging.getLogger("ospo.reevaluate")

POLICY_ENV = "OSPO_POLICY"
INTERVAL_ENV = "OSPO_REEVALUATE_SECONDS"
DEFAULT_INTERVAL = 3600.0
FINGERPRINT_KEY = "reevaluation.fingerprint"
LAPSE_CHECK_KEY = "reevaluation.exceptions_checked_on"


@dataclass(frozen=True)
class VerdictChange:
    """One component (or file) whose verdict is not what it was."""

    project: str
    subject: str
    before: str | None
    after: str | None


@dataclass
class ProjectReevaluation:
    project: str
    scan_id: int
    verdict_before: str | None
    verdict_after: str | None
    changes: list[VerdictChange] = field(default_factory=list)
    findings: int = 0
    error: str | None = None


@dataclass
class ReevaluationReport:
    """What one run looked at and what it changed."""

    projects: list[ProjectReevaluation] = field(default_factory=list)
    policy_source: str = ""
    fingerprint: str | None = None

    @property
    def changes(self) -> list[VerdictChange]:
        return [c for p in self.projects for c in p.changes]

    @property
    def changed_projects(self) -> list[ProjectReevaluation]:
        return [p for p in self.projects if p.changes or p.verdict_before != p.verdict_after]

    @property
    def errors(self) -> list[ProjectReevaluation]:
        return [p for p in self.projects if p.error is not None]


@dataclass(frozen=True)
class ServicePolicy:
    """The policy the service judges with, its label, the SLA windows in force (the policy's,
    then OSPO_SLA) and the hash of both."""

    policy: Policy
    source: str
    digest: str
    sla: SlaPolicy = field(default_factory=SlaPolicy)


def load_service_policy(path: str | Path | None = None) -> ServicePolicy:
    """The policy at `path`, else OSPO_POLICY, else ospo's default (PolicyError if invalid,
    or if OSPO_SLA cannot be read)."""
    chosen = Path(path) if path is not None else Path(os.environ.get(POLICY_ENV) or DEFAULT_POLICY_PATH)
    try:
        text = chosen.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise PolicyError(str(chosen), [(None, f"cannot read: {exc}")]) from exc
    policy = parse_policy(text, str(chosen))
    try:
        sla = SlaPolicy.from_overrides(base=policy.sla)
    except SlaConfigError as exc:
        raise PolicyError("OSPO_SLA", [(None, str(exc))]) from None
    source = "ospo default policy" if chosen == DEFAULT_POLICY_PATH else str(chosen)
    # Windows changed by OSPO_SLA alone change the due dates too: they are part of the digest.
    windows = ",".join(f"{k}={v}" for k, v in sorted(sla.windows.items()))
    return ServicePolicy(policy, source, hashlib.sha256(f"{text}\0{windows}".encode()).hexdigest(), sla)


def policy_for(policy: Policy, stored: Sequence[StoredException]) -> Policy:
    """`policy` with the store's exceptions for one project added: waivers ahead of the
    policy file's (the narrowest first, so a decision on this very component explains it),
    denials as deny rules. Expired rows go in too: the evaluator says they lapsed."""
    waivers: list[PolicyException] = []
    denials: list[ComponentRule] = []
    for e in stored:
        if e.revoked_at is not None:
            continue
        if e.verdict == "deny":
            reason = f"denied by {e.approved_by} ({e.ref}, owner {e.owner}): {e.reason}"
            denials.append(ComponentRule(e.purl or "*", Verdict.DENY, e.versions, reason))
            continue
        reason = e.reason if e.finding_state != "not-affected" else f"not affected ({e.justification}): {e.reason}"
        waivers.append(
            PolicyException(
                id=e.ref,
                purl=e.purl or "*",
                owner=e.owner,
                reason=reason,
                expires=e.expires,
                versions=e.versions,
                license=e.license,
                vulnerability=e.vulnerability,
            )
        )
    if not waivers and not denials:
        return policy
    return dataclasses.replace(
        policy, exceptions=(*waivers, *policy.exceptions), components=(*policy.components, *denials)
    )


def stored_for(session: Session, project: str, product: str | None = None) -> list[StoredException]:
    """The store's exceptions in scope for `project` (through its product too; `product`
    names it for a project not stored yet)."""
    linked = session.execute(
        select(ProductRow.name)
        .join(ProjectRow, ProjectRow.product_id == ProductRow.id)
        .where(ProjectRow.name == project)
    ).scalar_one_or_none()
    return in_scope(session, project, linked or product)


def waivers_of(assessment: Assessment, stored: Sequence[StoredException]) -> dict[tuple[str, str], Waiver]:
    """The evaluator's waived vulnerabilities as finding states: a store exception gives its
    own (accepted risk or not affected), a policy-file waiver accepts the risk."""
    by_ref = {e.ref: e for e in stored}
    out: dict[tuple[str, str], Waiver] = {}
    for key, exc in assessment.report.waived_vulnerabilities.items():
        row = by_ref.get(exc.id)
        if row is not None:
            state = FindingState(row.finding_state or FindingState.ACCEPTED_RISK.value)
            out[key] = Waiver(row.ref, state, row.reason, row.owner, row.expires, row.justification)
        else:
            out[key] = Waiver(exc.id, FindingState.ACCEPTED_RISK, exc.reason, exc.owner, exc.expires)
    return out


def track_in(
    session: Session,
    project: str,
    assessment: Assessment,
    stored: Sequence[StoredException],
    sla: SlaPolicy | None = None,
    *,
    actor: str,
    now: dt.datetime,
) -> list[TrackedFinding]:
    """Record an assessment's findings for `project` (due dates from `sla`) and give them
    the waivers' states."""
    tracked = record_findings_in(session, project, assessment.findings, sla, now=now)
    apply_waivers_in(session, project, tracked, waivers_of(assessment, stored), actor=actor, now=now)
    return tracked


def fingerprint(store: Store, policy_digest: str) -> str:
    """What the stored decisions depend on outside the scans: the policy and the advisories."""
    with store.session() as session:
        count, newest = session.execute(select(func.count(AdvisoryRow.id), func.max(AdvisoryRow.modified))).one()
    return hashlib.sha256(f"{policy_digest}|{count}|{newest or ''}".encode()).hexdigest()


def stored_fingerprint(store: Store) -> str | None:
    with store.session() as session:
        row = session.get(ServiceStateRow, FINGERPRINT_KEY)
        return row.value if row is not None else None


def _store_fingerprint(store: Store, value: str) -> None:
    _put_state(store, FINGERPRINT_KEY, value)


def reevaluate(
    store: Store,
    policy: Policy,
    today: dt.date | None = None,
    *,
    policy_source: str = "ospo default policy",
    actor: str = "system",
    sla: SlaPolicy | None = None,
    projects: Collection[str] | None = None,
) -> ReevaluationReport:
    """Judge every project's latest scan (or only those of `projects`) again with `policy`,
    the store's exceptions and the store's advisories; due dates follow `sla` (default: the
    policy's windows)."""
    report = ReevaluationReport(policy_source=policy_source)
    sla = sla or SlaPolicy.from_overrides(base=policy.sla, env={})
    with store.session() as session:
        stmt = select(ProjectRow.name, ProjectRow.latest_scan_id).order_by(ProjectRow.name)
        if projects is not None:
            stmt = stmt.where(ProjectRow.name.in_(sorted(projects)))
        latest = [(name, scan_id) for name, scan_id in session.execute(stmt) if scan_id is not None]
    for project, scan_id in latest:
        try:
            report.projects.append(_reevaluate_scan(store, policy, sla, project, scan_id, today, policy_source, actor))
        except Exception as exc:
            # One unreadable stored result must not stop the others; it is reported.
            log.warning("re-evaluation of %s (scan %s) failed: %s", project, scan_id, exc)
            report.projects.append(ProjectReevaluation(project, scan_id, None, None, error=str(exc)))
    return report


def _reevaluate_scan(
    store: Store,
    policy: Policy,
    sla: SlaPolicy,
    project: str,
    scan_id: int,
    today: dt.date | None,
    policy_source: str,
    actor: str,
) -> ProjectReevaluation:
    with store.session() as session:
        scan = session.get(ScanRow, scan_id)
        if scan is None:
            raise KeyError(f"scan {scan_id} is gone")
        data: dict[str, Any] = scan.result
        stored = stored_for(session, project)
    result = scan_from_data(data)
    before = {d.subject: d.verdict.value for d in result.decisions}
    judge_with = policy_for(policy, stored)
    assessment = assess(
        result, judge_with, store=store, project=project, policy_source=policy_source, today=today, sla=sla
    )
    judged = assessment.result
    after = {d.subject: d.verdict.value for d in judged.decisions}
    changes = [
        VerdictChange(project, subject, before.get(subject), after.get(subject))
        for subject in sorted(set(before) | set(after))
        if before.get(subject) != after.get(subject)
    ]
    now = dt.datetime.now(dt.UTC)
    decisions = {d.subject: d for d in judged.decisions}
    with store.session() as session:
        scan = session.get(ScanRow, scan_id)
        if scan is None:
            raise KeyError(f"scan {scan_id} is gone")
        verdict_before = scan.verdict
        links = session.execute(
            select(ScanComponentRow, ComponentRow.purl)
            .join(ComponentRow, ComponentRow.id == ScanComponentRow.component_id)
            .where(ScanComponentRow.scan_id == scan_id)
        ).all()
        for link, purl in links:
            decision = decisions.get(purl)
            link.verdict = decision.verdict.value if decision else None
            link.reasons = list(decision.reasons) if decision else []
            link.exception = decision.exception if decision else None
        scan.verdict = judged.verdict
        scan.summary = summarize(judged)
        scan.result = to_data(judged)
        tracked = track_in(session, project, assessment, stored, sla, actor=actor, now=now)
        session.add(
            AuditRow(
                at=now,
                actor=actor,
                action="scan.reevaluate",
                subject=project,
                details={
                    "scan_id": scan_id,
                    "policy": policy_source,
                    "verdict": {"before": verdict_before, "after": judged.verdict},
                    "changes": [{"subject": c.subject, "before": c.before, "after": c.after} for c in changes[:200]],
                    "changed": len(changes),
                    "findings": len(tracked),
                },
            )
        )
    return ProjectReevaluation(project, scan_id, verdict_before, judged.verdict, changes, len(tracked))


def reevaluate_if_changed(
    store: Store,
    *,
    policy: ServicePolicy | None = None,
    force: bool = False,
    actor: str = "system",
    today: dt.date | None = None,
) -> ReevaluationReport | None:
    """Re-evaluate when the policy or the advisories changed since the last run (or always
    when `force`); None when nothing changed. The new fingerprint is stored afterwards.

    `policy` defaults to the service's (OSPO_POLICY, else ospo's default)."""
    service_policy = policy or load_service_policy()
    current = fingerprint(store, service_policy.digest)
    day = today or dt.date.today()
    if not force and stored_fingerprint(store) == current:
        return _reevaluate_lapsed(store, service_policy, day, actor)
    report = _reevaluate_with(store, service_policy, today, actor)
    report.fingerprint = current
    _store_fingerprint(store, current)
    _put_state(store, LAPSE_CHECK_KEY, day.isoformat())
    return report


def _reevaluate_lapsed(
    store: Store, service_policy: ServicePolicy, today: dt.date, actor: str
) -> ReevaluationReport | None:
    """Re-evaluate the projects reached by exceptions that lapsed since the last check
    (None when none did): an expiry changes no fingerprint, only the calendar."""
    with store.session() as session:
        row = session.get(ServiceStateRow, LAPSE_CHECK_KEY)
        checked = _date_or_none(row.value) if row is not None else None
        lapsed = lapsed_between(session, checked, today) if checked is not None and checked < today else []
    if checked != today:
        _put_state(store, LAPSE_CHECK_KEY, today.isoformat())
    projects = affected_projects(store, lapsed) if lapsed else []
    if not projects:
        return None
    return _reevaluate_with(store, service_policy, today, actor, projects)


def _reevaluate_with(
    store: Store,
    service_policy: ServicePolicy,
    today: dt.date | None,
    actor: str,
    projects: Collection[str] | None = None,
) -> ReevaluationReport:
    return reevaluate(
        store,
        service_policy.policy,
        today,
        policy_source=service_policy.source,
        actor=actor,
        sla=service_policy.sla,
        projects=projects,
    )


def _date_or_none(value: str) -> dt.date | None:
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        return None


def _put_state(store: Store, key: str, value: str) -> None:
    with store.session() as session:
        row = session.get(ServiceStateRow, key)
        now = dt.datetime.now(dt.UTC)
        if row is None:
            session.add(ServiceStateRow(key=key, value=value, updated_at=now))
        else:
            row.value = value
            row.updated_at = now


def interval_seconds() -> float:
    """OSPO_REEVALUATE_SECONDS (default 3600); 0 or less turns the background check off."""
    raw = os.environ.get(INTERVAL_ENV)
    if raw is None or not raw.strip():
        return DEFAULT_INTERVAL
    try:
        return float(raw)
    except ValueError:
        log.warning("%s=%r is not a number; using %s", INTERVAL_ENV, raw, DEFAULT_INTERVAL)
        return DEFAULT_INTERVAL


async def background_loop(store: Store, interval: float, lock: asyncio.Lock) -> None:
    """Every `interval` seconds, re-evaluate in a worker thread if the inputs changed.

    The first check waits one interval, so a service starting up serves at once; failures
    are logged and the loop goes on.
    """
    while True:
        await asyncio.sleep(interval)
        try:
            async with lock:
                outcome = await asyncio.to_thread(reevaluate_if_changed, store)
        except Exception:
            log.exception("background re-evaluation failed")
            continue
        if outcome is not None:
            log.info(
                "re-evaluated %d projects: %d verdict changes",
                len(outcome.projects),
                len(outcome.changes),
            )
