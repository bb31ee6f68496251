"""Purl strings spelt as packageurl spells them, without building PackageURL objects.

Building a PackageURL and writing it out costs ~25 µs, and lockfiles and SBOMs hold thousands
of packages whose parts are all plain (letters, digits, `._~-`): for those, packageurl only
changes case, so the string can be assembled directly. Everything else returns None and the
caller goes through packageurl. Property tests hold both functions to packageurl.
"""

from __future__ import annotations

import re

# Parts made only of these need no quoting; packageurl then only changes their case.
_PLAIN = re.compile(r"[A-Za-z0-9._~-]+")
# Namespace segments may also be an npm scope ("@types"), which packageurl quotes as "%40types".
_PLAIN_SEGMENT = re.compile(r"@?[A-Za-z0-9._~-]+")
# The ecosystems the inventory produces, and which of their names/namespaces packageurl lowers.
_PLAIN_TYPES = frozenset(
    {"cargo", "composer", "gem", "generic", "github", "golang", "maven", "npm", "nuget", "pypi", "swift"}
)
_LOWER_NAME = frozenset({"composer", "github", "npm", "pypi"})
_LOWER_NAMESPACE = frozenset({"composer", "github", "pypi"})


def plain_purl(ecosystem: str, name: str, version: str | None, namespace: str | None) -> str | None:
    """What `PackageURL(type, namespace, name, version).to_string()` returns, when every part
    is plain; else None."""
    if ecosystem not in _PLAIN_TYPES or not _PLAIN.fullmatch(name):
        return None
    if ecosystem in _LOWER_NAME:
        name = name.lower()
        if ecosystem == "pypi":
            name = name.replace("_", "-")
    head = f"pkg:{ecosystem}/"
    if namespace:
        segments = namespace.split("/")
        if not all(_PLAIN_SEGMENT.fullmatch(segment) for segment in segments):
            return None
        if ecosystem in _LOWER_NAMESPACE:
            namespace = namespace.lower()
        head += namespace.replace("@", "%40") + "/"
    if not version:
        return head + name
    if not _PLAIN.fullmatch(version):
        return None
    return f"{head}{name}@{version}"


_PLAIN_PURL = re.compile(r"pkg:([a-z]+)/((?:(?:%40)?[A-Za-z0-9._~-]+/)*)([A-Za-z0-9._~-]+)(?:@([A-Za-z0-9._~-]+))?")


def plain_canonical(ref: str) -> str | None:
    """What `PackageURL.from_string(ref).to_string()` returns, for a purl of plain parts
    without qualifiers or subpath; else None."""
    match = _PLAIN_PURL.fullmatch(ref)
    if match is None:
        return None
    ecosystem, namespace, name, version = match.groups()
    return plain_purl(ecosystem, name, version, namespace[:-1].replace("%40", "@") or None)
