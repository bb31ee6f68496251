"""bench/portfolio: a synthetic portfolio of 10,000 projects x ~300 components in PostgreSQL.

Generates the portfolio straight into the store's tables with COPY (the data, not the ingest
path, is what is being set up), then measures what the issue asks:

* "where is" for one package across everything: p50/p95/max over 100 queries of packages
  drawn from the popular head and the long tail of the distribution;
* the same through the service over real HTTP (GET /api/v1/where, first page);
* ingest of a 5,000-component SBOM and of a 5,000-component scan upload as the API does it:
  judged with the service's policy and 500 synthetic advisories, stored, findings tracked.

Usage: python bench/portfolio/run.py [--database URL] [--projects 10000] [--components 300]
    [--scans 1] [--dashboard] [--schema NAME] [--keep]
The database defaults to OSPO_TEST_DATABASE_URL, in a fresh schema dropped at the end
(--keep keeps it and prints its name; --schema NAME measures a kept one again without
generating, which takes a minute or more). The generator is shared with bench/dashboard
(portfolio/generate.py); by default this bench generates one scan per project and none of
the dashboard's extras (--dashboard: the dashboard bench's portfolio).
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import random
import socket
import statistics
import sys
import tempfile
import threading
import time
import uuid
from collections.abc import Iterator
from pathlib import Path

import httpx
import uvicorn

from ospo.model import Component, ConcludedLicense, Inventory, PolicyDecision, ScanResult, Verdict
from ospo.service.app import create_app
from ospo.service.judged_ingest import ingest_judged
from ospo.service.reevaluate import load_service_policy
from ospo.service.sbom_import import import_sbom
from ospo.store import Store, open_store
from ospo.store.accounts import add_user, create_token
from ospo.store.queries import where_rows
from ospo.vulns.importer import import_source

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from portfolio.generate import Package, Spec, bench_schema, generate, package_pool


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument(
        "--database", default=os.environ.get("OSPO_TEST_DATABASE_URL", "postgresql://postgres@127.0.0.1:5432/test")
    )
    parser.add_argument("--projects", type=int, default=10_000)
    parser.add_argument("--components", type=int, default=300)
    parser.add_argument("--packages", type=int, default=60_000)
    parser.add_argument("--scans", type=float, default=1.0, help="mean scans per project (history)")
    parser.add_argument(
        "--dashboard", action="store_true", help="the full dashboard portfolio (advisories, findings, releases...)"
    )
    parser.add_argument("--keep", action="store_true", help="keep the schema (its name is printed) for --schema")
    parser.add_argument("--schema", help="measure a portfolio kept by an earlier --keep run instead of generating one")
    args = parser.parse_args()
    spec = Spec(args.projects, args.components, args.packages, scans=args.scans, dashboard=args.dashboard)
    with bench_schema(args.database, args.schema, args.keep or args.schema is not None) as (url, plain, reused):
        if not reused:
            generated = generate(url, plain, spec)
            print(
                f"portfolio: {args.projects:,} projects, {generated.counts['scan_components']:,} scan-component "
                f"links, {generated.counts['components']:,} distinct components, built in {generated.seconds:.1f} s"
            )
        store = open_store(url)
        try:
            measure(store, url, package_pool(args.packages, random.Random(spec.seed)))
        finally:
            store.close()
    return 0


def percentiles(timings: list[float]) -> str:
    timings = sorted(timings)
    p95 = timings[int(len(timings) * 0.95) - 1]
    return f"p50 {statistics.median(timings):.1f} ms, p95 {p95:.1f} ms, max {timings[-1]:.1f} ms"


def measure(store: Store, url: str, pool: list[Package]) -> None:
    rng = random.Random(7)  # its own generator: a kept portfolio is measured on the same queries
    # where-is: 100 queries, half popular packages, half from the tail.
    targets = [pool[i] for i in range(50)] + [pool[rng.randrange(50, len(pool))] for _ in range(50)]
    purls = [pkg.purl() for pkg in targets]
    timings, hits = [], []
    for purl in purls:
        t = time.perf_counter()
        found = where_rows(store, purl)
        timings.append((time.perf_counter() - t) * 1000)
        hits.append(len(found))
    print(
        f"where-is over 100 queries, the whole answer from the store: {percentiles(timings)}; "
        f"places per query median {statistics.median(hits):.0f}, max {max(hits):,}"
    )
    # The same through the service: real HTTP on loopback, JSON, the first page of 1,000
    # places with the figures of the whole answer (total, projects, products, versions).
    with (
        running_service(store, url) as (base, token),
        httpx.Client(base_url=base, headers={"Authorization": f"Bearer {token}"}, timeout=60) as client,
    ):
        timings = []
        for purl in purls:
            t = time.perf_counter()
            response = client.get("/api/v1/where", params={"purl": purl})
            timings.append((time.perf_counter() - t) * 1000)
            response.raise_for_status()
        print(f"GET /api/v1/where over 100 queries (first page): {percentiles(timings)}")
        t = time.perf_counter()
        offset: int | None = 0
        pages = 0
        while offset is not None:
            page = client.get("/api/v1/where", params={"purl": purls[0], "offset": offset}).json()
            offset = page["next_offset"]
            pages += 1
        print(
            f"GET /api/v1/where, every page of the largest answer ({page['total']:,} places, {pages} pages): "
            f"{(time.perf_counter() - t) * 1000:.0f} ms"
        )

    # ingest of 5,000 components through what the API runs: a supplier's CycloneDX SBOM
    # (read, judged with the service's policy and the store's advisories, stored, findings
    # tracked, one transaction), and a scan uploaded from CI (judged, stored, tracked).
    advisories = import_bench_advisories(store, 500)
    doc = cyclonedx_document(5000)
    policy = load_service_policy()
    project = f"bench-ingest-{uuid.uuid4().hex[:8]}"  # new on every run, also on a kept portfolio
    t = time.perf_counter()
    done = import_sbom(store, doc, "bench.cdx.json", project, policy, product="product-0")
    sbom_s = time.perf_counter() - t
    t = time.perf_counter()
    again = import_sbom(store, doc, "bench.cdx.json", project, policy, product="product-0")
    resbom_s = time.perf_counter() - t
    assert done.outcome.created and not again.outcome.created
    print(
        f"ingest of a 5,000-component CycloneDX SBOM, judged and tracked: {sbom_s:.2f} s "
        f"({len(done.result.vulnerabilities)} vulnerabilities from {advisories} advisories, verdict "
        f"{done.result.verdict}; the same SBOM again: {resbom_s:.2f} s)"
    )
    comps = [Component(f"pkg:npm/bench-{i}@1.{i % 7}.0", f"bench-{i}", f"1.{i % 7}.0", "npm") for i in range(5000)]
    result = ScanResult(
        root=".",
        inventory=Inventory(root=".", components=comps),
        decisions=[PolicyDecision(c.purl, Verdict.ALLOW, ("licence MIT",)) for c in comps],
        concluded=[ConcludedLicense(c.purl, "MIT", "declared") for c in comps],
        verdict="allow",
    )
    t = time.perf_counter()
    uploaded = ingest_judged(store, result, project + "-ci", policy, product="product-0")
    ingest_s = time.perf_counter() - t
    t = time.perf_counter()
    again_scan = ingest_judged(store, result, project + "-ci", policy, product="product-0")
    reingest_s = time.perf_counter() - t
    assert uploaded.outcome.created and not again_scan.outcome.created
    print(
        f"ingest of a 5,000-component scan upload, judged and tracked: {ingest_s:.2f} s "
        f"(re-upload of the same content: {reingest_s:.2f} s)"
    )


def cyclonedx_document(count: int) -> str:
    components = [
        {
            "type": "library",
            "bom-ref": f"pkg:npm/bench-{i}@1.{i % 7}.0",
            "name": f"bench-{i}",
            "version": f"1.{i % 7}.0",
            "purl": f"pkg:npm/bench-{i}@1.{i % 7}.0",
            "licenses": [{"license": {"id": "MIT"}}],
        }
        for i in range(count)
    ]
    return json.dumps({"bomFormat": "CycloneDX", "specVersion": "1.6", "version": 1, "components": components})


def import_bench_advisories(store: Store, count: int) -> int:
    """`count` OSV records, each on one bench package, fixed in 1.3.0 (so 3 of its 7 versions are affected)."""
    with tempfile.TemporaryDirectory() as folder:
        for i in range(count):
            record = {
                "schema_version": "1.6.0",
                "id": f"GHSA-bench-{i:04d}",
                "modified": "2026-01-01T00:00:00Z",
                "aliases": [f"CVE-2099-{10000 + i}"],
                "summary": f"bench-{i} flaw",
                "affected": [
                    {
                        "package": {"ecosystem": "npm", "name": f"bench-{i}"},
                        "ranges": [{"type": "SEMVER", "events": [{"introduced": "0"}, {"fixed": "1.3.0"}]}],
                    }
                ],
                "database_specific": {"severity": ("CRITICAL", "HIGH", "MODERATE", "LOW")[i % 4]},
            }
            Path(folder, f"GHSA-bench-{i:04d}.json").write_text(json.dumps(record))
        import_source(store, folder)
    return count


@contextlib.contextmanager
def running_service(store: Store, url: str) -> Iterator[tuple[str, str]]:
    """ospo's service on a free loopback port over the bench's store, with a viewer's token."""
    email = f"bench-{uuid.uuid4().hex[:8]}@example.invalid"
    add_user(store, email, "viewer", None)
    token = create_token(store, email, "bench")[1]
    os.environ["OSPO_REEVALUATE_SECONDS"] = "0"
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    server = uvicorn.Server(uvicorn.Config(create_app(url), host="127.0.0.1", port=port, log_level="warning"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    while not server.started:
        time.sleep(0.05)
    try:
        yield f"http://127.0.0.1:{port}", token
    finally:
        server.should_exit = True
        thread.join(timeout=10)


if __name__ == "__main__":
    sys.exit(main())
