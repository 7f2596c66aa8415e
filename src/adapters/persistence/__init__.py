"""Persistence on SQLAlchemy 2 Core: tables, explicit row <-> domain mappers, unit of work.

One way everywhere: the domain's attrs classes are never instrumented by SQLAlchemy; each
repository reads rows with Core ``select()`` and builds domain objects with a named mapper
function, and writes them back with ``insert()``/``update()``. SQLite is the embedded default,
PostgreSQL the production database; both run the same Alembic migrations.

The names below are imported from their modules when first used (PEP 562), so that importing a
light module of this package (``database``, ``revisions``) does not import Alembic and every
repository.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
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

_MODULES = {
    "SqlUnitOfWork": "unit_of_work",
    "create_database_engine": "database",
    "current_revision": "migrate",
    "downgrade": "migrate",
    "head_revision": "migrate",
    "parse_database_url": "database",
    "upgrade": "migrate",
}


def __getattr__(name: str) -> Any:
    module = _MODULES.get(name)
    if module is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    return getattr(importlib.import_module(f"{__name__}.{module}"), name)
