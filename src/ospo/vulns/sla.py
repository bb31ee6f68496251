"""Remediation windows per severity, finding states, due dates and overdue computation.

A finding is due `window[severity]` days after it was first seen. Defaults follow common
practice (critical 7 days, high 30, medium 90, low 180; unknown like medium; none has no
due date); the policy file's `vulnerabilities.sla` sets them for an organisation, and
configuration overrides that per severity (``critical=3,high=14`` in OSPO_SLA, then
``--sla critical=3`` on the command line).
Only an open finding can be overdue; an accepted risk whose expiry has passed counts as
open again, so risk acceptance cannot silently outlive its owner's decision.
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date, timedelta
from enum import StrEnum

from ospo.model import OspoError

DEFAULT_WINDOWS: dict[str, int | None] = {
    "critical": 7,
    "high": 30,
    "medium": 90,
    "low": 180,
    "unknown": 90,
    "none": None,
}

# CycloneDX 1.6 impact-analysis justifications (what a not-affected statement must give).
VEX_JUSTIFICATIONS = (
    "code_not_present",
    "code_not_reachable",
    "requires_configuration",
    "requires_dependency",
    "requires_environment",
    "protected_by_compiler",
    "protected_at_runtime",
    "protected_at_perimeter",
    "protected_by_mitigating_control",
)


class SlaConfigError(OspoError):
    """An SLA override could not be understood."""


class FindingState(StrEnum):
    OPEN = "open"
    FIXED = "fixed"
    ACCEPTED_RISK = "accepted-risk"
    NOT_AFFECTED = "not-affected"


@dataclass(frozen=True)
class SlaPolicy:
    """Days allowed per severity rating; None means no deadline."""

    windows: Mapping[str, int | None] = field(default_factory=lambda: dict(DEFAULT_WINDOWS))

    @classmethod
    def from_overrides(
        cls,
        overrides: Iterable[str] = (),
        env: Mapping[str, str] | None = None,
        base: Mapping[str, int | None] | None = None,
    ) -> SlaPolicy:
        """Defaults, then `base` (a policy file's `vulnerabilities.sla`), then OSPO_SLA from
        `env`, then each ``severity=days`` override in order."""
        windows = dict(DEFAULT_WINDOWS)
        windows.update({k: v for k, v in (base or {}).items() if k in DEFAULT_WINDOWS})
        environ = os.environ if env is None else env
        items = [p for p in environ.get("OSPO_SLA", "").split(",") if p.strip()]
        items.extend(overrides)
        for item in items:
            name, sep, days = item.partition("=")
            name = name.strip().lower()
            if not sep or name not in DEFAULT_WINDOWS:
                raise SlaConfigError(
                    f"SLA override {item!r}: expected SEVERITY=DAYS, severity one of {', '.join(DEFAULT_WINDOWS)}"
                )
            days = days.strip().lower()
            if days in ("", "none", "never"):
                windows[name] = None
                continue
            if not days.isdigit() or int(days) > 36500:
                raise SlaConfigError(f"SLA override {item!r}: days must be a whole number of days")
            windows[name] = int(days)
        return cls(windows)

    def window(self, severity: str) -> int | None:
        return self.windows.get(severity, self.windows.get("unknown"))

    def due_date(self, first_seen: date, severity: str) -> date | None:
        days = self.window(severity)
        return None if days is None else first_seen + timedelta(days=days)


def effective_state(state: str, expires: date | None, today: date) -> str:
    """An accepted risk past its expiry is open again; every other state is as stored."""
    if state == FindingState.ACCEPTED_RISK and expires is not None and expires < today:
        return FindingState.OPEN
    return state


def is_overdue(state: str, due: date | None, today: date, expires: date | None = None) -> bool:
    return effective_state(state, expires, today) == FindingState.OPEN and due is not None and due < today


def days_left(due: date | None, today: date) -> int | None:
    """Days until due (negative when overdue), None without a deadline."""
    return None if due is None else (due - today).days
