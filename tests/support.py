"""Helpers for tests (importable as `support`: pytest puts tests/ on sys.path)."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

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
