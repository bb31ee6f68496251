"""The documented JSON shape of an inventory (`ospo inventory --format json`)."""

from __future__ import annotations

from typing import Any

from ospo.model import Inventory
from ospo.model.serialize import json_text, to_data

INVENTORY_JSON_VERSION = 1


def inventory_to_data(inventory: Inventory) -> dict[str, Any]:
    data = to_data(inventory)
    data["root"] = "."
    return {"ospo_inventory_version": INVENTORY_JSON_VERSION, **data}


def inventory_to_json(inventory: Inventory) -> str:
    return json_text(inventory_to_data(inventory))
