"""Package metadata from the ecosystems' registries, through one cached, polite client.

`lookup_all` asks the registries about many components at once (a few requests in flight
per host) and never raises for one package: each answer is metadata, "not found", or a
problem to report.
"""

from __future__ import annotations

from collections.abc import Iterable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

import httpx

from ospo.model import Component, FileProblem
from ospo.registry.client import RegistryError, RegistryHttp
from ospo.registry.sources import DEFAULT_BASE_URLS, SOURCES, PackageMetadata


@dataclass
class LookupResult:
    found: dict[str, PackageMetadata] = field(default_factory=dict)
    missing: list[str] = field(default_factory=list)  # registry does not know this version
    unsupported: list[str] = field(default_factory=list)  # no registry adapter for the ecosystem
    problems: list[FileProblem] = field(default_factory=list)
    requests: int = 0


def default_cache_dir() -> Path:
    import os

    from platformdirs import user_cache_dir

    return Path(os.environ.get("OSPO_CACHE_DIR") or user_cache_dir("ospo")) / "registry"


def lookup_all(
    components: Iterable[Component],
    *,
    cache_dir: Path | None = None,
    base_urls: dict[str, str] | None = None,
    workers: int = 8,
    retries: int = 3,
    transport: httpx.BaseTransport | None = None,
) -> LookupResult:
    urls = {**DEFAULT_BASE_URLS, **(base_urls or {})}
    http = RegistryHttp(
        cache_dir if cache_dir is not None else default_cache_dir(), retries=retries, transport=transport
    )
    result = LookupResult()
    todo: list[Component] = []
    for comp in components:
        if not comp.version:
            continue
        if comp.ecosystem in SOURCES:
            todo.append(comp)
        else:
            result.unsupported.append(comp.purl)

    def one(comp: Component) -> tuple[Component, PackageMetadata | None, str | None]:
        try:
            return comp, SOURCES[comp.ecosystem](http, urls[comp.ecosystem].rstrip("/"), comp), None
        except RegistryError as exc:
            return comp, None, str(exc)

    try:
        with ThreadPoolExecutor(max_workers=max(1, workers)) as pool:
            for comp, meta, error in pool.map(one, todo):
                if error is not None:
                    result.problems.append(FileProblem(comp.purl, "registry", error))
                elif meta is None:
                    result.missing.append(comp.purl)
                else:
                    result.found[comp.purl] = meta
    finally:
        result.requests = http.requests_made
        http.close()
    return result


__all__ = ["LookupResult", "PackageMetadata", "RegistryError", "default_cache_dir", "lookup_all"]
