"""`ospo reevaluate`: judge every project's latest stored scan again, without rescanning."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated

import typer

from ospo.cli import exitcodes
from ospo.cli.output import err_console

DatabaseOption = Annotated[
    str | None, typer.Option("--database", envvar="OSPO_DATABASE_URL", help="Store URL (default: local SQLite).")
]


def reevaluate(
    policy: Annotated[
        Path | None,
        typer.Option("--policy", help="Policy file (default: OSPO_POLICY, else ospo's default policy)."),
    ] = None,
    database: DatabaseOption = None,
    as_json: Annotated[bool, typer.Option("--json", help="JSON output.")] = False,
) -> None:
    """Apply the current policy and advisories to every project's latest scan in the store.

    Updates the stored verdicts, reasons and tracked vulnerability findings; prints what
    changed. Exit 0 when done, 2 when the policy cannot be read, 3 when some stored scans
    could not be re-evaluated.
    """
    from rich.console import Console
    from rich.table import Table

    from ospo.policy import PolicyError
    from ospo.service.reevaluate import load_service_policy, reevaluate_if_changed
    from ospo.store import open_store

    try:
        service_policy = load_service_policy(policy)
    except PolicyError as exc:
        err_console.print(f"[red]error:[/] {exc}", highlight=False, soft_wrap=True)
        raise typer.Exit(exitcodes.USAGE) from None
    store = open_store(database)
    try:
        report = reevaluate_if_changed(store, policy=service_policy, force=True, actor="cli")
    finally:
        store.close()
    assert report is not None
    if as_json:
        typer.echo(
            json.dumps(
                {
                    "policy": report.policy_source,
                    "projects": len(report.projects),
                    "changed_projects": [p.project for p in report.changed_projects],
                    "changes": [c.__dict__ for c in report.changes],
                    "errors": [{"project": p.project, "error": p.error} for p in report.errors],
                },
                indent=2,
            )
        )
    else:
        table = Table(title=f"{len(report.changes)} verdict changes in {len(report.projects)} projects")
        for col in ("project", "component", "before", "after"):
            table.add_column(col)
        for c in report.changes:
            table.add_row(c.project, c.subject, c.before or "", c.after or "")
        Console().print(table)
        for p in report.projects:
            if p.verdict_before != p.verdict_after:
                err_console.print(
                    f"{p.project}: {p.verdict_before} -> {p.verdict_after}", highlight=False, soft_wrap=True
                )
        for p in report.errors:
            err_console.print(f"[yellow]warning:[/] {p.project}: {p.error}", highlight=False, soft_wrap=True)
    raise typer.Exit(exitcodes.INCOMPLETE if report.errors else exitcodes.OK)
