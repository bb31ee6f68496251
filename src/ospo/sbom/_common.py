"""What the CycloneDX and SPDX writers share: identity, time, licences and ospo's own vocabulary.

Both writers must be reproducible (same inventory -> same bytes), so everything that would
otherwise vary between runs is decided here: the timestamp (SOURCE_DATE_EPOCH, the
reproducible-builds convention), the document identifiers (a hash of the content rather
than a random UUID) and the order of everything.
"""

from __future__ import annotations

import hashlib
import os
import posixpath
import re
from dataclasses import dataclass
from datetime import UTC, datetime
from functools import lru_cache
from typing import TYPE_CHECKING

from ospo.model import Component, Inventory, Scope
from ospo.model.spdx import plain_spdx_ids, spdx_licensing

if TYPE_CHECKING:
    pass

TOOL_NAME = "ospo"

# Property names ospo writes (CycloneDX properties, SPDX annotations) and reads back.
PROP_SCOPE = "ospo:scope"
PROP_DECLARED_RANGE = "ospo:declared-range"
PROP_DIRECT = "ospo:direct"
PROP_ECOSYSTEM = "ospo:ecosystem"
PROP_UNMAPPED_HASH = "ospo:hash"
PROP_MANIFEST = "ospo:manifest"
PROP_SYNTHETIC_ROOT = "ospo:synthetic-root"
OSPO_PREFIX = "ospo:"

_LICENSE_REF = re.compile(r"^LicenseRef-[A-Za-z0-9.\-]+$")


def creation_time() -> datetime:
    """SOURCE_DATE_EPOCH when set (reproducible builds), else now; whole seconds, UTC."""
    raw = os.environ.get("SOURCE_DATE_EPOCH", "").strip()
    if raw:
        try:
            return datetime.fromtimestamp(int(raw), tz=UTC)
        except (ValueError, OverflowError, OSError):
            pass  # an unusable value is ignored, as reproducible-builds tools do
    return datetime.now(tz=UTC).replace(microsecond=0)


def root_name(inventory: Inventory) -> str:
    """The scanned folder's name (never its absolute path, which would leak and vary)."""
    root = inventory.root.replace("\\", "/").rstrip("/")
    name = posixpath.basename(root) if root else ""
    if not name or name in (".", ".."):
        name = posixpath.basename(os.path.abspath(inventory.root or ".")) or "root"
    return name


# Written where the document's own identifier goes, then replaced by one derived from the
# hash of the finished text: the identifier names exactly this content, and costs one hash.
PLACEHOLDER_UUID = "00000000-0000-5000-8000-000000000000"


def stamp_identifier(text: str) -> str:
    """Replace the placeholder by a UUID made from the hash of the whole text.

    Writers put the identifier before any content, so the first occurrence is the one to
    replace even if some content happened to contain the placeholder too.
    """
    digest = hashlib.sha256(text.encode()).hexdigest()
    return text.replace(PLACEHOLDER_UUID, uuid5_text(digest[:32]), 1)


def uuid5_text(hex32: str) -> str:
    """`str(uuid.UUID(hex=hex32, version=5))`, without importing uuid (and platform, ~2 ms)."""
    value = int(hex32, 16)
    value = (value & ~(0xC000 << 48)) | (0x8000 << 48)  # RFC 4122 variant
    value = (value & ~(0xF000 << 64)) | (5 << 76)  # version 5
    digits = f"{value:032x}"
    return f"{digits[:8]}-{digits[8:12]}-{digits[12:16]}-{digits[16:20]}-{digits[20:]}"


@lru_cache(maxsize=256)
def normalise_hash_algorithm(name: str) -> str:
    """'SHA-256', 'SHA_256', 'SHA3-256', 'BLAKE2b-256' -> the model's spelling: 'sha256', 'sha3-256'..."""
    key = name.strip().lower().replace("_", "-")
    if key.startswith("sha-") and key[4:].isdigit():
        key = "sha" + key[4:]
    return key


def scope_of_property(value: str | None) -> Scope | None:
    if value is None:
        return None
    try:
        return Scope(value)
    except ValueError:
        return None


@dataclass(frozen=True)
class DeclaredLicense:
    """A declared licence string, classified for SBOM output.

    `expression` is a valid SPDX expression (known ids, LicenseRef-… for the rest) or None
    when the string is not one (free text such as "BSD-like"); `single_id` is set when the
    expression is one known licence id; `license_refs` lists the LicenseRef ids it uses.
    """

    raw: str
    expression: str | None
    single_id: str | None
    license_refs: tuple[str, ...]


@lru_cache(maxsize=4096)
def classify_license(raw: str) -> DeclaredLicense:
    text = raw.strip()
    if text in plain_spdx_ids():
        return DeclaredLicense(raw, text, text, ())
    return classify_with_licensing(raw)


def classify_with_licensing(raw: str) -> DeclaredLicense:
    from license_expression import ExpressionError

    text = raw.strip()
    licensing = spdx_licensing()
    try:
        parsed = licensing.parse(text, validate=False)
    except (ExpressionError, TypeError, ValueError, RecursionError):
        return DeclaredLicense(raw, None, None, ())
    if parsed is None:
        return DeclaredLicense(raw, None, None, ())
    unknown = set(licensing.unknown_license_keys(parsed))
    if any(not _LICENSE_REF.match(key) for key in unknown):
        return DeclaredLicense(raw, None, None, ())
    expression = str(parsed)
    symbols = licensing.license_symbols(parsed, decompose=True)
    # Some LicenseRef ids are known to the licensing (ScanCode's); all must be declared in SPDX.
    refs = {s.key for s in symbols if s.key.startswith("LicenseRef-")}
    single = None
    if len(symbols) == 1 and not unknown and expression == symbols[0].key:
        single = expression
    return DeclaredLicense(raw, expression, single, tuple(sorted(refs)))


def license_ref_for_text(raw: str) -> str:
    """A stable LicenseRef id for a declared licence that is not an SPDX expression."""
    slug = re.sub(r"[^A-Za-z0-9.\-]+", "-", raw.strip()).strip("-.")[:40] or "unknown"
    digest = hashlib.sha256(raw.encode()).hexdigest()[:8]
    return f"LicenseRef-ospo-{slug}-{digest}"


def sorted_components(components: list[Component]) -> list[Component]:
    return sorted(components, key=lambda c: c.purl)
