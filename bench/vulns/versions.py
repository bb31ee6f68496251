"""Measure our version orderings against univers: correctness on the tricky-case table and speed.

Correctness: every ordered pair and every equal pair of tests/fixtures/vulns/version_order.yaml,
judged with univers' class for the ecosystem and with ours; plus how many of the strings the
ecosystem rejects each accepts. Speed, on a realistic mix of each ecosystem's versions:
parses per second (string to comparable object) and comparisons per second between
already-parsed objects (what range matching does after compiling).

Rates are the best of three runs in CPU time of this process (the machine is shared).

Run: PYTHONPATH=src python bench/vulns/versions.py   (prints a Markdown table)
"""

from __future__ import annotations

import itertools
import random
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import yaml
from univers import versions as uv

from ospo.vulns.versions import InvalidVersion, key_function

TABLE = Path(__file__).resolve().parents[2] / "tests" / "fixtures" / "vulns" / "version_order.yaml"

UNIVERS: dict[str, type[uv.Version]] = {
    "PyPI": uv.PypiVersion,
    "npm": uv.SemverVersion,
    "crates.io": uv.SemverVersion,
    "Hex": uv.SemverVersion,
    "Pub": uv.SemverVersion,
    "Go": uv.GolangVersion,
    "Maven": uv.MavenVersion,
    "RubyGems": uv.RubygemsVersion,
    "NuGet": uv.NugetVersion,
    "Packagist": uv.ComposerVersion,
    "Debian": uv.DebianVersion,
    "Red Hat": uv.RpmVersion,
    "Alpine": uv.AlpineLinuxVersion,
    "Ubuntu": uv.DebianVersion,
}


def load_table() -> dict[str, Any]:
    with TABLE.open(encoding="utf-8") as handle:
        table: dict[str, Any] = yaml.load(handle, Loader=yaml.BaseLoader)  # every scalar a str
    return table


def pairs(chains: list[list[Any]]) -> tuple[list[tuple[str, str]], list[tuple[str, str]]]:
    """(a < b pairs, a == b pairs) implied by the chains."""
    less, equal = [], []
    for chain in chains:
        groups = [g if isinstance(g, list) else [g] for g in chain]
        for group in groups:
            equal.extend(itertools.combinations(group, 2))
        for a_group, b_group in itertools.combinations(groups, 2):
            less.extend((a, b) for a in a_group for b in b_group)
    return less, equal


def judge(parse: Callable[[str], Any], less: list[tuple[str, str]], equal: list[tuple[str, str]]) -> dict[str, Any]:
    right = wrong = failed = 0
    wrong_examples: list[str] = []
    for kind, items in (("<", less), ("=", equal)):
        for a, b in items:
            try:
                ka, kb = parse(a), parse(b)
                if kind == "<":
                    ok = ka < kb and not kb < ka and ka != kb and kb > ka
                else:
                    ok = not ka < kb and not kb < ka and ka == kb
            except Exception:
                failed += 1
                if len(wrong_examples) < 4:
                    wrong_examples.append(f"{a} {kind} {b}: rejected")
                continue
            if ok:
                right += 1
            else:
                wrong += 1
                if len(wrong_examples) < 4:
                    wrong_examples.append(f"{a} {kind} {b}")
    return {"right": right, "wrong": wrong, "failed": failed, "examples": wrong_examples}


def accepted(parse: Callable[[str], Any], invalid: list[str]) -> int:
    count = 0
    for text in invalid:
        try:
            parse(text)
            count += 1
        except Exception:
            continue
    return count


def sample_versions(ecosystem: str, table: dict[str, Any], n: int = 2000) -> list[str]:
    """Valid versions: the table's, plus generated ones in the ecosystem's usual shape."""
    rng = random.Random(42)
    base = [v for chain in table[ecosystem]["chains"] for g in chain for v in (g if isinstance(g, list) else [g])]
    suffix = {
        "PyPI": ["", "", "", "rc1", "a2", ".post1", ".dev3"],
        "Maven": ["", "", "-SNAPSHOT", ".Final", "-rc1", "-beta-2", ".RELEASE"],
        "RubyGems": ["", "", ".rc1", ".beta2", ".1"],
        "NuGet": ["", "", "-preview.1", "-rc.2", ".1"],
        "Packagist": ["", "", "-RC1", "-beta2", "-p1"],
        "Debian": ["-1", "-2", "-1+deb11u1", "~rc1-1"],
        "Red Hat": ["-1.el8", "-2.el9"],
        "Alpine": ["-r0", "-r1", "_rc1-r0"],
    }.get(ecosystem, ["", "", "", "-rc.1", "-beta.2", "+build.7"])
    prefix = "v" if ecosystem == "Go" else ""
    generated = [
        f"{prefix}{rng.randint(0, 30)}.{rng.randint(0, 30)}.{rng.randint(0, 30)}{rng.choice(suffix)}" for _ in range(n)
    ]
    return [str(v) for v in base] + generated


def speed(parse: Callable[[str], Any], versions: list[str]) -> tuple[float, float]:
    """(parses per second, comparisons per second) on the given versions."""
    good = []
    for v in versions:
        try:
            parse(v)
            good.append(v)
        except Exception:
            continue
    parse_seconds = []
    for _ in range(3):
        start = time.process_time()
        objects = [parse(v) for v in good]
        parse_seconds.append(time.process_time() - start)
    parse_rate = len(good) / min(parse_seconds)
    rng = random.Random(7)
    idx = [(rng.randrange(len(objects)), rng.randrange(len(objects))) for _ in range(20000)]
    pairs_ = [(objects[i], objects[j]) for i, j in idx]
    compare_seconds = []
    for _ in range(3):
        start = time.process_time()
        for a, b in pairs_:
            a < b  # noqa: B015 - the comparison is what is timed
        compare_seconds.append(time.process_time() - start)
    compare_rate = len(pairs_) / min(compare_seconds)
    return parse_rate, compare_rate


def main() -> int:
    table = load_table()
    print(
        "| ecosystem | pairs | ours right/wrong/rejected | univers right/wrong/rejected "
        "| invalid accepted ours/univers | parses/s ours / univers | compares/s ours / univers |"
    )
    print("|---|---|---|---|---|---|---|")
    notes = []
    for ecosystem, spec in table.items():
        less, equal = pairs(spec["chains"])
        ours_key = key_function(ecosystem)

        def ours(v: str, k: Callable[[str], Any] = ours_key) -> Any:
            return k(v)

        cls = UNIVERS[ecosystem]

        def theirs(v: str, c: type[uv.Version] = cls) -> Any:
            return c(v)

        mine = judge(ours, less, equal)
        univ = judge(theirs, less, equal)
        invalid = [str(v) for v in spec.get("invalid", [])]
        versions = sample_versions(ecosystem, table)
        our_parse, our_cmp = speed(ours, versions)
        uni_parse, uni_cmp = speed(theirs, versions)
        print(
            f"| {ecosystem} | {len(less) + len(equal)} "
            f"| {mine['right']}/{mine['wrong']}/{mine['failed']} "
            f"| {univ['right']}/{univ['wrong']}/{univ['failed']} "
            f"| {accepted(ours, invalid)}/{accepted(theirs, invalid)} of {len(invalid)} "
            f"| {our_parse:,.0f} / {uni_parse:,.0f} ({our_parse / uni_parse:.1f}x) "
            f"| {our_cmp:,.0f} / {uni_cmp:,.0f} ({our_cmp / uni_cmp:.1f}x) |"
        )
        if univ["examples"]:
            notes.append(f"- univers {ecosystem}: " + "; ".join(univ["examples"]))
        if mine["examples"]:
            notes.append(f"- ours {ecosystem}: " + "; ".join(mine["examples"]))
    print()
    print("\n".join(notes))
    _ = InvalidVersion
    return 0


if __name__ == "__main__":
    sys.exit(main())
