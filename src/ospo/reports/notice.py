"""The attribution notice (NOTICE) for everything a product ships.

Components are grouped under their concluded licence; each licence's full text is printed
once, followed by the obligations to fulfil. Unshipped components (dev, test) are left out.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass

from license_expression import ExpressionError, Licensing

from ospo.model import Component, ConcludedLicense, Scope
from ospo.reports.obligations import obligations
from ospo.reports.templating import environment

_LICENSING = Licensing()
UNSHIPPED = (Scope.DEV, Scope.TEST)


@dataclass(frozen=True)
class NoticeEntry:
    name: str
    version: str
    purl: str
    expression: str
    holders: tuple[str, ...]


@dataclass(frozen=True)
class LicenseSection:
    spdx_id: str
    category: str
    text: str | None
    obligations: tuple[str, ...]


@dataclass(frozen=True)
class Notice:
    product: str
    entries: tuple[NoticeEntry, ...]
    licenses: tuple[LicenseSection, ...]
    unknown: tuple[NoticeEntry, ...]


def license_ids(expression: str) -> list[str]:
    """The licence ids named by an expression (exceptions included), in a stable order."""
    try:
        parsed = _LICENSING.parse(expression)
    except ExpressionError:
        return [expression]
    if parsed is None:
        return []
    keys: list[str] = []
    for symbol in _LICENSING.license_symbols(parsed, decompose=True):
        key = str(symbol.key)
        if key not in keys:
            keys.append(key)
    return keys


def build_notice(
    product: str,
    components: Iterable[Component],
    concluded: Iterable[ConcludedLicense],
    *,
    license_text: Callable[[str], str | None],
    category_of: Callable[[str], str],
) -> Notice:
    by_purl = {c.purl: c for c in concluded}
    entries: list[NoticeEntry] = []
    unknown: list[NoticeEntry] = []
    for comp in sorted(components, key=lambda c: (c.display_name.lower(), c.version or "")):
        if comp.scope in UNSHIPPED:
            continue
        info = by_purl.get(comp.purl)
        expression = info.expression if info and info.expression else ""
        entry = NoticeEntry(
            comp.display_name,
            comp.version or comp.declared_range or "",
            comp.purl,
            expression,
            info.holders if info else (),
        )
        (entries if expression else unknown).append(entry)
    ids: list[str] = []
    for entry in entries:
        for key in license_ids(entry.expression):
            if key not in ids:
                ids.append(key)
    sections = tuple(
        LicenseSection(key, category_of(key), license_text(key), obligations(key, category_of(key)))
        for key in sorted(ids)
    )
    return Notice(product, tuple(entries), sections, tuple(unknown))


def render_text(notice: Notice) -> str:
    out = [
        f"THIRD-PARTY SOFTWARE NOTICES for {notice.product}",
        "",
        f"{notice.product} includes the following open source components.",
        "",
    ]
    for e in notice.entries:
        out.append(f"* {e.name} {e.version} — {e.expression}")
        out.extend(f"    {h}" for h in e.holders)
    if notice.unknown:
        out += ["", "Components whose licence could not be determined (to be reviewed):"]
        out.extend(f"* {e.name} {e.version}" for e in notice.unknown)
    for section in notice.licenses:
        out += ["", "=" * 78, f"{section.spdx_id}  ({section.category})", "=" * 78, ""]
        if section.obligations:
            out.append("Obligations when shipping:")
            out.extend(f"  - {o}" for o in section.obligations)
            out.append("")
        out.append(section.text.strip() if section.text else "(licence text not available in the licence data)")
    return "\n".join(out) + "\n"


def render_html(notice: Notice) -> str:
    return environment().get_template("notice.html.j2").render(notice=notice)
