"""Compare `ospo inventory` with cdxgen on the non-JS, non-Python fixtures.

Usage: python bench/inventory_other_vs_cdxgen.py CDXGEN [ECOSYSTEM...]
       python bench/inventory_other_vs_cdxgen.py CDXGEN --synthetic N

CDXGEN is e.g. /tmp/x/node_modules/.bin/cdxgen. `--synthetic N` writes large generated
lockfiles (N packages each: Cargo.lock, go.mod + go.sum, composer.lock, Gemfile.lock,
pubspec.lock, packages.lock.json) so that the time ratio is not just node's start-up.

For each ecosystem folder of tests/fixtures (copied to a temporary folder so cdxgen's
output cannot land in the repo), runs cdxgen offline and ospo's inventory, then prints
the (name, version) pairs only one of them found and the wall time of each, as a ratio.
ospo's unresolved declarations count with version None, as cdxgen reports them.
"""

from __future__ import annotations

import base64
import hashlib
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


def _synthetic(root: Path, n: int) -> None:
    """Lockfiles of n packages each, every package depending on the next one."""
    h = "ab" * 32
    h1 = base64.b64encode(hashlib.sha256(b"mod").digest()).decode()
    sha512 = base64.b64encode(hashlib.sha512(b"nupkg").digest()).decode()
    (root / "cargo").mkdir()
    lines = ["version = 3", ""]
    for i in range(n):
        lines += ["[[package]]", f'name = "crate{i}"', f'version = "1.{i}.0"']
        lines += ['source = "registry+https://github.com/rust-lang/crates.io-index"', f'checksum = "{h}"']
        if i + 1 < n:
            lines += ["dependencies = [", f' "crate{i + 1}",', "]"]
        lines.append("")
    (root / "cargo" / "Cargo.lock").write_text("\n".join(lines))
    (root / "golang").mkdir()
    mods = [f"github.com/org{i % 50}/mod{i}" for i in range(n)]
    (root / "golang" / "go.mod").write_text(
        "module example.com/big\n\ngo 1.21\n\nrequire (\n"
        + "".join(f"\t{m} v1.{i}.0\n" for i, m in enumerate(mods))
        + ")\n"
    )
    (root / "golang" / "go.sum").write_text(
        "".join(f"{m} v1.{i}.0 h1:{h1}\n{m} v1.{i}.0/go.mod h1:{h1}\n" for i, m in enumerate(mods))
    )
    (root / "composer").mkdir()
    packages = [
        {
            "name": f"vendor{i % 40}/pkg{i}",
            "version": f"1.{i}.0",
            "license": ["MIT"],
            "require": {f"vendor{(i + 1) % 40}/pkg{i + 1}": "*"} if i + 1 < n else {},
        }
        for i in range(n)
    ]
    (root / "composer" / "composer.lock").write_text(json.dumps({"packages": packages, "packages-dev": []}, indent=4))
    (root / "ruby").mkdir()
    gem = ["GEM", "  remote: https://rubygems.org/", "  specs:"]
    for i in range(n):
        gem.append(f"    gem{i} (1.{i}.0)")
        if i + 1 < n:
            gem.append(f"      gem{i + 1} (>= 0)")
    gem += ["", "PLATFORMS", "  ruby", "", "DEPENDENCIES", "  gem0", "", "BUNDLED WITH", "   2.5.3", ""]
    (root / "ruby" / "Gemfile.lock").write_text("\n".join(gem))
    (root / "pub").mkdir()
    pub = ["packages:"]
    for i in range(n):
        pub += [
            f"  pkg{i}:",
            '    dependency: "direct main"' if i == 0 else "    dependency: transitive",
            "    description:",
            f"      name: pkg{i}",
            f'      sha256: "{h}"',
            '      url: "https://pub.dev"',
            "    source: hosted",
            f'    version: "1.{i}.0"',
        ]
    (root / "pub" / "pubspec.lock").write_text("\n".join(pub) + "\n")
    (root / "pub" / "pubspec.yaml").write_text("name: big\nversion: 1.0.0\ndependencies:\n  pkg0: any\n")
    (root / "nuget").mkdir()
    deps = {
        f"Org{i % 30}.Pkg{i}": {
            "type": "Direct" if i == 0 else "Transitive",
            "resolved": f"1.{i}.0",
            "contentHash": sha512,
            "dependencies": {f"Org{(i + 1) % 30}.Pkg{i + 1}": f"1.{i + 1}.0"} if i + 1 < n else {},
        }
        for i in range(n)
    }
    (root / "nuget" / "packages.lock.json").write_text(
        json.dumps({"version": 1, "dependencies": {"net8.0": deps}}, indent=2)
    )


def main(argv: list[str]) -> int:
    cdxgen, ecosystems = argv[0], argv[1:] or DEFAULT
    source = FIXTURES
    synthetic_dir: tempfile.TemporaryDirectory[str] | None = None
    if ecosystems[:1] == ["--synthetic"]:
        synthetic_dir = tempfile.TemporaryDirectory()
        source = Path(synthetic_dir.name)
        _synthetic(source, int(ecosystems[1]))
        ecosystems = ["cargo", "golang", "composer", "ruby", "pub", "nuget"]
    env = dict(os.environ, FETCH_LICENSE="false", CDXGEN_FETCH_PKG_METADATA="false")
    total_ours = total_theirs = 0.0
    for eco in ecosystems:
        with tempfile.TemporaryDirectory() as tmp:
            tree = Path(tmp) / eco
            shutil.copytree(source / eco, tree)
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
