"""SPDX licence ids and the one license_expression licensing of the process.

Inventory parsers (installed metadata) and SBOM writers both turn declared licences into SPDX
expressions. license_expression's SPDX licensing costs ~35 ms to import and build, and almost
every declared licence is a single plain id that its index alone can vouch for: both use the
shortcut here, and share one licensing for the rest.
"""

from __future__ import annotations

import importlib.util
import os
from functools import lru_cache
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from license_expression import Licensing


@lru_cache(maxsize=1)
def spdx_licensing() -> Licensing:
    """license_expression's SPDX licensing, built once."""
    from license_expression import get_spdx_licensing

    return get_spdx_licensing()


def package_data_file(package: str, *parts: str) -> str:
    """A data file inside an installed package, located without importing the package."""
    spec = importlib.util.find_spec(package)
    if spec is None or not spec.submodule_search_locations:
        raise FileNotFoundError(f"package {package} is not installed")
    return os.path.join(next(iter(spec.submodule_search_locations)), *parts)


@lru_cache(maxsize=1)
def plain_spdx_ids() -> frozenset[str]:
    """The SPDX ids that license_expression reads back as themselves, taken from its index.

    Almost every declared licence is one such id ("MIT", "Apache-2.0"); importing
    license_expression and building its licensing costs ~35 ms, reading its index ~4 ms.
    Deprecated ids, exceptions, aliases and LicenseRef keys are left to the licensing. A test
    checks that the licensing classifies every id of this set as this shortcut does.
    """
    import orjson

    with open(package_data_file("license_expression", "data", "scancode-licensedb-index.json"), "rb") as handle:
        index = orjson.loads(handle.read())
    keys = [entry.get("spdx_license_key") or "" for entry in index]
    aliases = {alias.lower() for entry in index for alias in entry.get("other_spdx_license_keys") or ()}
    seen: dict[str, int] = {}
    for key in keys:
        seen[key.lower()] = seen.get(key.lower(), 0) + 1
    return frozenset(
        key
        for entry, key in zip(index, keys, strict=True)
        if key
        and not entry.get("is_deprecated")
        and not entry.get("is_exception")
        and not key.startswith("LicenseRef-")
        and seen[key.lower()] == 1
        and key.lower() not in aliases
    )
