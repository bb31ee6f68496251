"""sbom (see ARCHITECTURE.md)."""
