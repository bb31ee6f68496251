"""The `ospo` console script: `ospo inventory` without Typer's start-up, everything else through Typer.

Importing Typer and building its Click commands is ~80 ms, more than reading and writing a
typical lockfile takes. Inventories run in CI for every commit of every repository, so the
common, well-formed `ospo inventory` command line is read here by a small reader that knows
exactly the command's options and nothing else. Anything it does not fully understand (help,
a misspelt option, a bad format, a second path) goes to Typer, which owns every message and
help text; a test holds this reader to Click's reading of the same arguments.
"""

from __future__ import annotations

import gc
import os
import sys
from collections.abc import Callable, Sequence
from typing import NoReturn


def main(argv: Sequence[str] | None = None) -> None:
    args = list(sys.argv[1:] if argv is None else argv)
    if args and args[0] == "inventory":
        from ospo.cli.inventory_run import read_inventory_arguments, run_inventory

        request = read_inventory_arguments(args[1:])
        if request is not None:
            code = run_fast(lambda: run_inventory(request))
            if argv is None:  # the console script: nothing else runs in this process
                exit_now(code)
            sys.exit(code)
    from ospo.cli.main import app

    app(args=args)


def run_fast(command: Callable[[], int]) -> int:
    """Run a command outside Click, ending as Click's standalone mode ends its commands.

    The cyclic garbage collector is off meanwhile: a run is short, its parsers make almost no
    reference cycles, and the collector's passes over tens of thousands of young objects cost
    5-20% of an inventory (60 ms of a 6,000-entry package-lock.json).
    """
    gc.disable()
    try:
        return command()
    except KeyboardInterrupt:
        return 130  # as Typer ends an interrupted command: 128 + SIGINT, no message
    except BrokenPipeError:
        # The reader went away (`ospo inventory . | head`): stop quietly, and keep Python's
        # final flush of stdout from raising again.
        sys.stdout = open(os.devnull, "w")  # noqa: SIM115
        return 1
    finally:
        gc.enable()


def exit_now(code: int) -> NoReturn:
    """End the process once the output is flushed, without tearing down every module and
    object first (~6 ms, more after a big inventory); files are already closed and no
    exit handlers matter to a finished inventory."""
    try:
        sys.stdout.flush()
        sys.stderr.flush()
    except (BrokenPipeError, ValueError):
        code = code or 1
    os._exit(code)
