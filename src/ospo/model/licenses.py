"""Results of a licence scan: per file, per package folder, per tree."""

from __future__ import annotations

from dataclasses import dataclass, field

from ospo.model.errors import FileProblem
from ospo.model.findings import Copyright, LicenseFinding

LICENSE_SCAN_VERSION = 1


@dataclass
class FileLicenses:
    """What one file holds: licence findings, copyrights, and anything worth a note
    (huge file scanned only in part, binary read through its printable strings...)."""

    path: str
    findings: list[LicenseFinding] = field(default_factory=list)
    copyrights: list[Copyright] = field(default_factory=list)
    notes: list[FileProblem] = field(default_factory=list)
    sha1: str | None = None
    size: int | None = None
    scanned: bool = True  # False when the cheap prefilter saw nothing licence-like


@dataclass(frozen=True)
class PackageLicenses:
    """A top-level folder (or the root, `.`): what it declares and what its files hold.

    `declared` comes from licence/readme files at the folder's top and its package
    metadata; `detected` is every distinct expression found in files beneath it.
    """

    folder: str
    declared: str | None
    declared_from: tuple[str, ...] = ()
    detected: tuple[str, ...] = ()
    files_with_licenses: int = 0


@dataclass
class LicenseScan:
    """A whole tree's licence scan: the files, the summaries, the problems met."""

    root: str
    files: list[FileLicenses] = field(default_factory=list)
    packages: list[PackageLicenses] = field(default_factory=list)
    problems: list[FileProblem] = field(default_factory=list)
    files_seen: int = 0
    data_version: str = ""
    version: int = LICENSE_SCAN_VERSION

    @property
    def declared(self) -> PackageLicenses | None:
        """The root's own summary (folder ".")."""
        for package in self.packages:
            if package.folder == ".":
                return package
        return None
