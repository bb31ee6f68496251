"""fleet (see ARCHITECTURE.md)."""
