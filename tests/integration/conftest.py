"""Real databases for the integration suite: every database test runs on SQLite and PostgreSQL.

PostgreSQL tests run when PORTAIL_TEST_POSTGRES_URL is set, each test in a schema of its own that
is dropped afterwards. Without the variable they are skipped with the reason shown by ``-ra``;
with PORTAIL_REQUIRE_POSTGRES=1 (as in CI) a missing or unreachable PostgreSQL fails instead.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from functools import partial
from pathlib import Path
from typing import Protocol

import pytest
from sqlalchemy import Engine, create_engine, text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import OperationalError

from adapters.memory import InMemoryStore, InMemoryUnitOfWork
from adapters.persistence import SqlUnitOfWork, create_database_engine, upgrade
from portail_core.ports.unit_of_work import UnitOfWork

POSTGRES_URL_VARIABLE = "PORTAIL_TEST_POSTGRES_URL"
DATABASES = [
    pytest.param("sqlite", id="sqlite"),
    pytest.param("postgresql", id="postgresql", marks=pytest.mark.postgresql),
]


def postgres_url_or_skip() -> str:
    url = os.environ.get(POSTGRES_URL_VARIABLE)
    if url:
        return url
    reason = (
        f"PostgreSQL absent: set {POSTGRES_URL_VARIABLE}="
        "postgresql+psycopg://postgres@127.0.0.1:5432/test to run this test"
    )
    if os.environ.get("PORTAIL_REQUIRE_POSTGRES") == "1":
        pytest.fail(reason)
    pytest.skip(reason)


def _postgres_schema_url(base_url: str) -> Iterator[str]:
    """A URL whose connections work in a new, empty schema; the schema is dropped afterwards."""
    schema = f"test_{uuid.uuid4().hex[:12]}"
    admin = create_engine(base_url, isolation_level="AUTOCOMMIT")
    try:
        with admin.connect() as connection:
            connection.execute(text(f'CREATE SCHEMA "{schema}"'))
    except OperationalError as error:
        admin.dispose()
        pytest.fail(f"PostgreSQL at {POSTGRES_URL_VARIABLE} is unreachable: {error}")
    url = make_url(base_url).update_query_dict({"options": f"-csearch_path={schema}"})
    try:
        yield url.render_as_string(hide_password=False)
    finally:
        with admin.connect() as connection:
            connection.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
        admin.dispose()


def empty_database_url(kind: str, tmp_path: Path) -> Iterator[str]:
    """The URL of an empty database of that kind ("sqlite" or "postgresql"), cleaned up after."""
    if kind == "sqlite":
        yield f"sqlite:///{tmp_path / 'portail.sqlite3'}"
        return
    yield from _postgres_schema_url(postgres_url_or_skip())


@pytest.fixture(params=DATABASES)
def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """The URL of an empty database, once on SQLite and once on PostgreSQL."""
    yield from empty_database_url(request.param, tmp_path)


@pytest.fixture
def empty_engine(database_url: str) -> Iterator[Engine]:
    engine = create_database_engine(database_url)
    yield engine
    engine.dispose()


@pytest.fixture
def engine(empty_engine: Engine) -> Engine:
    """An engine on a database migrated to the latest revision."""
    upgrade(empty_engine)
    return empty_engine


class UowFactory(Protocol):
    def __call__(self, *, read_only: bool = False) -> UnitOfWork: ...


@pytest.fixture(params=[pytest.param("memory", id="memory"), *DATABASES])
def new_uow(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[UowFactory]:
    """Opens units of work on the in-memory twin, then on each migrated real database.

    Tests using it state the contract every implementation of the UnitOfWork port keeps.
    """
    if request.param == "memory":
        store = InMemoryStore()

        def in_memory(*, read_only: bool = False) -> UnitOfWork:
            return InMemoryUnitOfWork(store, read_only=read_only)

        yield in_memory
        return
    for url in empty_database_url(request.param, tmp_path):
        engine = create_database_engine(url)
        upgrade(engine)
        yield partial(SqlUnitOfWork, engine)
        engine.dispose()
