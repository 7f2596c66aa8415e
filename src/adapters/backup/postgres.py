"""PostgreSQL's side of a backup: pg_dump in one snapshot with the row counts; a restore and its
checks in one transaction.

The backup opens a REPEATABLE READ transaction, exports its snapshot, counts each table's rows in
it and runs ``pg_dump --snapshot``: the counts are those of the dump, however busy the portal.
Only the connection's schema is dumped (``public`` unless the URL's ``options`` choose another).
The restore feeds ``pg_restore``'s script (without its ``CREATE SCHEMA``: the target's schema
exists, empty) to ``psql --single-transaction``, followed by a check that every table holds the
manifest's count of rows and that the schema is at the manifest's revision: anything wrong and
nothing is kept. The password goes to the tools in PGPASSWORD, never on a command line.
"""

from __future__ import annotations

import contextlib
import os
import re
import shutil
import subprocess
import tempfile
from collections.abc import Mapping
from pathlib import Path
from typing import IO

import psycopg.conninfo
from sqlalchemy import Connection, Engine, text
from sqlalchemy.exc import OperationalError

from adapters.persistence.database import database_unreachable
from portail_core.errors import ConfigurationError, Conflict, RuleViolation

__all__ = ["dump", "require_empty", "restore"]

TOOLS_PACKAGE = "postgresql-client"
_PSQL_PREFIX = re.compile(r"^psql:[^:]*:[0-9]+: ")


def _tool(name: str) -> str:
    found = shutil.which(name)
    if found is None:
        raise ConfigurationError(
            f"{name} est introuvable : installez le paquet {TOOLS_PACKAGE} (de la version du "
            "serveur PostgreSQL, ou plus récente) sur la machine qui lance `portail backup`."
        )
    return found


def _connection(engine: Engine) -> tuple[str, dict[str, str]]:
    """libpq's connection string without the password, and the environment that gives it."""
    _, parameters = engine.dialect.create_connect_args(engine.url)
    password = parameters.pop("password", None)
    plain = {k: str(v) for k, v in parameters.items() if isinstance(v, str | int)}
    environment = {**os.environ}
    if password:
        environment["PGPASSWORD"] = str(password)
    return psycopg.conninfo.make_conninfo(**plain), environment


def _quoted(connection: Connection, *names: str) -> str:
    quote = connection.dialect.identifier_preparer.quote
    return ".".join(quote(name) for name in names)


def _run(command: list[str], environment: Mapping[str, str], what: str) -> None:
    done = subprocess.run(  # noqa: S603  (the PostgreSQL tools, found on PATH)
        command, env=environment, capture_output=True, text=True, check=False
    )
    if done.returncode != 0:
        raise ConfigurationError(f"{what} a échoué : {_first_line(done.stderr)}")


def _first_line(output: str) -> str:
    """The tool's error (its first line; context and hints follow it), without psql's prefix."""
    lines = [line for line in output.strip().splitlines() if line.strip()]
    return _PSQL_PREFIX.sub("", lines[0])[:300] if lines else "sans message"


def dump(engine: Engine, into: Path) -> tuple[str, str | None, dict[str, int]]:
    """Dump the connection's schema to ``into`` (custom format); its schema, its Alembic
    revision (None: never migrated) and each table's rows, all in the dump's snapshot."""
    pg_dump = _tool("pg_dump")
    conninfo, environment = _connection(engine)
    try:
        connection = engine.connect().execution_options(isolation_level="REPEATABLE READ")
    except OperationalError as error:
        raise database_unreachable(error) from error
    with connection, connection.begin():
        snapshot = connection.execute(text("SELECT pg_export_snapshot()")).scalar_one()
        schema = connection.execute(text("SELECT current_schema()")).scalar_one_or_none()
        if schema is None:
            raise ConfigurationError(
                "La base n'a pas de schéma courant (search_path) : rien à sauvegarder."
            )
        counts = _counts(connection, schema)
        revision = None
        if "alembic_version" in counts:
            revision = connection.execute(
                text(f"SELECT version_num FROM {_quoted(connection, schema, 'alembic_version')}")  # noqa: S608
            ).scalar_one_or_none()
        _run(
            [
                pg_dump,
                "--format=custom",
                f"--snapshot={snapshot}",
                f"--schema={schema}",
                f"--file={into}",
                f"--dbname={conninfo}",
            ],
            environment,
            "pg_dump",
        )
    return schema, revision, counts


def _counts(connection: Connection, schema: str) -> dict[str, int]:
    tables = connection.execute(
        text("SELECT tablename FROM pg_tables WHERE schemaname = :schema ORDER BY tablename"),
        {"schema": schema},
    ).scalars()
    return {
        table: connection.execute(
            text(f"SELECT count(*) FROM {_quoted(connection, schema, table)}")  # noqa: S608
        ).scalar_one()
        for table in list(tables)
    }


def require_empty(engine: Engine, schema: str | None) -> None:
    """The target database's schema must be the archive's, and hold nothing."""
    try:
        with engine.connect() as connection:
            current = connection.execute(text("SELECT current_schema()")).scalar_one_or_none()
            relations = connection.execute(
                text(
                    "SELECT count(*) FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace"
                    " WHERE n.nspname = current_schema()"
                )
            ).scalar_one()
    except OperationalError as error:
        raise database_unreachable(error) from error
    if current != schema:
        raise RuleViolation(
            f"La sauvegarde vient du schéma PostgreSQL « {schema} », la base cible utilise "
            f"« {current or 'aucun'} » : restaurez dans une base dont le schéma (search_path) "
            "porte le même nom. Rien n'a été restauré."
        )
    if relations:
        raise Conflict(
            "La base PostgreSQL cible n'est pas vide : une restauration se fait dans une base "
            "vide (créez-en une, par ex. `createdb -O portail portail_restauree`, et indiquez-la "
            "dans PORTAIL_DATABASE_URL). Rien n'a été restauré."
        )


def restore(
    engine: Engine, dumped: Path, schema: str, revision: str, tables: Mapping[str, int]
) -> None:
    """Restore the dump into the (empty) target and check it, in one transaction."""
    pg_restore, psql = _tool("pg_restore"), _tool("psql")
    conninfo, environment = _connection(engine)
    with tempfile.TemporaryDirectory(prefix="portail-restauration-") as folder:
        listing = Path(folder) / "toc.list"
        toc = subprocess.run(  # noqa: S603
            [pg_restore, "--list", str(dumped)], capture_output=True, text=True, check=False
        )
        if toc.returncode != 0:
            raise ConfigurationError(f"pg_restore a échoué : {_first_line(toc.stderr)}")
        listing.write_text(_without_schema_entries(toc.stdout))
        with tempfile.TemporaryFile() as restore_errors, tempfile.TemporaryFile() as psql_errors:
            script = subprocess.Popen(  # noqa: S603
                [
                    pg_restore,
                    "--no-owner",
                    "--no-privileges",
                    "--exit-on-error",
                    f"--use-list={listing}",
                    "--file=-",
                    str(dumped),
                ],
                stdout=subprocess.PIPE,
                stderr=restore_errors,
            )
            loader = subprocess.Popen(  # noqa: S603
                [
                    *(psql, "-X", "-q", "-v", "ON_ERROR_STOP=1", "--single-transaction"),
                    *("-f", "-", f"--dbname={conninfo}"),
                ],
                stdin=subprocess.PIPE,
                stdout=subprocess.DEVNULL,
                stderr=psql_errors,
                env=environment,
            )
            _feed(script.stdout, loader.stdin, _checks(schema, revision, tables))
            script.wait()
            loader.wait()
            if script.returncode != 0:
                raise ConfigurationError(f"pg_restore a échoué : {_read_first(restore_errors)}")
            if loader.returncode != 0:
                reason = _read_first(psql_errors)
                raise ConfigurationError(
                    f"La restauration a été annulée, rien n'a été gardé : {reason}"
                )


def _feed(script: IO[bytes] | None, loader: IO[bytes] | None, checks: str) -> None:
    """pg_restore's script, then the checks, to psql; psql stopping early is its error to tell."""
    if script is None or loader is None:
        raise RuntimeError("pg_restore and psql were started without their pipes")
    with contextlib.suppress(BrokenPipeError), loader:
        while chunk := script.read(1024 * 1024):
            loader.write(chunk)
        loader.write(checks.encode("utf-8"))
    script.close()


def _read_first(errors: IO[bytes]) -> str:
    errors.seek(0)
    return _first_line(errors.read().decode("utf-8", "replace"))


def _without_schema_entries(toc: str) -> str:
    """pg_restore's table of contents without the schema's own entries (``CREATE SCHEMA`` and
    its comment): the target's schema exists already."""
    return "".join(
        line
        for line in toc.splitlines(keepends=True)
        if " SCHEMA - " not in line and " COMMENT - SCHEMA " not in line
    )


def _checks(schema: str, revision: str, tables: Mapping[str, int]) -> str:
    """SQL raising an error, so that psql rolls everything back, unless the restored tables are
    the manifest's, with its counts of rows, at its revision. Names and values were checked when
    the manifest was read (identifiers, digits only)."""

    def name(table: str) -> str:
        return f'"{schema}"."{table}"'

    # The names and values were checked when the manifest was read: S608 does not apply.
    lines = [
        "DO $portail$",
        "DECLARE found bigint; revision text;",
        "BEGIN",
        f"  SELECT count(*) INTO found FROM pg_tables WHERE schemaname = '{schema}';",  # noqa: S608
        f"  IF found <> {len(tables)} THEN",
        f"    RAISE EXCEPTION 'vérification : % tables au lieu de {len(tables)}', found;",
        "  END IF;",
    ]
    for table, count in sorted(tables.items()):
        lines += [
            f"  SELECT count(*) INTO found FROM {name(table)};",  # noqa: S608
            f"  IF found <> {count} THEN",
            f"    RAISE EXCEPTION 'vérification : {table} a % lignes au lieu de {count}', found;",
            "  END IF;",
        ]
    lines += [
        f"  SELECT version_num INTO revision FROM {name('alembic_version')};",  # noqa: S608
        f"  IF revision IS DISTINCT FROM '{revision}' THEN",
        f"    RAISE EXCEPTION 'vérification : révision % au lieu de {revision}', revision;",
        "  END IF;",
        "END",
        "$portail$;",
        "",
    ]
    return "\n".join(lines)
