"""`ospo licenses PATH`: licences and copyrights of every file under PATH."""

from __future__ import annotations

from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer

from ospo.cli import exitcodes
from ospo.cli.output import err_console, write_output, write_rich
from ospo.walk import WalkOptions


class LicensesFormat(StrEnum):
    table = "table"
    json = "json"
    spdx = "spdx"


def licenses(
    path: Annotated[Path, typer.Argument(help="Folder (or single file) to scan.")],
    format: Annotated[LicensesFormat, typer.Option("--format", "-f", help="Output format.")] = LicensesFormat.table,
    output: Annotated[Path | None, typer.Option("--output", "-o", help="Write to this file.")] = None,
    processes: Annotated[
        int | None, typer.Option("--processes", "-p", min=1, help="Worker processes (default: CPU count).")
    ] = None,
    no_ignore: Annotated[bool, typer.Option("--no-ignore", help="Do not apply .gitignore rules.")] = False,
    exclude: Annotated[
        list[str] | None, typer.Option("--exclude", help="Gitignore-style pattern to skip (repeatable).")
    ] = None,
) -> None:
    """Detect licences (SPDX tags, texts, notices, references) and copyrights in files."""
    from ospo.licenses import category_of, scan_tree

    if not path.exists():
        err_console.print(f"[red]error:[/] {path} does not exist")
        raise typer.Exit(exitcodes.USAGE)
    walk = WalkOptions(respect_gitignore=not no_ignore, exclude=tuple(exclude or ()))
    scan = scan_tree(str(path), processes=processes, walk=walk)
    if format is LicensesFormat.table:
        from ospo.reports.licenses_table import licenses_table

        write_rich(licenses_table(scan), output)
    elif format is LicensesFormat.json:
        from ospo.reports.licenses_json import licenses_to_json

        write_output(licenses_to_json(scan, category_of), output)
    else:
        from ospo.sbom.licenses_spdx import licenses_to_spdx_json

        write_output(licenses_to_spdx_json(scan), output)
    for problem in scan.problems:
        err_console.print(f"[yellow]warning:[/] {problem}", highlight=False)
    if any(p.kind in ("parse", "unreadable") for p in scan.problems):
        raise typer.Exit(exitcodes.INCOMPLETE)
