"""Questions the portfolio answers: where is X, what do we ship under which licences, trends."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import ColumnElement, Select, and_, func, or_, select

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


# The fields of a WhereHit, in order, as a plain tuple.
WhereRow = tuple[str, str | None, str, bool | None, str, str | None, str | None, str | None, int, datetime]
_PROJECT, _PRODUCT = 4, 5


@dataclass(frozen=True)
class WhereAnswer:
    """Every place a package is shipped, as plain tuples sorted by product, project, purl, scan.

    Plain tuples on purpose: a popular package is in 10,000 projects, and 10,000 objects per
    answer kept the garbage collector busy (a full collection in a large process cost more
    than the query); tuples of strings, numbers and dates are dropped from its bookkeeping.
    """

    rows: list[WhereRow]

    def __len__(self) -> int:
        return len(self.rows)

    def hits(self, offset: int = 0, limit: int | None = None) -> list[WhereHit]:
        end = None if limit is None else offset + limit
        return [WhereHit(*row) for row in self.rows[offset:end]]

    def versions(self) -> list[tuple[str, str | None, int]]:
        """(purl, version, places) for every version in use, most used first."""
        counts: dict[str, int] = {}
        versions: dict[str, str | None] = {}
        for purl, version, *_ in self.rows:
            counts[purl] = counts.get(purl, 0) + 1
            versions[purl] = version
        return sorted(((p, versions[p], n) for p, n in counts.items()), key=lambda t: (-t[2], t[0]))

    def project_count(self) -> int:
        return len({row[_PROJECT] for row in self.rows})

    def product_count(self) -> int:
        return len({row[_PRODUCT] for row in self.rows if row[_PRODUCT] is not None})


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


def _places(ids: list[int], include_history: bool) -> Select[*tuple[Any, ...]]:
    """The places (latest scans, or every scan) shipping the component versions `ids`."""
    return (
        select(
            ComponentRow.purl,
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
        .select_from(ScanComponentRow)
        .join(ComponentRow, ComponentRow.id == ScanComponentRow.component_id)
        .join(ScanRow, ScanRow.id == ScanComponentRow.scan_id)
        # Latest scans only: reach the project by its latest_scan_id alone, so the planner
        # sees one simple join rather than two correlated conditions.
        .join(
            ProjectRow,
            ProjectRow.id == ScanRow.project_id
            if include_history
            else ProjectRow.latest_scan_id == ScanComponentRow.scan_id,
        )
        .outerjoin(ProductRow, ProductRow.id == ProjectRow.product_id)
        .outerjoin(ReleaseRow, ReleaseRow.id == ScanRow.release_id)
        .outerjoin(TeamRow, TeamRow.id == func.coalesce(ProjectRow.team_id, ProductRow.team_id))
        .where(ScanComponentRow.component_id.in_(ids))
    )


def _row_order(row: WhereRow) -> tuple[str, str, str, int]:
    purl, _v, _s, _d, project, product, _r, _t, scan_id, _at = row
    return (product or "", project, purl, scan_id)


def _sqlite_row(row: tuple[Any, ...]) -> WhereRow:
    """SQLite hands back what it stores: 0/1 for booleans and ISO text for times."""
    direct = None if row[3] is None else bool(row[3])
    at = row[9] if isinstance(row[9], datetime) else datetime.fromisoformat(row[9])
    return (row[0], row[1], row[2], direct, row[4], row[5], row[6], row[7], row[8], at)


def where_rows(
    store: Store,
    purl: str,
    *,
    version_filter: VersionFilter | None = None,
    include_history: bool = False,
    exact: bool = False,
) -> WhereAnswer:
    """Every project (and its product, release and team) that ships a component matching
    `purl` — a full purl without version, or any prefix of one (`pkg:maven/org.apache.logging`),
    or only that package when `exact`. Only each project's latest scan counts unless
    `include_history`."""
    if "@" in purl.rsplit("/", 1)[-1]:
        purl = base_purl(purl)
    rows: list[WhereRow] = []
    with store.session() as session:
        # Two steps with predictable plans: the matching component versions by the indexed
        # purl (the version range applied here, before any join), then their places.
        ids = [
            cid
            for cid, eco, version in session.execute(
                select(ComponentRow.id, ComponentRow.ecosystem, ComponentRow.version).where(
                    ComponentRow.base_purl == purl if exact else _matches_purl(purl)
                )
            )
            if version_filter is None or (version is not None and version_filter(eco, version))
        ]
        connection = session.connection()
        dialect = connection.dialect
        # The ids are our own integers, written into the SQL: every query is planned for its
        # ids (a prepared statement's generic plan chose 10,000 index probes for a popular
        # package), and the rows come straight from the driver's cursor, without a Row object each.
        cursor = connection.connection.dbapi_connection.cursor()  # type: ignore[union-attr]
        try:
            step = 1000 if dialect.name == "sqlite" else 50_000
            for i in range(0, len(ids), step):
                sql = _places(ids[i : i + step], include_history).compile(
                    dialect=dialect, compile_kwargs={"literal_binds": True}
                )
                cursor.execute(str(sql))
                fetched = cursor.fetchall()
                rows.extend(map(_sqlite_row, fetched) if dialect.name == "sqlite" else fetched)
        finally:
            cursor.close()
    rows.sort(key=_row_order)
    return WhereAnswer(rows)


def where(
    store: Store,
    purl: str,
    *,
    version_filter: VersionFilter | None = None,
    include_history: bool = False,
) -> list[WhereHit]:
    """`where_rows` as objects, for callers that show a few places rather than thousands."""
    return where_rows(store, purl, version_filter=version_filter, include_history=include_history).hits()


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
