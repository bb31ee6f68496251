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
