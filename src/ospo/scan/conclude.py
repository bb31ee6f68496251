"""Concluding one licence per component from everything the scan saw.

Order of trust: what the package itself declares in the tree (lockfile or installed
metadata), then licence files found in the package's installed folder, then what the
registry says. Whatever stays unknown is said to be unknown; nothing is guessed.
"""

from __future__ import annotations

import posixpath
from collections import defaultdict
from collections.abc import Callable, Iterable, Mapping

from ospo.model import Component, ConcludedLicense, Copyright, LicenseFinding, MatchKind

_LICENSE_FILE_PREFIXES = ("license", "licence", "copying", "notice", "unlicense", "copyright")
_STRONG_KINDS = (MatchKind.TEXT, MatchKind.NOTICE, MatchKind.TAG, MatchKind.DECLARED, MatchKind.REFERENCE)


def package_folder(component: Component) -> str | None:
    """The folder of an installed package, where its own licence files live, if any."""
    for loc in component.locations:
        parts = loc.path.split("/")
        folder = posixpath.dirname(loc.path)
        if loc.path.endswith(("/METADATA", "/PKG-INFO")) and folder.endswith((".dist-info", ".egg-info")):
            return folder
        if "node_modules" in parts[:-1] and parts[-1] == "package.json":
            return folder
        if "vendor" in parts[:-1] and parts[-1] in ("composer.json", "Cargo.toml", "package.json"):
            return folder
    return None


def owner_folders(components: Iterable[Component]) -> dict[str, str]:
    """package folder -> purl, for every component installed in the tree."""
    owners: dict[str, str] = {}
    for comp in components:
        folder = package_folder(comp)
        if folder is not None:
            owners.setdefault(folder, comp.purl)
    return owners


def owner_of(path: str, owners: Mapping[str, str]) -> str | None:
    """The installed package whose folder holds `path` (the deepest one), or None."""
    folder = posixpath.dirname(path)
    while folder:
        if folder in owners:
            return owners[folder]
        folder = posixpath.dirname(folder)
    return None


def _is_license_file(path: str) -> bool:
    name = posixpath.basename(path).lower()
    return name.startswith(_LICENSE_FILE_PREFIXES) or "/licenses/" in path.lower()


def conclude(
    components: Iterable[Component],
    findings: Iterable[LicenseFinding],
    copyrights: Iterable[Copyright],
    registry_licenses: Mapping[str, str | None],
    *,
    simplify: Callable[[list[str]], str | None],
    holders_of: Callable[[list[Copyright]], tuple[str, ...]],
) -> tuple[list[ConcludedLicense], dict[str, list[LicenseFinding]]]:
    """Concluded licences per component, and the file findings that belong to no package.

    `simplify` joins several expressions into one (AND, deduplicated); `holders_of` turns the
    copyrights of a package into deduplicated holder names.
    """
    comps = list(components)
    owners = owner_folders(comps)
    by_owner: dict[str, list[LicenseFinding]] = defaultdict(list)
    unowned: dict[str, list[LicenseFinding]] = defaultdict(list)
    for finding in findings:
        owner = owner_of(finding.path, owners)
        if owner is None:
            unowned[finding.path].append(finding)
        else:
            by_owner[owner].append(finding)
    holders_by_owner: dict[str, list[Copyright]] = defaultdict(list)
    for cr in copyrights:
        owner = owner_of(cr.path, owners)
        if owner is not None:
            holders_by_owner[owner].append(cr)
    out: list[ConcludedLicense] = []
    for comp in comps:
        holders = holders_of(holders_by_owner.get(comp.purl, []))
        if comp.declared_license:
            out.append(ConcludedLicense(comp.purl, comp.declared_license, "declared", holders))
            continue
        detected = [
            f.expression for f in by_owner.get(comp.purl, []) if f.kind in _STRONG_KINDS and _is_license_file(f.path)
        ]
        if detected:
            out.append(ConcludedLicense(comp.purl, simplify(detected), "detected", holders))
            continue
        registry = registry_licenses.get(comp.purl)
        if registry:
            out.append(ConcludedLicense(comp.purl, registry, "registry", holders))
            continue
        out.append(ConcludedLicense(comp.purl, None, "unknown", holders))
    return out, dict(unowned)
