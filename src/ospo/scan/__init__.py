"""`ospo scan`: inventory, licences, vulnerabilities and policy over one walk of a tree.

Sits above the core packages (it calls them all) and below the CLI and the service.
"""

from ospo.scan.pipeline import ScanOptions, ScanOutcome, scan

__all__ = ["ScanOptions", "ScanOutcome", "scan"]
