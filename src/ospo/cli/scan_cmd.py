"""`ospo scan PATH`: the compliance pipeline end to end, for engineers and CI jobs."""

from __future__ import annotations

import io
import json
from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer

from ospo.cli import exitcodes
from ospo.cli.output import err_console, write_output
from ospo.model import OspoError
from ospo.walk import WalkOptions


class ScanFormat(StrEnum):
    table = "table"
    json = "json"
    sarif = "sarif"
    cyclonedx = "cyclonedx"
    spdx = "spdx"
    html = "html"


class Distribution(StrEnum):
    distributed = "distributed"
    saas = "saas"
    internal = "internal"


FAIL_ON = ("deny", "review", "never", "critical", "high", "medium", "low")
_SEVERITY_RANK = {"low": 1, "medium": 2, "high": 3, "critical": 4}


def run_scan_with_progress(path: Path, options: object, quiet: bool) -> object:
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, SpinnerColumn, TextColumn, TimeElapsedColumn

    from ospo.scan import ScanOptions, scan

    assert isinstance(options, ScanOptions)
    if quiet:
        return scan(path, options)
    with Progress(
        SpinnerColumn(),
        TextColumn("{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        console=err_console.get(),
        transient=True,
    ) as bar:
        tasks: dict[str, object] = {}

        def tick(stage: str, done: int, total: int | None) -> None:
            if stage not in tasks:
                tasks[stage] = bar.add_task(stage, total=total)
            bar.update(tasks[stage], completed=done, total=total)  # type: ignore[arg-type]

        return scan(path, options, progress=tick)


def scan(
    path: Annotated[Path, typer.Argument(help="Folder to scan.")],
    policy: Annotated[
        Path | None, typer.Option("--policy", help="Policy file (default: PATH/ospo-policy.yml, else ospo's default).")
    ] = None,
    distribution: Annotated[
        Distribution, typer.Option("--distribution", "-d", help="How the product reaches users.")
    ] = Distribution.distributed,
    offline: Annotated[bool, typer.Option("--offline", help="Never ask package registries.")] = False,
    format: Annotated[ScanFormat, typer.Option("--format", "-f", help="Output format.")] = ScanFormat.table,
    output: Annotated[Path | None, typer.Option("--output", "-o", help="Write the output to this file.")] = None,
    fail_on: Annotated[
        str,
        typer.Option(
            "--fail-on",
            help="Exit 1 when a component is denied (deny, default), denied or to review (review), "
            "never, or also on any vulnerability at or above a severity (critical, high, medium, low).",
        ),
    ] = "deny",
    advisories: Annotated[
        list[Path] | None, typer.Option("--advisories", help="Folder or zip of OSV records to match (repeatable).")
    ] = None,
    no_store: Annotated[bool, typer.Option("--no-store", help="Do not read the local vulnerability store.")] = False,
    no_licenses: Annotated[bool, typer.Option("--no-licenses", help="Skip licence detection in files.")] = False,
    processes: Annotated[int, typer.Option("--processes", "-p", min=1, help="Processes for licence detection.")] = 2,
    no_ignore: Annotated[bool, typer.Option("--no-ignore", help="Do not apply .gitignore rules.")] = False,
    exclude: Annotated[list[str] | None, typer.Option("--exclude", help="Gitignore-style pattern to skip.")] = None,
    show_allowed: Annotated[bool, typer.Option("--show-allowed", help="List allowed components too.")] = False,
    quiet: Annotated[bool, typer.Option("--quiet", "-q", help="No progress bar.")] = False,
    upload: Annotated[
        str | None, typer.Option("--upload", help="Also send the result to this ospo service (base URL).")
    ] = None,
    token: Annotated[
        str | None, typer.Option("--token", envvar="OSPO_TOKEN", help="API token for --upload (upload permission).")
    ] = None,
    project: Annotated[str | None, typer.Option("--project", help="Project name in the service (--upload).")] = None,
    product: Annotated[str | None, typer.Option("--product", help="Product the project belongs to (--upload).")] = None,
    release: Annotated[str | None, typer.Option("--release", help="Release of the product (--upload).")] = None,
) -> None:
    """Inventory, licences, vulnerabilities and policy verdicts for one tree.

    Exit 0 when allowed, 1 on findings (see --fail-on), 2 on a usage error, 3 when some
    files could not be read, 4 when --upload could not store the result in the service.
    """
    from ospo.policy import PolicyError
    from ospo.scan import ScanOptions

    if not path.exists():
        err_console.print(f"[red]error:[/] {path} does not exist")
        raise typer.Exit(exitcodes.USAGE)
    if fail_on not in FAIL_ON:
        err_console.print(f"[red]error:[/] --fail-on must be one of {', '.join(FAIL_ON)}")
        raise typer.Exit(exitcodes.USAGE)
    if upload is not None and (not token or not project):
        err_console.print("[red]error:[/] --upload needs --token (or OSPO_TOKEN) and --project")
        raise typer.Exit(exitcodes.USAGE)
    options = ScanOptions(
        walk=WalkOptions(respect_gitignore=not no_ignore, exclude=tuple(exclude or ())),
        distribution=distribution.value,
        policy_path=policy,
        offline=offline,
        licenses=not no_licenses,
        processes=processes,
        advisories=tuple(advisories or ()),
        use_store=not no_store,
    )
    try:
        outcome = run_scan_with_progress(path, options, quiet or format is not ScanFormat.table or output is not None)
    except PolicyError as exc:
        err_console.print(f"[red]error:[/] {exc}", highlight=False)
        raise typer.Exit(exitcodes.USAGE) from None
    except OspoError as exc:
        err_console.print(f"[red]error:[/] {exc}", highlight=False)
        raise typer.Exit(exitcodes.USAGE) from None
    from ospo.scan import ScanOutcome

    assert isinstance(outcome, ScanOutcome)
    write_format(outcome, format, output, path, show_allowed)
    if upload is not None and token is not None and project is not None:
        from ospo.cli.upload import UploadError, upload_scan
        from ospo.reports.scan_json import scan_to_data

        try:
            sent = upload_scan(upload, token, scan_to_data(outcome.result), project, product=product, release=release)
        except UploadError as exc:
            err_console.print(f"[red]upload failed:[/] {exc}", highlight=False, soft_wrap=True)
            raise typer.Exit(exitcodes.UPLOAD_FAILED) from None
        state = "stored" if sent.created else "already stored"
        judged = f"; the service's verdict: {sent.verdict}" if sent.verdict else ""
        err_console.print(
            f"uploaded: {state} as scan {sent.scan_id} of {project} at {upload}{judged}",
            highlight=False,
            soft_wrap=True,
        )
    raise typer.Exit(exit_code(outcome, fail_on))


def write_format(outcome: object, format: ScanFormat, output: Path | None, path: Path, show_allowed: bool) -> None:
    from rich.console import Console

    from ospo.scan import ScanOutcome

    assert isinstance(outcome, ScanOutcome)
    result = outcome.result
    if format is ScanFormat.table:
        from ospo.reports.scan_terminal import scan_report

        renderable = scan_report(
            result,
            fix_advice=outcome.fix_advice,
            expired_exceptions=[e.id for e in outcome.report.expired_exceptions],
            show_allowed=show_allowed,
        )
        if output is None:
            Console().print(renderable)
        else:
            console = Console(record=True, width=160, file=io.StringIO())
            console.print(renderable)
            write_output(console.export_text(), output)
        return
    if format is ScanFormat.json:
        from ospo.reports.scan_json import scan_to_data

        write_output(json.dumps(scan_to_data(result), indent=2, ensure_ascii=False), output)
    elif format is ScanFormat.sarif:
        from ospo.reports.scan_sarif import scan_to_sarif

        write_output(json.dumps(scan_to_sarif(result), indent=2), output)
    elif format is ScanFormat.cyclonedx:
        from ospo.sbom.cyclonedx import inventory_to_cyclonedx_json

        write_output(inventory_to_cyclonedx_json(result.inventory), output)
    elif format is ScanFormat.spdx:
        from ospo.sbom.spdx import inventory_to_spdx_json

        write_output(inventory_to_spdx_json(result.inventory), output)
    else:
        from ospo.reports.audit import render_audit_html

        write_output(render_audit_html(result, product=path.resolve().name), output)
    for problem in result.problems:
        err_console.print(f"[yellow]warning:[/] {problem}", highlight=False)


def exit_code(outcome: object, fail_on: str) -> int:
    from ospo.scan import ScanOutcome

    assert isinstance(outcome, ScanOutcome)
    result = outcome.result
    verdicts = {d.verdict.value for d in result.decisions}
    failed = False
    if fail_on in ("deny", "review") or fail_on in _SEVERITY_RANK:
        failed = "deny" in verdicts
    if fail_on == "review":
        failed = failed or "review" in verdicts
    if fail_on in _SEVERITY_RANK:
        gate = _SEVERITY_RANK[fail_on]
        failed = failed or any(_SEVERITY_RANK.get(v.advisory.severity, 0) >= gate for v in result.vulnerabilities)
    if failed:
        return exitcodes.FINDINGS
    if any(p.kind in ("parse", "unreadable", "too-large") for p in result.problems):
        return exitcodes.INCOMPLETE
    return exitcodes.OK
