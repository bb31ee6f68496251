"""Fixtures for the SBOM tests: inventories from model objects and a fixed SOURCE_DATE_EPOCH."""

from __future__ import annotations

import pytest
from sbom_inventories import folder_inventory, project_inventory

from ospo.model import Inventory


@pytest.fixture
def folder_inv() -> Inventory:
    return folder_inventory()


@pytest.fixture
def project_inv() -> Inventory:
    return project_inventory()


@pytest.fixture(autouse=True)
def _fixed_epoch(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1700000000")
