"""declared_ranges: node-semver and PEP 440 / Poetry semantics, and agreement with univers
on the simple ranges univers reads correctly."""

from __future__ import annotations

import json
import random
import shutil
import subprocess
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from packaging.specifiers import SpecifierSet
from univers.version_range import NpmVersionRange, PypiVersionRange
from univers.versions import PypiVersion, SemverVersion

from ospo.inventory.declared_ranges import satisfies

SETTINGS = settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])

# (range, version, expected) from node-semver's documented desugaring rules.
NPM_CASES: list[tuple[str, str, bool]] = [
    # caret
    ("^1.2.3", "1.2.3", True),
    ("^1.2.3", "1.9.0", True),
    ("^1.2.3", "2.0.0", False),
    ("^1.2.3", "1.2.2", False),
    ("^0.2.3", "0.2.9", True),
    ("^0.2.3", "0.3.0", False),
    ("^0.0.3", "0.0.3", True),
    ("^0.0.3", "0.0.4", False),
    ("^1.2.x", "1.9.9", True),
    ("^0.0.x", "0.0.9", True),
    ("^0.0.x", "0.1.0", False),
    ("^0.0", "0.0.5", True),
    ("^0.x", "0.9.0", True),
    ("^0.x", "1.0.0", False),
    ("^1", "1.5.0", True),
    ("^29", "27.5.1", False),
    ("^29", "29.7.0", True),
    # tilde
    ("~1.2.3", "1.2.9", True),
    ("~1.2.3", "1.3.0", False),
    ("~1.2", "1.2.0", True),
    ("~1", "1.9.0", True),
    ("~1", "2.0.0", False),
    ("~0.2.3", "0.2.4", True),
    ("~> 1.2.3", "1.2.7", True),
    ("~ 1.2.3", "1.3.0", False),
    # x-ranges and partials
    ("*", "3.1.4", True),
    ("", "3.1.4", True),
    ("x", "0.0.0", True),
    ("1.x", "1.99.0", True),
    ("1.x", "2.0.0", False),
    ("1.2.*", "1.2.5", True),
    ("1.2.*", "1.3.0", False),
    ("1", "1.4.0", True),
    ("1.2", "1.2.9", True),
    (">1", "1.9.9", False),
    (">1", "2.0.0", True),
    (">1.2", "1.3.0", True),
    ("<=1.2", "1.2.9", True),
    ("<=1.2", "1.3.0", False),
    ("<1.2", "1.1.9", True),
    ("<1.2", "1.2.0", False),
    (">=1.2", "1.2.0", True),
    (">*", "1.0.0", False),
    ("<*", "1.0.0", False),
    (">=*", "1.0.0", True),
    # hyphen ranges
    ("1.2.3 - 2.3.4", "2.3.4", True),
    ("1.2.3 - 2.3.4", "2.3.5", False),
    ("1.2 - 2.3.4", "1.2.0", True),
    ("1.2.3 - 2.3", "2.3.9", True),
    ("1.2.3 - 2.3", "2.4.0", False),
    ("1.2.3 - 2", "2.9.9", True),
    ("1.2.3 - 2", "3.0.0", False),
    ("* - 2", "0.0.1", True),
    # comparators, AND, OR, loose prefixes
    (">=1.2.7", "1.2.7", True),
    (">=1.2.7 <1.3.0", "1.2.8", True),
    (">=1.2.7 <1.3.0", "1.3.0", False),
    (">= 1.2.7 < 1.3.0", "1.2.9", True),
    ("1.2.7 || >=1.2.9 <2.0.0", "1.2.8", False),
    ("1.2.7 || >=1.2.9 <2.0.0", "1.2.7", True),
    ("1.2.7 || >=1.2.9 <2.0.0", "1.4.6", True),
    ("=1.2.3", "1.2.3", True),
    ("v1.2.3", "1.2.3", True),
    ("=v1.2.3", "1.2.3+build.5", True),
    (">1.2.3", "v1.2.4", True),
    ("<1.2.3", "1.2.3", False),
    ("<=1.2.3", "1.2.3", True),
    # pre-releases: only when a comparator names a pre-release of the same M.m.p
    (">1.2.3-alpha.3", "1.2.3-alpha.7", True),
    (">1.2.3-alpha.3", "3.4.5-alpha.9", False),
    (">1.2.3-alpha.3", "3.4.5", True),
    ("^1.2.3", "1.5.0-beta", False),
    ("^1.2.3-beta.2", "1.2.3-beta.4", True),
    ("^1.2.3-beta.2", "1.2.4-beta.2", False),
    ("~1.2.3-beta.2", "1.2.3-beta.10", True),
    ("*", "1.0.0-rc.1", False),
    (">=1.0.0-rc.1", "1.0.0-rc.1", True),
    (">=1.0.0-rc.1", "1.0.0-rc.0", False),
    (">=1.0.0-alpha", "1.0.0-alpha.1", True),
    (">=1.0.0-alpha.beta", "1.0.0-alpha.1", False),
    (">=1.0.0-2", "1.0.0-10", True),
    ("<2.0.0", "2.0.0-rc.1", False),
    ("1.2.3-beta - 1.2.3", "1.2.3-rc", True),
]

NPM_UNJUDGEABLE = [
    "1.x.3",
    "x.1",
    ">=*.1",
    "latest",
    "workspace:*",
    "file:../x",
    "github:a/b",
    "https://x.test/a.tgz",
    "1.2.3 >",
    ">=1.2.3 <",
]


@pytest.mark.parametrize(("declared", "version", "expected"), NPM_CASES)
def test_npm_node_semver_semantics(declared: str, version: str, expected: bool) -> None:
    assert satisfies("npm", version, declared) is expected


@pytest.mark.parametrize("declared", NPM_UNJUDGEABLE)
def test_npm_ranges_outside_the_grammar_are_not_judged(declared: str) -> None:
    assert satisfies("npm", "1.2.3", declared) is None


@pytest.mark.parametrize("version", ["1.2", "latest", "1.2.3.4", ""])
def test_npm_pins_that_are_not_semver_are_not_judged(version: str) -> None:
    assert satisfies("npm", version, "^1.0.0") is None


PYPI_CASES: list[tuple[str, str, bool]] = [
    # PEP 440 comparison operators
    (">=1.0", "1.0", True),
    (">=1.0", "0.9", False),
    (">=1.0,<2", "1.9.9", True),
    (">=1.0,<2", "2.0", False),
    (">= 1.0 , < 2", "1.5", True),
    ("<=2.0", "2.0.0", True),
    ("<=2.0", "2.0.post1", False),
    ("<=2.0", "2.0+local", True),
    ("<2.0", "2.0rc1", False),
    ("<2.0rc2", "2.0rc1", True),
    ("<2.0", "1.9.dev0", True),
    (">1.7", "1.7.1", True),
    (">1.7", "1.7.post1", False),
    (">1.7.post1", "1.7.post2", True),
    (">1.7", "1.7+local", False),
    ("==1.0", "1.0.0", True),
    ("==1.0", "1.0+cpu", True),
    ("==1.0+cpu", "1.0", False),
    ("==1.0+cpu", "1.0+cpu", True),
    ("!=1.0", "1.0.0", False),
    ("!=1.0", "1.0.1", True),
    ("==1.1.*", "1.1.0", True),
    ("==1.1.*", "1.1", True),
    ("==1.1.*", "1.1rc1", True),
    ("==1.1.*", "1.10", False),
    ("==1.*", "1", True),
    ("==1.0.0.*", "1", True),
    ("!=1.1.*", "1.1.5", False),
    ("!=1.1.*", "1.2", True),
    ("==1!2.*", "2.0", False),
    ("==1!2.*", "1!2.0", True),
    ("~=2.2", "2.3", True),
    ("~=2.2", "3.0", False),
    ("~=2.2", "2.1", False),
    ("~=1.4.5", "1.4.9", True),
    ("~=1.4.5", "1.5.0", False),
    ("~=2.2.post3", "2.2.post4", True),
    ("===1.0.foo", "1.0.foo", True),
    ("===1.0", "1.0.0", False),
    ("v>=1.0", "1.0", None),  # not a specifier at all: must say it cannot judge
    # a pinned pre-release counts when it is in range (we judge a lockfile pin)
    (">=1.0", "1.5b1", True),
    (">=5", "5.1a1", True),
    (">=5", "4.2.13", False),
    # Poetry
    ("^1.2.3", "1.9", True),
    ("^1.2.3", "2.0", False),
    ("^1.2", "1.2.0", True),
    ("^1", "1.99", True),
    ("^0.2.3", "0.2.9", True),
    ("^0.2.3", "0.3.0", False),
    ("^0.0.3", "0.0.4", False),
    ("^0.0", "0.0.9", True),
    ("^0.0", "0.1.0", False),
    ("^0", "0.9", True),
    ("^0", "1.0", False),
    ("^3.2", "4.0a1", False),
    ("^3.2", "3.9.post1", True),
    ("~1.2.3", "1.2.9", True),
    ("~1.2.3", "1.3", False),
    ("~1.2", "1.2.0", True),
    ("~1", "1.9", True),
    ("~1", "2.0", False),
    ("1.2.*", "1.2.7", True),
    ("1.2.*", "1.3", False),
    ("1.2.3", "1.2.3", True),
    ("1.2.3", "1.2.4", False),
    ("*", "0.0.1", True),
    ("=1.2", "1.2.0", True),
    (">=1.2 <1.5", "1.4", True),
    (">=1.2 <1.5", "1.5", False),
    ("^1.2 || ^3.0", "3.4", True),
    ("^1.2 | ^3.0", "2.0", False),
]

PYPI_UNJUDGEABLE = [
    ">=1.0;python_version<'3.8'",
    "==1.0.*.*",
    ">=1.*",
    "~=1",
    ">=",
    ">=1.0,,<2",
    "@ https://x.test/a.whl",
    "latest",
]


@pytest.mark.parametrize(("declared", "version", "expected"), PYPI_CASES)
def test_pypi_pep440_and_poetry_semantics(declared: str, version: str, expected: bool | None) -> None:
    assert satisfies("pypi", version, declared) is expected


@pytest.mark.parametrize("declared", PYPI_UNJUDGEABLE)
def test_pypi_ranges_outside_the_grammar_are_not_judged(declared: str) -> None:
    assert satisfies("pypi", "1.0", declared) is None


def test_unparseable_pypi_pin_and_other_ecosystems_are_not_judged() -> None:
    assert satisfies("pypi", "not a version", ">=1") is None
    assert satisfies("cargo", "1.2.3", "^1") is None
    assert satisfies("gem", "1.2.3", "~> 1.2") is None


# --- agreement with univers --------------------------------------------------------------

parts = st.integers(min_value=0, max_value=4)
triples = st.tuples(parts, parts, parts)


def dotted(v: tuple[int, ...]) -> str:
    return ".".join(map(str, v))


@st.composite
def npm_simple_range(draw: st.DrawFn) -> str:
    """Ranges univers reads correctly: one caret, tilde, exact or `>=a <b` (a < b)
    alternative per major, alternatives in increasing, disjoint majors."""
    majors = sorted(draw(st.sets(parts, min_size=1, max_size=3)))
    alternatives = []
    for major in majors:
        minor, patch = draw(parts), draw(parts)
        kind = draw(st.sampled_from(["^", "~", "=", "", "bounds"]))
        if kind == "bounds":
            alternatives.append(f">={major}.{minor}.{patch} <{major}.{minor + draw(parts) + 1}.0")
        elif kind == "^" and major == 0:
            alternatives.append(f"^0.{minor}.{patch}" if len(majors) == 1 else f"{major}.{minor}.{patch}")
        else:
            alternatives.append(f"{kind}{major}.{minor}.{patch}")
    return " || ".join(alternatives)


@SETTINGS
@given(npm_simple_range(), triples)
def test_npm_agrees_with_univers_on_simple_ranges(declared: str, version: tuple[int, int, int]) -> None:
    pin = dotted(version)
    assert satisfies("npm", pin, declared) is (SemverVersion(pin) in NpmVersionRange.from_native(declared))


def test_npm_bare_major_is_an_x_range_where_univers_reads_an_exact_version() -> None:
    """univers reads `7` as `=7.0.0`; node-semver (and npm) read it as `7.x` (`>=7.0.0
    <8.0.0-0`). Seen in the fixtures with the pin 7.29.13."""
    assert satisfies("npm", "7.29.13", "7") is True
    assert (SemverVersion("7.29.13") in NpmVersionRange.from_native("7")) is False


def test_npm_prerelease_under_caret_where_univers_admits_it() -> None:
    """univers desugars `^1.2.3` to `>=1.2.3 <2.0.0` without node-semver's pre-release rule,
    so it admits `1.5.0-beta`; npm does not install it for that range."""
    assert satisfies("npm", "1.5.0-beta", "^1.2.3") is False
    assert (SemverVersion("1.5.0-beta") in NpmVersionRange.from_native("^1.2.3")) is True


releases = st.lists(parts, min_size=1, max_size=3).map(tuple)


@st.composite
def pypi_simple_range(draw: st.DrawFn) -> str:
    """Specifier sets univers reads correctly: one comparison, or `>=a,<b` with a < b, each
    optionally with a `!=` between."""
    low = draw(releases)
    operator = draw(st.sampled_from(["==", "!=", "<", "<=", ">", ">=", "bounds"]))
    if operator != "bounds":
        return f"{operator}{dotted(low)}"
    high = (low[0] + 1 + draw(parts),)
    excluded = draw(st.one_of(st.none(), st.just((low[0], draw(parts)))))
    middle = f",!={dotted(excluded)}" if excluded else ""
    return f">={dotted(low)}{middle},<{dotted(high)}"


@SETTINGS
@given(pypi_simple_range(), releases)
def test_pypi_agrees_with_univers_on_simple_ranges(declared: str, version: tuple[int, ...]) -> None:
    pin = dotted(version)
    assert satisfies("pypi", pin, declared) is (PypiVersion(pin) in PypiVersionRange.from_native(declared))


def test_pypi_post_release_above_where_univers_admits_it() -> None:
    """PEP 440: `>1.7` must not admit `1.7.post1`; univers compares plainly and admits it."""
    assert satisfies("pypi", "1.7.post1", ">1.7") is False
    assert (PypiVersion("1.7.post1") in PypiVersionRange.from_native(">1.7")) is True


@SETTINGS
@given(st.text(max_size=30), st.text(max_size=12))
def test_any_text_is_judged_or_declined_never_raises(declared: str, version: str) -> None:
    for ecosystem in ("npm", "pypi"):
        assert satisfies(ecosystem, version, declared) in (True, False, None)


# --- agreement with the reference implementations ----------------------------------------

NODE_SEMVER = Path("/usr/lib/node_modules/npm/node_modules/semver")


def _random_npm_cases(count: int) -> list[tuple[str, str]]:
    rng = random.Random(20240607)

    def partial() -> str:
        size = rng.randint(1, 3)
        text = ".".join(rng.choice(["0", "1", "2", "3", "x", "*"]) for _ in range(size))
        if size == 3 and text.replace(".", "").isdigit() and rng.random() < 0.3:
            text += "-" + rng.choice(["alpha", "beta.1", "0", "rc.2"])
        return text

    def one_range() -> str:
        alternatives = []
        for _ in range(rng.randint(1, 2)):
            if rng.random() < 0.2:
                alternatives.append(f"{partial()} - {partial()}")
            else:
                ops = ["^", "~", "", "=", ">", ">=", "<", "<=", "~>"]
                alternatives.append(" ".join(rng.choice(ops) + partial() for _ in range(rng.randint(1, 2))))
        return " || ".join(alternatives)

    def version() -> str:
        text = ".".join(str(rng.randint(0, 3)) for _ in range(3))
        return text + ("-" + rng.choice(["alpha", "beta.1", "0", "rc.2"]) if rng.random() < 0.3 else "")

    return [(one_range(), version()) for _ in range(count)]


@pytest.mark.skipif(shutil.which("node") is None or not NODE_SEMVER.is_dir(), reason="needs node and npm's semver")
def test_npm_agrees_with_node_semver() -> None:
    """node-semver itself is the reference: wherever it accepts the range we must either
    agree or decline, and we must decline every range it rejects."""
    cases = [(declared, version) for declared, version, _ in NPM_CASES] + _random_npm_cases(3000)
    script = (
        f"const s=require({json.dumps(str(NODE_SEMVER))});"
        "const c=JSON.parse(require('fs').readFileSync(0,'utf8'));"
        "console.log(JSON.stringify(c.map(([r,v])=>{let R;try{R=new s.Range(r)}catch(e){return null};return R.test(v)})))"
    )
    run = subprocess.run(["node", "-e", script], input=json.dumps(cases), capture_output=True, text=True, check=True)
    reference: list[bool | None] = json.loads(run.stdout)
    wrong = []
    for (declared, version), expected in zip(cases, reference, strict=True):
        ours = satisfies("npm", version, declared)
        if (expected is None and ours is not None) or (ours is not None and ours is not expected):
            wrong.append((declared, version, ours, expected))
    assert wrong == []
    judged = sum(1 for declared, version in cases if satisfies("npm", version, declared) is not None)
    assert judged > len(cases) // 2  # declining everything would also pass the loop above


pep440_versions = st.builds(
    lambda release, pre, post, dev, local: dotted(release) + pre + post + dev + local,
    releases,
    st.sampled_from(["", "a1", "b2", "rc1"]),
    st.sampled_from(["", ".post1"]),
    st.sampled_from(["", ".dev0"]),
    st.sampled_from(["", "+local"]),
)


@st.composite
def pep440_specifier_sets(draw: st.DrawFn) -> str:
    clauses = []
    for _ in range(draw(st.integers(min_value=1, max_value=3))):
        operator = draw(st.sampled_from(["==", "!=", "<", "<=", ">", ">=", "~=", "==*", "!=*"]))
        if operator.endswith("*"):
            clauses.append(f"{operator[:-1]}{dotted(draw(releases))}.*")
        elif operator == "~=":
            clauses.append(f"~={dotted(draw(releases))}.{draw(parts)}")
        else:
            version = draw(pep440_versions)
            if operator not in ("==", "!="):
                version = version.split("+")[0]  # PEP 440 allows a local label only with == and !=
            clauses.append(operator + version)
    return ",".join(clauses)


@SETTINGS
@given(pep440_specifier_sets(), pep440_versions)
def test_pypi_agrees_with_packaging_specifiers(declared: str, version: str) -> None:
    """packaging.specifiers is the PEP 440 reference (kept out of the collector only for its
    import cost); pre-releases count, since we judge a pin the lockfile already holds."""
    expected = SpecifierSet(declared).contains(version, prereleases=True)
    assert satisfies("pypi", version, declared) is expected
