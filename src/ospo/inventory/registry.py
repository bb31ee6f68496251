"""Finds the parsers: every module in ospo.inventory.parsers that exports PARSER."""

from __future__ import annotations

import importlib
import pkgutil
from functools import cache

from ospo.inventory import parsers as _parsers_pkg
from ospo.inventory.interface import ParserSpec


@cache
def all_parsers() -> tuple[ParserSpec, ...]:
    found: list[ParserSpec] = []
    for info in sorted(pkgutil.iter_modules(_parsers_pkg.__path__), key=lambda m: m.name):
        if info.name.startswith("_"):
            continue
        module = importlib.import_module(f"{_parsers_pkg.__name__}.{info.name}")
        spec = getattr(module, "PARSER", None)
        if isinstance(spec, ParserSpec):
            found.append(spec)
        for extra in getattr(module, "PARSERS", ()):
            if isinstance(extra, ParserSpec):
                found.append(extra)
    return tuple(found)


def parser_for(name: str, relpath: str) -> ParserSpec | None:
    """The first parser that claims a file, or None."""
    for spec in all_parsers():
        if spec.claims(name, relpath):
            return spec
    return None
