"""`ospo inventory PATH`."""

from __future__ import annotations

import io
from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer

from ospo.cli import exitcodes
from ospo.cli.output import err_console, write_output
from ospo.inventory import InventoryOptions, build_inventory
from ospo.walk import WalkOptions


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
    if not path.exists():
        err_console.print(f"[red]error:[/] {path} does not exist")
        raise typer.Exit(exitcodes.USAGE)
    options = InventoryOptions(walk=WalkOptions(respect_gitignore=not no_ignore, exclude=tuple(exclude or ())))
    result = build_inventory(str(path), options)
    if format is InventoryFormat.table:
        from rich.console import Console

        from ospo.reports.inventory_table import inventory_table

        if output is None:
            Console().print(inventory_table(result))
        else:
            console = Console(record=True, width=200, file=io.StringIO())
            console.print(inventory_table(result))
            write_output(console.export_text(), output)
    elif format is InventoryFormat.json:
        from ospo.reports.inventory_json import inventory_to_json

        write_output(inventory_to_json(result), output)
    elif format is InventoryFormat.cyclonedx:
        from ospo.sbom.cyclonedx import inventory_to_cyclonedx_json

        write_output(inventory_to_cyclonedx_json(result), output)
    else:
        from ospo.sbom.spdx import inventory_to_spdx_json

        write_output(inventory_to_spdx_json(result), output)
    for problem in result.problems:
        err_console.print(f"[yellow]warning:[/] {problem}", highlight=False)
    if any(p.kind in ("parse", "unreadable", "too-large") for p in result.problems):
        raise typer.Exit(exitcodes.INCOMPLETE)
