"""``portail document``: supporting documents of a family's dossier."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import click

from entrypoints.bootstrap import Services
from entrypoints.cli.feedback import pass_services, require_current_schema, staff_actor
from entrypoints.cli.output import DateParam
from portail_core.domain.dossiers.documents import MAX_DOCUMENT_BYTES
from portail_core.domain.dossiers.family import DocumentType
from portail_core.domain.shared.french_dates import numeric_day_fr
from portail_core.errors import InvalidInput

__all__ = ["group"]


@click.group("document")
def group() -> None:
    """Pièces justificatives des dossiers."""


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
        raise InvalidInput(f"Impossible de lire {path} : {error.strerror}.") from error
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
