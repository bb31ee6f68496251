"""`ospo notice PATH` and `ospo report PATH`: the attribution notice and the audit report."""

from __future__ import annotations

from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer

from ospo.cli import exitcodes
from ospo.cli.output import err_console, write_output
from ospo.model import OspoError


class NoticeFormat(StrEnum):
    text = "text"
    html = "html"


PathArg = Annotated[Path, typer.Argument(help="Folder to scan.")]
OutputOpt = Annotated[Path | None, typer.Option("--output", "-o", help="Write to this file.")]
OfflineOpt = Annotated[bool, typer.Option("--offline", help="Never ask package registries.")]
PolicyOpt = Annotated[Path | None, typer.Option("--policy", help="Policy file.")]
DistributionOpt = Annotated[str, typer.Option("--distribution", "-d", help="distributed, saas or internal.")]
AdvisoriesOpt = Annotated[list[Path] | None, typer.Option("--advisories", help="OSV folder or zip (repeatable).")]
ProductOpt = Annotated[str | None, typer.Option("--product", help="Product name (default: the folder's name).")]


def _outcome(path: Path, policy: Path | None, distribution: str, offline: bool, advisories: list[Path] | None):  # type: ignore[no-untyped-def]
    from ospo.cli.scan_cmd import run_scan_with_progress
    from ospo.scan import ScanOptions

    if not path.exists():
        err_console.print(f"[red]error:[/] {path} does not exist")
        raise typer.Exit(exitcodes.USAGE)
    if distribution not in ("distributed", "saas", "internal"):
        err_console.print("[red]error:[/] --distribution must be distributed, saas or internal")
        raise typer.Exit(exitcodes.USAGE)
    options = ScanOptions(
        distribution=distribution, policy_path=policy, offline=offline, advisories=tuple(advisories or ())
    )
    try:
        return run_scan_with_progress(path, options, quiet=False)
    except OspoError as exc:
        err_console.print(f"[red]error:[/] {exc}", highlight=False)
        raise typer.Exit(exitcodes.USAGE) from None


def notice(
    path: PathArg,
    format: Annotated[NoticeFormat, typer.Option("--format", "-f", help="text or html.")] = NoticeFormat.text,
    output: OutputOpt = None,
    offline: OfflineOpt = False,
    policy: PolicyOpt = None,
    product: ProductOpt = None,
) -> None:
    """The attribution notice for everything shipped: components, licences, holders, texts, obligations."""
    from ospo.licenses import category_of
    from ospo.licenses.catalog import license_text
    from ospo.reports.notice import build_notice, render_html, render_text

    outcome = _outcome(path, policy, "distributed", offline, None)
    result = outcome.result
    built = build_notice(
        product or path.resolve().name,
        result.inventory.components,
        result.concluded,
        license_text=license_text,
        category_of=category_of,
    )
    write_output(render_html(built) if format is NoticeFormat.html else render_text(built), output)
    if built.unknown:
        err_console.print(
            f"[yellow]warning:[/] {len(built.unknown)} shipped components have no known licence "
            "and are listed for review at the end of the notice"
        )


def report(
    path: PathArg,
    output: OutputOpt = None,
    offline: OfflineOpt = False,
    policy: PolicyOpt = None,
    distribution: DistributionOpt = "distributed",
    advisories: AdvisoriesOpt = None,
    product: ProductOpt = None,
) -> None:
    """One self-contained HTML audit report for a release: the review board's evidence."""
    from ospo.reports.audit import render_audit_html

    outcome = _outcome(path, policy, distribution, offline, advisories)
    write_output(render_audit_html(outcome.result, product=product or path.resolve().name), output)
