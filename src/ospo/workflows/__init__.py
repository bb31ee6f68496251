"""workflows (see ARCHITECTURE.md)."""
