"""``portail backup``: the database and the instance folder's files in one archive; check an
archive; restore one into an empty installation."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import click

from entrypoints.cli.feedback import pass_services, pass_services_creating_database
from entrypoints.cli.output import file_error

if TYPE_CHECKING:
    from entrypoints.backups import Manifest
    from entrypoints.bootstrap import Services

__all__ = ["group"]

ARCHIVE = click.Path(exists=True, dir_okay=False, readable=True, path_type=Path)


@click.group("backup")
def group() -> None:
    """Sauvegardes : la base de données et les fichiers du dossier d'instance (pièces
    justificatives, règlements) dans une archive ; la vérifier ; la restaurer."""


@group.command("create")
@click.option(
    "-o",
    "--output",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Archive à écrire (par défaut : portail-sauvegarde-AAAAMMJJ-HHMMSS.tar.gz dans le "
    "dossier courant). Jamais un fichier existant.",
)
@pass_services
def create_command(services: Services, output: Path | None) -> None:
    """Sauvegarde la base de données (pg_dump avec PostgreSQL, copie en ligne avec SQLite) et
    les fichiers du dossier d'instance dans une archive, sans arrêter le portail.

    L'archive (lisible par vous seul) contient des données personnelles et de santé :
    chiffrez-la et gardez-la hors de cette machine.
    """
    from entrypoints import backups

    output = output or Path(f"portail-sauvegarde-{services.portail.now():%Y%m%d-%H%M%S}.tar.gz")
    try:
        report = backups.create(services, output)
    except OSError as error:
        raise file_error("écrire", error.filename or output, error) from error
    size = backups.describe(output.stat().st_size)
    click.echo(f"Sauvegarde écrite : {output} ({size}).")
    _summary(report.manifest)
    for name in report.left_out:
        click.echo(f"Attention : {name} n'a pas été sauvegardé (nom que le portail n'écrit pas).")


@group.command("verify")
@click.argument("archive", type=ARCHIVE)
def verify_command(archive: Path) -> None:
    """Lit toute l'archive et vérifie chaque fichier (taille, SHA-256) contre son manifeste,
    sans rien écrire. Code 2 si elle est abîmée ou incomplète."""
    from entrypoints import backups

    try:
        manifest = backups.verify(archive)
    except OSError as error:
        raise file_error("lire", archive, error) from error
    click.echo(f"Archive intacte : {archive}.")
    _summary(manifest)


@group.command("restore")
@click.argument("archive", type=ARCHIVE)
@click.option(
    "--upgrade",
    is_flag=True,
    help="Restaure une sauvegarde d'une version précédente du portail, puis met la base à jour "
    "(portail db upgrade).",
)
@pass_services_creating_database
def restore_command(services: Services, archive: Path, upgrade: bool) -> None:
    """Restaure une archive dans une base de données vide et un dossier d'instance vide
    (PORTAIL_DATABASE_URL, PORTAIL_INSTANCE_PATH).

    L'archive est d'abord lue en entier et vérifiée : abîmée, ou la cible pas vide, rien n'est
    écrit. Une sauvegarde d'une version précédente demande --upgrade ; une sauvegarde d'une
    version plus récente est refusée. Avec PostgreSQL, la base et ses vérifications (nombre de
    lignes de chaque table, révision) sont restaurées en une transaction.
    """
    from entrypoints import backups

    try:
        report = backups.restore(services, archive, upgrade=upgrade)
    except OSError as error:
        raise file_error("restaurer", error.filename or archive, error) from error
    click.echo(f"Sauvegarde restaurée : {archive}.")
    _summary(report.manifest)
    if report.upgraded_to:
        click.echo(
            f"Base mise à jour de la révision {report.manifest.revision} à {report.upgraded_to}."
        )
    click.echo("Vous pouvez démarrer le portail.")


def _summary(manifest: Manifest) -> None:
    rows = sum(manifest.tables.values())
    database = "PostgreSQL" if manifest.database == "postgresql" else "SQLite"
    schema = f", schéma {manifest.schema}" if manifest.schema else ""
    click.echo(
        f"  prise le {manifest.created_at} (portail {manifest.portal_version}) ; base {database}"
        f"{schema}, révision {manifest.revision} : {len(manifest.tables)} tables, {rows} lignes ; "
        f"{len(manifest.files)} fichier(s)."
    )
