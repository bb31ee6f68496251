"""The policy file (`ospo-policy.yml`): its schema, loading and validation.

Validation walks the YAML node tree rather than the loaded data so every error can name the
line it is about: a review board edits this file by hand and must be told where it is wrong.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

import yaml

from ospo.model import OspoError, ParseError, Verdict
from ospo.walk import yaml_nesting_guard

DISTRIBUTIONS = ("distributed", "saas", "internal")
CATEGORIES = (
    "permissive",
    "weak-copyleft",
    "strong-copyleft",
    "network-copyleft",
    "public-domain",
    "proprietary",
    "source-available",
    "unknown",
)
SEVERITIES = ("critical", "high", "medium", "low", "none")
# Severities a remediation window can be set for: a finding whose advisory gives no score is
# "unknown" and needs a window of its own.
SLA_SEVERITIES = ("critical", "high", "medium", "low", "unknown", "none")
MAX_SLA_DAYS = 36500
VERDICTS = tuple(v.value for v in Verdict)


class PolicyError(OspoError):
    """The policy file is invalid; `errors` are (line, message) pairs, line 1-based."""

    def __init__(self, source: str, errors: list[tuple[int | None, str]]) -> None:
        self.source = source
        self.errors = errors
        lines = [f"{source}:{line}: {msg}" if line else f"{source}: {msg}" for line, msg in errors]
        super().__init__("invalid policy\n" + "\n".join(lines))


@dataclass(frozen=True)
class VerdictByDistribution:
    """A verdict per distribution model; the policy may give one verdict for all three."""

    distributed: Verdict
    saas: Verdict
    internal: Verdict

    def for_distribution(self, distribution: str) -> Verdict:
        return Verdict(getattr(self, distribution))

    @classmethod
    def same(cls, verdict: Verdict) -> VerdictByDistribution:
        return cls(verdict, verdict, verdict)


@dataclass(frozen=True)
class ComponentRule:
    """Allow or deny components by purl pattern (`*` wildcards) and optional version range."""

    purl: str
    verdict: Verdict
    versions: str | None = None
    reason: str = ""
    line: int | None = None


@dataclass(frozen=True)
class PolicyException:
    """A waiver: turns a review or deny into allow for a scope, until it expires.

    With `vulnerability` (an advisory id or alias) it waives only that vulnerability of the
    matching components: it no longer fails them, and their finding counts as accepted.
    """

    id: str
    purl: str
    owner: str
    reason: str
    expires: dt.date | None
    versions: str | None = None
    license: str | None = None
    distributions: tuple[str, ...] = DISTRIBUTIONS
    line: int | None = None
    vulnerability: str | None = None


@dataclass(frozen=True)
class Policy:
    source: str
    default: VerdictByDistribution
    unknown: VerdictByDistribution
    categories: dict[str, VerdictByDistribution] = field(default_factory=dict)
    licenses: dict[str, VerdictByDistribution] = field(default_factory=dict)
    components: tuple[ComponentRule, ...] = ()
    exceptions: tuple[PolicyException, ...] = ()
    fail_on_severity: str | None = None
    fail_on_overdue: bool = False
    # Days to fix a vulnerability per severity (None: no deadline); only the severities the
    # file names: the others keep ospo's defaults (ospo.vulns.sla).
    sla: dict[str, int | None] = field(default_factory=dict)
    # Scopes whose components are not shipped and are judged as "internal".
    unshipped_scopes: tuple[str, ...] = ("dev", "test")
    line_of: dict[str, int] = field(default_factory=dict)


DEFAULT_POLICY_PATH = Path(__file__).with_name("default-policy.yml")


def load_policy(path: str | Path | None = None) -> Policy:
    """Load and validate a policy file; None loads the shipped default policy."""
    file = Path(path) if path is not None else DEFAULT_POLICY_PATH
    try:
        text = file.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise PolicyError(str(file), [(None, f"cannot read: {exc}")]) from exc
    return parse_policy(text, str(file))


def parse_policy(text: str, source: str = "ospo-policy.yml") -> Policy:
    try:
        yaml_nesting_guard(source, text)
        root = yaml.compose(text, Loader=yaml.SafeLoader)
    except ParseError as exc:
        raise PolicyError(source, [(exc.line, exc.message)]) from None
    except RecursionError:
        raise PolicyError(source, [(None, "nested too deeply")]) from None
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        line = mark.line + 1 if mark is not None else None
        raise PolicyError(source, [(line, f"not valid YAML: {getattr(exc, 'problem', exc)}")]) from exc
    builder = _Builder(source)
    policy = builder.build(root)
    if builder.errors or policy is None:
        raise PolicyError(source, builder.errors or [(None, "empty policy")])
    return policy


def _line(node: yaml.Node) -> int:
    return int(node.start_mark.line) + 1


class _Builder:
    def __init__(self, source: str) -> None:
        self.source = source
        self.errors: list[tuple[int | None, str]] = []

    def error(self, node: yaml.Node | None, message: str) -> None:
        self.errors.append((_line(node) if node is not None else None, message))

    def mapping(self, node: yaml.Node, where: str, allowed: tuple[str, ...]) -> dict[str, yaml.Node]:
        if not isinstance(node, yaml.MappingNode):
            self.error(node, f"{where} must be a mapping")
            return {}
        out: dict[str, yaml.Node] = {}
        for key_node, value in node.value:
            key = key_node.value if isinstance(key_node, yaml.ScalarNode) else None
            if not isinstance(key, str):
                self.error(key_node, f"{where}: keys must be strings")
                continue
            if allowed and key not in allowed:
                self.error(key_node, f"{where}: unknown key {key!r} (expected one of {', '.join(allowed)})")
                continue
            if key in out:
                self.error(key_node, f"{where}: duplicate key {key!r}")
            out[key] = value
        return out

    def scalar(self, node: yaml.Node, where: str) -> str | None:
        if not isinstance(node, yaml.ScalarNode):
            self.error(node, f"{where} must be a single value")
            return None
        return str(node.value)

    def choice(self, node: yaml.Node, where: str, options: tuple[str, ...]) -> str | None:
        value = self.scalar(node, where)
        if value is None:
            return None
        if value not in options:
            self.error(node, f"{where}: {value!r} is not one of {', '.join(options)}")
            return None
        return value

    def verdicts(self, node: yaml.Node, where: str) -> VerdictByDistribution | None:
        """`allow` for all models, or {distributed: deny, saas: allow, internal: allow}."""
        if isinstance(node, yaml.ScalarNode):
            value = self.choice(node, where, VERDICTS)
            return VerdictByDistribution.same(Verdict(value)) if value else None
        items = self.mapping(node, where, (*DISTRIBUTIONS, "default"))
        base = Verdict.REVIEW
        if "default" in items:
            value = self.choice(items["default"], f"{where}.default", VERDICTS)
            base = Verdict(value) if value else base
        elif set(items) != set(DISTRIBUTIONS):
            missing = [d for d in DISTRIBUTIONS if d not in items]
            self.error(node, f"{where}: give all of distributed, saas, internal, or a default (missing {missing})")
        got: dict[str, Verdict] = {}
        for dist in DISTRIBUTIONS:
            if dist in items:
                value = self.choice(items[dist], f"{where}.{dist}", VERDICTS)
                got[dist] = Verdict(value) if value else base
            else:
                got[dist] = base
        return VerdictByDistribution(got["distributed"], got["saas"], got["internal"])

    def build(self, root: yaml.Node | None) -> Policy | None:
        if root is None:
            return None
        top = self.mapping(
            root, "policy", ("version", "licenses", "components", "vulnerabilities", "scopes", "exceptions")
        )
        if "version" in top:
            version = self.scalar(top["version"], "version")
            if version is not None and version != "1":
                self.error(top["version"], f"version {version} is not supported (this ospo reads version 1)")
        line_of: dict[str, int] = {}
        review = VerdictByDistribution.same(Verdict.REVIEW)
        default = unknown = review
        categories: dict[str, VerdictByDistribution] = {}
        licenses: dict[str, VerdictByDistribution] = {}
        if "licenses" in top:
            lic = self.mapping(top["licenses"], "licenses", ("default", "unknown", "categories", "ids"))
            if "default" in lic:
                default = self.verdicts(lic["default"], "licenses.default") or review
            if "unknown" in lic:
                unknown = self.verdicts(lic["unknown"], "licenses.unknown") or review
            if "categories" in lic:
                for name, node in self.mapping(lic["categories"], "licenses.categories", CATEGORIES).items():
                    verdicts = self.verdicts(node, f"licenses.categories.{name}")
                    if verdicts:
                        categories[name] = verdicts
                        line_of[f"licenses.categories.{name}"] = _line(node)
            if "ids" in lic:
                for name, node in self.mapping(lic["ids"], "licenses.ids", ()).items():
                    verdicts = self.verdicts(node, f"licenses.ids.{name}")
                    if verdicts:
                        licenses[name] = verdicts
                        line_of[f"licenses.ids.{name}"] = _line(node)
        components: list[ComponentRule] = []
        if "components" in top:
            comp = self.mapping(top["components"], "components", ("allow", "deny", "review"))
            for verdict_name, node in comp.items():
                for item in self.sequence(node, f"components.{verdict_name}"):
                    rule = self.component_rule(item, f"components.{verdict_name}", Verdict(verdict_name))
                    if rule:
                        components.append(rule)
        fail_on: str | None = None
        fail_on_overdue = False
        sla: dict[str, int | None] = {}
        if "vulnerabilities" in top:
            vul = self.mapping(top["vulnerabilities"], "vulnerabilities", ("fail_on", "fail_on_overdue", "sla"))
            if "fail_on" in vul:
                fail_on = self.choice(vul["fail_on"], "vulnerabilities.fail_on", SEVERITIES)
            if "fail_on_overdue" in vul:
                fail_on_overdue = self.boolean(vul["fail_on_overdue"], "vulnerabilities.fail_on_overdue")
            if "sla" in vul:
                for severity, node in self.mapping(vul["sla"], "vulnerabilities.sla", SLA_SEVERITIES).items():
                    where = f"vulnerabilities.sla.{severity}"
                    days = self.days(node, where)
                    if days is not False:
                        sla[severity] = days
                        line_of[where] = _line(node)
        unshipped: tuple[str, ...] = ("dev", "test")
        if "scopes" in top:
            sc = self.mapping(top["scopes"], "scopes", ("unshipped",))
            if "unshipped" in sc:
                vals = [
                    self.choice(n, "scopes.unshipped", ("runtime", "optional", "dev", "test"))
                    for n in self.sequence(sc["unshipped"], "scopes.unshipped")
                ]
                unshipped = tuple(v for v in vals if v)
        exceptions: list[PolicyException] = []
        if "exceptions" in top:
            seen: set[str] = set()
            for item in self.sequence(top["exceptions"], "exceptions"):
                exc = self.exception(item)
                if exc is None:
                    continue
                if exc.id in seen:
                    self.error(item, f"exceptions: duplicate id {exc.id!r}")
                seen.add(exc.id)
                exceptions.append(exc)
        return Policy(
            source=self.source,
            default=default,
            unknown=unknown,
            categories=categories,
            licenses=licenses,
            components=tuple(components),
            exceptions=tuple(exceptions),
            fail_on_severity=fail_on,
            fail_on_overdue=fail_on_overdue,
            sla=sla,
            unshipped_scopes=unshipped,
            line_of=line_of,
        )

    def sequence(self, node: yaml.Node, where: str) -> list[yaml.Node]:
        if not isinstance(node, yaml.SequenceNode):
            self.error(node, f"{where} must be a list")
            return []
        return list(node.value)

    def boolean(self, node: yaml.Node, where: str) -> bool:
        value = self.scalar(node, where)
        if value is None:
            return False
        if value.lower() in ("true", "yes", "on"):
            return True
        if value.lower() in ("false", "no", "off"):
            return False
        self.error(node, f"{where} must be true or false")
        return False

    def days(self, node: yaml.Node, where: str) -> int | Literal[False] | None:
        """A whole number of days, or `never` (also an empty value) for no deadline; False when invalid."""
        value = self.scalar(node, where)
        if value is None:
            return False
        text = value.strip().lower()
        if text in ("never", "", "~", "null"):
            return None
        if not text.isdigit() or int(text) > MAX_SLA_DAYS:
            self.error(node, f"{where}: {value!r} is not a number of days (0 to {MAX_SLA_DAYS}) or never")
            return False
        return int(text)

    def required(self, items: dict[str, yaml.Node], node: yaml.Node, where: str, key: str) -> str | None:
        if key not in items:
            self.error(node, f"{where}: {key!r} is required")
            return None
        return self.scalar(items[key], f"{where}.{key}")

    def component_rule(self, node: yaml.Node, where: str, verdict: Verdict) -> ComponentRule | None:
        items = self.mapping(node, where, ("purl", "versions", "reason"))
        purl = self.required(items, node, where, "purl")
        if purl is None:
            return None
        if not purl.startswith("pkg:"):
            self.error(items["purl"], f"{where}.purl: {purl!r} is not a purl (pkg:type/...)")
            return None
        versions = self.scalar(items["versions"], f"{where}.versions") if "versions" in items else None
        if versions is not None:
            self.check_range(items["versions"], f"{where}.versions", versions)
        reason = self.scalar(items["reason"], f"{where}.reason") if "reason" in items else ""
        return ComponentRule(purl, verdict, versions, reason or "", _line(node))

    def check_range(self, node: yaml.Node, where: str, text: str) -> None:
        from ospo.policy.ranges import RangeError, parse_range

        try:
            parse_range(text)
        except RangeError as exc:
            self.error(node, f"{where}: {exc}")

    def exception(self, node: yaml.Node) -> PolicyException | None:
        where = "exceptions"
        items = self.mapping(
            node,
            where,
            ("id", "purl", "versions", "license", "vulnerability", "owner", "reason", "expires", "distributions"),
        )
        values = {k: self.required(items, node, where, k) for k in ("id", "purl", "owner", "reason")}
        if any(v is None for v in values.values()):
            return None
        expires: dt.date | None = None
        if "expires" in items:
            raw = self.scalar(items["expires"], f"{where}.expires")
            try:
                expires = dt.date.fromisoformat(raw) if raw else None
            except ValueError:
                self.error(items["expires"], f"{where}.expires: {raw!r} is not a date (YYYY-MM-DD)")
        else:
            self.error(node, f"{where}: 'expires' is required (waivers must end; use a far date if need be)")
        versions = self.scalar(items["versions"], f"{where}.versions") if "versions" in items else None
        if versions is not None:
            self.check_range(items["versions"], f"{where}.versions", versions)
        license_ = self.scalar(items["license"], f"{where}.license") if "license" in items else None
        vulnerability = (
            self.scalar(items["vulnerability"], f"{where}.vulnerability") if "vulnerability" in items else None
        )
        dists: tuple[str, ...] = DISTRIBUTIONS
        if "distributions" in items:
            chosen = [
                self.choice(n, f"{where}.distributions", DISTRIBUTIONS)
                for n in self.sequence(items["distributions"], f"{where}.distributions")
            ]
            dists = tuple(d for d in chosen if d)
        return PolicyException(
            id=str(values["id"]),
            purl=str(values["purl"]),
            owner=str(values["owner"]),
            reason=str(values["reason"]),
            expires=expires,
            versions=versions,
            license=license_,
            distributions=dists,
            line=_line(node),
            vulnerability=vulnerability or None,
        )
