"""The `ospo` console script: `ospo inventory` without Typer's start-up, everything else through Typer.

Importing Typer and building its Click commands is ~80 ms, more than reading and writing a
typical lockfile takes. Inventories run in CI for every commit of every repository, so the
common, well-formed `ospo inventory` command line is read here by a small reader that knows
exactly the command's options and nothing else. Anything it does not fully understand (help,
a misspelt option, a bad format, a second path) goes to Typer, which owns every message and
help text; a test holds this reader to Click's reading of the same arguments.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Callable, Sequence


def main(argv: Sequence[str] | None = None) -> None:
    args = list(sys.argv[1:] if argv is None else argv)
    if args and args[0] == "inventory":
        from ospo.cli.inventory_run import read_inventory_arguments, run_inventory

        request = read_inventory_arguments(args[1:])
        if request is not None:
            sys.exit(run_fast(lambda: run_inventory(request)))
    from ospo.cli.main import app

    app(args=args)


def run_fast(command: Callable[[], int]) -> int:
    """Run a command outside Click, ending as Click's standalone mode ends its commands."""
    try:
        return command()
    except KeyboardInterrupt:
        sys.stderr.write("\nAborted!\n")
        return 1
    except BrokenPipeError:
        # The reader went away (`ospo inventory . | head`): stop quietly, and keep Python's
        # final flush of stdout from raising again.
        sys.stdout = open(os.devnull, "w")  # noqa: SIM115
        return 1
