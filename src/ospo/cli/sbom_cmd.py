"""`ospo sbom import FILE`: a supplier's SBOM into the store, judged like a scan."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated

import typer

from ospo.cli import exitcodes
from ospo.cli.output import err_console

sbom_app = typer.Typer(help="Supplier SBOMs (CycloneDX, SPDX) as inputs.", no_args_is_help=True)

DatabaseOption = Annotated[
    str | None, typer.Option("--database", envvar="OSPO_DATABASE_URL", help="Store URL (default: local SQLite).")
]
MAX_SBOM_BYTES = 64 << 20


@sbom_app.command("import")
def sbom_import(
    file: Annotated[Path, typer.Argument(help="CycloneDX JSON or SPDX (JSON or tag-value) document.")],
    project: Annotated[str, typer.Option("--project", help="Project the SBOM describes (created if new).")],
    product: Annotated[str | None, typer.Option("--product", help="Product the project belongs to.")] = None,
    release: Annotated[str | None, typer.Option("--release", help="Release of the product it was shipped in.")] = None,
    policy: Annotated[
        Path | None, typer.Option("--policy", help="Policy file (default: OSPO_POLICY, else ospo's default).")
    ] = None,
    database: DatabaseOption = None,
    as_json: Annotated[bool, typer.Option("--json", help="JSON output.")] = False,
) -> None:
    """Judge an SBOM's components (declared licences, advisories in the store, policy) and store them.

    Idempotent: the same SBOM imported twice is stored once. Exit 0 when stored, 1 when stored
    and the policy denies a component, 2 when the file or the policy cannot be read.
    """
    from ospo.model import OspoError
    from ospo.policy import PolicyError
    from ospo.service.reevaluate import load_service_policy
    from ospo.service.sbom_import import import_sbom
    from ospo.store import open_store

    try:
        if file.stat().st_size > MAX_SBOM_BYTES:
            err_console.print(
                f"[red]error:[/] {file}: larger than {MAX_SBOM_BYTES >> 20} MiB", highlight=False, soft_wrap=True
            )
            raise typer.Exit(exitcodes.USAGE)
        text = file.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        err_console.print(f"[red]error:[/] {file}: cannot read: {exc}", highlight=False, soft_wrap=True)
        raise typer.Exit(exitcodes.USAGE) from None
    if release is not None and product is None:
        product = project
    try:
        service_policy = load_service_policy(policy)
    except PolicyError as exc:
        err_console.print(f"[red]error:[/] {exc}", highlight=False, soft_wrap=True)
        raise typer.Exit(exitcodes.USAGE) from None
    store = open_store(database)
    try:
        done = import_sbom(
            store, text, str(file), project, service_policy, product=product, release=release, actor="cli"
        )
    except (OspoError, ValueError) as exc:
        err_console.print(f"[red]error:[/] {exc}", highlight=False, soft_wrap=True)
        raise typer.Exit(exitcodes.USAGE) from None
    finally:
        store.close()
    result = done.result
    counts: dict[str, int] = {}
    for d in result.decisions:
        counts[d.verdict.value] = counts.get(d.verdict.value, 0) + 1
    if as_json:
        typer.echo(
            json.dumps(
                {
                    **done.outcome.__dict__,
                    "kind": done.kind,
                    "verdict": result.verdict,
                    "verdicts": counts,
                    "vulnerabilities": len(result.vulnerabilities),
                    "problems": [str(p) for p in result.problems],
                },
                indent=2,
            )
        )
    else:
        state = "stored" if done.outcome.created else "already stored"
        typer.echo(
            f"{done.kind} SBOM {state} as scan {done.outcome.scan_id} of {project}: "
            f"{done.outcome.components} components, verdict {result.verdict} "
            f"({', '.join(f'{k} {v}' for k, v in sorted(counts.items())) or 'no decisions'}), "
            f"{len(result.vulnerabilities)} vulnerabilities"
        )
        for problem in result.problems:
            err_console.print(f"[yellow]note:[/] {problem}", highlight=False, soft_wrap=True)
    raise typer.Exit(exitcodes.FINDINGS if result.verdict == "deny" else exitcodes.OK)
