"""``portail document``: supporting documents of a family's dossier: add, list, show (each
opening audited), and the purge of the files interrupted uploads left behind."""

from __future__ import annotations

import os
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any, BinaryIO

import click

from entrypoints.cli.feedback import pass_services, require_current_schema, staff_actor
from entrypoints.cli.output import FORMAT_OPTION, DateParam, echo_json, echo_rows, file_error
from portail_core.domain.dossiers.documents import MAX_DOCUMENT_BYTES
from portail_core.domain.dossiers.family import DocumentType, SupportingDocument
from portail_core.domain.shared.french_dates import numeric_day_fr
from portail_core.domain.shared.instants import as_paris
from portail_core.errors import InvalidInput

if TYPE_CHECKING:
    from entrypoints.bootstrap import Services


__all__ = ["group"]


@click.group("document")
def group() -> None:
    """Pièces justificatives des dossiers : ajouter, lister, ouvrir ; purger les fichiers
    laissés par des envois interrompus."""


@group.command("add")
@click.argument("family_id", metavar="N°_FAMILLE", type=click.IntRange(1))
@click.option(
    "--type",
    "kind",
    required=True,
    type=click.Choice([kind.value for kind in DocumentType]),
    help="Type de pièce.",
)
@click.option(
    "--file",
    "path",
    required=True,
    type=click.Path(dir_okay=False, path_type=Path),
    help="Fichier PDF, JPEG ou PNG (5 Mo au plus).",
)
@click.option("--valid-until", type=DateParam(), help="Fin de validité de la pièce.")
@pass_services
def add_command(
    services: Services, family_id: int, kind: str, path: Path, valid_until: date | None
) -> None:
    """Ajoute une pièce justificative au dossier d'une famille."""
    require_current_schema(services)
    try:
        with path.open("rb") as handle:
            data = handle.read(MAX_DOCUMENT_BYTES + 1)
    except OSError as error:
        raise file_error("lire", path, error) from error
    document = services.portail.dossiers.add_document(
        family_id,
        kind=kind,
        data=data,
        filename=path.name,
        valid_until=valid_until,
        actor=staff_actor(),
    )
    until = f", valable jusqu'au {numeric_day_fr(valid_until)}" if valid_until else ""
    click.echo(f"Pièce ajoutée : {document.kind.label}{until}.")


@group.command("list")
@click.option(
    "--family",
    "family_id",
    required=True,
    metavar="N°",
    type=click.IntRange(1),
    help="Numéro du dossier.",
)
@FORMAT_OPTION
@pass_services
def list_command(services: Services, family_id: int, output_format: str) -> None:
    """Liste les pièces justificatives du dossier d'une famille (référence, type, dates), pour
    les ouvrir avec « portail document show RÉFÉRENCE -o FICHIER ». Les certificats des
    absences s'ouvrent avec « portail absences certificate N° »."""
    require_current_schema(services)
    documents = services.portail.dossiers.documents(family_id)
    today = services.portail.today()
    if output_format == "json":
        echo_json([_document_json(d, today) for d in documents])
        return
    if not documents and output_format == "table":
        click.echo(f"Le dossier n° {family_id} n'a aucune pièce justificative.")
        return
    rows = [
        (
            d.file_id,
            d.kind.label,
            numeric_day_fr(as_paris(d.uploaded_at).date()),
            numeric_day_fr(d.valid_until) if d.valid_until else "sans limite",
            "valable" if d.valid_on(today) else "expirée",
        )
        for d in documents
    ]
    echo_rows(("référence", "type", "reçue le", "valable jusqu'au", "état"), rows, output_format)


def _document_json(document: SupportingDocument, today: date) -> dict[str, Any]:
    return {
        "file_id": document.file_id,
        "kind": document.kind.value,
        "label": document.kind.label,
        "uploaded_at": document.uploaded_at.isoformat(),
        "valid_until": document.valid_until.isoformat() if document.valid_until else None,
        "valid": document.valid_on(today),
    }


@group.command("show")
@click.argument("file_id", metavar="RÉFÉRENCE")
@click.option(
    "--output",
    "-o",
    "path",
    required=True,
    type=click.Path(dir_okay=False, path_type=Path),
    help="Où écrire la pièce (le fichier ne doit pas exister).",
)
@click.option(
    "--family",
    "family_id",
    metavar="N°",
    type=click.IntRange(1),
    help="Numéro du dossier (sinon la pièce est cherchée dans tous les dossiers).",
)
@pass_services
def show_command(services: Services, file_id: str, path: Path, family_id: int | None) -> None:
    """Écrit une pièce justificative dans un fichier, pour la lire avant de valider un
    changement « au vu du justificatif ». RÉFÉRENCE est donnée par « portail document list ».

    Lire la pièce d'une famille est une lecture de données personnelles (de santé pour un
    carnet de vaccination ou un certificat médical) : chaque lecture est inscrite au journal
    d'audit (qui, quand, quelle pièce). Le fichier écrit n'est lisible que par vous.
    """
    require_current_schema(services)
    handle = _new_private_file(path)  # before the read: a read is never audited for nothing
    try:
        read = services.portail.dossiers.read_document(
            file_id.strip(), actor=staff_actor(), family_id=family_id
        )
    except BaseException:
        handle.close()
        path.unlink(missing_ok=True)
        raise
    with handle:
        handle.write(read.content)
    described = read.format.label if read.format is not None else "fichier"
    click.echo(
        f"Pièce « {read.document.kind.label} » du dossier n° {read.family_id} "
        f"({read.family_name}) écrite : {path} ({described})."
    )


def _new_private_file(path: Path) -> BinaryIO:
    """A new file readable by its owner alone, open for writing; a clear French error if it
    exists or cannot be made."""
    if path.exists():
        raise InvalidInput(f"{path} existe déjà : choisissez un autre nom.")
    try:
        descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except OSError as error:
        raise file_error("écrire", path, error) from error
    return os.fdopen(descriptor, "wb")


@group.command("purge-orphans")
@click.option("--dry-run", is_flag=True, help="Liste les fichiers sans rien supprimer.")
@pass_services
def purge_orphans_command(services: Services, dry_run: bool) -> None:
    """Supprime les fichiers de pièces et de certificats qu'aucun dossier ni aucune absence ne
    désigne : envois interrompus (processus arrêté pendant l'enregistrement), effacement
    interrompu. Seuls les fichiers de plus d'une heure sont concernés, pour ne jamais toucher
    un envoi en cours. La suppression est inscrite au journal d'audit.

    À lancer chaque nuit, par exemple (crontab) :

    \b
        45 3 * * *  portail document purge-orphans
    """
    require_current_schema(services)
    report = services.portail.dossiers.purge_orphans(actor=staff_actor(), dry_run=dry_run)
    for kept in report.orphans:
        what = "envoi interrompu" if kept.unfinished else "fichier non référencé"
        written = as_paris(kept.written_at).format("DD/MM/YYYY HH:mm")
        where = f"famille-{kept.family_id}" if kept.family_id else "ancien rangement"
        click.echo(f"{where}/{kept.name} : {what}, écrit le {written}")
    count = len(report.orphans)
    if dry_run:
        click.echo(f"{count} fichier(s) orphelin(s) ; rien n'est supprimé (--dry-run).")
    else:
        click.echo(f"{count} fichier(s) orphelin(s) supprimé(s).")
