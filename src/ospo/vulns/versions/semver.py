"""SemVer 2.0.0 ordering, shared by npm, crates.io, Hex, Pub and Go.

Precedence (semver.org §11): major, minor, patch numerically; a pre-release sorts before its
release; pre-release identifiers compare left to right, numeric ones numerically and below
alphanumeric ones (compared in ASCII order), a shorter list of equal prefix first. Build
metadata does not take part, except in Pub, whose resolver (pub_semver) orders
``1.0.0 < 1.0.0+1 < 1.0.0+2`` and whose packages do publish build-only bumps.

Go uses the same rules with a mandatory ``v`` (tolerated absent, since OSV's Go ranges omit
it) and ``vMAJOR`` / ``vMAJOR.MINOR`` shorthands. Pseudo-versions
(``v0.0.0-20191109021931-daa7c04131f5``, ``v1.2.4-0.20191109021931-...``) need nothing more:
their timestamp is a fixed-width identifier, so plain pre-release ordering already places them
after the tagged version they derive from and in commit-time order. ``+incompatible`` is build
metadata and so ignored, as by the go command.
"""

from __future__ import annotations

import re

from ospo.vulns.versions.base import InvalidVersion, SortKey, checked

_IDENT = r"[0-9A-Za-z-]+"
_DOTTED = rf"{_IDENT}(?:\.{_IDENT})*"
_SEMVER = re.compile(
    rf"^[v=]*\s*([0-9]+)\.([0-9]+)\.([0-9]+)(?:-({_DOTTED}))?(?:\+({_DOTTED}))?$",
)
_GO = re.compile(
    rf"^v?([0-9]+)(?:\.([0-9]+)(?:\.([0-9]+)(?:-({_DOTTED}))?)?)?(?:\+({_DOTTED}))?$",
)

#: Stands for "no pre-release": above every pre-release list, which all start with 0.
_RELEASE = (1,)


def identifiers_key(dotted: str, fold_case: bool = False) -> SortKey:
    """Dot-separated identifiers: numeric ones (0, n, "") below alphanumeric (1, 0, s)."""
    out: list[tuple[int, int, str]] = []
    for ident in dotted.split("."):
        if ident.isascii() and ident.isdigit():
            out.append((0, int(ident), ""))
        else:
            out.append((1, 0, ident.lower() if fold_case else ident))
    return tuple(out)


def _key(match: re.Match[str], with_build: bool) -> SortKey:
    major, minor, patch, pre, build = match.groups()
    pre_key: SortKey = _RELEASE if pre is None else (0, identifiers_key(pre))
    key: SortKey = (int(major), int(minor or 0), int(patch or 0), pre_key)
    if with_build:
        key = (*key, () if build is None else (1, identifiers_key(build)))
    return key


def semver_key(ecosystem: str, version: str) -> SortKey:
    text = checked(ecosystem, version)
    match = _SEMVER.match(text)
    if match is None:
        raise InvalidVersion(ecosystem, version, "not MAJOR.MINOR.PATCH[-pre][+build]")
    return _key(match, with_build=False)


def npm_key(version: str) -> SortKey:
    return semver_key("npm", version)


def crates_key(version: str) -> SortKey:
    return semver_key("crates.io", version)


def hex_key(version: str) -> SortKey:
    return semver_key("Hex", version)


def pub_key(version: str) -> SortKey:
    text = checked("Pub", version)
    match = _SEMVER.match(text)
    if match is None:
        raise InvalidVersion("Pub", version, "not MAJOR.MINOR.PATCH[-pre][+build]")
    return _key(match, with_build=True)


def go_key(version: str) -> SortKey:
    text = checked("Go", version)
    match = _GO.match(text)
    if match is None:
        raise InvalidVersion("Go", version, "not vMAJOR[.MINOR[.PATCH[-pre]]][+build]")
    return _key(match, with_build=False)
