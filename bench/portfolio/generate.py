"""A synthetic portfolio written straight into the store's tables with COPY.

Shared by bench/portfolio (where-is, ingest) and bench/dashboard (every page on 10,000
projects). The data, not the ingest path, is what is being set up: going through
`ingest_scan` for 30,000 scans would take hours, COPY takes minutes.

What it holds, so that every dashboard page has realistic work to do:

* a pool of packages (npm, PyPI, Maven, Go, Cargo) with a few versions each and one
  licence each (mostly permissive, a few per cent copyleft or unknown), drawn into projects
  with Zipf-like popularity: a few packages are in nearly every project, most in a handful;
* products of very different sizes (a few with hundreds of projects, many with a few),
  owned by teams, with releases frozen to scans; some products without any scan or SBOM;
* per project several scans over half a year (a trend), the older ones with older versions
  and a few components fewer; some projects never scanned, some stale, a few scans with
  problems; the newest scan keeps the full ScanResult JSON (graph, decisions, licences,
  vulnerabilities) so the project, why, SBOM, NOTICE and audit pages have what they read;
* policy verdicts from the licence (review for weak/strong copyleft, deny for AGPL and
  unknown licences, review for a critical vulnerability), some approved by a reviewer as
  exceptions (rows of the exceptions table, with their audit entries);
* OSV advisories (imported through the real importer) for a share of the packages,
  popular ones more often; tracked findings for every affected component of every latest
  scan, with SLA due dates (many overdue), accepted risks (some expired) and not-affected
  statements (each backed by an exception), and fixed findings from earlier scans;
* an audit log entry per scan, and per-scan summaries as ingest writes them.
"""

from __future__ import annotations

import json
import math
import random
import time
import uuid
from bisect import bisect_left
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from typing import Any

import psycopg

from ospo.model import (
    Advisory,
    Component,
    ConcludedLicense,
    Dependency,
    FileProblem,
    Hash,
    Inventory,
    Location,
    PolicyDecision,
    Verdict,
    VulnerabilityMatch,
)
from ospo.model.serialize import to_data
from ospo.reports.scan_json import scan_from_data
from ospo.store import normalise_url, open_store
from ospo.store.exceptions import purl_target, ref
from ospo.vulns.importer import import_records
from ospo.vulns.matcher import AdvisoryIndex, match_components
from ospo.vulns.osv import parse_osv
from ospo.vulns.sla import SlaPolicy

ECOSYSTEMS = [
    ("npm", None, 0.45),
    ("pypi", None, 0.2),
    ("maven", "org.example", 0.2),
    ("golang", "github.com/x", 0.1),
    ("cargo", None, 0.05),
]
OSV_ECOSYSTEM = {"npm": "npm", "pypi": "PyPI", "maven": "Maven", "golang": "Go", "cargo": "crates.io"}
MANIFEST = {
    "npm": "package-lock.json",
    "pypi": "poetry.lock",
    "maven": "pom.xml",
    "golang": "go.sum",
    "cargo": "Cargo.lock",
}

# (expression, share of packages, verdict in a distributed product, reason)
LICENSES: list[tuple[str | None, float, str, str]] = [
    ("MIT", 0.40, "allow", ""),
    ("Apache-2.0", 0.19, "allow", ""),
    ("BSD-3-Clause", 0.09, "allow", ""),
    ("ISC", 0.06, "allow", ""),
    ("BSD-2-Clause", 0.04, "allow", ""),
    ("MIT OR Apache-2.0", 0.06, "allow", ""),
    ("Unlicense", 0.01, "allow", ""),
    ("CC0-1.0", 0.01, "allow", ""),
    ("BSL-1.0", 0.007, "allow", ""),
    ("Python-2.0", 0.005, "allow", ""),
    ("MPL-2.0", 0.01, "review", "MPL-2.0 (copyleft-limited): review for distributed"),
    ("LGPL-2.1-only", 0.008, "review", "LGPL-2.1-only (copyleft-limited): review for distributed"),
    ("LGPL-3.0-or-later", 0.004, "review", "LGPL-3.0-or-later (copyleft-limited): review for distributed"),
    ("EPL-2.0", 0.004, "review", "EPL-2.0 (copyleft-limited): review for distributed"),
    ("GPL-2.0-only", 0.004, "review", "GPL-2.0-only (copyleft): review for distributed"),
    ("GPL-3.0-only", 0.003, "review", "GPL-3.0-only (copyleft): review for distributed"),
    ("AGPL-3.0-only", 0.002, "deny", "AGPL-3.0-only (copyleft): deny for distributed"),
    (None, 0.012, "deny", "licence unknown: deny"),
]
SEVERITIES = [("CRITICAL", 0.08), ("HIGH", 0.3), ("MODERATE", 0.45), ("LOW", 0.15), (None, 0.02)]
SCOPES = [("runtime", 0.72), ("dev", 0.18), ("test", 0.07), ("optional", 0.03)]
STALE_DAYS = 30


@dataclass
class Spec:
    """What to generate. `scans` is the mean number of scans per project (1: only the latest);
    `dashboard` adds what only the dashboard reads (advisories, findings, releases, the
    latest scans' result JSON, review decisions, audit log)."""

    projects: int = 10_000
    components: int = 300
    packages: int = 60_000
    products: int | None = None  # default: one per ten projects
    scans: float = 3.0
    dashboard: bool = True
    history_results: bool = False  # result JSON for every scan, not only the latest
    seed: int = 20261124


@dataclass
class Package:
    ecosystem: str
    namespace: str | None
    name: str
    versions: list[str]
    license: str | None
    verdict: str
    reason: str
    first_id: int = 0  # component id of versions[0]; versions[i] is first_id + i

    def purl(self, version: str | None = None) -> str:
        return purl_of(self.ecosystem, self.namespace, self.name, version)


@dataclass
class Generated:
    """What a bench needs to know about the portfolio it generated (or reuses)."""

    counts: dict[str, int] = field(default_factory=dict)
    seconds: float = 0.0


def purl_of(eco: str, ns: str | None, name: str, version: str | None) -> str:
    base = f"pkg:{eco}/{ns}/{name}" if ns else f"pkg:{eco}/{name}"
    return f"{base}@{version}" if version else base


def _pick(rng: random.Random, table: list[tuple[Any, float]]) -> Any:
    r = rng.random()
    acc = 0.0
    for value, weight in table:
        acc += weight
        if r <= acc:
            return value
    return table[-1][0]


def _version_key(v: str) -> tuple[int, ...]:
    return tuple(int(p) for p in v.split("."))


def package_pool(size: int, rng: random.Random) -> list[Package]:
    licence_table = [((expr, verdict, reason), w) for expr, w, verdict, reason in LICENSES]
    licence_table[0] = (licence_table[0][0], licence_table[0][1] + 1 - sum(w for _, w in licence_table))
    pool = []
    for i in range(size):
        r = rng.random()
        acc = 0.0
        for eco, ns, weight in ECOSYSTEMS:
            acc += weight
            if r <= acc:
                break
        namespace = f"{ns}{i % 50}" if ns else None
        versions = sorted(
            {f"{rng.randint(0, 5)}.{rng.randint(0, 30)}.{rng.randint(0, 20)}" for _ in range(rng.randint(1, 6))},
            key=_version_key,
        )
        expr, verdict, reason = _pick(rng, licence_table)
        pool.append(Package(eco, namespace, f"lib{i}", versions, expr, verdict, reason))
    return pool


def popularity(size: int) -> list[float]:
    """Cumulative Zipf-like weights: rank 0 is in nearly every project, the tail in few."""
    cum, acc = [], 0.0
    for i in range(size):
        acc += 1.0 / (i + 1) ** 0.9
        cum.append(acc)
    return cum


def copy_rows(conn: psycopg.Connection, table: str, columns: list[str], rows: Any) -> int:
    n = 0
    with conn.cursor() as cur, cur.copy(f"COPY {table} ({', '.join(columns)}) FROM STDIN") as copy:
        for row in rows:
            copy.write_row(row)
            n += 1
    return n


@contextmanager
def bench_schema(database: str, schema: str | None, keep: bool) -> Iterator[tuple[str, str, bool]]:
    """(SQLAlchemy URL, plain libpq URL, reused) of a schema of its own in `database`.

    A named schema that exists is reused as it is (a portfolio generated by an earlier run
    with --keep); otherwise a fresh one is created, and dropped at the end unless `keep`.
    """
    plain = normalise_url(database).replace("postgresql+psycopg://", "postgresql://")
    name = schema or f"ospo_bench_{uuid.uuid4().hex[:8]}"
    with psycopg.connect(plain, autocommit=True) as conn:
        exists = conn.execute("SELECT 1 FROM pg_namespace WHERE nspname = %s", (name,)).fetchone() is not None
        if not exists:
            conn.execute(f'CREATE SCHEMA "{name}"')
    sep = "&" if "?" in database else "?"
    url = f"{database}{sep}options=-csearch_path%3D{name}"
    try:
        yield url, normalise_url(url).replace("postgresql+psycopg://", "postgresql://"), exists
    finally:
        if not keep:
            with psycopg.connect(plain, autocommit=True) as conn:
                conn.execute(f'DROP SCHEMA "{name}" CASCADE')
        else:
            print(f"kept schema {name}")


def row_counts(plain_url: str) -> dict[str, int]:
    tables = [
        "teams",
        "products",
        "releases",
        "projects",
        "scans",
        "components",
        "scan_components",
        "advisories",
        "advisory_packages",
        "vulnerability_findings",
        "exceptions",
        "audit_log",
    ]
    with psycopg.connect(plain_url) as conn:
        return {t: int(conn.execute(f"SELECT count(*) FROM {t}").fetchone()[0]) for t in tables}  # type: ignore[index]


# --- advisories ---------------------------------------------------------------------------


def _advisories(pool: list[Package], rng: random.Random) -> list[str]:
    """OSV records for a share of the packages (popular ones far more often), each fixed
    at one of the package's versions so that older versions are affected and newer not."""
    out = []
    n = 0
    for i, pkg in enumerate(pool):
        share = 0.25 if i < 100 else 0.08 if i < 2000 else 0.02
        if rng.random() >= share:
            continue
        for _ in range(rng.choice((1, 1, 1, 2, 2, 3))):
            k = rng.randint(1, len(pkg.versions))
            if k < len(pkg.versions):
                fixed = pkg.versions[k]
            else:
                major, minor, patch = _version_key(pkg.versions[-1])
                fixed = f"{major}.{minor}.{patch + 1}"
            name = pkg.name
            if pkg.namespace:
                name = f"{pkg.namespace}:{pkg.name}" if pkg.ecosystem == "maven" else f"{pkg.namespace}/{pkg.name}"
            severity = _pick(rng, SEVERITIES)
            record: dict[str, Any] = {
                "id": f"GHSA-bnch-{n // 10000:04x}-{n % 10000:04d}",
                "aliases": [f"CVE-2099-{n + 10000}"],
                "modified": "2026-01-01T00:00:00Z",
                "published": f"2025-{1 + n % 12:02d}-{1 + n % 28:02d}T00:00:00Z",
                "summary": f"{pkg.name}: crafted input leads to {rng.choice(['code execution', 'denial of service', 'path traversal', 'prototype pollution', 'information disclosure'])}",
                "affected": [
                    {
                        "package": {"ecosystem": OSV_ECOSYSTEM[pkg.ecosystem], "name": name},
                        "ranges": [{"type": "ECOSYSTEM", "events": [{"introduced": "0"}, {"fixed": fixed}]}],
                    }
                ],
            }
            if severity:
                record["database_specific"] = {"severity": severity}
            out.append(json.dumps(record))
            n += 1
    return out


@dataclass(frozen=True)
class Hit:
    """One vulnerability of one component version, as findings and results need it."""

    vuln_id: str
    aliases: list[str]
    severity: str
    score: float | None
    summary: str
    fixed: list[str]
    match: dict[str, Any]  # the VulnerabilityMatch as the result JSON stores it


def _hits_by_purl(pool: list[Package], records: list[str]) -> dict[str, list[Hit]]:
    parsed = [parse_osv(f"a{i}.json", text) for i, text in enumerate(records)]
    index = AdvisoryIndex.from_records(parsed)
    names = {r.affected[0].name.split(":")[-1].split("/")[-1] for r in parsed}
    comps = [
        Component(pkg.purl(v), pkg.name, v, pkg.ecosystem, namespace=pkg.namespace)
        for pkg in pool
        if pkg.name in names
        for v in pkg.versions
    ]
    result = match_components(comps, index)
    out: dict[str, list[Hit]] = {}
    for f in result.findings:
        upgrade = result.advice[f.component.purl].upgrade_to if f.component.purl in result.advice else None
        match = to_data(
            VulnerabilityMatch(
                f.component.purl,
                Advisory(f.vuln_id, f.aliases, f.summary, f.severity, f.score),
                f.fixed_versions,
                f.reason,
                upgrade_to=upgrade,
            )
        )
        out.setdefault(f.component.purl, []).append(
            Hit(f.vuln_id, list(f.aliases), f.severity, f.score, f.summary, list(f.fixed_versions), match)
        )
    return out


# --- the generator ------------------------------------------------------------------------


class _Ids:
    def __init__(self) -> None:
        self.scan = 0
        self.finding = 0
        self.audit = 0
        self.exception = 0

    def next_scan(self) -> int:
        self.scan += 1
        return self.scan

    def next_finding(self) -> int:
        self.finding += 1
        return self.finding

    def next_audit(self) -> int:
        self.audit += 1
        return self.audit

    def next_exception(self) -> int:
        self.exception += 1
        return self.exception


def _secondary_indexes(conn: psycopg.Connection, tables: list[str]) -> list[tuple[str, str]]:
    """(name, definition) of the indexes on `tables` that back no constraint."""
    return [
        (name, definition)
        for name, definition in conn.execute(
            "SELECT i.indexname, i.indexdef FROM pg_indexes i WHERE i.schemaname = current_schema() "
            "AND i.tablename = ANY(%s) AND NOT EXISTS (SELECT 1 FROM pg_constraint c "
            "WHERE c.conname = i.indexname AND c.connamespace = (SELECT oid FROM pg_namespace WHERE nspname = current_schema()))",
            (tables,),
        )
    ]


BIG_TABLES = ["scans", "scan_components", "vulnerability_findings", "audit_log", "exceptions"]


def generate(url: str, plain_url: str, spec: Spec) -> Generated:
    """Fill an empty, migrated store at `url` (its plain libpq form `plain_url`)."""
    started = time.perf_counter()
    rng = random.Random(spec.seed)
    now = datetime.now(UTC).replace(microsecond=0)
    store = open_store(url)  # applies the migrations
    pool = package_pool(spec.packages, rng)
    cum = popularity(len(pool))
    hits: dict[str, list[Hit]] = {}
    if spec.dashboard:
        records = _advisories(pool, rng)
        import_records(store, [parse_osv(f"a{i}.json", text) for i, text in enumerate(records)], source="bench")
        hits = _hits_by_purl(pool, records)
    store.close()

    comp_rows = []
    for pkg in pool:
        pkg.first_id = len(comp_rows) + 1
        for v in pkg.versions:
            comp_rows.append((len(comp_rows) + 1, pkg.purl(v), pkg.purl(), pkg.ecosystem, pkg.namespace, pkg.name, v))
    n_products = spec.products if spec.products is not None else max(1, spec.projects // 10)
    teams = [(i + 1, f"team-{i}", f"team-{i}@example.test") for i in range(max(1, n_products // 25))]
    products = [
        (i + 1, f"product-{i}", rng.choice(teams)[0], "distributed", f"bench product {i}") for i in range(n_products)
    ]
    product_cum = []
    acc = 0.0
    for i in range(n_products):
        # the last 2% of products get no project at all: products without an SBOM
        acc += 0.0 if i >= n_products * 0.98 and n_products > 10 else 1.0 / (i + 1) ** 0.6
        product_cum.append(acc)
    # Releases: half the products have 1-4, spread over the last 180 days.
    releases: list[tuple[int, int, str, datetime]] = []
    product_releases: dict[int, list[tuple[int, datetime]]] = {}
    if spec.dashboard:
        for pid, *_ in products:
            if rng.random() < 0.5:
                for k in range(rng.randint(1, 4)):
                    at = now - timedelta(days=rng.randint(1, 180), hours=rng.randint(0, 23))
                    releases.append((len(releases) + 1, pid, f"{1 + k // 3}.{k % 3}", at))
                    product_releases.setdefault(pid, []).append((len(releases), at))
        for rel in product_releases.values():
            rel.sort(key=lambda r: r[1])
    # license reasons, decisions and concluded entries as the result JSON holds them
    decision_tmpl = to_data(PolicyDecision("x", Verdict.ALLOW))
    concluded_tmpl = to_data(ConcludedLicense("x", None, "declared"))
    component_tmpl: dict[int, dict[str, Any]] = {}
    ids = _Ids()
    sla = SlaPolicy()
    problem = to_data(FileProblem("vendor/broken/package.json", "parse", "line 3: unexpected token"))

    conn_a = psycopg.connect(plain_url)
    conn_b = psycopg.connect(plain_url)
    for conn in (conn_a, conn_b):
        # Every row is consistent by construction; checking 10 million foreign keys row by
        # row (and across two connections' uncommitted data) is what this turns off.
        conn.execute("SET session_replication_role = replica")
    dropped = _secondary_indexes(conn_a, BIG_TABLES)
    for name, _ in dropped:
        conn_a.execute(f'DROP INDEX "{name}"')
    conn_a.commit()

    copy_rows(conn_a, "components", ["id", "purl", "base_purl", "ecosystem", "namespace", "name", "version"], comp_rows)
    copy_rows(conn_a, "teams", ["id", "name", "contact"], teams)
    copy_rows(conn_a, "products", ["id", "name", "team_id", "distribution", "description"], products)
    copy_rows(conn_a, "releases", ["id", "product_id", "version", "created_at"], releases)
    conn_a.commit()

    projects: list[tuple[Any, ...]] = []
    findings: list[tuple[Any, ...]] = []
    audits: list[tuple[Any, ...]] = []
    exceptions: list[tuple[Any, ...]] = []
    links = 0
    scan_cols = [
        "id",
        "project_id",
        "release_id",
        "content_hash",
        "kind",
        "created_at",
        "distribution",
        "verdict",
        "component_count",
        "summary",
        "result",
    ]
    link_cols = [
        "scan_id",
        "component_id",
        "scope",
        "direct",
        "license",
        "license_source",
        "verdict",
        "reasons",
        "exception",
    ]
    with (
        conn_a.cursor() as cur_a,
        cur_a.copy(f"COPY scans ({', '.join(scan_cols)}) FROM STDIN") as scans_copy,
        conn_b.cursor() as cur_b,
        cur_b.copy(f"COPY scan_components ({', '.join(link_cols)}) FROM STDIN") as links_copy,
    ):
        for p in range(spec.projects):
            prng = random.Random(spec.seed * 1_000_003 + p)
            name = f"project-{p}"
            product_id = (
                None if spec.dashboard and prng.random() < 0.08 else bisect_left(product_cum, prng.random() * acc) + 1
            )
            team_id = None if product_id else prng.choice(teams)[0]
            if spec.dashboard and prng.random() < 0.015:  # registered, never scanned (or every scan failed)
                projects.append((p + 1, name, f"https://git.example.test/{name}", product_id, team_id, None))
                continue
            # latest component set: lognormal size around `components`, Zipf-drawn packages
            size = spec.components
            if spec.dashboard:
                size = int(min(2000, max(10, prng.lognormvariate(math.log(spec.components / 1.2), 0.6))))
            chosen: dict[int, int] = {}
            while len(chosen) < min(size, len(pool)):
                idx = bisect_left(cum, prng.random() * cum[-1])
                if idx not in chosen:
                    versions = pool[idx].versions
                    chosen[idx] = len(versions) - 1 if prng.random() < 0.6 else prng.randrange(len(versions))
            direct = {i for i in chosen if prng.random() < 0.12}
            scope = {i: _pick(prng, SCOPES) for i in chosen}
            n_scans = 1
            if spec.scans > 1:
                n_scans = max(1, min(8, round(prng.gauss(spec.scans, 1.2))))
            # scan dates, newest last: the latest within a week mostly, some stale
            r = prng.random()
            age = prng.uniform(0, 7) if r < 0.85 else prng.uniform(7, STALE_DAYS) if r < 0.94 else prng.uniform(31, 150)
            dates = [now - timedelta(days=age, minutes=prng.randint(0, 1440))]
            for _ in range(n_scans - 1):
                dates.append(dates[-1] - timedelta(days=prng.uniform(8, 45)))
            dates.reverse()
            sets = [dict(chosen)]
            for _ in range(n_scans - 1):  # older scans: older versions, a few components fewer
                older = {}
                for idx, vi in sets[-1].items():
                    if prng.random() < 0.97 or idx in direct:
                        older[idx] = vi - 1 if vi > 0 and prng.random() < 0.12 else vi
                sets.append(older)
            sets.reverse()
            rel = product_releases.get(product_id or 0, [])
            release_of: dict[int, int] = {}
            for rid, rat in rel:
                before = [k for k, d in enumerate(dates) if d <= rat]
                if before and before[-1] not in release_of and prng.random() < 0.8:
                    release_of[before[-1]] = rid
            latest_id = 0
            project_hits: dict[str, tuple[int, list[Hit], datetime]] = {}
            previous_hits: dict[str, tuple[list[Hit], datetime]] = {}
            for k, (at, comps) in enumerate(zip(dates, sets, strict=True)):
                scan_id = ids.next_scan()
                latest = k == n_scans - 1
                verdicts: dict[str, int] = {}
                severities: dict[str, int] = {}
                licences: dict[str, int] = {}
                full = spec.dashboard and (latest or spec.history_results)
                rc: list[dict[str, Any]] = []
                rd: list[dict[str, Any]] = []
                rl: list[dict[str, Any]] = []
                rv: list[dict[str, Any]] = []
                for idx, vi in comps.items():
                    pkg = pool[idx]
                    purl = pkg.purl(pkg.versions[vi])
                    verdict, reasons = pkg.verdict, [pkg.reason] if pkg.reason else []
                    exception = None
                    found = hits.get(purl, ())
                    if found:
                        severities_here = [h.severity for h in found]
                        for s in severities_here:
                            severities[s] = severities.get(s, 0) + 1
                        if "critical" in severities_here and verdict == "allow":
                            crit = next(h for h in found if h.severity == "critical")
                            verdict = "review"
                            reasons = [
                                f"vulnerable: {crit.vuln_id} (critical), fixed in {', '.join(crit.fixed) or 'none'}"
                            ]
                        if full:
                            rv.extend(h.match for h in found)
                    if latest and spec.dashboard and verdict == "review" and prng.random() < 0.15:
                        # a reviewer's approval: an exception of this version in this project
                        audit_id = ids.next_audit()
                        reason = "used only in an internal tool"
                        exception = _exception(
                            ids,
                            exceptions,
                            "component",
                            name,
                            purl,
                            reason,
                            at + timedelta(hours=2),
                            at + timedelta(days=365),
                        )
                        audits.append(
                            (
                                audit_id,
                                at + timedelta(hours=2),
                                "reviewer@example.test",
                                "review.approve",
                                f"{name} {purl}",
                                json.dumps(
                                    {
                                        "project": name,
                                        "purl": purl,
                                        "scan_id": scan_id,
                                        "previous": "review",
                                        "reason": reason,
                                        "owner": "reviewer@example.test",
                                        "expires": (at + timedelta(days=365)).date().isoformat(),
                                        "exception": exception,
                                    }
                                ),
                            )
                        )
                        verdict = "allow"
                        reasons = [*reasons, f"approved by reviewer@example.test: {reason}"]
                    verdicts[verdict] = verdicts.get(verdict, 0) + 1
                    lkey = pkg.license or "unknown"
                    licences[lkey] = licences.get(lkey, 0) + 1
                    source = "unknown" if pkg.license is None else "declared" if (idx + p) % 12 else "detected"
                    links_copy.write_row(
                        (
                            scan_id,
                            pkg.first_id + vi,
                            scope[idx],
                            idx in direct,
                            pkg.license,
                            source,
                            verdict,
                            json.dumps(reasons),
                            exception,
                        )
                    )
                    if full:
                        cid = pkg.first_id + vi
                        tmpl = component_tmpl.get(cid)
                        if tmpl is None:
                            tmpl = component_tmpl[cid] = to_data(
                                Component(
                                    purl,
                                    pkg.name,
                                    pkg.versions[vi],
                                    pkg.ecosystem,
                                    namespace=pkg.namespace,
                                    declared_license=pkg.license,
                                    hashes=(Hash("sha256", f"{cid:064x}"),),
                                    locations=(Location(MANIFEST[pkg.ecosystem], cid % 5000 + 1),),
                                )
                            )
                        rc.append({**tmpl, "scope": scope[idx], "direct": idx in direct})
                        rd.append(
                            {
                                **decision_tmpl,
                                "subject": purl,
                                "verdict": verdict,
                                "reasons": reasons,
                                "exception": exception,
                            }
                        )
                        rl.append({**concluded_tmpl, "purl": purl, "expression": pkg.license, "source": source})
                    if latest and found:
                        project_hits[purl] = (idx, list(found), at)
                    elif k == n_scans - 2 and found:
                        previous_hits[purl] = (list(found), at)
                links += len(comps)
                scan_verdict = next((v for v in ("deny", "review", "allow") if v in verdicts), None)
                problems = 1 if spec.dashboard and (p * 7 + k) % 53 == 0 else 0
                summary = {
                    "components": len(comps),
                    "verdicts": verdicts,
                    "vulnerabilities": severities,
                    "licenses": licences,
                    "problems": problems,
                }
                result: dict[str, Any] = {}
                if full:
                    root = to_data(Component(f"pkg:generic/{name}@1.0.{k}", name, f"1.0.{k}", "generic", direct=True))
                    direct_purls = [c["purl"] for c in rc if c["direct"]] or [rc[0]["purl"]]
                    rest = [c["purl"] for c in rc if not c["direct"]]
                    deps = [to_data(Dependency(root["purl"], tuple(direct_purls)))]
                    for j, dp in enumerate(direct_purls):
                        deps.append({"ref": dp, "depends_on": rest[j :: len(direct_purls)]})
                    result = {
                        "root": ".",
                        "inventory": {
                            **to_data(Inventory(root=".")),
                            "components": rc,
                            "projects": [root],
                            "dependencies": deps,
                            "manifests": sorted({MANIFEST[c["ecosystem"]] for c in rc}),
                            "files_seen": 40 + len(rc) * 3,
                        },
                        "licenses": [],
                        "copyrights": [],
                        "vulnerabilities": rv,
                        "decisions": rd,
                        "problems": [problem] if problems else [],
                        "distribution": "distributed",
                        "version": 1,
                        "concluded": rl,
                        "policy_source": None,
                        "verdict": scan_verdict,
                    }
                    if p == 0 and k == n_scans - 1:
                        scan_from_data(result)  # the shape is what the store's readers expect
                kind = "scan" if (p + k) % 14 else "cyclonedx" if (p + k) % 28 else "spdx"
                scans_copy.write_row(
                    (
                        scan_id,
                        p + 1,
                        release_of.get(k),
                        f"{scan_id:064x}",
                        kind,
                        at,
                        "distributed",
                        scan_verdict,
                        len(comps),
                        json.dumps(summary),
                        json.dumps(result),
                    )
                )
                audits.append(
                    (
                        ids.next_audit(),
                        at,
                        "ci@example.test",
                        "scan.ingest",
                        name,
                        json.dumps({"scan_id": scan_id, "kind": kind, "components": len(comps)}),
                    )
                )
                latest_id = scan_id
            projects.append((p + 1, name, f"https://git.example.test/{name}", product_id, team_id, latest_id))
            if spec.dashboard:
                first_seen = _first_seen(dates, sets, project_hits)
                for purl, (_idx, found, at) in project_hits.items():
                    for h in found:
                        findings.append(_finding(ids, exceptions, prng, sla, name, purl, h, first_seen[purl], at, now))
                for purl, (found, at) in previous_hits.items():
                    if purl not in project_hits:
                        for h in found:
                            findings.append(
                                (
                                    ids.next_finding(),
                                    name,
                                    purl,
                                    h.vuln_id,
                                    json.dumps(h.aliases),
                                    h.severity,
                                    h.score,
                                    h.summary,
                                    json.dumps(h.fixed),
                                    at,
                                    at,
                                    sla.due_date(at.date(), h.severity),
                                    "fixed",
                                    None,
                                    None,
                                    None,
                                    None,
                                    dates[-1],
                                    None,
                                )
                            )
    copy_rows(conn_a, "projects", ["id", "name", "repository_url", "product_id", "team_id", "latest_scan_id"], projects)
    copy_rows(
        conn_a,
        "vulnerability_findings",
        [
            "id",
            "project",
            "purl",
            "vuln_id",
            "aliases",
            "severity",
            "score",
            "summary",
            "fixed_versions",
            "first_seen",
            "last_seen",
            "due",
            "state",
            "state_reason",
            "state_owner",
            "state_expires",
            "justification",
            "fixed_at",
            "exception",
        ],
        findings,
    )
    copy_rows(conn_a, "exceptions", list(EXCEPTION_COLUMNS), exceptions)
    audits.sort(key=lambda a: a[0])
    copy_rows(conn_a, "audit_log", ["id", "at", "actor", "action", "subject", "details"], audits)
    conn_b.commit()
    conn_a.commit()
    for name, definition in dropped:
        conn_a.execute(definition)
    for table in (
        "components",
        "teams",
        "products",
        "releases",
        "projects",
        "scans",
        "vulnerability_findings",
        "audit_log",
        "exceptions",
    ):
        conn_a.execute(
            f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), GREATEST(1, (SELECT coalesce(max(id), 0) FROM {table})))"
        )
    conn_a.commit()
    conn_a.close()
    conn_b.close()
    # A loaded portfolio is vacuumed by autovacuum in life; do it now so index-only
    # scans see a visibility map, as they would on a running server.
    with psycopg.connect(plain_url, autocommit=True) as conn:
        conn.execute("VACUUM ANALYZE")
    return Generated(
        {"components": len(comp_rows), "scan_components": links, "findings": len(findings)},
        time.perf_counter() - started,
    )


def _first_seen(
    dates: list[datetime],
    sets: list[dict[int, int]],
    wanted: dict[str, tuple[int, list[Hit], datetime]],
) -> dict[str, datetime]:
    """When each of the latest scan's vulnerable purls was first seen: the oldest scan of
    the unbroken run of scans, ending with the latest, that contains that exact version."""
    out = {}
    for purl, (idx, _found, _at) in wanted.items():
        vi = sets[-1][idx]
        k = len(sets) - 1
        while k > 0 and sets[k - 1].get(idx) == vi:
            k -= 1
        out[purl] = dates[k]
    return out


EXCEPTION_COLUMNS = (
    "id",
    "kind",
    "verdict",
    "purl",
    "versions",
    "vulnerability",
    "finding_state",
    "justification",
    "scope",
    "scope_name",
    "reason",
    "owner",
    "approved_by",
    "created_at",
    "expires",
)


def _exception(
    ids: _Ids,
    exceptions: list[tuple[Any, ...]],
    kind: str,
    project: str,
    purl: str,
    reason: str,
    at: datetime,
    expires: datetime | date | None,
    vulnerability: str | None = None,
    finding_state: str | None = None,
    justification: str | None = None,
) -> str:
    """A waiver kept in the store (as the dashboard's decisions make them); its reference."""
    pattern, versions = purl_target(purl)
    exception_id = ids.next_exception()
    owner = "security@example.test" if kind == "vulnerability" else "reviewer@example.test"
    until = expires.date() if isinstance(expires, datetime) else expires
    exceptions.append(
        (
            exception_id,
            kind,
            "allow",
            pattern,
            versions,
            vulnerability,
            finding_state,
            justification,
            "project",
            project,
            reason,
            owner,
            owner,
            at,
            until,
        )
    )
    return ref(exception_id)


def _finding(
    ids: _Ids,
    exceptions: list[tuple[Any, ...]],
    rng: random.Random,
    sla: SlaPolicy,
    project: str,
    purl: str,
    hit: Hit,
    first_seen: datetime,
    last_seen: datetime,
    now: datetime,
) -> tuple[Any, ...]:
    r = rng.random()
    state, reason, owner, expires, justification, exception = "open", None, None, None, None, None
    if r < 0.07:
        state, reason, owner = "accepted-risk", "mitigated by the WAF; upgrade planned", "security@example.test"
        expires = (now + timedelta(days=rng.randint(-30, 180))).date()  # a fifth or so already expired
    elif r < 0.12:
        state, justification = "not-affected", "code_not_reachable"
        reason = "the vulnerable function is never called"
    if state != "open":
        exception = _exception(
            ids,
            exceptions,
            "vulnerability",
            project,
            purl,
            reason or "",
            last_seen,
            expires,
            hit.vuln_id,
            state,
            justification,
        )
    return (
        ids.next_finding(),
        project,
        purl,
        hit.vuln_id,
        json.dumps(hit.aliases),
        hit.severity,
        hit.score,
        hit.summary,
        json.dumps(hit.fixed),
        first_seen,
        last_seen,
        sla.due_date(first_seen.date(), hit.severity),
        state,
        reason,
        owner,
        expires,
        justification,
        None,
        exception,
    )
