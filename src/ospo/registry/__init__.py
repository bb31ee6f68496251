"""registry (see ARCHITECTURE.md)."""
