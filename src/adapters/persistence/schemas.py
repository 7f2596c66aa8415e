"""One PostgreSQL schema per commune: the URL whose connections work in it, and its creation.

A commune's connections carry ``search_path=<schema>`` (libpq's ``options``), so that every
table, query, constraint and sequence of the portal works unchanged inside its schema
(docs/architecture.md, « Many communes »).
"""

from __future__ import annotations

from sqlalchemy import create_engine, text
from sqlalchemy.exc import OperationalError

from adapters.persistence.database import database_unreachable, parse_database_url

__all__ = ["create_schema", "schema_url"]


def schema_url(base_url: str, schema: str) -> str:
    """``base_url`` (PostgreSQL) with every connection's search path set to ``schema`` only."""
    url = parse_database_url(base_url).update_query_dict({"options": f"-csearch_path={schema}"})
    return url.render_as_string(hide_password=False)


def create_schema(base_url: str, schema: str) -> bool:
    """Create ``schema`` on the database of ``base_url`` if it is missing; True if created.
    ``schema`` is a checked name (adapters.deployment_file.SCHEMA)."""
    engine = create_engine(parse_database_url(base_url), isolation_level="AUTOCOMMIT")
    try:
        with engine.connect() as connection:
            query = text("SELECT 1 FROM information_schema.schemata WHERE schema_name = :name")
            if connection.execute(query, {"name": schema}).first() is not None:
                return False
            connection.execute(text(f'CREATE SCHEMA IF NOT EXISTS "{schema}"'))
            return True
    except OperationalError as error:
        raise database_unreachable(error) from error
    finally:
        engine.dispose()
