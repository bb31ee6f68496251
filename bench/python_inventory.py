"""Bench: ospo's Python inventory against the peers, side by side in one run.

    PYTHONPATH=src python bench/python_inventory.py env --cyclonedx-py PATH/cyclonedx-py \\
        --python /work/venv/bin/python SITE_PACKAGES
    PYTHONPATH=src python bench/python_inventory.py lock --cdxgen PATH/cdxgen DIR...

`env` times `build_inventory` on an installed environment (best of N) against one
`cyclonedx-py environment` run on the interpreter that owns it; `lock` times it on folders
with lockfiles against one offline cdxgen run each. Both print the wall-time ratio and the
(name, version) pairs each tool found that the other did not, names PEP 503-normalised.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import subprocess
import tempfile
import time

from ospo.inventory import build_inventory


def norm(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def ospo_set(folder: str, repeat: int) -> tuple[float, set[tuple[str, str]]]:
    best = float("inf")
    inventory = None
    for _ in range(repeat):
        start = time.perf_counter()
        inventory = build_inventory(folder)
        best = min(best, time.perf_counter() - start)
    assert inventory is not None
    found = {
        (norm(c.name), c.version or "")
        for c in [*inventory.components, *inventory.projects]
        if c.ecosystem == "pypi" and c.version
    }
    return best, found


def bom_set(path: str) -> set[tuple[str, str]]:
    with open(path, encoding="utf-8") as handle:
        bom = json.load(handle)
    found: set[tuple[str, str]] = set()
    stack = list(bom.get("components", []))
    meta = bom.get("metadata", {}).get("component")
    if meta:
        stack.append(meta)
    while stack:
        comp = stack.pop()
        stack.extend(comp.get("components", []))
        is_python = str(comp.get("purl", "")).startswith("pkg:pypi/") or comp.get("type") == "library"
        if is_python and comp.get("version"):
            found.add((norm(comp["name"]), str(comp["version"])))
    return found


def run_peer(command: list[str], out: str, env: dict[str, str] | None = None) -> float:
    start = time.perf_counter()
    subprocess.run(command, check=False, capture_output=True, env=env)
    elapsed = time.perf_counter() - start
    if not os.path.exists(out):
        raise SystemExit(f"peer wrote no output: {' '.join(command)}")
    return elapsed


Found = tuple[float, set[tuple[str, str]]]


def report(label: str, ours: Found, peer: Found) -> None:
    (our_time, our_set), (peer_time, peer_set) = ours, peer
    print(f"== {label}")
    print(f"ospo: {len(our_set)} components in {our_time:.3f}s; peer: {len(peer_set)} in {peer_time:.3f}s")
    print(f"wall-time ratio peer/ospo: {peer_time / our_time:.1f}x")
    print(f"only ospo ({len(our_set - peer_set)}): {sorted(our_set - peer_set)[:40]}")
    print(f"only peer ({len(peer_set - our_set)}): {sorted(peer_set - our_set)[:40]}")


def main() -> None:
    parser = argparse.ArgumentParser()
    sub = parser.add_subparsers(dest="mode", required=True)
    env_p = sub.add_parser("env")
    env_p.add_argument("--cyclonedx-py", required=True)
    env_p.add_argument("--python", required=True)
    env_p.add_argument("--repeat", type=int, default=3)
    env_p.add_argument("site_packages")
    lock_p = sub.add_parser("lock")
    lock_p.add_argument("--cdxgen", required=True)
    lock_p.add_argument("--repeat", type=int, default=3)
    lock_p.add_argument("folders", nargs="+")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        if args.mode == "env":
            ours = ospo_set(args.site_packages, args.repeat)
            out = os.path.join(tmp, "bom.json")
            command = [args.cyclonedx_py, "environment", "--of", "JSON", "-o", out, args.python]
            elapsed = run_peer(command, out)
            report(f"environment {args.site_packages} vs cyclonedx-py", ours, (elapsed, bom_set(out)))
            return
        env = dict(os.environ, FETCH_LICENSE="false", CDXGEN_FETCH_PKG_METADATA="false")
        for folder in args.folders:
            ours = ospo_set(folder, args.repeat)
            out = os.path.join(tmp, f"bom-{abs(hash(folder))}.json")
            command = [args.cdxgen, "--no-install-deps", "-r", "-t", "python", "-o", out, folder]
            elapsed = run_peer(command, out, env)
            report(f"{folder} vs cdxgen", ours, (elapsed, bom_set(out)))


if __name__ == "__main__":
    main()
