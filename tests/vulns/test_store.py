"""The store opens, migrates idempotently, and its migrations match the models."""

from __future__ import annotations

from pathlib import Path

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import inspect

from ospo.store import Base, Store, default_database_url, normalise_url, open_store


def test_normalise_url_uses_psycopg3() -> None:
    assert normalise_url("postgresql://u@h/db") == "postgresql+psycopg://u@h/db"
    assert normalise_url("postgres://u@h/db") == "postgresql+psycopg://u@h/db"
    assert normalise_url("postgresql+psycopg://u@h/db") == "postgresql+psycopg://u@h/db"
    assert normalise_url("sqlite:///x.db") == "sqlite:///x.db"


def test_default_url_is_a_sqlite_file_unless_overridden(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("OSPO_DATABASE_URL", raising=False)
    url = default_database_url()
    assert url.startswith("sqlite:///") and url.endswith("ospo.db")
    monkeypatch.setenv("OSPO_DATABASE_URL", "postgresql://x@y/z")
    assert default_database_url() == "postgresql://x@y/z"


def test_open_creates_the_file_and_reopening_is_idempotent(tmp_path: Path) -> None:
    db = tmp_path / "nested" / "ospo.db"
    store = open_store(f"sqlite:///{db}")
    store.close()
    assert db.exists()
    again = open_store(f"sqlite:///{db}")
    tables = set(inspect(again.engine).get_table_names())
    again.close()
    assert {
        "advisories",
        "advisory_packages",
        "vulnerability_findings",
        "import_sources",
        "alembic_version",
    } <= tables


def test_migrations_match_the_models(store: Store) -> None:
    with store.engine.connect() as conn:
        diff = compare_metadata(MigrationContext.configure(conn), Base.metadata)
    assert diff == []


def test_affected_packages_are_indexed_by_ecosystem_and_name(store: Store) -> None:
    indexes = inspect(store.engine).get_indexes("advisory_packages")
    assert any(ix["column_names"] == ["ecosystem", "name"] for ix in indexes)
