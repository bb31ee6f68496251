"""Stores for the vulnerability tests: a SQLite file always, PostgreSQL when configured.

Each PostgreSQL store lives in its own freshly created schema (search_path set through the
connection options), dropped afterwards, so runs by several people or helpers on one server
never see each other's tables.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest

from ospo.store import Store, normalise_url, open_store

OSV_FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "osv"


def shared_data(sub: str) -> Path:
    """tests/conftest.py's `shared_data`, re-exported: this file shadows the module name
    ``conftest`` for the tests in this folder. OSPO_SHARED_DIR overrides the location."""
    base = Path(os.environ.get("OSPO_SHARED_DIR") or Path(__file__).resolve().parents[3] / "shared")
    path = base / "data" / sub
    if not path.exists():
        pytest.skip(f"../shared/data/{sub} is absent (optional data, not in a fresh clone)")
    return path


def shared_osv_dir() -> Path:
    """../shared/data/osv beside the clone (OSPO_SHARED_DIR overrides), or skip the test."""
    base = Path(os.environ.get("OSPO_SHARED_DIR") or Path(__file__).resolve().parents[3] / "shared")
    path = base / "data" / "osv"
    if not path.exists():
        pytest.skip(f"{path} is absent (optional shared data, not in a fresh clone)")
    return path


def _postgres_url() -> str | None:
    return os.environ.get("OSPO_TEST_DATABASE_URL")


@pytest.fixture
def osv_fixtures() -> Path:
    return OSV_FIXTURES


@pytest.fixture
def sqlite_store(tmp_path: Path) -> Iterator[Store]:
    store = open_store(f"sqlite:///{tmp_path / 'ospo.db'}")
    yield store
    store.close()


def _postgres_store() -> Iterator[Store]:
    url = _postgres_url()
    if not url:
        pytest.skip("OSPO_TEST_DATABASE_URL is not set: no PostgreSQL server to test against")
    import psycopg

    schema = f"ospo_test_{uuid.uuid4().hex[:12]}"
    plain = normalise_url(url).replace("postgresql+psycopg://", "postgresql://")
    with psycopg.connect(plain, autocommit=True) as conn:
        conn.execute(f'CREATE SCHEMA "{schema}"')
    sep = "&" if "?" in url else "?"
    store = open_store(f"{url}{sep}options=-csearch_path%3D{schema}")
    try:
        yield store
    finally:
        store.close()
        with psycopg.connect(plain, autocommit=True) as conn:
            conn.execute(f'DROP SCHEMA "{schema}" CASCADE')


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def store(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Store]:
    """The same test on SQLite and (when OSPO_TEST_DATABASE_URL is set) PostgreSQL."""
    if request.param == "sqlite":
        s = open_store(f"sqlite:///{tmp_path / 'ospo.db'}")
        yield s
        s.close()
    else:
        yield from _postgres_store()


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
