"""NuGet: NuGetVersion ordering (SemVer 2 extended to a fourth, "revision" number).

Missing numbers count as 0 (``1.0`` == ``1.0.0`` == ``1.0.0.0``), pre-release labels follow
SemVer 2 but compare case-insensitively (``1.0.0-RC1`` == ``1.0.0-rc1``), and metadata after
``+`` is ignored. Leading zeros are accepted, as NuGet accepts legacy ``1.01``.
"""

from __future__ import annotations

import re

from ospo.vulns.versions.base import InvalidVersion, SortKey, checked
from ospo.vulns.versions.semver import identifiers_key

ECOSYSTEM = "NuGet"

_IDENT = r"[0-9A-Za-z-]+"
_NUGET = re.compile(
    rf"^[vV]?([0-9]+)(?:\.([0-9]+))?(?:\.([0-9]+))?(?:\.([0-9]+))?"
    rf"(?:-({_IDENT}(?:\.{_IDENT})*))?(?:\+[0-9A-Za-z.-]*)?$"
)


def sort_key(version: str) -> SortKey:
    text = checked(ECOSYSTEM, version)
    match = _NUGET.match(text)
    if match is None:
        raise InvalidVersion(ECOSYSTEM, version, "not N[.N[.N[.N]]][-label][+metadata]")
    major, minor, patch, revision, pre = match.groups()
    pre_key: SortKey = (1,) if pre is None else (0, identifiers_key(pre, fold_case=True))
    return (int(major), int(minor or 0), int(patch or 0), int(revision or 0), pre_key)
