"""`ospo inventory PATH`."""

from __future__ import annotations

from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer

from ospo.cli.inventory_run import InventoryRequest, run_inventory


class InventoryFormat(StrEnum):
    table = "table"
    json = "json"
    cyclonedx = "cyclonedx"
    spdx = "spdx"


def inventory(
    path: Annotated[Path, typer.Argument(help="Folder (or single manifest) to inventory.")],
    format: Annotated[InventoryFormat, typer.Option("--format", "-f", help="Output format.")] = (InventoryFormat.table),
    output: Annotated[Path | None, typer.Option("--output", "-o", help="Write to this file.")] = None,
    no_ignore: Annotated[bool, typer.Option("--no-ignore", help="Do not apply .gitignore rules.")] = False,
    exclude: Annotated[
        list[str] | None, typer.Option("--exclude", help="Gitignore-style pattern to skip (repeatable).")
    ] = None,
) -> None:
    """List every component that manifests, lockfiles and installed packages name."""
    code = run_inventory(
        InventoryRequest(path, format.value, output, no_ignore, tuple(exclude or ())),
    )
    if code:
        raise typer.Exit(code)
