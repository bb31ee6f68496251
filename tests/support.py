"""Helpers for tests (importable as `support`: pytest puts tests/ on sys.path)."""

from __future__ import annotations

import os
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest

if TYPE_CHECKING:
    from ospo.store import Store

SHARED = Path(os.environ.get("OSPO_SHARED_DIR") or Path(__file__).resolve().parents[2] / "shared")


def shared_data(sub: str) -> Path:
    """A folder of ../shared/data, or skip: a user's fresh clone does not have it."""
    path = SHARED / "data" / sub
    if not path.exists():
        pytest.skip(f"../shared/data/{sub} is absent (optional data, not in a fresh clone)")
    return path


def database_url() -> str:
    url = os.environ.get("OSPO_TEST_DATABASE_URL")
    if not url:
        pytest.skip("OSPO_TEST_DATABASE_URL is not set: no PostgreSQL server to test against")
    return url


FIXTURES = Path(__file__).resolve().parent / "fixtures"
SUPPLIER_SBOM = FIXTURES / "office" / "supplier-small.cdx.json"  # left-pad (MIT), demo-pkg 1.0.0, mystery


def import_demo_advisory(database_url: str, tmp_path: Path) -> None:
    """Import GHSA-aaaa-bbbb-cccc (CVE-2099-0001: PyPI demo-pkg before 1.2.1) into a store."""
    import shutil

    from ospo.store import open_store
    from ospo.vulns.importer import import_source

    folder = tmp_path / "osv"
    folder.mkdir(exist_ok=True)
    shutil.copy(FIXTURES / "osv" / "db" / "GHSA-aaaa-bbbb-cccc.json", folder)
    store = open_store(database_url)
    try:
        import_source(store, folder)
    finally:
        store.close()


def scan_json(*purls: str, license: str = "MIT", verdict: str = "allow") -> dict[str, Any]:
    """The JSON an `ospo scan --upload` sends, for components given by purl (`pkg:type/name@version`)."""
    from ospo.model import Component, ConcludedLicense, Inventory, PolicyDecision, ScanResult, Verdict
    from ospo.model.serialize import to_data

    comps = []
    for purl in purls:
        head, version = purl.rsplit("@", 1)
        kind, _, path = head[4:].partition("/")
        namespace, _, name = path.rpartition("/")
        comps.append(Component(purl, name, version, kind, namespace=namespace or None))
    result = ScanResult(
        root=".",
        inventory=Inventory(root=".", components=comps),
        decisions=[PolicyDecision(c.purl, Verdict(verdict)) for c in comps],
        concluded=[ConcludedLicense(c.purl, license, "declared") for c in comps],
        verdict=verdict,  # what CI concluded
    )
    return {"ospo_scan_version": 1, **to_data(result)}


DENY_MIT = "version: 1\nlicenses:\n  default: review\n  unknown: review\n  categories:\n    permissive: allow\n  ids:\n    MIT: deny\n"
ALLOW_PERMISSIVE = DENY_MIT.replace("    MIT: deny\n", "    WTFPL: review\n")


def verdicts(store: Store, scan_id: int) -> dict[str, str | None]:
    """purl -> the verdict stored for it in one scan."""
    from sqlalchemy import select

    from ospo.store.portfolio import ComponentRow, ScanComponentRow

    with store.session() as session:
        rows = session.execute(
            select(ComponentRow.purl, ScanComponentRow.verdict)
            .join(ComponentRow, ComponentRow.id == ScanComponentRow.component_id)
            .where(ScanComponentRow.scan_id == scan_id)
        ).all()
    return dict(rows)
