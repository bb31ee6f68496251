"""bench/scan: `ospo scan` against its own stages run alone, on one large real tree.

The issue asks that a scan (one walk for inventory, licences and vulnerabilities, then the
policy) take at most 1.5x the time of its slowest single stage run alone. The tree is a
copy of this machine's site-packages plus the real lockfiles of bench/inventory/corpus, so
it has tens of thousands of files and thousands of packages.

Each command runs as a separate process, in the same run, with the same process count:

    ospo inventory TREE --format json
    ospo licenses  TREE --format json --processes N
    ospo vulns check TREE --format json          (offline, against the local store)
    ospo scan      TREE --offline --format json --processes N

Usage: python bench/scan/run.py [--tree DIR] [--processes 2] [--keep]
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import sysconfig
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
CORPUS = HERE.parent / "inventory" / "corpus"


def build_tree(target: Path) -> None:
    site = Path(sysconfig.get_paths()["purelib"])
    shutil.copytree(site, target / "site-packages", symlinks=True, ignore=shutil.ignore_patterns("__pycache__"))
    if CORPUS.exists():
        shutil.copytree(CORPUS, target / "lockfiles")


def timed(label: str, args: list[str], out: Path) -> float:
    started = time.perf_counter()
    with open(out, "w") as handle:
        proc = subprocess.run(args, stdout=handle, stderr=subprocess.DEVNULL, check=False)
    elapsed = time.perf_counter() - started
    print(f"{label:<28} {elapsed:8.1f} s   exit {proc.returncode}")
    return elapsed


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--tree", type=Path, help="Scan this folder instead of building one.")
    parser.add_argument("--processes", type=int, default=2)
    parser.add_argument("--keep", action="store_true", help="Keep the built tree.")
    args = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="ospo-bench-scan-"))
    tree = args.tree or work / "tree"
    try:
        if args.tree is None:
            build_tree(tree)
        files = sum(len(f) for _, _, f in os.walk(tree))
        print(f"tree: {tree} ({files:,} files)")
        ospo = [sys.executable, "-m", "ospo"]
        p = str(args.processes)
        # Warm the licence index cache first, so no stage pays its one-time build.
        subprocess.run([*ospo, "licenses", str(HERE / "run.py"), "--format", "json"], capture_output=True, check=False)
        stages = {
            "inventory alone": timed(
                "inventory alone", [*ospo, "inventory", str(tree), "-f", "json"], work / "inv.json"
            ),
            "licences alone": timed(
                "licences alone", [*ospo, "licenses", str(tree), "-f", "json", "--processes", p], work / "lic.json"
            ),
            "vulnerabilities alone": timed(
                "vulnerabilities alone",
                [*ospo, "vulns", "check", str(tree), "-f", "json", "--no-record"],
                work / "vul.json",
            ),
        }
        whole = timed(
            "scan (all stages + policy)",
            [*ospo, "scan", str(tree), "--offline", "-f", "json", "-p", p, "--fail-on", "never"],
            work / "scan.json",
        )
        slowest = max(stages, key=lambda k: stages[k])
        print(f"\nslowest single stage: {slowest} ({stages[slowest]:.1f} s)")
        print(f"scan / slowest stage: {whole / stages[slowest]:.2f}  (target <= 1.5)")
        print(f"scan / sum of stages: {whole / sum(stages.values()):.2f}")
    finally:
        if not args.keep:
            shutil.rmtree(work, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
