"""``portail preregistrations``: school pre-registrations examined and decided at the desk."""

from __future__ import annotations

from typing import TYPE_CHECKING

import click

from entrypoints.cli.feedback import (
    named_as_options,
    pass_services,
    require_current_schema,
    staff_actor,
)
from entrypoints.cli.output import FORMAT_OPTION, echo_json, echo_rows
from portail_core.domain.preregistrations import PreregistrationState
from portail_core.domain.shared.french_dates import numeric_day_fr
from portail_core.services.preregistrations.common import PreregistrationLine

if TYPE_CHECKING:
    from entrypoints.bootstrap import Services


__all__ = ["group"]

_OPTIONS = {"school": "--school", "reason": "--reason", "state": "--state", "level": "--level"}
_STATES = [state.value for state in PreregistrationState]


def _school(line: PreregistrationLine) -> str:
    request = line.request
    if request.derogation:
        sector = line.sector_school_name or "hors carte scolaire"
        return f"{line.requested_school_name} (dérogation ; secteur : {sector})"
    return line.requested_school_name


def _summary(line: PreregistrationLine) -> str:
    request = line.request
    state = request.state.label
    if request.assigned_school:
        state += f" à {line.assigned_school_name}"
    if request.state_reason:
        state += f" ({request.state_reason})"
    return (
        f"Pré-inscription n° {request.id} : {request.full_name} (famille {line.family_name}), "
        f"{request.year_label}, {request.level}, {_school(line)} : {state}."
    )


@click.group("preregistrations")
def group() -> None:
    """Pré-inscriptions scolaires déposées par les familles : lister, consulter, instruire,
    accepter (l'enfant rejoint le dossier avec son école et sa classe), refuser ou mettre en
    attente avec un motif. Chaque changement est envoyé par courriel à la famille et inscrit au
    journal."""


@group.command("list")
@click.option("--school", metavar="CODE", help="Une école (demandée ou attribuée).")
@click.option("--level", metavar="NIVEAU", help="Un niveau : TPS, PS, MS, GS, CP… CM2.")
@click.option("--state", type=click.Choice(_STATES), help="Un état.")
@click.option("--year", "school_year", metavar="AAAA-AAAA", help="Une année scolaire.")
@FORMAT_OPTION
@pass_services
def list_command(
    services: Services,
    school: str | None,
    level: str | None,
    state: str | None,
    school_year: str | None,
    output_format: str,
) -> None:
    """Les demandes, de la plus ancienne à la plus récente (l'ordre d'instruction)."""
    require_current_schema(services)
    with named_as_options({**_OPTIONS, "school_year": "--year"}):
        lines = services.portail.preregistrations.listing(
            school=school, level=level, state=state, school_year=school_year
        )
    if output_format == "json":
        echo_json([_json(line) for line in lines])
        return
    if not lines and output_format == "table":
        click.echo("Aucune pré-inscription scolaire.")
        return
    echo_rows(
        ["N°", "Déposée le", "Enfant", "Famille", "Année", "Niveau", "École demandée", "État"],
        [
            [
                line.request.id,
                numeric_day_fr(line.request.submitted_at.in_tz("Europe/Paris").date()),
                line.request.full_name + (" (nouvel enfant)" if line.request.new_child else ""),
                line.family_name,
                line.request.year_label,
                line.request.level,
                _school(line),
                line.request.state.label,
            ]
            for line in lines
        ],
        output_format,
    )


def _json(line: PreregistrationLine) -> dict[str, object]:
    request = line.request
    return {
        "id": request.id,
        "family_id": request.family_id,
        "family": line.family_name,
        "child_id": request.child_id,
        "first_name": request.first_name,
        "last_name": request.last_name,
        "birth_date": request.birth_date.isoformat(),
        "school_year": request.year_label,
        "level": request.level,
        "computed_level": request.computed_level,
        "level_reason": request.level_reason,
        "sector_school": request.sector_school,
        "requested_school": request.requested_school,
        "derogation_reason": request.derogation_reason,
        "documents": [d.kind.value for d in request.documents],
        "state": request.state.value,
        "state_reason": request.state_reason,
        "assigned_school": request.assigned_school,
        "submitted_at": request.submitted_at.isoformat(),
    }


@group.command("show")
@click.argument("request_id", metavar="N°", type=click.IntRange(1))
@FORMAT_OPTION
@pass_services
def show_command(services: Services, request_id: int, output_format: str) -> None:
    """Une demande en détail : l'enfant, le niveau (et celui que donne la date de naissance),
    l'école de secteur, la dérogation demandée et son motif, les pièces jointes, l'état."""
    require_current_schema(services)
    line = services.portail.preregistrations.show(request_id)
    if output_format == "json":
        echo_json(_json(line))
        return
    request = line.request
    rows = [
        ("Enfant", request.full_name + (" (nouvel enfant)" if request.new_child else "")),
        ("Né(e) le", numeric_day_fr(request.birth_date)),
        ("Famille", f"{line.family_name} (n° {request.family_id})"),
        ("Année scolaire", request.year_label),
        ("Niveau", request.level),
        ("Niveau d'après l'âge", request.computed_level),
        ("Motif du niveau", request.level_reason or "—"),
        ("École de secteur", line.sector_school_name or "hors carte scolaire"),
        ("École demandée", line.requested_school_name),
        ("Motif de dérogation", request.derogation_reason or "—"),
        ("Pièces jointes", ", ".join(d.kind.label for d in request.documents) or "aucune"),
        ("État", request.state.label),
        ("Motif", request.state_reason or "—"),
        ("École attribuée", line.assigned_school_name or "—"),
    ]
    echo_rows(["Champ", "Valeur"], rows, output_format)


@group.command("examine")
@click.argument("request_id", metavar="N°", type=click.IntRange(1))
@pass_services
def examine_command(services: Services, request_id: int) -> None:
    """Passe une demande déposée (ou en attente) en cours d'instruction."""
    require_current_schema(services)
    line = services.portail.preregistrations.examine(request_id, actor=staff_actor())
    click.echo(_summary(line))


@group.command("accept")
@click.argument("request_id", metavar="N°", type=click.IntRange(1))
@click.option("--school", metavar="CODE", help="Une autre école que celle demandée.")
@click.option(
    "--class", "school_class", metavar="CLASSE", help="La classe (par défaut : le niveau)."
)
@pass_services
def accept_command(
    services: Services, request_id: int, school: str | None, school_class: str | None
) -> None:
    """Accepte une demande : l'école attribuée (celle demandée, ou --school) et la classe sont
    inscrites au dossier ; un nouvel enfant y est ajouté. La cantine et l'accueil périscolaire
    de l'école deviennent réservables."""
    require_current_schema(services)
    with named_as_options({**_OPTIONS, "school_class": "--class"}):
        line = services.portail.preregistrations.accept(
            request_id, actor=staff_actor(), school=school, school_class=school_class
        )
    click.echo(_summary(line))


@group.command("refuse")
@click.argument("request_id", metavar="N°", type=click.IntRange(1))
@click.option(
    "--reason",
    required=True,
    metavar="MOTIF",
    help="Le motif, que la famille lit (300 caractères).",
)
@pass_services
def refuse_command(services: Services, request_id: int, reason: str) -> None:
    """Refuse une demande, avec son motif."""
    require_current_schema(services)
    with named_as_options(_OPTIONS):
        line = services.portail.preregistrations.refuse(
            request_id, reason=reason, actor=staff_actor()
        )
    click.echo(_summary(line))


@group.command("wait")
@click.argument("request_id", metavar="N°", type=click.IntRange(1))
@click.option(
    "--reason",
    required=True,
    metavar="MOTIF",
    help="Le motif, que la famille lit (300 caractères).",
)
@pass_services
def wait_command(services: Services, request_id: int, reason: str) -> None:
    """Met une demande en attente (place à confirmer, pièce manquante…), avec son motif."""
    require_current_schema(services)
    with named_as_options(_OPTIONS):
        line = services.portail.preregistrations.wait(
            request_id, reason=reason, actor=staff_actor()
        )
    click.echo(_summary(line))
