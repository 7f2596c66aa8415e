"""``portail regulations``: the règlements intérieurs the desk publishes (a PDF per version)."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING

import click

from entrypoints.cli.feedback import (
    named_as_options,
    pass_services,
    require_current_schema,
    staff_actor,
)
from entrypoints.cli.output import FORMAT_OPTION, DateParam, echo_json, echo_rows, read_bytes
from portail_core.domain.dossiers.documents import MAX_DOCUMENT_BYTES
from portail_core.domain.shared.french_dates import numeric_day_fr
from portail_core.services.regulations.publishing import RegulationUpload
from portail_core.services.regulations.reading import RegulationLine

if TYPE_CHECKING:
    from entrypoints.bootstrap import Services


__all__ = ["group"]

_OPTIONS = {
    "establishment": "--establishment",
    "version": "--version",
    "title": "--title",
    "effective_from": "--effective-from",
    "deadline": "--deadline",
    "file": "--file",
}


def _json(line: RegulationLine) -> dict[str, object]:
    version = line.version
    return {
        "establishment": version.establishment_code,
        "establishment_name": line.establishment_name,
        "version": version.version,
        "title": version.title,
        "effective_from": version.effective_from.isoformat(),
        "deadline": version.deadline.isoformat() if version.deadline else None,
        "status": line.status,
        "size": version.document.size,
        "sha256": version.document.sha256,
        "published_at": version.published_at.isoformat(),
        "published_by": version.published_by,
    }


def _deadline(line: RegulationLine) -> str:
    deadline = line.version.deadline
    return numeric_day_fr(deadline) if deadline else "aucun délai"


@click.group("regulations")
def group() -> None:
    """Règlements intérieurs des structures : publier une version (PDF), lister, afficher."""


@group.command("add")
@click.option(
    "--establishment", "code", required=True, metavar="CODE", help="Code de la structure (ALSH...)."
)
@click.option(
    "--file",
    "path",
    required=True,
    type=click.Path(dir_okay=False, path_type=Path),
    help="Le règlement en PDF, 5 Mo au plus (vérifié d'après son contenu).",
)
@click.option(
    "--version", "version", required=True, metavar="VERSION", help="Numéro de version (2026-2...)."
)
@click.option(
    "--effective-from",
    "effective_from",
    required=True,
    type=DateParam(),
    help="Jour d'entrée en vigueur.",
)
@click.option(
    "--deadline",
    type=DateParam(),
    help="Jusqu'à ce jour inclus, l'acceptation de la version précédente compte encore pour "
    "les réservations (sans délai : refusées dès l'entrée en vigueur).",
)
@click.option(
    "--title",
    metavar="TITRE",
    help="Titre montré aux familles (par défaut : « Règlement intérieur – STRUCTURE »).",
)
@pass_services
def add_command(
    services: Services,
    code: str,
    path: Path,
    version: str,
    effective_from: date,
    deadline: date | None,
    title: str | None,
) -> None:
    """Publie une nouvelle version du règlement intérieur d'une structure. Chaque famille dont
    un enfant peut fréquenter la structure reçoit un courriel (file d'envoi : portail outbox
    send) ; elle le lit et l'accepte en ligne (ou au guichet : portail family
    accept-regulation). Une version publiée ne change plus (code 5 si le numéro existe)."""
    require_current_schema(services)
    upload = RegulationUpload(read_bytes(path, MAX_DOCUMENT_BYTES + 1), path.name)
    with named_as_options(_OPTIONS):
        done = services.portail.regulations.publish(
            establishment_code=code,
            upload=upload,
            version=version,
            effective_from=effective_from,
            deadline=deadline,
            title=title,
            actor=staff_actor(),
        )
    regulation = done.version
    until = (
        f", la version précédente compte jusqu'au {numeric_day_fr(regulation.deadline)}"
        if regulation.deadline
        else ""
    )
    click.echo(
        f"Règlement intérieur de « {done.establishment_name} » publié : version "
        f"{regulation.version}, en vigueur à partir du "
        f"{numeric_day_fr(regulation.effective_from)}{until}. Familles prévenues par courriel : "
        f"{done.families_told}."
    )


@group.command("list")
@click.option("--establishment", "code", metavar="CODE", help="Une structure seulement.")
@FORMAT_OPTION
@pass_services
def list_command(services: Services, code: str | None, output_format: str) -> None:
    """Les versions publiées, par structure et date d'entrée en vigueur, avec leur état (en
    vigueur, à venir, remplacée)."""
    require_current_schema(services)
    lines = services.portail.regulations.listing(code)
    if output_format == "json":
        echo_json([_json(line) for line in lines])
        return
    rows = [
        (
            line.version.establishment_code,
            line.version.version,
            numeric_day_fr(line.version.effective_from),
            _deadline(line),
            line.status,
            line.version.title,
        )
        for line in lines
    ]
    if output_format == "csv":
        headers = ("structure", "version", "en_vigueur_le", "delai", "etat", "titre")
        echo_rows(headers, rows, "csv")
        return
    if not rows:
        click.echo("Aucun règlement intérieur publié.")
        return
    headers = ("structure", "version", "en vigueur le", "délai", "état", "titre")
    echo_rows(headers, rows, "table")


@group.command("show")
@click.argument("code", metavar="STRUCTURE")
@click.argument("version", metavar="VERSION")
@pass_services
def show_command(services: Services, code: str, version: str) -> None:
    """Une version publiée : titre, dates, document, et combien de familles concernées
    l'ont acceptée."""
    require_current_schema(services)
    details = services.portail.regulations.show(code, version)
    line, regulation = details.line, details.line.version
    document = regulation.document
    click.echo(
        f"{line.establishment_name} ({regulation.establishment_code}), version "
        f"{regulation.version} : {line.status}\n"
        f"Titre : {regulation.title}\n"
        f"En vigueur à partir du {numeric_day_fr(regulation.effective_from)} ; délai : "
        f"{_deadline(line)}\n"
        f"Document : {document.original_name} ({document.size} octets, SHA-256 "
        f"{document.sha256})\n"
        f"Publié le {numeric_day_fr(regulation.published_at.in_tz('Europe/Paris').date())} "
        f"par {regulation.published_by}\n"
        f"Familles concernées : {details.families_concerned}, dont "
        f"{details.families_accepted} l'ont acceptée."
    )
