"""An upload judged by the service as it arrives, not at the next re-evaluation.

A scan sent from CI (`ospo scan --upload`) was judged there with the repository's policy
and whatever advisories the CI machine had; a supplier's SBOM was judged by nobody. The
service judges both with its own policy and the store's advisories before storing them, and
the stored scan, its components' verdicts and the project's tracked vulnerability findings
(opened, refreshed, or closed as fixed, with SLA due dates from the policy) are written in
one transaction: the dashboard, `where` and the findings API are right as soon as the
upload is answered.

Idempotence is by the upload as sent (its content hash), so the same upload stored twice is
one scan even when the advisories changed in between; re-evaluation judges it again then.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from ospo.model import ScanResult
from ospo.model.serialize import to_data
from ospo.policy.schema import DISTRIBUTIONS
from ospo.reports.scan_json import scan_from_data
from ospo.scan.assess import assess
from ospo.service.reevaluate import ServicePolicy, policy_for, stored_for, track_in
from ospo.store import Store
from ospo.store.ingest import IngestOutcome, content_hash, ingest_scan
from ospo.store.portfolio import ProjectRow, ScanRow


@dataclass(frozen=True)
class JudgedIngest:
    outcome: IngestOutcome
    result: ScanResult  # as stored: judged now, or when the same upload was stored before
    findings: int  # vulnerability findings the stored scan has


def _stored(store: Store, project: str, digest: str) -> JudgedIngest | None:
    with store.session() as session:
        found = session.execute(
            select(ScanRow, ProjectRow.id)
            .join(ProjectRow, ProjectRow.id == ScanRow.project_id)
            .where(ProjectRow.name == project, ScanRow.content_hash == digest)
        ).one_or_none()
        if found is None:
            return None
        scan, project_id = found
        outcome = IngestOutcome(scan.id, project_id, False, scan.component_count)
        result = scan_from_data(scan.result)
        return JudgedIngest(outcome, result, len(result.vulnerabilities))


def ingest_judged(
    store: Store,
    upload: ScanResult,
    project: str,
    policy: ServicePolicy,
    *,
    product: str | None = None,
    release: str | None = None,
    kind: str = "scan",
    actor: str = "system",
    today: dt.date | None = None,
) -> JudgedIngest:
    """Judge `upload` with the service's policy and advisories, then store it and track its
    findings in one transaction. ValueError from ingest (a release without a product, a bad purl)."""
    if upload.distribution not in DISTRIBUTIONS:
        raise ValueError(f"distribution {upload.distribution!r} is not one of {', '.join(DISTRIBUTIONS)}")
    digest = content_hash(to_data(upload))
    stored = _stored(store, project, digest)
    if stored is not None:
        return stored  # the same upload again: nothing to judge or write
    # The store's exceptions for this project (and its product) count as the policy's own
    # waivers and denials, exactly as at re-evaluation.
    with store.session() as session:
        exceptions = stored_for(session, project, product)
    assessment = assess(
        upload,
        policy_for(policy.policy, exceptions),
        store=store,
        project=project,
        policy_source=policy.source,
        today=today,
        sla=policy.sla,
    )
    judged = assessment.result
    judged.problems.extend(assessment.problems)
    now = dt.datetime.now(dt.UTC)

    def track(session: Session, _scan_id: int) -> None:
        # The scan is now what the project ships: its findings start (or keep) their SLA clocks
        # and those it no longer has are fixed.
        track_in(session, project, assessment, exceptions, policy.sla, actor=actor, now=now)

    outcome = ingest_scan(
        store,
        judged,
        project,
        product=product,
        release=release,
        kind=kind,
        actor=actor,
        now=now,
        digest=digest,
        on_stored=track,
        audit_details={"policy": policy.source, "verdict": judged.verdict, "uploaded_verdict": upload.verdict},
    )
    if not outcome.created:  # a concurrent upload of the same content won
        return _stored(store, project, digest) or JudgedIngest(outcome, judged, len(assessment.findings))
    return JudgedIngest(outcome, judged, len(assessment.findings))
