"""Bench: ospo's npm inventory against cdxgen (offline), side by side in one run.

    PYTHONPATH=src python bench/npm_inventory.py --cdxgen /path/to/node_modules/.bin/cdxgen DIR...

For each folder it times `build_inventory` (best of N) and one cdxgen run, prints the ratio,
and compares the (name, version) sets of npm packages each found (our projects count too:
cdxgen lists workspace packages as components). Without --cdxgen it only times ospo.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time

from ospo.inventory import build_inventory


def ospo_set(folder: str, repeat: int) -> tuple[float, set[tuple[str, str]], int]:
    best = float("inf")
    inv = None
    for _ in range(repeat):
        start = time.perf_counter()
        inv = build_inventory(folder)
        best = min(best, time.perf_counter() - start)
    assert inv is not None
    found = {
        (c.display_name, c.version or "")
        for c in [*inv.components, *inv.projects]
        if c.ecosystem == "npm" and c.version
    }
    return best, found, len(inv.components)


def cdxgen_set(cdxgen: str, folder: str) -> tuple[float, set[tuple[str, str]]]:
    env = dict(os.environ, FETCH_LICENSE="false", CDXGEN_FETCH_PKG_METADATA="false")
    with tempfile.TemporaryDirectory() as tmp:
        out = os.path.join(tmp, "bom.json")
        start = time.perf_counter()
        subprocess.run(
            [cdxgen, "--no-install-deps", "-r", "-t", "js", "-o", out, folder],
            env=env,
            check=False,
            capture_output=True,
        )
        elapsed = time.perf_counter() - start
        with open(out, encoding="utf-8") as handle:
            bom = json.load(handle)
    found: set[tuple[str, str]] = set()
    for comp in bom.get("components", []):
        if not str(comp.get("purl", "")).startswith("pkg:npm/"):
            continue
        group = comp.get("group") or ""
        name = f"{group}/{comp['name']}" if group else comp["name"]
        found.add((name, comp.get("version") or ""))
    return elapsed, found


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("folders", nargs="+")
    parser.add_argument("--cdxgen", help="path to the cdxgen executable")
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--show", type=int, default=10, help="differences to list per side")
    args = parser.parse_args()
    for folder in args.folders:
        ours_t, ours, n_components = ospo_set(folder, args.repeat)
        line = f"{folder}: ospo {ours_t * 1000:.0f} ms, {n_components} components"
        if not args.cdxgen:
            print(line)
            continue
        theirs_t, theirs = cdxgen_set(args.cdxgen, folder)
        print(f"{line}; cdxgen {theirs_t * 1000:.0f} ms ({theirs_t / ours_t:.1f}x ospo)")
        print(f"  (name, version): ospo {len(ours)}, cdxgen {len(theirs)}, both {len(ours & theirs)}")
        for label, diff in (("only ospo", ours - theirs), ("only cdxgen", theirs - ours)):
            if diff:
                shown = ", ".join(f"{n}@{v}" for n, v in sorted(diff)[: args.show])
                print(f"  {label} ({len(diff)}): {shown}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
