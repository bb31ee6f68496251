"""The licence catalogue: ScanCode key <-> SPDX id, and each licence's category.

Built from the `.LICENSE` files of `licensedcode-data` (2,300 small files, well under a
second) and cached beside the detection index, so asking for a category never loads the
detection index itself.
"""

from __future__ import annotations

import pickle
import re
import threading
from dataclasses import dataclass

from ospo.licenses import data

CATALOG_FORMAT = 1

PERMISSIVE = "permissive"
WEAK_COPYLEFT = "weak-copyleft"
STRONG_COPYLEFT = "strong-copyleft"
NETWORK_COPYLEFT = "network-copyleft"
PUBLIC_DOMAIN = "public-domain"
PROPRIETARY = "proprietary"
SOURCE_AVAILABLE = "source-available"
UNKNOWN = "unknown"

CATEGORIES = (
    PERMISSIVE,
    WEAK_COPYLEFT,
    STRONG_COPYLEFT,
    NETWORK_COPYLEFT,
    PUBLIC_DOMAIN,
    PROPRIETARY,
    SOURCE_AVAILABLE,
    UNKNOWN,
)

# ScanCode's `category` values -> ours.
_SCANCODE_CATEGORY = {
    "permissive": PERMISSIVE,
    "patent license": PERMISSIVE,
    "public domain": PUBLIC_DOMAIN,
    "copyleft": STRONG_COPYLEFT,
    "copyleft limited": WEAK_COPYLEFT,
    "proprietary free": PROPRIETARY,
    "commercial": PROPRIETARY,
    "source-available": SOURCE_AVAILABLE,
    "free restricted": SOURCE_AVAILABLE,
    "cla": UNKNOWN,
    "unstated license": UNKNOWN,
}

# Copyleft licences whose obligations are triggered by offering the software over a network.
_NETWORK = re.compile(r"^(agpl|sspl|mongodb-sspl|osl-|cpal-|rpl-|nosl-|eupl-1\.[12]|tosl)")


@dataclass(frozen=True)
class LicenseInfo:
    key: str
    spdx_id: str
    name: str
    category: str
    scancode_category: str
    is_deprecated: bool


@dataclass
class Catalog:
    """Licence metadata indexed by ScanCode key and by SPDX id (case-insensitive)."""

    data_version: str
    by_key: dict[str, LicenseInfo]
    spdx_to_key: dict[str, str]  # lower-case SPDX id or alias -> key

    def key_to_spdx(self, key: str) -> str:
        info = self.by_key.get(key.lower())
        return info.spdx_id if info else f"LicenseRef-scancode-{key}"

    def key_of(self, spdx_id: str) -> str | None:
        """The ScanCode key of an SPDX id, `LicenseRef-scancode-<key>`, or a key itself."""
        lowered = spdx_id.strip().lower()
        if lowered.startswith("licenseref-scancode-"):
            key = lowered[len("licenseref-scancode-") :]
            return key if key in self.by_key else None
        found = self.spdx_to_key.get(lowered)
        if found is not None:
            return found
        return lowered if lowered in self.by_key else None


def _category(key: str, scancode_category: str) -> str:
    ours = _SCANCODE_CATEGORY.get(scancode_category.strip().lower(), UNKNOWN)
    if ours == STRONG_COPYLEFT and _NETWORK.match(key):
        return NETWORK_COPYLEFT
    return ours


def build_catalog() -> Catalog:
    by_key: dict[str, LicenseInfo] = {}
    spdx_to_key: dict[str, str] = {}
    records = list(data.read_licenses())
    for lic in records:
        by_key[lic.key] = LicenseInfo(
            key=lic.key,
            spdx_id=lic.spdx_id,
            name=lic.name,
            category=_category(lic.key, lic.category),
            scancode_category=lic.category,
            is_deprecated=lic.is_deprecated,
        )
    # Active licences claim their SPDX ids first; deprecated ones only fill gaps.
    for active in (True, False):
        for lic in records:
            if lic.is_deprecated == active:
                continue
            spdx_to_key.setdefault(lic.spdx_id.lower(), lic.key)
    for lic in records:
        if lic.is_deprecated:
            continue
        for other in lic.other_spdx_ids:
            spdx_to_key.setdefault(other.lower(), lic.key)
    return Catalog(data.data_version(), by_key, spdx_to_key)


_LOCK = threading.Lock()
_CATALOG: Catalog | None = None


def catalog() -> Catalog:
    """The catalogue of this process, from the cache or built (and cached) on first use."""
    global _CATALOG
    with _LOCK:
        if _CATALOG is not None:
            return _CATALOG
        from ospo.licenses.index import cache_dir, write_cache

        path = cache_dir() / "licenses" / f"catalog-{data.data_version()}-f{CATALOG_FORMAT}.pickle"
        loaded: Catalog | None = None
        if path.exists():
            try:
                with open(path, "rb") as handle:
                    obj = pickle.load(handle)
                if isinstance(obj, Catalog):
                    loaded = obj
            except Exception:  # corrupt cache: rebuild
                loaded = None
        if loaded is None:
            loaded = build_catalog()
            write_cache(path, loaded, prefix=".catalog-")
        _CATALOG = loaded
        return loaded


def category_of(license_id: str) -> str:
    """Category of one SPDX id or `LicenseRef-scancode-<key>` (an exception after WITH is
    ignored: the licence decides). Unknown ids are `unknown`."""
    head = license_id.split(" WITH ", 1)[0].split(" with ", 1)[0].strip().strip("()")
    key = catalog().key_of(head)
    if key is None:
        return UNKNOWN
    return catalog().by_key[key].category


def key_to_spdx(key: str) -> str:
    """ScanCode licence key -> SPDX id, or `LicenseRef-scancode-<key>` when SPDX has none."""
    return catalog().key_to_spdx(key)


def spdx_to_key(spdx_id: str) -> str | None:
    """SPDX id (any case, deprecated ids too) -> ScanCode key, None if unknown."""
    return catalog().key_of(spdx_id)


def license_text(license_id: str) -> str | None:
    """The full text of a licence (SPDX id or LicenseRef-scancode-<key>), for NOTICE files."""
    from ospo.licenses.data import data_dir, split_front_matter

    key = catalog().key_of(license_id)
    if key is None:
        return None

    def body(k: str) -> str:
        try:
            raw = (data_dir() / "licenses" / f"{k}.LICENSE").read_text(encoding="utf-8")
        except OSError:
            return ""
        return split_front_matter(raw)[2].strip()

    text = body(key)
    # "-or-later" keys hold only the grant; the licence itself is its base key's text.
    if key.endswith("-plus") and key.removesuffix("-plus") in catalog().by_key:
        text = "\n\n".join(t for t in (text, body(key.removesuffix("-plus"))) if t)
    return text or None
