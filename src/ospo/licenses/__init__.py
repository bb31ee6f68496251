"""Licence and copyright detection (see ARCHITECTURE.md).

`scan_text` scans one text, `scan_tree` a whole tree. Detection uses an index compiled once
from ScanCode's `licensedcode-data` and cached on disk; `category_of` and the key <-> SPDX
maps come from the same data.
"""

from ospo.licenses.catalog import CATEGORIES, category_of, key_to_spdx, spdx_to_key
from ospo.licenses.scanner import scan_file, scan_text, scan_tree

__all__ = ["CATEGORIES", "category_of", "key_to_spdx", "scan_file", "scan_text", "scan_tree", "spdx_to_key"]
