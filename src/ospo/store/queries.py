"""Questions the portfolio answers: where is X, what do we ship under which licences, trends."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import and_, func, select

from ospo.store.engine import Store
from ospo.store.ingest import base_purl
from ospo.store.portfolio import (
    ComponentRow,
    ProductRow,
    ProjectRow,
    ReleaseRow,
    ScanComponentRow,
    ScanRow,
    TeamRow,
)

VersionFilter = Callable[[str, str], bool]  # (ecosystem, version) -> matches


@dataclass(frozen=True)
class WhereHit:
    purl: str
    version: str | None
    scope: str
    direct: bool | None
    project: str
    product: str | None
    release: str | None
    team: str | None
    scan_id: int
    scanned_at: datetime


def _prefix_bounds(prefix: str) -> tuple[str, str]:
    """[prefix, upper) for a range scan on an indexed string column (works on every database)."""
    return prefix, prefix + "\U0010ffff"


def where(
    store: Store,
    purl: str,
    *,
    version_filter: VersionFilter | None = None,
    include_history: bool = False,
    limit: int = 10_000,
) -> list[WhereHit]:
    """Every project (and its product, release and team) that ships a component matching
    `purl` — a full purl without version, or any prefix of one (`pkg:maven/org.apache.logging`).
    Only each project's latest scan counts unless `include_history`."""
    if "@" in purl.rsplit("/", 1)[-1]:
        purl = base_purl(purl)
    low, high = _prefix_bounds(purl)
    stmt = (
        select(
            ComponentRow.purl,
            ComponentRow.ecosystem,
            ComponentRow.version,
            ScanComponentRow.scope,
            ScanComponentRow.direct,
            ProjectRow.name,
            ProductRow.name,
            ReleaseRow.version,
            TeamRow.name,
            ScanRow.id,
            ScanRow.created_at,
        )
        .select_from(ComponentRow)
        .join(ScanComponentRow, ScanComponentRow.component_id == ComponentRow.id)
        .join(ScanRow, ScanRow.id == ScanComponentRow.scan_id)
        .join(ProjectRow, ProjectRow.id == ScanRow.project_id)
        .outerjoin(ProductRow, ProductRow.id == ProjectRow.product_id)
        .outerjoin(ReleaseRow, ReleaseRow.id == ScanRow.release_id)
        .outerjoin(TeamRow, TeamRow.id == func.coalesce(ProjectRow.team_id, ProductRow.team_id))
        .where(and_(ComponentRow.base_purl >= low, ComponentRow.base_purl < high))
        .order_by(ProductRow.name, ProjectRow.name, ComponentRow.purl)
        .limit(limit)
    )
    if not include_history:
        stmt = stmt.where(ProjectRow.latest_scan_id == ScanRow.id)
    hits: list[WhereHit] = []
    with store.session() as session:
        for row in session.execute(stmt):
            purl_, eco, version, scope, direct, project, product, release, team, scan_id, at = row
            if version_filter is not None and (version is None or not version_filter(eco, version)):
                continue
            hits.append(WhereHit(purl_, version, scope, direct, project, product, release, team, scan_id, at))
    return hits


def portfolio_summary(store: Store) -> dict[str, Any]:
    """Licences, verdicts and vulnerabilities over every project's latest scan."""
    with store.session() as session:
        scans = session.execute(
            select(ScanRow.summary).join(ProjectRow, ProjectRow.latest_scan_id == ScanRow.id)
        ).scalars()
        totals: dict[str, Any] = {
            "projects": 0,
            "components": 0,
            "verdicts": {},
            "vulnerabilities": {},
            "licenses": {},
        }
        for summary in scans:
            totals["projects"] += 1
            totals["components"] += int(summary.get("components", 0))
            for key in ("verdicts", "vulnerabilities", "licenses"):
                for name, count in (summary.get(key) or {}).items():
                    totals[key][name] = totals[key].get(name, 0) + int(count)
        distinct = session.execute(
            select(func.count(func.distinct(ScanComponentRow.component_id))).join(
                ProjectRow, ProjectRow.latest_scan_id == ScanComponentRow.scan_id
            )
        ).scalar_one()
        totals["distinct_components"] = int(distinct)
    return totals


def trends(store: Store, project: str | None = None) -> list[dict[str, Any]]:
    """One point per scan, oldest first: components, denials, vulnerabilities."""
    with store.session() as session:
        stmt = select(ScanRow.created_at, ProjectRow.name, ScanRow.summary).join(
            ProjectRow, ProjectRow.id == ScanRow.project_id
        )
        if project is not None:
            stmt = stmt.where(ProjectRow.name == project)
        out = []
        for at, name, summary in session.execute(stmt.order_by(ScanRow.created_at)):
            out.append(
                {
                    "at": at.isoformat(),
                    "project": name,
                    "components": summary.get("components", 0),
                    "denied": (summary.get("verdicts") or {}).get("deny", 0),
                    "review": (summary.get("verdicts") or {}).get("review", 0),
                    "vulnerabilities": sum((summary.get("vulnerabilities") or {}).values()),
                }
            )
    return out
