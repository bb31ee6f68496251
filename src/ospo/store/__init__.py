"""Persistence: SQLAlchemy 2 models, Alembic migrations run on open, ingest and queries.

`open_store(url)` is the only way in: it normalises the URL (PostgreSQL through psycopg 3),
creates the SQLite file's folder, and applies migrations.
"""

from ospo.store.base import Base
from ospo.store.engine import Store, default_database_url, normalise_url, open_store
from ospo.store.models import (
    AdvisoryPackageRow,
    AdvisoryRow,
    ImportSourceRow,
    VulnerabilityFindingRow,
)

__all__ = [
    "AdvisoryPackageRow",
    "AdvisoryRow",
    "Base",
    "ImportSourceRow",
    "Store",
    "VulnerabilityFindingRow",
    "default_database_url",
    "normalise_url",
    "open_store",
]
