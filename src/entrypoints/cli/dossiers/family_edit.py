"""``portail family edit`` and ``portail family accept-regulation``: the desk changes a dossier."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import click

from entrypoints.cli.feedback import pass_services, require_current_schema, staff_actor
from portail_core.errors import InvalidInput
from portail_core.services.dossiers.edits import DossierEdit

if TYPE_CHECKING:
    from entrypoints.bootstrap import Services


__all__ = ["accept_regulation_command", "edit_command"]


@click.command("edit")
@click.argument("family_id", metavar="N°", type=click.IntRange(1))
@click.option("--name", metavar="NOM", help="Nom du foyer (tel qu'il figure sur les factures).")
@click.option(
    "--resident/--non-resident",
    default=None,
    help="Habite la commune ou non (décide des tarifs). Obligatoire avec une nouvelle adresse "
    "du responsable principal.",
)
@click.option(
    "--insurance-until",
    metavar="DATE",
    help="Fin de validité de l'assurance responsabilité civile (JJ/MM/AAAA ou AAAA-MM-JJ).",
)
@click.option(
    "--quotient",
    metavar="MONTANT",
    help="Nouveau quotient familial (entier de 0 à 99 999), avec --quotient-source et "
    "--quotient-from.",
)
@click.option(
    "--quotient-source",
    metavar="SOURCE",
    help="Document qui l'indique : CAF, MSA ou avis_imposition.",
)
@click.option(
    "--quotient-from", metavar="DATE", help="Date de début du quotient (JJ/MM/AAAA ou AAAA-MM-JJ)."
)
@click.option(
    "--highest-tariff",
    is_flag=True,
    help="La famille ne donne pas de quotient et choisit le tarif le plus élevé.",
)
@click.option(
    "--guardian",
    metavar="N",
    type=click.IntRange(1, 2),
    default=1,
    show_default=True,
    help="Responsable concerné par --phone, --email, --street, --postcode, --city "
    "(1 : le principal).",
)
@click.option(
    "--phone",
    "phones",
    metavar="NUMÉRO",
    multiple=True,
    help="Téléphone ; répétez l'option pour plusieurs numéros (3 au plus). Remplace les numéros "
    'actuels ; --phone "" les efface.',
)
@click.option("--email", metavar="ADRESSE", help='Adresse e-mail ; --email "" l\'efface.')
@click.option("--street", metavar="TEXTE", help="Numéro et voie de l'adresse.")
@click.option("--postcode", metavar="CP", help="Code postal (5 chiffres).")
@click.option("--city", metavar="COMMUNE", help="Commune de l'adresse.")
@click.option(
    "--child",
    "child_id",
    metavar="N°",
    type=click.IntRange(1),
    help="Enfant concerné par --school et --class (son n°, affiché par « portail family show »).",
)
@click.option("--school", metavar="CODE", help="École : son code au catalogue (ex. : PLAGE).")
@click.option("--class", "school_class", metavar="CLASSE", help="Classe (ex. : CE1).")
@pass_services
def edit_command(
    services: Services,
    /,
    family_id: int,
    phones: tuple[str, ...],
    **options: Any,
) -> None:
    """Modifie le dossier d'une famille au guichet : nom du foyer, résidence, assurance,
    quotient familial, coordonnées d'un responsable, école et classe d'un enfant.

    Seules les options données changent ; les parties omises d'une adresse restent.
    Chaque changement est inscrit dans l'historique (ancienne -> nouvelle valeur, canal
    guichet). Si une valeur est invalide, rien n'est enregistré et toutes les erreurs sont
    listées.

    \b
    Exemples :
      portail family edit 12 --quotient 1250 --quotient-source CAF --quotient-from 01/09/2026
      portail family edit 12 --street "3 allée des Mouettes" --postcode 99100 --resident
      portail family edit 12 --guardian 2 --phone "06 12 34 56 78" --email marc@exemple.fr
      portail family edit 12 --child 31 --school PLAGE --class CE2
    """
    require_current_schema(services)
    edit = DossierEdit(
        name=options["name"],
        resident=options["resident"],
        insurance_valid_until=options["insurance_until"],
        quotient_value=options["quotient"],
        quotient_source=options["quotient_source"],
        quotient_valid_from=options["quotient_from"],
        highest_tariff=options["highest_tariff"],
        guardian=options["guardian"],
        phones=phones or None,
        email=options["email"],
        street=options["street"],
        postcode=options["postcode"],
        city=options["city"],
        child_id=options["child_id"],
        school_code=options["school"],
        school_class=options["school_class"],
    )
    try:
        changes = services.portail.dossiers.edit(family_id, edit, actor=staff_actor())
    except InvalidInput as error:
        raise InvalidInput(
            error.message, {_EDIT_OPTIONS.get(k, k): v for k, v in error.problems.items()}
        ) from error
    if not changes:
        click.echo("Aucun changement : le dossier contient déjà ces valeurs.")
        return
    click.echo(f"Dossier n° {family_id} modifié :")
    for key, (old, new) in changes.items():
        click.echo(f"  {key} : {old or '(vide)'} -> {new or '(vide)'}")


_EDIT_OPTIONS = {  # the use case's field names -> the options that set them
    "name": "--name",
    "resident": "--resident/--non-resident",
    "insurance_valid_until": "--insurance-until",
    "quotient": "--quotient",
    "quotient.value": "--quotient",
    "quotient.source": "--quotient-source",
    "quotient.valid_from": "--quotient-from",
    "guardian.phones": "--phone",
    "guardian.email": "--email",
    "guardian.street": "--street",
    "guardian.postcode": "--postcode",
    "guardian.city": "--city",
    "child": "--child",
    "child.school_code": "--school",
    "child.school_class": "--class",
    "edit": "options",
}


@click.command("accept-regulation")
@click.argument("family_id", metavar="N°", type=click.IntRange(1))
@click.option(
    "--establishment",
    "code",
    required=True,
    metavar="CODE",
    help="Code de la structure (ex. : ALSH).",
)
@click.option(
    "--version",
    metavar="VERSION",
    help="La version que la famille a signée (refusé si la commune en a publié une autre).",
)
@pass_services
def accept_regulation_command(
    services: Services, family_id: int, code: str, version: str | None
) -> None:
    """Enregistre que la famille accepte le règlement intérieur d'une structure, dans sa
    version en vigueur (signé au guichet). Sans cette acceptation, ses réservations dans la
    structure sont refusées. Inscrit dans l'historique de la famille."""
    require_current_schema(services)
    done = services.portail.dossiers.accept_regulation(
        family_id,
        establishment_code=code.strip().upper(),
        actor=staff_actor(),
        version=version.strip() if version else None,
    )
    state = "était déjà accepté" if done.already else "est accepté"
    click.echo(
        f"Le règlement intérieur de « {done.establishment_name} » (version {done.version}) "
        f"{state} pour la famille n° {family_id}."
    )
