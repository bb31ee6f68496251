"""Compare `ospo inventory` with cdxgen on the non-JS, non-Python fixtures.

Usage: python bench/inventory_other_vs_cdxgen.py /path/to/node_modules/.bin/cdxgen [ECOSYSTEM...]

For each ecosystem folder of tests/fixtures (copied to a temporary folder so cdxgen's
output cannot land in the repo), runs cdxgen offline and ospo's inventory, then prints
the (name, version) pairs only one of them found and the wall time of each, as a ratio.
ospo's unresolved declarations count with version None, as cdxgen reports them.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from packageurl import PackageURL

from ospo.inventory import build_inventory

FIXTURES = Path(__file__).resolve().parents[1] / "tests" / "fixtures"
DEFAULT = ["cargo", "golang", "maven", "gradle", "ruby", "composer", "nuget", "swift", "pub"]


def _key(purl: str) -> tuple[str, str, str | None]:
    p = PackageURL.from_string(purl)
    name = f"{p.namespace}/{p.name}" if p.namespace else p.name
    return (p.type, name, p.version)


def _walk(components: list[dict[str, Any]]) -> Iterator[dict[str, Any]]:
    for comp in components:
        yield comp
        yield from _walk(comp.get("components", []))


def main(argv: list[str]) -> int:
    cdxgen, ecosystems = argv[0], argv[1:] or DEFAULT
    env = dict(os.environ, FETCH_LICENSE="false", CDXGEN_FETCH_PKG_METADATA="false")
    total_ours = total_theirs = 0.0
    for eco in ecosystems:
        with tempfile.TemporaryDirectory() as tmp:
            tree = Path(tmp) / eco
            shutil.copytree(FIXTURES / eco, tree)
            out = Path(tmp) / "bom.json"
            start = time.perf_counter()
            proc = subprocess.run(
                [cdxgen, "--no-install-deps", "-r", "-o", str(out), "."],
                cwd=tree,
                env=env,
                capture_output=True,
                timeout=600,
                check=False,
            )
            theirs_s = time.perf_counter() - start
            start = time.perf_counter()
            inventory = build_inventory(str(tree))
            ours_s = time.perf_counter() - start
            total_ours += ours_s
            total_theirs += theirs_s
            ours = {_key(c.purl) for c in inventory.components}
            if proc.returncode != 0 or not out.exists():
                print(f"== {eco}: cdxgen failed (exit {proc.returncode}); ospo found {len(ours)}")
                continue
            bom = json.loads(out.read_text())
            theirs = {_key(c["purl"]) for c in _walk(bom.get("components", [])) if c.get("purl")}
            print(
                f"== {eco}: ospo {len(ours)} ({ours_s * 1000:.0f} ms), cdxgen {len(theirs)}"
                f" ({theirs_s * 1000:.0f} ms), common {len(ours & theirs)}"
            )
            for k in sorted(ours - theirs, key=str):
                print("   only ospo  ", k)
            for k in sorted(theirs - ours, key=str):
                print("   only cdxgen", k)
    if total_ours:
        print(f"wall time: cdxgen / ospo = {total_theirs / total_ours:.0f}x (cdxgen includes node start-up)")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
