"""bench/portfolio: a synthetic portfolio of 10,000 projects x ~300 components in PostgreSQL.

Generates the portfolio straight into the store's tables with COPY (the data, not the ingest
path, is what is being set up), then measures what the issue asks:

* "where is" for one package across everything: p50/p95/max over 100 queries of packages
  drawn from the popular head and the long tail of the distribution;
* ingest of one 5,000-component scan through ospo.store.ingest.ingest_scan (the API path).

Usage: python bench/portfolio/run.py [--database URL] [--projects 10000] [--components 300]
    [--scans 1] [--dashboard] [--schema NAME] [--keep]
The database defaults to OSPO_TEST_DATABASE_URL, in a fresh schema dropped at the end
(--keep keeps it; --schema NAME of a kept one reuses it). The generator is shared with
bench/dashboard (portfolio/generate.py); by default this bench generates one scan per
project and none of the dashboard's extras, as it always did.
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import sys
import time
import uuid
from pathlib import Path

from ospo.model import Component, ConcludedLicense, Inventory, PolicyDecision, ScanResult, Verdict
from ospo.store import Store, open_store
from ospo.store.ingest import ingest_scan
from ospo.store.queries import where

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
    parser.add_argument("--schema", help="schema to use; an existing one is reused as it is")
    parser.add_argument("--keep", action="store_true")
    args = parser.parse_args()
    rng = random.Random(20261124)
    spec = Spec(args.projects, args.components, args.packages, scans=args.scans, dashboard=args.dashboard)
    with bench_schema(args.database, args.schema, args.keep) as (url, plain, reused):
        if reused:
            print("reusing the portfolio in the schema")
        else:
            generated = generate(url, plain, spec)
            print(
                f"portfolio: {args.projects:,} projects, {generated.counts['scan_components']:,} scan-component links, "
                f"{generated.counts['components']:,} distinct components, built in {generated.seconds:.1f} s"
            )
        pool = package_pool(args.packages, random.Random(spec.seed))
        store = open_store(url)
        try:
            run(store, pool, rng)
        finally:
            store.close()
    return 0


def run(store: Store, pool: list[Package], rng: random.Random) -> None:
    # where-is: 100 queries, half popular packages, half from the tail.
    targets = [pool[i] for i in range(50)] + [pool[rng.randrange(50, len(pool))] for _ in range(50)]
    timings, hits = [], []
    for pkg in targets:
        t = time.perf_counter()
        found = where(store, pkg.purl())
        timings.append((time.perf_counter() - t) * 1000)
        hits.append(len(found))
    timings.sort()
    p95 = timings[int(len(timings) * 0.95) - 1]
    print(
        f"where-is over 100 queries: p50 {statistics.median(timings):.1f} ms, p95 {p95:.1f} ms, "
        f"max {timings[-1]:.1f} ms; hits per query median {statistics.median(hits):.0f}, max {max(hits):,}"
    )

    # ingest of a 5,000-component scan through the real ingest path (a new project each run).
    project = f"bench-ingest-{uuid.uuid4().hex[:8]}"
    comps = [Component(f"pkg:npm/bench-{i}@1.{i % 7}.0", f"bench-{i}", f"1.{i % 7}.0", "npm") for i in range(5000)]
    result = ScanResult(
        root=".",
        inventory=Inventory(root=".", components=comps),
        decisions=[PolicyDecision(c.purl, Verdict.ALLOW, ("licence MIT",)) for c in comps],
        concluded=[ConcludedLicense(c.purl, "MIT", "declared") for c in comps],
        verdict="allow",
    )
    t = time.perf_counter()
    outcome = ingest_scan(store, result, project, product="product-0")
    ingest_s = time.perf_counter() - t
    t = time.perf_counter()
    again = ingest_scan(store, result, project, product="product-0")
    reingest_s = time.perf_counter() - t
    assert outcome.created and not again.created
    print(f"ingest of a 5,000-component scan: {ingest_s:.2f} s (re-upload of the same content: {reingest_s:.2f} s)")


if __name__ == "__main__":
    sys.exit(main())
