"""Questions the portfolio answers: where is X, what do we ship under which licences, trends."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import ColumnElement, and_, func, or_, select

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


@dataclass  # not frozen: a frozen __init__ costs a third of a 10,000-row answer
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


_BOUNDARIES = ("/", ".", ":")


def _matches_purl(query: str) -> ColumnElement[bool]:
    """The package itself, or everything under it when it is a prefix ending at a boundary.

    `pkg:npm/lodash` finds lodash but not lodash.merge or lodash-es; `pkg:maven/org.apache`
    finds every group under org.apache (`org.apache.logging...`), `pkg:npm/` all of npm.
    Each alternative is a range on the indexed column.
    """
    column = ComponentRow.base_purl
    if query.endswith(_BOUNDARIES):
        low, high = _prefix_bounds(query)
        return and_(column >= low, column < high)
    alternatives: list[ColumnElement[bool]] = [column == query]
    for sep in _BOUNDARIES:
        low, high = _prefix_bounds(query + sep)
        alternatives.append(and_(column >= low, column < high))
    return or_(*alternatives)


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
    hits: list[WhereHit] = []
    with store.session() as session:
        # Two steps with predictable plans: the matching component versions by the indexed
        # purl (the version range applied here, before any join), then their projects.
        components: dict[int, tuple[str, str | None]] = {}
        for cid, purl_, eco, version in session.execute(
            select(ComponentRow.id, ComponentRow.purl, ComponentRow.ecosystem, ComponentRow.version).where(
                _matches_purl(purl)
            )
        ):
            if version_filter is not None and (version is None or not version_filter(eco, version)):
                continue
            components[cid] = (purl_, version)
        ids = list(components)
        for i in range(0, len(ids), 1000):
            stmt = (
                select(
                    ScanComponentRow.component_id,
                    ScanComponentRow.scope,
                    ScanComponentRow.direct,
                    ProjectRow.name,
                    ProductRow.name,
                    ReleaseRow.version,
                    TeamRow.name,
                    ScanRow.id,
                    ScanRow.created_at,
                )
                .select_from(ScanComponentRow)
                .join(ScanRow, ScanRow.id == ScanComponentRow.scan_id)
                # Latest scans only: reach the project by its latest_scan_id alone, so the
                # planner sees one simple join rather than two correlated conditions.
                .join(
                    ProjectRow,
                    ProjectRow.id == ScanRow.project_id
                    if include_history
                    else ProjectRow.latest_scan_id == ScanComponentRow.scan_id,
                )
                .outerjoin(ProductRow, ProductRow.id == ProjectRow.product_id)
                .outerjoin(ReleaseRow, ReleaseRow.id == ScanRow.release_id)
                .outerjoin(TeamRow, TeamRow.id == func.coalesce(ProjectRow.team_id, ProductRow.team_id))
                .where(ScanComponentRow.component_id.in_(ids[i : i + 1000]))
            )
            # Core rows straight from the connection: the ORM's row loading is not needed here.
            for cid, scope, direct, project, product, release, team, scan_id, at in (
                session.connection().execute(stmt).all()
            ):
                purl_, version = components[cid]
                hits.append(WhereHit(purl_, version, scope, direct, project, product, release, team, scan_id, at))
    hits.sort(key=lambda h: (h.product or "", h.project, h.purl, h.scan_id))
    return hits[:limit]


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
