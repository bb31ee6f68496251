"""Findings about files and components: licences, copyrights, advisories, decisions."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum


class MatchKind(StrEnum):
    """How a licence was recognised; tells a reviewer how much to trust it."""

    TAG = "spdx-tag"  # SPDX-License-Identifier: ...
    TEXT = "text"  # a full licence text
    NOTICE = "notice"  # a notice or header granting a licence
    REFERENCE = "reference"  # "see LICENSE", a licence URL, a bare name
    DECLARED = "declared"  # package metadata (License:, "license": ...)
    PARTIAL = "partial"  # modified or incomplete text, low score


@dataclass(frozen=True)
class LicenseFinding:
    """One licence detected in one file, with the evidence to reproduce it.

    `expression` is an SPDX expression; licences outside the SPDX list appear as
    ``LicenseRef-scancode-<key>``. `score` and `coverage` are 0..100.
    """

    path: str
    expression: str
    start_line: int
    end_line: int
    kind: MatchKind
    rule: str
    score: float
    coverage: float = 100.0
    matched_text: str | None = None


@dataclass(frozen=True)
class Copyright:
    """A copyright statement and the holder extracted from it."""

    path: str
    line: int
    statement: str
    holder: str | None = None
    end_line: int | None = None
    kind: str = "copyright"  # "copyright", or "author" for Author:/@author/Written by lines


@dataclass(frozen=True)
class Advisory:
    """The parts of an OSV record that matching and reporting need."""

    id: str
    aliases: tuple[str, ...] = ()
    summary: str = ""
    severity: str = "unknown"  # critical, high, medium, low, none, unknown
    score: float | None = None
    vector: str | None = None
    published: str | None = None
    modified: str | None = None
    references: tuple[str, ...] = ()
    withdrawn: str | None = None


@dataclass(frozen=True)
class VulnerabilityMatch:
    """A component version that an advisory affects, and what clears it."""

    purl: str
    advisory: Advisory
    fixed_versions: tuple[str, ...] = ()
    reason: str = ""  # which range or enumerated version matched
    # Added for SLA tracking and VEX: the finding's state (open, fixed, accepted-risk,
    # not-affected), why, the VEX justification, the due date (ISO) and the upgrade that
    # clears every vulnerability of the component.
    state: str = "open"
    state_detail: str | None = None
    justification: str | None = None
    due: str | None = None
    upgrade_to: str | None = None


class Verdict(StrEnum):
    ALLOW = "allow"
    REVIEW = "review"
    DENY = "deny"


@dataclass(frozen=True)
class PolicyDecision:
    """The policy's verdict on one component (or the whole scan), with its reasons."""

    subject: str  # purl, or "scan"
    verdict: Verdict
    reasons: tuple[str, ...] = ()
    rule: str | None = None
    exception: str | None = None  # id of the waiver that turned deny/review into allow
