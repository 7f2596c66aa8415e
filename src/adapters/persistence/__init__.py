"""Persistence on SQLAlchemy 2 Core: tables, explicit row <-> domain mappers, unit of work.

One way everywhere: the domain's attrs classes are never instrumented by SQLAlchemy; each
repository reads rows with Core ``select()`` and builds domain objects with a named mapper
function, and writes them back with ``insert()``/``update()``. SQLite is the embedded default,
PostgreSQL the production database; both run the same Alembic migrations.
"""

from adapters.persistence.database import create_database_engine, parse_database_url
from adapters.persistence.migrate import current_revision, downgrade, head_revision, upgrade
from adapters.persistence.unit_of_work import SqlUnitOfWork

__all__ = [
    "SqlUnitOfWork",
    "create_database_engine",
    "current_revision",
    "downgrade",
    "head_revision",
    "parse_database_url",
    "upgrade",
]
