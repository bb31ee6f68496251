"""The declarative Base every ospo table hangs off.

One Base and one MetaData for the whole service, with a naming convention for constraints
and indexes, so Alembic migrations written by different parts of ospo (vulnerabilities now;
teams, products, scans and components later) name things the same way on SQLite and
PostgreSQL and can drop or alter them by name.
"""

from __future__ import annotations

from typing import Any, ClassVar

from sqlalchemy import JSON, MetaData
from sqlalchemy.orm import DeclarativeBase

NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    """Base of all ospo tables; `type_annotation_map` maps plain dict/list columns to JSON."""

    metadata = MetaData(naming_convention=NAMING_CONVENTION)
    type_annotation_map: ClassVar[dict[Any, Any]] = {dict[str, Any]: JSON, list[Any]: JSON, list[str]: JSON}
