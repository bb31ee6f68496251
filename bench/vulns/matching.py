"""Speed of matching an inventory against advisories: compiled ranges vs a plain evaluator.

Loads the PyPA advisory database (../shared/data/osv/pypa), compiles every affected[] entry
and indexes it by package name, as the OSV store does; then matches 10,000 components (names
drawn from packages that have advisories, the worst case, versions from their release lists)
against all advisories of their package. The peer is the obvious evaluator built on univers:
parse the component and every event version with univers, walk the sorted events per the OSV
schema for each advisory; it runs on a 1,000-component subset, and both must agree on it.

Times are CPU seconds of this process (the machine is shared; wall time is noisier).

Run: PYTHONPATH=src python bench/vulns/matching.py [ADVISORY_DIR]
"""

from __future__ import annotations

import random
import sys
import time
from collections import defaultdict
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import yaml
from univers.versions import PypiVersion

from ospo.vulns.ranges import CompiledAffected, compile_affected
from ospo.vulns.versions import InvalidVersion, clear_cache, key_function

DEFAULT = Path(__file__).resolve().parents[3] / "shared" / "data" / "osv" / "pypa" / "vulns"


def load(root: Path) -> list[Mapping[str, Any]]:
    docs = []
    for path in sorted(root.rglob("*.yaml")):
        with path.open(encoding="utf-8") as handle:
            doc = yaml.safe_load(handle)
        if isinstance(doc, Mapping) and not doc.get("withdrawn"):
            docs.append(doc)
    return docs


def univers_is_affected(version: str, affected: Mapping[str, Any]) -> bool:
    """The plain evaluator: univers objects, events parsed and sorted on every call."""
    if version in (affected.get("versions") or []):
        return True
    v = PypiVersion(version)
    for rng in affected.get("ranges") or []:
        if rng.get("type") not in ("ECOSYSTEM", "SEMVER"):
            continue
        events = []
        for seq, event in enumerate(rng.get("events") or []):
            for kind, value in event.items():
                try:
                    key = None if value == "0" else PypiVersion(value)
                except Exception:
                    continue
                events.append((kind, key, seq))
        events.sort(key=lambda e: (e[1] is not None, e[1] or v, e[2]))
        vulnerable = False
        limits = []
        for kind, key, _ in events:
            if kind == "introduced" and (key is None or v >= key):
                vulnerable = True
            elif (kind == "fixed" and key is not None and v >= key) or (
                kind == "last_affected" and key is not None and v > key
            ):
                vulnerable = False
            elif kind == "limit" and key is not None:
                limits.append(key)
        if vulnerable and (not limits or any(v < lim for lim in limits)):
            return True
    return False


def main(argv: list[str]) -> int:
    root = Path(argv[1]) if len(argv) > 1 else DEFAULT
    docs = load(root)
    start = time.process_time()
    index: dict[str, list[tuple[str, CompiledAffected, Mapping[str, Any]]]] = defaultdict(list)
    known: dict[str, set[str]] = defaultdict(set)
    entries = 0
    for doc in docs:
        for affected in doc.get("affected") or []:
            name = str((affected.get("package") or {}).get("name", "")).lower()
            index[name].append((str(doc["id"]), compile_affected("PyPI", affected), affected))
            known[name].update(str(v) for v in affected.get("versions") or [])
            entries += 1
    compile_seconds = time.process_time() - start

    rng = random.Random(1)
    names = sorted(n for n in known if known[n])
    components = []
    for _ in range(10_000):
        name = rng.choice(names)
        components.append((name, rng.choice(sorted(known[name]))))
    advisories_checked = sum(len(index[n]) for n, _ in components)

    clear_cache()
    key_of = key_function("PyPI")
    start = time.process_time()
    ours: list[list[str]] = []
    for name, version in components:
        try:
            key = key_of(version)
        except InvalidVersion:
            ours.append([])
            continue
        ours.append([vid for vid, compiled, _ in index[name] if compiled.contains(key)])
    our_seconds = time.process_time() - start

    subset = components[:1000]
    start = time.process_time()
    theirs = [[vid for vid, _, raw in index[name] if univers_is_affected(version, raw)] for name, version in subset]
    peer_seconds = time.process_time() - start
    disagreements = sum(1 for a, b in zip(ours, theirs, strict=False) if a != b)
    subset_checks = sum(len(index[n]) for n, _ in subset)

    matches = sum(len(m) for m in ours)
    print(f"advisories {len(docs)}, affected entries {entries}, compiled in {compile_seconds:.2f} s")
    print(
        f"ours: 10,000 components x their package's advisories = {advisories_checked:,} checks, "
        f"{matches:,} matches, {our_seconds:.3f} s ({advisories_checked / our_seconds:,.0f} checks/s)"
    )
    print(
        f"univers plain evaluator: 1,000 components = {subset_checks:,} checks, {peer_seconds:.2f} s "
        f"({subset_checks / peer_seconds:,.0f} checks/s); disagreements with ours: {disagreements}"
    )
    ratio = (advisories_checked / our_seconds) / (subset_checks / peer_seconds)
    print(f"ratio (checks/s ours / univers plain): {ratio:.0f}x")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
