"""Server-side rendering time of each dashboard page on a large generated portfolio.

    PYTHONPATH=src python bench/dashboard/run.py [--projects 150] [--components 400]
        [--pool 6000] [--scans 2] [--db PATH] [--keep] [--repeat 5]
    PYTHONPATH=src python bench/dashboard/run.py --postgres [--projects 10000]
        [--schema NAME] [--keep] [--repeat 5]

SQLite mode (the default) generates a small portfolio through the real ingest path
(projects in products, components drawn from a shared pool so that packages recur across
projects, a share flagged for review or denied, advisories affecting some packages, tracked
findings, several scans per project for the trends). `--db` with `--keep` keeps the database
to rerun without regenerating.

PostgreSQL mode (`--postgres`, database OSPO_TEST_DATABASE_URL or `--database`) generates
the 10,000-project portfolio of issue 7 with bench/portfolio's COPY generator (shared code:
portfolio/generate.py) into a schema of its own; `--keep` keeps the schema and prints its
name, `--schema NAME` reuses it.

Either way every page is then requested in-process through the ASGI app (Starlette's
TestClient: routing, queries, Jinja rendering and the whole body of a streamed response, no
network), `--repeat` times each, and the median and maximum milliseconds are printed. There
is no peer dashboard to compare with on this machine, so the figures are absolute.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import re
import statistics
import sys
import tempfile
import time
from contextlib import ExitStack
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any
from urllib.parse import quote

from fastapi.testclient import TestClient
from sqlalchemy import text

from ospo.model import (
    Advisory,
    Component,
    ConcludedLicense,
    Dependency,
    Inventory,
    PolicyDecision,
    ScanResult,
    Verdict,
    VulnerabilityMatch,
)
from ospo.service.app import create_app
from ospo.store import Store, open_store
from ospo.store.accounts import add_user
from ospo.store.ingest import ingest_scan
from ospo.vulns.importer import import_records
from ospo.vulns.matcher import match_inventory
from ospo.vulns.osv import parse_osv
from ospo.vulns.tracking import record_findings

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from portfolio.generate import Spec, bench_schema, generate, row_counts

PASSWORD = "bench password 123"
LICENSES = ["MIT", "Apache-2.0", "BSD-3-Clause", "ISC", "MPL-2.0", "GPL-3.0-only", "LGPL-2.1-only", None]


def pool(size: int, rng: random.Random) -> list[Component]:
    comps = []
    for i in range(size):
        eco = "npm" if i % 2 else "pypi"
        name = f"pkg{i:05d}"
        version = f"{rng.randint(0, 4)}.{rng.randint(0, 20)}.{rng.randint(0, 9)}"
        comps.append(Component(f"pkg:{eco}/{name}@{version}", name, version, eco))
    return comps


def advisories(components: list[Component], share: int) -> list[str]:
    """OSV records affecting every `share`-th package of the pool below its next major."""
    out = []
    for i, c in enumerate(components[::share]):
        major = int((c.version or "0").split(".")[0])
        out.append(
            json.dumps(
                {
                    "id": f"GHSA-bench-{i:04d}",
                    "aliases": [f"CVE-2099-{i:04d}"],
                    "modified": "2026-01-01T00:00:00Z",
                    "summary": f"bench advisory {i}",
                    "database_specific": {"severity": ["LOW", "MODERATE", "HIGH", "CRITICAL"][i % 4]},
                    "affected": [
                        {
                            "package": {"ecosystem": "npm" if c.ecosystem == "npm" else "PyPI", "name": c.name},
                            "ranges": [
                                {"type": "ECOSYSTEM", "events": [{"introduced": "0"}, {"fixed": f"{major + 1}.0.0"}]}
                            ],
                        }
                    ],
                }
            )
        )
    return out


def project_scan(name: str, picked: list[Component], rng: random.Random) -> ScanResult:
    root = Component(f"pkg:pypi/{name}@1.0.0", name, "1.0.0", "pypi", direct=True)
    direct = picked[: max(1, len(picked) // 10)]
    comps = [Component(c.purl, c.name, c.version, c.ecosystem, direct=c in direct) for c in picked]
    deps = [Dependency(root.purl, tuple(c.purl for c in direct))]
    rest = picked[len(direct) :]
    for i, c in enumerate(direct):
        deps.append(Dependency(c.purl, tuple(r.purl for r in rest[i :: len(direct)])))
    decisions, concluded = [], []
    for c in comps:
        lic = rng.choice(LICENSES)
        concluded.append(ConcludedLicense(c.purl, lic, "declared" if lic else "unknown"))
        if lic is None:
            decisions.append(PolicyDecision(c.purl, Verdict.DENY, ("licence unknown",)))
        elif lic.startswith(("GPL", "LGPL")):
            decisions.append(PolicyDecision(c.purl, Verdict.REVIEW, (f"{lic} is copyleft",)))
        else:
            decisions.append(PolicyDecision(c.purl, Verdict.ALLOW))
    return ScanResult(
        root=".",
        inventory=Inventory(root=".", components=comps, projects=[root], dependencies=deps),
        decisions=decisions,
        concluded=concluded,
        verdict="deny",
    )


def generate_sqlite(url: str, projects: int, components: int, pool_size: int, scans: int) -> None:
    rng = random.Random(7)
    store = open_store(url)
    add_user(store, "bench@example.test", "reviewer", PASSWORD)
    comps = pool(pool_size, rng)
    import_records(
        store, [parse_osv(f"a{i}.json", text) for i, text in enumerate(advisories(comps, 50))], source="bench"
    )
    now = datetime.now(UTC)
    started = time.perf_counter()
    for p in range(projects):
        name = f"project-{p:04d}"
        product = f"product-{p // 5:03d}" if p % 7 else None
        for s in range(scans):
            picked = rng.sample(comps, components)
            result = project_scan(name, picked, rng)
            matches = match_inventory(result.inventory, store)
            result.vulnerabilities = [
                VulnerabilityMatch(
                    f.component.purl, Advisory(f.vuln_id, f.aliases, f.summary, f.severity), f.fixed_versions
                )
                for f in matches.findings
            ]
            at = now - timedelta(days=(scans - s) * 20 + p % 40)
            ingest_scan(store, result, name, product=product, now=at)
            if s == scans - 1:
                record_findings(store, name, matches.findings, now=at)
    print(
        f"generated {projects} projects x {scans} scans x {components} components in {time.perf_counter() - started:.1f} s"
    )
    store.close()


def timed(client: TestClient, path: str, repeat: int) -> tuple[float, float, float, int]:
    """(median ms, max ms, median ms to the first body chunk, body bytes) of `repeat`
    requests of one page; the whole body is read each time."""
    times, firsts = [], []
    size = 0
    for _ in range(repeat):
        t = time.perf_counter()
        with client.stream("GET", path) as response:
            assert response.status_code == 200, (path, response.status_code, response.read()[:300])
            first = None
            size = 0
            for chunk in response.iter_bytes():
                if first is None:
                    first = time.perf_counter()
                size += len(chunk)
        end = time.perf_counter()
        times.append((end - t) * 1000)
        firsts.append(((first or end) - t) * 1000)
    return statistics.median(times), max(times), statistics.median(firsts), size


def _one(store: Store, sql: str, **params: object) -> Any:
    with store.engine.connect() as conn:
        return conn.execute(text(sql), params).first()


def pages(store: Store) -> list[tuple[str, str]]:
    """(label, path) of every page to time, chosen from what the portfolio holds: the biggest
    product, a typical and the largest project, a release, a popular, a vulnerable and a rare
    package, a licence that is everywhere and one that is rare, the most found advisory."""
    product = _one(
        store,
        "SELECT p.name FROM products p JOIN projects j ON j.product_id = p.id "
        "GROUP BY p.name ORDER BY count(*) DESC, p.name LIMIT 1",
    )[0]
    typical, largest = (
        _one(
            store,
            f"SELECT j.name FROM projects j JOIN scans s ON s.id = j.latest_scan_id ORDER BY {order}, j.name LIMIT 1",
        )[0]
        for order in ("abs(s.component_count - 300), s.release_id IS NULL", "s.component_count DESC")
    )
    release = _one(
        store,
        "SELECT j.name, s.id FROM scans s JOIN projects j ON j.latest_scan_id = s.id "
        "WHERE s.release_id IS NOT NULL ORDER BY s.component_count DESC LIMIT 1",
    )
    usage = (
        "SELECT c.base_purl, count(*) AS n FROM scan_components sc "
        "JOIN projects j ON j.latest_scan_id = sc.scan_id JOIN components c ON c.id = sc.component_id "
        "GROUP BY c.base_purl ORDER BY n {} , c.base_purl LIMIT 1"
    )
    popular = _one(store, usage.format("DESC"))[0]
    rare = _one(store, usage.format("ASC"))[0]
    vulnerable = _one(
        store, "SELECT purl, count(*) AS n FROM vulnerability_findings GROUP BY purl ORDER BY n DESC, purl LIMIT 1"
    )[0]
    advisory = _one(
        store, "SELECT vuln_id, count(*) AS n FROM vulnerability_findings GROUP BY vuln_id ORDER BY n DESC LIMIT 1"
    )[0]
    licences = "SELECT license, count(*) AS n FROM scan_components WHERE license IS NOT NULL GROUP BY license ORDER BY n {} LIMIT 1"
    common_licence = _one(store, licences.format("DESC"))[0]
    rare_licence = _one(store, licences.format("ASC"))[0]
    counts = _one(
        store,
        "SELECT (SELECT count(*) FROM projects), (SELECT count(*) FROM vulnerability_findings "
        "WHERE state IN ('open', 'accepted-risk')), (SELECT count(*) FROM scan_components sc JOIN projects j "
        "ON j.latest_scan_id = sc.scan_id WHERE sc.verdict = 'review')",
    )
    middle = [max(0, (n // 2) // 100 * 100) for n in counts]
    out = [
        ("home", "/"),
        ("home, a middle page of scans", f"/?scans={middle[0] // 25 * 25}&flags=100"),
        ("portfolio", "/portfolio"),
        ("product (biggest)", f"/product?name={quote(product)}"),
        ("project (typical)", f"/project?name={quote(typical)}"),
        ("project (largest)", f"/project?name={quote(largest)}"),
        ("project, denied only", f"/project?name={quote(largest)}&verdict=deny"),
    ]
    if release is not None:
        out.append(("release (scan of a release)", f"/project?name={quote(release[0])}&scan={release[1]}"))
    out += [
        ("why (transitive)", ""),  # filled in from the typical project's page
        ("component (popular)", f"/component?purl={quote(popular)}"),
        ("component (popular), a middle page", f"/component?purl={quote(popular)}&start={middle[0] // 2}"),
        ("component (vulnerable)", f"/component?purl={quote(vulnerable)}"),
        ("component (rare)", f"/component?purl={quote(rare)}"),
        ("vulnerabilities", "/vulnerabilities"),
        ("vulnerabilities, a middle page", f"/vulnerabilities?start={middle[1]}"),
        ("vulnerabilities of a component", f"/vulnerabilities?component={quote(vulnerable)}"),
        ("review queue", "/review"),
        ("review queue, a middle page", f"/review?start={middle[2]}"),
        ("exceptions", "/exceptions"),
        ("search: name", "/search?q=lib12"),
        ("search: purl prefix", f"/search?q={quote(popular[: popular.rindex('/') + 4])}"),
        ("search: licence", "/search?q=gpl"),
        ("search: CVE", f"/search?q={quote(advisory)}"),
        ("search: project", f"/search?q={quote(typical)}"),
        ("search as you type", f"/search.json?q={quote(popular[-4:])}"),
        ("licence (common)", f"/license?expression={quote(common_licence)}"),
        ("licence (rare)", f"/license?expression={quote(rare_licence)}"),
        ("advisory (most found)", f"/advisory?id={quote(advisory)}"),
        ("export: components CSV", f"/export/components.csv?project={quote(typical)}"),
        ("export: SBOM", f"/export/sbom.cdx.json?project={quote(typical)}"),
        ("export: NOTICE", f"/export/notice.html?project={quote(typical)}"),
        ("export: audit report", f"/export/audit.html?project={quote(typical)}"),
        ("export: SBOM (largest project)", f"/export/sbom.cdx.json?project={quote(largest)}"),
        ("export: NOTICE (largest project)", f"/export/notice.html?project={quote(largest)}"),
        ("export: audit report (largest project)", f"/export/audit.html?project={quote(largest)}"),
        ("export: review CSV (all)", "/export/review.csv"),
        ("export: vulnerabilities CSV (all)", "/export/vulnerabilities.csv"),
    ]
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--projects", type=int, help="default 150 (SQLite), 10,000 (--postgres)")
    parser.add_argument("--components", type=int, help="default 400 (SQLite), 300 (--postgres)")
    parser.add_argument("--pool", type=int, default=6000, help="SQLite mode: packages in the pool")
    parser.add_argument("--scans", type=int, default=2, help="SQLite mode: scans per project")
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--db", type=Path, help="database file (reused when it exists and --keep was given before)")
    parser.add_argument("--keep", action="store_true", help="keep the database file (or schema) for the next run")
    parser.add_argument("--postgres", action="store_true", help="the 10,000-project portfolio in PostgreSQL")
    parser.add_argument(
        "--database", default=os.environ.get("OSPO_TEST_DATABASE_URL", "postgresql://postgres@127.0.0.1:5432/test")
    )
    parser.add_argument("--schema", help="PostgreSQL schema; an existing one is reused as it is")
    args = parser.parse_args()
    os.environ["OSPO_REEVALUATE_SECONDS"] = "0"  # no background re-evaluation while timing
    with ExitStack() as stack:
        if args.postgres:
            url, plain, reused = stack.enter_context(bench_schema(args.database, args.schema, args.keep))
            if reused:
                print("reusing the portfolio in the schema")
            else:
                spec = Spec(projects=args.projects or 10_000, components=args.components or 300)
                generated = generate(url, plain, spec)
                print(f"generated in {generated.seconds:.0f} s")
                store = open_store(url)
                add_user(store, "bench@example.test", "reviewer", PASSWORD)
                store.close()
            print("rows: " + ", ".join(f"{t} {n:,}" for t, n in row_counts(plain).items()))
        else:
            if args.db is None:
                folder = (
                    tempfile.mkdtemp(prefix="ospo-bench-dashboard-")
                    if args.keep
                    else stack.enter_context(tempfile.TemporaryDirectory(prefix="ospo-bench-dashboard-"))
                )
                args.db = Path(folder) / "ospo.db"
            url = f"sqlite:///{args.db}"
            if not args.db.exists():
                generate_sqlite(url, args.projects or 150, args.components or 400, args.pool, args.scans)
            else:
                print(f"reusing {args.db}")
            if args.keep:
                print(f"keeping {args.db}")
        measure(url, args.repeat)


def measure(url: str, repeat: int) -> None:
    store = open_store(url)
    try:
        todo = pages(store)
    finally:
        store.close()
    with TestClient(create_app(url), base_url="http://127.0.0.1") as client:
        form = client.get("/login").text
        token = re.search(r'name="login_csrf" value="([^"]+)"', form)
        assert token is not None
        response = client.post(
            "/login",
            data={"email": "bench@example.test", "password": PASSWORD, "login_csrf": token.group(1)},
            follow_redirects=False,
        )
        assert response.status_code == 303
        project_page = next(path for label, path in todo if label == "project (typical)")
        why = re.search(r'href="(/why\?[^"]+)"', client.get(project_page).text)
        assert why is not None
        todo = [
            (label, why.group(1).replace("&amp;", "&") if label.startswith("why") else path) for label, path in todo
        ]
        print(f"{'page':40} {'median ms':>10} {'max ms':>8} {'1st byte':>9} {'KiB':>7}  path")
        for label, path in todo:
            median, worst, first, size = timed(client, path, repeat)
            print(f"{label:40} {median:10.1f} {worst:8.1f} {first:9.1f} {size / 1024:7.0f}  {path[:60]}")


if __name__ == "__main__":
    main()
