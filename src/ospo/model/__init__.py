"""Plain data shared by every layer of ospo.

Everything here is a frozen dataclass or an enum with no behaviour beyond small derived
properties, so a ScanResult can be serialised, compared and ingested without importing any
scanner. Nothing in this package may import another ospo package.
"""

from ospo.model.components import (
    Component,
    Dependency,
    Hash,
    Location,
    ManifestResult,
    Scope,
    merge_scope,
    sorted_hashes,
)
from ospo.model.errors import FileProblem, OspoError, ParseError
from ospo.model.findings import (
    Advisory,
    Copyright,
    LicenseFinding,
    MatchKind,
    PolicyDecision,
    Verdict,
    VulnerabilityMatch,
)
from ospo.model.licenses import FileLicenses, LicenseScan, PackageLicenses
from ospo.model.result import ConcludedLicense, Inventory, ScanResult

__all__ = [
    "Advisory",
    "Component",
    "ConcludedLicense",
    "Copyright",
    "Dependency",
    "FileLicenses",
    "FileProblem",
    "Hash",
    "Inventory",
    "LicenseFinding",
    "LicenseScan",
    "Location",
    "ManifestResult",
    "MatchKind",
    "OspoError",
    "PackageLicenses",
    "ParseError",
    "PolicyDecision",
    "ScanResult",
    "Scope",
    "Verdict",
    "VulnerabilityMatch",
    "merge_scope",
    "sorted_hashes",
]
