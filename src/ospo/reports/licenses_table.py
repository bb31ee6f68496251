"""The licence scan as a Rich table (terminal output of `ospo licenses`)."""

from __future__ import annotations

from rich.console import Group
from rich.table import Table
from rich.text import Text

from ospo.model import LicenseScan


def licenses_table(scan: LicenseScan) -> Group:
    summary = Table(title="Declared and detected licences", show_lines=False)
    summary.add_column("folder")
    summary.add_column("declared")
    summary.add_column("from")
    summary.add_column("detected beneath")
    for p in scan.packages:
        summary.add_row(p.folder, p.declared or "-", ", ".join(p.declared_from) or "-", ", ".join(p.detected) or "-")
    files = Table(title=f"Licence findings ({sum(len(f.findings) for f in scan.files)} in {scan.files_seen} files)")
    files.add_column("file")
    files.add_column("lines", justify="right")
    files.add_column("licence")
    files.add_column("kind")
    files.add_column("score", justify="right")
    files.add_column("rule")
    for f in scan.files:
        for x in f.findings:
            lines = f"{x.start_line}" if x.start_line == x.end_line else f"{x.start_line}-{x.end_line}"
            files.add_row(f.path, lines, x.expression, x.kind.value, f"{x.score:.0f}", x.rule)
    parts: list[Table | Text] = [summary, files]
    if scan.problems:
        parts.append(Text(f"{len(scan.problems)} problem(s); see --format json for details", style="yellow"))
    return Group(*parts)
