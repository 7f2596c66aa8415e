"""Alembic environment: migrates the connection handed over by ``adapters.persistence.migrate``.

Developers creating a revision with the ``alembic`` command (see alembic.ini at the project's
root) get an engine from ``PORTAIL_DATABASE_URL`` instead.
"""

from __future__ import annotations

import os

from alembic import context
from sqlalchemy import Connection

from adapters.persistence.database import create_database_engine
from adapters.persistence.tables import metadata


def _run(connection: Connection) -> None:
    context.configure(
        connection=connection,
        target_metadata=metadata,
        render_as_batch=True,  # SQLite alters tables by copying them
        transactional_ddl=True,
        compare_type=True,
    )
    with context.begin_transaction():
        context.run_migrations()


def main() -> None:
    if context.is_offline_mode():
        raise SystemExit("Offline (SQL script) migrations are not supported.")
    handed_over = context.config.attributes.get("connection")
    if handed_over is not None:
        _run(handed_over)
        return
    url = os.environ.get("PORTAIL_DATABASE_URL", "sqlite:///instance/portail.sqlite3")
    with create_database_engine(url).begin() as connection:
        _run(connection)


main()
