"""Stores for the vulnerability tests: a SQLite file always, PostgreSQL when configured.

Each PostgreSQL store lives in its own freshly created schema (search_path set through the
connection options), dropped afterwards, so runs by several people or helpers on one server
never see each other's tables.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from ospo.store import Store, open_store

OSV_FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "osv"


@pytest.fixture
def osv_fixtures() -> Path:
    return OSV_FIXTURES


@pytest.fixture
def sqlite_store(tmp_path: Path) -> Iterator[Store]:
    store = open_store(f"sqlite:///{tmp_path / 'ospo.db'}")
    yield store
    store.close()


@pytest.fixture
def store(portfolio_store: Store) -> Store:
    """The same test on SQLite and (when OSPO_TEST_DATABASE_URL is set) PostgreSQL, each in
    its own database or schema: tests/conftest.py's `portfolio_store`."""
    return portfolio_store


class WriteCounter:
    """Counts INSERT/UPDATE/DELETE statements an engine executes (re-import must write none)."""

    def __init__(self, store: Store) -> None:
        from sqlalchemy import event

        self.writes: list[str] = []
        self._store = store

        def before(conn, cursor, statement, parameters, context, executemany):  # type: ignore[no-untyped-def]
            head = statement.lstrip().split(None, 1)[0].upper()
            if head in ("INSERT", "UPDATE", "DELETE"):
                self.writes.append(statement)

        self._fn = before
        event.listen(store.engine, "before_cursor_execute", before)

    def close(self) -> None:
        from sqlalchemy import event

        event.remove(self._store.engine, "before_cursor_execute", self._fn)


@pytest.fixture
def write_counter() -> type[WriteCounter]:
    return WriteCounter
