"""licenses (see ARCHITECTURE.md)."""
