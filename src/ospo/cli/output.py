"""Writing command output to a file or stdout, atomically for files."""

from __future__ import annotations

import itertools
import os
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from rich.console import Console


class _StderrConsole:
    """Rich's stderr console, made on first use: importing rich.console is ~15 ms of every
    command's start, and most runs of `ospo inventory` print nothing to stderr."""

    def __init__(self) -> None:
        self._console: Console | None = None

    def get(self) -> Console:
        if self._console is None:
            from rich.console import Console

            self._console = Console(stderr=True, soft_wrap=True)  # one line per message, for logs and greps
        return self._console

    def print(self, *objects: Any, **kwargs: Any) -> None:
        self.get().print(*objects, **kwargs)


err_console = _StderrConsole()


def write_output(text: str, output: Path | None) -> None:
    """Write to `output` through a temporary file and rename, so a failure leaves no half file."""
    if output is None:
        sys.stdout.write(text)
        if not text.endswith("\n"):
            sys.stdout.write("\n")
        return
    output.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = _create_beside(output)
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="\n") as handle:
            handle.write(text)
            if not text.endswith("\n"):
                handle.write("\n")
        os.replace(tmp, output)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


_TEMP_NAMES = itertools.count()


def _create_beside(output: Path) -> tuple[int, str]:
    """A new, exclusively created temporary file in `output`'s folder, mode 0666 less the umask
    (as any file the user writes). Named by process id and a counter rather than through
    tempfile, whose import (random, shutil) is ~3 ms of every `ospo inventory`."""
    while True:
        tmp = os.path.join(output.parent, f".{output.name}.{os.getpid()}.{next(_TEMP_NAMES)}.tmp")
        try:
            return os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o666), tmp
        except FileExistsError:
            continue  # left by a killed process that had the same id


def write_rich(renderable: Any, output: Path | None) -> None:
    """Print a Rich table to the terminal, or its plain text (200 columns) to `output`."""
    import io

    from rich.console import Console

    if output is None:
        Console().print(renderable)
        return
    console = Console(record=True, width=200, file=io.StringIO())
    console.print(renderable)
    write_output(console.export_text(), output)
