"""The policy file and its evaluation into decisions with reasons (pure: no I/O but reading the file)."""

from ospo.policy.evaluate import Evaluator, PolicyReport, evaluate
from ospo.policy.schema import DEFAULT_POLICY_PATH, Policy, PolicyError, load_policy, parse_policy

__all__ = [
    "DEFAULT_POLICY_PATH",
    "Evaluator",
    "Policy",
    "PolicyError",
    "PolicyReport",
    "evaluate",
    "load_policy",
    "parse_policy",
]
