"""Inventory: every package that manifests, lockfiles and installed records name.

One module per format under `parsers/`, each exporting `PARSER`, a ParserSpec that answers
two questions in the manner of osv-scalibr's extractors: does it claim a file (by name,
cheaply), and what components and edges does a claimed file hold. The collector feeds it
files from the shared walk and merges the results.
"""

from ospo.inventory.collector import InventoryCollector, InventoryOptions, build_inventory
from ospo.inventory.interface import ParserSpec
from ospo.inventory.registry import all_parsers, parser_for

__all__ = [
    "InventoryCollector",
    "InventoryOptions",
    "ParserSpec",
    "all_parsers",
    "build_inventory",
    "parser_for",
]
