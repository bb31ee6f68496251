"""community (see ARCHITECTURE.md)."""
