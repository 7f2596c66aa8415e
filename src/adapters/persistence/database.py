"""Engines for the two supported databases, with the settings each needs to be correct.

SQLite: foreign keys on, WAL journal, a busy timeout, and every writing transaction opened with
``BEGIN IMMEDIATE`` so that writers queue on the database lock instead of failing with
"database is locked" when two deferred transactions both try to write (the recipe from
SQLAlchemy's SQLite dialect documentation); read-only units of work begin ``DEFERRED`` and do not
queue behind writers. ``synchronous = NORMAL`` in WAL mode survives a crash of the portal; a
power cut may lose the last commits (use PostgreSQL where that matters). PostgreSQL: psycopg 3
with pre-ping.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import URL, Connection, Engine, create_engine, event
from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError, OperationalError

from portail_core.errors import ConfigurationError

__all__ = [
    "READ_ONLY",
    "create_database_engine",
    "database_unreachable",
    "is_sqlite",
    "parse_database_url",
]

SQLITE_BUSY_TIMEOUT_SECONDS = 30
READ_ONLY = "portail_read_only"  # execution option of a read-only unit of work's connection
_EXAMPLES = (
    "Exemples : sqlite:///instance/portail.sqlite3 ou "
    "postgresql+psycopg://utilisateur@hôte:5432/portail"
)


def parse_database_url(text: str) -> URL:
    """Check a database URL and name its driver; the error says what to write instead."""
    try:
        url = make_url(text.strip())
        url.port  # noqa: B018  (a port that is not a number only fails when read)
    except (ArgumentError, ValueError) as error:
        raise ConfigurationError(
            f"PORTAIL_DATABASE_URL illisible : « {text} ». {_EXAMPLES}"
        ) from error
    backend, _, driver = url.drivername.partition("+")
    if backend in {"postgresql", "postgres"} and driver in {"", "psycopg"}:
        return url.set(drivername="postgresql+psycopg")
    if backend == "sqlite" and driver in {"", "pysqlite"}:
        if not url.database or url.database == ":memory:":
            raise ConfigurationError(
                "PORTAIL_DATABASE_URL : une base SQLite en mémoire ne garde rien ; indiquez un "
                "fichier, par ex. sqlite:///instance/portail.sqlite3"
            )
        return url
    raise ConfigurationError(
        f"PORTAIL_DATABASE_URL : base de données non prise en charge (« {url.drivername} »). "
        f"Le portail fonctionne avec SQLite ou PostgreSQL. {_EXAMPLES}"
    )


def database_unreachable(error: OperationalError) -> ConfigurationError:
    """The operator's message when the database cannot be reached or opened."""
    reason = str(error.orig or error).strip().splitlines()[0]
    return ConfigurationError(
        f"Base de données injoignable ({reason}). Vérifiez PORTAIL_DATABASE_URL et que le "
        "serveur de base de données fonctionne."
    )


def is_sqlite(engine: Engine) -> bool:
    return engine.dialect.name == "sqlite"


def create_database_engine(url: str | URL, **engine_options: Any) -> Engine:
    """An engine for a checked URL; nothing connects until it is used."""
    text = url.render_as_string(hide_password=False) if isinstance(url, URL) else url
    checked = parse_database_url(text)
    if checked.get_backend_name() == "sqlite":
        engine = create_engine(
            checked,
            connect_args={"timeout": SQLITE_BUSY_TIMEOUT_SECONDS},
            hide_parameters=True,  # errors must not copy dossier values (health data) to logs
            **engine_options,
        )
        event.listen(engine, "connect", _configure_sqlite_connection)
        event.listen(engine, "begin", _begin_sqlite_transaction)
        return engine
    return create_engine(checked, pool_pre_ping=True, hide_parameters=True, **engine_options)


def _configure_sqlite_connection(dbapi_connection: Any, _record: Any) -> None:
    # Let SQLAlchemy, not the sqlite3 module, decide when transactions begin (see below).
    dbapi_connection.isolation_level = None
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA foreign_keys = ON")
    cursor.execute("PRAGMA journal_mode = WAL")
    cursor.execute(f"PRAGMA busy_timeout = {SQLITE_BUSY_TIMEOUT_SECONDS * 1000}")
    cursor.execute("PRAGMA synchronous = NORMAL")
    cursor.close()


def _begin_sqlite_transaction(connection: Connection) -> None:
    read_only = connection.get_execution_options().get(READ_ONLY, False)
    connection.exec_driver_sql("BEGIN DEFERRED" if read_only else "BEGIN IMMEDIATE")
