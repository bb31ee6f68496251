"""Building purls and components the same way in every parser."""

from __future__ import annotations

import re

from ospo.model import Component, Hash, Location, Scope
from ospo.model.purl_text import plain_purl

_PEP503_SEPARATORS = re.compile(r"[-_.]+")


def make_purl(
    ecosystem: str,
    name: str,
    version: str | None = None,
    namespace: str | None = None,
    qualifiers: dict[str, str] | None = None,
    subpath: str | None = None,
) -> str:
    """A canonical purl string; purl-spec normalisation (e.g. PyPI lower-case, '-') applied."""
    if ecosystem == "pypi":
        name = _PEP503_SEPARATORS.sub("-", name).lower()
    if not qualifiers and subpath is None:
        fast = plain_purl(ecosystem, name, version, namespace)
        if fast is not None:
            return fast
    from packageurl import PackageURL

    return str(
        PackageURL(
            type=ecosystem,
            namespace=namespace or None,
            name=name,
            version=version or None,
            qualifiers=qualifiers or None,
            subpath=subpath,
        ).to_string()
    )


def component(
    ecosystem: str,
    name: str,
    version: str | None,
    path: str,
    *,
    namespace: str | None = None,
    line: int | None = None,
    scope: Scope = Scope.RUNTIME,
    direct: bool | None = None,
    declared_range: str | None = None,
    declared_license: str | None = None,
    hashes: tuple[Hash, ...] = (),
    download_url: str | None = None,
    qualifiers: dict[str, str] | None = None,
    subpath: str | None = None,
    properties: tuple[tuple[str, str], ...] = (),
    scope_known: bool = True,
    purl: str | None = None,
) -> Component:
    """A Component with its purl. A None version means a declared, unresolved requirement.

    `purl` may be given when the caller builds it faster itself (npm lockfiles with
    thousands of entries); it must equal what make_purl would return.
    """
    return Component(
        purl=purl or make_purl(ecosystem, name, version, namespace, qualifiers, subpath),
        name=name,
        version=version,
        ecosystem=ecosystem,
        namespace=namespace,
        scope=scope,
        direct=direct,
        resolved=version is not None,
        declared_range=declared_range,
        declared_license=declared_license,
        hashes=hashes,
        locations=(Location(path, line),),
        download_url=download_url,
        properties=properties,
        scope_known=scope_known,
    )


def parse_sri(integrity: str) -> tuple[Hash, ...]:
    """Subresource-integrity strings ('sha512-<base64> sha1-...') as hex Hashes."""
    import base64
    import binascii

    hashes: list[Hash] = []
    for part in integrity.split():
        alg, _, b64 = part.partition("-")
        if not b64:
            continue
        try:
            raw = base64.b64decode(b64, validate=False)
        except (binascii.Error, ValueError):
            continue
        hashes.append(Hash(alg.lower(), raw.hex()))
    return tuple(hashes)
