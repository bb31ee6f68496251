"""The terminal report of `ospo scan`: what needs a person's attention first."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Sequence

from rich.console import Group, RenderableType
from rich.table import Table
from rich.text import Text

from ospo.model import Component, ConcludedLicense, PolicyDecision, ScanResult, Verdict

_STYLE = {"deny": "bold red", "review": "bold yellow", "allow": "green"}
_SEV_STYLE = {"critical": "bold red", "high": "red", "medium": "yellow", "low": "cyan"}


def _why(decision: PolicyDecision) -> str:
    """The reasons that decided, without the bookkeeping line (the licence column shows it)."""
    reasons = [r for r in decision.reasons if not (r.startswith("licence ") and "(licenses." not in r)]
    rule = decision.rule or ""
    if rule.startswith("components."):
        reasons = [r for r in reasons if r.startswith("component rule")] or reasons
    elif rule.startswith("vulnerabilities."):
        reasons = [r for r in reasons if "fail_on" in r or "SLA" in r] or reasons
    return "; ".join(reasons[-3:])


def scan_report(
    result: ScanResult,
    *,
    fix_advice: dict[str, str | None] | None = None,
    expired_exceptions: Sequence[str] = (),
    show_allowed: bool = False,
) -> RenderableType:
    inv = result.inventory
    comps: dict[str, Component] = {c.purl: c for c in inv.components}
    concluded: dict[str, ConcludedLicense] = {c.purl: c for c in result.concluded}
    decisions = result.decisions
    counts = Counter(d.verdict.value for d in decisions)
    ecosystems = Counter(c.ecosystem for c in inv.components)
    parts: list[RenderableType] = []

    head = Text()
    head.append(f"{len(inv.components)} components", style="bold")
    head.append(f" ({', '.join(f'{n} {e}' for e, n in ecosystems.most_common())})" if ecosystems else "")
    head.append(f" from {len(inv.manifests)} manifests, {inv.files_seen} files walked\n")
    head.append(f"distribution: {result.distribution}   policy: {result.policy_source}\n")
    for verdict in ("allow", "review", "deny"):
        head.append(f"{counts.get(verdict, 0)} {verdict}  ", style=_STYLE[verdict])
    sev = Counter(v.advisory.severity for v in result.vulnerabilities)
    head.append(f"   {len(result.vulnerabilities)} vulnerabilities")
    if sev:
        head.append(" (" + ", ".join(f"{n} {s}" for s, n in sev.most_common()) + ")")
    parts.append(head)

    def decision_table(title: str, rows: Iterable[PolicyDecision]) -> Table | None:
        rows = list(rows)
        if not rows:
            return None
        table = Table(title=title, title_justify="left", expand=False, show_lines=False)
        table.add_column("component", overflow="fold")
        table.add_column("version")
        table.add_column("licence", overflow="fold")
        table.add_column("why", overflow="fold", max_width=70)
        for d in sorted(rows, key=lambda d: d.subject):
            comp = comps.get(d.subject)
            info = concluded.get(d.subject)
            if comp is not None:
                name, version = comp.display_name, comp.version or comp.declared_range or ""
            else:
                name, version = d.subject.removeprefix("file:"), ""
            lic = f"{info.expression} ({info.source})" if info and info.expression else "unknown"
            why = _why(d)
            if d.exception:
                why = f"exception {d.exception}"
            table.add_row(name, version, lic, why)
        return table

    for title, verdict in (("Denied", Verdict.DENY), ("To review", Verdict.REVIEW)):
        table = decision_table(title, (d for d in decisions if d.verdict is verdict))
        if table is not None:
            table.title_style = _STYLE[verdict.value]
            parts.append(table)
    by_exception: dict[str, list[str]] = {}
    for d in decisions:
        if d.exception:
            comp = comps.get(d.subject)
            by_exception.setdefault(d.exception, []).append(comp.display_name if comp else d.subject)
    if by_exception:
        table = Table(title="Allowed by exception", title_justify="left")
        table.add_column("exception")
        table.add_column("components", overflow="fold")
        for exc_id, names in sorted(by_exception.items()):
            shown = ", ".join(sorted(names)[:4]) + (f" and {len(names) - 4} more" if len(names) > 4 else "")
            table.add_row(exc_id, f"{len(names)}: {shown}")
        parts.append(table)
    if show_allowed:
        allowed = decision_table("Allowed", (d for d in decisions if d.verdict is Verdict.ALLOW and not d.exception))
        if allowed is not None:
            parts.append(allowed)

    if result.vulnerabilities:
        table = Table(title="Vulnerabilities", title_justify="left")
        table.add_column("component", overflow="fold")
        table.add_column("version")
        table.add_column("advisory", overflow="fold")
        table.add_column("severity")
        table.add_column("fixed in", overflow="fold")
        table.add_column("upgrade to")
        for m in sorted(result.vulnerabilities, key=lambda m: (m.purl, m.advisory.id)):
            comp = comps.get(m.purl)
            ids = m.advisory.id + (f" ({', '.join(m.advisory.aliases[:2])})" if m.advisory.aliases else "")
            score = f" {m.advisory.score}" if m.advisory.score is not None else ""
            table.add_row(
                comp.display_name if comp else m.purl,
                comp.version or "" if comp else "",
                ids,
                Text(m.advisory.severity + score, style=_SEV_STYLE.get(m.advisory.severity, "")),
                ", ".join(m.fixed_versions),
                (fix_advice or {}).get(m.purl) or "",
            )
        parts.append(table)

    unknown = [c for c in result.concluded if c.expression is None]
    if unknown:
        parts.append(
            Text(
                f"{len(unknown)} components have no known licence "
                "(nothing declared in the tree; run without --offline to ask the registries).",
                style="yellow",
            )
        )
    for exc in expired_exceptions:
        parts.append(Text(f"exception {exc} has expired and was not applied", style="red"))
    if result.problems:
        parts.append(Text(f"{len(result.problems)} problems:", style="yellow"))
        for p in result.problems[:20]:
            parts.append(Text(f"  {p}", style="yellow"))
        if len(result.problems) > 20:
            parts.append(Text(f"  ... and {len(result.problems) - 20} more (see --format json)", style="yellow"))
    verdict = result.verdict or "allow"
    parts.append(Text(f"verdict: {verdict.upper()}", style=_STYLE.get(verdict, "")))
    return Group(*parts)
