"""Copyright extraction: ospo's speed on whole trees, and ospo beside ScanCode on a sample.

Usage (ScanCode from a throwaway venv, see ../shared/PEERS.md):

    PYTHONPATH=src /work/venv/bin/python bench/copyrights/run.py \
        --scancode /tmp/peers/bin/scancode [--sample 300] [--seed 1]

1. files/s of ``extract_copyrights`` (one process, text already decoded) on every file of
   ../shared/data/licenses-dev and on every .py file of the venv's site-packages;
2. a deterministic sample of both sets, copied to a temporary folder, scanned by
   ``scancode --copyright --processes 2`` and by ospo (one process, reading files included),
   both timed wall-clock in this run; the files/s ratio is printed;
3. holders agreement: for each sampled file, the set of holders after normalisation
   (case, punctuation, accents and a leading "the" ignored) is compared; files where either
   tool finds something are counted apart, and typical differences are listed.
"""

from __future__ import annotations

import argparse
import json
import random
import shutil
import subprocess
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

from ospo.licenses.copyright_holders import holder_key
from ospo.licenses.copyrights import extract_copyrights

ROOT = Path(__file__).resolve().parents[2]
DEV = ROOT.parent.parent / "shared" / "data" / "licenses-dev"
SITE = Path(sys.prefix) / "lib" / f"python{sys.version_info[0]}.{sys.version_info[1]}"
SITE = SITE / "site-packages"


def dev_files() -> list[Path]:
    return sorted(p for p in DEV.rglob("*") if p.is_file() and not p.name.endswith(".yml"))


def site_files() -> list[Path]:
    return sorted(p for p in SITE.rglob("*.py") if p.is_file())


def read(path: Path) -> str:
    return path.read_bytes().decode("utf-8", errors="replace")


def throughput(files: list[Path]) -> tuple[int, float, int]:
    texts = [(str(p), read(p)) for p in files]
    started = time.perf_counter()
    found = sum(len(extract_copyrights(path, text)) for path, text in texts)
    return len(texts), time.perf_counter() - started, found


def ospo_holders(folder: Path, names: list[str]) -> tuple[dict[str, set[str]], float]:
    started = time.perf_counter()
    result: dict[str, set[str]] = {}
    for name in names:
        found = extract_copyrights(name, read(folder / name))
        result[name] = {holder_key(c.holder) for c in found if c.kind == "copyright" and c.holder}
    return result, time.perf_counter() - started


def scancode_holders(scancode: str, folder: Path, names: list[str]) -> tuple[dict[str, set[str]], float]:
    out = folder.parent / "scancode.json"
    started = time.perf_counter()
    subprocess.run(
        [scancode, "--copyright", "--processes", "2", "--quiet", "--json", str(out), str(folder)],
        check=True,
        stdout=subprocess.DEVNULL,
    )
    elapsed = time.perf_counter() - started
    data = json.loads(out.read_text())
    result: dict[str, set[str]] = {name: set() for name in names}
    prefix = folder.name + "/"
    for entry in data["files"]:
        if entry["type"] != "file":
            continue
        name = entry["path"].removeprefix(prefix)
        result[name] = {holder_key(h["holder"]) for h in entry.get("holders", [])}
    return result, elapsed


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--scancode", help="path to the scancode executable")
    parser.add_argument("--sample", type=int, default=300)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--show", type=int, default=25, help="differences listed per side")
    args = parser.parse_args()

    dev, site = dev_files(), site_files()
    for label, files in (("licenses-dev (all files)", dev), ("site-packages (*.py)", site)):
        count, seconds, found = throughput(files)
        print(f"ospo {label}: {count} files, {found} findings, {seconds:.2f} s, {count / seconds:.0f} files/s")
    if not args.scancode:
        return

    rng = random.Random(args.seed)
    half = args.sample // 2
    sample = rng.sample(dev, min(half, len(dev))) + rng.sample(site, min(half, len(site)))
    with tempfile.TemporaryDirectory() as temporary:
        folder = Path(temporary) / "sample"
        names: list[str] = []
        origin: dict[str, Path] = {}
        for number, path in enumerate(sample):
            name = f"{number:04d}_{path.name}"
            (folder).mkdir(exist_ok=True)
            shutil.copyfile(path, folder / name)
            names.append(name)
            origin[name] = path
        ours, our_seconds = ospo_holders(folder, names)
        theirs, their_seconds = scancode_holders(args.scancode, folder, names)

    print(f"\nsample: {len(names)} files ({half} licenses-dev, {len(names) - half} site-packages)")
    print(f"ospo     {our_seconds:7.2f} s  {len(names) / our_seconds:8.1f} files/s (1 process)")
    print(
        f"scancode {their_seconds:7.2f} s  {len(names) / their_seconds:8.1f} files/s "
        "(2 processes, wall clock incl. start-up)"
    )
    print(f"speed ratio ospo/scancode: {their_seconds / our_seconds:.0f}x")

    same = sum(ours[n] == theirs[n] for n in names)
    with_any = [n for n in names if ours[n] or theirs[n]]
    same_any = sum(ours[n] == theirs[n] for n in with_any)
    print(
        f"\nholder sets equal: {same}/{len(names)} files "
        f"({same_any}/{len(with_any)} among files where either tool found a holder)"
    )
    only_ours: Counter[str] = Counter()
    only_theirs: Counter[str] = Counter()
    ours_total = sum(len(ours[n]) for n in names)
    theirs_total = sum(len(theirs[n]) for n in names)
    shared = sum(len(ours[n] & theirs[n]) for n in names)
    for n in with_any:
        only_ours.update(f"{origin[n]}: {h}" for h in ours[n] - theirs[n])
        only_theirs.update(f"{origin[n]}: {h}" for h in theirs[n] - ours[n])
    print(f"holders: ospo {ours_total}, scancode {theirs_total}, shared {shared}")
    print(f"\nonly ospo ({len(only_ours)}), first {args.show}:")
    for item in sorted(only_ours)[: args.show]:
        print("  ", item[:200])
    print(f"\nonly scancode ({len(only_theirs)}), first {args.show}:")
    for item in sorted(only_theirs)[: args.show]:
        print("  ", item[:200])


if __name__ == "__main__":
    main()
