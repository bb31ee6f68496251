"""Opening the store: database URL, engine, and migrations run on open.

SQLite file by default (under the user data directory, so one laptop keeps one database);
PostgreSQL when OSPO_DATABASE_URL names it. Alembic migrations live inside the package and
are applied programmatically every time a store is opened, so a user never runs Alembic by
hand and a fresh database and an old one converge on the same schema.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from alembic import command
from alembic.config import Config
from sqlalchemy import Engine, create_engine, event
from sqlalchemy.engine import make_url
from sqlalchemy.orm import Session, sessionmaker

MIGRATIONS = Path(__file__).parent / "migrations"
ENV_VAR = "OSPO_DATABASE_URL"


def default_database_url() -> str:
    """OSPO_DATABASE_URL if set, else a SQLite file in the platform's user data directory."""
    url = os.environ.get(ENV_VAR)
    if url:
        return url
    import platformdirs

    data = Path(platformdirs.user_data_dir("ospo", appauthor=False))
    return f"sqlite:///{data / 'ospo.db'}"


def normalise_url(url: str) -> str:
    """Make `postgresql://` and `postgres://` use psycopg 3, the driver ospo ships with."""
    for prefix in ("postgres://", "postgresql://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix) :]
    return url


def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA busy_timeout=30000")
    cursor.close()


def create_store_engine(url: str) -> Engine:
    url = normalise_url(url)
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite":
        if parsed.database and parsed.database != ":memory:":
            Path(parsed.database).expanduser().parent.mkdir(parents=True, exist_ok=True)
        engine = create_engine(url)
        event.listen(engine, "connect", _sqlite_pragmas)
        return engine
    return create_engine(url, pool_pre_ping=True)


def migrate(engine: Engine) -> None:
    """Bring the database to the newest schema (idempotent)."""
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    with engine.begin() as connection:
        config.attributes["connection"] = connection
        command.upgrade(config, "head")


class Store:
    """An opened, migrated database: an engine and a session factory."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        self._sessions = sessionmaker(engine, expire_on_commit=False)

    @property
    def url(self) -> str:
        return self.engine.url.render_as_string(hide_password=True)

    @contextmanager
    def session(self) -> Iterator[Session]:
        """A session in one transaction: committed on success, rolled back on any error."""
        with self._sessions() as session, session.begin():
            yield session

    def close(self) -> None:
        self.engine.dispose()


def open_store(url: str | None = None) -> Store:
    """Open (creating and migrating if needed) the store at `url` or the default location."""
    engine = create_store_engine(url or default_database_url())
    migrate(engine)
    return Store(engine)
