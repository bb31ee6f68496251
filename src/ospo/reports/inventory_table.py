"""The terminal table of an inventory."""

from __future__ import annotations

from rich.table import Table

from ospo.model import Inventory


def inventory_table(inventory: Inventory) -> Table:
    table = Table(title=f"{len(inventory.components)} components in {len(inventory.manifests)} files")
    table.add_column("ecosystem")
    table.add_column("name", overflow="fold")
    table.add_column("version")
    table.add_column("scope")
    table.add_column("direct")
    table.add_column("licence", overflow="fold")
    table.add_column("from", overflow="fold")
    for comp in inventory.components:
        where = str(comp.locations[0]) if comp.locations else ""
        if len(comp.locations) > 1:
            where += f" (+{len(comp.locations) - 1})"
        version = comp.version if comp.resolved else f"[yellow]{comp.declared_range or '*'}[/]"
        direct = {True: "yes", False: "no", None: "?"}[comp.direct]
        table.add_row(
            comp.ecosystem,
            comp.display_name,
            version or "",
            comp.scope.value,
            direct,
            comp.declared_license or "",
            where,
        )
    return table
