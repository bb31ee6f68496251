"""Alembic environment: always run on a connection handed over by `ospo.store.migrate`."""

from __future__ import annotations

from alembic import context

from ospo.store import models, portfolio  # noqa: F401  (registers the tables on Base.metadata)
from ospo.store.base import Base

connection = context.config.attributes.get("connection")
if connection is None:  # pragma: no cover - only reachable by running the alembic CLI by hand
    raise RuntimeError("ospo migrations run through ospo.store.open_store(url)")

context.configure(
    connection=connection,
    target_metadata=Base.metadata,
    render_as_batch=connection.dialect.name == "sqlite",
    compare_type=True,
)
with context.begin_transaction():
    context.run_migrations()
