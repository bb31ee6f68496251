"""What `ospo inventory` does once its arguments are known, without importing Typer.

Both the Typer command and the fast entry (`ospo.cli.entry`) call `run_inventory`, so the two
ways in can only differ in how they read the command line, never in what they do. The fast
entry reads it with `read_inventory_arguments`, which declines (returns None) whatever it does
not fully understand, so Typer stays the one voice for help and usage errors.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from ospo.cli import exitcodes
from ospo.cli.output import err_console, write_output, write_rich
from ospo.inventory import InventoryOptions, build_inventory
from ospo.walk import WalkOptions

INVENTORY_FORMATS = ("table", "json", "cyclonedx", "spdx")


@dataclass(frozen=True)
class InventoryRequest:
    path: Path
    format: str = "table"
    output: Path | None = None
    no_ignore: bool = False
    exclude: tuple[str, ...] = ()


# Option spellings of `ospo inventory`, as the Typer command (`inventory_cmd`) declares them.
_VALUE_OPTIONS = {"--format": "format", "-f": "format", "--output": "output", "-o": "output", "--exclude": "exclude"}
_FLAG_OPTIONS = {"--no-ignore": "no_ignore"}


def read_inventory_arguments(args: Sequence[str]) -> InventoryRequest | None:
    """The arguments after `inventory` as the command's parameters, or None to leave them to Typer."""
    path: str | None = None
    format_ = "table"
    output: str | None = None
    no_ignore = False
    exclude: list[str] = []
    index = 0
    only_positional = False
    while index < len(args):
        arg = args[index]
        index += 1
        if only_positional or arg == "-" or not arg.startswith("-"):
            if path is not None or arg == "":
                return None
            path = arg
            continue
        if arg == "--":
            only_positional = True
            continue
        name, value = arg, None
        if arg.startswith("--") and "=" in arg:
            name, value = arg.split("=", 1)
        elif not arg.startswith("--") and len(arg) > 2:
            name, value = arg[:2], arg[2:]
        if name in _FLAG_OPTIONS and value is None:
            no_ignore = True
            continue
        if name not in _VALUE_OPTIONS:
            return None
        if value is None:
            if index >= len(args):
                return None
            value = args[index]
            index += 1
        option = _VALUE_OPTIONS[name]
        if option == "format":
            if value not in INVENTORY_FORMATS:
                return None
            format_ = value
        elif option == "output":
            if value == "":
                return None
            output = value
        else:
            exclude.append(value)
    if path is None:
        return None
    return InventoryRequest(Path(path), format_, None if output is None else Path(output), no_ignore, tuple(exclude))


def run_inventory(request: InventoryRequest) -> int:
    """Inventory, write in the asked format, report problems; returns the exit code."""
    path = request.path
    if not path.exists():
        err_console.print(f"[red]error:[/] {path} does not exist")
        return exitcodes.USAGE
    options = InventoryOptions(walk=WalkOptions(respect_gitignore=not request.no_ignore, exclude=request.exclude))
    result = build_inventory(str(path), options)
    output = request.output
    if request.format == "table":
        from ospo.reports.inventory_table import inventory_table

        write_rich(inventory_table(result), output)
    elif request.format == "json":
        from ospo.reports.inventory_json import inventory_to_json

        write_output(inventory_to_json(result), output)
    elif request.format == "cyclonedx":
        from ospo.sbom.cyclonedx import inventory_to_cyclonedx_json

        write_output(inventory_to_cyclonedx_json(result), output)
    elif request.format == "spdx":
        from ospo.sbom.spdx import inventory_to_spdx_json

        write_output(inventory_to_spdx_json(result), output)
    else:
        raise ValueError(f"unknown inventory format {request.format!r}")
    for problem in result.problems:
        err_console.print(f"[yellow]warning:[/] {problem}", highlight=False)
    if any(p.kind in ("parse", "unreadable", "too-large") for p in result.problems):
        return exitcodes.INCOMPLETE
    return exitcodes.OK
