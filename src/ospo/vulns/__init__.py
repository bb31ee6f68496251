"""vulns (see ARCHITECTURE.md)."""
