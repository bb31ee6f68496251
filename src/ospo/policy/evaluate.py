"""Policy evaluation: each component's facts in, a verdict with its reasons out."""

from __future__ import annotations

import datetime as dt
import fnmatch
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from urllib.parse import unquote

from license_expression import (
    AND,
    OR,
    ExpressionError,
    LicenseSymbol,
    LicenseWithExceptionSymbol,
    Licensing,
)

from ospo.model import Component, PolicyDecision, Verdict, VulnerabilityMatch
from ospo.policy.ranges import Compare, in_range, natural_compare, parse_range
from ospo.policy.schema import ComponentRule, Policy, PolicyException, VerdictByDistribution

_RANK = {Verdict.ALLOW: 0, Verdict.REVIEW: 1, Verdict.DENY: 2}
_SEVERITY_RANK = {"none": 0, "unknown": 0, "low": 1, "medium": 2, "high": 3, "critical": 4}
_UNKNOWN_KEYS = {"noassertion", "none", "unknown", "licenseref-scancode-unknown", "unlicensed"}
_LICENSING = Licensing()

CategoryOf = Callable[[str], str]


def worst(verdicts: Iterable[Verdict]) -> Verdict:
    return max(verdicts, key=lambda v: _RANK[v], default=Verdict.ALLOW)


def best(verdicts: Iterable[Verdict]) -> Verdict:
    return min(verdicts, key=lambda v: _RANK[v], default=Verdict.ALLOW)


@dataclass
class PolicyReport:
    """Every decision, plus what the board must know about the policy's own state."""

    decisions: list[PolicyDecision] = field(default_factory=list)
    expired_exceptions: list[PolicyException] = field(default_factory=list)
    unused_exceptions: list[PolicyException] = field(default_factory=list)
    # (purl, advisory id or alias) -> the waiver that accepted that vulnerability there
    waived_vulnerabilities: dict[tuple[str, str], PolicyException] = field(default_factory=dict)

    @property
    def verdict(self) -> Verdict:
        return worst(d.verdict for d in self.decisions)

    def counts(self) -> dict[str, int]:
        out = {v.value: 0 for v in Verdict}
        for d in self.decisions:
            out[d.verdict.value] += 1
        return out


@dataclass(frozen=True)
class LicenseVerdict:
    verdict: Verdict
    reasons: tuple[str, ...]
    rule: str | None


class Evaluator:
    """Holds the policy and its context (distribution model, date, category and version lookups)."""

    def __init__(
        self,
        policy: Policy,
        distribution: str = "distributed",
        *,
        today: dt.date | None = None,
        category_of: CategoryOf | None = None,
        compare_for: Callable[[str], Compare] | None = None,
        overdue: Callable[[VulnerabilityMatch], bool] | None = None,
    ) -> None:
        self.policy = policy
        self.distribution = distribution
        self.today = today or dt.date.today()
        self.category_of = category_of or (lambda _key: "unknown")
        self.compare_for = compare_for or (lambda _eco: natural_compare)
        self.overdue = overdue or (lambda _m: False)
        self._used_exceptions: set[str] = set()
        self._license_verdicts: dict[tuple[str | None, str], LicenseVerdict] = {}
        self.waived_vulnerabilities: dict[tuple[str, str], PolicyException] = {}
        self.expired_vulnerability_waivers: dict[str, PolicyException] = {}

    # -- licences ---------------------------------------------------------------------------

    def license_verdict(self, expression: str | None, distribution: str) -> LicenseVerdict:
        """The verdict on a licence expression; remembered, as thousands of components share a few."""
        key = (expression, distribution)
        known = self._license_verdicts.get(key)
        if known is None:
            known = self._license_verdicts[key] = self._license_verdict(expression, distribution)
        return known

    def _license_verdict(self, expression: str | None, distribution: str) -> LicenseVerdict:
        if expression is None or not expression.strip() or expression.strip().lower() in _UNKNOWN_KEYS:
            v = self.policy.unknown.for_distribution(distribution)
            return LicenseVerdict(v, (f"licence unknown: {v.value} (licenses.unknown)",), "licenses.unknown")
        try:
            parsed = _LICENSING.parse(expression)
        except ExpressionError as exc:
            v = self.policy.unknown.for_distribution(distribution)
            return LicenseVerdict(
                v, (f"licence expression {expression!r} unreadable ({exc}): {v.value}",), "licenses.unknown"
            )
        if parsed is None:
            v = self.policy.unknown.for_distribution(distribution)
            return LicenseVerdict(v, ("licence unknown",), "licenses.unknown")
        return self._node(parsed, distribution)

    def _node(self, node: object, distribution: str) -> LicenseVerdict:
        if isinstance(node, LicenseWithExceptionSymbol):
            return self._with(node, distribution)
        if isinstance(node, LicenseSymbol):
            return self._symbol(str(node.key), distribution)
        if isinstance(node, (AND, OR)):
            parts = [self._node(arg, distribution) for arg in node.args]
            if isinstance(node, OR):
                chosen = min(parts, key=lambda p: _RANK[p.verdict])
                alternatives = " OR ".join(str(a) for a in node.args)
                choice_text = str(node.args[parts.index(chosen)])
                reasons = (f"chose {choice_text} from {alternatives}", *chosen.reasons)
                return LicenseVerdict(chosen.verdict, reasons, chosen.rule)
            verdict = worst(p.verdict for p in parts)
            reasons = tuple(r for p in parts for r in p.reasons)
            rule = next((p.rule for p in parts if p.verdict == verdict), None)
            return LicenseVerdict(verdict, reasons, rule)
        return self._symbol(str(node), distribution)

    def _with(self, node: LicenseWithExceptionSymbol, distribution: str) -> LicenseVerdict:
        lic = str(node.license_symbol.key)
        exc = str(node.exception_symbol.key)
        full = f"{lic} WITH {exc}"
        ids = self.policy.licenses
        if full in ids:
            v = ids[full].for_distribution(distribution)
            return LicenseVerdict(v, (f"{full}: {v.value} for {distribution}",), f"licenses.ids.{full}")
        if exc in ids:
            v = ids[exc].for_distribution(distribution)
            return LicenseVerdict(
                v, (f"{full}: exception {exc} makes it {v.value} for {distribution}",), f"licenses.ids.{exc}"
            )
        inner = self._symbol(lic, distribution)
        return LicenseVerdict(
            inner.verdict,
            (f"{full}: exception {exc} has no rule; judged as {lic}", *inner.reasons),
            inner.rule,
        )

    def _symbol(self, key: str, distribution: str) -> LicenseVerdict:
        ids = self.policy.licenses
        if key in ids:
            v = ids[key].for_distribution(distribution)
            return LicenseVerdict(v, (f"{key}: {v.value} for {distribution}",), f"licenses.ids.{key}")
        if key.lower() in _UNKNOWN_KEYS:
            v = self.policy.unknown.for_distribution(distribution)
            return LicenseVerdict(v, (f"licence unknown: {v.value}",), "licenses.unknown")
        category = self.category_of(key)
        if category == "unknown" and "unknown" not in self.policy.categories:
            v = self.policy.unknown.for_distribution(distribution)
            return LicenseVerdict(v, (f"{key}: category unknown: {v.value}",), "licenses.unknown")
        verdicts: VerdictByDistribution | None = self.policy.categories.get(category)
        if verdicts is not None:
            v = verdicts.for_distribution(distribution)
            return LicenseVerdict(
                v, (f"{key} ({category}): {v.value} for {distribution}",), f"licenses.categories.{category}"
            )
        v = self.policy.default.for_distribution(distribution)
        return LicenseVerdict(v, (f"{key} ({category}): no rule, default {v.value}",), "licenses.default")

    # -- components -------------------------------------------------------------------------

    def _matches(self, pattern: str, versions: str | None, component: Component) -> bool:
        base = unquote(component.purl.split("?")[0].split("#")[0])
        if component.version is not None and "@" in base:
            base = base.rsplit("@", 1)[0]
        head, _, last = pattern.rpartition("/")
        if "@" in last:  # a version written into the pattern; ranges belong in `versions`
            pattern = f"{head}/{last.split('@')[0]}"
        if not fnmatch.fnmatchcase(base.lower(), pattern.lower()):
            return False
        if versions is None:
            return True
        if component.version is None:
            return True  # an unpinned range may resolve into the named versions
        try:
            return in_range(component.version, parse_range(versions), self.compare_for(component.ecosystem))
        except Exception:
            return False

    def _component_rule(self, component: Component) -> ComponentRule | None:
        found: ComponentRule | None = None
        for rule in self.policy.components:
            if self._matches(rule.purl, rule.versions, component) and (
                found is None or _RANK[rule.verdict] > _RANK[found.verdict]
            ):
                found = rule
        return found

    def _exception_for(
        self, component: Component, license_expr: str | None, distribution: str
    ) -> tuple[PolicyException | None, PolicyException | None]:
        """(active waiver, expired waiver) that match the component."""

        def fits(exc: PolicyException) -> bool:
            if exc.vulnerability is not None:
                return False
            return not exc.license or (license_expr is not None and exc.license in license_expr)

        return self._waiver(component, distribution, fits)

    def _vulnerability_waiver(
        self, component: Component, match: VulnerabilityMatch, distribution: str
    ) -> tuple[PolicyException | None, PolicyException | None]:
        """(active waiver, expired waiver) naming this vulnerability (by id or alias) here."""
        ids = {match.advisory.id.upper(), *(a.upper() for a in match.advisory.aliases)}
        return self._waiver(
            component, distribution, lambda exc: exc.vulnerability is not None and exc.vulnerability.upper() in ids
        )

    def _waiver(
        self, component: Component, distribution: str, fits: Callable[[PolicyException], bool]
    ) -> tuple[PolicyException | None, PolicyException | None]:
        active = expired = None
        for exc in self.policy.exceptions:
            if distribution not in exc.distributions or not fits(exc):
                continue
            if not self._matches(exc.purl, exc.versions, component):
                continue
            if exc.expires is not None and exc.expires < self.today:
                expired = expired or exc
            else:
                active = active or exc
        return active, expired

    def evaluate_component(
        self,
        component: Component,
        license_expr: str | None,
        vulnerabilities: Sequence[VulnerabilityMatch] = (),
        license_source: str | None = None,
    ) -> tuple[PolicyDecision, PolicyException | None]:
        distribution = self.distribution
        reasons: list[str] = []
        if component.scope.value in self.policy.unshipped_scopes:
            distribution = "internal"
            reasons.append(f"{component.scope.value} dependency, not shipped: judged as internal")
        lic = self.license_verdict(license_expr, distribution)
        verdict, rule = lic.verdict, lic.rule
        source = f" ({license_source})" if license_source else ""
        reasons.append(f"licence {license_expr or 'unknown'}{source}")
        reasons.extend(lic.reasons)
        comp_rule = self._component_rule(component)
        if comp_rule is not None:
            why = f": {comp_rule.reason}" if comp_rule.reason else ""
            reasons.append(
                f"component rule {comp_rule.purl} {comp_rule.versions or ''}".rstrip()
                + f" -> {comp_rule.verdict.value}{why}"
            )
            rule = f"components.{comp_rule.verdict.value}"
            # An explicit allow (your own packages, a component cleared by counsel) overrides
            # the licence verdict; deny and review can only make it stricter.
            if comp_rule.verdict is Verdict.ALLOW:
                verdict = Verdict.ALLOW
            else:
                verdict = worst((verdict, comp_rule.verdict))
        gate = self.policy.fail_on_severity
        for match in vulnerabilities:
            sev = match.advisory.severity
            accepted, lapsed = self._vulnerability_waiver(component, match, distribution)
            if accepted is not None:
                reasons.append(
                    f"{match.advisory.id} ({sev}) waived by exception {accepted.id} "
                    f"(owner {accepted.owner}, until {accepted.expires}): {accepted.reason}"
                )
                self._used_exceptions.add(accepted.id)
                for vid in (match.advisory.id, *match.advisory.aliases):
                    self.waived_vulnerabilities[(component.purl, vid)] = accepted
                continue
            if lapsed is not None:
                reasons.append(
                    f"exception {lapsed.id} for {match.advisory.id} expired on {lapsed.expires}; not applied"
                )
                self.expired_vulnerability_waivers[lapsed.id] = lapsed
            if gate is not None and _SEVERITY_RANK.get(sev, 0) >= _SEVERITY_RANK[gate] and _SEVERITY_RANK[gate] > 0:
                verdict = Verdict.DENY
                rule = "vulnerabilities.fail_on"
                reasons.append(f"{match.advisory.id} ({sev}) at or above fail_on: {gate}")
            elif self.policy.fail_on_overdue and self.overdue(match):
                verdict = Verdict.DENY
                rule = "vulnerabilities.fail_on_overdue"
                reasons.append(f"{match.advisory.id} ({sev}) is past its patch SLA")
            else:
                reasons.append(f"{match.advisory.id} ({sev})")
        waiver = None
        if verdict is not Verdict.ALLOW:
            active, expired = self._exception_for(component, license_expr, distribution)
            if active is not None:
                reasons.append(
                    f"waived by exception {active.id} (owner {active.owner}, until {active.expires}): {active.reason}"
                )
                self._used_exceptions.add(active.id)
                return (
                    PolicyDecision(component.purl, Verdict.ALLOW, tuple(reasons), rule, active.id),
                    None,
                )
            if expired is not None:
                reasons.append(f"exception {expired.id} expired on {expired.expires}; not applied")
                waiver = expired
        return PolicyDecision(component.purl, verdict, tuple(reasons), rule), waiver


def evaluate(
    policy: Policy,
    components: Sequence[Component],
    licenses: Mapping[str, str | None],
    vulnerabilities: Sequence[VulnerabilityMatch] = (),
    *,
    distribution: str = "distributed",
    license_sources: Mapping[str, str] | None = None,
    today: dt.date | None = None,
    category_of: CategoryOf | None = None,
    compare_for: Callable[[str], Compare] | None = None,
    overdue: Callable[[VulnerabilityMatch], bool] | None = None,
) -> PolicyReport:
    """Judge every component; `licenses` maps purl to its concluded SPDX expression."""
    evaluator = Evaluator(
        policy,
        distribution,
        today=today,
        category_of=category_of,
        compare_for=compare_for,
        overdue=overdue,
    )
    by_purl: dict[str, list[VulnerabilityMatch]] = {}
    for match in vulnerabilities:
        by_purl.setdefault(match.purl, []).append(match)
    report = PolicyReport()
    expired: dict[str, PolicyException] = {}
    sources = license_sources or {}
    for comp in components:
        decision, waiver = evaluator.evaluate_component(
            comp, licenses.get(comp.purl), by_purl.get(comp.purl, ()), sources.get(comp.purl)
        )
        report.decisions.append(decision)
        if waiver is not None:
            expired[waiver.id] = waiver
    expired.update(evaluator.expired_vulnerability_waivers)
    report.expired_exceptions = sorted(expired.values(), key=lambda e: e.id)
    report.waived_vulnerabilities = evaluator.waived_vulnerabilities
    report.unused_exceptions = [
        e for e in policy.exceptions if e.id not in evaluator._used_exceptions and e.id not in expired
    ]
    return report
