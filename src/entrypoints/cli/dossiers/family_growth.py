"""``portail family add-child|add-guardian|child-born|enrol|unenrol|set-health``: the dossier
grows at the desk after it is created. Each change is in the family's history."""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING

import click

from entrypoints.cli.feedback import (
    named_as_options,
    pass_services,
    require_current_schema,
    staff_actor,
)
from entrypoints.cli.output import DateParam
from portail_core.domain.dossiers.child import Child
from portail_core.domain.dossiers.guardians import Guardian
from portail_core.services.dossiers.desk_health import DeskHealth

if TYPE_CHECKING:
    from entrypoints.bootstrap import Services


__all__ = ["COMMANDS"]

FAMILY = click.argument("family_id", metavar="FAMILLE", type=click.IntRange(1))
CHILD = click.argument("child_id", metavar="ENFANT", type=click.IntRange(1))
_CHILD_OPTIONS = {
    "first_name": "--first-name",
    "last_name": "--last-name",
    "birth_date": "--birth-date",
    "expected_birth_date": "--birth-date",
    "sex": "--sex",
    "school_code": "--school",
    "school_class": "--class",
}


@click.command("add-child")
@FAMILY
@click.option("--first-name", metavar="PRÉNOM", help="Prénom (sauf pour un enfant à naître).")
@click.option("--last-name", metavar="NOM", required=True, help="Nom de famille de l'enfant.")
@click.option(
    "--birth-date",
    type=DateParam(),
    required=True,
    help="Date de naissance (avec --expected : date de naissance prévue).",
)
@click.option("--sex", metavar="F|M", help="F (fille) ou M (garçon).")
@click.option("--school", metavar="CODE", help="École : son code au catalogue (ex. : PLAGE).")
@click.option(
    "--class", "school_class", metavar="NIVEAU", help="Classe : TPS, PS, MS, GS, CP… CM2, ou GS-CP."
)
@click.option(
    "--expected",
    is_flag=True,
    help="Enfant à naître (pré-inscription à la SMA) : ni prénom ni réservation avant sa "
    "naissance (portail family child-born).",
)
@click.option(
    "--allow-duplicate",
    is_flag=True,
    help="Ajoute l'enfant même s'il semble déjà connu (même prénom et même date de naissance "
    "dans le dossier, ou le même enfant dans un autre dossier).",
)
@pass_services
def add_child_command(
    services: Services,
    family_id: int,
    first_name: str | None,
    last_name: str,
    birth_date: date,
    sex: str | None,
    school: str | None,
    school_class: str | None,
    expected: bool,
    allow_duplicate: bool,
) -> None:
    """Ajoute un enfant au dossier d'une famille : né (prénom, nom, date de naissance, école et
    classe facultatives) ou à naître (--expected : nom et date prévue).

    Refuse (code 5) un enfant qui semble déjà connu, en expliquant pourquoi. Inscrit dans
    l'historique de la famille ; si une valeur est invalide, rien n'est enregistré.

    \b
    Exemples :
      portail family add-child 12 --first-name Zoé --last-name Martin --birth-date 03/02/2020 \\
        --school PLAGE --class GS
      portail family add-child 12 --last-name Martin --birth-date 15/03/2027 --expected
    """
    require_current_schema(services)
    today = services.portail.today()
    with named_as_options(_CHILD_OPTIONS):
        if expected:
            if first_name or school or school_class:
                raise click.UsageError(
                    "Un enfant à naître n'a encore ni prénom, ni école, ni classe."
                )
            child = Child.create_expected(
                last_name=last_name, expected_birth_date=birth_date, today=today, sex=sex
            )
        else:
            child = Child.create(
                first_name=first_name or "",
                last_name=last_name,
                birth_date=birth_date,
                today=today,
                sex=sex,
                school_code=school.strip().upper() if school else None,
                school_class=school_class,
            )
        added = services.portail.dossiers.growth.add_child(
            family_id, child, actor=staff_actor(), allow_duplicate=allow_duplicate
        )
    who = "Enfant à naître" if added.expected else added.full_name
    click.echo(f"{who} ajouté au dossier n° {family_id} : enfant n° {added.id}.")


@click.command("child-born")
@FAMILY
@CHILD
@click.option("--first-name", metavar="PRÉNOM", required=True, help="Prénom de l'enfant.")
@click.option("--birth-date", type=DateParam(), required=True, help="Date de naissance.")
@pass_services
def child_born_command(
    services: Services, family_id: int, child_id: int, first_name: str, birth_date: date
) -> None:
    """Enregistre la naissance d'un enfant à naître : son prénom et sa date de naissance.
    Il peut ensuite être inscrit et réservé ; le dossier demande alors sa santé."""
    require_current_schema(services)
    with named_as_options(_CHILD_OPTIONS):
        child = services.portail.dossiers.growth.child_born(
            family_id, child_id, first_name=first_name, birth_date=birth_date, actor=staff_actor()
        )
    click.echo(f"Naissance enregistrée : {child.full_name} (enfant n° {child.id}).")


@click.command("add-guardian")
@FAMILY
@click.option("--first-name", metavar="PRÉNOM", required=True, help="Prénom.")
@click.option("--last-name", metavar="NOM", required=True, help="Nom.")
@click.option(
    "--relationship",
    metavar="LIEN",
    required=True,
    help="Lien avec les enfants : mère, père, tuteur (ou tutrice), autre.",
)
@click.option(
    "--phone", "phones", metavar="NUMÉRO", multiple=True, help="Téléphone (répétable, 3 au plus)."
)
@click.option("--email", metavar="ADRESSE", help="Adresse e-mail.")
@click.option(
    "--street", metavar="TEXTE", help="Numéro et voie, s'il n'habite pas avec la famille."
)
@click.option("--postcode", metavar="CP", help="Code postal (5 chiffres).")
@click.option("--city", metavar="COMMUNE", help="Commune.")
@click.option("--employer", metavar="NOM", help="Employeur (avec --employer-phone).")
@click.option("--employer-phone", metavar="NUMÉRO", help="Téléphone de l'employeur.")
@pass_services
def add_guardian_command(
    services: Services, /, family_id: int, phones: tuple[str, ...], **given: str | None
) -> None:
    """Ajoute le second responsable légal au dossier d'une famille. Son adresse ne change pas
    la résidence de la famille (celle du responsable principal la décide). Inscrit dans
    l'historique ; si une valeur est invalide, rien n'est enregistré."""
    require_current_schema(services)
    options = {"employer_name": "--employer", "phones": "--phone", "relationship": "--relationship"}
    with named_as_options(options | {k: f"--{k.replace('_', '-')}" for k in given}):
        guardian = Guardian.create(
            first_name=given["first_name"] or "",
            last_name=given["last_name"] or "",
            relationship=given["relationship"] or "",
            street=given["street"],
            postcode=given["postcode"],
            city=given["city"],
            phones=phones,
            email=given["email"],
            employer_name=given["employer"],
            employer_phone=given["employer_phone"],
        )
        services.portail.dossiers.growth.add_guardian(family_id, guardian, actor=staff_actor())
    click.echo(f"{guardian.full_name} ajouté(e) au dossier n° {family_id} : responsable n° 2.")


ESTABLISHMENT = click.option(
    "--establishment", metavar="CODE", required=True, help="Code de la structure (ex. : EMS)."
)
UNIT = click.option(
    "--unit", metavar="CODE", required=True, help="Code de l'activité dans la structure."
)


@click.command("enrol")
@FAMILY
@CHILD
@ESTABLISHMENT
@UNIT
@pass_services
def enrol_command(
    services: Services, family_id: int, child_id: int, establishment: str, unit: str
) -> None:
    """Inscrit un enfant à une activité qui demande une inscription préalable (l'école
    multisports, par exemple), si son école et son âge le permettent. Inscrit dans
    l'historique."""
    require_current_schema(services)
    done = services.portail.dossiers.growth.enrol(
        family_id,
        child_id,
        establishment=establishment.strip().upper(),
        unit=unit.strip().upper(),
        actor=staff_actor(),
    )
    state = "est inscrit" if done else "était déjà inscrit"
    click.echo(f"L'enfant n° {child_id} {state} à {establishment.upper()} / {unit.upper()}.")


@click.command("unenrol")
@FAMILY
@CHILD
@ESTABLISHMENT
@UNIT
@pass_services
def unenrol_command(
    services: Services, family_id: int, child_id: int, establishment: str, unit: str
) -> None:
    """Met fin à l'inscription d'un enfant à une activité ; refusé tant qu'il y a des
    réservations à venir (annulez-les d'abord). Inscrit dans l'historique."""
    require_current_schema(services)
    services.portail.dossiers.growth.unenrol(
        family_id,
        child_id,
        establishment=establishment.strip().upper(),
        unit=unit.strip().upper(),
        actor=staff_actor(),
    )
    click.echo(
        f"L'enfant n° {child_id} n'est plus inscrit à {establishment.upper()} / {unit.upper()}."
    )


@click.command("set-health")
@FAMILY
@CHILD
@click.option("--pai/--no-pai", default=None, help="L'enfant a un PAI, ou n'en a pas.")
@click.option(
    "--pai-until", metavar="DATE", help="Fin de validité du PAI signé (JJ/MM/AAAA ou AAAA-MM-JJ)."
)
@click.option("--pai-instructions", metavar="TEXTE", help="Consignes pratiques du PAI.")
@click.option(
    "--vaccinations-up-to-date/--vaccinations-not-up-to-date",
    default=None,
    help="Carnet de vaccinations à jour, ou non.",
)
@pass_services
def set_health_command(
    services: Services,
    family_id: int,
    child_id: int,
    pai: bool | None,
    pai_until: str | None,
    pai_instructions: str | None,
    vaccinations_up_to_date: bool | None,
) -> None:
    """Enregistre au guichet le PAI (vu sur le PAI signé) et les vaccinations d'un enfant.

    Un PAI demande sa date de fin de validité et ses consignes. Le journal d'audit nomme les
    informations de santé modifiées, jamais leur valeur. Refusé tant qu'une demande de
    changement du PAI faite par la famille attend : approuvez-la ou refusez-la.
    """
    require_current_schema(services)
    health = DeskHealth(
        has_pai=pai,
        pai_valid_until=pai_until,
        pai_instructions=pai_instructions,
        vaccinations_up_to_date=vaccinations_up_to_date,
    )
    options = {
        "pai": "--pai/--no-pai",
        "pai_valid_until": "--pai-until",
        "pai_instructions": "--pai-instructions",
        "health": "options",
    }
    with named_as_options(options):
        saved = services.portail.dossiers.growth.set_health(
            family_id, child_id, health, actor=staff_actor()
        )
    click.echo(f"Santé de {saved.child.full_name} enregistrée (dossier n° {family_id}).")


COMMANDS = (
    add_child_command,
    child_born_command,
    add_guardian_command,
    enrol_command,
    unenrol_command,
    set_health_command,
)
