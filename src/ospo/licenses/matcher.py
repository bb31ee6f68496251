"""Matching one text against the licence index.

The order follows what makes ScanCode accurate, done with C-speed building blocks:

1. exact: the whole text equals a rule (one dict lookup), else every rule occurring word
   for word is found in one Aho-Corasick pass; the longest non-overlapping ones are kept;
2. approximate: on what exact matching left, rules are ranked by how much of their rarer
   vocabulary the text holds (an inverted index), and the few best are aligned with the
   text by a bit-parallel longest-common-subsequence (rapidfuzz). The aligned blocks are
   grouped where they are dense; coverage (share of the rule's words found) and the
   matched span come from the best group. Repeated until nothing licence-like is left;
3. overlaps are settled in favour of the match that explains more words; matches of
   false-positive rules win their span and are then dropped.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass

from rapidfuzz.distance import LCSseq

from ospo.licenses.index import (
    AHO_MAX_LENGTH,
    ANCHOR,
    CHAR_BASE,
    FP,
    MIN_FUZZY_LENGTH,
    LicenseIndex,
)

TOP_RANKED = 60  # candidates rescored by weighted containment
TOP_ALIGNED = 8  # candidates aligned per round
MAX_ROUNDS = 12
MIN_COVERAGE = 50.0  # below this an approximate match is dropped
LIST_ITEM_LENGTH = 8  # a rule this short is a name or id when it appears in a list
LIST_MIN_ITEMS = 15
LIST_MIN_DISTINCT = 10
MIN_RARE_LEFT = 1  # no unexplained rare word left: stop looking


@dataclass(frozen=True)
class RuleMatch:
    """A rule found in the text: token span [start, end] (inclusive) and its quality."""

    rule: int
    start: int
    end: int
    matched: int
    coverage: float
    exact: bool

    @property
    def span(self) -> int:
        return self.end - self.start + 1


class Matcher:
    """Matches texts against one loaded index; keeps small per-process caches."""

    def __init__(self, index: LicenseIndex) -> None:
        self.index = index
        self._rule_weight: dict[int, tuple[frozenset[str], float]] = {}

    # -- public -----------------------------------------------------------------------------

    def match(self, query: str) -> list[RuleMatch]:
        """All licence matches in the encoded query (see `LicenseIndex.encode`)."""
        if not query:
            return []
        index = self.index
        whole = index.hashes().get(query)
        if whole is not None:
            found = [RuleMatch(whole, 0, len(query) - 1, len(query), 100.0, True)]
            return [m for m in found if index.rule_kinds[m.rule] != FP]
        exact = self._exact(query)
        fuzzy = self._approximate(query, exact)
        return self._drop_licence_lists(self._settle(exact + fuzzy))

    def _drop_licence_lists(self, matches: list[RuleMatch]) -> list[RuleMatch]:
        """A file that is mostly a list of licence names or ids (a licence picker's data, an
        SPDX list) grants nothing: its many short references are dropped."""
        strings = self.index.rule_strings
        short = [m for m in matches if len(strings[m.rule]) <= LIST_ITEM_LENGTH]
        if len(short) < LIST_MIN_ITEMS or len(short) * 5 < len(matches) * 4:
            return matches
        if len({self.index.rule_spdx[m.rule] for m in short}) < LIST_MIN_DISTINCT:
            return matches
        return [m for m in matches if len(strings[m.rule]) > LIST_ITEM_LENGTH]

    # -- exact ------------------------------------------------------------------------------

    def _exact(self, query: str) -> list[RuleMatch]:
        index = self.index
        automaton = index.automaton()
        found = [
            RuleMatch(rule, end - length + 1, end, length, 100.0, True) for end, (rule, length) in automaton.iter(query)
        ]
        anchors = index.anchors()
        strings = index.rule_strings
        for pos in range(len(query) - AHO_MAX_LENGTH):
            rules = anchors.get(query[pos : pos + ANCHOR])
            if rules is None:
                continue
            for rule in rules:
                length = len(strings[rule])
                if query.startswith(strings[rule], pos):
                    found.append(RuleMatch(rule, pos, pos + length - 1, length, 100.0, True))
        return self._settle(found, keep_fp=True)

    # -- approximate ------------------------------------------------------------------------

    def _approximate(self, query: str, exact: list[RuleMatch]) -> list[RuleMatch]:
        """Rounds of rank-and-align. The first round sees the whole text, so that one long
        rule (a combined licence, a dual-licence notice) can win over the exact pieces it
        contains; later rounds see only what earlier matches left unexplained."""
        index = self.index
        postings = index.postings
        results: list[RuleMatch] = []
        mask = index.mask_char
        big_exact = [m for m in exact if m.span >= MIN_FUZZY_LENGTH]
        masked = list(query)
        for round_number in range(MAX_ROUNDS):
            if round_number == 1:
                taken = [(m.start, m.end) for m in results]
                for m in big_exact:
                    if not any(m.start <= e and s <= m.end for s, e in taken):
                        masked[m.start : m.end + 1] = mask * m.span
            text = "".join(masked)
            present = set(text)
            rare = [c for c in present if (ord(c) - CHAR_BASE) in postings]
            if len(rare) < MIN_RARE_LEFT:
                break
            counts: Counter[int] = Counter()
            for c in rare:
                counts.update(postings[ord(c) - CHAR_BASE])
            ranked = self._rank(counts, present)
            best: RuleMatch | None = None
            best_score = 0.0
            for rule in ranked:
                aligned = self._align(rule, text)
                if aligned is None:
                    continue
                score = aligned.matched * aligned.coverage
                if score > best_score:
                    best, best_score = aligned, score
            if best is None:
                if round_number == 0 and big_exact:
                    continue
                break
            if round_number == 0 and big_exact:
                inside = sum(m.matched for m in exact if best.start <= m.start and m.end <= best.end)
                if best.matched <= inside:
                    continue  # the exact pieces explain this span as well: keep them
            results.append(best)
            masked[best.start : best.end + 1] = mask * best.span
        return results

    def _rule_set(self, rule: int) -> tuple[frozenset[str], float]:
        cached = self._rule_weight.get(rule)
        if cached is None:
            chars = frozenset(self.index.rule_strings[rule])
            weights = self.index.weights
            cached = (chars, sum(weights[c] for c in chars))
            self._rule_weight[rule] = cached
        return cached

    def _rank(self, counts: Counter[int], present: set[str]) -> list[int]:
        weights = self.index.weights
        high = self.index.rule_high
        scored: list[tuple[float, int]] = []
        # Pre-rank on rare words alone: containment times size, among the rules that
        # have at least half of their rare words here (others cannot reach coverage).
        pre = [(c * c / high[r], r) for r, c in counts.items() if c * 2 >= high[r]]
        pre.sort(reverse=True)
        for _, rule in pre[:TOP_RANKED]:
            chars, total = self._rule_set(rule)
            inter = sum(weights[c] for c in chars & present)
            containment = inter / total if total else 0.0
            if containment < 0.5:
                continue
            scored.append((containment * containment * inter, rule))
        scored.sort(reverse=True)
        return [rule for _, rule in scored[:TOP_ALIGNED]]

    def _align(self, rule: int, text: str) -> RuleMatch | None:
        index = self.index
        rule_text = index.rule_strings[rule]
        n = len(rule_text)
        blocks = _blocks(rule_text, text)
        group = _densest(blocks, n)
        if not group:
            return None
        lo = max(0, group[0][1] - 20)
        hi = min(len(text), group[-1][1] + group[-1][2] + 20)
        if lo > 0 or hi < len(text):
            blocks = [(a, b + lo, s) for a, b, s in _blocks(rule_text, text[lo:hi])]
            group = _densest(blocks, n)
            if not group:
                return None
        matched = sum(s for _, _, s in group)
        coverage = 100.0 * matched / n
        start = group[0][1]
        end = group[-1][1] + group[-1][2] - 1
        exact = matched == n and end - start + 1 == n
        if coverage < max(MIN_COVERAGE, float(index.rule_min_coverage[rule])):
            return None
        if index.rule_continuous[rule] and not exact:
            return None
        if matched < min(n, MIN_FUZZY_LENGTH):
            return None
        return RuleMatch(rule, start, end, matched, coverage, exact)

    # -- settling overlaps ------------------------------------------------------------------

    def _settle(self, matches: list[RuleMatch], keep_fp: bool = False) -> list[RuleMatch]:
        """Longest (most matched words) first; a match overlapping a kept one is dropped."""
        kinds = self.index.rule_kinds
        order = sorted(
            matches,
            key=lambda m: (-m.matched, -m.coverage, kinds[m.rule] == FP, kinds[m.rule], m.start),
        )
        kept: list[RuleMatch] = []
        taken: list[tuple[int, int]] = []
        for m in order:
            if any(m.start <= e and s <= m.end for s, e in taken):
                continue
            kept.append(m)
            taken.append((m.start, m.end))
        kept.sort(key=lambda m: m.start)
        if keep_fp:
            return kept
        return [m for m in kept if kinds[m.rule] != FP]


def _blocks(rule_text: str, text: str) -> list[tuple[int, int, int]]:
    ops = LCSseq.editops(rule_text, text)
    return [(b.a, b.b, b.size) for b in ops.as_matching_blocks() if b.size]


def _densest(blocks: list[tuple[int, int, int]], rule_length: int) -> list[tuple[int, int, int]]:
    """The run of aligned blocks with the most matched words, split where the text inserts
    more than a small gap of foreign words."""
    if not blocks:
        return []
    gap = max(8, min(60, rule_length // 8))
    best: list[tuple[int, int, int]] = []
    best_size = 0
    current = [blocks[0]]
    size = blocks[0][2]
    for block in blocks[1:]:
        prev = current[-1]
        if block[1] - (prev[1] + prev[2]) > gap:
            if size > best_size:
                best, best_size = current, size
            current, size = [block], block[2]
        else:
            current.append(block)
            size += block[2]
    if size > best_size:
        best = current
    return best
