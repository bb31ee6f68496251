"""Ingest of a ScanResult (ours, or one built from a supplier's SBOM) into the portfolio.

One transaction per scan: the project, the scan, the components and their per-scan facts
are written together or not at all. The scan's content hash makes ingest idempotent: the
same result uploaded twice (or by two CI jobs at once) is stored once, and the loser of a
race gets the winner's scan back.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from ospo.model import Component, ScanResult
from ospo.model.serialize import to_data
from ospo.store.engine import Store
from ospo.store.portfolio import (
    AuditRow,
    ComponentRow,
    ProductRow,
    ProjectRow,
    ReleaseRow,
    ScanComponentRow,
    ScanRow,
)

_BATCH = 500


@dataclass(frozen=True)
class IngestOutcome:
    scan_id: int
    project_id: int
    created: bool  # False when the same content was already stored
    components: int


def content_hash(data: Any) -> str:
    """A stable hash of a scan's JSON form (key order and whitespace do not matter)."""
    canonical = json.dumps(data, sort_keys=True, separators=(",", ":"), ensure_ascii=False, default=str)
    return hashlib.sha256(canonical.encode()).hexdigest()


def base_purl(purl: str) -> str:
    """The purl without version, qualifiers or subpath: what "where is X" searches by."""
    head = purl.split("?", 1)[0].split("#", 1)[0]
    name_start = head.rfind("/")
    at = head.find("@", name_start + 1)
    return head[:at] if at != -1 else head


def _insert(session: Session, table: Any) -> postgresql.Insert | sqlite.Insert:
    dialect = session.get_bind().dialect.name
    if dialect == "postgresql":
        return postgresql.insert(table)
    if dialect == "sqlite":
        return sqlite.insert(table)
    raise RuntimeError(f"unsupported database {dialect}")


def _get_or_create(session: Session, model: Any, key: dict[str, Any], values: dict[str, Any] | None = None) -> Any:
    stmt = _insert(session, model).values(**key, **(values or {})).on_conflict_do_nothing()
    session.execute(stmt)
    query = select(model)
    for column, value in key.items():
        query = query.where(getattr(model, column) == value)
    return session.execute(query).scalar_one()


def _component_ids(session: Session, components: Sequence[Component]) -> dict[str, int]:
    rows = [
        {
            "purl": c.purl,
            "base_purl": base_purl(c.purl),
            "ecosystem": c.ecosystem,
            "namespace": c.namespace,
            "name": c.name,
            "version": c.version,
        }
        for c in components
    ]
    ids: dict[str, int] = {}
    for i in range(0, len(rows), _BATCH):
        chunk = rows[i : i + _BATCH]
        # executemany with one compiled statement: a literal multi-row VALUES would be
        # compiled anew for every chunk, which cost more than the database work.
        # Core, on the session's connection: the ORM's bulk path builds a parameter set per row
        # again, a fifth of a 5,000-component ingest.
        session.connection().execute(_insert(session, ComponentRow.__table__).on_conflict_do_nothing(), chunk)
        purls = [r["purl"] for r in chunk]
        for cid, purl in session.execute(
            select(ComponentRow.id, ComponentRow.purl).where(ComponentRow.purl.in_(purls))
        ):
            ids[purl] = cid
    return ids


def summarize(result: ScanResult) -> dict[str, Any]:
    verdicts: dict[str, int] = {}
    for d in result.decisions:
        verdicts[d.verdict.value] = verdicts.get(d.verdict.value, 0) + 1
    severities: dict[str, int] = {}
    for v in result.vulnerabilities:
        severities[v.advisory.severity] = severities.get(v.advisory.severity, 0) + 1
    licenses: dict[str, int] = {}
    for c in result.concluded:
        key = c.expression or "unknown"
        licenses[key] = licenses.get(key, 0) + 1
    return {
        "components": len(result.inventory.components),
        "verdicts": verdicts,
        "vulnerabilities": severities,
        "licenses": licenses,
        "problems": len(result.problems),
    }


# Called inside the ingest transaction with the new scan's id, when the scan is new.
OnStored = Callable[[Session, int], None]


def ingest_scan(
    store: Store,
    result: ScanResult,
    project: str,
    *,
    product: str | None = None,
    release: str | None = None,
    kind: str = "scan",
    actor: str = "system",
    now: datetime | None = None,
    digest: str | None = None,
    on_stored: OnStored | None = None,
    audit_details: dict[str, Any] | None = None,
) -> IngestOutcome:
    """Store one scan of `project` (created on first sight) in a single transaction.

    `digest` is what makes the scan idempotent (default: the hash of `result`); a service
    that judges an upload before storing it passes the hash of the upload as sent, so the
    same upload is one scan whatever the advisories were. `on_stored` writes more in the
    same transaction (the findings the scan opens or closes)."""
    now = now or datetime.now(UTC)
    bad = [c.purl for c in result.inventory.components if not c.purl.startswith("pkg:") or len(c.purl) > 1000]
    if bad:
        raise ValueError(f"{len(bad)} components without a valid purl, e.g. {bad[0][:80]!r}")
    data = to_data(result)
    digest = digest or content_hash(data)
    for attempt in range(3):
        try:
            return _ingest(
                store, result, data, digest, project, product, release, kind, actor, now, on_stored, audit_details
            )
        except IntegrityError:
            # Another writer stored the same content (or created the same project, or the
            # same finding) first: the unique constraints decided; read back what won, or
            # try again on top of it.
            with store.session() as session:
                project_row = session.execute(select(ProjectRow).where(ProjectRow.name == project)).scalar_one_or_none()
                scan = (
                    session.execute(
                        select(ScanRow).where(ScanRow.project_id == project_row.id, ScanRow.content_hash == digest)
                    ).scalar_one_or_none()
                    if project_row is not None
                    else None
                )
            if scan is not None and project_row is not None:
                return IngestOutcome(scan.id, project_row.id, False, scan.component_count)
            if attempt == 2:
                raise
    raise AssertionError("unreachable")


def _ingest(
    store: Store,
    result: ScanResult,
    data: dict[str, Any],
    digest: str,
    project: str,
    product: str | None,
    release: str | None,
    kind: str,
    actor: str,
    now: datetime,
    on_stored: OnStored | None,
    audit_details: dict[str, Any] | None,
) -> IngestOutcome:
    with store.session() as session:
        product_row = (
            _get_or_create(
                session,
                ProductRow,
                {"name": product},
                {"distribution": result.distribution, "description": ""},
            )
            if product
            else None
        )
        project_row = _get_or_create(session, ProjectRow, {"name": project})
        if product_row is not None and project_row.product_id != product_row.id:
            project_row.product_id = product_row.id
        existing = session.execute(
            select(ScanRow).where(ScanRow.project_id == project_row.id, ScanRow.content_hash == digest)
        ).scalar_one_or_none()
        if existing is not None:
            return IngestOutcome(existing.id, project_row.id, False, existing.component_count)
        release_row = None
        if release is not None:
            if product_row is None:
                raise ValueError("a release needs a product")
            release_row = _get_or_create(
                session, ReleaseRow, {"product_id": product_row.id, "version": release}, {"created_at": now}
            )
        scan = ScanRow(
            project_id=project_row.id,
            release_id=release_row.id if release_row else None,
            content_hash=digest,
            kind=kind,
            created_at=now,
            distribution=result.distribution,
            verdict=result.verdict,
            component_count=len({c.purl for c in result.inventory.components}),
            summary=summarize(result),
            result=data,
        )
        session.add(scan)
        session.flush()
        # One link per purl: a result naming a purl twice (e.g. a hand-made SBOM) is merged.
        unique = list({c.purl: c for c in reversed(result.inventory.components)}.values())[::-1]
        ids = _component_ids(session, unique)
        decisions = {d.subject: d for d in result.decisions}
        concluded = {c.purl: c for c in result.concluded}
        links = []
        for comp in unique:
            decision = decisions.get(comp.purl)
            info = concluded.get(comp.purl)
            links.append(
                {
                    "scan_id": scan.id,
                    "component_id": ids[comp.purl],
                    "scope": comp.scope.value,
                    "direct": comp.direct,
                    "license": (info.expression if info else comp.declared_license),
                    "license_source": info.source if info else ("declared" if comp.declared_license else None),
                    "verdict": decision.verdict.value if decision else None,
                    "reasons": list(decision.reasons) if decision else [],
                    "exception": decision.exception if decision else None,
                }
            )
        if links:
            session.connection().execute(_insert(session, ScanComponentRow.__table__), links)
        # The newest scan of a project is what it ships now.
        session.execute(update(ProjectRow).where(ProjectRow.id == project_row.id).values(latest_scan_id=scan.id))
        if on_stored is not None:
            on_stored(session, scan.id)
        session.add(
            AuditRow(
                at=now,
                actor=actor,
                action="scan.ingest",
                subject=project,
                details={
                    "scan_id": scan.id,
                    "kind": kind,
                    "components": len(links),
                    "hash": digest,
                    **(audit_details or {}),
                },
            )
        )
        return IngestOutcome(scan.id, project_row.id, True, len(links))


def audit(store: Store, actor: str, action: str, subject: str, details: dict[str, Any] | None = None) -> None:
    with store.session() as session:
        session.add(AuditRow(at=datetime.now(UTC), actor=actor, action=action, subject=subject, details=details or {}))
