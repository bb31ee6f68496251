"""The licence detection index: compiled once from `licensedcode-data`, cached on disk.

Every active licence text and rule becomes a string of token ids (one Unicode code point per
word, so C-speed string tools — Aho-Corasick for exact matches, bit-parallel LCS for
alignment — work on words). The index also keeps, for candidate ranking, an inverted index
of the rarer words, and for output the SPDX form of every rule's expression and every
licence's category. It is written once per data-package version and index format to the
user cache folder (`OSPO_CACHE_DIR` overrides it) with an atomic rename, and each process
loads it once.
"""

from __future__ import annotations

import math
import os
import pickle
import re
import tempfile
import threading
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import ahocorasick

from ospo.licenses import data, tokens

INDEX_FORMAT = 6
CHAR_BASE = 0x10000  # token id i is the code point CHAR_BASE + i (no surrogates there)

# Kinds, by small integer, in the order the matcher prefers them on ties.
KINDS = ("text", "notice", "reference", "tag", "intro", "clue", "false-positive")
KIND_CODE = {k: i for i, k in enumerate(KINDS)}
FP = KIND_CODE["false-positive"]

# Rules shorter than this are only matched exactly (a fuzzy 5-word match is noise).
MIN_FUZZY_LENGTH = 12

# Rules longer than this are left out of the exact-match automaton: alignment finds them
# just as well, and the automaton (pickled into the cache) stays a few MiB instead of 160.
AHO_MAX_LENGTH = 80
ANCHOR = 8


@dataclass
class LicenseIndex:
    """Everything the matcher needs; plain lists and dicts so that pickle loads it fast."""

    data_version: str
    vocab: dict[str, int]
    rule_names: list[str]
    rule_keys: list[str]  # ScanCode key expression
    rule_spdx: list[str]  # SPDX expression
    rule_kinds: list[int]
    rule_relevance: list[int]
    rule_min_coverage: list[int]
    rule_continuous: list[bool]
    rule_strings: list[str]
    rule_high: list[int]  # number of distinct rare words per rule (for ranking)
    postings: dict[int, list[int]]  # rare word id -> fuzzy-matchable rules holding it
    weights: dict[str, float]  # token char -> idf weight
    licenses: dict[str, tuple[str, str, bool]]  # key -> (spdx id, category, deprecated)
    spdx_to_key: dict[str, str]
    automaton_blob: bytes = b""
    _automaton: Any = field(default=None, repr=False)
    _hashes: dict[str, int] | None = field(default=None, repr=False)
    _anchors: dict[str, list[int]] | None = field(default=None, repr=False)

    @property
    def unknown_char(self) -> str:
        return chr(CHAR_BASE + len(self.vocab))

    @property
    def mask_char(self) -> str:
        return chr(CHAR_BASE + len(self.vocab) + 1)

    def automaton(self) -> Any:
        if self._automaton is None:
            self._automaton = pickle.loads(self.automaton_blob)
        return self._automaton

    def anchors(self) -> dict[str, list[int]]:
        """First ANCHOR words of every rule too long for the automaton -> those rules.

        Exact occurrences of long rules are found by looking up each position's next
        ANCHOR words here and verifying the candidates with `str.startswith`."""
        if self._anchors is None:
            found: dict[str, list[int]] = {}
            seen: set[str] = set()
            for i, s in enumerate(self.rule_strings):
                if len(s) > AHO_MAX_LENGTH and s not in seen:
                    seen.add(s)
                    found.setdefault(s[:ANCHOR], []).append(i)
            self._anchors = found
        return self._anchors

    def hashes(self) -> dict[str, int]:
        """Whole token string -> first rule with exactly that text (the exact fast path)."""
        if self._hashes is None:
            found: dict[str, int] = {}
            for i, s in enumerate(self.rule_strings):
                found.setdefault(s, i)
            self._hashes = found
        return self._hashes

    def encode(self, words: list[str]) -> str:
        unknown = self.unknown_char
        vocab = self.vocab
        return "".join([chr(CHAR_BASE + vocab[w]) if w in vocab else unknown for w in words])

    def __getstate__(self) -> dict[str, Any]:
        state = dict(self.__dict__)
        state["_automaton"] = None
        state["_hashes"] = None
        state["_anchors"] = None
        return state


_KEY_TOKEN = re.compile(r"[^\s()]+")


def key_expression_to_spdx(expression: str, key_map: dict[str, str]) -> str:
    """`gpl-2.0-plus WITH classpath-exception-2.0` -> `GPL-2.0-or-later WITH Classpath-exception-2.0`."""

    def one(match: re.Match[str]) -> str:
        word = match.group(0)
        if word.upper() in ("AND", "OR", "WITH"):
            return word.upper()
        return key_map.get(word.lower(), f"LicenseRef-scancode-{word}")

    return _KEY_TOKEN.sub(one, expression)


def build_index() -> LicenseIndex:
    """Compile the installed data package (about 15 s on one core)."""
    licenses = list(data.read_licenses())
    key_map = {lic.key: lic.spdx_id for lic in licenses}
    records: list[tuple[str, str, str, int, int, bool, list[str]]] = []
    for lic in licenses:
        if lic.is_deprecated or lic.is_unknown or not lic.text.strip():
            continue
        records.append((f"{lic.key}.LICENSE", lic.key, "text", 100, 0, False, tokens.rule_words(lic.text)))
    for rule in data.read_rules():
        if rule.is_deprecated or (not rule.expression and rule.kind != "false-positive"):
            continue
        words = tokens.rule_words(rule.text)
        if not words:
            continue
        records.append(
            (
                rule.identifier,
                rule.expression,
                rule.kind,
                rule.relevance,
                rule.minimum_coverage,
                rule.is_continuous,
                words,
            )
        )
    vocab: dict[str, int] = {}
    for rec in records:
        for w in rec[6]:
            if w not in vocab:
                vocab[w] = len(vocab)
    strings = ["".join([chr(CHAR_BASE + vocab[w]) for w in rec[6]]) for rec in records]

    # Document frequency over all rules: the idf weights rank candidates; the rare words
    # (seen in at most 1/8 of the rules) are the ones posted in the inverted index.
    df: Counter[str] = Counter()
    for s in strings:
        df.update(set(s))
    n = len(strings)
    weights = {c: math.log(n / f) for c, f in df.items()}
    rare_limit = max(50, n // 8)
    rare = {c for c, f in df.items() if f <= rare_limit}
    postings: dict[int, list[int]] = {}
    high: list[int] = []
    for i, (rec, s) in enumerate(zip(records, strings, strict=True)):
        chars = set(s) & rare
        high.append(len(chars))
        if len(s) < MIN_FUZZY_LENGTH or rec[5] or rec[2] == "tag":
            continue
        for c in chars:
            postings.setdefault(ord(c) - CHAR_BASE, []).append(i)

    automaton = ahocorasick.Automaton()
    seen: set[str] = set()
    for i, s in enumerate(strings):
        if len(s) <= AHO_MAX_LENGTH and s not in seen:
            seen.add(s)
            automaton.add_word(s, (i, len(s)))
    automaton.make_automaton()

    spdx_cache: dict[str, str] = {}
    rule_spdx = []
    for rec in records:
        expr = rec[1]
        if expr not in spdx_cache:
            spdx_cache[expr] = key_expression_to_spdx(expr, key_map) if expr else ""
        rule_spdx.append(spdx_cache[expr])

    spdx_to_key: dict[str, str] = {}
    for lic in licenses:
        if not lic.is_deprecated:
            spdx_to_key.setdefault(lic.spdx_id, lic.key)
    for lic in licenses:
        spdx_to_key.setdefault(lic.spdx_id, lic.key)
        for other in lic.other_spdx_ids:
            spdx_to_key.setdefault(other, lic.key)

    return LicenseIndex(
        data_version=data.data_version(),
        vocab=vocab,
        rule_names=[r[0] for r in records],
        rule_keys=[r[1] for r in records],
        rule_spdx=rule_spdx,
        rule_kinds=[KIND_CODE[r[2]] for r in records],
        rule_relevance=[r[3] for r in records],
        rule_min_coverage=[r[4] for r in records],
        rule_continuous=[r[5] for r in records],
        rule_strings=strings,
        rule_high=high,
        postings=postings,
        weights=weights,
        licenses={lic.key: (lic.spdx_id, lic.category, lic.is_deprecated) for lic in licenses},
        spdx_to_key=spdx_to_key,
        automaton_blob=pickle.dumps(automaton, protocol=pickle.HIGHEST_PROTOCOL),
    )


def cache_dir() -> Path:
    """`OSPO_CACHE_DIR`, or the platform's user cache folder for ospo."""
    override = os.environ.get("OSPO_CACHE_DIR")
    if override:
        return Path(override)
    import platformdirs

    return Path(platformdirs.user_cache_dir("ospo"))


def cache_path() -> Path:
    return cache_dir() / "licenses" / f"index-{data.data_version()}-f{INDEX_FORMAT}.pickle"


_LOCK = threading.Lock()
_LOADED: LicenseIndex | None = None


def load_index(rebuild: bool = False) -> LicenseIndex:
    """The index of this process: loaded from the cache, or built and cached first."""
    global _LOADED
    with _LOCK:
        if _LOADED is not None and not rebuild:
            return _LOADED
        path = cache_path()
        index: LicenseIndex | None = None
        if not rebuild and path.exists():
            try:
                with open(path, "rb") as handle:
                    loaded = pickle.load(handle)
                if isinstance(loaded, LicenseIndex):
                    index = loaded
            except Exception:  # a corrupt or foreign cache file is rebuilt, never fatal
                index = None
        if index is None:
            index = build_index()
            write_cache(path, index)
        _LOADED = index
        return index


def write_cache(path: Path, obj: object, prefix: str = ".index-") -> None:
    """Pickle `obj` to `path` atomically; a read-only cache folder is not an error."""
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=prefix, suffix=".tmp")
    except OSError:
        return  # read-only cache: work from memory
    try:
        with os.fdopen(fd, "wb") as handle:
            pickle.dump(obj, handle, protocol=pickle.HIGHEST_PROTOCOL)
        os.replace(tmp, path)
    except OSError:
        Path(tmp).unlink(missing_ok=True)
