"""`SPDX-License-Identifier:` tags: found by line, parsed and normalised.

Expressions are parsed with `license-expression` using symbols built from the licence
catalogue: every SPDX id is a symbol whose aliases are its ScanCode key and the other
(deprecated or common) spellings the data lists, so `GPL-2.0+`, `gpl-2.0-plus` and
`GPL-2.0-or-later` all come out as `GPL-2.0-or-later`. Ids that stay unknown are kept as
`LicenseRef-scancode-unknown-spdx` rather than dropped.
"""

from __future__ import annotations

import functools
import re
import threading
from dataclasses import dataclass

from license_expression import ExpressionError, LicenseSymbol, Licensing

from ospo.licenses.catalog import catalog

TAG = re.compile(r"spdx[-_ ]?licen[cs]e[-_ ]?identifier\s*[:=]?\s*(.*)", re.IGNORECASE)
_TRAILER = re.compile(r"(\*/|-->|\"|'|;|,|#\}|%\}|\]\]>|\\n).*$")
_NOT_EXPRESSION = re.compile(r"[^A-Za-z0-9.+\-() :]")
UNKNOWN_SPDX = "LicenseRef-scancode-unknown-spdx"

# Spellings seen in the wild that no licence record lists.
_MISSPELLINGS = {
    "apache2": "Apache-2.0",
    "apache-2": "Apache-2.0",
    "apache2.0": "Apache-2.0",
    "apachev2": "Apache-2.0",
    "gplv2": "GPL-2.0-only",
    "gplv2+": "GPL-2.0-or-later",
    "gplv3": "GPL-3.0-only",
    "gplv3+": "GPL-3.0-or-later",
    "lgplv2.1": "LGPL-2.1-only",
    "lgplv2.1+": "LGPL-2.1-or-later",
    "lgplv3": "LGPL-3.0-only",
    "mit-license": "MIT",
    "bsd": "BSD-3-Clause",
    "bsd3": "BSD-3-Clause",
    "bsd-3": "BSD-3-Clause",
    "bsd2": "BSD-2-Clause",
    "bsd-2": "BSD-2-Clause",
    "mpl2": "MPL-2.0",
    "mpl-2": "MPL-2.0",
}

_LOCK = threading.Lock()
_LICENSING: Licensing | None = None


def licensing() -> Licensing:
    """A Licensing whose symbols are the SPDX ids of the data set (built once, ~20 ms)."""
    global _LICENSING
    with _LOCK:
        if _LICENSING is None:
            cat = catalog()
            aliases_by_key: dict[str, set[str]] = {}
            for alias, key in cat.spdx_to_key.items():
                aliases_by_key.setdefault(key, set()).add(alias)
            used: set[str] = set()
            symbols: list[LicenseSymbol] = []
            ordered = sorted(cat.by_key.values(), key=lambda i: (i.is_deprecated, i.key))
            for info in ordered:
                own = info.spdx_id.lower()
                if own in used:
                    continue
                aliases = {a for a in aliases_by_key.get(info.key, ()) if a not in used and a != own}
                if info.key not in used and info.key != own:
                    aliases.add(info.key)
                used.add(own)
                used.update(aliases)
                symbols.append(LicenseSymbol(info.spdx_id, aliases=tuple(sorted(aliases))))
            _LICENSING = Licensing(symbols)
        return _LICENSING


@dataclass(frozen=True)
class SpdxTag:
    line: int
    raw: str
    expression: str
    unknown: tuple[str, ...]


@functools.lru_cache(maxsize=8192)
def normalise(raw: str) -> tuple[str, tuple[str, ...]]:
    """Normalised SPDX expression and the ids that stayed unknown (replaced in the result).

    Remembered: an SBOM of thousands of components names a few dozen licences."""
    lic = licensing()
    text = raw.strip()
    try:
        parsed = lic.parse(text, validate=False)
    except ExpressionError:
        parsed = None
    if parsed is None:
        return UNKNOWN_SPDX, (text,)
    unknown = tuple(lic.unknown_license_keys(parsed))
    if not unknown:
        return str(parsed.render("{symbol.key}")), ()
    fixed = {}
    left = []
    for key in unknown:
        repl = _MISSPELLINGS.get(key.lower())
        if repl is None:
            left.append(key)
            repl = UNKNOWN_SPDX
        fixed[key] = repl
    rendered = str(parsed.render("{symbol.key}"))
    for key, repl in fixed.items():
        rendered = re.sub(rf"(?<![\w.+-]){re.escape(key)}(?![\w.+-])", repl, rendered)
    return rendered, tuple(left)


def find_tags(text: str) -> list[SpdxTag]:
    """Every SPDX-License-Identifier tag of a text, with its 1-based line."""
    if "identifier" not in text.lower():
        return []
    found: list[SpdxTag] = []
    for number, line in enumerate(text.splitlines(), 1):
        m = TAG.search(line)
        if not m:
            continue
        raw = _TRAILER.sub("", m.group(1)).strip()
        if not raw or len(raw) > 300:
            continue
        unknown: tuple[str, ...]
        if _NOT_EXPRESSION.search(raw):
            # `{some license} WITH X`, templates, prose: a tag, but not a readable one.
            expression, unknown = UNKNOWN_SPDX, (raw,)
        else:
            expression, unknown = normalise(raw)
        found.append(SpdxTag(number, raw, expression, unknown))
    return found
