"""Version ordering per ecosystem, as OSV spells ecosystems.

``sort_key(ecosystem, version)`` returns a tuple whose natural order is the ecosystem's
version order (so keys can be sorted, bisected and compared in C), or raises
``InvalidVersion``. One module per ordering family; this module maps OSV ecosystem names
(and purl types) to them. Which orderings are our own and which come from ``univers`` was
decided by measurement: see bench/vulns/versions.md.
"""

from __future__ import annotations

from functools import lru_cache, partial

from ospo.vulns.versions import dpkg, generic, maven, nuget, packagist, pypi, rubygems, semver
from ospo.vulns.versions.base import InvalidVersion, KeyFunction, SortKey

__all__ = [
    "InvalidVersion",
    "SortKey",
    "canonical_ecosystem",
    "clear_cache",
    "compare",
    "exact",
    "key_function",
    "osv_ecosystem",
    "purl_type",
    "sort_key",
]

_EXACT: dict[str, KeyFunction] = {
    "PyPI": pypi.sort_key,
    "npm": semver.npm_key,
    "crates.io": semver.crates_key,
    "Go": semver.go_key,
    "Hex": semver.hex_key,
    "Pub": semver.pub_key,
    "Maven": maven.sort_key,
    "RubyGems": rubygems.sort_key,
    "NuGet": nuget.sort_key,
    "Packagist": packagist.sort_key,
    "Debian": dpkg.sort_key,
    "Ubuntu": partial(dpkg.sort_key, ecosystem="Ubuntu"),
}

# Other Linux distributions: ordered by univers (imported lazily: it is slow to import).
_DISTRO_FAMILY = {
    "Alpine": "alpine",
    "Wolfi": "alpine",
    "Chainguard": "alpine",
    "Red Hat": "rpm",
    "AlmaLinux": "rpm",
    "Rocky Linux": "rpm",
    "openSUSE": "rpm",
    "SUSE": "rpm",
    "Mageia": "rpm",
    "openEuler": "rpm",
}

_PURL_TO_OSV = {
    "pypi": "PyPI",
    "npm": "npm",
    "cargo": "crates.io",
    "golang": "Go",
    "maven": "Maven",
    "gem": "RubyGems",
    "nuget": "NuGet",
    "composer": "Packagist",
    "pub": "Pub",
    "hex": "Hex",
    "swift": "SwiftURL",
    "hackage": "Hackage",
    "cran": "CRAN",
    "conan": "ConanCenter",
    "bitnami": "Bitnami",
    "github": "GitHub Actions",
    "apk": "Alpine",
    "deb": "Debian",
}
_OSV_TO_PURL = {osv: purl for purl, osv in _PURL_TO_OSV.items()}
_BY_LOWER = {name.lower(): name for name in [*_EXACT, *_DISTRO_FAMILY, *_OSV_TO_PURL]}


def canonical_ecosystem(ecosystem: str) -> str:
    """OSV's spelling of an ecosystem name: base name only (``Debian:11`` -> ``Debian``),
    case repaired (``pypi`` -> ``PyPI``) and purl types translated (``cargo`` -> ``crates.io``).
    """
    base = ecosystem.split(":", 1)[0].strip()
    if base in _EXACT or base in _DISTRO_FAMILY:
        return base
    lowered = base.lower()
    if lowered in _PURL_TO_OSV:
        return _PURL_TO_OSV[lowered]
    return _BY_LOWER.get(lowered, base)


def osv_ecosystem(purl_type: str) -> str:
    """The OSV ecosystem for a purl type (``cargo`` -> ``crates.io``); unknown types as given."""
    return _PURL_TO_OSV.get(purl_type.lower(), purl_type)


def purl_type(ecosystem: str) -> str | None:
    """The purl type for an OSV ecosystem (``crates.io`` -> ``cargo``), or None if unknown."""
    return _OSV_TO_PURL.get(canonical_ecosystem(ecosystem))


def exact(ecosystem: str) -> bool:
    """True if the ecosystem has its real ordering here, False if the generic fallback is used."""
    name = canonical_ecosystem(ecosystem)
    return name in _EXACT or name in _DISTRO_FAMILY


def _distro_key(family: str) -> KeyFunction:
    from ospo.vulns.versions import distro

    return {"rpm": distro.rpm_key, "alpine": distro.alpine_key}[family]


@lru_cache(maxsize=256)
def key_function(ecosystem: str) -> KeyFunction:
    """The key function for an ecosystem (resolve once, call many times)."""
    name = canonical_ecosystem(ecosystem)
    if name in _EXACT:
        return _EXACT[name]
    if name in _DISTRO_FAMILY:
        return _distro_key(_DISTRO_FAMILY[name])

    def fallback(version: str) -> SortKey:
        return generic.sort_key(version, name)

    return fallback


@lru_cache(maxsize=131072)
def _cached_key(ecosystem: str, version: str) -> SortKey:
    return key_function(ecosystem)(version)


def sort_key(ecosystem: str, version: str) -> SortKey:
    """A totally ordered key for ``version`` in ``ecosystem``; raises InvalidVersion.

    Keys of one ecosystem compare with each other (never across ecosystems), are hashable,
    and are cached: advisories and inventories repeat the same versions endlessly.
    """
    if not isinstance(ecosystem, str) or not isinstance(version, str):
        raise InvalidVersion(str(ecosystem), version, "not a string")
    return _cached_key(ecosystem, version)


def clear_cache() -> None:
    """Forget cached keys (for benchmarks that time parsing)."""
    _cached_key.cache_clear()


def compare(ecosystem: str, a: str, b: str) -> int:
    """-1, 0 or 1 as ``a`` is older than, equal to or newer than ``b``."""
    ka, kb = sort_key(ecosystem, a), sort_key(ecosystem, b)
    return (ka > kb) - (ka < kb)
