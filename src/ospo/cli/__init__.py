"""The `ospo` command line (Typer + Rich)."""
