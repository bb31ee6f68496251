"""Licence detection benchmark: ospo against ScanCode and askalono, same files, same run.

Accuracy on the labelled cases of ../shared/data/licenses-dev (each file beside a .yml of
expected ScanCode licence expressions): a file is an exact match when the set of
expressions detected equals the expected set, both mapped to SPDX through the data's
key -> SPDX table and normalised. Speed: files per second of each tool on the same copy
of the files, with the same number of processes for ospo and ScanCode (askalono has no
process option: one process, as its CLI).

    python bench/licenses/run.py [--sample N] [--processes 2] [--peers /tmp/peers-venv]
        [--no-scancode] [--no-askalono] [--json out.json]

ScanCode and askalono are run from a throwaway venv (see ../shared/PEERS.md); the figures
are printed as one table with ratios. ScanCode's time includes its cold start, which is
reported separately too (a run on one file).
"""

from __future__ import annotations

import argparse
import json
import os
import random
import shutil
import subprocess
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

import yaml

HERE = Path(__file__).resolve()
REPO = HERE.parents[2]
sys.path.insert(0, str(REPO / "src"))

from ospo.licenses import scan_tree  # noqa: E402
from ospo.licenses.catalog import catalog  # noqa: E402
from ospo.licenses.index import key_expression_to_spdx, load_index  # noqa: E402
from ospo.licenses.spdx_tags import normalise  # noqa: E402

DEFAULT_DATA = REPO.parent.parent / "shared" / "data" / "licenses-dev"
if not DEFAULT_DATA.exists():
    DEFAULT_DATA = Path("/work/shared/data/licenses-dev")

ASKALONO_SNIPPET = r"""
import json, os, sys, time
import askalono
root = sys.argv[1]
out = {}
t = time.perf_counter()
for dirpath, _, names in os.walk(root):
    for name in names:
        path = os.path.join(dirpath, name)
        with open(path, 'rb') as handle:
            text = handle.read().decode('utf-8', 'replace')
        try:
            found = askalono.identify(text)
            out[os.path.relpath(path, root)] = [found.name] if found.score > 0.8 else []
        except Exception:
            out[os.path.relpath(path, root)] = []
print(json.dumps({'seconds': time.perf_counter() - t, 'results': out}))
"""


def load_cases(data: Path) -> list[tuple[str, list[str], dict[str, object]]]:
    cases = []
    for yml in sorted(data.rglob("*.yml")):
        target = yml.with_suffix("")
        if not target.is_file():
            continue
        doc = yaml.safe_load(yml.read_text(encoding="utf-8")) or {}
        expected = doc.get("license_expressions") or []
        cases.append((str(target.relative_to(data)), list(expected), doc))
    return cases


def spdx_set(expressions: list[str], key_map: dict[str, str]) -> frozenset[str]:
    return frozenset(normalise(key_expression_to_spdx(e, key_map))[0] for e in expressions)


def compare(
    expected: dict[str, frozenset[str]], got: dict[str, frozenset[str]]
) -> tuple[int, list[str], Counter[str], Counter[str]]:
    ok = 0
    failing = []
    misses: Counter[str] = Counter()
    extras: Counter[str] = Counter()
    for rel, exp in expected.items():
        found = got.get(rel, frozenset())
        if found == exp:
            ok += 1
        else:
            failing.append(rel)
            misses.update(exp - found)
            extras.update(found - exp)
    return ok, failing, misses, extras


def run_ours(workdir: Path, processes: int) -> tuple[float, dict[str, frozenset[str]]]:
    load_index()  # build the cache outside the timing (a one-off per data version)
    t = time.perf_counter()
    scan = scan_tree(str(workdir), processes=processes)
    seconds = time.perf_counter() - t
    return seconds, {f.path: frozenset(x.expression for x in f.findings) for f in scan.files}


def run_scancode(
    peers: Path, workdir: Path, processes: int, key_map: dict[str, str]
) -> tuple[float, float, dict[str, frozenset[str]]]:
    exe = peers / "bin" / "scancode"
    out = workdir.parent / "scancode.json"
    one = workdir.parent / "one"
    one.mkdir(exist_ok=True)
    (one / "x.txt").write_text("SPDX-License-Identifier: MIT\n")
    t = time.perf_counter()
    subprocess.run(
        [
            str(exe),
            "--license",
            "--processes",
            str(processes),
            "--json",
            str(workdir.parent / "one.json"),
            str(one),
        ],
        check=True,
        capture_output=True,
    )
    cold = time.perf_counter() - t
    t = time.perf_counter()
    subprocess.run(
        [
            str(exe),
            "--license",
            "--copyright",
            "--processes",
            str(processes),
            "--json",
            str(out),
            str(workdir),
        ],
        check=True,
        capture_output=True,
    )
    seconds = time.perf_counter() - t
    doc = json.loads(out.read_text())
    results = {}
    prefix = workdir.name + "/"
    for entry in doc.get("files", []):
        if entry.get("type") != "file":
            continue
        rel = entry["path"][len(prefix) :] if entry["path"].startswith(prefix) else entry["path"]
        exprs = []
        for det in entry.get("license_detections", []) or []:
            for m in det.get("matches", []):
                exprs.append(m.get("license_expression", ""))
        results[rel] = spdx_set([e for e in exprs if e], key_map)
    return seconds, cold, results


def run_askalono(peers: Path, workdir: Path) -> tuple[float, dict[str, frozenset[str]]]:
    proc = subprocess.run(
        [str(peers / "bin" / "python"), "-c", ASKALONO_SNIPPET, str(workdir)],
        check=True,
        capture_output=True,
        text=True,
    )
    doc = json.loads(proc.stdout)
    results = {rel: frozenset(normalise(n)[0] for n in names) for rel, names in doc["results"].items()}
    return doc["seconds"], results


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA)
    parser.add_argument("--sample", type=int, default=0, help="random sample of N cases (0: all)")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--processes", type=int, default=2)
    parser.add_argument(
        "--peers", type=Path, default=Path(os.environ.get("OSPO_PEERS_VENV", "/tmp/lic-core-peers/peers"))
    )
    parser.add_argument("--no-scancode", action="store_true")
    parser.add_argument("--no-askalono", action="store_true")
    parser.add_argument("--show-failures", type=int, default=40)
    parser.add_argument("--json", type=Path, default=None, help="also write the figures here")
    args = parser.parse_args()

    cases = load_cases(args.data)
    if args.sample:
        random.Random(args.seed).shuffle(cases)
        cases = sorted(cases[: args.sample])
    key_map = {k: i.spdx_id for k, i in catalog().by_key.items()}
    expected = {rel: spdx_set(exp, key_map) for rel, exp, _ in cases}
    flagged = {rel for rel, _, doc in cases if doc.get("expected_failure")}

    tmp = Path(tempfile.mkdtemp(prefix="ospo-lic-bench-"))
    work = tmp / "cases"
    for rel, _, _ in cases:
        dest = work / rel
        dest.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(args.data / rel, dest)
    size = sum(p.stat().st_size for p in work.rglob("*") if p.is_file())
    print(f"{len(cases)} labelled files, {size / 2**20:.1f} MiB, {args.processes} processes")

    rows: list[tuple[str, float, float | None, int | None]] = []
    figures: dict[str, object] = {"files": len(cases), "processes": args.processes}
    seconds, ours = run_ours(work, args.processes)
    ok, failing, misses, extras = compare(expected, ours)
    rows.append(("ospo", seconds, None, ok))
    figures["ospo"] = {"seconds": seconds, "exact": ok}
    if not args.no_askalono and (args.peers / "bin" / "python").exists():
        a_seconds, a_res = run_askalono(args.peers, work)
        a_ok = compare(expected, a_res)[0]
        rows.append(("askalono (1 process)", a_seconds, None, a_ok))
        figures["askalono"] = {"seconds": a_seconds, "exact": a_ok}
    if not args.no_scancode and (args.peers / "bin" / "scancode").exists():
        s_seconds, cold, s_res = run_scancode(args.peers, work, args.processes, key_map)
        s_ok = compare(expected, s_res)[0]
        rows.append(("scancode", s_seconds, cold, s_ok))
        figures["scancode"] = {"seconds": s_seconds, "cold_start_seconds": cold, "exact": s_ok}
    n = len(cases)
    print()
    print(f"{'tool':24} {'seconds':>8} {'files/s':>8} {'ospo is x faster':>17} {'exact-match':>12}")
    for name, secs, cold, good in rows:
        ratio = secs / seconds if name != "ospo" else 1.0
        extra = f" (cold start {cold:.1f}s)" if cold else ""
        print(f"{name:24} {secs:8.1f} {n / secs:8.1f} {ratio:17.1f} {100 * (good or 0) / n:11.1f}%{extra}")
    print()
    failing_flagged = sum(1 for f in failing if f in flagged)
    print(
        f"ospo: {ok}/{n} exact ({100 * ok / n:.1f}%); "
        f"of the {len(flagged)} cases flagged expected_failure, {failing_flagged} fail"
    )
    print("most missed (expected, not found):", ", ".join(f"{k} x{v}" for k, v in misses.most_common(15)))
    print(
        "most false positives (found, not expected):",
        ", ".join(f"{k} x{v}" for k, v in extras.most_common(15)),
    )
    for rel in failing[: args.show_failures]:
        print(f"  FAIL {rel}: expected {sorted(expected[rel])} got {sorted(ours.get(rel, frozenset()))}")
    if args.json:
        args.json.write_text(json.dumps(figures, indent=2))
    shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    main()
