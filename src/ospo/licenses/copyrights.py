"""Copyright statements and their holders, as attribution notices need them.

``extract_copyrights(path, text)`` runs on every file of a tree, so it is built for speed
first: a substring prefilter rejects most files without a regex, then only lines carrying a
copyright hint (and the few lines that continue them) are cleaned and parsed. Each statement
is cut where licence boilerplate, "All rights reserved" or a new sentence begins, and its
holder is what remains once the signs, years, emails and URLs are removed.

The false-positive filters encode what licence texts and code look like: prose ("the above
copyright notice", "copyright holders and contributors", "copyright law"), templates
("Copyright (C) <year> <name of author>"), and identifiers (``copyright = "..."``,
``COPYRIGHT_YEAR``, ``getCopyright()``, ``COPYRIGHT.txt``).

Everything here is pure: a string in, plain data out; no exception escapes for any text.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from ospo.licenses.copyright_holders import HolderSummary, deduplicate_holders
from ospo.licenses.copyright_text import YEARS_RE, clean_line
from ospo.model import Copyright

__all__ = ["HolderSummary", "deduplicate_holders", "extract_copyrights"]


def _words(text: str) -> frozenset[str]:
    return frozenset(text.split())


# Lines longer than this (minified code, data) are only looked at in windows after each hint.
_LONG_LINE = 1000
_WINDOW = 400
_MAX_WINDOWS_PER_LINE = 64
_MAX_CONTINUATION_LINES = 3
_MAX_YEAR_LINES = 50
_MAX_STATEMENT = 300

# Cheap substring tests on the lower-cased text; no hit means no statement in the file.
_HINTS = (
    "copyright", "copr", "(c)", "©", "&copy", "&#169", "&#xa9", "\\251", "\\u00a9", "\\xa9",
    "|copy|", "author", "written by",
)  # fmt: skip
_HINT_RE = re.compile(
    r"copyright|copr|\(c\)|©|&copy|&#169|&#xa9|\\251|\\u00a9|\\xa9|\|copy\||"
    r"author|written by"
)

# One copyright sign: the word, the abbreviation, the symbol or the SPDX file tag.
_MARK = r"(?:spdx-filecopyrighttext|copyright(?:ed(?=\s+by\b))?(?![a-z])|copr\.|\(c\)|©)"
# A run of signs ("Portions Copyright (C)", "Copyright ©", "SPDX-FileCopyrightText: (c)").
_GROUP_RE = re.compile(rf"(?<![\w@$.\\/-])(?:\bportions\s+)?{_MARK}(?:[\s:,]*{_MARK})*:?", re.IGNORECASE)
_WORD_MARK_RE = re.compile(r"spdx-filecopyrighttext|copyright|copr\.", re.IGNORECASE)

# Where a statement stops: rights reservations, licence grants and other boilerplate.
_TERMINATOR_RE = re.compile(
    r"\ball\s+rights?\b|\ball\s*$|\bsome\s+rights\s+reserved|\balle\s+rechte|"
    r"\btous\s+droits|\bderechos\s+reservados|\brights\s+reserved|"
    r"\blicen[sc]e[sd]?\b|\breleased\s+under|\bdistributed\s+under|\bavailable\s+under|"
    r"\bunder\s+the\s+terms|\bspdx-license-identifier|\bpermission\s+(?:is|to)\b|"
    r"\bthis\s+(?:program|file|software|library|code|work|source|project|package|module|"
    r"header|is|notice|product|document|documentation|manual|page|text|list)\b|"
    r"(?-i:\bsee\b|\bSee\s+(?:[a-z\"'`(<]|LICEN[SC]E|COPYING|AUTHORS|README|NOTICE))|"
    r"\bwrite\s+to\b|"
    r"\bis\s+free\s+software|\buse\s+of\s+this|\bredistribution|\byou\s+(?:may|can)\b|"
    r"\bprovided\s+that|\bwarrant(?:y|ies)\b|\bpart\s+of\s+the\b|\s\|\s|\s-{2,}\s|\s--?\s*$|"
    r"\bversion\s+\d|\bconvention\b|\bgenerated\s+by\b|\bbut\b|\bverbatim\b|\bmay\s+be\b|"
    r"\bis\s+(?:distributed|available|provided|permitted|hereby|granted|licen[sc]ed)\b|"
    r"\ball\s+rights\s+are\s+reserved|\bsuite\s+\d|"
    r"\b\d{1,5}\s+(?:[A-Z][a-z]+\s+){1,3}(?:Place|Street|St\.|Avenue|Ave\.?|Road|Rd\.|"
    r"Boulevard|Blvd\.?|Drive|Lane|Way|Circle|Parkway|Square)\b",
    re.IGNORECASE,
)
_SENTENCE_END_RE = re.compile(r"\.\s+(?=[A-Z])")
# Substrings at least one of which every terminator contains: most tails hold none of them,
# and a few ``in`` tests are far cheaper than the terminator regex.
_TERMINATOR_KEYS = (
    "all", "right", "alle", "tous", "derechos", "licen", "releas", "distrib", "availab",
    "under", "spdx", "permission", "this", "see", "write", "is ", "use of", "provided",
    "warrant", "part of", "|", " -", "version", "convention", "generated", "but", "verbatim",
    "may", "suite", "you", "place", "street", "st.", "ave", "road", "rd.", "boulevard", "blvd",
    "drive", "lane", "way", "circle", "parkway", "square",
)  # fmt: skip
_ABBREVIATIONS = _words(
    "inc ltd co corp jr sr dr mr mrs ms st prof bros al etc llc gmbh ag sa nv bv ev kg plc pty lda srl spa oy ab as"
)

_EMAIL_RE = re.compile(r"<?\b[\w.+-]{1,64}@[\w-]{1,63}(?:\.[\w-]{1,63}){0,8}>?")
_MAILTO_RE = re.compile(r"\bmailto:", re.IGNORECASE)
_DATE_RE = re.compile(
    r"\b(?:jan|feb|mar|apr|may|jun|jul|aug|sep|sept|oct|nov|dec)[a-z]{0,6}\.?\s+"
    r"\d{1,2}(?:st|nd|rd|th)?\b,?",
    re.IGNORECASE,
)
_URL_RE = re.compile(r"[<(]?\b(?:https?://|www\.)[^\s<>()]{1,300}[>)]?", re.IGNORECASE)
_TEMPLATE_RE = re.compile(
    r"[<\[{]\s*(?:yyyy|year|years|name|owner|author|copyright|holder|fullname|full\s+name|"
    r"organi[sz]ation|company|your|insert|date|first|program|one\s+line)[^<>\[\]{}]{0,60}[>\]}]|"
    r"\byyyy\b|\bname\s+of\s+(?:the\s+)?(?:author|copyright|owner)|\b(?:19|20)xx\b|"
    r"\byour\s+(?:name|company|organi[sz]ation)\b|[<\[{(]\s*insert\b|\$\{?\w*year\w*\}?|%year%|\{\{|%[0-9]*[sd]\b|\byear\s+here\b",
    re.IGNORECASE,
)
_LEADING_LETTERS_RE = re.compile(r"[a-z]+")
_PROSE_PUNCTUATION = frozenset("-.,;'\"”“’‘`()/")
_CONDITIONAL_RE = re.compile(r"\b(?:if|whether|unless|when|which)\b", re.IGNORECASE)
_PREV_WORD_RE = re.compile(r"([A-Za-z]+)\W{0,3}$")
_FIRST_WORD_RE = re.compile(r"[\s:,]*([^\s,;:]+)\s*([^\s,;:]*)")
# A word just before the sign that makes it prose ("the above copyright", "of copyright").
_PROSE_BEFORE = _words(
    "the above this that said such any all its their his her your our no of and or full "
    "original following applicable same a an to with retain include includes including "
    "preserve under without relevant appropriate respective additional intellectual "
    "us international united by for as on in from own other each every these those "
    "whose which claim any reproduce display removal remove"
)
# A word just after the sign that makes it prose ("copyright notice", "copyright law").
_PROSE_AFTER = _words(
    "holder holders owner owners notice notices law laws and or to in on of for is are was "
    "were be been act protection statement statements license licence licenses information "
    "infringement interest interests claim claims may shall will would should must can "
    "could date year years text header headers line lines message string symbol sign page "
    "file files assignment ownership status policy terms permission permissions disclaimer "
    "waiver agreement rights right registration transfer treaty office violation violations "
    "as with from at that which not under owned held attribution notification "
    "and/or year(s) laws. note notes section clause holder(s) owner(s) template tag field "
    "fields check checks info data detection year, string, details"
)
# Holders that are no one.
_JUNK_HOLDERS = _words(
    "the by and of holder holders owner owners author authors notice copyright c "
    "yyyy year name you your all rights reserved is a an to this that it its none null "
    "unknown undefined nil true false self this contributor(s) author(s) holder(s)"
)
# First words that make a "holder" a sentence ("Copyright (C) 2020 You must update ...").
_PROSE_START = _words("you your neither nor if when where whether pursuant permission unless")
_CODE_AFTER_RE = re.compile(r"\s*(?:[=(\[{]|:=|->|\.[A-Za-z_]|_|['\"],|['\"]\s*[:\])])")
_AUTHOR_RE = re.compile(
    r"^(?:@author\b|authors?\s*:|(?:original(?:ly)?\s+)?written\s+by\b|author\s+-)\s*(.*)$",
    re.IGNORECASE,
)
_YEAR_LINE_RE = re.compile(r"^(?:\(c\)\s*|©\s*)?(?=(?:19[5-9]\d|20\d\d)\b)")
_BANNER_BEFORE_RE = re.compile(r"(?:\||\bv?\d+(?:\.\d+)+\w*|/\*!?)\s*$")
_ORG_RE = re.compile(
    r"\b(?:Inc|Ltd|LLC|GmbH|Corp|Corporation|Foundation|Project|Contributors|Authors|"
    r"Team|Software|Systems|Technologies|Limited|Company|University)\b"
)
_SPACE_BEFORE_COMMA_RE = re.compile(r"\s+(?=,)")
# A line that finishes the name begun on the line before ("Netscape Communications" /
# "Corporation. All Rights Reserved.", "Foo Authors" / "and contributors").
_NAME_TAIL_RE = re.compile(
    r"(?:Inc|Incorporated|Corp|Corporation|Ltd|Limited|LLC|GmbH|AG|Foundation|Company|Co|"
    r"University|Institute|Project|Contributors|Authors|Organi[sz]ation|Association|Society|"
    r"Council|Laborator(?:y|ies)|Group|Consortium|Trust|Centre|Center|Systems|Technologies|"
    r"and\s+(?:others|contributors|other\s+contributors|its\s+affiliates|affiliates))\b"
)
_ONLY_YEARS_RE = re.compile(rf"[\s,:]*(?:{YEARS_RE.pattern})?[\s,:]*", re.IGNORECASE)
# "(C) Eero Example <oak at example dot com>": a bare sign followed by nothing but a name.
_NAME_ONLY_RE = re.compile(
    r"\s*(?:[A-Z][\w'.-]*\s+){1,4}[A-Z][\w'.-]*\s*(?:<[^<>]{0,80}>|\([^()]{0,80}\))?\s*[.,]?\s*$"
)
_OBFUSCATED_EMAIL_RE = re.compile(
    r"[\w.+-]{1,64}\s*[\[(<]?\s*at\s*[\])>]?\s*[\w-]{1,63}"
    r"(?:\s*[\[(<]?\s*dot\s*[\])>]?\s*[\w-]{1,63}){1,6}",
    re.IGNORECASE,
)
_QUOTED_ALIAS_RE = re.compile(r"\(\s*[\"“'][^\"“”'()]{1,40}[\"”']\s*\)")
_NOT_NAME_CHAR_RE = re.compile(r"[^\w\s.,&'-]|\d|_")
_DIGIT_RE = re.compile(r"\d")
_HOLDER_STRIP = " \t,;:-–—/|.()[]{}'\"<>\ufffd"


@dataclass(frozen=True)
class _Statement:
    """A statement found in one line (or joined lines) before it becomes a Copyright."""

    statement: str
    holder: str | None
    has_year: bool
    wants_more: bool  # the statement ends where its holder is probably on the next line
    cut: bool  # boilerplate followed on the same line
    raw: str  # the statement before tidying, which a continuation line extends


def extract_copyrights(path: str, text: str) -> list[Copyright]:
    """Every copyright statement (and author line) in ``text``, with its holder and lines."""
    if not text:
        return []
    lowered = text.lower()
    if not any(hint in lowered for hint in _HINTS):
        return []
    lines = text.split("\n")
    found: list[Copyright] = []
    consumed: set[int] = set()
    for index in _candidate_lines(lowered):
        if index in consumed or index >= len(lines):
            continue
        consumed.add(index)
        raw = lines[index]
        if len(raw) > _LONG_LINE:
            found.extend(_scan_long_line(path, index, raw, lowered_line=raw.lower()))
            continue
        found.extend(_scan_line(path, index, lines, consumed))
    return found


def _candidate_lines(lowered: str) -> list[int]:
    """Indexes of lines holding a hint, in order, each once.

    Each hint is found with ``str.find`` (C speed, far faster than one regex alternation
    over the whole text), skipping to the next line after a hit; positions are then turned
    into line numbers by counting newlines incrementally.
    """
    starts: set[int] = set()
    for hint in _HINTS:
        found = lowered.find(hint)
        while found != -1:
            line_start = lowered.rfind("\n", 0, found) + 1
            starts.add(line_start)
            line_end = lowered.find("\n", found)
            if line_end == -1:
                break
            found = lowered.find(hint, line_end + 1)
    indexes: list[int] = []
    line = 0
    position = 0
    for start in sorted(starts):
        line += lowered.count("\n", position, start)
        position = start
        indexes.append(line)
    return indexes


def _scan_long_line(path: str, index: int, raw: str, lowered_line: str) -> list[Copyright]:
    """Windows after the hints of a very long line: minified code keeps its banner up front."""
    found: list[Copyright] = []
    window_end = -1
    windows = 0
    for match in _HINT_RE.finditer(lowered_line):
        if match.start() < window_end:
            continue
        windows += 1
        if windows > _MAX_WINDOWS_PER_LINE:
            break
        start = max(0, match.start() - 40)
        window_end = match.start() + _WINDOW
        for statement in _statements_in(clean_line(raw[start:window_end])):
            if statement.holder is not None or statement.has_year:
                found.append(_copyright(path, index, index, statement))
    return found


def _scan_line(path: str, index: int, lines: list[str], consumed: set[int]) -> list[Copyright]:
    """Statements starting on line ``index``, joined with continuation lines where needed."""
    cleaned = _clean(lines[index])
    statements = _statements_in(cleaned)
    if not statements:
        author = _author(path, index, cleaned)
        return [author] if author is not None else []
    found: list[Copyright] = []
    last = index
    for number, statement in enumerate(statements):
        end = index
        is_last = number == len(statements) - 1
        if is_last and not statement.cut:
            statement, end = _continue(statement, index, lines, consumed)
        if statement.holder is None and not statement.has_year:
            continue
        found.append(_copyright(path, index, end, statement))
        last = max(last, end)
    if found:
        found.extend(_year_lines(path, last, lines, consumed))
    return found


def _continue(statement: _Statement, index: int, lines: list[str], consumed: set[int]) -> tuple[_Statement, int]:
    """Join the next comment lines while the holder is missing or the line ends mid-name."""
    end = index
    current = statement
    for offset in range(1, _MAX_CONTINUATION_LINES + 1):
        following = index + offset
        if following >= len(lines):
            break
        if len(lines[following]) > _LONG_LINE:
            break
        cleaned = _clean(lines[following])
        if not cleaned or _GROUP_RE.search(cleaned) or _TERMINATOR_RE.match(cleaned):
            break
        if current.holder is not None and YEARS_RE.match(cleaned):
            break  # a year-led line is a statement of its own
        if not current.wants_more and not _NAME_TAIL_RE.match(cleaned):
            break
        joined = _statements_in(current.raw + " " + cleaned)
        if not joined or (joined[0].holder is None and current.holder is not None):
            break
        consumed.add(following)
        current, end = joined[0], following
        if not current.wants_more or current.cut:
            break
    return current, end


def _year_lines(path: str, last: int, lines: list[str], consumed: set[int]) -> list[Copyright]:
    """Lines after a statement that start with years: more holders of the same notice.

    Debian copyright files and C headers list one holder per line under a single
    "Copyright:" (``Copyright: 2001 A`` / ``           2004-2006 B``).
    """
    found: list[Copyright] = []
    for following in range(last + 1, min(len(lines), last + 1 + _MAX_YEAR_LINES)):
        if len(lines[following]) > _LONG_LINE:
            break
        cleaned = _clean(lines[following])
        if not _YEAR_LINE_RE.match(cleaned) or _GROUP_RE.search(cleaned.replace("(c)", "")):
            break
        statements = _statements_in("Copyright " + cleaned)
        if not statements or statements[0].holder is None:
            break
        consumed.add(following)
        statement = statements[0]
        text = statement.statement[len("Copyright ") :]
        found.append(Copyright(path=path, line=following + 1, statement=text, holder=statement.holder))
    return found


def _copyright(path: str, index: int, end: int, statement: _Statement) -> Copyright:
    return Copyright(
        path=path,
        line=index + 1,
        statement=statement.statement,
        holder=statement.holder,
        end_line=end + 1 if end != index else None,
    )


# Licence headers repeat across the files of a tree, and a line is often looked at twice
# (as a statement and as the continuation of the line before): both steps are memoised.
_clean = lru_cache(maxsize=8192)(clean_line)


@lru_cache(maxsize=8192)
def _statements_in(cleaned: str) -> tuple[_Statement, ...]:
    """The statements of one cleaned line: each run of copyright signs starts one.

    A run that follows nothing but years ("Copyright 2010 (c) Foo") continues the statement
    before it instead of starting a new one.
    """
    groups: list[re.Match[str]] = []
    for group in _GROUP_RE.finditer(cleaned):
        if _is_code(cleaned, group):
            continue
        if groups and _ONLY_YEARS_RE.fullmatch(cleaned, groups[-1].end(), group.start()):
            continue
        groups.append(group)
    statements: list[_Statement] = []
    for number, group in enumerate(groups):
        stop = groups[number + 1].start() if number + 1 < len(groups) else len(cleaned)
        statement = _parse(cleaned, group, stop)
        if statement is not None:
            statements.append(statement)
    return tuple(statements)


def _is_code(cleaned: str, group: re.Match[str]) -> bool:
    """An identifier, a file name or a quoted key rather than a statement."""
    start = group.start()
    before = cleaned[start - 1] if start else " "
    text = group.group(0)
    if before.isalnum() or before in "_.$@/\\-":
        return not (text.startswith("©") and before.isalnum())
    after = cleaned[group.end() : group.end() + 4]
    if text.endswith(":") and after[:1] in ("=", ":"):
        return True
    if _CODE_AFTER_RE.match(after) and not after.lstrip().lower().startswith("(c"):
        return True
    return before in "'\"" and after[:1] in ("'", '"')


def _parse(cleaned: str, group: re.Match[str], stop: int) -> _Statement | None:
    """One statement from a run of signs to ``stop``, or None when it is prose or template."""
    signs = group.group(0)
    tail = cleaned[group.end() : stop]
    before = cleaned[max(0, group.start() - 40) : group.start()]
    quote = before.rstrip()[-1:] if before.rstrip()[-1:] in ("'", '"') else ""
    if not quote and before.count('"') % 2 == 1:
        quote = '"'  # the statement is quoted inside a sentence: it ends with the quote
    if quote and quote in tail:
        tail = tail[: tail.index(quote)]
    if _TEMPLATE_RE.search(tail[:120]):
        return None
    has_year = YEARS_RE.search(tail[:80]) is not None
    word_sign = _WORD_MARK_RE.search(signs) is not None
    # A bare "(c)" is a list item in licence texts unless a year or a banner context says not.
    bare_sign = not word_sign and "©" not in signs
    if bare_sign and not YEARS_RE.match(tail.lstrip(" ,:")) and not _banner(before, tail):
        return None
    if _is_prose(signs, before, tail, has_year):
        return None
    kept, cut = _cut(tail)
    raw = signs + " " + kept if kept else signs
    statement = _tidy_statement(raw)
    holder = _holder(kept)
    wants_more = holder is None or bool(re.search(r"(?:\b(?:and|by|of|the)|[,&])\s*$", kept))
    if holder is None and not has_year and not wants_more:
        return None
    return _Statement(statement, holder, has_year, wants_more, cut, raw)


def _banner(before: str, tail: str) -> bool:
    """A bare "(c)" in a banner ("jQuery v3.6.0 | (c) OpenJS Foundation"), not a list item."""
    first = tail.lstrip()[:1]
    return first.isupper() and (
        _BANNER_BEFORE_RE.search(before) is not None
        or _ORG_RE.search(tail[:80]) is not None
        or (not before.strip() and _NAME_ONLY_RE.match(tail) is not None)
    )


def _is_prose(signs: str, before: str, tail: str, has_year: bool) -> bool:
    """Licence or documentation text talking about copyright rather than stating one."""
    first = _FIRST_WORD_RE.match(tail)
    word = first.group(1) if first else ""
    following = first.group(2) if first else ""
    letters = _LEADING_LETTERS_RE.match(word.lower())
    bare = letters.group(0) if letters else ""
    starts_with_year = YEARS_RE.match(tail.lstrip(" ,:(")) is not None
    if not starts_with_year:
        if word[:1] in _PROSE_PUNCTUATION and not word.lower().startswith(("(c", "<", "©")):
            return True
        if bare in _PROSE_AFTER or word.lower() in _PROSE_AFTER:
            return True
        lower_start = word.isalpha() and word.islower() and bare not in ("by", "c", "©")
        if lower_start and not (bare == "the" and following[:1].isupper()):
            return True
    previous = _PREV_WORD_RE.search(before)
    if previous and previous.group(1).lower() in _PROSE_BEFORE and not has_year:
        return True
    if signs.lower().startswith("copyrighted") and _CONDITIONAL_RE.search(before):
        return True  # "If the Program is copyrighted by ...": a condition, not a claim
    shouted = signs.strip(": ").isupper() and "(" not in signs and "©" not in signs
    return shouted and not has_year and tail.strip()[:2].lower() != "by"


def _cut(tail: str) -> tuple[str, bool]:
    """The part of ``tail`` before boilerplate or a new sentence, and whether it was cut."""
    limit = min(len(tail), _MAX_STATEMENT)
    cut = limit < len(tail)
    lowered = tail[:limit].lower()
    if any(key in lowered for key in _TERMINATOR_KEYS):
        terminator = _TERMINATOR_RE.search(tail, 0, limit)
        if terminator is not None:
            limit, cut = terminator.start(), True
    for match in _SENTENCE_END_RE.finditer(tail, 0, limit):
        word = _last_word(tail[: match.start()])
        if word is None:  # a free-standing period: "other parties . The following ..."
            limit, cut = match.start(), True
            break
        bare = word.lstrip("(<[").lower()
        if bare.endswith((")", '"', "'")):
            limit, cut = match.start(), True
            break
        if len(bare) <= 1 or "." in bare or bare in _ABBREVIATIONS or YEARS_RE.fullmatch(bare):
            continue
        limit, cut = match.start(), True
        break
    return tail[:limit].strip(), cut


def _tidy_statement(statement: str) -> str:
    statement = " ".join(statement.split())
    previous = None
    while statement != previous:
        previous = statement
        statement = statement.rstrip(",;:-–—/|( ")
        for suffix in (" and", " &", " by", " or"):
            if statement.endswith(suffix):
                statement = statement[: -len(suffix)]
    if statement.endswith(".") and not _ends_with_abbreviation(statement):
        statement = statement[:-1].rstrip()
    return _balance(statement)


def _last_word(text: str) -> str | None:
    """The word that ends ``text``, or None when it ends with a space (or is empty)."""
    if not text or text[-1].isspace():
        return None
    return text.rsplit(None, 1)[-1]


def _ends_with_abbreviation(text: str) -> bool:
    word = _last_word(text)
    if word is None:
        return False
    bare = word.rstrip(".").lower()
    dotted = "." in bare and len(bare) <= 6 and "@" not in bare
    return len(bare) == 1 or bare in _ABBREVIATIONS or dotted


def _balance(text: str) -> str:
    """Drop a trailing opening bracket or an unmatched closing one left by the cut."""
    if not any(bracket in text for bracket in "()<>[]"):
        return text.strip()
    for opening, closing in ("()", "<>", "[]"):
        if text.endswith(closing) and text.count(closing) > text.count(opening):
            text = text[:-1].rstrip()
        elif text.count(opening) > text.count(closing) and text.rfind(opening) > text.rfind(closing):
            text = text + closing if text.rfind(opening) < len(text) - 1 else text[:-1]
    return text.strip()


def _holder(kept: str) -> str | None:
    """Who holds the copyright: the statement without signs, years, emails and URLs."""
    text = _EMAIL_RE.sub(" ", _MAILTO_RE.sub(" ", kept))
    if " at " in text.lower():
        text = _OBFUSCATED_EMAIL_RE.sub(" ", text)
    if "(" in text:
        text = _QUOTED_ALIAS_RE.sub(" ", text)
    if any(ch.isdigit() for ch in text):
        text = _DATE_RE.sub(" ", text)
    without_urls = _URL_RE.sub(" ", text)
    if any(ch.isalpha() for ch in without_urls):
        text = without_urls
    text = _GROUP_RE.sub(" ", text)
    pieces = YEARS_RE.split(text)
    names: list[str] = []
    for piece in pieces:
        name = _strip_holder(piece)
        if name:
            names.append(name)
    holder = _SPACE_BEFORE_COMMA_RE.sub("", ", ".join(names))
    if not holder or not any(ch.isalpha() for ch in holder):
        return None
    words = holder.lower().replace(",", " ").split()
    if all(word.strip(".()") in _JUNK_HOLDERS for word in words):
        return None
    if words[0] in _PROSE_AFTER and holder[:1].islower():
        return None  # "Copyright 1986-2003 may safely be ...": prose that names a year
    if words[0].strip(",.") in _PROSE_START:
        return None
    odd = len(_NOT_NAME_CHAR_RE.findall(holder))
    if odd * 4 > len(holder) or not holder.isprintable():
        return None  # binary strings and mojibake
    digits = len(_DIGIT_RE.findall(holder))
    if digits and digits > len(holder) - digits - holder.count(" "):
        return None  # tables and data, not names
    if len(words) >= 4 and sum(len(word) <= 2 for word in words) * 2 > len(words):
        return None  # binary or encoded junk: mostly one- and two-letter "words"
    if "://" in holder and " " not in holder:
        holder = holder.split("://", 1)[1].rstrip("/")
    return holder


def _strip_holder(piece: str) -> str:
    name = " ".join(piece.split())
    previous = None
    while name != previous:
        previous = name
        name = name.strip(_HOLDER_STRIP + " ")
        lowered = name.lower()
        for prefix in ("by ", "and ", "& ", "(c) ", "c) ", "© "):
            if lowered.startswith(prefix):
                name = name[len(prefix) :]
                break
        for suffix in (" and", " &", " by", " or", " (c)", " ©"):
            if lowered.endswith(suffix):
                name = name[: -len(suffix)]
                break
    if name and _ends_with_abbreviation(name) and (name + ".") in piece:
        name += "."
    name = _balance(name)
    return "" if name.lower() in _JUNK_HOLDERS else name


def _author(path: str, index: int, cleaned: str) -> Copyright | None:
    """An "Author: …", "@author …" or "Written by …" line, as a separate kind of finding."""
    match = _AUTHOR_RE.match(cleaned)
    if match is None:
        return None
    kept, _ = _cut(match.group(1))
    if _TEMPLATE_RE.search(kept):
        return None
    name = _holder(kept)
    if name is None or (not name[:1].isupper() and not name[:1].isdigit()):
        return None
    return Copyright(path=path, line=index + 1, statement=_tidy_statement(cleaned), holder=name, kind="author")
