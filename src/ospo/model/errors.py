"""Typed errors: the only exceptions a parser may let escape."""

from __future__ import annotations

from dataclasses import dataclass


class OspoError(Exception):
    """Base of every error ospo raises on purpose (as opposed to a bug)."""


class ParseError(OspoError):
    """A file could not be understood.

    Carries the file and, where known, the line, so the run can report it precisely and go
    on with the rest of the tree instead of stopping.
    """

    def __init__(self, path: str, message: str, line: int | None = None) -> None:
        self.path = path
        self.message = message
        self.line = line
        where = f"{path}:{line}" if line is not None else path
        super().__init__(f"{where}: {message}")


@dataclass(frozen=True)
class FileProblem:
    """Something about one file or folder that the run reports but survives.

    `kind` is a short stable word (``parse``, ``unreadable``, ``too-large``, ``symlink-loop``,
    ``unsupported``, ``timeout``) so reports and exit codes can group problems.
    """

    path: str
    kind: str
    message: str
    line: int | None = None

    def __str__(self) -> str:
        where = f"{self.path}:{self.line}" if self.line is not None else self.path
        return f"{where}: {self.kind}: {self.message}"

    @classmethod
    def from_parse_error(cls, error: ParseError) -> FileProblem:
        return cls(path=error.path, kind="parse", message=error.message, line=error.line)
