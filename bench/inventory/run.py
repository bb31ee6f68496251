#!/usr/bin/env python3
"""Inventory bench: ospo against cdxgen and cyclonedx-py, side by side on the same inputs.

For each input folder it runs every available tool once, reads the CycloneDX each writes,
and prints: components found by each tool, the (name, version) pairs one finds that the
other misses (names normalised per ecosystem), and the wall-time ratio ospo / peer.

Inputs (assembled under bench/out/inventory/inputs, never committed):
- copies of this machine's Python environments (the shared venv's site-packages, the
  system's dist-packages, the pyenv interpreter's site-packages), each placed inside a fresh
  venv skeleton so that `cyclonedx-py environment` reads exactly the same files;
- each folder of bench/inventory/corpus (real lockfiles made once by make_corpus.sh).

Peers (never project dependencies): cdxgen from bench/.peers/cdxgen (or $CDXGEN, or PATH),
cyclonedx-py from bench/.peers/py (or $CYCLONEDX_PY, or PATH). `--install-peers` installs
both there. A missing peer is skipped with a message.

Usage: python bench/inventory/run.py [--ospo-src /work/main/src] [--only NAME ...]
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import statistics
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
BENCH = HERE.parent
REPO = BENCH.parent
CORPUS = HERE / "corpus"
OUT = BENCH / "out" / "inventory"
PEERS = BENCH / ".peers"

ENVIRONMENTS = {
    "site-packages-venv": Path("/work/venv/lib/python3.11/site-packages"),
    "site-packages-system": Path("/usr/lib/python3/dist-packages"),
    "site-packages-pyenv": Path(sys.base_prefix)
    / "lib"
    / f"python{sys.version_info[0]}.{sys.version_info[1]}"
    / "site-packages",
}
TIMEOUT = 1800


@dataclass
class Run:
    tool: str
    seconds: float | None = None
    pairs: set[tuple[str, str]] = field(default_factory=set)
    components: int = 0
    error: str | None = None


# --- inputs -----------------------------------------------------------------------------


def site_packages_input(name: str, source: Path, refresh: bool) -> Path | None:
    """A venv skeleton whose site-packages is a copy of `source` (made once, then reused)."""
    target = OUT / "inputs" / name
    if not source.is_dir():
        print(f"[skip] {name}: {source} does not exist")
        return None
    if refresh and target.exists():
        shutil.rmtree(target)
    pyver = f"python{sys.version_info[0]}.{sys.version_info[1]}"
    site = target / "lib" / pyver / "site-packages"
    if not (target / ".copied").exists():
        if target.exists():
            shutil.rmtree(target)
        subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(target)], check=True)
        shutil.rmtree(site)
        print(f"copying {source} -> {site} ...", flush=True)
        shutil.copytree(source, site, symlinks=True, ignore=shutil.ignore_patterns("__pycache__"))
        (target / ".copied").write_text(str(source) + "\n")
    return target


def corpus_inputs() -> dict[str, Path]:
    if not CORPUS.is_dir():
        print(f"[skip] corpus: {CORPUS} is missing (run make_corpus.sh once)")
        return {}
    return {f"lock-{d.name}": d for d in sorted(CORPUS.iterdir()) if d.is_dir()}


# --- tools --------------------------------------------------------------------------------


def find_cdxgen() -> list[str] | None:
    candidates = [os.environ.get("CDXGEN", ""), str(PEERS / "cdxgen" / "node_modules" / ".bin" / "cdxgen")]
    for c in candidates:
        if c and Path(c).exists():
            return [c]
    found = shutil.which("cdxgen")
    return [found] if found else None


def find_cyclonedx_py() -> list[str] | None:
    for c in (os.environ.get("CYCLONEDX_PY", ""), str(PEERS / "py" / "bin" / "cyclonedx-py")):
        if c and Path(c).exists():
            return [c]
    found = shutil.which("cyclonedx-py")
    return [found] if found else None


def install_peers() -> None:
    PEERS.mkdir(parents=True, exist_ok=True)
    cdx = PEERS / "cdxgen"
    if not (cdx / "node_modules" / ".bin" / "cdxgen").exists():
        cdx.mkdir(exist_ok=True)
        print("installing cdxgen into", cdx, flush=True)
        subprocess.run(["npm", "init", "-y"], cwd=cdx, check=False, capture_output=True)
        subprocess.run(["npm", "install", "--no-audit", "--no-fund", "@cyclonedx/cdxgen"], cwd=cdx, check=False)
    py = PEERS / "py"
    if not (py / "bin" / "cyclonedx-py").exists():
        print("installing cyclonedx-bom into", py, flush=True)
        subprocess.run([sys.executable, "-m", "venv", str(py)], check=False)
        subprocess.run([str(py / "bin" / "pip"), "install", "-q", "cyclonedx-bom"], check=False)


REPEAT = 3  # timed runs per tool and input, after one untimed warm-up; the median is reported


def timed(
    cmd: list[str], env: dict[str, str] | None = None, cwd: Path | None = None, repeat: int = REPEAT
) -> tuple[float, int, str]:
    """Median wall time of `repeat` runs after a warm-up run (file cache, node's and Python's
    compiled-code caches), so neither tool is charged for a cold first start."""
    times: list[float] = []
    code, err = 0, ""
    for attempt in range(max(1, repeat) + 1):
        start = time.perf_counter()
        try:
            proc = subprocess.run(cmd, env=env, cwd=cwd, capture_output=True, text=True, timeout=TIMEOUT, check=False)
        except subprocess.TimeoutExpired:
            return time.perf_counter() - start, -1, f"timed out after {TIMEOUT}s"
        elapsed = time.perf_counter() - start
        code, err = proc.returncode, proc.stderr[-2000:]
        if attempt > 0:
            times.append(elapsed)
        if code not in (0, 3):
            break
    return (statistics.median(times) if times else elapsed), code, err


def run_ospo(args: argparse.Namespace, folder: Path, out: Path) -> Run:
    env = dict(os.environ)
    if args.ospo_src:
        env["PYTHONPATH"] = str(Path(args.ospo_src).resolve())
        # An installed ospo has its bytecode compiled (pip does it); a source tree under
        # PYTHONDONTWRITEBYTECODE would be recompiled at every start, ~60 ms of a 0.2 s run.
        subprocess.run([args.ospo_python, "-m", "compileall", "-q", env["PYTHONPATH"]], check=False)
    cmd = [args.ospo_python, "-m", "ospo", "inventory", str(folder), "--format", "cyclonedx", "-o", str(out)]
    seconds, code, err = timed(cmd, env=env, repeat=args.repeat)
    # 3 = incomplete (some file could not be parsed): the output is still the inventory.
    return finish("ospo", seconds, out, None if code in (0, 3) else f"exit {code}: {err}")


def run_cdxgen(cdxgen: list[str], folder: Path, out: Path, repeat: int) -> Run:
    env = dict(os.environ, FETCH_LICENSE="false", CDXGEN_FETCH_PKG_METADATA="false", CDXGEN_DEBUG_MODE="")
    cmd = [*cdxgen, "--no-install-deps", "-r", "-o", str(out), str(folder)]
    seconds, code, err = timed(cmd, env=env, cwd=folder, repeat=repeat)
    return finish("cdxgen", seconds, out, None if code == 0 else f"exit {code}: {err}")


def run_cyclonedx_py(tool: list[str], venv: Path, out: Path, repeat: int) -> Run:
    cmd = [*tool, "environment", "--of", "JSON", "-o", str(out), str(venv)]
    seconds, code, err = timed(cmd, repeat=repeat)
    return finish("cyclonedx-py", seconds, out, None if code == 0 else f"exit {code}: {err}")


def finish(tool: str, seconds: float, out: Path, error: str | None) -> Run:
    run = Run(tool, seconds=seconds, error=error)
    if out.exists():
        try:
            run.pairs, run.components = bom_pairs(json.loads(out.read_text(encoding="utf-8")))
        except (ValueError, OSError) as exc:
            run.error = (run.error or "") + f" unreadable output: {exc}"
    elif error is None:
        run.error = "no output written"
    return run


# --- comparison ---------------------------------------------------------------------------


def normalise(kind: str, namespace: str | None, name: str) -> str:
    """One spelling per package name, so the tools' differences in case and separators vanish.

    The ecosystem is left out of the key: a tool that writes no purl (cyclonedx-py for an
    editable install) would otherwise never match. PyPI's rule (runs of -_. as -) is also
    applied to such purl-less components, which in these inputs are Python distributions.
    """
    full = f"{namespace}/{name}" if namespace else name
    if kind in ("pypi", "generic"):
        return re.sub(r"[-_.]+", "-", full).lower()
    return full.lower()


def _purl_parts(purl: str) -> tuple[str, str | None, str, str | None] | None:
    from urllib.parse import unquote

    m = re.match(r"^pkg:([^/]+)/(.+?)(?:@([^?#]+))?(?:[?#].*)?$", purl)
    if not m:
        return None
    kind, path, version = m.group(1).lower(), m.group(2), m.group(3)
    parts = [unquote(p) for p in path.split("/")]
    return kind, "/".join(parts[:-1]) or None, parts[-1], unquote(version) if version else None


def bom_pairs(bom: dict[str, Any]) -> tuple[set[tuple[str, str]], int]:
    """(normalised name, version) of every package component, nested ones included."""
    pairs: set[tuple[str, str]] = set()
    stack = list(bom.get("components") or [])
    count = 0
    while stack:
        comp = stack.pop()
        if not isinstance(comp, dict):
            continue
        stack.extend(comp.get("components") or [])
        if comp.get("type") == "file" or str(comp.get("bom-ref", "")).startswith("file:"):
            continue
        purl = comp.get("purl")
        parsed = _purl_parts(purl) if isinstance(purl, str) else None
        if parsed is None:
            kind, ns, name, version = (
                "generic",
                comp.get("group"),
                str(comp.get("name", "")),
                comp.get("version"),
            )
        else:
            kind, ns, name, version = parsed
            version = comp.get("version") or version
        count += 1
        pairs.add((normalise(kind, ns, name), str(version) if version else "?"))
    return pairs, count


def report(name: str, runs: list[Run], show: int) -> dict[str, Any]:
    print(f"\n=== {name}")
    by_tool = {r.tool: r for r in runs}
    for r in runs:
        status = f"ERROR ...{r.error.strip()[-300:]}" if r.error else ""
        secs = f"{r.seconds:.2f}s" if r.seconds is not None else "-"
        print(f"  {r.tool:<13} components={r.components:<6} unique(name,version)={len(r.pairs):<6} {secs:>9} {status}")
    result: dict[str, Any] = {
        "input": name,
        "tools": {
            r.tool: {
                "components": r.components,
                "pairs": len(r.pairs),
                "seconds": r.seconds,
                "error": r.error,
            }
            for r in runs
        },
        "comparisons": {},
    }
    ospo = by_tool.get("ospo")
    if ospo is None:
        return result
    for peer in runs:
        if peer.tool == "ospo":
            continue
        only_ospo = sorted(ospo.pairs - peer.pairs)
        only_peer = sorted(peer.pairs - ospo.pairs)
        both_ran = ospo.error is None and peer.error is None
        ratio = (ospo.seconds / peer.seconds) if both_ran and ospo.seconds and peer.seconds else None
        ratio_text = f"{ratio:.2f}" if ratio is not None else "n/a"
        print(
            f"  ospo vs {peer.tool}: common={len(ospo.pairs & peer.pairs)} only-ospo={len(only_ospo)} "
            f"only-{peer.tool}={len(only_peer)} time ospo/{peer.tool}={ratio_text}"
        )
        for label, items in ((f"only ospo (not {peer.tool})", only_ospo), (f"only {peer.tool}", only_peer)):
            if items:
                shown = ", ".join(f"{n}@{v}" for n, v in items[:show])
                more = f" ... (+{len(items) - show})" if len(items) > show else ""
                print(f"    {label}: {shown}{more}")
        result["comparisons"][peer.tool] = {
            "common": len(ospo.pairs & peer.pairs),
            "only_ospo": [f"{n}@{v}" for n, v in only_ospo],
            "only_peer": [f"{n}@{v}" for n, v in only_peer],
            "time_ratio_ospo_over_peer": ratio,
        }
    return result


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--ospo-python", default=sys.executable, help="Python that runs `-m ospo`.")
    parser.add_argument("--ospo-src", default=str(REPO / "src"), help="PYTHONPATH for ospo ('' to not set).")
    parser.add_argument("--only", nargs="*", help="Input names to run (default: all).")
    parser.add_argument("--skip-environments", action="store_true", help="Only the lockfile corpus.")
    parser.add_argument("--refresh", action="store_true", help="Copy the environments again.")
    parser.add_argument("--install-peers", action="store_true", help="Install cdxgen and cyclonedx-py first.")
    parser.add_argument("--show", type=int, default=12, help="Differences to print per side.")
    parser.add_argument("--repeat", type=int, default=REPEAT, help="Timed runs per tool and input (median).")
    args = parser.parse_args()
    sys.stdout.reconfigure(line_buffering=True)  # type: ignore[union-attr]

    if args.install_peers:
        install_peers()
    cdxgen = find_cdxgen()
    cdx_py = find_cyclonedx_py()
    if cdxgen is None:
        print("[skip] cdxgen not found (bench/.peers/cdxgen, $CDXGEN, PATH); --install-peers installs it")
    if cdx_py is None:
        print("[skip] cyclonedx-py not found (bench/.peers/py, $CYCLONEDX_PY, PATH); --install-peers installs it")

    inputs: dict[str, tuple[Path, bool]] = {}
    if not args.skip_environments:
        for name, source in ENVIRONMENTS.items():
            if args.only and name not in args.only:
                continue
            folder = site_packages_input(name, source, args.refresh)
            if folder is not None:
                inputs[name] = (folder, True)
    for name, folder in corpus_inputs().items():
        if not args.only or name in args.only:
            inputs[name] = (folder, False)

    results = []
    for name, (folder, is_env) in inputs.items():
        outdir = OUT / "boms" / name
        outdir.mkdir(parents=True, exist_ok=True)
        for old in outdir.glob("*.json"):
            old.unlink()
        runs = [run_ospo(args, folder, outdir / "ospo.json")]
        if cdxgen is not None:
            runs.append(run_cdxgen(cdxgen, folder, outdir / "cdxgen.json", args.repeat))
        if cdx_py is not None and is_env:
            runs.append(run_cyclonedx_py(cdx_py, folder, outdir / "cyclonedx-py.json", args.repeat))
        results.append(report(name, runs, args.show))
    OUT.mkdir(parents=True, exist_ok=True)
    (OUT / "report.json").write_text(json.dumps(results, indent=2) + "\n")
    print(f"\nfull lists: {OUT / 'report.json'}; BOMs: {OUT / 'boms'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
