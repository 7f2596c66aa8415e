"""Backups of an installation: its database and its instance folder's files in one archive.

``create_backup`` writes the database (pg_dump's custom format on PostgreSQL, SQLite's online
backup on SQLite), then the ``documents/`` and ``reglements/`` files, then the manifest
(``archive``), while the portal keeps running. ``verify_backup`` reads an archive whole against
its manifest. ``restore_backup`` does too before writing anything, refuses a target that is not
empty, a database of the other kind and a schema revision other than the code's (unless asked to
upgrade it afterwards: never one the code does not know), then restores the database checked
against the manifest (``postgres``, ``sqlite``) and moves the files into place.
"""

from __future__ import annotations

import os
import secrets
import shutil
import tempfile
from collections.abc import Callable
from datetime import UTC, datetime
from importlib.metadata import version
from pathlib import Path
from typing import BinaryIO

import attrs
from alembic.script import ScriptDirectory
from alembic.script.revision import ResolutionError
from alembic.util import CommandError
from attrs import frozen
from sqlalchemy import Engine

from adapters.backup import postgres, sqlite
from adapters.backup.archive import (
    FOLDERS,
    ArchiveWriter,
    Manifest,
    describe,
    folder_files,
    read_archive,
)
from adapters.persistence.migrate import alembic_config, head_revision, upgrade
from portail_core.errors import ConfigurationError, Conflict, RuleViolation

__all__ = [
    "BackupReport",
    "Manifest",
    "RestoreReport",
    "create_backup",
    "describe",
    "restore_backup",
    "verify_backup",
]

FOLDER_MODE = 0o700
FILE_MODE = 0o600


@frozen
class BackupReport:
    manifest: Manifest
    left_out: tuple[str, ...]  # files of the instance folder not archived (names never written)


@frozen
class RestoreReport:
    manifest: Manifest
    upgraded_to: str | None  # the revision migrated to after the restore, if any


def create_backup(engine: Engine, instance: Path, output: Path) -> BackupReport:
    """Write the archive ``output`` (never replacing a file); it appears only once complete."""
    kind = engine.dialect.name
    writer = ArchiveWriter(output)
    try:
        with tempfile.TemporaryDirectory(prefix=".portail-sauvegarde-", dir=output.parent) as work:
            dumped = Path(work) / "database"
            if kind == "postgresql":
                schema, revision, tables = postgres.dump(engine, dumped)
            else:
                schema = None
                revision, tables = sqlite.copy(sqlite.database_path(engine.url.database), dumped)
            if revision is None:
                raise ConfigurationError(
                    "La base n'a jamais été migrée (`portail db upgrade`) : rien à sauvegarder."
                )
            manifest = Manifest(
                created_at=datetime.now(UTC).isoformat(timespec="seconds"),
                portal_version=version("portail-famille"),
                database=kind,
                schema=schema,
                revision=revision,
                tables=tables,
                members={},
            )
            with dumped.open("rb") as source:
                writer.add(manifest.database_member, source, dumped.stat().st_size)
        files, left_out = folder_files(instance)
        for name, path in files:
            try:
                data = path.read_bytes()
            except FileNotFoundError:  # deleted since listed (a family erased): not needed
                continue
            writer.add_bytes(name, data)
        manifest = attrs.evolve(manifest, members=dict(writer.members))
        writer.finish(manifest)
    except BaseException:
        writer.abandon()
        raise
    return BackupReport(manifest, tuple(left_out))


def verify_backup(archive: Path) -> Manifest:
    """The archive's manifest, once every member was read and found as it describes."""
    return read_archive(archive)


def restore_backup(
    archive: Path, engine: Engine, instance: Path, *, upgrade_schema: bool = False
) -> RestoreReport:
    """Restore ``archive`` into the empty database of ``engine`` and the empty folders of
    ``instance``; with ``upgrade_schema``, migrate an older schema to the code's afterwards."""
    manifest = read_archive(archive)  # the whole archive checked before anything is written
    head = head_revision()
    _check_restorable(manifest, engine, head, upgrade_schema=upgrade_schema)
    _require_empty_target(manifest, engine, instance)
    staging = instance / f".restauration-{secrets.token_hex(4)}"
    try:
        staging.mkdir(mode=FOLDER_MODE, parents=True)
        staged = read_archive(archive, _sink(staging, manifest.database_member))
        if staged != manifest:
            raise ConfigurationError(
                "L'archive a changé pendant sa lecture : rien n'a été restauré."
            )
        _restore_database(manifest, engine, staging / "database")
        _install_folders(staging / "files", instance)
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    upgraded_to = None
    if manifest.revision != head and upgrade_schema:
        upgrade(engine)
        upgraded_to = head
    return RestoreReport(manifest, upgraded_to)


def _check_restorable(
    manifest: Manifest, engine: Engine, head: str | None, *, upgrade_schema: bool
) -> None:
    kind = engine.dialect.name
    if manifest.database != kind:
        raise RuleViolation(
            f"Cette sauvegarde est celle d'une base {_kind(manifest.database)} ; la base cible "
            f"est {_kind(kind)}. Restaurez-la dans une base {_kind(manifest.database)}. Rien n'a "
            "été restauré."
        )
    if manifest.revision == head:
        return
    if not _known(manifest.revision):
        raise RuleViolation(
            f"Cette sauvegarde (révision {manifest.revision}, portail {manifest.portal_version}) "
            "vient d'une version du portail plus récente que celle-ci : installez cette version "
            "(ou une plus récente) pour la restaurer. Rien n'a été restauré."
        )
    if not upgrade_schema:
        raise RuleViolation(
            f"Cette sauvegarde est à la révision {manifest.revision}, le portail attend {head} : "
            "relancez avec --upgrade pour la restaurer puis la mettre à jour (portail db "
            "upgrade). Rien n'a été restauré."
        )


def _kind(kind: str) -> str:
    return {"postgresql": "PostgreSQL", "sqlite": "SQLite"}.get(kind, kind)


def _known(revision: str) -> bool:
    try:
        return ScriptDirectory.from_config(alembic_config()).get_revision(revision) is not None
    except (ResolutionError, CommandError):
        return False


def _require_empty_target(manifest: Manifest, engine: Engine, instance: Path) -> None:
    if manifest.database == "postgresql":
        postgres.require_empty(engine, manifest.schema)
    else:
        sqlite.require_absent(sqlite.database_path(engine.url.database))
    for folder in FOLDERS:
        root = instance / folder
        if root.is_dir() and any(path.is_file() or path.is_symlink() for path in root.rglob("*")):
            raise Conflict(
                f"Le dossier {root} contient déjà des fichiers : une restauration se fait dans "
                "un dossier d'instance vide (PORTAIL_INSTANCE_PATH). Rien n'a été restauré."
            )


def _sink(staging: Path, database_member: str) -> Callable[[str], BinaryIO]:
    def open_for(name: str) -> BinaryIO:
        path = staging / "database" if name == database_member else staging / "files" / name
        path.parent.mkdir(mode=FOLDER_MODE, parents=True, exist_ok=True)
        descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, FILE_MODE)
        return os.fdopen(descriptor, "wb")

    return open_for


def _restore_database(manifest: Manifest, engine: Engine, dumped: Path) -> None:
    if manifest.database == "postgresql":
        assert manifest.schema is not None  # noqa: S101  (a PostgreSQL manifest names it)
        postgres.restore(engine, dumped, manifest.schema, manifest.revision, manifest.tables)
        return
    sqlite.check_copy(dumped, manifest.revision, manifest.tables)
    sqlite.install(dumped, sqlite.database_path(engine.url.database))


def _install_folders(staged: Path, instance: Path) -> None:
    """Each restored folder takes the place of the (empty) one of the instance."""
    for folder in FOLDERS:
        source, target = staged / folder, instance / folder
        if not source.is_dir():
            continue
        if target.is_dir():
            shutil.rmtree(target)  # empty of files (checked): left-over empty folders only
        source.rename(target)
        target.chmod(FOLDER_MODE)
