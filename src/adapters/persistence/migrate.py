"""Alembic, driven from code: the migration scripts ship inside this package.

Each command runs in one transaction opened here and handed to the migration environment, so a
failed migration leaves the schema as it was, on SQLite as on PostgreSQL (both have
transactional DDL). On SQLite, foreign keys are switched off for the migration (Alembic's batch
mode rebuilds a table by copying and dropping it, which would otherwise cascade to, or be
refused by, the rows that refer to it) and checked with ``PRAGMA foreign_key_check`` before the
commit.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from importlib.resources import files
from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Connection, Engine
from sqlalchemy.exc import OperationalError

from adapters.persistence.database import database_unreachable, is_sqlite

__all__ = ["alembic_config", "current_revision", "downgrade", "head_revision", "upgrade"]


def alembic_config(scripts: Path | None = None) -> Config:
    """Alembic's configuration; ``scripts`` replaces the shipped migrations (for tests)."""
    config = Config()
    location = scripts or files("adapters.persistence") / "migrations"
    config.set_main_option("script_location", str(location))
    return config


def upgrade(engine: Engine, revision: str = "head", *, scripts: Path | None = None) -> None:
    config = alembic_config(scripts)
    with _migration_transaction(engine) as connection:
        config.attributes["connection"] = connection
        command.upgrade(config, revision)


def downgrade(engine: Engine, revision: str, *, scripts: Path | None = None) -> None:
    config = alembic_config(scripts)
    with _migration_transaction(engine) as connection:
        config.attributes["connection"] = connection
        command.downgrade(config, revision)


def current_revision(engine: Engine) -> str | None:
    """The revision the database is at, or None for an empty database."""
    try:
        with engine.connect() as connection:
            return MigrationContext.configure(connection).get_current_revision()
    except OperationalError as error:
        raise database_unreachable(error) from error


def head_revision(scripts: Path | None = None) -> str | None:
    return ScriptDirectory.from_config(alembic_config(scripts)).get_current_head()


@contextmanager
def _migration_transaction(engine: Engine) -> Iterator[Connection]:
    try:
        connection = engine.connect()
    except OperationalError as error:
        raise database_unreachable(error) from error
    sqlite = is_sqlite(engine)
    with connection:
        if sqlite:  # outside any transaction, where the pragma takes effect
            _sqlite_pragma(connection, "PRAGMA foreign_keys = OFF")
        try:
            with connection.begin():
                yield connection
                if sqlite:
                    _check_foreign_keys(connection)
        finally:
            if sqlite:
                _sqlite_pragma(connection, "PRAGMA foreign_keys = ON")


def _sqlite_pragma(connection: Connection, pragma: str) -> None:
    """Run a pragma on the raw sqlite3 connection, without opening a transaction."""
    raw = connection.connection.dbapi_connection
    if raw is None:
        raise RuntimeError("the connection has no DBAPI connection")
    cursor = raw.cursor()
    cursor.execute(pragma)
    cursor.close()


def _check_foreign_keys(connection: Connection) -> None:
    broken = connection.exec_driver_sql("PRAGMA foreign_key_check").fetchall()
    if broken:
        raise RuntimeError(f"the migration breaks foreign keys: {broken[:5]}")
