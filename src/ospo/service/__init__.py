"""service (see ARCHITECTURE.md)."""
