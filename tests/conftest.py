"""Shared fixtures. Tests use real files, real databases and real servers, never mocks."""

from __future__ import annotations

from pathlib import Path

import pytest

from support import database_url

FIXTURES = Path(__file__).parent / "fixtures"


@pytest.fixture
def fixtures() -> Path:
    return FIXTURES


def _postgres_store_url() -> tuple[str, str, str]:
    """A fresh schema on the test PostgreSQL server: (store url, plain url, schema)."""
    import uuid

    import psycopg

    from ospo.store import normalise_url

    url = database_url()
    schema = f"ospo_test_{uuid.uuid4().hex[:12]}"
    plain = normalise_url(url).replace("postgresql+psycopg://", "postgresql://")
    with psycopg.connect(plain, autocommit=True) as conn:
        conn.execute(f'CREATE SCHEMA "{schema}"')
    sep = "&" if "?" in url else "?"
    return f"{url}{sep}options=-csearch_path%3D{schema}", plain, schema


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def any_store_url(request: pytest.FixtureRequest, tmp_path: Path):  # type: ignore[no-untyped-def]
    """A store URL on SQLite and, when OSPO_TEST_DATABASE_URL is set, on PostgreSQL (own schema)."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'ospo.db'}"
        return
    url, plain, schema = _postgres_store_url()
    try:
        yield url
    finally:
        import psycopg

        with psycopg.connect(plain, autocommit=True) as conn:
            conn.execute(f'DROP SCHEMA "{schema}" CASCADE')


@pytest.fixture
def portfolio_store(any_store_url: str):  # type: ignore[no-untyped-def]
    from ospo.store import open_store

    store = open_store(any_store_url)
    yield store
    store.close()
