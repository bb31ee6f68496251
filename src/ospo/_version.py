"""The one place the version is written: pyproject reads it, and so does the CLI (importing
importlib.metadata to look it up costs ~10 ms of every start)."""

VERSION = "0.1.0"
