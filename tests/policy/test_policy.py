from __future__ import annotations

import datetime as dt
import textwrap

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from ospo.model import Advisory, Component, Scope, Verdict, VulnerabilityMatch
from ospo.policy import PolicyError, evaluate, load_policy, parse_policy
from ospo.policy.ranges import RangeError, in_range, natural_compare, parse_range

CATEGORIES = {
    "MIT": "permissive",
    "Apache-2.0": "permissive",
    "GPL-2.0-only": "strong-copyleft",
    "GPL-3.0-only": "strong-copyleft",
    "AGPL-3.0-only": "network-copyleft",
    "LGPL-2.1-only": "weak-copyleft",
}


def category_of(key: str) -> str:
    return CATEGORIES.get(key, "unknown")


def comp(name: str, version: str = "1.0.0", scope: Scope = Scope.RUNTIME, eco: str = "npm") -> Component:
    return Component(f"pkg:{eco}/{name}@{version}", name, version, eco, scope=scope)


def verdicts(
    policy_text: str | None, licenses: dict[str, str | None], distribution: str, **kw: object
) -> dict[str, str]:
    policy = parse_policy(policy_text) if policy_text else load_policy()
    comps = [comp(n) for n in licenses]
    report = evaluate(
        policy,
        comps,
        {c.purl: licenses[c.name] for c in comps},
        distribution=distribution,
        category_of=category_of,
        **kw,  # type: ignore[arg-type]
    )
    return {c.name: d.verdict.value for c, d in zip(comps, report.decisions, strict=True)}


def test_default_policy_judges_by_distribution_model() -> None:
    lic = {"a": "MIT", "g": "GPL-2.0-only", "ag": "AGPL-3.0-only", "l": "LGPL-2.1-only", "n": None}
    assert verdicts(None, lic, "distributed") == {"a": "allow", "g": "deny", "ag": "deny", "l": "review", "n": "review"}
    assert verdicts(None, lic, "saas") == {"a": "allow", "g": "allow", "ag": "deny", "l": "allow", "n": "review"}
    assert verdicts(None, lic, "internal") == {"a": "allow", "g": "allow", "ag": "allow", "l": "allow", "n": "review"}


def test_or_takes_the_most_favourable_choice_and_says_so() -> None:
    policy = load_policy()
    c = comp("dual")
    report = evaluate(policy, [c], {c.purl: "GPL-2.0-only OR MIT"}, category_of=category_of)
    decision = report.decisions[0]
    assert decision.verdict is Verdict.ALLOW
    assert any("chose MIT" in r for r in decision.reasons)
    # AND takes the worst
    report = evaluate(policy, [c], {c.purl: "GPL-2.0-only AND MIT"}, category_of=category_of)
    assert report.decisions[0].verdict is Verdict.DENY


def test_with_exception_is_honoured() -> None:
    lic = {"j": "GPL-2.0-only WITH Classpath-exception-2.0", "k": "GPL-2.0-only WITH Some-other-exception"}
    assert verdicts(None, lic, "distributed") == {"j": "allow", "k": "deny"}


def test_dev_dependencies_are_judged_as_internal() -> None:
    policy = load_policy()
    c = comp("gpl-linter", scope=Scope.DEV)
    decision = evaluate(policy, [c], {c.purl: "GPL-3.0-only"}, category_of=category_of).decisions[0]
    assert decision.verdict is Verdict.ALLOW
    assert "not shipped" in decision.reasons[0]


def test_component_deny_by_purl_and_range() -> None:
    policy = load_policy()
    ok = comp("event-stream", "3.3.5")
    bad = comp("event-stream", "3.3.6")
    report = evaluate(policy, [ok, bad], {ok.purl: "MIT", bad.purl: "MIT"}, category_of=category_of)
    assert [d.verdict.value for d in report.decisions] == ["allow", "deny"]
    assert "flatmap-stream" in report.decisions[1].reasons[-1]


POLICY_WITH_WAIVERS = textwrap.dedent(
    """
    version: 1
    licenses:
      categories:
        permissive: allow
        strong-copyleft: {distributed: deny, saas: allow, internal: allow}
    components:
      allow:
        - purl: pkg:npm/@acme/*
          reason: our own packages
    vulnerabilities:
      fail_on: high
    exceptions:
      - id: EX-1
        purl: pkg:npm/widget
        license: GPL-3.0-only
        owner: legal@acme.test
        reason: commercial licence bought
        expires: 2030-01-01
      - id: EX-OLD
        purl: pkg:npm/gadget
        owner: legal@acme.test
        reason: temporary
        expires: 2020-01-01
      - id: EX-UNUSED
        purl: pkg:npm/nothing-here
        owner: x@acme.test
        reason: r
        expires: 2030-01-01
    """
)


def test_exceptions_apply_until_they_expire_and_are_reported() -> None:
    policy = parse_policy(POLICY_WITH_WAIVERS)
    widget, gadget = comp("widget"), comp("gadget")
    report = evaluate(
        policy,
        [widget, gadget],
        {widget.purl: "GPL-3.0-only", gadget.purl: "GPL-3.0-only"},
        category_of=category_of,
        today=dt.date(2026, 11, 24),
    )
    w, g = report.decisions
    assert w.verdict is Verdict.ALLOW and w.exception == "EX-1"
    assert g.verdict is Verdict.DENY and "expired" in g.reasons[-1]
    assert [e.id for e in report.expired_exceptions] == ["EX-OLD"]
    assert [e.id for e in report.unused_exceptions] == ["EX-UNUSED"]
    # the same waiver does not apply once its date has passed
    later = evaluate(
        policy, [widget], {widget.purl: "GPL-3.0-only"}, category_of=category_of, today=dt.date(2031, 1, 1)
    )
    assert later.decisions[0].verdict is Verdict.DENY


def test_vulnerability_gate_and_allow_list() -> None:
    policy = parse_policy(POLICY_WITH_WAIVERS)
    own = Component("pkg:npm/%40acme/core@2.0.0", "core", "2.0.0", "npm", namespace="@acme")
    lib = comp("lib")
    vuln = VulnerabilityMatch(lib.purl, Advisory("GHSA-xxxx", severity="high"))
    report = evaluate(policy, [own, lib], {own.purl: None, lib.purl: "MIT"}, [vuln], category_of=category_of)
    assert [d.verdict.value for d in report.decisions] == ["allow", "deny"]
    assert "GHSA-xxxx (high)" in report.decisions[1].reasons[-1]
    assert report.verdict is Verdict.DENY


@pytest.mark.parametrize(
    ("text", "line", "fragment"),
    [
        ("version: 1\nlicenses:\n  categories:\n    permisive: allow\n", 4, "unknown key 'permisive'"),
        ("version: 1\nlicenses:\n  default: maybe\n", 3, "'maybe' is not one of"),
        (
            "version: 1\nexceptions:\n  - id: A\n    purl: pkg:npm/x\n    owner: o\n    reason: r\n    expires: soon\n",
            7,
            "not a date",
        ),
        (
            "version: 1\nexceptions:\n  - id: A\n    purl: pkg:npm/x\n    owner: o\n    reason: r\n",
            3,
            "'expires' is required",
        ),
        ("version: 1\ncomponents:\n  deny:\n    - purl: npm/x\n", 4, "not a purl"),
        ("version: 1\ncomponents:\n  deny:\n    - purl: pkg:npm/x\n      versions: '~~1'\n", 5, "cannot read version"),
        ("version: 2\n", 1, "not supported"),
        ("version: 1\nlicenses: [\n", 3, "not valid YAML"),
        ("version: 1\nlicenses:\n  ids:\n    MIT: {distributed: allow}\n", 4, "missing"),
        ("version: 1\nvulnerabilities:\n  fail_on: high\n  sla:\n    critical: soon\n", 5, "not a number of days"),
        ("version: 1\nvulnerabilities:\n  sla:\n    high: -3\n", 4, "not a number of days"),
        ("version: 1\nvulnerabilities:\n  sla:\n    high: 40000\n", 4, "0 to 36500"),
        ("version: 1\nvulnerabilities:\n  sla:\n    urgent: 3\n", 4, "unknown key 'urgent'"),
        ("version: 1\nvulnerabilities:\n  sla: 7\n", 3, "vulnerabilities.sla must be a mapping"),
        ("version: 1\nvulnerabilities:\n  sla:\n    low: [1]\n", 4, "must be a single value"),
    ],
)
def test_bad_policies_name_the_line(text: str, line: int, fragment: str) -> None:
    with pytest.raises(PolicyError) as info:
        parse_policy(text, "p.yml")
    assert any(err_line == line and fragment in msg for err_line, msg in info.value.errors), info.value.errors
    assert f"p.yml:{line}:" in str(info.value)


def test_ranges() -> None:
    spec = parse_range(">=2.0, <2.17.1 || =1.2.3")
    assert in_range("2.16.0", spec, natural_compare)
    assert not in_range("2.17.1", spec, natural_compare)
    assert in_range("1.2.3", spec, natural_compare)
    assert natural_compare("1.0.0-rc.1", "1.0.0") < 0
    with pytest.raises(RangeError):
        parse_range(">= ,")


@settings(max_examples=200)
@given(st.text(max_size=300))
def test_policy_parser_only_raises_policy_error(text: str) -> None:
    try:
        parse_policy(text)
    except PolicyError:
        pass
