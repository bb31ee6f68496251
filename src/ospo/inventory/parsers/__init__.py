"""One module per manifest/lockfile format; each exports PARSER (or PARSERS)."""
