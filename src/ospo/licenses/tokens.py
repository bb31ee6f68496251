"""Turning text into the word tokens that licence matching compares.

Both rules and scanned files go through the same function, so punctuation, comment markers
(`#`, `//`, `*`, `--`), markup entities and case never matter: only words do. A `+` glued to
a word is kept (`gpl-2.0+` and `gpl-2.0` are different licences).
"""

from __future__ import annotations

import re

WORD = re.compile(r"[^_\W]+\+?[^_\W]*")

# Words that carry no licence meaning and come from markup or comment syntax: dropped from
# rules and files alike so that an HTML or m4 copy of a licence still matches its text.
STOPWORDS = frozenset(
    {
        "amp", "apos", "quot", "nbsp", "lt", "gt", "mdash", "ndash", "hellip",
        "br", "p", "div", "span", "li", "ul", "ol", "td", "tr", "th", "tt", "pre", "em",
        "strong", "font", "html", "dnl", "rem", "x3c", "x3e", "x22", "x27",
        "lsquo", "rsquo", "ldquo", "rdquo", "h1", "h2", "h3",
    }
)  # fmt: skip

REQUIRED_PHRASE = re.compile(r"\{\{|\}\}")


def words(text: str) -> list[str]:
    """The lower-case words of `text`, stopwords removed."""
    return [w for w in WORD.findall(text.lower()) if w not in STOPWORDS]


def rule_words(text: str) -> list[str]:
    """Words of a rule text; `{{ }}` required-phrase markers are not words."""
    return words(REQUIRED_PHRASE.sub(" ", text))


def words_with_lines(text: str) -> tuple[list[str], list[int]]:
    """Words of `text` and, in parallel, the 1-based line each word is on."""
    out: list[str] = []
    lines: list[int] = []
    findall = WORD.findall
    stop = STOPWORDS
    for number, line in enumerate(text.lower().splitlines(), 1):
        found = [w for w in findall(line) if w not in stop]
        if found:
            out.extend(found)
            lines.extend([number] * len(found))
    return out, lines
