"""Installed Python packages: ``*.dist-info/METADATA`` and ``*.egg-info/PKG-INFO``.

Also a legacy single-file ``name-1.0-py3.11.egg-info`` (distutils). Only the header block
is read (the description body after the first blank line is skipped).

Licence, in order of trust:
1. ``License-Expression`` (core metadata 2.4), normalised when it is valid SPDX;
2. ``License`` when it is a short name: kept if it is an SPDX expression, mapped when it
   is a common spelling ("Apache 2.0", "new BSD"...). A whole licence text there (several
   lines, or longer than a name can be) is not a declaration: it is noted and skipped;
3. ``Classifier: License :: ...`` mapped to SPDX ids. Several classifiers are joined with
   AND: the metadata does not say whether they are alternatives, and AND is the reading
   that never under-reports obligations. Ambiguous classifiers ("BSD License", "GNU
   General Public License (GPL)") have no SPDX id; they are kept in the property
   ``python:license-classifier`` and the licence stays unknown rather than guessed.

``Requires-Dist`` becomes edges to versionless purls; the collector links each to the
package of that name installed in the same environment and drops it when none is. A
requirement under ``extra == "x"`` is kept as an edge too: it is linked only when its
target is installed, which is when the extra may be in use.
"""

from __future__ import annotations

from dataclasses import replace
from functools import lru_cache

from ospo.inventory import claims as _claims
from ospo.inventory.interface import ParserSpec
from ospo.inventory.parsers._python_support import (
    ECOSYSTEM,
    is_valid_name,
    pypi_purl,
    split_requirement,
)
from ospo.inventory.purls import component
from ospo.model import FileProblem, ManifestResult, ParseError
from ospo.model.spdx import plain_spdx_ids, spdx_licensing

MAX_HEADER_LINES = 20_000
MAX_LICENSE_NAME = 100

_MULTI = {"classifier", "requires-dist", "project-url", "provides-extra"}
_UNKNOWN = {"unknown", "none", "n/a", "", "other", "license", "see license", "see license file"}

CLASSIFIER_SPDX: dict[str, str] = {
    "MIT License": "MIT",
    "MIT No Attribution License (MIT-0)": "MIT-0",
    "Apache Software License": "Apache-2.0",
    "BSD License": "",
    "ISC License (ISCL)": "ISC",
    "Python Software Foundation License": "PSF-2.0",
    "Mozilla Public License 1.0 (MPL)": "MPL-1.0",
    "Mozilla Public License 1.1 (MPL 1.1)": "MPL-1.1",
    "Mozilla Public License 2.0 (MPL 2.0)": "MPL-2.0",
    "GNU General Public License (GPL)": "",
    "GNU General Public License v2 (GPLv2)": "GPL-2.0-only",
    "GNU General Public License v2 or later (GPLv2+)": "GPL-2.0-or-later",
    "GNU General Public License v3 (GPLv3)": "GPL-3.0-only",
    "GNU General Public License v3 or later (GPLv3+)": "GPL-3.0-or-later",
    "GNU Lesser General Public License v2 (LGPLv2)": "LGPL-2.0-only",
    "GNU Lesser General Public License v2 or later (LGPLv2+)": "LGPL-2.0-or-later",
    "GNU Lesser General Public License v3 (LGPLv3)": "LGPL-3.0-only",
    "GNU Lesser General Public License v3 or later (LGPLv3+)": "LGPL-3.0-or-later",
    "GNU Library or Lesser General Public License (LGPL)": "",
    "GNU Affero General Public License v3": "AGPL-3.0-only",
    "GNU Affero General Public License v3 or later (AGPLv3+)": "AGPL-3.0-or-later",
    "GNU Free Documentation License (FDL)": "",
    "Eclipse Public License 1.0 (EPL-1.0)": "EPL-1.0",
    "Eclipse Public License 2.0 (EPL-2.0)": "EPL-2.0",
    "European Union Public Licence 1.1 (EUPL 1.1)": "EUPL-1.1",
    "European Union Public Licence 1.2 (EUPL 1.2)": "EUPL-1.2",
    "Boost Software License 1.0 (BSL-1.0)": "BSL-1.0",
    "The Unlicense (Unlicense)": "Unlicense",
    "zlib/libpng License": "Zlib",
    "Historical Permission Notice and Disclaimer (HPND)": "HPND",
    "Universal Permissive License (UPL)": "UPL-1.0",
    "Academic Free License (AFL)": "",
    "Apple Public Source License": "",
    "Artistic License": "",
    "Common Development and Distribution License 1.0 (CDDL-1.0)": "CDDL-1.0",
    "Common Public License": "CPL-1.0",
    "Zope Public License": "",
    "Sun Industry Standards Source License (SISSL)": "SISSL",
    "W3C License": "W3C",
    "PostgreSQL License": "PostgreSQL",
    "Open Software License 3.0 (OSL-3.0)": "OSL-3.0",
    "CEA CNRS Inria Logiciel Libre License, version 2.1 (CeCILL-2.1)": "CECILL-2.1",
    "Blue Oak Model License (BlueOak-1.0.0)": "BlueOak-1.0.0",
    "CC0 1.0 Universal (CC0 1.0) Public Domain Dedication": "CC0-1.0",
    "Public Domain": "LicenseRef-scancode-public-domain",
    "Other/Proprietary License": "LicenseRef-scancode-proprietary-license",
    "Freely Distributable": "",
    "Freeware": "",
}

# Common spellings of licence names in the free-text `License` field.
LICENSE_ALIASES: dict[str, str] = {
    "mit license": "MIT",
    "mit licence": "MIT",
    "the mit license": "MIT",
    "mit/x11": "MIT",
    "expat": "MIT",
    "apache 2.0": "Apache-2.0",
    "apache 2": "Apache-2.0",
    "apache-2": "Apache-2.0",
    "apache2": "Apache-2.0",
    "apache license 2.0": "Apache-2.0",
    "apache license, version 2.0": "Apache-2.0",
    "apache license version 2.0": "Apache-2.0",
    "apache software license": "Apache-2.0",
    "apache software license 2.0": "Apache-2.0",
    "asl 2.0": "Apache-2.0",
    "bsd 3-clause": "BSD-3-Clause",
    "bsd-3": "BSD-3-Clause",
    "3-clause bsd": "BSD-3-Clause",
    "3-clause bsd license": "BSD-3-Clause",
    "new bsd": "BSD-3-Clause",
    "new bsd license": "BSD-3-Clause",
    "modified bsd": "BSD-3-Clause",
    "modified bsd license": "BSD-3-Clause",
    "bsd 2-clause": "BSD-2-Clause",
    "simplified bsd": "BSD-2-Clause",
    "2-clause bsd": "BSD-2-Clause",
    "psf": "PSF-2.0",
    "psfl": "PSF-2.0",
    "psf license": "PSF-2.0",
    "python software foundation license": "PSF-2.0",
    "isc license": "ISC",
    "isc license (iscl)": "ISC",
    "mpl 2.0": "MPL-2.0",
    "mpl-2": "MPL-2.0",
    "mozilla public license 2.0 (mpl 2.0)": "MPL-2.0",
    "gplv2": "GPL-2.0-only",
    "gplv2+": "GPL-2.0-or-later",
    "gplv3": "GPL-3.0-only",
    "gplv3+": "GPL-3.0-or-later",
    "gpl-3": "GPL-3.0-only",
    "lgplv2+": "LGPL-2.0-or-later",
    "lgplv3": "LGPL-3.0-only",
    "lgplv3+": "LGPL-3.0-or-later",
    "lgpl-3": "LGPL-3.0-only",
    "agplv3": "AGPL-3.0-only",
    "agplv3+": "AGPL-3.0-or-later",
    "zpl 2.1": "ZPL-2.1",
    "zpl-2.1": "ZPL-2.1",
    "unlicense": "Unlicense",
    "public domain": "LicenseRef-scancode-public-domain",
    "cc0": "CC0-1.0",
    "hpnd": "HPND",
}

_HOMEPAGE_LABELS = ("homepage", "home", "home-page", "website", "documentation", "docs")
_REPO_LABELS = ("source", "source code", "repository", "code", "github", "sources", "git")


claims = _claims.dist_info


@lru_cache(maxsize=4096)
def spdx_expression(text: str) -> str | None:
    """`text` rendered as a valid SPDX expression, or None when it is not one."""
    if text in plain_spdx_ids():
        return text
    return spdx_expression_with_licensing(text)


def spdx_expression_with_licensing(text: str) -> str | None:
    from license_expression import ExpressionError

    licensing = spdx_licensing()
    try:
        parsed = licensing.parse(text, validate=True, strict=True)
    except (ExpressionError, ValueError, TypeError, AttributeError, RecursionError):
        return None
    return str(parsed) if parsed is not None else None


def read_headers(path: str, text: str) -> tuple[dict[str, str], dict[str, list[str]], dict[str, int]]:
    """The header block of an email-style metadata file: single and repeated fields, lines."""
    single: dict[str, str] = {}
    multi: dict[str, list[str]] = {}
    lines: dict[str, int] = {}
    current: str | None = None
    for number, line in enumerate(text.splitlines(), 1):
        if number > MAX_HEADER_LINES:
            raise ParseError(path, "header block too long", number)
        if not line:
            break
        if line[0] in " \t":
            if current is None:
                raise ParseError(path, "continuation line before any header", number)
            value = line.strip()
            if value.startswith("|"):
                value = value[1:].lstrip()
            if current in _MULTI:
                multi[current][-1] += "\n" + value
            else:
                single[current] += "\n" + value
            continue
        key, sep, value = line.partition(":")
        if not sep or not key.strip() or " " in key.strip():
            raise ParseError(path, f"not a metadata header: {line[:80]!r}", number)
        current = key.strip().lower()
        value = value.strip()
        lines.setdefault(current, number)
        if current in _MULTI:
            multi.setdefault(current, []).append(value)
        else:
            single.setdefault(current, value)
    return single, multi, lines


def declared_license(
    single: dict[str, str], classifiers: list[str]
) -> tuple[str | None, list[str], list[tuple[str, str]]]:
    """(SPDX expression or None, messages to note, properties) as the module doc explains."""
    notes: list[str] = []
    props: list[tuple[str, str]] = []
    expression = single.get("license-expression", "").strip()
    if expression:
        return spdx_expression(expression) or expression, notes, props
    raw = single.get("license", "").strip()
    if raw and raw.lower() not in _UNKNOWN:
        if "\n" in raw or len(raw) > MAX_LICENSE_NAME:
            first = raw.splitlines()[0][:60]
            notes.append(
                f"License field holds a licence text ({raw.count(chr(10)) + 1} lines, begins {first!r}), "
                "not a licence name; not used as the declared licence"
            )
        else:
            mapped = spdx_expression(raw) or LICENSE_ALIASES.get(raw.lower().rstrip("."))
            if mapped:
                return mapped, notes, props
            props.append(("python:license", raw))
    ids: list[str] = []
    for classifier in classifiers:
        parts = [p.strip() for p in classifier.split("::")]
        if len(parts) < 2 or parts[0] != "License":
            continue
        label = parts[-1]
        if label == "OSI Approved" and len(parts) == 2:
            continue
        spdx = CLASSIFIER_SPDX.get(label)
        if spdx:
            if spdx not in ids:
                ids.append(spdx)
        else:
            props.append(("python:license-classifier", " :: ".join(parts[1:])))
    if ids:
        return " AND ".join(ids) if len(ids) > 1 else ids[0], notes, props
    return None, notes, props


def _urls(single: dict[str, str], project_urls: list[str]) -> tuple[str | None, str | None]:
    homepage = single.get("home-page", "").strip() or None
    if homepage and homepage.lower() in _UNKNOWN:
        homepage = None
    repository: str | None = None
    for entry in project_urls:
        label, _, url = entry.partition(",")
        label, url = label.strip().lower(), url.strip()
        if not url:
            continue
        if homepage is None and label in _HOMEPAGE_LABELS:
            homepage = url
        if repository is None and label in _REPO_LABELS:
            repository = url
    return homepage, repository


def parse(path: str, text: str) -> ManifestResult:
    if "\x00" in text:
        raise ParseError(path, "NUL byte in a metadata file")
    single, multi, lines = read_headers(path, text)
    name = single.get("name", "").strip()
    if not name:
        raise ParseError(path, "no Name header")
    if not is_valid_name(name):
        raise ParseError(path, f"invalid package name {name[:80]!r}", lines.get("name"))
    version = single.get("version", "").strip() or None
    if version is not None and (" " in version or "\n" in version or len(version) > 100):
        raise ParseError(path, f"invalid version {version[:80]!r}", lines.get("version"))
    result = ManifestResult(path=path, ecosystem=ECOSYSTEM)
    license_expr, license_notes, props = declared_license(single, multi.get("classifier", []))
    for message in license_notes:
        result.notes.append(FileProblem(path, "note", message, lines.get("license")))
    homepage, repository = _urls(single, multi.get("project-url", []))
    if repository:
        props.append(("python:repository", repository))
    summary = single.get("summary", "").strip() or None
    comp = component(
        ECOSYSTEM,
        name,
        version,
        path,
        line=1,
        declared_license=license_expr,
        properties=tuple(sorted(set(props))),
    )
    comp = replace(comp, description=summary, homepage=homepage)
    result.components.append(comp)
    seen: set[str] = set()
    for requirement_text in multi.get("requires-dist", []):
        requirement = split_requirement(requirement_text)
        if requirement is None:
            result.notes.append(
                FileProblem(
                    path,
                    "unsupported",
                    f"unreadable Requires-Dist {requirement_text[:120]!r}",
                    lines.get("requires-dist"),
                )
            )
            continue
        target = pypi_purl(requirement.name)
        if target not in seen and target != pypi_purl(name):
            seen.add(target)
            result.edges.append((comp.purl, target))
    return result


PARSER = ParserSpec(name="dist-info", ecosystem=ECOSYSTEM, claims=claims, parse=parse, max_bytes=8 << 20)
__all__ = ["PARSER", "declared_license", "read_headers", "spdx_expression"]
