"""Licence detection in one text: SPDX tags first, then rule matching on the rest."""

from __future__ import annotations

import re
import threading

from ospo.licenses import spdx_tags, tokens
from ospo.licenses.index import KINDS, LicenseIndex, load_index
from ospo.licenses.matcher import Matcher, RuleMatch
from ospo.model import LicenseFinding, MatchKind

# Coverage from which an approximate match is reported as the licence's own kind; below it
# (down to the matcher's floor) it is a PARTIAL finding with a correspondingly low score.
FULL_COVERAGE = 80.0

# A text with none of these (case-insensitive) has no licence to find: skip it cheaply.
PREFILTER = re.compile(
    r"licen[cs]|copyright|copyleft|spdx|permission|warrant|redistribut|public[ _-]domain|"
    r"\bgpl|\blgpl|\bbsd|\bmit\b|apache|mozilla|\bmpl|eclipse|creative ?commons|\bcc[ -]by|"
    r"proprietary|confidential|all rights reserved|patent|free software|open source|"
    r"terms and conditions|disclaim|\bx11\b|\bzlib\b|artistic|unlicense|wtfpl|"
    r"trademark|\bisc\b|boost|python software|\bpsf\b|\bgnu\b",
    re.IGNORECASE,
)

_KIND = {
    "text": MatchKind.TEXT,
    "notice": MatchKind.NOTICE,
    "reference": MatchKind.REFERENCE,
    "tag": MatchKind.REFERENCE,
    "intro": MatchKind.REFERENCE,
    "clue": MatchKind.REFERENCE,
}

_LOCK = threading.Lock()
_MATCHER: Matcher | None = None


def matcher() -> Matcher:
    """This process's matcher over the cached index (loaded once)."""
    global _MATCHER
    with _LOCK:
        if _MATCHER is None:
            _MATCHER = Matcher(load_index())
        return _MATCHER


# Short texts are always matched: they cost little, and some rules are bare URLs or names.
ALWAYS_MATCH_CHARS = 2048


def looks_licensed(text: str) -> bool:
    """The cheap prefilter: is the text short, or does it hold any licence-ish word?"""
    return len(text) <= ALWAYS_MATCH_CHARS or PREFILTER.search(text) is not None


def detect(path: str, text: str, index_matcher: Matcher | None = None) -> list[LicenseFinding]:
    """Every licence finding of one text, in text order."""
    findings: list[LicenseFinding] = []
    tags = spdx_tags.find_tags(text)
    tag_lines = set()
    for tag in tags:
        tag_lines.add(tag.line)
        findings.append(
            LicenseFinding(
                path=path,
                expression=tag.expression,
                start_line=tag.line,
                end_line=tag.line,
                kind=MatchKind.TAG,
                rule="spdx-license-identifier",
                score=100.0 if not tag.unknown else 50.0,
                coverage=100.0,
                matched_text=tag.raw,
            )
        )
    m = index_matcher or matcher()
    index = m.index
    words, lines = tokens.words_with_lines(text)
    if not words:
        return findings
    query = index.encode(words)
    if tag_lines:
        mask = index.mask_char
        query = "".join(mask if lines[i] in tag_lines else c for i, c in enumerate(query))
    for match in m.match(query):
        findings.append(_finding(path, index, match, lines))
    findings.sort(key=lambda f: (f.start_line, f.end_line))
    return findings


def _finding(path: str, index: LicenseIndex, match: RuleMatch, lines: list[int]) -> LicenseFinding:
    kind_name = KINDS[index.rule_kinds[match.rule]]
    kind = _KIND.get(kind_name, MatchKind.REFERENCE)
    if not match.exact and match.coverage < FULL_COVERAGE:
        kind = MatchKind.PARTIAL
    relevance = index.rule_relevance[match.rule]
    span = match.end - match.start + 1
    density = match.matched / span if span else 0.0
    score = round(match.coverage * relevance / 100.0 * min(1.0, density), 2)
    return LicenseFinding(
        path=path,
        expression=index.rule_spdx[match.rule],
        start_line=lines[match.start],
        end_line=lines[match.end],
        kind=kind,
        rule=index.rule_names[match.rule],
        score=score,
        coverage=round(match.coverage, 2),
    )
