"""`ospo vulns import|sync|list|check|triage`: the vulnerability database and checks."""

from __future__ import annotations

import io
import json
from dataclasses import replace
from datetime import UTC, date, datetime
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

from ospo.cli import exitcodes
from ospo.cli.output import err_console, write_output
from ospo.model import OspoError, VulnerabilityMatch

if TYPE_CHECKING:
    from rich.progress import Progress
    from rich.table import Table

vulns_app = typer.Typer(
    name="vulns",
    help="Vulnerability database (OSV) and checks with SLA tracking.",
    no_args_is_help=True,
)

DEFAULT_ECOSYSTEMS = (
    "PyPI",
    "npm",
    "Maven",
    "Go",
    "crates.io",
    "RubyGems",
    "NuGet",
    "Packagist",
    "Pub",
    "Hex",
)

DatabaseOpt = Annotated[
    str | None,
    typer.Option("--database", help="Database URL (default: OSPO_DATABASE_URL, else a SQLite file)."),
]
SlaOpt = Annotated[
    list[str] | None,
    typer.Option("--sla", help="Override an SLA window, SEVERITY=DAYS (repeatable; also OSPO_SLA)."),
]


class CheckFormat(StrEnum):
    table = "table"
    json = "json"
    sarif = "sarif"
    cyclonedx_vex = "cyclonedx-vex"


class FailOn(StrEnum):
    critical = "critical"
    high = "high"
    medium = "medium"
    low = "low"
    any = "any"
    never = "never"


class TriageState(StrEnum):
    open = "open"
    accepted_risk = "accepted-risk"
    not_affected = "not-affected"


def _open(database: str | None) -> Any:
    from ospo.store import open_store

    try:
        return open_store(database)
    except Exception as exc:  # a bad URL or unreachable server: say so, do not trace back
        err_console.print(f"[red]error:[/] cannot open the database: {exc}", highlight=False, soft_wrap=True)
        raise typer.Exit(exitcodes.USAGE) from None


def _policy(sla: list[str] | None, root: Path, policy_file: Path | None) -> Any:
    """The SLA windows: the policy file's (as `ospo scan` finds it), then OSPO_SLA, then --sla."""
    from ospo.policy import PolicyError, load_policy
    from ospo.scan.pipeline import find_policy
    from ospo.vulns.sla import SlaConfigError, SlaPolicy

    try:
        windows = load_policy(find_policy(root, policy_file)).sla
        return SlaPolicy.from_overrides(sla or (), base=windows)
    except (SlaConfigError, PolicyError) as exc:
        err_console.print(f"[red]error:[/] {exc}", highlight=False, soft_wrap=True)
        raise typer.Exit(exitcodes.USAGE) from None


@vulns_app.command("import")
def import_cmd(
    source: Annotated[Path, typer.Argument(help="Folder of OSV .json/.yaml records, or a zip of them.")],
    database: DatabaseOpt = None,
) -> None:
    """Import OSV advisories; only new or later-modified records are written."""
    from rich.progress import Progress, TextColumn, TimeElapsedColumn

    from ospo.vulns.importer import ImportFailed, import_source

    store = _open(database)
    with Progress(
        TextColumn("importing"),
        TextColumn("{task.completed} records"),
        TimeElapsedColumn(),
        console=err_console.get(),
        transient=True,
    ) as bar:
        task = bar.add_task("import", total=None)
        try:
            report = import_source(store, source, lambda done, _t: bar.update(task, completed=done))
        except ImportFailed as exc:
            err_console.print(f"[red]error:[/] {exc}", highlight=False, soft_wrap=True)
            raise typer.Exit(exitcodes.USAGE) from None
    for problem in report.problems:
        err_console.print(f"[yellow]warning:[/] {problem}", highlight=False, soft_wrap=True)
    err_console.print(
        f"{report.seen} records: {report.added} added, {report.updated} updated, "
        f"{report.unchanged} unchanged, {report.stale} older than stored, {len(report.problems)} skipped "
        f"({report.writes} rows written)",
        highlight=False,
        soft_wrap=True,
    )
    if report.problems:
        raise typer.Exit(exitcodes.INCOMPLETE)


@vulns_app.command("sync")
def sync_cmd(
    ecosystem: Annotated[
        list[str] | None, typer.Option("--ecosystem", "-e", help="OSV ecosystem to fetch (repeatable).")
    ] = None,
    base_url: Annotated[str | None, typer.Option("--base-url", help="Where the <ecosystem>/all.zip files are.")] = None,
    database: DatabaseOpt = None,
) -> None:
    """Download and import OSV's all.zip per ecosystem, skipping unchanged ones (ETag)."""
    from rich.progress import BarColumn, DownloadColumn, Progress, TextColumn, TimeElapsedColumn

    from ospo.vulns.sync import DEFAULT_BASE_URL, SyncFailed, sync_ecosystem

    store = _open(database)
    failed = False
    for eco in ecosystem or list(DEFAULT_ECOSYSTEMS):
        with Progress(
            TextColumn(f"{eco:<10}"),
            TextColumn("{task.description}"),
            BarColumn(),
            DownloadColumn(),
            TimeElapsedColumn(),
            console=err_console.get(),
            transient=True,
        ) as bar:
            task = bar.add_task("download", total=None)

            def on_progress(phase: str, done: int, total: int | None, bar: Progress = bar, task: Any = task) -> None:
                bar.update(task, description=phase, completed=done, total=total)

            try:
                result = sync_ecosystem(store, eco, base_url or DEFAULT_BASE_URL, progress=on_progress)
            except (SyncFailed, OspoError) as exc:
                err_console.print(f"[red]error:[/] {eco}: {exc}", highlight=False, soft_wrap=True)
                failed = True
                continue
        if result.report is None:
            err_console.print(f"{eco}: not modified since last sync")
            continue
        report = result.report
        for problem in report.problems:
            err_console.print(f"[yellow]warning:[/] {problem}", highlight=False, soft_wrap=True)
        err_console.print(
            f"{eco}: {result.downloaded_bytes} bytes, {report.seen} records: {report.added} added, "
            f"{report.updated} updated, {report.unchanged} unchanged, {len(report.problems)} skipped",
            highlight=False,
            soft_wrap=True,
        )
    if failed:
        raise typer.Exit(exitcodes.INCOMPLETE)


def _fails(match: VulnerabilityMatch, fail_on: FailOn) -> bool:
    from ospo.vulns.severity import at_or_above

    if match.state != "open" or fail_on is FailOn.never:
        return False
    return fail_on is FailOn.any or at_or_above(match.advisory.severity, fail_on.value)


@vulns_app.command("check")
def check_cmd(
    path: Annotated[Path, typer.Argument(help="Folder (or manifest) whose components to check.")],
    format: Annotated[CheckFormat, typer.Option("--format", "-f", help="Output format.")] = CheckFormat.table,
    output: Annotated[Path | None, typer.Option("--output", "-o", help="Write to this file.")] = None,
    fail_on: Annotated[
        FailOn, typer.Option("--fail-on", help="Exit 1 when an open finding is at or above this severity.")
    ] = FailOn.any,
    project: Annotated[str | None, typer.Option("--project", help="Name findings are tracked under.")] = None,
    record: Annotated[bool, typer.Option("--record/--no-record", help="Track findings in the database.")] = True,
    database: DatabaseOpt = None,
    sla: SlaOpt = None,
    policy_file: Annotated[
        Path | None,
        typer.Option("--policy", help="Policy file whose vulnerabilities.sla sets the windows (as for `ospo scan`)."),
    ] = None,
) -> None:
    """Match the inventory of PATH against the imported advisories (offline)."""
    from ospo.inventory import build_inventory
    from ospo.vulns.matcher import match_inventory
    from ospo.vulns.tracking import record_findings

    if not path.exists():
        err_console.print(f"[red]error:[/] {path} does not exist")
        raise typer.Exit(exitcodes.USAGE)
    policy = _policy(sla, path, policy_file)
    store = _open(database)
    inventory = build_inventory(str(path))
    result = match_inventory(inventory, store)
    name = project or str(path.resolve())
    matches = []
    tracked_by_key: dict[tuple[str, str], Any] = {}
    if record:
        for t in record_findings(store, name, result.findings, policy):
            tracked_by_key[(t.purl, t.vuln_id)] = t
    today = datetime.now(UTC).date()
    for finding in result.findings:
        match = finding.to_match()
        tracked = next(
            (tracked_by_key[k] for k in ((finding.component.purl, i) for i in finding.ids) if k in tracked_by_key),
            None,
        )
        advice = result.advice.get(finding.component.purl)
        due = tracked.due if tracked is not None else policy.due_date(today, finding.severity)
        state = tracked.effective_state if tracked is not None else "open"
        detail = None
        if tracked is not None and tracked.state == "accepted-risk":
            detail = f"accepted by {tracked.owner} until {tracked.expires}: {tracked.reason}"
        elif tracked is not None and tracked.reason:
            detail = tracked.reason
        matches.append(
            replace(
                match,
                state=state,
                state_detail=detail,
                justification=tracked.justification if tracked is not None else None,
                due=due.isoformat() if due else None,
                upgrade_to=advice.upgrade_to if advice else None,
            )
        )
    if format is CheckFormat.table:
        _print_check_table(matches, result, output)
    elif format is CheckFormat.json:
        write_output(_check_json(matches, result), output)
    elif format is CheckFormat.sarif:
        from ospo.reports.sarif import sarif_json

        write_output(sarif_json(matches, inventory.components), output)
    else:
        from ospo.reports.vex import vex_json

        write_output(vex_json(matches, inventory.components), output)
    for problem in [*inventory.problems, *result.unsupported]:
        err_console.print(f"[yellow]warning:[/] {problem}", highlight=False, soft_wrap=True)
    with store.session() as session:
        from sqlalchemy import func, select

        from ospo.store import AdvisoryRow

        count = session.execute(select(func.count()).select_from(AdvisoryRow)).scalar_one()
    if count == 0:
        err_console.print("[yellow]warning:[/] the database holds no advisories: run `ospo vulns sync` or import")
    if any(_fails(m, fail_on) for m in matches):
        raise typer.Exit(exitcodes.FINDINGS)
    if count == 0 or any(p.kind in ("parse", "unreadable", "too-large") for p in inventory.problems):
        raise typer.Exit(exitcodes.INCOMPLETE)


def _check_json(matches: list[VulnerabilityMatch], result: Any) -> str:
    from ospo.model.serialize import to_data

    data = {
        "findings": [to_data(m) for m in matches],
        "advice": {purl: to_data(a) for purl, a in sorted(result.advice.items())},
        "unsupported": [to_data(p) for p in result.unsupported],
        "checked": result.checked,
        "unchecked": len(result.unchecked),
    }
    return json.dumps(data, indent=2)


_STYLE = {"critical": "bold red", "high": "red", "medium": "yellow", "low": "cyan"}


def _print_check_table(matches: list[VulnerabilityMatch], result: Any, output: Path | None) -> None:
    from rich.table import Table

    table = Table(title=f"{len(matches)} vulnerabilities in {result.checked} components checked")
    for col in ("severity", "id", "package", "fixed in", "upgrade to", "due", "state"):
        table.add_column(col, overflow="fold", min_width=10 if col == "due" else None)
    for m in matches:
        sev = m.advisory.severity
        ids = m.advisory.id + (f"\n({', '.join(m.advisory.aliases)})" if m.advisory.aliases else "")
        table.add_row(
            f"[{_STYLE.get(sev, '')}]{sev}[/]" if sev in _STYLE else sev,
            ids,
            m.purl,
            ", ".join(m.fixed_versions) or "-",
            m.upgrade_to or "-",
            m.due or "-",
            m.state,
        )
    _emit(table, output)


def _emit(table: Table, output: Path | None) -> None:
    from rich.console import Console

    if output is None:
        Console().print(table)
    else:
        console = Console(record=True, width=200, file=io.StringIO())
        console.print(table)
        write_output(console.export_text(), output)


@vulns_app.command("list")
def list_cmd(
    project: Annotated[str | None, typer.Option("--project", help="Only this project.")] = None,
    all_states: Annotated[bool, typer.Option("--all", help="Include fixed and not-affected findings.")] = False,
    format: Annotated[str, typer.Option("--format", "-f", help="table or json.")] = "table",
    database: DatabaseOpt = None,
) -> None:
    """Tracked findings, overdue first, with due dates and states."""
    from rich.table import Table

    from ospo.vulns.tracking import list_findings

    if format not in ("table", "json"):
        err_console.print("[red]error:[/] --format is table or json")
        raise typer.Exit(exitcodes.USAGE)
    store = _open(database)
    rows = list_findings(store, project, include_closed=all_states)
    if format == "json":
        from ospo.model.serialize import to_data

        def plain(value: Any) -> Any:
            return value.isoformat() if isinstance(value, (date, datetime)) else value

        write_output(json.dumps([{k: plain(v) for k, v in to_data(r).items()} for r in rows], indent=2), None)
        return
    overdue = sum(1 for r in rows if r.overdue)
    table = Table(title=f"{len(rows)} findings, {overdue} overdue")
    for col in ("due", "severity", "id", "package", "project", "state", "first seen"):
        table.add_column(col, overflow="fold")
    for r in rows:
        due = "-" if r.due is None else r.due.isoformat()
        if r.overdue:
            due = f"[bold red]{due} ({-(r.days_left or 0)} d overdue)[/]"
        table.add_row(due, r.severity, r.vuln_id, r.purl, r.project, r.effective_state, r.first_seen.date().isoformat())
    _emit(table, None)


@vulns_app.command("triage")
def triage_cmd(
    purl: Annotated[str, typer.Argument(help="The component's purl, as `check` shows it.")],
    vuln_id: Annotated[str, typer.Argument(help="The vulnerability id or any of its aliases.")],
    state: Annotated[TriageState, typer.Option("--state", help="New state.")],
    project: Annotated[str, typer.Option("--project", help="Project the finding is tracked under.")],
    reason: Annotated[str | None, typer.Option("--reason", help="Why (accepted risk).")] = None,
    owner: Annotated[str | None, typer.Option("--owner", help="Who owns the accepted risk.")] = None,
    expires: Annotated[str | None, typer.Option("--expires", help="YYYY-MM-DD when acceptance lapses.")] = None,
    justification: Annotated[
        str | None, typer.Option("--justification", help="VEX justification (not-affected).")
    ] = None,
    database: DatabaseOpt = None,
) -> None:
    """Record a decision on a finding: accepted risk, not affected, or reopen."""
    from ospo.vulns.sla import FindingState
    from ospo.vulns.tracking import set_state

    try:
        expiry = date.fromisoformat(expires) if expires else None
    except ValueError:
        err_console.print(f"[red]error:[/] --expires {expires!r} is not YYYY-MM-DD")
        raise typer.Exit(exitcodes.USAGE) from None
    store = _open(database)
    try:
        tracked = set_state(
            store,
            project,
            purl,
            vuln_id,
            FindingState(state.value),
            reason=reason,
            owner=owner,
            expires=expiry,
            justification=justification,
        )
    except OspoError as exc:
        err_console.print(f"[red]error:[/] {exc}", highlight=False, soft_wrap=True)
        raise typer.Exit(exitcodes.USAGE) from None
    err_console.print(f"{tracked.vuln_id} in {tracked.purl}: {tracked.state}", highlight=False, soft_wrap=True)
