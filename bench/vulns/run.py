"""Vulnerability database bench: import, re-import, and matching 10,000 components.

Imports every OSV record under ../shared/data/osv (the PyPA advisory database) into a fresh
SQLite file, re-imports it (which must write nothing), then matches an inventory of 10,000
components: the installed packages of this Python environment plus synthetic PyPI
components at real versions named in the advisories (so many of them are vulnerable).

    PYTHONPATH=src python bench/vulns/run.py [--osv DIR] [--components N] [--database URL]
"""

from __future__ import annotations

import argparse
import random
import sys
import sysconfig
import tempfile
import time
from pathlib import Path

from sqlalchemy import event

from ospo.inventory.purls import component
from ospo.model import Component, Inventory
from ospo.store import Store, open_store
from ospo.vulns.importer import import_source
from ospo.vulns.matcher import AdvisoryIndex, match_components, match_inventory
from ospo.vulns.osv import parse_osv
from ospo.vulns.versions import sort_key

ROOT = Path(__file__).resolve().parents[2]


def installed_components() -> list[Component]:
    """The installed distributions, read with importlib.metadata (independent of ospo's parsers)."""
    from importlib.metadata import distributions

    site = sysconfig.get_paths()["purelib"]
    out = []
    for dist in distributions(path=[site]):
        name = dist.metadata.get("Name")
        if name:
            out.append(component("pypi", name, dist.version, f"{site}/{name}.dist-info"))
    return out


def synthetic_components(osv: Path, count: int, affected_share: float, seed: int = 7) -> list[Component]:
    """PyPI components at versions the advisories name: listed affected versions, and fixed
    versions (mostly clean), mixed in the given proportion."""
    affected: set[tuple[str, str]] = set()
    fixed: set[tuple[str, str]] = set()
    for path in sorted(osv.rglob("*.yaml")) + sorted(osv.rglob("*.json")):
        try:
            record = parse_osv(str(path), path.read_bytes())
        except Exception:
            continue
        for entry in record.affected:
            if entry.ecosystem != "PyPI":
                continue
            for version in entry.entry.get("versions") or ():
                affected.add((entry.name, version))
            for rng in entry.entry.get("ranges") or ():
                for osv_event in rng.get("events") or ():
                    if "fixed" in osv_event and rng.get("type") == "ECOSYSTEM":
                        fixed.add((entry.name, osv_event["fixed"]))
    # keep only each package's newest fixed version: usually clear of every advisory
    newest: dict[str, str] = {}
    for name, version in fixed:
        try:
            key = sort_key("PyPI", version)
        except Exception:
            continue
        if name not in newest or key > sort_key("PyPI", newest[name]):
            newest[name] = version
    fixed = set(newest.items())
    rng_ = random.Random(seed)
    a, f = sorted(affected), sorted(fixed)
    rng_.shuffle(a)
    rng_.shuffle(f)
    n_affected = int(count * affected_share)
    picked = a[:n_affected] + f[: count - n_affected]
    if affected_share >= 1.0:
        picked += a[n_affected : n_affected + count - len(picked)]
    else:  # the rest: packages no advisory names, as most of a real inventory is
        picked += [(f"no-advisory-pkg-{i}", "1.0.0") for i in range(count - len(picked))]
    return [component("pypi", n, v, "synthetic/requirements.txt") for n, v in picked]


def time_match(label: str, store: Store, comps: list[Component]) -> None:
    inventory = Inventory(root="bench", components=comps)
    t0, c0 = time.perf_counter(), time.process_time()
    result = match_inventory(inventory, store)
    elapsed, cpu = time.perf_counter() - t0, time.process_time() - c0
    vulnerable = len({f.component.purl for f in result.findings})
    print(
        f"match {label}: {len(comps)} components in {elapsed:.3f} s wall, {cpu:.3f} s CPU "
        f"({len(comps) / elapsed:,.0f} components/s wall; store query + compile + match); "
        f"{len(result.findings)} findings in {vulnerable} components, "
        f"{len(result.unsupported)} unsupported"
    )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--osv", type=Path, default=ROOT.parent / "shared" / "data" / "osv")
    parser.add_argument("--components", type=int, default=10_000)
    parser.add_argument("--database", default=None, help="database URL (default: a temporary SQLite file)")
    args = parser.parse_args()
    if not args.osv.exists():
        for candidate in (Path("/work/shared/data/osv"),):
            if candidate.exists():
                args.osv = candidate
    if not args.osv.exists():
        print(f"no OSV data at {args.osv}", file=sys.stderr)
        return 2
    with tempfile.TemporaryDirectory() as tmp:
        store = open_store(args.database or f"sqlite:///{tmp}/bench.db")
        t0, c0 = time.perf_counter(), time.process_time()
        first = import_source(store, args.osv)
        t_import, c_import = time.perf_counter() - t0, time.process_time() - c0
        print(
            f"import:    {first.seen} records ({first.added} added, {len(first.problems)} skipped) "
            f"in {t_import:.2f} s wall / {c_import:.2f} s CPU, {first.writes} rows written"
        )

        statements: list[str] = []

        def count(_c, _cur, statement, _p, _ctx, _many):  # type: ignore[no-untyped-def]
            if statement.lstrip().split(None, 1)[0].upper() in ("INSERT", "UPDATE", "DELETE"):
                statements.append(statement)

        event.listen(store.engine, "before_cursor_execute", count)
        t0, c0 = time.perf_counter(), time.process_time()
        again = import_source(store, args.osv)
        t_reimport, c_reimport = time.perf_counter() - t0, time.process_time() - c0
        event.remove(store.engine, "before_cursor_execute", count)
        print(
            f"re-import: {again.seen} records, {again.unchanged} unchanged in {t_reimport:.2f} s wall / "
            f"{c_reimport:.2f} s CPU, "
            f"{again.writes} rows written, {len(statements)} write statements "
            f"({'OK' if not statements else 'FAIL: re-import wrote'})"
        )

        installed = installed_components()
        rest = max(args.components - len(installed), 0)
        typical = (installed + synthetic_components(args.osv, rest, 0.05))[: args.components]
        worst = (installed + synthetic_components(args.osv, rest, 1.0))[: args.components]
        print(
            f"inventory: {args.components} components = {len(installed)} installed + synthetic PyPI "
            "components (typical: 5% at versions advisories list as affected, each advisory package at "
            "its newest fixed version, the rest packages no advisory names; worst case: all at affected "
            "versions)"
        )
        time_match("typical   ", store, typical)
        time_match("worst case", store, worst)
        comps = worst
        result = match_components(installed, AdvisoryIndex.from_store(store))

        t0 = time.perf_counter()
        index = AdvisoryIndex.from_store(store)
        t_load = time.perf_counter() - t0
        t0, c0 = time.perf_counter(), time.process_time()
        match_components(comps, index)
        t_cold, c_cold = time.perf_counter() - t0, time.process_time() - c0
        t0, c0 = time.perf_counter(), time.process_time()
        match_components(comps, index)
        t_warm, c_warm = time.perf_counter() - t0, time.process_time() - c0
        print(
            f"worst case, full in-memory index: load {t_load:.3f} s ({len(index)} advisories); match cold "
            f"{t_cold:.3f} s wall / {c_cold:.3f} s CPU; "
            f"warm (compiled) {t_warm:.3f} s wall / {c_warm:.3f} s CPU "
            f"({len(comps) / c_warm:,.0f} components per CPU second)"
        )
        mine = [c for c in installed if c.purl in result.advice]
        print(f"installed packages with known vulnerabilities: {len(mine)}")
        for c in mine[:10]:
            advice = result.advice[c.purl]
            print(f"  {c.purl}: upgrade to {advice.upgrade_to or '(no single fix)'}")
        store.close()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
