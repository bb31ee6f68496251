"""What each ecosystem's registry says about one package version.

Each function takes the HTTP client, a base URL (configurable so tests and mirrors work)
and the component, and returns PackageMetadata or None when the registry does not know
the version. Licence strings are returned as the registry states them; turning them into
SPDX expressions is the caller's job (it owns the licence data).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any
from urllib.parse import quote
from xml.etree import ElementTree

from ospo.model import Component
from ospo.registry.client import RegistryError, RegistryHttp

DEFAULT_BASE_URLS = {
    "pypi": "https://pypi.org",
    "npm": "https://registry.npmjs.org",
    "cargo": "https://crates.io",
    "maven": "https://repo1.maven.org/maven2",
    "gem": "https://rubygems.org",
    "composer": "https://repo.packagist.org",
    "nuget": "https://api.nuget.org",
}


@dataclass(frozen=True)
class PackageMetadata:
    purl: str
    licenses: tuple[str, ...]  # as the registry states them (ids, expressions or names)
    is_expression: bool = False  # True when the registry field is an SPDX expression
    repository: str | None = None
    homepage: str | None = None
    released: str | None = None
    source: str = ""  # the URL that answered


Source = Callable[[RegistryHttp, str, Component], PackageMetadata | None]

_CLASSIFIER = "License :: "


def _str(value: Any) -> str | None:
    return value.strip() if isinstance(value, str) and value.strip() else None


def pypi(http: RegistryHttp, base: str, comp: Component) -> PackageMetadata | None:
    url = f"{base}/pypi/{quote(comp.name)}/{quote(comp.version or '')}/json"
    data = http.get_json(url)
    if not isinstance(data, dict) or not isinstance(data.get("info"), dict):
        return None
    info = data["info"]
    expression = _str(info.get("license_expression"))
    licenses: tuple[str, ...]
    if expression:
        licenses, is_expr = (expression,), True
    else:
        declared = _str(info.get("license"))
        classifiers = [
            c.rsplit(" :: ", 1)[-1]
            for c in info.get("classifiers") or []
            if isinstance(c, str) and c.startswith(_CLASSIFIER) and c.count(" :: ") >= 2
        ]
        # A whole licence text pasted into the field says less than the classifiers.
        if declared and len(declared) < 100 and "\n" not in declared:
            licenses, is_expr = (declared,), False
        else:
            licenses, is_expr = tuple(classifiers), False
    urls = info.get("project_urls") or {}
    repo = None
    if isinstance(urls, dict):
        for key, value in urls.items():
            if isinstance(key, str) and key.lower() in ("source", "source code", "repository", "code", "github"):
                repo = _str(value)
                break
    released = None
    files = data.get("urls")
    if isinstance(files, list) and files and isinstance(files[0], dict):
        released = _str(files[0].get("upload_time_iso_8601") or files[0].get("upload_time"))
    return PackageMetadata(comp.purl, licenses, is_expr, repo, _str(info.get("home_page")), released, url)


def npm(http: RegistryHttp, base: str, comp: Component) -> PackageMetadata | None:
    name = f"{comp.namespace}/{comp.name}" if comp.namespace else comp.name
    url = f"{base}/{quote(name, safe='@')}/{quote(comp.version or '')}"
    data = http.get_json(url)
    if not isinstance(data, dict):
        return None
    lic = data.get("license")
    licenses: tuple[str, ...] = ()
    if isinstance(lic, str):
        licenses = (lic,)
    elif isinstance(lic, dict) and _str(lic.get("type")):
        licenses = (str(lic["type"]).strip(),)
    elif isinstance(data.get("licenses"), list):
        licenses = tuple(
            str(item["type"]).strip() for item in data["licenses"] if isinstance(item, dict) and _str(item.get("type"))
        )
    repo = data.get("repository")
    repo_url = _str(repo.get("url")) if isinstance(repo, dict) else _str(repo)
    return PackageMetadata(comp.purl, licenses, isinstance(lic, str), repo_url, _str(data.get("homepage")), None, url)


def cargo(http: RegistryHttp, base: str, comp: Component) -> PackageMetadata | None:
    url = f"{base}/api/v1/crates/{quote(comp.name)}/{quote(comp.version or '')}"
    data = http.get_json(url)
    version = data.get("version") if isinstance(data, dict) else None
    if not isinstance(version, dict):
        return None
    lic = _str(version.get("license"))
    # crates.io licences use "/" for OR in old crates.
    licenses = (lic.replace("/", " OR "),) if lic else ()
    return PackageMetadata(
        comp.purl,
        licenses,
        True,
        _str(version.get("repository")),
        _str(version.get("homepage")),
        _str(version.get("created_at")),
        url,
    )


_POM_NS = re.compile(r"\{[^}]*\}")


def maven(http: RegistryHttp, base: str, comp: Component) -> PackageMetadata | None:
    if not comp.namespace or not comp.version:
        return None
    group = comp.namespace.replace(".", "/")
    url = f"{base}/{group}/{quote(comp.name)}/{quote(comp.version)}/{quote(comp.name)}-{quote(comp.version)}.pom"
    response = http.get(url)
    if response.status in (404, 410):
        return None
    if response.status != 200:
        raise RegistryError(f"{url}: HTTP {response.status}")
    if b"<!DOCTYPE" in response.body[:4096] or b"<!ENTITY" in response.body:
        raise RegistryError(f"{url}: POM with a DTD refused")
    try:
        root = ElementTree.fromstring(response.body)
    except ElementTree.ParseError as exc:
        raise RegistryError(f"{url}: unreadable POM ({exc})") from exc
    for element in root.iter():
        element.tag = _POM_NS.sub("", str(element.tag))
    names = tuple(
        (lic.findtext("name") or lic.findtext("url") or "").strip()
        for lic in root.findall("./licenses/license")
        if (lic.findtext("name") or lic.findtext("url") or "").strip()
    )
    scm = root.findtext("./scm/url")
    return PackageMetadata(comp.purl, names, False, _str(scm), _str(root.findtext("./url")), None, url)


def rubygems(http: RegistryHttp, base: str, comp: Component) -> PackageMetadata | None:
    url = f"{base}/api/v2/rubygems/{quote(comp.name)}/versions/{quote(comp.version or '')}.json"
    data = http.get_json(url)
    if not isinstance(data, dict):
        return None
    licenses = tuple(str(x).strip() for x in data.get("licenses") or [] if _str(x))
    meta = data.get("metadata") if isinstance(data.get("metadata"), dict) else {}
    repo = _str(data.get("source_code_uri")) or _str((meta or {}).get("source_code_uri"))
    return PackageMetadata(
        comp.purl, licenses, False, repo, _str(data.get("homepage_uri")), _str(data.get("created_at")), url
    )


def packagist(http: RegistryHttp, base: str, comp: Component) -> PackageMetadata | None:
    if not comp.namespace:
        return None
    full = f"{comp.namespace}/{comp.name}"
    url = f"{base}/p2/{quote(full)}.json"
    data = http.get_json(url)
    if not isinstance(data, dict) or not isinstance(data.get("packages"), dict):
        return None
    versions = data["packages"].get(full)
    if not isinstance(versions, list):
        return None
    wanted = (comp.version or "").lstrip("v")
    # p2 metadata is minified: later entries inherit unchanged fields from earlier ones.
    merged: dict[str, Any] = {}
    for entry in versions:
        if not isinstance(entry, dict):
            continue
        merged.update(entry)
        if str(entry.get("version", merged.get("version", ""))).lstrip("v") == wanted:
            licenses = tuple(str(x) for x in merged.get("license") or [] if _str(x))
            src = merged.get("source")
            repo = _str(src.get("url")) if isinstance(src, dict) else None
            return PackageMetadata(
                comp.purl,
                licenses,
                len(licenses) == 1,
                repo,
                _str(merged.get("homepage")),
                _str(merged.get("time")),
                url,
            )
    return None


def nuget(http: RegistryHttp, base: str, comp: Component) -> PackageMetadata | None:
    name = comp.name.lower()
    version = (comp.version or "").lower()
    url = f"{base}/v3/registration5-semver1/{quote(name)}/{quote(version)}.json"
    leaf = http.get_json(url)
    if not isinstance(leaf, dict):
        return None
    entry = leaf.get("catalogEntry")
    if isinstance(entry, str):
        entry = http.get_json(entry)
    if not isinstance(entry, dict):
        return None
    expression = _str(entry.get("licenseExpression"))
    licenses = (expression,) if expression else tuple(x for x in (_str(entry.get("licenseUrl")),) if x)
    return PackageMetadata(
        comp.purl, licenses, bool(expression), None, _str(entry.get("projectUrl")), _str(entry.get("published")), url
    )


SOURCES: dict[str, Source] = {
    "pypi": pypi,
    "npm": npm,
    "cargo": cargo,
    "maven": maven,
    "gem": rubygems,
    "composer": packagist,
    "nuget": nuget,
}
