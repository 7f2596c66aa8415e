"""The installation's backups, for ``portail backup``: the archive adapter on the database and
the instance folder of the services (the command line reaches the adapters only through here and
``bootstrap``)."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import Engine

from adapters.backup import (
    BackupReport,
    Manifest,
    RestoreReport,
    create_backup,
    describe,
    restore_backup,
    verify_backup,
)
from entrypoints.bootstrap import Services
from portail_core.errors import ConfigurationError

__all__ = ["BackupReport", "Manifest", "RestoreReport", "create", "describe", "restore", "verify"]


def _engine(services: Services) -> Engine:
    if services.engine is None:
        raise ConfigurationError("Portail en mémoire : rien à sauvegarder ni à restaurer.")
    return services.engine


def create(services: Services, output: Path) -> BackupReport:
    """Back the database and the instance folder's files up into ``output``."""
    return create_backup(_engine(services), services.settings.instance_path, output)


def verify(archive: Path) -> Manifest:
    """The archive's manifest, once every member has been checked against it."""
    return verify_backup(archive)


def restore(services: Services, archive: Path, *, upgrade: bool) -> RestoreReport:
    """Restore ``archive`` into the (empty) database and instance folder of the services."""
    return restore_backup(
        archive, _engine(services), services.settings.instance_path, upgrade_schema=upgrade
    )
