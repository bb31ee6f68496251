"""The office on the command line: `ospo serve`, `ospo users`, `ospo tokens`, `ospo where`."""

from __future__ import annotations

import getpass
import json
import os
import sys
from typing import Annotated

import typer

from ospo.cli import exitcodes
from ospo.cli.output import err_console

users_app = typer.Typer(help="People who use the office service.", no_args_is_help=True)
tokens_app = typer.Typer(help="API tokens for machines (CI jobs uploading scans).", no_args_is_help=True)

DatabaseOption = Annotated[
    str | None, typer.Option("--database", envvar="OSPO_DATABASE_URL", help="Store URL (default: local SQLite).")
]


def _store(database: str | None):  # type: ignore[no-untyped-def]
    from ospo.store import open_store

    return open_store(database)


def serve(
    host: Annotated[str, typer.Option(help="Address to listen on.")] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="Port.")] = 8000,
    database: DatabaseOption = None,
    workers: Annotated[int, typer.Option(help="Uvicorn worker processes.")] = 1,
) -> None:
    """Run the office service (REST API at /api/v1, OpenAPI at /docs)."""
    import uvicorn

    if database:
        os.environ["OSPO_DATABASE_URL"] = database
    if workers > 1:
        uvicorn.run("ospo.service.app:create_app", factory=True, host=host, port=port, workers=workers)
    else:
        from ospo.service.app import create_app

        uvicorn.run(create_app(database), host=host, port=port)


@users_app.command("add")
def users_add(
    email: str,
    role: Annotated[str, typer.Option(help="viewer, engineer, reviewer or admin.")] = "viewer",
    name: Annotated[str, typer.Option(help="Display name.")] = "",
    password_stdin: Annotated[bool, typer.Option("--password-stdin", help="Read the password from stdin.")] = False,
    no_password: Annotated[bool, typer.Option("--no-password", help="Token-only user (a machine).")] = False,
    database: DatabaseOption = None,
) -> None:
    """Add a user."""
    from ospo.store.accounts import AccountError, add_user

    password: str | None = None
    if password_stdin:
        password = sys.stdin.readline().rstrip("\n")
    elif not no_password:
        password = getpass.getpass("password: ")
    try:
        uid = add_user(_store(database), email, role, password, name)
    except AccountError as exc:
        err_console.print(f"[red]error:[/] {exc}")
        raise typer.Exit(exitcodes.USAGE) from None
    typer.echo(f"user {uid} {email} ({role})")


@tokens_app.command("create")
def tokens_create(
    email: Annotated[str, typer.Option("--user", help="Owner of the token.")],
    name: Annotated[str, typer.Option("--name", help="What the token is for, e.g. 'ci shop'.")],
    scope: Annotated[list[str] | None, typer.Option("--scope", help="Limit to read/upload/review/admin.")] = None,
    expires_days: Annotated[int, typer.Option("--expires-days", min=0, help="0: never expires.")] = 90,
    database: DatabaseOption = None,
) -> None:
    """Create an API token; it is printed once and stored only as a hash."""
    from datetime import timedelta

    from ospo.store.accounts import AccountError, create_token

    try:
        tid, token = create_token(
            _store(database),
            email,
            name,
            scopes=tuple(scope or ()),
            expires_in=timedelta(days=expires_days) if expires_days else None,
        )
    except AccountError as exc:
        err_console.print(f"[red]error:[/] {exc}")
        raise typer.Exit(exitcodes.USAGE) from None
    err_console.print(f"token {tid} created; it will not be shown again:")
    typer.echo(token)


@tokens_app.command("revoke")
def tokens_revoke(token_id: int, database: DatabaseOption = None) -> None:
    """Revoke a token at once."""
    from ospo.store.accounts import AccountError, revoke_token

    try:
        revoke_token(_store(database), token_id)
    except AccountError as exc:
        err_console.print(f"[red]error:[/] {exc}")
        raise typer.Exit(exitcodes.USAGE) from None
    typer.echo(f"token {token_id} revoked")


def where(
    purl: Annotated[str, typer.Argument(help="A purl without version, or a prefix of one.")],
    range_: Annotated[str | None, typer.Option("--range", help="Version range, e.g. '<2.17.1'.")] = None,
    history: Annotated[bool, typer.Option("--history", help="Include older scans, not only the latest.")] = False,
    as_json: Annotated[bool, typer.Option("--json", help="JSON output.")] = False,
    database: DatabaseOption = None,
) -> None:
    """Every product, release and project that ships a component (answered from the store)."""
    from rich.console import Console
    from rich.table import Table

    from ospo.model import OspoError
    from ospo.policy.ranges import RangeError, in_range, parse_range
    from ospo.store.queries import where as where_query
    from ospo.vulns import versions

    version_filter = None
    if range_:
        try:
            spec = parse_range(range_)
        except RangeError as exc:
            err_console.print(f"[red]error:[/] {exc}")
            raise typer.Exit(exitcodes.USAGE) from None

        def version_filter(ecosystem: str, version: str) -> bool:
            osv = versions.osv_ecosystem(ecosystem)
            try:
                return in_range(version, spec, lambda a, b: versions.compare(osv, a, b))
            except OspoError:
                return False

    hits = where_query(_store(database), purl, version_filter=version_filter, include_history=history)
    if as_json:
        typer.echo(json.dumps([{**h.__dict__, "scanned_at": h.scanned_at.isoformat()} for h in hits], indent=2))
        return
    table = Table(title=f"{purl} {range_ or ''}".strip() + f": {len(hits)} places")
    for col in ("product", "release", "project", "team", "version", "scope", "direct"):
        table.add_column(col)
    for h in hits:
        table.add_row(
            h.product or "",
            h.release or "",
            h.project,
            h.team or "",
            h.version or "",
            h.scope,
            {True: "yes", False: "no", None: "?"}[h.direct],
        )
    Console().print(table)
