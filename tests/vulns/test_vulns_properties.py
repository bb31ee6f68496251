"""Property tests: every ecosystem's order is total, parsing fails only with InvalidVersion,
and range evaluation survives any garbage an advisory can contain."""

from __future__ import annotations

import contextlib
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from ospo.vulns.ranges import compile_affected, fixed_versions, is_affected, unsupported_ranges
from ospo.vulns.versions import InvalidVersion, compare, sort_key

_SEMVER = r"[0-9]{1,2}\.[0-9]{1,2}\.[0-9]{1,2}(-[0-9A-Za-z-]{1,4}(\.[0-9A-Za-z-]{1,4}){0,2})?(\+[0-9a-z]{1,3})?"
GRAMMARS: dict[str, str] = {
    "PyPI": (
        r"v?([0-9]!)?[0-9]{1,3}(\.[0-9]{1,3}){0,3}((a|b|rc|c|alpha|beta|pre|preview)[0-9]{0,2})?"
        r"(\.post[0-9]{1,2}|-[0-9])?(\.dev[0-9]{1,2})?(\+[a-z0-9]{1,3}(\.[a-z0-9]{1,3})?)?"
        r"|[0-9a-z.-]{1,8}"
    ),
    "npm": _SEMVER,
    "crates.io": _SEMVER,
    "Hex": _SEMVER,
    "Pub": _SEMVER,
    "Go": (
        r"v[0-9]{1,2}\.[0-9]{1,2}\.[0-9]{1,2}"
        r"(-(0\.)?20[0-9]{12}-[0-9a-f]{12}|-rc\.[0-9])?(\+incompatible)?"
    ),
    "Maven": (r"[0-9]{1,2}([.-]?([0-9]{1,2}|alpha|beta|a1|b2|m3|rc|cr|snapshot|ga|final|release|sp|foo|jre|0|)){0,5}"),
    "RubyGems": r"[0-9]{1,2}(\.([0-9]{1,2}|[a-zA-Z]{1,3})){0,4}(-[0-9a-z]{1,3})?",
    "NuGet": r"[0-9]{1,2}(\.[0-9]{1,2}){0,3}(-[0-9A-Za-z]{1,4}(\.[0-9A-Za-z]{1,3}){0,2})?(\+[a-z0-9]{1,3})?",
    "Packagist": (
        r"v?[0-9]{1,2}(\.[0-9]{1,2}){0,3}"
        r"([-.]?(dev|alpha|a|beta|b|RC|rc|patch|pl|p|stable)[0-9]{0,2})?(-dev)?"
    ),
    "Debian": r"([0-9]:)?[0-9]{1,2}(\.[0-9a-z~+]{1,3}){0,3}(-[0-9a-z.~+]{1,4})?",
    "Red Hat": r"[0-9]{1,2}(\.[0-9a-z~^]{1,3}){0,3}(-[0-9a-z.]{1,4})?",
    "Alpine": r"[0-9]{1,2}(\.[0-9]{1,2}){0,3}[a-z]?(_(alpha|beta|pre|rc|p)[0-9]?)?(-r[0-9])?",
    "Hackage": r"[0-9a-zA-Z.~+_-]{1,10}",
}


def _version(ecosystem: str) -> st.SearchStrategy[str]:
    return st.from_regex(GRAMMARS[ecosystem], fullmatch=True) | st.text(max_size=12)


def _key_or_none(ecosystem: str, version: str) -> Any:
    try:
        return sort_key(ecosystem, version)
    except InvalidVersion:
        return None


@st.composite
def _triples(draw: st.DrawFn) -> tuple[str, list[str]]:
    ecosystem = draw(st.sampled_from(sorted(GRAMMARS)))
    return ecosystem, [draw(_version(ecosystem)) for _ in range(3)]


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(_triples())
def test_order_is_total_antisymmetric_and_transitive(case: tuple[str, list[str]]) -> None:
    ecosystem, versions = case
    valid = [v for v in versions if _key_or_none(ecosystem, v) is not None]
    for a in valid:
        assert compare(ecosystem, a, a) == 0
        for b in valid:
            assert compare(ecosystem, a, b) == -compare(ecosystem, b, a)
            for c in valid:
                if compare(ecosystem, a, b) <= 0 and compare(ecosystem, b, c) <= 0:
                    assert compare(ecosystem, a, c) <= 0
    keys = [sort_key(ecosystem, v) for v in valid]
    assert sorted(keys) == sorted(reversed(keys))
    for key in keys:
        hash(key)


@settings(max_examples=300, deadline=None)
@given(st.sampled_from(sorted(GRAMMARS)), st.text(max_size=40) | st.binary(max_size=20).map(repr))
def test_sort_key_raises_only_invalid_version(ecosystem: str, text: str) -> None:
    with contextlib.suppress(InvalidVersion):
        sort_key(ecosystem, text)


_JSON = st.recursive(
    st.none() | st.booleans() | st.integers() | st.text(max_size=6),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=6), inner, max_size=4),
    max_leaves=12,
)


@st.composite
def _affected(draw: st.DrawFn) -> tuple[str, Any]:
    ecosystem = draw(st.sampled_from(sorted(GRAMMARS)))
    value = _version(ecosystem) | st.just("0") | st.just("*") | _JSON
    event = st.dictionaries(st.sampled_from(["introduced", "fixed", "last_affected", "limit", "x"]), value, max_size=2)
    rng = st.fixed_dictionaries(
        {
            "type": st.sampled_from(["ECOSYSTEM", "SEMVER", "GIT", "?"]) | _JSON,
            "events": st.lists(event | _JSON, max_size=6),
        }
    )
    entry = st.fixed_dictionaries(
        {"ranges": st.lists(rng | _JSON, max_size=3), "versions": st.lists(value, max_size=4)}
    )
    return ecosystem, draw(entry | _JSON)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(_affected(), st.data())
def test_range_evaluation_never_raises_on_garbage(case: tuple[str, Any], data: st.DataObject) -> None:
    ecosystem, affected = case
    version = data.draw(_version(ecosystem))
    compiled = compile_affected(ecosystem, affected)
    unsupported_ranges(affected)
    fixed_versions(ecosystem, affected)
    key = _key_or_none(ecosystem, version)
    if key is not None:
        assert compiled.contains(key) == is_affected(ecosystem, version, affected)
    else:
        with contextlib.suppress(InvalidVersion):
            is_affected(ecosystem, version, affected)
