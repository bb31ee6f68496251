"""Text clean-up and year handling shared by copyright extraction and holder deduplication.

Kept apart from the extractor so that the NOTICE side (merging years per holder) and the
scanner side (finding statements) agree on what a year and a clean line are, without the
deduplication code importing the whole extractor.

Every pattern here is linear: alternations of literals, bounded repeats, and repeats whose
iterations must start with a distinct literal, so adversarial input cannot make them backtrack
catastrophically.
"""

from __future__ import annotations

import html
import re

# A plausible copyright year: 1950-2099. Older "years" are nearly always version numbers.
YEAR = r"(?:19[5-9]\d|20\d\d)"
_OPEN_END = r"(?:present|now|today|current|date|onwards?)"
_RANGE_SEP = r"(?:\s*(?:-|–|—|/)\s*|\s+(?:to|through|until|till)\s+)"
# One year or range, then more of them separated by commas/"and"; each repeat starts with a
# separator, so the regex engine never has two ways to split the same input.
YEARS_RE = re.compile(
    rf"(?<![\w.@/-]){YEAR}(?:{_RANGE_SEP}(?:{YEAR}|\d\d|{_OPEN_END}))?"
    rf"(?:(?:\s*,\s*(?:{YEAR}|\d\d)|(?:\s+and\s+|\s*&\s*|\s+){YEAR})"
    rf"(?:{_RANGE_SEP}(?:{YEAR}|\d\d|{_OPEN_END}))?)*"
    r"(?![\w@])",
    re.IGNORECASE,
)
_ONE_YEAR_RE = re.compile(rf"(?<![\w.@/]){YEAR}(?:{_RANGE_SEP}({YEAR}|\d\d|{_OPEN_END}))?(?![\w@])", re.IGNORECASE)

# Comment leaders at the start of a line, in any mix ("/*", " * ", "#", "//", ";;", "--",
# "%", "dnl", "REM", "!", "'", "<!--", ".\\\"" man-page comments, "(*", "{-", '"""').
_LEADER_RE = re.compile(
    r"^[\s\ufeff]*(?:(?:/\*+|\*+/?|//+|#+|;+|--+|%+|!+|'+|\"\"\"|<!--|\.\\\"|\(\*|\{-|"
    r"(?i:dnl|rem|@rem|::)(?=\s|$))[\s]*)*"
)
_INLINE_COMMENT_END_RE = re.compile(r"\*+/|-->|\s//\s")
_TRAILER_RE = re.compile(r"\s*(?:\*+/|-->|\*\)|-\}|\"\"\")\s*$")
# Markup that surrounds statements in HTML, XML metadata (pom.xml, .nuspec) and Debian files.
# Only known tag names: "<year>" and "<name of author>" are template placeholders that the
# false-positive filter must still see, and "<jane@example.com>" is an email.
_TAG_RE = re.compile(
    r"</?(?:a|abbr|address|b|big|blockquote|body|br|center|cite|code|copyright|dd|div|dl|dt|"
    r"em|font|footer|h[1-6]|head|header|hr|html|i|img|label|li|link|meta|nobr|ol|p|pre|s|"
    r"section|small|span|strong|sub|sup|table|tbody|td|th|title|tr|tt|u|ul|"
    r"dc:rights|rights|legalcopyright)\b[^<>]{0,400}?/?>",
    re.IGNORECASE,
)
# Escaped signs count only as a word of their own: "\\xa9" inside a byte regex is not one.
_SYMBOL_RE = re.compile(r"(?:\\251|\\u00a9|\\xa9|\\N\{COPYRIGHT SIGN\}|\|copy\|)(?=\s)")
_NOISE_RE = re.compile(r"[*`]+|\\[ntr]|\t|\s{2,}")
# Control characters end a statement: strings in binaries are separated by NULs.
_CONTROL_RE = re.compile(r"[\x00-\x08\x0e-\x1f\x7f]+")  # not \t \n \v \f \r: spacing


def clean_line(raw: str) -> str:
    """A line with comment markers, markup and entities removed; copyright signs kept.

    ``(c)``, ``&copy;``, ``\\251`` and friends become ``(c)`` or ``©`` so the extractor sees
    one form; whitespace runs become one space.
    """
    line = _LEADER_RE.sub("", raw, count=1)
    line = _TRAILER_RE.sub("", line)
    if "*/" in line or "-->" in line or " // " in line:
        line = _INLINE_COMMENT_END_RE.sub(" | ", line)  # a statement ends with its comment
    if "<" in line:
        line = _TAG_RE.sub(" ", line)
    if "&" in line:
        line = html.unescape(line)
    if "\\" in line or "|" in line:
        line = _SYMBOL_RE.sub("©", line)
    if not line.isprintable():
        line = _CONTROL_RE.sub(" | ", line)
    if "\u00c2\u00a9" in line:
        line = line.replace("\u00c2\u00a9", "©")  # UTF-8 read as Latin-1
    line = _NOISE_RE.sub(" ", line)
    return line.strip()


def parse_years(text: str) -> tuple[set[int], int | None]:
    """The years a statement names, and the first year of an open range ("2012-present")."""
    years: set[int] = set()
    open_from: int | None = None
    for match in _ONE_YEAR_RE.finditer(text):
        start = int(match.group(0)[:4])
        end_text = match.group(1)
        if end_text is None:
            years.add(start)
        elif end_text.isdigit():
            end = int(end_text) if len(end_text) == 4 else (start // 100) * 100 + int(end_text)
            if len(end_text) == 2 and end < start:
                end += 100
            if start <= end <= start + 200:
                years.update(range(start, end + 1))
            else:
                years.add(start)
        else:
            years.add(start)
            open_from = start if open_from is None else min(open_from, start)
    return years, open_from


def format_years(years: set[int], open_from: int | None = None) -> str:
    """Years as a NOTICE prints them: "1999-2004, 2010, 2012-present"."""
    closed = sorted(y for y in years if open_from is None or y < open_from)
    parts: list[str] = []
    index = 0
    while index < len(closed):
        first = last = closed[index]
        while index + 1 < len(closed) and closed[index + 1] == last + 1:
            index += 1
            last = closed[index]
        parts.append(str(first) if first == last else f"{first}-{last}")
        index += 1
    if open_from is not None:
        parts.append(f"{open_from}-present")
    return ", ".join(parts)
