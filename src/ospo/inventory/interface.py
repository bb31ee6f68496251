"""What every inventory parser provides."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from ospo.model import ManifestResult

DEFAULT_MAX_MANIFEST_BYTES = 64 << 20


@dataclass(frozen=True)
class ParserSpec:
    """One file format.

    `claims(name, relpath)` must be cheap: it runs for every file of the tree. `parse(path,
    text)` receives the path relative to the scan root (used in locations and errors) and
    the decoded text; it returns a ManifestResult or raises ospo.model.ParseError, never
    anything else. Declared
    ranges (resolved=False) are folded by the collector into the pins of a lockfile in the
    same or an ancestor folder, so a manifest parser need not know about lockfiles.
    """

    name: str
    ecosystem: str
    claims: Callable[[str, str], bool]
    parse: Callable[[str, str], ManifestResult]
    max_bytes: int = DEFAULT_MAX_MANIFEST_BYTES

    def load(self) -> ParserSpec:
        """Itself: a loaded parser stands wherever the registry's lazy entries do."""
        return self
