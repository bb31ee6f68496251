"""Linux distributions' package versions, ordered by ``univers``.

dpkg (Debian, Ubuntu), rpm (Red Hat family, SUSE, Mageia, openEuler) and apk (Alpine, Wolfi,
Chainguard) orderings are intricate and ``univers`` implements them from the reference code;
we wrap its objects as one-element keys so they order like every other key.
"""

from __future__ import annotations

from univers import versions as uv

from ospo.vulns.versions.base import InvalidVersion, KeyFunction, SortKey, checked


def _wrap(ecosystem: str, cls: type[uv.Version]) -> KeyFunction:
    def sort_key(version: str) -> SortKey:
        text = checked(ecosystem, version)
        try:
            return (cls(text),)
        except Exception as error:  # univers raises a variety of errors on bad input
            raise InvalidVersion(ecosystem, version, str(error)[:80]) from None

    sort_key.__name__ = f"{ecosystem.lower().replace(' ', '_')}_key"
    return sort_key


debian_key = _wrap("Debian", uv.DebianVersion)
rpm_key = _wrap("RPM", uv.RpmVersion)
alpine_key = _wrap("Alpine", uv.AlpineLinuxVersion)
