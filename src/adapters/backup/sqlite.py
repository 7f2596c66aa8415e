"""SQLite's side of a backup: the online backup API, and a restore checked before it is named.

``sqlite3``'s backup API copies the database page by page in a consistent state while the portal
keeps running (WAL included); the row counts are read from the copy. A restore writes the
archive's copy beside the target, checks it (``PRAGMA integrity_check``, the revision, each
table's rows) and only then links it under the target's name, which must still be free.
"""

from __future__ import annotations

import contextlib
import os
import sqlite3
from collections.abc import Mapping
from pathlib import Path

from portail_core.errors import ConfigurationError, Conflict, InvalidInput

__all__ = ["check_copy", "copy", "database_path", "install", "require_absent"]


def database_path(database: str | None) -> Path:
    if not database:
        raise ConfigurationError("PORTAIL_DATABASE_URL ne nomme pas de fichier SQLite.")
    return Path(database).resolve()


def copy(source: Path, into: Path) -> tuple[str | None, dict[str, int]]:
    """A consistent copy of ``source`` at ``into``; its Alembic revision and rows per table."""
    if not source.is_file():
        raise ConfigurationError(f"Aucune base de données à {source} : rien à sauvegarder.")
    origin_uri = f"{source.as_uri()}?mode=rw"  # never creates a file
    with (
        contextlib.closing(sqlite3.connect(origin_uri, uri=True, timeout=30)) as origin,
        contextlib.closing(sqlite3.connect(into)) as target,
    ):
        origin.backup(target)
    return _revision_and_counts(into)


def _revision_and_counts(path: Path) -> tuple[str | None, dict[str, int]]:
    with contextlib.closing(sqlite3.connect(path)) as database:
        tables = [
            row[0]
            for row in database.execute(
                "SELECT name FROM sqlite_master WHERE type = 'table' "
                "AND name NOT LIKE 'sqlite_%' ORDER BY name"
            )
        ]
        counts = {
            table: database.execute(f'SELECT count(*) FROM "{table}"').fetchone()[0]  # noqa: S608
            for table in tables
        }
        revision = None
        if "alembic_version" in counts:
            row = database.execute("SELECT version_num FROM alembic_version").fetchone()
            revision = row[0] if row else None
    return revision, counts


def require_absent(target: Path) -> None:
    """A restore creates the database file: none may be there (an empty file is taken for none)."""
    if target.exists() and target.stat().st_size > 0:
        raise Conflict(
            f"La base SQLite {target} existe déjà : une restauration se fait dans une base "
            "vide. Indiquez un autre fichier (PORTAIL_DATABASE_URL ou PORTAIL_INSTANCE_PATH) ou "
            "déplacez celui-ci. Rien n'a été restauré."
        )


def check_copy(copied: Path, revision: str, tables: Mapping[str, int]) -> None:
    """The restored copy is a sound SQLite database with the manifest's tables, rows, revision."""
    try:
        with contextlib.closing(sqlite3.connect(copied)) as database:
            integrity = database.execute("PRAGMA integrity_check").fetchone()[0]
        found_revision, counts = _revision_and_counts(copied)
    except sqlite3.DatabaseError as error:
        raise InvalidInput(
            f"La base de l'archive est illisible ({error}) : rien n'a été restauré."
        ) from error
    problems = []
    if integrity != "ok":
        problems.append(f"intégrité : {integrity}")
    if found_revision != revision:
        problems.append(f"révision {found_revision} au lieu de {revision}")
    if counts != dict(tables):
        differing = sorted(set(counts.items()) ^ set(tables.items()))
        problems.append(f"lignes différentes du manifeste ({differing[0][0]})")
    if problems:
        raise InvalidInput(
            "La base de l'archive ne correspond pas à son manifeste ("
            + "; ".join(problems)
            + ") : rien n'a été restauré."
        )


def install(copied: Path, target: Path) -> None:
    """Give the checked copy the target's name, unless a database appeared there meanwhile."""
    target.parent.mkdir(parents=True, exist_ok=True)
    if target.exists() and target.stat().st_size == 0:
        target.unlink()
    try:
        os.link(copied, target)
    except FileExistsError:
        require_absent(target)
        raise
    finally:
        copied.unlink()
