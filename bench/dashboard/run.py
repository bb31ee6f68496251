"""Server-side rendering time of each dashboard page on a large generated portfolio.

    PYTHONPATH=src python bench/dashboard/run.py [--projects 150] [--components 400]
        [--pool 6000] [--scans 2] [--db PATH] [--keep] [--repeat 5]

Generates a portfolio (projects in products, components drawn from a shared pool so that
packages recur across projects, a share flagged for review or denied, advisories affecting
some packages, tracked findings, several scans per project for the trends), then requests
every page in-process through the ASGI app (Starlette's TestClient: routing, queries and
Jinja rendering, no network) and prints the median milliseconds per page. `--db` with
`--keep` keeps the database to rerun without regenerating. There is no peer dashboard to
compare with on this machine, so the figures are absolute.
"""

from __future__ import annotations

import argparse
import json
import random
import re
import statistics
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path
from urllib.parse import quote

from fastapi.testclient import TestClient

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
from ospo.store import open_store
from ospo.store.accounts import add_user
from ospo.store.ingest import ingest_scan
from ospo.vulns.importer import import_records
from ospo.vulns.matcher import match_inventory
from ospo.vulns.osv import parse_osv
from ospo.vulns.tracking import record_findings

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


def generate(url: str, projects: int, components: int, pool_size: int, scans: int) -> None:
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


def timed(client: TestClient, path: str, repeat: int) -> tuple[float, int]:
    times = []
    size = 0
    for _ in range(repeat):
        t = time.perf_counter()
        response = client.get(path)
        times.append((time.perf_counter() - t) * 1000)
        assert response.status_code == 200, (path, response.status_code, response.text[:300])
        size = len(response.content)
    return statistics.median(times), size


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--projects", type=int, default=150)
    parser.add_argument("--components", type=int, default=400)
    parser.add_argument("--pool", type=int, default=6000)
    parser.add_argument("--scans", type=int, default=2)
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--db", type=Path, help="database file (reused when it exists and --keep was given before)")
    parser.add_argument("--keep", action="store_true", help="keep the database file for the next run")
    args = parser.parse_args()
    tmp = None
    if args.db is None:
        tmp = tempfile.TemporaryDirectory(prefix="ospo-bench-dashboard-")
        args.db = Path(tmp.name) / "ospo.db"
    url = f"sqlite:///{args.db}"
    if not args.db.exists():
        generate(url, args.projects, args.components, args.pool, args.scans)
    else:
        print(f"reusing {args.db}")
    try:
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
            project = "project-0001"
            purl = re.search(r'href="/component\?purl=([^"]+)"', client.get(f"/project?name={project}").text)
            why = re.search(r'href="(/why\?[^"]+)"', client.get(f"/project?name={project}").text)
            assert purl is not None and why is not None
            pages = [
                "/",
                "/portfolio",
                "/product?name=product-000",
                f"/project?name={project}",
                why.group(1).replace("&amp;", "&"),
                f"/component?purl={purl.group(1)}",
                f"/component?purl={quote('pkg:pypi/pkg00000')}",
                "/vulnerabilities",
                "/review",
                "/search?q=pkg0001",
                "/search.json?q=pkg0001",
                "/search?q=CVE-2099-0001",
                "/license?expression=MIT",
                "/advisory?id=CVE-2099-0001",
                f"/export/components.csv?project={project}",
                "/export/review.csv",
                "/export/vulnerabilities.csv",
                f"/export/sbom.cdx.json?project={project}",
                f"/export/audit.html?project={project}",
                f"/export/notice.html?project={project}",
            ]
            print(f"{'page':60} {'median ms':>10} {'KiB':>8}")
            for page in pages:
                ms, size = timed(client, page, args.repeat)
                print(f"{page[:60]:60} {ms:10.1f} {size / 1024:8.0f}")
    finally:
        if tmp is not None and not args.keep:
            tmp.cleanup()
        elif args.keep:
            print(f"kept {args.db}")


if __name__ == "__main__":
    main()
