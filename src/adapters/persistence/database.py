"""Engines for the two supported databases, with the settings each needs to be correct.

SQLite: foreign keys on, WAL journal, a busy timeout, and every transaction opened with
``BEGIN IMMEDIATE`` so that writers queue on the database lock instead of failing with
"database is locked" when two deferred transactions both try to write (the recipe from
SQLAlchemy's SQLite dialect documentation). PostgreSQL: psycopg 3 with pre-ping.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import URL, Engine, create_engine, event
from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError

from portail_core.errors import ConfigurationError

__all__ = ["create_database_engine", "is_sqlite", "parse_database_url"]

SQLITE_BUSY_TIMEOUT_SECONDS = 30


def parse_database_url(text: str) -> URL:
    """Check a database URL and name its driver; the error says what to write instead."""
    try:
        url = make_url(text.strip())
    except ArgumentError as error:
        raise ConfigurationError(
            f"Adresse de base de données illisible : « {text} ». Exemples : "
            "sqlite:///instance/portail.sqlite3 ou "
            "postgresql+psycopg://utilisateur@hôte:5432/portail"
        ) from error
    backend, _, driver = url.drivername.partition("+")
    if backend in {"postgresql", "postgres"} and driver in {"", "psycopg"}:
        return url.set(drivername="postgresql+psycopg")
    if backend == "sqlite" and driver in {"", "pysqlite"}:
        if not url.database or url.database == ":memory:":
            raise ConfigurationError(
                "Une base SQLite en mémoire ne garde rien : indiquez un fichier, "
                "par ex. sqlite:///instance/portail.sqlite3"
            )
        return url
    raise ConfigurationError(
        f"Base de données non prise en charge : « {url.drivername} ». "
        "Le portail fonctionne avec SQLite (sqlite:///...) ou PostgreSQL "
        "(postgresql+psycopg://...)."
    )


def is_sqlite(engine: Engine) -> bool:
    return engine.dialect.name == "sqlite"


def create_database_engine(url: str | URL, **engine_options: Any) -> Engine:
    """An engine for a checked URL; nothing connects until it is used."""
    checked = parse_database_url(
        url.render_as_string(hide_password=False) if isinstance(url, URL) else url
    )
    if checked.get_backend_name() == "sqlite":
        engine = create_engine(
            checked, connect_args={"timeout": SQLITE_BUSY_TIMEOUT_SECONDS}, **engine_options
        )
        event.listen(engine, "connect", _configure_sqlite_connection)
        event.listen(engine, "begin", _begin_immediate)
        return engine
    return create_engine(checked, pool_pre_ping=True, **engine_options)


def _configure_sqlite_connection(dbapi_connection: Any, _record: Any) -> None:
    # Let SQLAlchemy, not the sqlite3 module, decide when transactions begin (see _begin_immediate).
    dbapi_connection.isolation_level = None
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA foreign_keys = ON")
    cursor.execute("PRAGMA journal_mode = WAL")
    cursor.execute(f"PRAGMA busy_timeout = {SQLITE_BUSY_TIMEOUT_SECONDS * 1000}")
    cursor.execute("PRAGMA synchronous = NORMAL")
    cursor.close()


def _begin_immediate(connection: Any) -> None:
    connection.exec_driver_sql("BEGIN IMMEDIATE")
